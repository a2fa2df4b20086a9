#include "aci/achievement.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace maillage::aci {

namespace {

// `fraction` is within [0, 1] (validation bounds indicator values, so it is never NaN).
Ppm to_ppm(double fraction) {
  return static_cast<Ppm>(std::floor(fraction * static_cast<double>(kPpmOne) + 0.5));
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The method and whether it is verified: a method written in the contract was negotiated by the
// parties; one taken from the rules is as verified as the rules value.
AchievementMethod method_for(const Indicator& ind, const Accord& accord, const MissionRules& m,
                             bool& verified) {
  verified = true;
  if (ind.method) return *ind.method;
  const auto& chosen = m.achievement.method ? m.achievement.method : accord.achievement.method;
  if (!chosen) return AchievementMethod::linear;
  verified = chosen->provenance.verified;
  return chosen->value;
}

// Rates of the paliers: the indicator's, else the mission's or the accord's for that count, else
// equal steps.
std::vector<Ppm> palier_rates(const Indicator& ind, std::size_t count, const Accord& accord,
                              const MissionRules& m, bool& verified) {
  verified = true;
  if (ind.palier_rates.size() == count) return ind.palier_rates;
  int n = static_cast<int>(count);
  if (auto it = m.achievement.palier_rates.find(n); it != m.achievement.palier_rates.end()) {
    verified = it->second.provenance.verified;
    return it->second.value;
  }
  if (auto it = accord.achievement.palier_rates.find(n);
      it != accord.achievement.palier_rates.end()) {
    verified = it->second.provenance.verified;
    return it->second.value;
  }
  std::vector<Ppm> equal;
  for (int k = 1; k <= n; ++k) equal.push_back(mul_div_round(kPpmOne, k, n));
  return equal;
}

bool increasing(const Indicator& ind, const IndicatorYear& y) {
  if (ind.direction) return *ind.direction == Direction::increase;
  return y.paliers.back() > ind.baseline;
}

}  // namespace

IndicatorOutcome indicator_outcome(const Indicator& ind, const IndicatorYear& y,
                                   const Accord& accord, const MissionRules& rules,
                                   Ppm unmeasured_rate) {
  IndicatorOutcome out;
  out.id = ind.id;
  out.year = y.year;
  out.weight = ind.weight;
  out.method = method_for(ind, accord, rules, out.rules_verified);
  out.paliers = static_cast<int>(y.paliers.size());
  if (!y.measured) {
    out.rate = unmeasured_rate;
    out.explanation = "non mesuré : compté à " + format_rate(unmeasured_rate);
    return out;
  }
  out.measured = true;
  double m = *y.measured;
  bool up = increasing(ind, y);
  for (double p : y.paliers) {
    if (up ? m >= p : m <= p) ++out.paliers_reached;
  }
  if (out.method == AchievementMethod::linear) {
    double target = y.paliers.back();
    double span = target - ind.baseline;
    // A target equal to the baseline (direction given) is reached or not.
    double fraction =
        span == 0 ? (out.paliers_reached == out.paliers ? 1.0 : 0.0) : (m - ind.baseline) / span;
    out.rate = to_ppm(std::clamp(fraction, 0.0, 1.0));
    out.explanation = "(" + number(m) + " − " + number(ind.baseline) + ") / (" + number(target) +
                      " − " + number(ind.baseline) + ") → " + format_rate(out.rate);
  } else {
    bool rates_verified = true;
    auto rates = palier_rates(ind, y.paliers.size(), accord, rules, rates_verified);
    out.rules_verified = out.rules_verified && rates_verified;
    out.rate =
        out.paliers_reached == 0 ? 0 : rates[static_cast<std::size_t>(out.paliers_reached - 1)];
    out.explanation = std::to_string(out.paliers_reached) + " palier(s) sur " +
                      std::to_string(out.paliers) + " atteint(s) → " + format_rate(out.rate);
  }
  return out;
}

MissionOutcome mission_outcome(const ContractMission& mission, const Accord& accord,
                               const MissionRules& rules, int year, Ppm unmeasured_rate) {
  MissionOutcome out;
  out.year = year;
  double weighted = 0;
  double weights = 0;
  for (const auto& ind : mission.indicators) {
    for (const auto& y : ind.years) {
      if (y.year != year) continue;
      IndicatorOutcome o = indicator_outcome(ind, y, accord, rules, unmeasured_rate);
      out.estimated = out.estimated || !o.measured;
      out.rules_verified = out.rules_verified && o.rules_verified;
      weighted += o.weight * static_cast<double>(o.rate);
      weights += o.weight;
      out.indicators.push_back(std::move(o));
    }
  }
  if (out.indicators.empty()) {
    out.estimated = true;
    out.rate = unmeasured_rate;
    return out;
  }
  out.rate = static_cast<Ppm>(std::floor(weighted / weights + 0.5));
  return out;
}

}  // namespace maillage::aci
