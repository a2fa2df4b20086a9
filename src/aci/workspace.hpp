// What the dialogue de gestion needs beyond the schedule: contextual adjustments of a target
// (a territory fact changed: population, number of GPs) read side by side with the original, and
// the differences between two versions of a contract's indicators (agreed changes). Pure: plain
// structs in, Result out.
#pragma once

#include <string>
#include <vector>

#include "aci/contract.hpp"
#include "aci/schedule.hpp"

namespace maillage::aci {

/// A proposal: rescale the targets of one indicator in one contract year because a territory fact
/// moved from `fact_before` to `fact_after` (e.g. population 61 000 → 53 680).
struct TargetAdjustment {
  std::string mission;
  std::string indicator;
  int year = 0;
  double fact_before = 0;  // > 0
  double fact_after = 0;   // > 0
};

/// One reading of the indicator-year: its targets and the money they give.
struct AdjustmentReading {
  std::vector<double> paliers;
  IndicatorOutcome indicator;  // achievement of the indicator with these targets
  Ppm mission_rate = 0;        // the mission's achievement that year
  Cents variable_max = 0;      // yearly variable part at 100 % (before pro rata)
  Cents variable_paid = 0;     // variable part paid for that year
};

struct AdjustmentComparison {
  std::string mission;
  std::string indicator;
  int year = 0;
  Ppm factor = 0;  // fact_after / fact_before, in ppm
  AdjustmentReading original;
  AdjustmentReading adjusted;
  Cents difference = 0;  // adjusted.variable_paid − original.variable_paid
};

/// Targets rescaled in proportion to the fact: each palier × after / before, rounded half away
/// from zero to two decimals (targets are counts or rates, two decimals is what a sheet shows).
/// The whole target is rescaled, not only the progress beyond the baseline: a target set for a
/// population is a target per inhabitant (or per GP) times that population.
[[nodiscard]] Result<std::vector<double>> rescale_paliers(const std::vector<double>& paliers,
                                                          double fact_before, double fact_after);

/// The variable part of the mission-year under the original targets and under the rescaled ones,
/// everything else (measured values, weights, other indicators, rules) unchanged. Errors name the
/// field: "mission", "indicator", "year", "fact_before", "fact_after".
[[nodiscard]] Result<AdjustmentComparison> compare_adjustment(const CptsContract& contract,
                                                              const RuleBook& rules,
                                                              const TargetAdjustment& adjustment,
                                                              const ScheduleOptions& options = {});

/// One difference between two versions of the indicators of a contract.
struct IndicatorChange {
  std::string mission;
  std::string indicator;
  int year = 0;            // 0 when the change is not about one year (added, removed, weight)
  std::string what;        // "ajout", "retrait", "paliers", "poids", "definition", "annee"
  std::string before;      // French display form
  std::string after;
};

/// Indicators added, removed, and targets, weights or definitions changed from `before` to
/// `after` (missions and indicators in `after`'s order, then what was removed). Measured values
/// are not compared: they are not part of an agreed version.
[[nodiscard]] std::vector<IndicatorChange> diff_indicators(const CptsContract& before,
                                                           const CptsContract& after);

/// "150 ; 300" (French decimal comma, up to two decimals).
[[nodiscard]] std::string format_paliers(const std::vector<double>& paliers);
/// A target or measured value in French: "21,12", "300".
[[nodiscard]] std::string format_value(double v);

}  // namespace maillage::aci
