// Dialogue de gestion API: the workspace of a contract year and its writes (date and minutes,
// comments, attachments, budget, fiches action, adjustment proposals). Routes in aci_routes.cpp.
#include <fmt/format.h>

#include "aci/basics.hpp"
#include "common/try.hpp"
#include "common/uploads.hpp"
#include "http/aci_feature.hpp"
#include "http/aci_json.hpp"

namespace maillage::http {

using nlohmann::json;
using namespace aci_http;

namespace {

// Euros typed by people ("1 234,56", "1234.5"); a minus sign is named as such.
Result<std::int64_t> parse_euros(const json& body, const char* key) {
  std::string text = body.value(key, "0");
  if (text.find('-') != std::string::npos) {
    return fail(ErrorCode::invalid_input, "montant négatif", std::string("$.") + key);
  }
  auto c = aci::parse_cents(text.empty() ? "0" : text);
  if (!c) {
    return fail(ErrorCode::invalid_input, "montant invalide (euros, au plus deux décimales)",
                std::string("$.") + key);
  }
  return *c;
}

services::FicheInput fiche_input(const json& body) {
  services::FicheInput in;
  in.mission = body["mission"];
  in.title = body["title"];
  in.description = body.value("description", "");
  in.status = body.value("status", "a_lancer");
  in.version = body.value("version", std::int64_t{0});
  return in;
}

}  // namespace

Result<Response> AciFeature::api_workspace(const RequestContext& ctx) {
  auto t = MAILLAGE_TRY(target(ctx));
  auto r = MAILLAGE_TRY(aci_.workspace(*ctx.principal(), t.id, t.year));
  return json_answer(aci_json::workspace(r));
}

Result<Response> AciFeature::api_update_workspace(const RequestContext& ctx) {
  auto t = MAILLAGE_TRY(target(ctx));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *workspace_schema_));
  services::WorkspaceUpdate in;
  in.version = body["version"];
  if (body.contains("dialogue_date")) in.dialogue_date = body["dialogue_date"];
  if (body.contains("minutes")) in.minutes = body["minutes"];
  auto v = MAILLAGE_TRY(aci_.update_workspace(*ctx.principal(), t.id, t.year, in));
  return json_answer(json{{"version", v}});
}

Result<Response> AciFeature::api_comment(const RequestContext& ctx) {
  auto t = MAILLAGE_TRY(target(ctx));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *comment_schema_));
  auto c =
      MAILLAGE_TRY(aci_.add_comment(*ctx.principal(), t.id, t.year, body["item"], body["body"]));
  return json_answer(json{{"id", c}}, 201);
}

Result<Response> AciFeature::api_attach(const RequestContext& ctx) {
  auto t = MAILLAGE_TRY(target(ctx));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *attachment_schema_));
  services::AttachmentInput in{body["item"], body["filename"], body["content_type"],
                               body["content_base64"]};
  auto a = MAILLAGE_TRY(aci_.add_attachment(*ctx.principal(), t.id, t.year, in));
  return json_answer(json{{"id", a}}, 201);
}

Result<Response> AciFeature::api_attachment(const RequestContext& ctx) {
  auto t = MAILLAGE_TRY(target(ctx));
  auto aid = MAILLAGE_TRY(parse_id(ctx.request.param("piece"), "piece"));
  auto f = MAILLAGE_TRY(aci_.attachment(*ctx.principal(), t.id, t.year, aid));
  Response r;
  r.content_type = std::string(served_upload_type(f.content_type));
  r.body = std::move(f.bytes);
  // Always a download: an uploaded file is never rendered in the site's origin.
  r.set_header("Content-Disposition",
               fmt::format("attachment; filename=\"{}\"", safe_upload_filename(f.filename)));
  r.set_header("X-Content-Type-Options", "nosniff");
  r.set_header("Cache-Control", "private, no-store");
  return r;
}

Result<Response> AciFeature::api_budget(const RequestContext& ctx) {
  auto t = MAILLAGE_TRY(target(ctx));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *budget_schema_));
  auto received = MAILLAGE_TRY(parse_euros(body, "received"));
  auto spent = MAILLAGE_TRY(parse_euros(body, "spent"));
  services::BudgetInput in{body["envelope"], received, spent, body["version"]};
  auto v = MAILLAGE_TRY(aci_.set_budget(*ctx.principal(), t.id, t.year, in));
  return json_answer(json{{"version", v}});
}

Result<Response> AciFeature::api_add_fiche(const RequestContext& ctx) {
  auto t = MAILLAGE_TRY(target(ctx));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *fiche_create_schema_));
  auto f = MAILLAGE_TRY(aci_.add_fiche(*ctx.principal(), t.id, t.year, fiche_input(body)));
  return json_answer(json{{"id", f}}, 201);
}

Result<Response> AciFeature::api_update_fiche(const RequestContext& ctx) {
  auto t = MAILLAGE_TRY(target(ctx));
  auto fid = MAILLAGE_TRY(parse_id(ctx.request.param("fiche"), "fiche"));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *fiche_update_schema_));
  auto v = MAILLAGE_TRY(aci_.update_fiche(*ctx.principal(), t.id, t.year, fid, fiche_input(body)));
  return json_answer(json{{"version", v}});
}

Result<Response> AciFeature::api_adjust(const RequestContext& ctx) {
  auto t = MAILLAGE_TRY(target(ctx));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *adjustment_schema_));
  services::AdjustmentInput in;
  in.mission = body["mission"];
  in.indicator = body["indicator"];
  in.fact = body["fact"];
  in.fact_label = body.value("fact_label", "");
  if (body.contains("fact_before")) in.fact_before = body["fact_before"].get<double>();
  if (body.contains("fact_after")) in.fact_after = body["fact_after"].get<double>();
  in.rationale = body.value("rationale", "");
  auto a = MAILLAGE_TRY(aci_.propose_adjustment(*ctx.principal(), t.id, t.year, in));
  return json_answer(aci_json::adjustment(a), 201);
}

}  // namespace maillage::http
