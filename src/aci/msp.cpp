// MSP schedule: per calendar year, points × point value. Indicator i is worth
//   fixed_points + variable_points × patients / reference_patients
// points at 100 %; its money is point_value × points × achievement × (days under contract / days
// of the year when the year is incomplete), one fraction rounded once per indicator. An unmet
// prérequis cancels the year. The advance is a share of the socle (prérequis included) at 100 %,
// with a floor; the balance (the year's total minus the advance) is paid the following year and
// is negative when the advance exceeded what was earned.
#include <algorithm>

#include "aci/schedule.hpp"

namespace maillage::aci {

namespace {

Date on(int year, MonthDay md) {
  return Date{std::chrono::year{year}, std::chrono::month{md.month}, std::chrono::day{md.day}};
}

Date later(Date a, Date b) { return days_between(a, b) > 0 ? b : a; }
Date earlier(Date a, Date b) { return days_between(a, b) > 0 ? a : b; }

}  // namespace

Result<std::vector<MspYearResult>> msp_years(const MspContract& c, const RuleBook& rules,
                                             const ScheduleOptions& options) {
  if (auto ok = validate(c, rules); !ok) return tl::unexpected(ok.error());
  if (options.unmeasured_rate < 0 || options.unmeasured_rate > kPpmOne) {
    return fail(ErrorCode::invalid_input, "taux d'atteinte simulé entre 0 et 100 % attendu",
                "unmeasured_rate");
  }
  const Accord& accord = *rules.find(c.accord);
  const MspRules& r = accord.msp;
  int duration = c.duration_years ? *c.duration_years : accord.contract_years.value;
  Date end = add_years(c.signature, duration);
  std::vector<MspYear> years = c.years;
  std::sort(years.begin(), years.end(),
            [](const MspYear& a, const MspYear& b) { return a.year < b.year; });
  std::vector<MspYearResult> out;
  for (const MspYear& y : years) {
    MspYearResult yr;
    yr.year = y.year;
    yr.patients = y.patients;
    yr.new_structure = y.new_structure;
    Date jan1 = on(y.year, {1, 1});
    Date next = on(y.year + 1, {1, 1});
    yr.year_days = days_between(jan1, next);
    yr.days = days_between(later(jan1, c.signature), earlier(next, end));
    yr.partial = yr.days < yr.year_days && r.partial_year_prorata.value;
    std::int64_t counted = yr.partial ? yr.days : yr.year_days;
    std::int64_t ref = r.reference_patients.value;
    for (const MspIndicator& ind : c.indicators) {
      auto a = std::find_if(ind.achievements.begin(), ind.achievements.end(),
                            [&](const MspAchievement& m) { return m.year == y.year; });
      MspIndicatorResult ir;
      ir.id = ind.id;
      ir.category = ind.category;
      ir.reference = ref;
      ir.measured = a != ind.achievements.end();
      ir.rate = ir.measured ? a->rate : options.unmeasured_rate;
      yr.estimated = yr.estimated || !ir.measured;
      ir.points_x_ref = ind.fixed_points * ref + ind.variable_points * y.patients;
      ir.at_full =
          fraction_round({r.point_value.value, ir.points_x_ref, counted}, {ref, yr.year_days});
      ir.earned = fraction_round({r.point_value.value, ir.points_x_ref, counted, ir.rate},
                                 {ref, yr.year_days, kPpmOne});
      if (ind.category != MspCategory::optionnel) yr.socle_full += ir.at_full;
      if (ind.category == MspCategory::prerequis && ir.rate < kPpmOne &&
          yr.unmet_prerequisite.empty()) {
        yr.unmet_prerequisite = ind.id;
      }
      yr.earned += ir.earned;
      yr.indicators.push_back(std::move(ir));
    }
    yr.total = yr.earned;
    yr.basis = "points × " + format_euros(r.point_value.value) +
               (yr.partial ? " × " + std::to_string(yr.days) + "/" +
                                 std::to_string(yr.year_days) + " jours"
                           : "");
    if (!yr.unmet_prerequisite.empty()) {
      yr.total = 0;
      yr.basis = "prérequis « " + yr.unmet_prerequisite + " » non atteint";
    }
    if (y.new_structure && yr.total < r.new_structure_minimum.value) {
      yr.total = r.new_structure_minimum.value;
      yr.minimum_used = true;
      yr.basis = "minimum garanti des nouvelles structures";
    }
    yr.advance = std::max(mul_div_round(yr.socle_full, r.advance_rate.value, kPpmOne),
                          r.advance_minimum.value);
    yr.balance = yr.total - yr.advance;
    out.push_back(std::move(yr));
  }
  return out;
}

Result<Schedule> compute_schedule(const MspContract& c, const RuleBook& rules,
                                  const ScheduleOptions& options) {
  auto years = msp_years(c, rules, options);
  if (!years) return tl::unexpected(years.error());
  const Accord& accord = *rules.find(c.accord);
  const MspRules& r = accord.msp;
  int duration = c.duration_years ? *c.duration_years : accord.contract_years.value;
  Date end = add_years(c.signature, duration);

  Schedule s;
  s.contract_id = c.id;
  s.anniversaries = {c.signature, end};
  bool estimated_any = false;
  int unverified = 0;
  for (const MspYearResult& y : *years) {
    estimated_any = estimated_any || y.estimated;
    if (!y.unmet_prerequisite.empty()) {
      s.notes.push_back("Année " + std::to_string(y.year) + " : prérequis « " +
                        y.unmet_prerequisite +
                        " » non atteint, aucune rémunération (l'avance est à rembourser).");
    }
    bool prorata_ok = !y.partial || r.partial_year_prorata.provenance.verified;
    bool advance_verified =
        r.point_value.provenance.verified && r.advance_rate.provenance.verified &&
        r.advance_minimum.provenance.verified && r.advance_date.provenance.verified && prorata_ok;
    bool balance_verified = r.point_value.provenance.verified &&
                            r.balance_date.provenance.verified && prorata_ok &&
                            (!y.minimum_used || r.new_structure_minimum.provenance.verified);
    unverified += !advance_verified + !balance_verified;
    s.payments.push_back({later(on(y.year, r.advance_date.value), c.signature), y.year,
                          "remuneration", PaymentKind::avance, y.advance, advance_verified, false,
                          format_rate(r.advance_rate.value) + " du socle à 100 % (" +
                              format_euros(y.socle_full) + "), au moins " +
                              format_euros(r.advance_minimum.value)});
    s.payments.push_back({on(y.year + 1, r.balance_date.value), y.year, "remuneration",
                          PaymentKind::solde, y.balance, balance_verified, y.estimated,
                          "rémunération " + std::to_string(y.year) + " de " +
                              format_euros(y.total) + " (" + y.basis + ") − avance de " +
                              format_euros(y.advance)});
  }
  std::stable_sort(s.payments.begin(), s.payments.end(), [](const Payment& a, const Payment& b) {
    return std::chrono::sys_days{a.date} < std::chrono::sys_days{b.date};
  });
  if (unverified > 0) {
    s.notes.push_back(std::to_string(unverified) + " versement(s) sur " +
                      std::to_string(s.payments.size()) +
                      " reposent sur des valeurs des règles non vérifiées.");
  }
  if (estimated_any) {
    s.notes.push_back(
        "Rémunération estimée : les indicateurs sans taux d'atteinte sont comptés à " +
        format_rate(options.unmeasured_rate) + ".");
  }
  return s;
}

}  // namespace maillage::aci
