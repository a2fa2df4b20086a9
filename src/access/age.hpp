// Age-standardised demand: the APL weighs each commune's population by the health-care
// consumption of its age groups (research/analytics.md §1.2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace maillage::access {

/// Population by age band for each location (read by parse_age_csv() in csv.hpp).
struct AgeTable {
  std::vector<std::string> bands;  ///< band names, as in the file header ("0-14", "90+")
  std::vector<double> population;  ///< row-major: population[location * bands.size() + band]

  [[nodiscard]] std::size_t locations() const noexcept {
    return bands.empty() ? 0 : population.size() / bands.size();
  }
};

/// Consumption weight c_a of each age band, e.g. parsed from "0-14=0.8,15-29=0.7,...".
struct AgeWeights {
  std::vector<std::pair<std::string, double>> weights;
};

/// Parses "band=weight,band=weight" (weights finite and >= 0, names unique). Errors are
/// invalid_input with field "age-weights".
[[nodiscard]] Result<AgeWeights> parse_age_weights(std::string_view spec);

/// P*_k = Σ_a pop_{k,a} · c_a / c̄ with c̄ = Σ_{k,a} pop_{k,a} c_a / Σ_{k,a} pop_{k,a}, the
/// population-weighted mean consumption of the table: so Σ_k P*_k = Σ_k Σ_a pop_{k,a}, and APL
/// stays "per standardised inhabitant". With normalise = false, P*_k = Σ_a pop_{k,a} · c_a.
/// Every band of the table needs a weight and every weight a band (names compared exactly).
[[nodiscard]] Result<std::vector<double>> standardise_demand(const AgeTable& table,
                                                             const AgeWeights& weights,
                                                             bool normalise = true);

}  // namespace maillage::access
