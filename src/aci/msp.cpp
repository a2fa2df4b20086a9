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

Result<Schedule> compute_schedule(const MspContract& c, const RuleBook& rules,
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

  Schedule s;
  s.contract_id = c.id;
  s.anniversaries = {c.signature, end};
  std::vector<MspYear> years = c.years;
  std::sort(years.begin(), years.end(),
            [](const MspYear& a, const MspYear& b) { return a.year < b.year; });
  bool estimated_any = false;
  int unverified = 0;
  for (const MspYear& y : years) {
    Date jan1 = on(y.year, {1, 1});
    Date next = on(y.year + 1, {1, 1});
    std::int64_t year_days = days_between(jan1, next);
    std::int64_t days = days_between(later(jan1, c.signature), earlier(next, end));
    bool partial = days < year_days && r.partial_year_prorata.value;
    std::int64_t counted = partial ? days : year_days;
    std::int64_t ref = r.reference_patients.value;

    Cents socle = 0;  // socle and prérequis at 100 %, the base of the advance
    Cents total = 0;
    bool estimated = false;
    std::string unmet;
    for (const MspIndicator& ind : c.indicators) {
      auto a = std::find_if(ind.achievements.begin(), ind.achievements.end(),
                            [&](const MspAchievement& m) { return m.year == y.year; });
      Ppm rate = a != ind.achievements.end() ? a->rate : options.unmeasured_rate;
      estimated = estimated || a == ind.achievements.end();
      // Points × reference, so that scaled variable points stay integers.
      std::int64_t points_x_ref = ind.fixed_points * ref + ind.variable_points * y.patients;
      Cents at_full =
          fraction_round({r.point_value.value, points_x_ref, counted}, {ref, year_days});
      Cents earned = fraction_round({r.point_value.value, points_x_ref, counted, rate},
                                    {ref, year_days, kPpmOne});
      if (ind.category != MspCategory::optionnel) socle += at_full;
      if (ind.category == MspCategory::prerequis && rate < kPpmOne && unmet.empty()) unmet = ind.id;
      total += earned;
    }
    estimated_any = estimated_any || estimated;
    std::string basis =
        "points × " + format_euros(r.point_value.value) +
        (partial ? " × " + std::to_string(days) + "/" + std::to_string(year_days) + " jours" : "");
    if (!unmet.empty()) {
      s.notes.push_back("Année " + std::to_string(y.year) + " : prérequis « " + unmet +
                        " » non atteint, aucune rémunération (l'avance est à rembourser).");
      total = 0;
      basis = "prérequis « " + unmet + " » non atteint";
    }
    bool minimum_used = false;
    if (y.new_structure && total < r.new_structure_minimum.value) {
      total = r.new_structure_minimum.value;
      minimum_used = true;
      basis = "minimum garanti des nouvelles structures";
    }
    Cents advance =
        std::max(mul_div_round(socle, r.advance_rate.value, kPpmOne), r.advance_minimum.value);
    bool prorata_ok = !partial || r.partial_year_prorata.provenance.verified;
    bool advance_verified =
        r.point_value.provenance.verified && r.advance_rate.provenance.verified &&
        r.advance_minimum.provenance.verified && r.advance_date.provenance.verified && prorata_ok;
    bool balance_verified = r.point_value.provenance.verified &&
                            r.balance_date.provenance.verified && prorata_ok &&
                            (!minimum_used || r.new_structure_minimum.provenance.verified);
    unverified += !advance_verified + !balance_verified;
    s.payments.push_back({later(on(y.year, r.advance_date.value), c.signature), y.year,
                          "remuneration", PaymentKind::avance, advance, advance_verified, false,
                          format_rate(r.advance_rate.value) + " du socle à 100 % (" +
                              format_euros(socle) + "), au moins " +
                              format_euros(r.advance_minimum.value)});
    s.payments.push_back({on(y.year + 1, r.balance_date.value), y.year, "remuneration",
                          PaymentKind::solde, total - advance, balance_verified, estimated,
                          "rémunération " + std::to_string(y.year) + " de " + format_euros(total) +
                              " (" + basis + ") − avance de " + format_euros(advance)});
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
