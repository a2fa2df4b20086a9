// Deliberately written the plain way (explicit loops over days and blocks) and independently of
// the solver's state machine: it is the reference the search is judged against.
#include "roster/checker.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

namespace maillage::roster {

const char* violation_name(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::shape: return "forme du planning";
    case ViolationKind::day_off: return "jour de repos imposé";
    case ViolationKind::unavailable: return "indisponibilité";
    case ViolationKind::max_shifts_per_type: return "maximum de postes par type";
    case ViolationKind::min_total_minutes: return "durée totale minimale";
    case ViolationKind::max_total_minutes: return "durée totale maximale";
    case ViolationKind::max_consecutive_shifts: return "postes consécutifs maximum";
    case ViolationKind::min_consecutive_shifts: return "postes consécutifs minimum";
    case ViolationKind::min_consecutive_days_off: return "repos consécutifs minimum";
    case ViolationKind::max_weekends: return "week-ends travaillés maximum";
    case ViolationKind::forbidden_succession: return "enchaînement interdit";
    case ViolationKind::rest_after_night: return "repos après une nuit";
    case ViolationKind::max_shifts_per_month: return "plafond mensuel";
  }
  return "?";
}

namespace {

int checker_weekday(const Model& m, int day) {
  int first = m.first_weekday;
  if (m.start_date) {
    const std::chrono::weekday wd{std::chrono::sys_days{*m.start_date}};
    first = static_cast<int>(wd.c_encoding() + 6) % 7;  // c_encoding: 0 = Sunday
  }
  return (first + day) % 7;
}

bool available(const Staff& p, int day, int shift) {
  if (std::find(p.days_off.begin(), p.days_off.end(), day) != p.days_off.end()) return false;
  if (p.availability.empty()) return true;
  for (const auto& w : p.availability) {
    if (day < w.first_day || day > w.last_day) continue;
    if (w.shifts.empty() || std::find(w.shifts.begin(), w.shifts.end(), shift) != w.shifts.end())
      return true;
  }
  return false;
}

bool available_some_shift(const Model& m, const Staff& p, int day) {
  for (int s = 0; s < static_cast<int>(m.shifts.size()); ++s)
    if (available(p, day, s)) return true;
  return false;
}

void check_row(const Model& m, int i, const std::vector<int>& row, std::vector<Violation>& out) {
  const Staff& p = m.staff[i];
  const int days = m.days;
  auto add = [&](ViolationKind k, int day, std::string what) {
    out.push_back({k, i, day, p.id + " : " + std::string(violation_name(k)) + " — " + what});
  };
  auto works = [&](int d) { return d >= 0 && d < days && row[d] != kOff; };

  std::vector<int> per_type(m.shifts.size(), 0);
  long long minutes = 0;
  for (int d = 0; d < days; ++d) {
    const int s = row[d];
    if (s == kOff) continue;
    ++per_type[s];
    minutes += m.shifts[s].minutes;
    if (std::find(p.days_off.begin(), p.days_off.end(), d) != p.days_off.end())
      add(ViolationKind::day_off, d, "travaille le jour " + std::to_string(d));
    else if (!available(p, d, s))
      add(ViolationKind::unavailable, d,
          "poste " + m.shifts[s].id + " le jour " + std::to_string(d) + " hors disponibilité");
    if (d + 1 < days && row[d + 1] != kOff) {
      const auto& fn = m.shifts[s].forbidden_next;
      if (std::find(fn.begin(), fn.end(), row[d + 1]) != fn.end())
        add(ViolationKind::forbidden_succession, d,
            m.shifts[s].id + " le jour " + std::to_string(d) + " puis " + m.shifts[row[d + 1]].id);
    }
    if (m.shifts[s].night)
      for (int e = d + 1; e <= std::min(days - 1, d + p.min_days_off_after_night); ++e)
        if (row[e] != kOff) {
          add(ViolationKind::rest_after_night, e,
              "travaille le jour " + std::to_string(e) + " après la nuit du jour " + std::to_string(d));
          break;
        }
  }
  if (!p.max_shifts_per_type.empty())
    for (std::size_t s = 0; s < per_type.size(); ++s)
      if (per_type[s] > p.max_shifts_per_type[s])
        add(ViolationKind::max_shifts_per_type, -1,
            std::to_string(per_type[s]) + " postes " + m.shifts[s].id + " pour " +
                std::to_string(p.max_shifts_per_type[s]) + " au plus");
  if (minutes < p.min_total_minutes)
    add(ViolationKind::min_total_minutes, -1,
        std::to_string(minutes) + " min pour " + std::to_string(p.min_total_minutes) + " au moins");
  if (minutes > p.max_total_minutes)
    add(ViolationKind::max_total_minutes, -1,
        std::to_string(minutes) + " min pour " + std::to_string(p.max_total_minutes) + " au plus");

  // Blocks of equal working status; those touching either end of the horizon are exempt from the
  // minimum lengths since they continue outside it.
  for (int a = 0; a < days;) {
    int b = a;
    while (b + 1 < days && works(b + 1) == works(a)) ++b;
    const int len = b - a + 1;
    const bool inner = a > 0 && b < days - 1;
    if (works(a)) {
      if (len > p.max_consecutive_shifts)
        add(ViolationKind::max_consecutive_shifts, a,
            std::to_string(len) + " jours de suite à partir du jour " + std::to_string(a));
      if (inner && len < p.min_consecutive_shifts)
        add(ViolationKind::min_consecutive_shifts, a,
            std::to_string(len) + " jour(s) travaillé(s) à partir du jour " + std::to_string(a));
    } else if (inner && len < p.min_consecutive_days_off) {
      add(ViolationKind::min_consecutive_days_off, a,
          std::to_string(len) + " jour(s) de repos à partir du jour " + std::to_string(a));
    }
    a = b + 1;
  }

  int weekends = 0;
  for (int d = 0; d + 1 < days; ++d)
    if (checker_weekday(m, d) == 5 && (works(d) || works(d + 1))) ++weekends;
  if (weekends > p.max_weekends)
    add(ViolationKind::max_weekends, -1,
        std::to_string(weekends) + " week-ends pour " + std::to_string(p.max_weekends) + " au plus");

  if (p.max_shifts_per_month != kNoLimit && m.start_date) {
    std::map<std::pair<int, unsigned>, int> per_month;
    for (int d = 0; d < days; ++d) {
      if (!works(d)) continue;
      const std::chrono::year_month_day date{std::chrono::sys_days{*m.start_date} + std::chrono::days{d}};
      ++per_month[{static_cast<int>(date.year()), static_cast<unsigned>(date.month())}];
    }
    for (const auto& [ym, n] : per_month)
      if (n > p.max_shifts_per_month)
        add(ViolationKind::max_shifts_per_month, -1,
            std::to_string(n) + " postes en " + std::to_string(ym.second) + "/" +
                std::to_string(ym.first) + " pour " + std::to_string(p.max_shifts_per_month) + " au plus");
  }
}

FairnessReport fairness_of(const Model& m, const Roster& r, std::int64_t& penalty) {
  FairnessReport rep;
  std::map<std::string, std::vector<int>> groups;
  for (int i = 0; i < static_cast<int>(m.staff.size()); ++i) {
    FairnessRow row;
    row.staff = i;
    long long minutes = 0;
    for (int d = 0; d < m.days; ++d) {
      if (available_some_shift(m, m.staff[i], d)) ++row.available_days;
      if (r[i][d] != kOff) minutes += m.shifts[r[i][d]].minutes;
    }
    row.hours = static_cast<double>(minutes) / 60.0;
    row.load = row.available_days > 0 ? row.hours / row.available_days : 0.0;
    if (row.available_days > 0) groups[m.staff[i].profession].push_back(i);
    rep.rows.push_back(row);
  }
  double sum = 0;
  for (const auto& [prof, members] : groups) {
    double hours = 0, avail = 0, sq = 0, lo = 1e300, hi = -1e300;
    for (int i : members) {
      const auto& row = rep.rows[i];
      hours += row.hours;
      avail += row.available_days;
      sq += row.hours * row.hours / row.available_days;
      lo = std::min(lo, row.load);
      hi = std::max(hi, row.load);
    }
    sum += sq - hours * hours / avail;
    rep.spread = std::max(rep.spread, hi - lo);
  }
  penalty = m.fairness_weight == 0 ? 0 : std::llround(m.fairness_weight * std::max(0.0, sum));
  return rep;
}

}  // namespace

