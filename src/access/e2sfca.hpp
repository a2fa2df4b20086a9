// The two-step floating catchment area computation (E2SFCA as used for the APL).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "access/decay.hpp"
#include "access/location_index.hpp"
#include "access/travel_times.hpp"
#include "common/error.hpp"

namespace maillage::access {

/// Per location i or j (same numbering as the inputs):
///   D_j = Σ_i w(t_ij) · P_i           demand seen by the supply at j
///   R_j = S_j / D_j  (0 when D_j = 0)
///   A_i = Σ_j w(t_ij) · R_j           accessibility of i, in supply units per inhabitant
/// When every supply point sees some demand, Σ_i P_i · A_i = Σ_j S_j. Supply that sees none
/// cannot reach anyone: it is listed in supply_without_demand rather than silently dropped.
struct AccessResult {
  std::vector<double> access;             ///< A_i, 0 where nothing is reachable
  std::vector<double> catchment_demand;   ///< D_j
  std::vector<double> ratio;              ///< R_j
  std::vector<LocationId> supply_without_demand;  ///< S_j > 0 and D_j = 0, ascending
  double total_supply = 0;                ///< Σ_j S_j
  double stranded_supply = 0;             ///< Σ S_j over supply_without_demand
  double total_demand = 0;                ///< Σ_i P_i
  double weighted_access = 0;             ///< Σ_i P_i · A_i = total_supply - stranded_supply
  std::size_t pairs_weighted = 0;         ///< pairs with w(t) > 0
};

/// Computes the accessibility. `demand` (P) and `supply` (S) have one finite value >= 0 per
/// location and `times` one CSR row per location (validated here: O(pairs)). Pure; errors are
/// invalid_input naming the offending input.
[[nodiscard]] Result<AccessResult> compute_access(std::span<const double> demand,
                                                  std::span<const double> supply,
                                                  const TravelTimes& times, const Decay& decay);

}  // namespace maillage::access
