// ACI pages: contracts, contract, schedule, indicators, the dialogue de gestion page, its
// printable dossier and the dossier as ODT. The templates read the API's JSON (aci_json.cpp)
// plus a few page fields. Routes in aci_routes.cpp.
#include <fmt/format.h>

#include "common/try.hpp"
#include "http/aci_feature.hpp"
#include "http/aci_json.hpp"
#include "office/odt.hpp"

namespace maillage::http {

using nlohmann::json;
using namespace aci_http;

namespace {

// Mustache sections treat "" as true: page data replaces empty strings with null.
json nullify_empty(json v) {
  if (v.is_string() && v.get_ref<const std::string&>().empty()) return nullptr;
  if (v.is_object() || v.is_array()) {
    for (auto& x : v) x = nullify_empty(std::move(x));
  }
  return v;
}

}  // namespace

Result<Response> AciFeature::page(const std::string& name, json data, const RequestContext& ctx) {
  auto html = MAILLAGE_TRY(site_.render_page(name, nullify_empty(std::move(data)), ctx));
  Response r = Response::html(std::move(html));
  r.set_header("Cache-Control", "no-store");
  return r;
}

Result<Response> AciFeature::page_list(const RequestContext& ctx) {
  auto r = MAILLAGE_TRY(aci_.list_contracts(*ctx.principal()));
  json data = aci_json::contracts(r);
  data["titre"] = "Contrats ACI";
  data["vide"] = r.empty();
  return page("aci_contrats", std::move(data), ctx);
}

Result<Response> AciFeature::page_contract(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto r = MAILLAGE_TRY(aci_.contract(*ctx.principal(), id));
  json data = aci_json::contract(r);
  data["titre"] = "Contrat " + r.summary.reference;
  data["document_text"] = data["document"].dump(2, ' ', false, json::error_handler_t::replace);
  return page("aci_contrat", std::move(data), ctx);
}

Result<Response> AciFeature::page_schedule(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto r = MAILLAGE_TRY(aci_.schedule(*ctx.principal(), id));
  json data = aci_json::schedule(r);
  data["titre"] = "Échéancier " + r.contract.reference;
  return page("aci_echeancier", std::move(data), ctx);
}

Result<Response> AciFeature::page_indicators(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto version = MAILLAGE_TRY(version_query(ctx));
  auto r = MAILLAGE_TRY(aci_.indicators(*ctx.principal(), id, version));
  json data = aci_json::indicators(r);
  data["titre"] = "Indicateurs " + r.contract.reference;
  data["ancienne_version"] = r.version != r.latest_version;
  return page("aci_indicateurs", std::move(data), ctx);
}

Result<services::AciWorkspace> AciFeature::workspace_data(const RequestContext& ctx) {
  auto t = MAILLAGE_TRY(target(ctx, "annee"));
  return aci_.workspace(*ctx.principal(), t.id, t.year);
}

Result<Response> AciFeature::page_dialogue(const RequestContext& ctx) {
  auto r = MAILLAGE_TRY(workspace_data(ctx));
  json data = aci_json::workspace(r);
  data["titre"] = fmt::format("Dialogue de gestion — année {}", r.year);
  data["api"] = fmt::format("/api/v1/aci/contracts/{}/dialogues/{}", r.contract.id, r.year);
  data["contract_api"] = fmt::format("/api/v1/aci/contracts/{}", r.contract.id);
  // Indicator choices for the forms (mission/indicator of the year's sheet).
  json choices = json::array();
  json missions = json::array();
  for (const auto& m : r.sheet.missions) {
    for (const auto& i : m.indicators) {
      choices.push_back(
          {{"value", m.mission + "/" + i.id},
           {"label", m.label + " — " + (i.definition.empty() ? i.id : i.definition)}});
    }
    missions.push_back({{"value", m.mission}, {"label", m.label}});
  }
  data["indicator_choices"] = std::move(choices);
  data["mission_choices"] = std::move(missions);
  return page("dialogue", std::move(data), ctx);
}

Result<Response> AciFeature::page_dossier(const RequestContext& ctx) {
  auto r = MAILLAGE_TRY(workspace_data(ctx));
  json data = aci_json::workspace(r);
  data["titre"] =
      fmt::format("Dossier du dialogue de gestion — {} — année {}", r.contract.reference, r.year);
  return page("dialogue_dossier", std::move(data), ctx);
}

Result<Response> AciFeature::dossier_odt(const RequestContext& ctx) {
  auto r = MAILLAGE_TRY(workspace_data(ctx));
  auto bytes = MAILLAGE_TRY(services::dialogue_dossier_odt(r));
  Response resp;
  resp.content_type = std::string(office::kOdtMediaType);
  resp.body = std::move(bytes);
  resp.set_header("Content-Disposition",
                  fmt::format("attachment; filename=\"dossier-dialogue-{}-annee-{}.odt\"",
                              r.contract.id, r.year));
  resp.set_header("Cache-Control", "private, no-store");
  return resp;
}

}  // namespace maillage::http
