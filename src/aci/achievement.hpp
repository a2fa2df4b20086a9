// Achievement of indicators and missions for one contract year, from the achievement rules of the
// accord (linear or by paliers) and the weights of the indicators.
#pragma once

#include <string>
#include <vector>

#include "aci/contract.hpp"
#include "aci/rules.hpp"

namespace maillage::aci {

struct IndicatorOutcome {
  std::string id;
  int year = 0;
  AchievementMethod method = AchievementMethod::linear;
  bool measured = false;  // false: the rate is the simulated `unmeasured_rate`
  Ppm rate = 0;           // achievement, 0..100 %
  int paliers_reached = 0;
  int paliers = 0;
  double weight = 1;
  bool rules_verified = true;  // false when the method or palier rates come from unverified rules
  std::string explanation;     // French, e.g. "2 palier(s) sur 3 atteint(s) → 50 %"
};

struct MissionOutcome {
  int year = 0;
  Ppm rate = 0;                // weighted mean of the indicators' rates
  bool estimated = false;      // some indicator unmeasured, or no indicator for the year
  bool rules_verified = true;  // every indicator's method and rates are verified or negotiated
  std::vector<IndicatorOutcome> indicators;
};

/// Rate of one indicator in one of its years. Linear: (measured − baseline) / (final − baseline)
/// limited to 0..100 %. Paliers: the rate of the highest palier reached (indicator's rates, else
/// the rules' for that number of paliers, else k/n). Rates are rounded to the ppm.
[[nodiscard]] IndicatorOutcome indicator_outcome(const Indicator& ind, const IndicatorYear& year,
                                                 const Accord& accord, const MissionRules& rules,
                                                 Ppm unmeasured_rate);

/// Achievement of a mission in contract year `year`: the weighted mean of its indicators that have
/// targets that year, rounded to the ppm. Unmeasured indicators count at `unmeasured_rate`, and a
/// year without any indicator is `unmeasured_rate` as a whole; both make the outcome estimated.
[[nodiscard]] MissionOutcome mission_outcome(const ContractMission& mission, const Accord& accord,
                                             const MissionRules& rules, int year,
                                             Ppm unmeasured_rate);

}  // namespace maillage::aci
