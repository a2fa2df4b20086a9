// The permanences JSON API: campaigns, slots, members, availabilities, solve jobs, the roster and
// its checks (see roster_feature.hpp).
#include <fmt/format.h>

#include "common/try.hpp"
#include "http/roster_feature.hpp"

namespace maillage::http::roster_http {

using services::Role;

Result<Response> RosterFeature::api_list(const RequestContext& ctx) {
  auto list = MAILLAGE_TRY(campaigns_.list(*ctx.principal()));
  json out = json::array();
  for (const auto& c : list) {
    out.push_back({{"id", c.id},
                   {"structure", {{"id", c.structure_id}, {"nom", c.structure_name}}},
                   {"nom", c.name},
                   {"statut", services::campaign_status_id(c.status)},
                   {"debut", c.first_day},
                   {"fin", c.last_day},
                   {"version", c.version},
                   {"creneaux", c.slots},
                   {"membres", c.members}});
  }
  return Response::json(json{{"campagnes", std::move(out)}}.dump());
}

Result<Response> RosterFeature::api_create(const RequestContext& ctx) {
  auto body =
      MAILLAGE_TRY(read_json_body(ctx.request, json_object("", settings_properties(false))));
  auto id = MAILLAGE_TRY(campaigns_.create(*ctx.principal(), campaign_of_body(body)));
  auto c = MAILLAGE_TRY(campaigns_.get(*ctx.principal(), id));
  Response r = Response::json(campaign_json(c).dump(), 201);
  r.set_header("Location", fmt::format("/api/v1/campaigns/{}", id));
  return r;
}

Result<Response> RosterFeature::api_get(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto c = MAILLAGE_TRY(campaigns_.get(*ctx.principal(), id));
  return Response::json(campaign_json(c).dump());
}

Result<Response> RosterFeature::api_update(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, json_object("", settings_properties(true))));
  auto v = MAILLAGE_TRY(campaigns_.update(*ctx.principal(), id, body["version"].get<std::int64_t>(),
                                          campaign_of_body(body)));
  return Response::json(json{{"version", v}}.dump());
}

Result<Response> RosterFeature::api_status(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto body = MAILLAGE_TRY(read_json_body(
      ctx.request, json_object("", {{"statut", true,
                                     json_enum("", {"brouillon", "collecte", "resolu", "publie"})},
                                    {"version", true, json_integer("", 1)}})));
  auto to = services::campaign_status_from_id(body["statut"].get<std::string>());
  auto v = MAILLAGE_TRY(
      campaigns_.set_status(*ctx.principal(), id, body["version"].get<std::int64_t>(), *to));
  return Response::json(json{{"version", v}, {"statut", body["statut"]}}.dump());
}

Result<Response> RosterFeature::api_add_slots(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto body = MAILLAGE_TRY(read_json_body(
      ctx.request, json_object("", {{"version", true, json_integer("", 1)},
                                    {"creneaux", true, json_array("", slot_schema(), 5000)}})));
  std::vector<services::PlanSlot> slots;
  for (const auto& s : body["creneaux"]) {
    slots.push_back(services::PlanSlot{
        0, s["date"].get<std::string>(), s["debut"].get<std::string>(), s["fin"].get<std::string>(),
        s.value("fin_lendemain", false), s["type"].get<std::string>(),
        s.value("lieu", std::string()), s["profession"].get<std::string>(), s.value("nombre", 1)});
  }
  auto v = MAILLAGE_TRY(
      campaigns_.add_slots(*ctx.principal(), id, body["version"].get<std::int64_t>(), slots));
  return Response::json(json{{"version", v}, {"ajoutes", slots.size()}}.dump(), 201);
}

Result<Response> RosterFeature::api_remove_slot(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto slot = MAILLAGE_TRY(id_param(ctx, "slot"));
  auto version = int_or(ctx.request.query_value("version"), 0);
  auto v = MAILLAGE_TRY(campaigns_.remove_slot(*ctx.principal(), id, version, slot));
  return Response::json(json{{"version", v}}.dump());
}

Result<Response> RosterFeature::api_add_member(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto body = MAILLAGE_TRY(read_json_body(
      ctx.request, json_object("", {{"version", true, json_integer("", 1)},
                                    {"utilisateur", false, json_integer("", 1)},
                                    {"nom", false, json_string("", 1, 120)},
                                    {"profession", true, json_string("", 1, 80)},
                                    {"plafond_mensuel", false, json_integer("", 0, 31)}})));
  services::NewMember m;
  m.user_id = body.value("utilisateur", std::int64_t{0});
  m.name = body.value("nom", std::string());
  m.profession = body["profession"].get<std::string>();
  if (body.contains("plafond_mensuel")) m.monthly_cap = body["plafond_mensuel"].get<int>();
  auto member = MAILLAGE_TRY(
      campaigns_.add_member(*ctx.principal(), id, body["version"].get<std::int64_t>(), m));
  return Response::json(
      json{{"id", member}, {"version", body["version"].get<std::int64_t>() + 1}}.dump(), 201);
}

