#include "association/membership.hpp"

#include <algorithm>
#include <map>

#include "association/money.hpp"

namespace maillage::association {
namespace {

int year_of(Date d) { return static_cast<int>(d.year()); }
Date first_day(int y) {
  return Date{std::chrono::year{y}, std::chrono::January, std::chrono::day{1}};
}
Date last_day(int y) {
  return Date{std::chrono::year{y}, std::chrono::December, std::chrono::day{31}};
}
bool before(Date a, Date b) { return days_between(a, b) > 0; }

struct Period {
  Date start;
  Date end;  // inclusive
};

Result<std::vector<Period>> calendar_periods(const std::vector<Tariff>& tariffs,
                                             const MemberDues& m,
                                             std::map<int, std::int64_t>& paid) {
  for (const auto& p : m.payments) paid[p.covers_year.value_or(year_of(p.date))] += p.amount_cents;
  std::vector<Period> out;
  for (const auto& [year, amount] : paid) {
    auto t = find_tariff(tariffs, year, m.college, m.profession);
    if (!t) return tl::unexpected(t.error());
    if (amount >= t->amount_cents) out.push_back({first_day(year), last_day(year)});
  }
  return out;
}

Result<std::vector<Period>> rolling_periods(const std::vector<Tariff>& tariffs, const MemberDues& m,
                                            std::int64_t& pending) {
  auto payments = m.payments;
  std::stable_sort(payments.begin(), payments.end(),
                   [](const Payment& a, const Payment& b) { return before(a.date, b.date); });
  std::vector<Period> out;
  pending = 0;
  for (const auto& p : payments) {
    pending += p.amount_cents;
    auto t = find_tariff(tariffs, year_of(p.date), m.college, m.profession);
    if (!t) return tl::unexpected(t.error());
    if (pending < t->amount_cents) continue;
    pending = 0;  // the surplus of an overpayment is not carried over: the period is paid
    Date start = p.date;
    if (!out.empty() && !before(out.back().end, start)) start = add_days(out.back().end, 1);
    out.push_back({start, add_days(add_months(start, 12), -1)});
  }
  return out;
}

}  // namespace

std::string_view label(MembershipStatus s) {
  switch (s) {
    case MembershipStatus::en_attente:
      return "en attente";
    case MembershipStatus::a_jour:
      return "à jour";
    case MembershipStatus::echue:
      return "échue";
    case MembershipStatus::radiee:
      return "radiée";
  }
  return "";
}

Result<Tariff> find_tariff(const std::vector<Tariff>& tariffs, int year, const std::string& college,
                           const std::string& profession) {
  const Tariff* best = nullptr;
  int best_rank = -1;
  for (const auto& t : tariffs) {
    if (t.year != year) continue;
    if (!t.college.empty() && t.college != college) continue;
    if (!t.profession.empty() && t.profession != profession) continue;
    const int rank = (t.profession.empty() ? 0 : 2) + (t.college.empty() ? 0 : 1);
    if (rank > best_rank) {
      best = &t;
      best_rank = rank;
    }
  }
  if (best == nullptr) {
    return fail(ErrorCode::not_found,
                "aucun tarif de cotisation pour " + std::to_string(year) + " (collège « " +
                    college + " », profession « " + profession + " »)",
                "tariffs");
  }
  return *best;
}

Result<MembershipState> membership_at(const Statuts& statuts, const std::vector<Tariff>& tariffs,
                                      const MemberDues& m, Date at) {
  for (std::size_t i = 0; i < m.payments.size(); ++i) {
    if (m.payments[i].amount_cents < 0) {
      return fail(ErrorCode::invalid_input, "montant de paiement négatif pour « " + m.id + " »",
                  "payments[" + std::to_string(i) + "].amount");
    }
  }
  MembershipState st;
  std::vector<Period> periods;
  std::map<int, std::int64_t> paid_by_year;
  std::int64_t pending = 0;
  if (statuts.period == MembershipPeriod::calendar_year) {
    auto p = calendar_periods(tariffs, m, paid_by_year);
    if (!p) return tl::unexpected(p.error());
    periods = std::move(*p);
  } else {
    auto p = rolling_periods(tariffs, m, pending);
    if (!p) return tl::unexpected(p.error());
    periods = std::move(*p);
  }
  // Periods come sorted by start. The one holding `at`, extended by contiguous later ones (an
  // advance renewal); else the last one that ended before `at`.
  std::optional<std::size_t> current;
  for (std::size_t i = 0; i < periods.size(); ++i) {
    if (!before(at, periods[i].start) && !before(periods[i].end, at)) current = i;
    if (before(periods[i].end, at)) st.paid_until = periods[i].end;
  }
  if (current) {
    st.status = MembershipStatus::a_jour;
    st.paid_until = periods[*current].end;
    for (std::size_t j = *current + 1; j < periods.size(); ++j) {
      if (!(periods[j].start == add_days(*st.paid_until, 1))) break;
      st.paid_until = periods[j].end;
    }
  } else if (st.paid_until) {
    st.status = MembershipStatus::echue;
  }
  // What is owed for the period in course (calendar: this year; rolling: the next 12 months).
  const int due_year = year_of(at);
  if (auto t = find_tariff(tariffs, due_year, m.college, m.profession)) {
    st.due_cents = t->amount_cents;
    if (statuts.period == MembershipPeriod::calendar_year) {
      auto it = paid_by_year.find(due_year);
      st.paid_cents = it == paid_by_year.end() ? 0 : it->second;
    } else {
      st.paid_cents = st.status == MembershipStatus::a_jour ? st.due_cents : pending;
    }
    if (st.status != MembershipStatus::a_jour && st.due_cents == 0 && !before(at, m.joined)) {
      st.status = MembershipStatus::a_jour;  // free membership: joining is enough
    }
  }
  if (m.radiated && !before(at, *m.radiated)) st.status = MembershipStatus::radiee;
  return st;
}

Result<std::vector<Reminder>> reminders(const Statuts& statuts, const std::vector<Tariff>& tariffs,
                                        const std::vector<MemberDues>& members, Date at,
                                        int within_days) {
  std::vector<Reminder> out;
  for (const auto& m : members) {
    auto st = membership_at(statuts, tariffs, m, at);
    if (!st) return tl::unexpected(st.error());
    Reminder r;
    r.member = m.id;
    r.state = *st;
    switch (st->status) {
      case MembershipStatus::radiee:
        continue;
      case MembershipStatus::echue:
        r.reason = ReminderReason::echue;
        r.message = "cotisation échue depuis le " + format_date_fr(*st->paid_until);
        break;
      case MembershipStatus::en_attente:
        r.reason = ReminderReason::en_attente;
        r.message = "cotisation en attente : " + format_euros(st->paid_cents) + " reçus sur " +
                    format_euros(st->due_cents);
        break;
      case MembershipStatus::a_jour:
        if (!st->paid_until || days_between(at, *st->paid_until) > within_days) continue;
        r.reason = ReminderReason::due_soon;
        r.message = "cotisation à renouveler avant le " + format_date_fr(*st->paid_until);
        break;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace maillage::association
