// Routes of the diagnostic area: the territorial diagnostic as JSON (/api/v1/diagnostics), the
// page with its selection form, map, tables and charts (/diagnostic) and the printable report
// (/diagnostic/rapport). Handlers parse the selection, call services::Diagnostics::diagnose and
// render; the scope check of a structure's territory is the service's.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "http/feature.hpp"
#include "http/web_app.hpp"
#include "services/diagnostic.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;

// French decimal: "7,5" (comma, `decimals` places).
std::string decimal(double v, int decimals = 1) {
  std::string s = fmt::format("{:.{}f}", v, decimals);
  std::replace(s.begin(), s.end(), '.', ',');
  if (s == "-0" || s.rfind("-0,", 0) == 0) {
    // "-0,0" reads oddly; a value that rounds to zero is shown as zero.
    if (std::all_of(s.begin() + 1, s.end(), [](char c) { return c == '0' || c == ','; })) {
      s.erase(0, 1);
    }
  }
  return s;
}

std::string percent(double share) { return decimal(share * 100, 1) + " %"; }

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::string trimmed(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// The selection of a request. Empty values count as absent (a form sends all its fields).
struct ParsedSelection {
  services::DiagnosticSelection selection;
  std::optional<double> threshold;
};

Result<ParsedSelection> parse_selection(const Request& req) {
  ParsedSelection out;
  if (auto v = req.query_value("communes"); v && !trimmed(*v).empty()) {
    // Codes separated by commas, semicolons or spaces (pasted from a spreadsheet).
    std::string current;
    for (char ch : *v + ",") {
      if (ch == ',' || ch == ';' || std::isspace(static_cast<unsigned char>(ch))) {
        if (!current.empty()) out.selection.communes.push_back(std::move(current));
        current.clear();
      } else {
        current += ch;
      }
    }
  }
  if (auto v = req.query_value("epci"); v) out.selection.epci = trimmed(*v);
  if (auto v = req.query_value("structure"); v && !trimmed(*v).empty()) {
    const std::string t = trimmed(*v);
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), id);
    if (ec != std::errc{} || end != t.data() + t.size() || id <= 0) {
      return fail(ErrorCode::invalid_input, "identifiant de structure invalide", "structure");
    }
    out.selection.structure = id;
  }
  if (auto v = req.query_value("seuil"); v && !trimmed(*v).empty()) {
    std::string t = trimmed(*v);
    std::replace(t.begin(), t.end(), ',', '.');  // "2,5" as French users write it
    double d = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
    if (ec != std::errc{} || end != t.data() + t.size()) {
      return fail(ErrorCode::invalid_input, "le seuil doit être un nombre (ex. 2,5)", "seuil");
    }
    out.threshold = d;
  }
  return out;
}

// The query string that reproduces a report's selection (links between page, report and API).
std::string selection_query(const services::DiagnosticReport& r) {
  std::string q = fmt::format("{}={}", r.kind, url_encode(r.value));
  if (r.threshold != 2.5) q += fmt::format("&seuil={}", r.threshold);
  return q;
}

json figure_json(const std::optional<diagnostic::Figure>& f) {
  if (!f) return nullptr;
  return json{{"effectif", f->count},
              {"etp", f->fte},
              {"densite", optional_number(f->per_10000)},
              {"densite_etp", optional_number(f->fte_per_10000)}};
}

json area_json(const std::optional<diagnostic::AreaSummary>& a) {
  if (!a) return nullptr;
  return json{{"code", a->code}, {"nom", a->nom}, {"population", a->population}};
}

json snapshot_json(const std::optional<services::SnapshotRef>& s) {
  if (!s) return nullptr;
  return json{{"id", s->id},
              {"date_extraction", s->extract_date},
              {"importe_le", s->imported_at},
              {"fichier", s->source}};
}

constexpr std::string_view kPopulationSource =
    "INSEE, populations légales (référentiel Maillage : paquet @etalab/decoupage-administratif)";
constexpr std::string_view kRppsSource =
    "Annuaire Santé (ANS), extraction en libre accès du RPPS (PS_LibreAcces_Personne_activite)";

json method_json(const services::DiagnosticReport& r) {
  return json{{"ponderations", r.access.weights},
              {"minutes_max", r.access.max_minutes},
              {"vitesse_kmh", r.access.speed_kmh},
              {"detour", r.access.detour},
              {"consultations_par_etp", r.access.consultations_per_fte},
              {"seuil", r.threshold},
              {"champ", "soins de ville (libéral, centres de santé, cabinets)"},
              {"zone_calcul", "France entière (toutes les communes)"}};
}

