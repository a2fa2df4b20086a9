// Routes of the territory area: a CPTS territory (read, replace with its version, CSV preview /
// confirm / export), the coverage of an area, the observatory, and their French pages (coverage
// map of a département, territory page with map editing, observatory). Handlers parse, call one
// service method (services/territory.hpp) and render; scopes are checked by the service.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "common/french.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/feature.hpp"
#include "http/territory_json.hpp"
#include "services/territory.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::Role;

std::shared_ptr<const JsonSchema> territory_schema() {
  static const auto schema = std::make_shared<const JsonSchema>(json_object(
      "Nouveau territoire d'une CPTS",
      {
          {"version", true, json_integer("Version de la structure lue avant la modification", 1)},
          {"communes", true,
           json_array("Codes INSEE des communes du territoire", json_string("Code INSEE", 5, 5),
                      40000)},
      }));
  return schema;
}

std::shared_ptr<const JsonSchema> import_schema() {
  static const auto schema = std::make_shared<const JsonSchema>(
      json_object("Fichier CSV de codes INSEE à prévisualiser",
                  {
                      {"fichier", true, json_string("Nom du fichier (pour le rapport)", 1, 200)},
                      {"contenu", true, json_string("Contenu du fichier CSV", 1)},
                  }));
  return schema;
}

std::shared_ptr<const JsonSchema> confirm_schema() {
  static const auto schema = std::make_shared<const JsonSchema>(json_object(
      "Confirmation d'un import prévisualisé",
      {
          {"version", true, json_integer("Version de la structure lue avant la modification", 1)},
      }));
  return schema;
}

Result<std::int64_t> structure_id(const RequestContext& ctx) {
  const std::string& text = ctx.request.param("id");
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return fail(ErrorCode::not_found, fmt::format("Structure « {} » introuvable.", text), "id");
  }
  return id;
}

// The page's copy of a coverage document: every "population" written the French way.
void format_populations(json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if ((it.key() == "population" || it.key().rfind("population_", 0) == 0) &&
          it->is_number_integer()) {
        *it = fr::integer(it->get<std::int64_t>());
      } else {
        format_populations(*it);
      }
    }
  } else if (j.is_array()) {
    for (auto& e : j) format_populations(e);
  }
}

