// ACI contracts API: list, create, read, update, schedule (JSON or CSV), indicators, measured
// values and agreed changes (see aci_routes.cpp for the routes).
#include <fmt/format.h>

#include "common/try.hpp"
#include "http/aci_feature.hpp"
#include "http/aci_json.hpp"

namespace maillage::http {

using nlohmann::json;
using namespace aci_http;

namespace {

// A JSON body whose shape is checked by hand: the contract document is free-form here and
// validated by the ACI engine (which names the field).
Result<json> read_free_json(const Request& request) {
  std::string type = request.header("Content-Type");
  if (type.rfind("application/json", 0) != 0) {
    return fail(ErrorCode::invalid_input, "Content-Type application/json attendu", "Content-Type");
  }
  json j = json::parse(request.body, nullptr, false);
  if (j.is_discarded()) return fail(ErrorCode::invalid_json, "Le corps n'est pas du JSON.");
  if (!j.is_object()) return fail(ErrorCode::wrong_type, "objet JSON attendu", "$");
  return j;
}

Status only_fields(const json& j, std::initializer_list<std::string_view> allowed) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (auto a : allowed) ok = ok || it.key() == a;
    if (!ok)
      return fail(ErrorCode::unknown_field, "champ inconnu « " + it.key() + " »", "$." + it.key());
  }
  return {};
}

struct NewContract {
  std::int64_t structure_id = 0;
  std::string document;
  std::vector<std::string> communes;
};

Result<NewContract> new_contract(const json& body) {
  MAILLAGE_CHECK(only_fields(body, {"structure_id", "contrat", "communes"}));
  if (!body.contains("structure_id")) {
    return fail(ErrorCode::missing_field, "champ obligatoire manquant", "$.structure_id");
  }
  if (!body["structure_id"].is_number_integer())
    return fail(ErrorCode::wrong_type, "entier attendu", "$.structure_id");
  if (!body.contains("contrat"))
    return fail(ErrorCode::missing_field, "champ obligatoire manquant", "$.contrat");
  if (!body["contrat"].is_object())
    return fail(ErrorCode::wrong_type, "objet attendu", "$.contrat");
  NewContract out;
  if (body.contains("communes")) {
    const json& c = body["communes"];
    if (!c.is_array()) return fail(ErrorCode::wrong_type, "tableau attendu", "$.communes");
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (!c[i].is_string())
        return fail(ErrorCode::wrong_type, "texte attendu", fmt::format("$.communes[{}]", i));
      out.communes.push_back(c[i].get<std::string>());
    }
  }
  out.structure_id = body["structure_id"].get<std::int64_t>();
  out.document = body["contrat"].dump();
  return out;
}

}  // namespace

Result<Response> AciFeature::api_list(const RequestContext& ctx) {
  auto r = MAILLAGE_TRY(aci_.list_contracts(*ctx.principal()));
  return json_answer(aci_json::contracts(r));
}

Result<Response> AciFeature::api_create(const RequestContext& ctx) {
  auto body = MAILLAGE_TRY(read_free_json(ctx.request));
  auto in = MAILLAGE_TRY(new_contract(body));
  auto id = MAILLAGE_TRY(
      aci_.create_contract(*ctx.principal(), in.structure_id, in.document, in.communes));
  Response r = json_answer(json{{"id", id}}, 201);
  r.set_header("Location", fmt::format("/api/v1/aci/contracts/{}", id));
  return r;
}

Result<Response> AciFeature::api_contract(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto r = MAILLAGE_TRY(aci_.contract(*ctx.principal(), id));
  return json_answer(aci_json::contract(r));
}

Result<Response> AciFeature::api_update(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto body = MAILLAGE_TRY(read_free_json(ctx.request));
  MAILLAGE_CHECK(only_fields(body, {"version", "contrat"}));
  if (!body.contains("version") || !body["version"].is_number_integer()) {
    return fail(ErrorCode::missing_field, "version lue obligatoire (entier)", "$.version");
  }
  if (!body.contains("contrat") || !body["contrat"].is_object()) {
    return fail(ErrorCode::missing_field, "contrat obligatoire (objet)", "$.contrat");
  }
  MAILLAGE_CHECK(aci_.update_contract(*ctx.principal(), id, body["version"].get<std::int64_t>(),
                                      body["contrat"].dump()));
  auto r = MAILLAGE_TRY(aci_.contract(*ctx.principal(), id));
  return json_answer(aci_json::contract(r));
}

Result<Response> AciFeature::api_edit(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *edit_schema_));
  services::AciContractEdit e;
  e.version = body["version"];
  e.signature = body["signature"];
  e.accord = body["accord"];
  e.size_class = body.value("size_class", "");
  if (body.contains("missions")) {
    for (const auto& m : body["missions"]) {
      e.missions.push_back(m["mission"]);
      if (m.contains("start")) e.starts.emplace_back(m["mission"], m["start"]);
    }
  }
  MAILLAGE_CHECK(aci_.edit_contract(*ctx.principal(), id, e));
  auto r = MAILLAGE_TRY(aci_.contract(*ctx.principal(), id));
  return json_answer(aci_json::contract(r));
}

Result<Response> AciFeature::api_avenant(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *avenant_schema_));
  services::AciAvenantForm f;
  f.version = body["version"];
  f.from = body["from"];
  f.size_class = body.value("size_class", "");
  f.reason = body.value("reason", "");
  if (body.contains("missions")) {
    for (const auto& m : body["missions"]) {
      f.missions.push_back(m["mission"]);
      if (m.contains("start")) f.starts.emplace_back(m["mission"], m["start"]);
    }
  }
  auto n = MAILLAGE_TRY(aci_.add_avenant(*ctx.principal(), id, f));
  auto r = MAILLAGE_TRY(aci_.contract(*ctx.principal(), id));
  json out = aci_json::contract(r);
  out["avenant"] = n;
  return json_answer(out, 201);
}

Result<Response> AciFeature::api_schedule(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  if (ctx.request.query_value("format").value_or("json") == "csv") {
    auto csv = MAILLAGE_TRY(aci_.schedule_csv(*ctx.principal(), id));
    Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = std::move(csv);
    r.set_header("Content-Disposition",
                 fmt::format("attachment; filename=\"echeancier-{}.csv\"", id));
    return r;
  }
  auto r = MAILLAGE_TRY(aci_.schedule(*ctx.principal(), id));
  return json_answer(aci_json::schedule(r));
}

Result<Response> AciFeature::api_indicators(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto version = MAILLAGE_TRY(version_query(ctx));
  auto r = MAILLAGE_TRY(aci_.indicators(*ctx.principal(), id, version));
  return json_answer(aci_json::indicators(r));
}

Result<Response> AciFeature::api_measure(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *measure_schema_));
  services::MeasureInput in{body["mission"], body["indicator"], body["year"], {}, body["version"]};
  if (body.contains("measured")) in.measured = body["measured"].get<double>();
  auto v = MAILLAGE_TRY(aci_.set_measure(*ctx.principal(), id, in));
  return json_answer(json{{"version", v}});
}

Result<Response> AciFeature::api_agree(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *agree_schema_));
  services::AgreedChange in;
  in.based_on = body["based_on"];
  in.year = body.value("year", 0);
  in.reason = body["reason"];
  for (const auto& c : body["changes"]) {
    in.changes.push_back(
        {c["mission"], c["indicator"], c["year"], c["paliers"].get<std::vector<double>>()});
  }
  auto n = MAILLAGE_TRY(aci_.agree_change(*ctx.principal(), id, in));
  return json_answer(json{{"version", n}}, 201);
}

}  // namespace maillage::http
