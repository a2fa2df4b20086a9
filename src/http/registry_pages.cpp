// The registry's French pages: the portfolio of a département (table and pipeline), the
// structure page with its forms, and "Qui est mon ROC ?".
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/try.hpp"
#include "http/registry_feature.hpp"
#include "http/web_app.hpp"

namespace maillage::http {

using namespace registry_http;
using services::Role;

namespace {

std::string format_int(std::int64_t n) { return format_count(n); }

json alert_rows(const std::vector<services::PortfolioAlert>& alerts) {
  json out = json::array();
  for (const auto& a : alerts) {
    out.push_back({{"date", registry::format_date_fr(a.date)},
                   {"libelle", a.label},
                   {"gravite", a.severity},
                   {"gravite_libelle", severity_label(a.severity)}});
  }
  return out;
}

// The filter choices of the portfolio page.
json filter_options(const services::Portfolio& p, const std::string& type, const std::string& stage,
                    const std::string& alert, json& stage_options, json& alert_options) {
  json type_options = json::array();
  for (const char* k : {"CPTS", "MSP", "ESP", "CDS"}) {
    type_options.push_back({{"valeur", k}, {"choisi", type == k}});
  }
  stage_options = json::array();
  std::set<std::string> seen;
  for (const auto& s : p.pipeline) {
    if (!seen.insert(s.stage).second) continue;
    stage_options.push_back(
        {{"valeur", s.stage}, {"libelle", s.label}, {"choisi", s.stage == stage}});
  }
  alert_options = json::array();
  for (auto [v, l] :
       {std::pair{"any", "Avec au moins une alerte"}, std::pair{"deadline", "Échéance de mission"},
        std::pair{"implicit_transition", "Validation implicite"},
        std::pair{"anniversary", "Anniversaire du contrat"}}) {
    alert_options.push_back({{"valeur", v}, {"libelle", l}, {"choisi", alert == v}});
  }
  return type_options;
}

}  // namespace

Result<Response> RegistryFeature::page_portfolio_home(const RequestContext& ctx) {
  // A région's people land on the regional view, not on the first département's portfolio.
  const auto& who = *ctx.principal();
  if (who.role == Role::ars || who.role == Role::charge_de_mission) {
    if (const std::string region = default_region(who); !region.empty()) {
      return Response::redirect("/region/" + region, 302);
    }
  }
  return Response::redirect("/portefeuille/" + site_.default_departement(ctx.principal()), 302);
}

json RegistryFeature::portfolio_rows(const services::Portfolio& p) const {
  json rows = json::array();
  for (const auto& e : p.entries) {
    std::int64_t late = 0;
    for (const auto& a : e.alerts) late += a.severity == "critical";
    std::string commune;
    if (const auto* c = site_.ref.commune(e.structure.commune)) commune = c->nom;
    rows.push_back(
        {{"id", e.structure.id},
         {"type", e.structure.kind},
         {"nom", e.structure.name},
         {"etape", e.structure.stage},
         {"etape_libelle", e.structure.stage_label},
         {"depuis",
          e.structure.stage_since ? registry::format_date_fr(*e.structure.stage_since) : ""},
         {"commune", commune},
         {"communes", e.territory_communes},
         {"population", e.territory_population > 0 ? format_int(e.territory_population) : ""},
         {"referents", fmt::format("{}", fmt::join(e.referents, ", "))},
         {"echeance", e.next_deadline
                          ? json{{"date", registry::format_date_fr(e.next_deadline->date)},
                                 {"libelle", e.next_deadline->label},
                                 {"gravite", e.next_deadline->severity}}
                          : json()},
         {"alertes", alert_rows(e.alerts)},
         {"nombre_alertes", e.alerts.size()},
         {"a_alertes", !e.alerts.empty()},
         {"a_territoire", e.territory_communes > 0},
         {"en_retard", late},
         {"a_retard", late > 0}});
  }
  return rows;
}

json RegistryFeature::pipeline_boxes(const services::Portfolio& p, const std::string& type,
                                     const std::string& stage) const {
  // One row of boxes per kind, the active stages first then the terminal ones.
  json kinds = json::array();
  std::string current_kind;
  for (const auto& s : p.pipeline) {
    if (s.kind != current_kind) {
      kinds.push_back({{"type", s.kind}, {"etapes", json::array()}, {"total", 0}});
      current_kind = s.kind;
    }
    json& k = kinds.back();
    k["total"] = k["total"].get<std::int64_t>() + s.count;
    k["etapes"].push_back(
        {{"etape", s.stage},
         {"libelle", s.label},
         {"nombre", s.count},
         {"terminale", s.terminal},
         {"lien", fmt::format("/portefeuille/{}?type={}&etape={}", p.departement, s.kind, s.stage)},
         {"choisie", s.stage == stage && s.kind == type}});
  }
  return kinds;
}

Result<Response> RegistryFeature::page_portfolio(const RequestContext& ctx) {
  const std::string& dep = ctx.request.param("dep");
  auto p = MAILLAGE_TRY(portfolio_of(ctx, dep));
  const auto type = ctx.request.query_value("type").value_or("");
  const auto stage = ctx.request.query_value("etape").value_or("");
  const auto alert = ctx.request.query_value("alerte").value_or("");
  const auto sector = ctx.request.query_value("secteur").value_or("");
  json stage_options, alert_options;
  json type_options = filter_options(p, type, stage, alert, stage_options, alert_options);
  std::string query;
  for (auto [k, v] : {std::pair{"type", type}, std::pair{"etape", stage},
                      std::pair{"alerte", alert}, std::pair{"secteur", sector}}) {
    if (v.empty()) continue;
    query += (query.empty() ? "?" : "&") + std::string(k) + "=" + url_encode(v);
  }
  json deps = json::array();
  auto region_fn = [&](std::string_view d) {
    const auto* x = site_.ref.departement(d);
    return x ? x->region : std::string();
  };
  for (const auto& d : site_.ref.departements) {
    if (!services::covers_departement(*ctx.principal(), d.code, region_fn)) continue;
    deps.push_back({{"code", d.code}, {"nom", d.nom}, {"choisi", d.code == p.departement}});
  }
  const bool several_departements = deps.size() > 1;
  services::StructureFilter archived_filter;
  archived_filter.departement = p.departement;
  archived_filter.archived = services::ArchiveFilter::archived;
  const auto archived_count =
      MAILLAGE_TRY(registry_.list_structures(*ctx.principal(), archived_filter)).size();
  json data{
      {"titre", fmt::format("Portefeuille — {} ({})", p.departement_name, p.departement)},
      {"departement", {{"code", p.departement}, {"nom", p.departement_name}}},
      {"date", registry::format_date_fr(p.as_of)},
      {"total", p.total},
      {"affichees", p.entries.size()},
      {"filtre", !query.empty()},
      {"structures", portfolio_rows(p)},
      {"a_structures", !p.entries.empty()},
      {"pipeline", pipeline_boxes(p, type, stage)},
      {"types", std::move(type_options)},
      {"etapes", std::move(stage_options)},
      {"alertes", std::move(alert_options)},
      {"departements", std::move(deps)},
      {"plusieurs_departements", several_departements},
      {"mon_secteur", sector == "mien"},
      {"suit_des_structures", ctx.principal()->role == services::Role::roc},
      {"archivees", archived_count},
      {"peut_creer", ctx.principal()->role == Role::roc || ctx.principal()->role == Role::ars ||
                         ctx.principal()->role == Role::admin},
      {"export_csv", fmt::format("/api/v1/departements/{}/portfolio.csv{}", p.departement, query)},
      {"export_xlsx",
       fmt::format("/api/v1/departements/{}/portfolio.xlsx{}", p.departement, query)}};
  return Response::html(MAILLAGE_TRY(
      site_.render_page("registre_portefeuille", nullify_empty(std::move(data)), ctx)));
}

namespace {

json history_rows(const std::vector<services::HistoryEntry>& hist) {
  json history = json::array();
  for (auto it = hist.rbegin(); it != hist.rend(); ++it) {
    history.push_back({{"date", registry::format_date_fr(it->date)},
                       {"evenement", it->event_label},
                       {"de", it->from_label},
                       {"vers", it->to_label},
                       {"par", it->user},
                       {"implicite", it->implicit},
                       {"commentaire", it->comment}});
  }
  return history;
}

// The moves from the current stage: buttons for those this user decides, each with the sentence
// its confirmation shows, and the others with who decides them (or how they are recorded).
json transition_buttons(const std::vector<services::AllowedTransition>& moves,
                        const services::Structure& s, const std::string& definite) {
  json buttons = json::array();
  for (const auto& m : moves) {
    if (!m.may_record || m.via_contract) continue;
    std::string consequence = fmt::format("{} passera de l'étape « {} » à l'étape « {} » à la date "
                                          "choisie.",
                                          definite, s.stage_label, m.to_label);
    if (m.terminal) consequence += " Cette étape est définitive.";
    consequence[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(consequence[0])));
    buttons.push_back({{"evenement", m.event},
                       {"libelle", m.label},
                       {"vers", m.to_label},
                       {"consequence", consequence},
                       {"terminal", m.terminal}});
  }
  return buttons;
}

json other_moves(const std::vector<services::AllowedTransition>& moves, std::int64_t structure_id) {
  json out = json::array();
  for (const auto& m : moves) {
    if (m.may_record && !m.via_contract) continue;
    out.push_back({{"libelle", m.label},
                   {"vers", m.to_label},
                   {"par_contrat", m.via_contract},
                   {"lien_contrat", fmt::format("/aci/contrats/nouveau?structure={}", structure_id)},
                   {"decide_par", m.decided_by_label}});
  }
  return out;
}

json document_rows(const std::vector<services::DocumentInfo>& docs) {
  json documents = json::array();
  for (const auto& d : docs) {
    json j = document_json(d);
    j["date"] = registry::format_date_fr(d.date);
    documents.push_back(std::move(j));
  }
  return documents;
}

// The notes form shows for those the PATCH route and the service would let in.
bool can_write(const services::Principal& who, std::int64_t id) {
  return who.role == Role::admin ||
         ((who.role == Role::roc || who.role == Role::ars || who.role == Role::coordinator) &&
          (who.role != Role::coordinator ||
           std::find(who.structures.begin(), who.structures.end(), id) != who.structures.end()));
}

}  // namespace

