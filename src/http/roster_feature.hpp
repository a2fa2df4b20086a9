// The permanences feature's private header, shared by its files:
//   roster_routes.cpp        the route table, the feature's construction, shared helpers
//   roster_api.cpp           JSON API of campaigns, slots, members, availabilities, solve jobs
//   roster_exchanges.cpp     JSON API of swaps and the CSV / iCalendar / XLSX exports
//   roster_json.cpp          request bodies → service types, service types → JSON
//   roster_pages.cpp         the campaign list, htmx fragments, the printable monthly grid
//   roster_campaign_page.cpp the campaign page (availability grid, review, swaps)
// Handlers parse, call one RosterCampaigns method, render. The solve jobs run on the feature's
// RosterJobRunner thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/feature.hpp"
#include "http/web_app.hpp"
#include "services/roster_campaigns.hpp"
#include "services/roster_export.hpp"
#include "services/roster_jobs.hpp"

namespace maillage::http::roster_http {

using nlohmann::json;

// Request helpers (roster_routes.cpp).
std::vector<JsonProperty> settings_properties(bool for_update);
JsonSchema slot_schema();
JsonSchema assignments_schema();
/// A positive integer path parameter (not_found otherwise).
Result<std::int64_t> id_param(const RequestContext& ctx, const char* name);
std::int64_t int_or(const std::optional<std::string>& s, std::int64_t fallback);
Response attachment(std::string body, const std::string& type, const std::string& filename);

// French text for pages (roster_routes.cpp).
std::string short_date(const std::string& day);  // "lun. 04/05"
std::string slot_title(const services::PlanSlot& s);
std::string slot_hours(const services::PlanSlot& s);
std::string hours_text(double h);

// JSON (roster_json.cpp).
services::NewCampaign campaign_of_body(const json& b);
std::vector<services::PlanAssignment> assignments_of_body(const json& arr);
json slot_json(const services::PlanSlot& s);
json campaign_json(const services::Campaign& c);
json check_json(const services::PlanCheck& chk);
json job_json(const services::JobInfo& j);
json swap_json(const services::SwapInfo& s);
/// One cell of the availability grid (template permanence_cellule).
json cell_json(std::int64_t campaign, const services::PlanSlot& s, std::int64_t member,
               std::optional<services::SlotWish> wish, bool editable);

class RosterFeature final : public Feature {
 public:
  explicit RosterFeature(const Site& site);

  void add_routes(RouteTable& table) override;
  void add_api_routes(RouteTable& table);   // roster_routes.cpp
  void add_page_routes(RouteTable& table);  // roster_routes.cpp

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    (void)who;
    return {{"Permanences", "/permanences"}};
  }

 private:
  template <class F>
  Handler bind(F f) {
    return [this, f](const RequestContext& ctx) { return (this->*f)(ctx); };
  }

  // API: campaigns, slots, members, availabilities, solve jobs, roster (roster_api.cpp)
  Result<Response> api_list(const RequestContext& ctx);
  Result<Response> api_create(const RequestContext& ctx);
  Result<Response> api_get(const RequestContext& ctx);
  Result<Response> api_update(const RequestContext& ctx);
  Result<Response> api_status(const RequestContext& ctx);
  Result<Response> api_add_slots(const RequestContext& ctx);
  Result<Response> api_remove_slot(const RequestContext& ctx);
  Result<Response> api_add_member(const RequestContext& ctx);
  Result<Response> api_availability(const RequestContext& ctx);
  Result<Response> api_cap(const RequestContext& ctx);
  Result<Response> api_solve(const RequestContext& ctx);
  Result<Response> api_job(const RequestContext& ctx);
  Result<Response> api_roster(const RequestContext& ctx);
  Result<Response> api_check(const RequestContext& ctx);
  Result<Response> api_save_roster(const RequestContext& ctx);
  // Swaps and exports (roster_exchanges.cpp)
  Result<Response> api_swaps(const RequestContext& ctx);
  Result<Response> api_propose_swap(const RequestContext& ctx);
  Result<Response> api_decide_swap(const RequestContext& ctx);
  Result<Response> api_export_csv(const RequestContext& ctx);
  Result<Response> api_export_ics(const RequestContext& ctx);
  Result<Response> api_export_xlsx(const RequestContext& ctx);
  // Pages (roster_pages.cpp; the campaign page in roster_campaign_page.cpp)
  Result<Response> page_list(const RequestContext& ctx);
  Result<Response> page_campaign(const RequestContext& ctx);
  Result<Response> page_cell(const RequestContext& ctx);
  Result<Response> page_fill(const RequestContext& ctx);
  Result<Response> page_job(const RequestContext& ctx);
  Result<Response> page_start_job(const RequestContext& ctx);
  Result<Response> page_grid(const RequestContext& ctx);

  Result<std::string> job_fragment(const services::Principal& who, std::int64_t id, bool polling,
                                   bool* finished);

  const Site& site_;
  services::RosterCampaigns& campaigns_;
  services::RosterJobRunner& runner_;  // started by the composition root (src/app)
};

}  // namespace maillage::http::roster_http