CheckReport check(const Model& m, const Roster& roster) {
  CheckReport rep;
  const int n_shifts = static_cast<int>(m.shifts.size());
  bool shape_ok = roster.size() == m.staff.size();
  if (!shape_ok)
    rep.violations.push_back({ViolationKind::shape, -1, -1,
                              "le planning a " + std::to_string(roster.size()) + " lignes pour " +
                                  std::to_string(m.staff.size()) + " personnes"});
  for (std::size_t i = 0; shape_ok && i < roster.size(); ++i) {
    bool row_ok = static_cast<int>(roster[i].size()) == m.days;
    for (int s : roster[i]) row_ok = row_ok && (s == kOff || (s >= 0 && s < n_shifts));
    if (!row_ok) {
      rep.violations.push_back({ViolationKind::shape, static_cast<int>(i), -1,
                                m.staff[i].id + " : ligne de longueur ou de poste invalide"});
      shape_ok = false;
    }
  }
  if (!shape_ok) return rep;

  for (int i = 0; i < static_cast<int>(m.staff.size()); ++i) check_row(m, i, roster[i], rep.violations);

  auto& o = rep.objective;
  for (const auto& q : m.on_requests)
    if (roster[q.staff][q.day] != q.shift) o.on_requests += q.weight;
  for (const auto& q : m.off_requests) {
    const int s = roster[q.staff][q.day];
    if (s != kOff && (q.shift == kAnyShift || q.shift == s)) o.off_requests += q.weight;
  }
  for (const auto& c : m.cover) {
    std::int64_t n = 0;
    for (std::size_t i = 0; i < m.staff.size(); ++i)
      if (roster[i][c.day] == c.shift && (c.profession.empty() || c.profession == m.staff[i].profession)) ++n;
    if (n < c.requirement) o.under_cover += (c.requirement - n) * c.under_weight;
    if (n > c.requirement) o.over_cover += (n - c.requirement) * c.over_weight;
  }
  rep.fairness = fairness_of(m, roster, o.fairness);
  o.total = o.on_requests + o.off_requests + o.under_cover + o.over_cover + o.fairness;
  return rep;
}

}  // namespace maillage::roster