json report_json(const services::DiagnosticReport& r) {
  const auto& d = r.result;
  json professions = json::array();
  for (const auto& p : d.professions) {
    json change = nullptr;
    if (p.change) {
      change = {{"avant", p.change->count_before},
                {"variation", p.change->count_delta},
                {"arrivees", p.change->arrived},
                {"departs", p.change->left}};
    }
    professions.push_back({{"cle", p.key},
                           {"libelle", p.label},
                           {"territoire", figure_json(p.territory)},
                           {"departement", figure_json(p.departement)},
                           {"region", figure_json(p.region)},
                           {"france", figure_json(p.france)},
                           {"part_60_ans_et_plus", optional_number(p.share_60_plus)},
                           {"evolution", change}});
  }
  json communes = json::array();
  for (const auto& c : d.communes) {
    communes.push_back({{"code", c.code},
                        {"nom", c.nom},
                        {"population", c.population},
                        {"apl", optional_number(c.access)},
                        {"sous_seuil", c.under_served}});
  }
  json structures = json::array();
  for (const auto& s : d.structures) {
    structures.push_back(
        {{"id", s.id},
         {"type", s.kind},
         {"nom", s.name},
         {"etape", s.stage.empty() ? json(nullptr) : json(s.stage)},
         {"etape_libelle", s.stage.empty() ? json(nullptr) : json(s.stage_label)}});
  }
  return json{{"titre", r.title},
              {"selection", {{"type", r.kind}, {"valeur", r.value}}},
              {"population", d.population},
              {"nombre_communes", d.commune_count},
              {"codes_communes", r.commune_codes},
              {"departements", r.departements},
              {"comparaisons",
               {{"departement", area_json(d.departement)},
                {"region", area_json(d.region)},
                {"france", area_json(d.france)}}},
              {"professions", std::move(professions)},
              {"accessibilite",
               {{"unite", "consultations par habitant et par an (médecins généralistes)"},
                {"moyenne", optional_number(d.mean_access)},
                {"seuil", d.threshold},
                {"population_avec_apl", d.population_with_access},
                {"population_sous_seuil", d.population_under_threshold},
                {"communes_sous_seuil", d.communes_under_threshold},
                {"part_sous_seuil", optional_number(d.share_under_threshold)},
                {"communes", std::move(communes)}}},
              {"structures", std::move(structures)},
              {"structures_par_type", d.structures_by_kind},
              {"sources",
               {{"population", kPopulationSource},
                {"rpps", kRppsSource},
                {"instantane", snapshot_json(r.snapshot)},
                {"instantane_precedent", snapshot_json(r.previous)},
                {"departements_couverts", r.departements_with_supply},
                {"departements_total", r.departements_total},
                {"methode", method_json(r)}}},
              {"calcul_ms", r.compute_ms}};
}

