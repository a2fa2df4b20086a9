// Private to the sectors feature: the JSON of its answers, built from services::Sectors' typed
// results (the API and the page's script read the same documents).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "services/sectors.hpp"

namespace maillage::http {

[[nodiscard]] nlohmann::json sector_mix_json(const services::WorkloadMix& m);
[[nodiscard]] nlohmann::json sector_evaluation_json(const services::SectorEvaluation& e);
[[nodiscard]] nlohmann::json sector_plan_json(const services::SectorPlan& p);
[[nodiscard]] nlohmann::json sector_workspace_json(const services::SectorWorkspace& w);
[[nodiscard]] nlohmann::json sector_job_json(const services::SectorJob& j);
[[nodiscard]] std::string sector_outlines_geojson(
    const std::vector<services::Sectors::Outline>& outlines);

}  // namespace maillage::http
