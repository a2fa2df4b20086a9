// The permanences JSON API of swaps and replacements, and the roster exports (CSV, iCalendar,
// XLSX) (see roster_feature.hpp).
#include <fmt/format.h>

#include "common/try.hpp"
#include "http/roster_feature.hpp"
#include "office/xlsx.hpp"

namespace maillage::http::roster_http {

using services::Role;

Result<Response> RosterFeature::api_swaps(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto list = MAILLAGE_TRY(campaigns_.swaps(*ctx.principal(), id));
  json out = json::array();
  for (const auto& s : list) {
    out.push_back(swap_json(s));
  }
  return Response::json(json{{"echanges", std::move(out)}}.dump());
}

Result<Response> RosterFeature::api_propose_swap(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto body = MAILLAGE_TRY(read_json_body(
      ctx.request, json_object("", {{"creneau", true, json_integer("", 1)},
                                    {"de_membre", false, json_integer("", 1)},
                                    {"vers_membre", true, json_integer("", 1)},
                                    {"autre_creneau", false, json_integer("", 1)},
                                    {"commentaire", false, json_string("", 0, 500)}})));
  services::NewSwap s{body["creneau"].get<std::int64_t>(), body.value("de_membre", std::int64_t{0}),
                      body["vers_membre"].get<std::int64_t>(),
                      body.value("autre_creneau", std::int64_t{0}),
                      body.value("commentaire", std::string())};
  auto swap = MAILLAGE_TRY(campaigns_.propose_swap(*ctx.principal(), id, s));
  return Response::json(json{{"id", swap}, {"statut", "proposee"}, {"version", 1}}.dump(), 201);
}

Result<Response> RosterFeature::api_decide_swap(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto swap = MAILLAGE_TRY(id_param(ctx, "swap"));
  auto body = MAILLAGE_TRY(read_json_body(
      ctx.request, json_object("", {{"decision", true, json_enum("", {"approuver", "refuser"})},
                                    {"version", true, json_integer("", 1)}})));
  const bool approve = body["decision"] == "approuver";
  MAILLAGE_CHECK(campaigns_.decide_swap(*ctx.principal(), id, swap,
                                        body["version"].get<std::int64_t>(), approve));
  return Response::json(json{{"statut", approve ? "approuvee" : "refusee"}}.dump());
}

Result<Response> RosterFeature::api_export_csv(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  const std::int64_t member = int_or(ctx.request.query_value("membre"), 0);
  auto entries = MAILLAGE_TRY(campaigns_.export_entries(*ctx.principal(), id, member));
  return attachment(services::roster_csv(entries), "text/csv; charset=utf-8",
                    member ? fmt::format("permanences-{}-membre-{}.csv", id, member)
                           : fmt::format("permanences-{}.csv", id));
}

Result<Response> RosterFeature::api_export_ics(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  const std::int64_t member = int_or(ctx.request.query_value("membre"), 0);
  auto c = MAILLAGE_TRY(campaigns_.get(*ctx.principal(), id));
  auto entries = MAILLAGE_TRY(campaigns_.export_entries(*ctx.principal(), id, member));
  // DTSTAMP: when the roster was last changed (stable between downloads of the same roster).
  std::string ts = c.updated_at;  // "2026-11-24T16:22:12.123Z"
  std::string dtstamp = ts.size() >= 19
                            ? ts.substr(0, 4) + ts.substr(5, 2) + ts.substr(8, 2) + "T" +
                                  ts.substr(11, 2) + ts.substr(14, 2) + ts.substr(17, 2) + "Z"
                            : "20000101T000000Z";
  return attachment(services::roster_icalendar(entries, c.name, dtstamp),
                    "text/calendar; charset=utf-8",
                    member ? fmt::format("permanences-{}-membre-{}.ics", id, member)
                           : fmt::format("permanences-{}.ics", id));
}

Result<Response> RosterFeature::api_export_xlsx(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  const std::int64_t member = int_or(ctx.request.query_value("membre"), 0);
  auto entries = MAILLAGE_TRY(campaigns_.export_entries(*ctx.principal(), id, member));
  office::Sheet sheet;
  sheet.name = "Permanences";
  sheet.header = {"Date", "Début", "Fin",        "Fin le lendemain",
                  "Type", "Lieu",  "Profession", "Membre"};
  for (const auto& e : entries) {
    office::Date d{std::stoi(e.day.substr(0, 4)), std::stoi(e.day.substr(5, 2)),
                   std::stoi(e.day.substr(8, 2))};
    sheet.rows.push_back({d, e.start_time, e.end_time, e.ends_next_day ? "oui" : "non",
                          services::slot_kind_label(e.kind), e.label, e.profession, e.member});
  }
  auto bytes =
      MAILLAGE_TRY(office::write_xlsx({sheet}, {"Planning des permanences", "Maillage", ""}));
  return attachment(std::move(bytes), std::string(office::kXlsxMediaType),
                    member ? fmt::format("permanences-{}-membre-{}.xlsx", id, member)
                           : fmt::format("permanences-{}.xlsx", id));
}

}  // namespace maillage::http::roster_http