Result<Response> RegistryFeature::page_structure(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  const auto& who = *ctx.principal();
  auto s = MAILLAGE_TRY(r->get_structure(who, id));
  auto hist = MAILLAGE_TRY(r->history(who, id));
  auto moves = MAILLAGE_TRY(r->allowed_transitions(who, s));
  auto docs = MAILLAGE_TRY(r->documents(who, id));
  auto communes = MAILLAGE_TRY(r->territory_communes(who, id));
  auto refs = MAILLAGE_TRY(r->referents_of_structure(who, id));
  // An archived structure is followed by nobody: it raises no alert (as in the portfolio).
  std::vector<services::PortfolioAlert> alerts;
  if (!s.archived()) alerts = MAILLAGE_TRY(r->alerts(who, {id}, today_utc()));

  json types = json::array();
  for (const auto& t : services::document_types())
    types.push_back({{"id", t.id}, {"libelle", t.label}});
  std::int64_t population = 0;
  json territory = json::array();
  for (const auto& code : communes) {
    if (const auto* c = site_.ref.commune(code)) {
      population += c->population;
      territory.push_back({{"code", c->code}, {"nom", c->nom}});
    }
  }
  std::string commune;
  if (const auto* c = site_.ref.commune(s.commune))
    commune = fmt::format("{} ({})", c->nom, c->code);
  const auto* dep = site_.ref.departement(s.departement);
  const auto* lc = r->lifecycle_of(s.kind);
  json buttons = transition_buttons(moves, s, lc ? lc->definite : "la structure");
  json others = other_moves(moves, s.id);
  // An archived structure is read-only until it is brought back: no step, form or upload.
  const bool archived = s.archived();
  const bool has_buttons = !buttons.empty() && !archived;
  const bool has_others = !others.empty() && !archived;
  const bool decider = who.role == Role::admin || who.role == Role::roc || who.role == Role::ars;
  json data{{"titre", s.name},
            {"structure", structure_json(s)},
            {"departement_nom", dep ? dep->nom : s.departement},
            {"commune_siege", commune},
            {"depuis", s.stage_since ? registry::format_date_fr(*s.stage_since) : ""},
            {"historique", history_rows(hist)},
            {"a_historique", !hist.empty()},
            {"transitions", std::move(buttons)},
            {"a_transitions", has_buttons},
            {"autres_etapes", std::move(others)},
            {"a_autres_etapes", has_others},
            {"aujourdhui", registry::format_date(today_utc())},
            {"documents", document_rows(docs)},
            {"a_documents", !docs.empty()},
            {"types_documents", std::move(types)},
            {"peut_ecrire", can_write(who, s.id) && !archived},
            {"archivee", archived},
            {"archivee_le", french_day(s.archived_at.value_or(""))},
            {"peut_archiver", decider && !archived},
            {"peut_desarchiver", decider && archived},
            {"projet_de_sante", s.kind == "CPTS" && !communes.empty()},
            {"territoire", std::move(territory)},
            {"a_territoire", !communes.empty()},
            {"communes_territoire", communes.size()},
            {"population_territoire", format_int(population)},
            {"referents", referents_json(refs)},
            {"alertes", alert_rows(alerts)},
            {"a_alertes", !alerts.empty()},
            {"message", ctx.request.query_value("message").value_or("")}};
  return Response::html(
      MAILLAGE_TRY(site_.render_page("registre_structure", nullify_empty(std::move(data)), ctx)));
}