// The formatted figures both pages show (tables, summary, sources).
json page_json(const services::DiagnosticReport& r) {
  const auto& d = r.result;
  auto density = [](const std::optional<diagnostic::Figure>& f) -> std::string {
    return f && f->per_10000 ? decimal(*f->per_10000) : "—";
  };
  json professions = json::array();
  bool any_change = false;
  bool any_age = false;
  for (const auto& p : d.professions) {
    json row{{"libelle", p.label},
             {"cle", p.key},
             {"effectif", format_count(std::llround(p.territory.count))},
             {"etp", decimal(p.territory.fte)},
             {"densite", density(p.territory)},
             {"densite_departement", density(p.departement)},
             {"densite_region", density(p.region)},
             {"densite_france", density(p.france)},
             {"part_60", p.share_60_plus ? percent(*p.share_60_plus) : "non connue"}};
    if (p.territory.per_10000 && p.departement && p.departement->per_10000) {
      row["sous_departement"] = *p.territory.per_10000 < *p.departement->per_10000;
    }
    any_age = any_age || p.share_60_plus.has_value();
    if (p.change) {
      any_change = true;
      const double delta = p.change->count_delta;
      row["evolution"] = {{"avant", format_count(std::llround(p.change->count_before))},
                          {"variation", (delta > 0 ? "+" : "") + format_count(std::llround(delta))},
                          {"arrivees", format_count(p.change->arrived)},
                          {"departs", format_count(p.change->left)},
                          {"baisse", delta < 0}};
    }
    professions.push_back(std::move(row));
  }
  std::vector<const diagnostic::CommuneRow*> by_access;
  for (const auto& c : d.communes) by_access.push_back(&c);
  // Least served first: the report's reader looks for them.
  std::stable_sort(by_access.begin(), by_access.end(), [](const auto* a, const auto* b) {
    return a->access.value_or(1e300) < b->access.value_or(1e300);
  });
  json communes = json::array();
  for (const auto* c : by_access) {
    communes.push_back({{"code", c->code},
                        {"nom", c->nom},
                        {"population", format_count(c->population)},
                        {"apl", c->access ? decimal(*c->access, 2) : "—"},
                        {"sous_seuil", c->under_served}});
  }
  json structures = json::array();
  for (const auto& s : d.structures) {
    structures.push_back({{"type", s.kind},
                          {"nom", s.name},
                          {"etape", s.stage.empty() ? json(nullptr) : json(s.stage_label)}});
  }
  json kinds = json::array();
  for (const auto& [k, n] : d.structures_by_kind) {
    kinds.push_back({{"type", k}, {"nombre", n}});
  }
  auto snapshot_text = [](const std::optional<services::SnapshotRef>& s) -> json {
    if (!s) return nullptr;
    return json{{"date", s->extract_date}, {"fichier", s->source}, {"importe_le", s->imported_at}};
  };
  return json{
      {"titre_territoire", r.title},
      {"population", format_count(d.population)},
      {"nombre_communes", format_count(static_cast<std::int64_t>(d.commune_count))},
      {"departement", area_json(d.departement)},
      {"region", area_json(d.region)},
      {"professions", std::move(professions)},
      {"a_evolution", any_change},
      {"a_age", any_age},
      {"apl_moyenne", d.mean_access ? decimal(*d.mean_access, 2) : "non calculée"},
      {"a_apl", d.mean_access.has_value()},
      {"seuil", decimal(d.threshold, 2)},
      {"seuil_brut", d.threshold},
      {"population_sous_seuil", format_count(d.population_under_threshold)},
      {"communes_sous_seuil", format_count(static_cast<std::int64_t>(d.communes_under_threshold))},
      {"part_sous_seuil", d.share_under_threshold ? percent(*d.share_under_threshold) : "—"},
      {"communes", std::move(communes)},
      {"structures", std::move(structures)},
      {"a_structures", !d.structures.empty()},
      {"structures_par_type", std::move(kinds)},
      {"instantane", snapshot_text(r.snapshot)},
      {"instantane_precedent", snapshot_text(r.previous)},
      {"source_population", kPopulationSource},
      {"source_rpps", kRppsSource},
      {"methode",
       {{"ponderations", r.access.weights},
        {"minutes_max", decimal(r.access.max_minutes, 0)},
        {"vitesse", decimal(r.access.speed_kmh, 0)},
        {"detour", decimal(r.access.detour, 2)},
        {"consultations_par_etp", format_count(std::llround(r.access.consultations_per_fte))},
        {"paires", format_count(static_cast<std::int64_t>(r.access_pairs))}}},
      {"calcul_ms", decimal(r.compute_ms, 0)},
      // The comparisons are only as national as the imported extract.
      {"couverture_partielle",
       r.snapshot && r.departements_with_supply * 10 < r.departements_total * 9},
      {"couverture", fmt::format("{} département{} sur {}", r.departements_with_supply,
                                 r.departements_with_supply > 1 ? "s" : "", r.departements_total)},
      {"requete", selection_query(r)},
      {"selection_type", r.kind},
      {"selection_valeur", r.value},
      {"departements", r.departements}};
}

class DiagnosticFeature final : public Feature {
 public:
  explicit DiagnosticFeature(const Site& site) : site_(site), service_(site.services.diagnostics) {}

