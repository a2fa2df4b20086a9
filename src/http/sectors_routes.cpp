// Routes of the sectors area: the workspace of a département (communes and their workload, the
// plan in force, history, possible referents), background computations, live checks of an
// assignment, saving a new version, CSV and GeoJSON exports, and the French page /secteurs/{dep}.
// Handlers parse, call one services::Sectors method and answer; scopes are checked there.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <vector>
#include <nlohmann/json.hpp>

#include "common/csv.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/feature.hpp"
#include "http/sectors_json.hpp"
#include "services/sectors.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::Role;

constexpr std::int64_t kMaxSectors = 12;

std::vector<JsonProperty> settings_properties() {
  return {
      {"nombre_secteurs", true, json_integer("Nombre de secteurs", 1, kMaxSectors)},
      {"poids_population", true, json_integer("Poids de la population dans la charge", 0, 100)},
      {"poids_structures", true,
       json_integer("Poids des structures suivies (pondérées par étape)", 0, 100)},
      {"poids_professionnels", true,
       json_integer("Poids des professionnels libéraux (dernier extrait RPPS)", 0, 100)},
      {"tolerance_pourcent", true,
       json_integer("Écart de charge admis autour de la moyenne, en %", 0, 100)},
  };
}

JsonSchema assignment_schema() {
  return json_array(
      "Secteur de chaque commune du département",
      json_object("Commune et son secteur",
                  {{"code", true, json_string("Code INSEE", 5, 5)},
                   {"secteur", true, json_integer("Secteur (1 à n)", 1, kMaxSectors)}}),
      5000);
}

std::shared_ptr<const JsonSchema> job_schema() {
  static const auto schema = [] {
    auto props = settings_properties();
    props.push_back({"duree_secondes", false, json_integer("Durée de calcul maximale", 1, 300)});
    return std::make_shared<const JsonSchema>(json_object("Calcul de secteurs", props));
  }();
  return schema;
}

std::shared_ptr<const JsonSchema> evaluation_schema() {
  static const auto schema = [] {
    auto props = settings_properties();
    props.push_back({"communes", true, assignment_schema()});
    return std::make_shared<const JsonSchema>(
        json_object("Découpage à vérifier (charge, contiguïté, territoires)", props));
  }();
  return schema;
}

std::shared_ptr<const JsonSchema> save_schema() {
  static const auto schema = [] {
    auto props = settings_properties();
    props.push_back({"communes", true, assignment_schema()});
    props.push_back(
        {"secteurs", true,
         json_array("Nom, référent et suppléant de chaque secteur, dans l'ordre",
                    json_object(
                        "Un secteur",
                        {{"nom", true, json_string("Nom du secteur", 1, 80)},
                         {"referent", false, json_integer("Compte du référent (0 : aucun)", 0)},
                         {"suppleant", false, json_integer("Compte du suppléant (0 : aucun)", 0)}}),
                    kMaxSectors)});
    props.push_back({"version_de_base", true,
                     json_integer("Version en vigueur lue avant la modification (0 : aucune)", 0)});
    props.push_back({"borne_prouvee", false,
                     json_integer("Borne prouvée par le calcul, si le découpage n'a pas été "
                                  "retouché",
                                  0)});
    props.push_back({"note", false, json_string("Note (motif du découpage)", 0, 2000)});
    return std::make_shared<const JsonSchema>(
        json_object("Nouvelle version des secteurs d'un département", props));
  }();
  return schema;
}

services::SectorSettings settings_of(const std::string& dep, const json& body) {
  services::SectorSettings s;
  s.departement = dep;
  s.k = body["nombre_secteurs"].get<int>();
  s.mix.population = body["poids_population"].get<double>();
  s.mix.structures = body["poids_structures"].get<double>();
  s.mix.professionals = body["poids_professionnels"].get<double>();
  s.tolerance = body["tolerance_pourcent"].get<double>() / 100.0;
  if (body.contains("duree_secondes")) s.time_limit_seconds = body["duree_secondes"].get<int>();
  return s;
}

std::map<std::string, int> assignment_of(const json& body) {
  std::map<std::string, int> out;
  for (const auto& c : body["communes"]) {
    out[c["code"].get<std::string>()] = c["secteur"].get<int>() - 1;
  }
  return out;
}

class SectorsFeature final : public Feature {
 public:
  explicit SectorsFeature(const Site& site) : site_(site), sectors_(site.services.sectors) {}

