#include "aci/workspace.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace maillage::aci {

namespace {

tl::unexpected<Error> invalid(std::string field, std::string message) {
  return fail(ErrorCode::invalid_input, std::move(message), std::move(field));
}

// Indicator values are bounded by validation (|v| < 1e12), so ×100 stays exact enough in a double
// and the half-away rounding below is the documented one.
double round2(double v) {
  double scaled = std::round(v * 100.0);  // std::round rounds half away from zero
  return scaled / 100.0;
}

const MissionYear* find_year(const Schedule& s, const std::string& mission, int year) {
  for (const auto& m : s.missions) {
    if (m.mission == mission && m.year == year) return &m;
  }
  return nullptr;
}

Result<AdjustmentReading> reading(const CptsContract& c, const RuleBook& rules,
                                  const TargetAdjustment& a, const ScheduleOptions& options,
                                  const std::vector<double>& paliers) {
  auto s = compute_schedule(c, rules, options);
  if (!s) return tl::unexpected(s.error());
  const MissionYear* my = find_year(*s, a.mission, a.year);
  if (my == nullptr) {
    return invalid("year", "la mission « " + a.mission + " » n'a pas d'année " +
                               std::to_string(a.year) + " dans l'échéancier (mission non démarrée ?)");
  }
  AdjustmentReading r;
  r.paliers = paliers;
  r.mission_rate = my->outcome.rate;
  r.variable_max = my->variable_max;
  r.variable_paid = my->variable_paid;
  for (const auto& io : my->outcome.indicators) {
    if (io.id == a.indicator) r.indicator = io;
  }
  return r;
}

std::string weight_text(double w) { return format_value(w); }

}  // namespace

std::string format_value(double v) {
  char buf[64];
  double r = round2(v);
  if (r == std::floor(r) && std::fabs(r) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", r);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f", r);
    // "21.10" → "21.1": trailing zeros say nothing.
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    for (auto& ch : s) {
      if (ch == '.') ch = ',';
    }
    return s;
  }
  return buf;
}

std::string format_paliers(const std::vector<double>& paliers) {
  std::string out;
  for (std::size_t i = 0; i < paliers.size(); ++i) {
    if (i > 0) out += " ; ";
    out += format_value(paliers[i]);
  }
  return out;
}

Result<std::vector<double>> rescale_paliers(const std::vector<double>& paliers, double fact_before,
                                            double fact_after) {
  if (!std::isfinite(fact_before) || fact_before <= 0) {
    return invalid("fact_before", "la valeur de référence doit être strictement positive");
  }
  if (!std::isfinite(fact_after) || fact_after <= 0) {
    return invalid("fact_after", "la nouvelle valeur doit être strictement positive");
  }
  if (paliers.empty()) return invalid("paliers", "aucune cible à ajuster");
  std::vector<double> out;
  out.reserve(paliers.size());
  for (double p : paliers) out.push_back(round2(p * fact_after / fact_before));
  return out;
}

