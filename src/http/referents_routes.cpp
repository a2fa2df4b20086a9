// Routes of referent management: who follows which part of a département (ROC, délégué,
// praticien-conseil, contact ARS) on which area, with the history, as JSON and as the French page
// /referents/{dep}. Handlers parse, call one services::Referents method and answer.
#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/feature.hpp"
#include "services/referents.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::Role;

std::shared_ptr<const JsonSchema> assign_schema() {
  static const auto schema = [] {
    std::vector<std::string> functions;
    for (const auto& f : services::referent_functions()) functions.push_back(f.id);
    return std::make_shared<const JsonSchema>(json_object(
        "Désignation d'un référent",
        {{"compte", true, json_integer("Compte de la personne désignée", 1)},
         {"fonction", true, json_enum("Fonction", functions)},
         {"zone", true,
          json_enum("Type de zone suivie", {"departement", "epci", "commune", "structure"})},
         {"code", true,
          json_string("Code du département, SIREN de l'EPCI, code INSEE ou numéro de structure", 1,
                      20)}}));
  }();
  return schema;
}

json assignment_json(const services::ReferentAssignment& a) {
  return json{{"compte", a.user_id},
              {"identifiant", a.login},
              {"nom", a.display_name},
              {"fonction", a.fonction},
              {"fonction_libelle", a.fonction_label},
              {"zone", a.area_kind},
              {"code", a.code},
              {"zone_libelle", a.area_label},
              {"depuis", a.since},
              {"depuis_texte", french_day(a.since)},
              {"par", a.created_by},
              {"jusqu_au", a.until},
              {"jusqu_au_texte", french_day(a.until)},
              {"retire_par", a.ended_by},
              {"secteur", a.area_kind == "secteur"}};
}

json directory_json(const services::ReferentDirectory& d) {
  json current = json::array(), history = json::array(), people = json::array();
  for (const auto& a : d.current) current.push_back(assignment_json(a));
  for (const auto& a : d.history) history.push_back(assignment_json(a));
  for (const auto& p : d.people) {
    people.push_back({{"compte", p.user_id}, {"identifiant", p.login}, {"nom", p.display_name}});
  }
  json functions = json::array(), epcis = json::array(), structures = json::array();
  for (const auto& f : services::referent_functions()) {
    functions.push_back({{"id", f.id}, {"libelle", f.label}});
  }
  for (const auto& e : d.epcis) epcis.push_back({{"code", e.code}, {"libelle", e.label}});
  for (const auto& s : d.structures) structures.push_back({{"code", s.code}, {"libelle", s.label}});
  return json{{"departement", d.departement},
              {"nom", d.departement_name},
              {"designations", std::move(current)},
              {"historique", std::move(history)},
              {"personnes", std::move(people)},
              {"fonctions", std::move(functions)},
              {"epcis", std::move(epcis)},
              {"structures", std::move(structures)},
              {"modifiable", d.may_edit}};
}

// The service's field names are the API's French ones.
Error at_path(Error e) {
  if (e.field == "user") e.field = "compte";
  if (e.field == "area_kind") e.field = "zone";
  return at_json_path(std::move(e));
}

class ReferentsFeature final : public Feature {
 public:
  explicit ReferentsFeature(const Site& site) : site_(site), referents_(site.services.referents) {}

  void add_routes(RouteTable& table) override {
    const auto readers = AccessRule::only(
        {Role::admin, Role::observer, Role::ars, Role::roc, Role::charge_de_mission});
    const auto deciders = AccessRule::only({Role::admin, Role::roc});
    auto bind = [this](Result<Response> (ReferentsFeature::*fn)(const RequestContext&)) {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };
    table.add("GET", "/api/v1/departements/{dep}/referents", readers, RouteKind::api,
              bind(&ReferentsFeature::api_directory),
              "Référents d'un département : désignations en cours (zones, secteurs, "
              "structures) et historique");
    table
        .add("POST", "/api/v1/departements/{dep}/referents", deciders, RouteKind::api,
             bind(&ReferentsFeature::api_assign),
             "Désigne un référent sur une zone (département, EPCI, commune ou structure)")
        .body = assign_schema();
    table.routes().back().success_status = 201;
    table.add("DELETE", "/api/v1/departements/{dep}/referents/{compte}/{zone}/{code}", deciders,
              RouteKind::api, bind(&ReferentsFeature::api_retire),
              "Met fin à une désignation (elle passe dans l'historique)");
    table.add("GET", "/referents/{dep}", readers, RouteKind::page,
              bind(&ReferentsFeature::page_directory), "Référents d'un département");
  }

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    if (who.role != Role::admin && who.role != Role::roc) return {};
    return {{"Référents", "/referents/" + site_.default_departement(&who)}};
  }

 private:
  Result<Response> api_directory(const RequestContext& ctx) {
    services::Referents* r = &referents_;
    auto d = MAILLAGE_TRY(r->directory(*ctx.principal(), ctx.request.param("dep")));
    return json_no_store(directory_json(d));
  }

  Result<Response> api_assign(const RequestContext& ctx) {
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *assign_schema()));
    services::NewReferentAssignment in;
    in.user_id = body["compte"].get<std::int64_t>();
    in.fonction = body["fonction"].get<std::string>();
    in.area_kind = body["zone"].get<std::string>();
    in.code = body["code"].get<std::string>();
    services::Referents* r = &referents_;
    const std::string& dep = ctx.request.param("dep");
    if (auto st = r->assign(*ctx.principal(), dep, in); !st) {
      return tl::unexpected(at_path(st.error()));
    }
    auto d = MAILLAGE_TRY(r->directory(*ctx.principal(), dep));
    return json_no_store(directory_json(d), 201);
  }

  Result<Response> api_retire(const RequestContext& ctx) {
    const std::string& text = ctx.request.param("compte");
    std::int64_t user = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), user);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return fail(ErrorCode::not_found, "Cette désignation n'existe pas (ou plus).", "compte");
    }
    services::Referents* r = &referents_;
    const std::string& dep = ctx.request.param("dep");
    MAILLAGE_CHECK(r->retire(*ctx.principal(), dep, user, ctx.request.param("zone"),
                             ctx.request.param("code")));
    return json_no_store(directory_json(MAILLAGE_TRY(r->directory(*ctx.principal(), dep))));
  }

  Result<Response> page_directory(const RequestContext& ctx) {
    services::Referents* r = &referents_;
    auto d = MAILLAGE_TRY(r->directory(*ctx.principal(), ctx.request.param("dep")));
    json data = directory_json(d);
    data["titre"] = fmt::format("Référents — {} ({})", d.departement_name, d.departement);
    data["a_designations"] = !d.current.empty();
    data["a_historique"] = !d.history.empty();
    data["secteurs_href"] = "/secteurs/" + d.departement;
    return Response::html(MAILLAGE_TRY(site_.render_page("referents", std::move(data), ctx)));
  }

  const Site& site_;
  services::Referents& referents_;
};

}  // namespace

std::unique_ptr<Feature> make_referents_feature(const Site& site) {
  return std::make_unique<ReferentsFeature>(site);
}

}  // namespace maillage::http