  void add_routes(RouteTable& table) override {
    const auto readers = AccessRule::only(
        {Role::admin, Role::observer, Role::ars, Role::roc, Role::charge_de_mission});
    const auto deciders = AccessRule::only({Role::admin, Role::roc});
    auto bind = [this](Result<Response> (SectorsFeature::*fn)(const RequestContext&)) {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };
    table.add("GET", "/api/v1/departements/{dep}/sectors", readers, RouteKind::api,
              bind(&SectorsFeature::api_workspace),
              "Secteurs d'un département : communes et leur charge, découpage en vigueur, "
              "historique, référents possibles");
    table.add("GET", "/api/v1/departements/{dep}/sectors/versions/{version}", readers,
              RouteKind::api, bind(&SectorsFeature::api_version),
              "Une version enregistrée des secteurs d'un département");
    table
        .add("POST", "/api/v1/departements/{dep}/sectors/jobs", deciders, RouteKind::api,
             bind(&SectorsFeature::api_start),
             "Lance le calcul d'un découpage en secteurs (en arrière-plan)")
        .body = job_schema();
    table.routes().back().success_status = 202;
    table.add("GET", "/api/v1/sector-jobs/{id}", readers, RouteKind::api,
              bind(&SectorsFeature::api_job), "Avancement et résultat d'un calcul de secteurs");
    table
        .add("POST", "/api/v1/departements/{dep}/sectors/evaluation", deciders, RouteKind::api,
             bind(&SectorsFeature::api_evaluate),
             "Vérifie un découpage (charge de chaque secteur, contiguïté, territoires CPTS)")
        .body = evaluation_schema();
    table
        .add("POST", "/api/v1/departements/{dep}/sectors", deciders, RouteKind::api,
             bind(&SectorsFeature::api_save),
             "Enregistre une nouvelle version des secteurs (409 si une autre a été enregistrée "
             "entre-temps)")
        .body = save_schema();
    table.routes().back().success_status = 201;
    table.add("GET", "/api/v1/departements/{dep}/sectors.csv", readers, RouteKind::api,
              bind(&SectorsFeature::api_csv),
              "Communes du département avec leur secteur et son référent (CSV)");
    table.add("GET", "/api/v1/departements/{dep}/sectors.geojson", readers, RouteKind::api,
              bind(&SectorsFeature::api_geojson), "Contours des secteurs en vigueur (GeoJSON)");
    table.add("GET", "/secteurs/{dep}", readers, RouteKind::page,
              bind(&SectorsFeature::page_sectors), "Secteurs des référents d'un département");
  }

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    if (who.role != Role::admin && who.role != Role::roc) return {};
    return {{"Secteurs", "/secteurs/" + site_.default_departement(&who)}};
  }

 private:
  Result<Response> api_workspace(const RequestContext& ctx) {
    services::Sectors* s = &sectors_;
    auto w = MAILLAGE_TRY(s->workspace(*ctx.principal(), ctx.request.param("dep")));
    return json_no_store(sector_workspace_json(w));
  }

  Result<Response> api_version(const RequestContext& ctx) {
    const std::string& text = ctx.request.param("version");
    std::int64_t version = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
    if (ec != std::errc() || end != text.data() + text.size() || version <= 0) {
      return fail(ErrorCode::not_found, fmt::format("Version « {} » introuvable.", text),
                  "version");
    }
    services::Sectors* s = &sectors_;
    auto p = MAILLAGE_TRY(s->plan(*ctx.principal(), ctx.request.param("dep"), version));
    return json_no_store(sector_plan_json(p));
  }

  Result<Response> api_start(const RequestContext& ctx) {
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *job_schema()));
    services::Sectors* s = &sectors_;
    auto id = s->start(*ctx.principal(), settings_of(ctx.request.param("dep"), body));
    if (!id) return tl::unexpected(at_json_path(id.error()));
    Response r =
        json_no_store(json{{"id", *id}, {"url", fmt::format("/api/v1/sector-jobs/{}", *id)}}, 202);
    r.set_header("Location", fmt::format("/api/v1/sector-jobs/{}", *id));
    return r;
  }

  Result<Response> api_job(const RequestContext& ctx) {
    const std::string& text = ctx.request.param("id");
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return fail(ErrorCode::not_found, fmt::format("Calcul « {} » inconnu.", text), "id");
    }
    services::Sectors* s = &sectors_;
    return json_no_store(sector_job_json(MAILLAGE_TRY(s->job(*ctx.principal(), id))));
  }

  Result<Response> api_evaluate(const RequestContext& ctx) {
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *evaluation_schema()));
    services::Sectors* s = &sectors_;
    auto ev = s->evaluate(*ctx.principal(), settings_of(ctx.request.param("dep"), body),
                          assignment_of(body));
    if (!ev) return tl::unexpected(at_json_path(ev.error()));
    return json_no_store(sector_evaluation_json(*ev));
  }

  Result<Response> api_save(const RequestContext& ctx) {
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *save_schema()));
    services::SaveSectorPlan in;
    in.settings = settings_of(ctx.request.param("dep"), body);
    in.communes = assignment_of(body);
    for (const auto& sector : body["secteurs"]) {
      in.labels.push_back(sector["nom"].get<std::string>());
      in.referents.push_back(sector.value("referent", std::int64_t{0}));
      in.deputies.push_back(sector.value("suppleant", std::int64_t{0}));
    }
    if (auto base = body["version_de_base"].get<std::int64_t>(); base > 0) in.base_version = base;
    if (body.contains("borne_prouvee")) in.lower_bound = body["borne_prouvee"].get<int>();
    in.note = body.value("note", std::string());
    services::Sectors* s = &sectors_;
    auto p = s->save(*ctx.principal(), in);
    if (!p) return tl::unexpected(at_json_path(p.error()));
    return json_no_store(sector_plan_json(*p), 201);
  }

  Result<Response> api_csv(const RequestContext& ctx) {
    services::Sectors* s = &sectors_;
    const std::string& dep = ctx.request.param("dep");
    auto p = MAILLAGE_TRY(s->plan(*ctx.principal(), dep));
    std::string out = "code_insee;commune;secteur;nom_du_secteur;referent;suppleant\r\n";
    for (const auto& [code, sector] : p.communes) {
      const geo::Commune* c = site_.ref.commune(code);
      const auto& f = p.evaluation.sectors.at(static_cast<std::size_t>(sector));
      out += csv::field(code, ';') + ";" + csv::text_field(c ? c->nom : "", ';') + ";" +
             std::to_string(sector + 1) + ";" + csv::text_field(f.label, ';') + ";" +
             csv::text_field(f.referent ? f.referent->display_name : "", ';') + ";" +
             csv::text_field(f.deputy ? f.deputy->display_name : "", ';') + "\r\n";
    }
    Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = "\xEF\xBB\xBF" + out;  // BOM: spreadsheet programs then read UTF-8
    r.set_header("Content-Disposition",
                 fmt::format("attachment; filename=\"secteurs-{}-v{}.csv\"", dep, p.version));
    r.set_header("Cache-Control", "no-store");
    return r;
  }

  Result<Response> api_geojson(const RequestContext& ctx) {
    services::Sectors* s = &sectors_;
    const std::string& dep = ctx.request.param("dep");
    auto outlines = MAILLAGE_TRY(s->outlines(*ctx.principal(), dep));
    Response r;
    r.content_type = "application/geo+json";
    r.body = sector_outlines_geojson(outlines);
    r.set_header("Content-Disposition",
                 fmt::format("attachment; filename=\"secteurs-{}.geojson\"", dep));
    r.set_header("Cache-Control", "no-store");
    return r;
  }

  Result<Response> page_sectors(const RequestContext& ctx) {
    const std::string& dep = ctx.request.param("dep");
    services::Sectors* s = &sectors_;
    auto w = MAILLAGE_TRY(s->workspace(*ctx.principal(), dep));
    json deps = json::array();
    auto region_fn = [&](std::string_view d) {
      const auto* x = site_.ref.departement(d);
      return x ? x->region : std::string();
    };
    for (const auto& d : site_.ref.departements) {
      if (!services::covers_departement(*ctx.principal(), d.code, region_fn)) continue;
      deps.push_back({{"code", d.code}, {"nom", d.nom}, {"choisi", d.code == dep}});
    }
    const bool several = deps.size() > 1;
    json sectors = json::array();
    if (w.plan) sectors = sector_evaluation_json(w.plan->evaluation)["secteurs"];
    // The keyboard and screen-reader alternative to the map: every commune with its sector in
    // the plan in force, in the order of the INSEE codes.
    json commune_list = json::array();
    if (w.plan) {
      std::map<int, std::string> labels;
      for (const auto& f : w.plan->evaluation.sectors) {
        labels[f.index] = fmt::format("{}. {}", f.index + 1, f.label);
      }
      std::vector<const services::SectorUnit*> units;
      for (const auto& u : w.units) units.push_back(&u);
      std::sort(units.begin(), units.end(), [](auto* a, auto* b) { return a->code < b->code; });
      for (const auto* u : units) {
        auto it = w.plan->communes.find(u->code);
        commune_list.push_back(
            {{"code", u->code},
             {"nom", u->nom},
             {"secteur", it == w.plan->communes.end() ? std::string("sans secteur")
                                                      : labels[it->second]}});
      }
    }
    json data{
        {"titre", fmt::format("Secteurs — {} ({})", w.departement_name, w.departement)},
        {"communes_liste", std::move(commune_list)},
        {"carte_page", true},
        {"code", w.departement},
        {"nom", w.departement_name},
        {"departements", std::move(deps)},
        {"plusieurs_departements", several},
        {"modifiable", w.may_edit},
        {"a_plan", w.plan.has_value()},
        {"version", w.plan ? w.plan->version : 0},
        {"enregistre_par", w.plan ? w.plan->created_by : ""},
        {"enregistre_le", w.plan ? french_day(w.plan->created_at) : ""},
        {"secteurs", std::move(sectors)},
        {"note_rpps", w.rpps_note},
        {"communes_total", w.units.size()},
        {"cellules_url", fmt::format("/api/v1/contours/{}?niveau=departement", w.departement)},
        {"espace_url", fmt::format("/api/v1/departements/{}/sectors", w.departement)},
        {"csv_url", fmt::format("/api/v1/departements/{}/sectors.csv", w.departement)},
        {"geojson_url", fmt::format("/api/v1/departements/{}/sectors.geojson", w.departement)}};
    return Response::html(MAILLAGE_TRY(site_.render_page("secteurs", std::move(data), ctx)));
  }

  const Site& site_;
  services::Sectors& sectors_;
};

}  // namespace

std::unique_ptr<Feature> make_sectors_feature(const Site& site) {
  return std::make_unique<SectorsFeature>(site);
}

}  // namespace maillage::http
