// JSON of the ACI area's views (services/aci_views.hpp), for the API answers and the pages' data.
// Private to src/http/aci_*.cpp.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "services/aci_views.hpp"

namespace maillage::http::aci_json {

nlohmann::json summary(const services::AciContractSummary& c);
nlohmann::json contracts(const std::vector<services::AciContractSummary>& list);
nlohmann::json contract(const services::AciContractView& v);
nlohmann::json schedule(const services::AciScheduleView& s);
nlohmann::json schedule(const services::AciContractSchedule& s);
nlohmann::json sheet(const services::AciSheet& s);
nlohmann::json indicators(const services::AciIndicatorsView& v);
nlohmann::json adjustment(const services::AciAdjustment& a);
nlohmann::json workspace(const services::AciWorkspace& w);

}  // namespace maillage::http::aci_json