Result<Response> RegistryFeature::page_archives(const RequestContext& ctx) {
  const std::string& dep = ctx.request.param("dep");
  const auto* d = site_.ref.departement(dep);
  if (d == nullptr) return fail(ErrorCode::not_found, "Département inconnu : " + dep);
  services::StructureFilter f;
  f.departement = dep;
  f.archived = services::ArchiveFilter::archived;
  auto list = MAILLAGE_TRY(registry_.list_structures(*ctx.principal(), f));
  json rows = json::array();
  for (const auto& s : list) {
    rows.push_back({{"id", s.id},
                    {"type", s.kind},
                    {"nom", s.name},
                    {"etape_libelle", s.stage_label},
                    {"archivee_le", french_day(s.archived_at.value_or(""))},
                    {"archivee_par", s.archived_by},
                    {"motif", s.archive_reason}});
  }
  json data{{"titre", fmt::format("Structures archivées — {} ({})", d->nom, d->code)},
            {"departement", {{"code", d->code}, {"nom", d->nom}}},
            {"structures", std::move(rows)},
            {"a_structures", !list.empty()},
            {"nombre", list.size()}};
  return Response::html(
      MAILLAGE_TRY(site_.render_page("registre_archives", nullify_empty(std::move(data)), ctx)));
}