Result<AdjustmentComparison> compare_adjustment(const CptsContract& contract, const RuleBook& rules,
                                                const TargetAdjustment& a,
                                                const ScheduleOptions& options) {
  auto mission = std::find_if(contract.missions.begin(), contract.missions.end(),
                              [&](const ContractMission& m) { return m.mission == a.mission; });
  if (mission == contract.missions.end()) {
    return invalid("mission", "mission « " + a.mission + " » absente du contrat");
  }
  auto ind = std::find_if(mission->indicators.begin(), mission->indicators.end(),
                          [&](const Indicator& i) { return i.id == a.indicator; });
  if (ind == mission->indicators.end()) {
    return invalid("indicator",
                   "indicateur « " + a.indicator + " » absent de la mission « " + a.mission + " »");
  }
  auto yr = std::find_if(ind->years.begin(), ind->years.end(),
                         [&](const IndicatorYear& y) { return y.year == a.year; });
  if (yr == ind->years.end()) {
    return invalid("year", "l'indicateur « " + a.indicator + " » n'a pas de cible pour l'année " +
                               std::to_string(a.year));
  }
  auto scaled = rescale_paliers(yr->paliers, a.fact_before, a.fact_after);
  if (!scaled) return tl::unexpected(scaled.error());
  // Rescaled paliers must still be strictly monotonic (validation requires it); a tiny factor
  // could merge two of them after rounding.
  for (std::size_t i = 1; i < scaled->size(); ++i) {
    if ((*scaled)[i] == (*scaled)[i - 1]) {
      return invalid("fact_after", "facteur trop petit : deux paliers deviendraient égaux");
    }
  }

  AdjustmentComparison out;
  out.mission = a.mission;
  out.indicator = a.indicator;
  out.year = a.year;
  out.factor = static_cast<Ppm>(std::llround(a.fact_after / a.fact_before * kPpmOne));
  auto original = reading(contract, rules, a, options, yr->paliers);
  if (!original) return tl::unexpected(original.error());

  CptsContract changed = contract;
  auto& cm = changed.missions[static_cast<std::size_t>(mission - contract.missions.begin())];
  auto& ci = cm.indicators[static_cast<std::size_t>(ind - mission->indicators.begin())];
  ci.years[static_cast<std::size_t>(yr - ind->years.begin())].paliers = *scaled;
  // The adjusted contract must still be a valid contract (e.g. a rescaled target crossing the
  // baseline would flip the direction).
  if (auto ok = validate(changed, rules); !ok) {
    return invalid("fact_after", "cible ajustée invalide : " + ok.error().message);
  }
  auto adjusted = reading(changed, rules, a, options, *scaled);
  if (!adjusted) return tl::unexpected(adjusted.error());
  out.original = std::move(*original);
  out.adjusted = std::move(*adjusted);
  out.difference = out.adjusted.variable_paid - out.original.variable_paid;
  return out;
}

std::vector<IndicatorChange> diff_indicators(const CptsContract& before,
                                             const CptsContract& after) {
  std::vector<IndicatorChange> out;
  std::map<std::pair<std::string, std::string>, const Indicator*> old;
  for (const auto& m : before.missions) {
    for (const auto& i : m.indicators) old[{m.mission, i.id}] = &i;
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& m : after.missions) {
    for (const auto& i : m.indicators) {
      seen.insert({m.mission, i.id});
      auto it = old.find({m.mission, i.id});
      if (it == old.end()) {
        out.push_back({m.mission, i.id, 0, "ajout", "", i.definition});
        continue;
      }
      const Indicator& o = *it->second;
      if (o.definition != i.definition) {
        out.push_back({m.mission, i.id, 0, "definition", o.definition, i.definition});
      }
      if (o.weight != i.weight) {
        out.push_back({m.mission, i.id, 0, "poids", weight_text(o.weight), weight_text(i.weight)});
      }
      for (const auto& y : i.years) {
        auto oy = std::find_if(o.years.begin(), o.years.end(),
                               [&](const IndicatorYear& x) { return x.year == y.year; });
        if (oy == o.years.end()) {
          out.push_back({m.mission, i.id, y.year, "annee", "", format_paliers(y.paliers)});
        } else if (oy->paliers != y.paliers) {
          out.push_back({m.mission, i.id, y.year, "paliers", format_paliers(oy->paliers),
                         format_paliers(y.paliers)});
        }
      }
      for (const auto& oy : o.years) {
        bool kept = std::any_of(i.years.begin(), i.years.end(),
                                [&](const IndicatorYear& x) { return x.year == oy.year; });
        if (!kept) out.push_back({m.mission, i.id, oy.year, "annee", format_paliers(oy.paliers), ""});
      }
    }
  }
  for (const auto& m : before.missions) {
    for (const auto& i : m.indicators) {
      if (!seen.count({m.mission, i.id})) {
        out.push_back({m.mission, i.id, 0, "retrait", i.definition, ""});
      }
    }
  }
  return out;
}

}  // namespace maillage::aci