std::string french_percent(double v) {
  std::string s = fmt::format("{:.1f}", v);
  std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

class TerritoryFeature final : public Feature {
 public:
  explicit TerritoryFeature(const Site& site)
      : site_(site), territories_(site.services.territories) {}

  void add_routes(RouteTable& table) override {
    const auto signed_in = AccessRule::authenticated();
    const auto editors = AccessRule::only({Role::admin, Role::roc, Role::ars, Role::coordinator});
    const auto steering = AccessRule::only(
        {Role::admin, Role::observer, Role::ars, Role::roc, Role::charge_de_mission});
    auto bind = [this](Result<Response> (TerritoryFeature::*fn)(const RequestContext&)) {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };

    table
        .add("GET", "/api/v1/structures/{id}/territory", signed_in, RouteKind::api,
             bind(&TerritoryFeature::api_get),
             "Territoire d'une structure : communes, population, taille ACI, contiguïté")
        .query = {{"contour", "1 : ajoute le contour du territoire (GeoJSON)", false, true}};
    table
        .add("PUT", "/api/v1/structures/{id}/territory", editors, RouteKind::api,
             bind(&TerritoryFeature::api_put),
             "Remplace le territoire d'une CPTS (avec la version lue ; 409 si elle a changé)")
        .body = territory_schema();
    table.add("GET", "/api/v1/structures/{id}/territory.csv", signed_in, RouteKind::api,
              bind(&TerritoryFeature::api_export), "Territoire d'une structure en CSV");
    table
        .add("POST", "/api/v1/structures/{id}/territory/import", editors, RouteKind::api,
             bind(&TerritoryFeature::api_preview),
             "Aperçu d'un import CSV de codes INSEE (rapport par ligne ; rien n'est enregistré)")
        .body = import_schema();
    table
        .add("POST", "/api/v1/structures/{id}/territory/import/{jeton}", editors, RouteKind::api,
             bind(&TerritoryFeature::api_confirm),
             "Confirme un import CSV prévisualisé (enregistre le territoire)")
        .body = confirm_schema();
    table
        .add("GET", "/api/v1/coverage", steering, RouteKind::api,
             bind(&TerritoryFeature::api_coverage),
             "Couverture d'une zone par les CPTS : communes et population couvertes, "
             "chevauchements, zones blanches, propositions")
        .query = {
        {"niveau", "france, region, departement ou epci", true, false},
        {"code", "Code de la zone (sauf France)", false, false},
        {"etape", "Filtre d'étape (identifiant d'un groupe d'étapes CPTS)", false, false},
        {"propositions", "1 : ajoute les propositions pour les zones blanches", false, true},
        {"communes",
         "1 : liste les communes couvertes (code INSEE → CPTS) à tout niveau (toujours pour un "
         "département ou un EPCI)",
         false, true}};
    table.add("GET", "/api/v1/observatory", steering, RouteKind::api,
              bind(&TerritoryFeature::api_observatory),
              "Observatoire : structures par étape et population couverte, par département, "
              "région et France");

    table
        .add("GET", "/couverture/{dep}", steering, RouteKind::page,
             bind(&TerritoryFeature::page_coverage), "Carte de couverture d'un département")
        .query = {{"etape", "Filtre d'étape", false, false}};
    table.add("GET", "/territoires/{id}", signed_in, RouteKind::page,
              bind(&TerritoryFeature::page_territory),
              "Territoire d'une CPTS (carte, édition, import CSV)");
    table.add("GET", "/observatoire", steering, RouteKind::page,
              bind(&TerritoryFeature::page_observatory), "Observatoire de la couverture");
  }

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    std::vector<NavEntry> out{{"Couverture", "/couverture/" + site_.default_departement(&who)},
                              {"Observatoire", "/observatoire"}};
    // Coordinators reach their territory directly.
    if (who.role == Role::coordinator && !who.structures.empty()) {
      out.push_back({"Territoire", fmt::format("/territoires/{}", who.structures.front())});
    }
    return out;
  }

 private:
  Result<Response> api_get(const RequestContext& ctx) {
    auto id = MAILLAGE_TRY(structure_id(ctx));
    services::Territories* svc = &territories_;
    bool outline = ctx.request.query_value("contour").value_or("0") == "1";
    auto v = MAILLAGE_TRY(svc->get(*ctx.principal(), id, outline));
    json body = territory_json(site_.ref, v);
    body["modifiable"] = svc->can_edit(*ctx.principal(), v.structure);
    return json_no_store(body);
  }

  Result<Response> api_put(const RequestContext& ctx) {
    auto id = MAILLAGE_TRY(structure_id(ctx));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *territory_schema()));
    services::Territories* svc = &territories_;
    auto codes = body["communes"].get<std::vector<std::string>>();
    auto v = svc->replace(*ctx.principal(), id, body["version"].get<std::int64_t>(), codes);
    if (!v) {
      Error e = v.error();
      if (e.field.rfind("communes", 0) == 0 || e.field == "version") e.field = "$." + e.field;
      return tl::unexpected(e);
    }
    return json_no_store(territory_json(site_.ref, *v));
  }

  Result<Response> api_export(const RequestContext& ctx) {
    auto id = MAILLAGE_TRY(structure_id(ctx));
    services::Territories* svc = &territories_;
    Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = MAILLAGE_TRY(svc->export_csv(*ctx.principal(), id));
    r.set_header("Content-Disposition",
                 fmt::format("attachment; filename=\"territoire-{}.csv\"", id));
    r.set_header("Cache-Control", "no-store");
    return r;
  }

  Result<Response> api_preview(const RequestContext& ctx) {
    auto id = MAILLAGE_TRY(structure_id(ctx));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *import_schema()));
    services::Territories* svc = &territories_;
    auto p = MAILLAGE_TRY(svc->preview_csv(*ctx.principal(), id, body["fichier"].get<std::string>(),
                                           body["contenu"].get<std::string>()));
    return json_no_store(territory_preview_json(site_.ref, p));
  }

  Result<Response> api_confirm(const RequestContext& ctx) {
    auto id = MAILLAGE_TRY(structure_id(ctx));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *confirm_schema()));
    services::Territories* svc = &territories_;
    auto v = MAILLAGE_TRY(svc->confirm_csv(*ctx.principal(), id, ctx.request.param("jeton"),
                                           body["version"].get<std::int64_t>()));
    return json_no_store(territory_json(site_.ref, v));
  }

  Result<Response> api_coverage(const RequestContext& ctx) {
    services::Territories* svc = &territories_;
    auto c = MAILLAGE_TRY(svc->coverage(
        *ctx.principal(), ctx.request.query_value("niveau").value_or(""),
        ctx.request.query_value("code").value_or(""), ctx.request.query_value("etape").value_or(""),
        ctx.request.query_value("propositions").value_or("0") == "1",
        ctx.request.query_value("communes").value_or("0") == "1"));
    return json_no_store(coverage_json(c));
  }

  Result<Response> api_observatory(const RequestContext& ctx) {
    services::Territories* svc = &territories_;
    auto o = MAILLAGE_TRY(svc->observatory(*ctx.principal()));
    return json_no_store(observatory_json(o));
  }

  Result<Response> page_coverage(const RequestContext& ctx) {
    const std::string& code = ctx.request.param("dep");
    const geo::Departement* dep = site_.ref.departement(code);
    if (dep == nullptr) {
      return fail(ErrorCode::not_found, fmt::format("Le département {} n'existe pas.", code));
    }
    services::Territories* svc = &territories_;
    std::string etape = ctx.request.query_value("etape").value_or("toutes");
    // The page shows the same document as the API (first paint without waiting for the JS).
    auto c = MAILLAGE_TRY(
        svc->coverage(*ctx.principal(), "departement", dep->code, etape, false, true));
    // The keyboard and screen-reader alternative to the map: every commune with the CPTS that
    // cover it under the chosen stage, or "zone blanche", in the order of the INSEE codes.
    std::map<std::int64_t, std::string> territory_names;
    for (const auto& t : c.territories) territory_names[t.id] = t.name;
    std::vector<std::size_t> order(dep->communes.begin(), dep->communes.end());
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return site_.ref.communes[a].code < site_.ref.communes[b].code;
    });
    json commune_list = json::array();
    for (auto i : order) {
      const auto& commune = site_.ref.communes[i];
      std::string covered_by;
      if (auto it = c.communes.find(commune.code); it != c.communes.end()) {
        for (auto id : it->second) {
          covered_by += (covered_by.empty() ? "" : ", ") + territory_names[id];
        }
      }
      commune_list.push_back({{"code", commune.code},
                              {"nom", commune.nom},
                              {"population", fr::integer(commune.population)},
                              {"zone_blanche", covered_by.empty()},
                              {"cpts", covered_by}});
    }
    json others = json::array();
    for (const auto& d : site_.ref.departements) {
      others.push_back({{"code", d.code}, {"nom", d.nom}, {"choisi", d.code == dep->code}});
    }
    json page = coverage_json(c);
    page["part_population_couverte"] = french_percent(c.covered_population_share);
    format_populations(page);
    json territories = page["territoires"];
    json data{
        {"titre", fmt::format("Couverture — {} ({})", dep->nom, dep->code)},
        {"carte_page", true},
        {"code", dep->code},
        {"nom", dep->nom},
        {"etape", etape},
        {"couverture", std::move(page)},
        {"territoires", territories},
        {"a_territoires", !territories.empty()},
        {"communes_liste", std::move(commune_list)},
        {"nombre_communes", fr::integer(static_cast<std::int64_t>(dep->communes.size()))},
        {"cellules_url", fmt::format("/api/v1/contours/{}?niveau=departement", dep->code)},
        {"couverture_url", fmt::format("/api/v1/coverage?niveau=departement&code={}", dep->code)},
        {"departements", std::move(others)}};
    return Response::html(MAILLAGE_TRY(site_.render_page("couverture", std::move(data), ctx)));
  }

  // The breadcrumb of a territory starts at the département's coverage map for those who may
  // open it, else at the structure's page (a coordinator).
  json breadcrumb_root(const RequestContext& ctx, const services::TerritoryStructure& s) const {
    std::string coverage = fmt::format("/couverture/{}", s.departement);
    if (site_.may_open(ctx.principal(), coverage)) {
      return {{"href", coverage}, {"libelle", "Couverture"}};
    }
    return {{"href", fmt::format("/structures/{}", s.id)}, {"libelle", s.name}};
  }

  Result<Response> page_territory(const RequestContext& ctx) {
    auto id = MAILLAGE_TRY(structure_id(ctx));
    services::Territories* svc = &territories_;
    auto v = MAILLAGE_TRY(svc->get(*ctx.principal(), id, false));
    const bool editable =
        svc->can_edit(*ctx.principal(), v.structure) && v.structure.kind == "CPTS";
    // Cells of the structure's département and of every département the territory touches.
    std::vector<std::string> deps{v.structure.departement};
    for (const auto& d : v.departements) {
      if (std::find(deps.begin(), deps.end(), d) == deps.end()) deps.push_back(d);
    }
    json cells = json::array();
    for (const auto& d : deps) {
      if (site_.ref.departement(d) != nullptr) {
        cells.push_back(fmt::format("/api/v1/contours/{}?niveau=departement", d));
      }
    }
    // EPCI of the structure's département, for the "add an EPCI" picker.
    json epcis = json::array();
    if (const auto* dep = site_.ref.departement(v.structure.departement)) {
      std::set<std::string> seen;
      for (auto i : dep->communes) {
        const std::string& e = site_.ref.communes[i].epci;
        if (e.empty() || !seen.insert(e).second) continue;
        if (const auto* epci = site_.ref.epci(e)) {
          json members = json::array();
          for (auto m : epci->members) members.push_back(site_.ref.communes[m].code);
          epcis.push_back({{"code", epci->code}, {"nom", epci->nom}, {"membres", members.dump()}});
        }
      }
      std::sort(epcis.begin(), epcis.end(),
                [](const json& a, const json& b) { return a["nom"] < b["nom"]; });
    }
    json t = territory_json(site_.ref, v);
    json data{{"titre", fmt::format("Territoire — {}", v.structure.name)},
              {"carte_page", true},
              {"territoire", t},
              {"id", v.structure.id},
              {"structure", t["structure"]},
              {"version", v.structure.version},
              {"modifiable", editable},
              {"cpts", v.structure.kind == "CPTS"},
              {"cellules", cells.dump()},
              {"communes_json", json(v.communes).dump()},
              {"epcis", std::move(epcis)},
              {"fil", breadcrumb_root(ctx, v.structure)}};
    return Response::html(MAILLAGE_TRY(site_.render_page("territoire", std::move(data), ctx)));
  }

  Result<Response> page_observatory(const RequestContext& ctx) {
    services::Territories* svc = &territories_;
    auto o = MAILLAGE_TRY(svc->observatory(*ctx.principal()));
    auto value_or_zero = [](const auto& map, const std::string& key) {
      auto it = map.find(key);
      return it == map.end() ? typename std::decay_t<decltype(map)>::mapped_type{} : it->second;
    };
    auto fmt_row = [&](const services::ObservatoryRow& r) {
      json out = observatory_row_json(r);
      out["part_toutes"] = french_percent(value_or_zero(r.covered_share, "toutes")) + "\u00A0%";
      out["part_aci"] = french_percent(value_or_zero(r.covered_share, "aci_signe")) + "\u00A0%";
      out["cpts_aci"] =
          value_or_zero(r.cpts_by_stage, "aci_signe") + value_or_zero(r.cpts_by_stage, "actif");
      return out;
    };
    json regions = json::array();
    for (const auto& r : o.regions) regions.push_back(fmt_row(r));
    json deps = json::array();
    for (const auto& d : o.departements) deps.push_back(fmt_row(d));
    json stages = json::array();
    for (const auto& s : o.stages) stages.push_back({{"id", s.id}, {"libelle", s.label}});
    // The commune map of France needs the coverage of France, which only national roles see
    // (ARS, ROC and chargés de mission see their own areas on the département maps).
    const bool national =
        ctx.principal()->role == Role::admin || ctx.principal()->role == Role::observer;
    json data{{"titre", "Observatoire de la couverture"},
              {"carte_page", national},
              {"carte_france", national},
              {"france", fmt_row(o.france.value_or(services::ObservatoryRow{}))},
              {"regions", std::move(regions)},
              {"departements", std::move(deps)},
              {"etapes", std::move(stages)}};
    return Response::html(MAILLAGE_TRY(site_.render_page("observatoire", std::move(data), ctx)));
  }

  const Site& site_;
  services::Territories& territories_;
};

}  // namespace

std::unique_ptr<Feature> make_territory_feature(const Site& site) {
  return std::make_unique<TerritoryFeature>(site);
}

}  // namespace maillage::http