Result<Response> RegistryFeature::page_transition(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  Params form = ctx.request.form();
  auto field = [&](const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  auto version = MAILLAGE_TRY(parse_id(field("version"), "version"));
  const auto today = today_utc();
  registry::Date date = today;
  if (!field("date").empty()) {
    auto d = registry::parse_date(field("date"));
    if (!d) return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", "date");
    date = *d;
  }
  auto s = MAILLAGE_TRY(r->transition(*ctx.principal(), id, version, field("evenement"), date,
                                      field("commentaire"), today));
  return Response::redirect(fmt::format("/structures/{}?message={}", id,
                                        url_encode("Étape enregistrée : " + s.stage_label)));
}

Result<Response> RegistryFeature::page_notes(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  Params form = ctx.request.form();
  auto it = form.find("version");
  auto version = MAILLAGE_TRY(parse_id(it == form.end() ? "" : it->second, "version"));
  services::StructureFields f;
  auto notes = form.find("notes");
  f.notes = notes == form.end() ? std::string() : notes->second;
  MAILLAGE_CHECK(r->update_structure(*ctx.principal(), id, version, f));
  return Response::redirect(
      fmt::format("/structures/{}?message={}", id, url_encode("Notes enregistrées.")));
}

Status RegistryFeature::who_is_my_roc_commune(const std::string& q, json& data) {
  services::Registry* r = &registry_;
  json candidates = json::array();
  const geo::Commune* c = site_.ref.commune(q);
  if (c == nullptr && q.size() <= 100) {
    auto found = site_.ref.search(q, 10);
    if (found.size() == 1) c = &site_.ref.communes[found.front()];
    // "Metz" also finds Montigny-lès-Metz: an exact name (ignoring ASCII case) is the answer.
    auto same = [](const std::string& a, const std::string& b) {
      return a.size() == b.size() &&
             std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
             });
    };
    // Homonyms ("Saint-Julien" names communes of several départements): the exact names are
    // offered with their département instead of one of them being answered silently.
    std::vector<geo::CommuneIndex> exact;
    for (auto i : found) {
      if (same(site_.ref.communes[i].nom, q)) exact.push_back(i);
    }
    if (c == nullptr && exact.size() == 1) c = &site_.ref.communes[exact.front()];
    for (auto i : exact.size() > 1 ? exact : found) {
      const auto& x = site_.ref.communes[i];
      const geo::Departement* d = site_.ref.departement(x.departement);
      candidates.push_back({{"code", x.code},
                            {"nom", x.nom},
                            {"departement", x.departement},
                            {"departement_nom", d ? d->nom : x.departement}});
    }
  }
  if (c != nullptr) {
    auto refs = MAILLAGE_TRY(r->referents_of_commune(c->code));
    data["cible"] = fmt::format("{} ({})", c->nom, c->code);
    data["referents"] = referents_json(refs);
    data["a_reponse"] = true;
    candidates = json::array();
  } else if (candidates.empty()) {
    data["introuvable"] = true;
  }
  data["candidats"] = candidates;
  return {};
}

Result<Response> RegistryFeature::page_who_is_my_roc(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  std::string q = ctx.request.query_value("commune").value_or("");
  std::string structure = ctx.request.query_value("structure").value_or("");
  json data{{"titre", "Qui est mon ROC ?"}, {"q", q}};
  data["candidats"] = json::array();
  if (!structure.empty()) {
    auto id = MAILLAGE_TRY(parse_id(structure, "structure"));
    auto s = MAILLAGE_TRY(r->get_structure(*ctx.principal(), id));
    auto refs = MAILLAGE_TRY(r->referents_of_structure(*ctx.principal(), id));
    data["cible"] = s.name;
    data["referents"] = referents_json(refs);
    data["a_reponse"] = true;
  } else if (!q.empty()) {
    MAILLAGE_CHECK(who_is_my_roc_commune(q, data));
  }
  data["a_referents"] = data.contains("referents") && !data["referents"].empty();
  data["a_candidats"] = !data["candidats"].empty();
  auto html = MAILLAGE_TRY(site_.render_page("registre_roc", nullify_empty(std::move(data)), ctx));
  return Response::html(std::move(html));
}

}  // namespace maillage::http