Result<Response> RosterFeature::api_availability(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto body = MAILLAGE_TRY(read_json_body(
      ctx.request,
      json_object("", {{"cellules", true,
                        json_array("",
                                   json_object("", {{"membre", true, json_integer("", 1)},
                                                    {"creneau", true, json_integer("", 1)},
                                                    {"etat", true,
                                                     json_enum("", {"disponible", "souhaite",
                                                                    "indisponible", ""})}}),
                                   5000)}})));
  std::vector<services::RosterCampaigns::Cell> cells;
  for (const auto& c : body["cellules"]) {
    cells.push_back({c["membre"].get<std::int64_t>(), c["creneau"].get<std::int64_t>(),
                     services::slot_wish_from_id(c["etat"].get<std::string>())});
  }
  MAILLAGE_CHECK(campaigns_.set_availability(*ctx.principal(), id, cells));
  return Response::json(json{{"enregistrees", cells.size()}}.dump());
}

Result<Response> RosterFeature::api_cap(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto member = MAILLAGE_TRY(id_param(ctx, "member"));
  auto body = MAILLAGE_TRY(read_json_body(
      ctx.request, json_object("", {{"plafond_mensuel", false, json_integer("", 0, 31)}})));
  std::optional<int> cap;
  if (body.contains("plafond_mensuel")) cap = body["plafond_mensuel"].get<int>();
  MAILLAGE_CHECK(campaigns_.set_monthly_cap(*ctx.principal(), id, member, cap));
  return Response::json(json{{"plafond_mensuel", cap ? json(*cap) : json(nullptr)}}.dump());
}

Result<Response> RosterFeature::api_solve(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto body = MAILLAGE_TRY(
      read_json_body(ctx.request, json_object("", {{"graine", false, json_integer("", 0)}})));
  std::optional<std::uint64_t> seed;
  if (body.contains("graine")) seed = body["graine"].get<std::uint64_t>();
  auto job = MAILLAGE_TRY(campaigns_.enqueue_solve(*ctx.principal(), id, seed));
  runner_.notify();
  Response r = Response::json(json{{"id", job}, {"statut", "queued"}}.dump(), 202);
  r.set_header("Location", fmt::format("/api/v1/campaigns/{}/jobs/{}", id, job));
  return r;
}

Result<Response> RosterFeature::api_job(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto job_id = MAILLAGE_TRY(id_param(ctx, "job"));
  auto job = MAILLAGE_TRY(campaigns_.job(*ctx.principal(), id, job_id));
  return Response::json(job_json(job).dump());
}

Result<Response> RosterFeature::api_roster(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto c = MAILLAGE_TRY(campaigns_.get(*ctx.principal(), id));
  auto chk = MAILLAGE_TRY(campaigns_.check_current(*ctx.principal(), id));
  json assigned = json::array();
  for (const auto& a : c.assignments)
    assigned.push_back({{"creneau", a.slot_id}, {"membre", a.member_id}});
  return Response::json(json{
      {"version", c.version},
      {"statut", services::campaign_status_id(c.status)},
      {"affectations", std::move(assigned)},
      {"controle",
       check_json(chk)}}.dump());
}

Result<Response> RosterFeature::api_check(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto body = MAILLAGE_TRY(
      read_json_body(ctx.request, json_object("", {{"affectations", true, assignments_schema()}})));
  auto chk = MAILLAGE_TRY(
      campaigns_.check(*ctx.principal(), id, assignments_of_body(body["affectations"])));
  return Response::json(check_json(chk).dump());
}

Result<Response> RosterFeature::api_save_roster(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto body = MAILLAGE_TRY(
      read_json_body(ctx.request, json_object("", {{"version", true, json_integer("", 1)},
                                                   {"affectations", true, assignments_schema()}})));
  auto v = MAILLAGE_TRY(campaigns_.save_assignments(*ctx.principal(), id,
                                                    body["version"].get<std::int64_t>(),
                                                    assignments_of_body(body["affectations"])));
  return Response::json(json{{"version", v}}.dump());
}

}  // namespace maillage::http::roster_http