  void add_routes(RouteTable& table) override {
    const auto signed_in = AccessRule::authenticated();
    const std::vector<QueryParam> selection{
        {"communes", "Codes INSEE des communes, séparés par des virgules", false, false},
        {"epci", "SIREN d'un EPCI", false, false},
        {"structure", "Identifiant d'une structure (son territoire)", false, false},
        {"seuil",
         "Seuil de sous-densité de l'accessibilité (consultations par habitant et par an, 2,5 "
         "par défaut)",
         false, false}};
    table
        .add(
            "GET", "/api/v1/diagnostics", signed_in, RouteKind::api,
            [this](const RequestContext& ctx) { return api_diagnostic(ctx); },
            "Diagnostic territorial d'un ensemble de communes, d'un EPCI ou du territoire "
            "d'une structure")
        .query = selection;
    table
        .add(
            "GET", "/diagnostic", signed_in, RouteKind::page,
            [this](const RequestContext& ctx) { return page(ctx, false); },
            "Diagnostic territorial : sélection, carte, tableaux et graphiques")
        .query = selection;
    table
        .add(
            "GET", "/diagnostic/rapport", signed_in, RouteKind::page,
            [this](const RequestContext& ctx) { return page(ctx, true); },
            "Rapport imprimable du diagnostic territorial")
        .query = selection;
  }

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal&) const override {
    return {{"Diagnostic", "/diagnostic"}};
  }

 private:
  Result<Response> api_diagnostic(const RequestContext& ctx) {
    auto parsed = MAILLAGE_TRY(parse_selection(ctx.request));
    auto report =
        MAILLAGE_TRY(service_.diagnose(*ctx.principal(), parsed.selection, parsed.threshold));
    Response r =
        Response::json(report_json(report).dump(-1, ' ', false, json::error_handler_t::replace));
    // Figures change with each import and each territory edit: never cached by the browser.
    r.set_header("Cache-Control", "no-store");
    return r;
  }

  // The selection form's choices: structures with a territory within the caller's scope, and
  // the EPCI of the user's département.
  json form_json(const RequestContext& ctx, const ParsedSelection& sel) {
    json form;
    json structures = json::array();
    if (auto list = service_.structures(*ctx.principal())) {
      for (const auto& s : *list) {
        structures.push_back({{"id", s.id},
                              {"libelle", fmt::format("{} — {}", s.kind, s.name)},
                              {"choisi", sel.selection.structure == s.id}});
      }
    }
    form["structures"] = std::move(structures);
    std::string dep = site_.default_departement(ctx.principal());
    std::vector<const geo::Epci*> epcis;
    if (const auto* d = site_.ref.departement(dep)) {
      for (auto i : d->communes) {
        const auto& e = site_.ref.communes[i].epci;
        if (const auto* epci = e.empty() ? nullptr : site_.ref.epci(e)) epcis.push_back(epci);
      }
    }
    if (!sel.selection.epci.empty()) {
      if (const auto* e = site_.ref.epci(sel.selection.epci)) epcis.push_back(e);
    }
    std::sort(epcis.begin(), epcis.end(),
              [](const auto* a, const auto* b) { return a->nom < b->nom; });
    epcis.erase(std::unique(epcis.begin(), epcis.end()), epcis.end());
    json list = json::array();
    for (const auto* e : epcis) {
      list.push_back(
          {{"code", e->code}, {"nom", e->nom}, {"choisi", e->code == sel.selection.epci}});
    }
    form["epcis"] = std::move(list);
    std::string communes;
    for (const auto& c : sel.selection.communes) communes += (communes.empty() ? "" : ",") + c;
    form["communes"] = communes;
    return form;
  }

  Result<Response> page(const RequestContext& ctx, bool printable) {
    auto parsed = MAILLAGE_TRY(parse_selection(ctx.request));
    const auto& sel = parsed.selection;
    const bool asked = !sel.communes.empty() || !sel.epci.empty() || sel.structure;
    json data;
    data["titre"] = printable ? "Rapport de diagnostic territorial" : "Diagnostic territorial";
    data["carte_page"] = !printable;  // Leaflet (the layout loads it with carte_page)
    if (!printable) data["formulaire"] = form_json(ctx, parsed);
    if (asked) {
      auto report = service_.diagnose(*ctx.principal(), sel, parsed.threshold);
      if (!report) {
        // On the page a bad selection is shown above the form; the report has no form.
        if (printable || (report.error().code != ErrorCode::invalid_input &&
                          report.error().code != ErrorCode::not_found)) {
          return tl::unexpected(report.error());
        }
        data["erreur"] = report.error().message;
      } else {
        json result = page_json(*report);
        result["api_url"] = "/api/v1/diagnostics?" + selection_query(*report);
        result["rapport_url"] = "/diagnostic/rapport?" + selection_query(*report);
        result["page_url"] = "/diagnostic?" + selection_query(*report);
        result["genere_le"] = maillage::format_date(maillage::today_utc());
        // Without a snapshot, who may import one gets the way to do it.
        result["import_rpps"] = !report->snapshot && site_.may_open(ctx.principal(), "/rpps");
        if (printable) data["titre"] = "Diagnostic territorial — " + report->title;
        data["resultat"] = std::move(result);
      }
    }
    auto html =
        MAILLAGE_TRY(site_.render_page(printable ? "diagnostic_rapport" : "diagnostic", data, ctx));
    return Response::html(std::move(html));
  }

  const Site& site_;
  services::Diagnostics& service_;
};

}  // namespace

std::unique_ptr<Feature> make_diagnostic_feature(const Site& site) {
  return std::make_unique<DiagnosticFeature>(site);
}

}  // namespace maillage::http
