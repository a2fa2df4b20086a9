// Internal to services/sectors*.cpp: the units, adjacency, together groups and workloads of a
// département (the engine's input), and the live checks of an assignment.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "geo/referentiel.hpp"
#include "sectors/sectors.hpp"
#include "services/sectors.hpp"
#include "services/sectors_repository.hpp"

namespace maillage::services::detail {

struct SectorModel {
  std::string departement;
  std::vector<geo::CommuneIndex> communes;  // référentiel index of each unit
  std::vector<SectorUnit> units;
  std::map<std::string, int> unit_of;                // INSEE code -> unit
  std::vector<std::pair<int, int>> edges;            // each once, referentiel neighbours + links
  std::vector<std::vector<int>> together;            // CPTS territories (merged when they overlap)
  std::vector<std::vector<int>> structures_of_unit;  // structure ids touching each unit
  std::int64_t total_workload = 0;
};

/// Weight of a structure in the workload by its lifecycle stage: closed ones cost nothing, the
/// established ones one unit, projects three (émergence to signature: meetings, files, visits).
double stage_weight(const std::string& stage);

Result<SectorModel> build_model(const geo::Referentiel& ref, const std::string& departement,
                                const WorkloadMix& mix,
                                const std::vector<SectorStructureRow>& structures,
                                const std::map<std::string, std::int64_t>& professionals);

/// Bounds of each sector's workload for a tolerance (±tolerance around the mean).
sectors::Bounds bounds_of(const SectorModel& model, int k, double tolerance);

/// The engine's problem for these settings.
sectors::Problem problem_of(const SectorModel& model, const SectorSettings& settings);

/// Per-unit sector from a commune map; invalid_input naming the first missing or unknown code.
Result<std::vector<int>> assignment_of(const SectorModel& model, int k,
                                       const std::map<std::string, int>& communes);

/// Figures and French problems of an assignment (labels and referents left empty).
SectorEvaluation evaluate(const SectorModel& model, const SectorSettings& settings,
                          const std::vector<int>& sector);

}  // namespace maillage::services::detail
