// Crisis mode engine (crisis.hpp): the plan's slots, its grid question, answers → availabilities,
// coverage.
#include "survey/crisis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "common/dates.hpp"

namespace maillage::crisis {

namespace {

// Minutes since midnight of "HH:MM"; "24:00" only as an end.
std::optional<int> minutes(const std::string& t, bool end) {
  if (t.size() != 5 || t[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4}) {
    if (t[static_cast<std::size_t>(i)] < '0' || t[static_cast<std::size_t>(i)] > '9') {
      return std::nullopt;
    }
  }
  const int h = (t[0] - '0') * 10 + (t[1] - '0');
  const int m = (t[3] - '0') * 10 + (t[4] - '0');
  if (m > 59) return std::nullopt;
  if (h == 24 && m == 0 && end) return 24 * 60;
  if (h > 23) return std::nullopt;
  return h * 60 + m;
}

survey::Problem problem(std::string field, std::string message) {
  return {std::move(field), std::move(message)};
}

}  // namespace

std::vector<survey::Problem> check_plan(const Plan& plan) {
  std::vector<survey::Problem> out;
  const auto first = parse_date(plan.first_day);
  const auto last = parse_date(plan.last_day);
  if (!first) out.push_back(problem("first_day", "Date de début attendue au format AAAA-MM-JJ."));
  if (!last) out.push_back(problem("last_day", "Date de fin attendue au format AAAA-MM-JJ."));
  if (first && last) {
    const auto span = days_between(*first, *last);
    if (span < 0) {
      out.push_back(problem("last_day", "La fin de la période précède son début."));
    } else if (plan.days.empty() && span + 1 > static_cast<std::int64_t>(survey::kMaxDays)) {
      out.push_back(problem("last_day",
                            fmt::format("Au plus {} jours : choisissez les jours de la période.",
                                        survey::kMaxDays)));
    }
  }
  std::set<std::string> seen_days;
  for (std::size_t i = 0; i < plan.days.size(); ++i) {
    const auto d = parse_date(plan.days[i]);
    const std::string field = fmt::format("days[{}]", i);
    if (!d) {
      out.push_back(problem(field, "Jour attendu au format AAAA-MM-JJ."));
    } else if (first && last && (*d < *first || *last < *d)) {
      out.push_back(problem(field, "Ce jour est hors de la période."));
    } else if (!seen_days.insert(plan.days[i]).second) {
      out.push_back(problem(field, "Ce jour est déjà choisi."));
    }
  }
  if (plan.days.size() > survey::kMaxDays) {
    out.push_back(problem("days", fmt::format("Au plus {} jours.", survey::kMaxDays)));
  }
  if (plan.windows.empty()) {
    out.push_back(problem("windows", "Indiquez au moins une plage horaire à couvrir."));
  } else if (plan.windows.size() > survey::kMaxSlots) {
    out.push_back(problem("windows", fmt::format("Au plus {} plages horaires.", survey::kMaxSlots)));
  }
  bool windows_ok = true;
  for (std::size_t i = 0; i < plan.windows.size(); ++i) {
    const auto& w = plan.windows[i];
    const auto s = minutes(w.start, false);
    const auto e = minutes(w.end, true);
    if (!s) {
      out.push_back(problem(fmt::format("windows[{}].start", i), "Heure HH:MM attendue."));
      windows_ok = false;
    }
    if (!e) {
      out.push_back(problem(fmt::format("windows[{}].end", i), "Heure HH:MM attendue."));
      windows_ok = false;
    } else if (s && *e <= *s) {
      out.push_back(
          problem(fmt::format("windows[{}].end", i), "La fin doit suivre le début, le même jour."));
      windows_ok = false;
    }
    if (w.need < 1 || w.need > kMaxNeed) {
      out.push_back(problem(fmt::format("windows[{}].need", i),
                            fmt::format("De 1 à {} professionnels par créneau.", kMaxNeed)));
    }
  }
  if (windows_ok && plan.windows.size() > 1) {
    auto sorted = plan.windows;
    std::sort(sorted.begin(), sorted.end(),
              [](const Window& a, const Window& b) { return a.start < b.start; });
    for (std::size_t i = 1; i < sorted.size(); ++i) {
      if (sorted[i].start < sorted[i - 1].end) {
        out.push_back(problem("windows", fmt::format("Les plages {} et {} se chevauchent.",
                                                     window_label(sorted[i - 1]),
                                                     window_label(sorted[i]))));
        break;
      }
    }
  }
  return out;
}

std::vector<std::string> days_of(const Plan& plan) {
  std::vector<std::string> out;
  if (!plan.days.empty()) {
    out = plan.days;
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  const auto first = parse_date(plan.first_day);
  const auto last = parse_date(plan.last_day);
  if (!first || !last) return out;
  for (Date d = *first; !(*last < d) && out.size() < survey::kMaxDays; d = add_days(d, 1)) {
    out.push_back(format_date(d));
  }
  return out;
}

std::vector<Window> windows_of(const Plan& plan) {
  auto out = plan.windows;
  std::stable_sort(out.begin(), out.end(),
                   [](const Window& a, const Window& b) { return a.start < b.start; });
  return out;
}

std::vector<Slot> slots_of(const Plan& plan) {
  std::vector<Slot> out;
  const auto days = days_of(plan);
  const auto windows = windows_of(plan);
  for (std::size_t d = 0; d < days.size(); ++d) {
    for (std::size_t w = 0; w < windows.size(); ++w) {
      out.push_back({days[d], windows[w].start, windows[w].end, windows[w].need,
                     static_cast<int>(d), static_cast<int>(w)});
    }
  }
  return out;
}

std::string day_label(const std::string& day) {
  static constexpr const char* kDays[] = {"dimanche", "lundi",    "mardi", "mercredi",
                                          "jeudi",    "vendredi", "samedi"};
  static constexpr const char* kMonths[] = {"janvier", "février", "mars",      "avril",
                                            "mai",     "juin",    "juillet",   "août",
                                            "septembre", "octobre", "novembre", "décembre"};
  const auto d = parse_date(day);
  if (!d) return day;
  const std::chrono::weekday wd{std::chrono::sys_days{*d}};
  return fmt::format("{} {} {}", kDays[wd.c_encoding()], unsigned(d->day()),
                     kMonths[unsigned(d->month()) - 1]);
}

std::string window_label(const Window& w) { return w.start + "\u2013" + w.end; }

survey::Question grid_question(const Plan& plan, std::string id, std::string label) {
  survey::Question q = survey::make_question(std::move(id), survey::Kind::grid, std::move(label),
                                             true);
  for (const auto& d : days_of(plan)) q.days.push_back(day_label(d));
  for (const auto& w : windows_of(plan)) q.slots.push_back(window_label(w));
  q.help = "Cochez chaque créneau où vous pouvez assurer la permanence.";
  return q;
}

Mapping map_answers(const Plan& plan, const std::vector<Respondent>& respondents) {
  Mapping out;
  const int days = static_cast<int>(days_of(plan).size());
  const int windows = static_cast<int>(plan.windows.size());
  std::set<Availability> found;
  for (const auto& r : respondents) {
    bool any = false;
    for (const auto& c : r.cells) {
      if (c.day < 0 || c.day >= days || c.slot < 0 || c.slot >= windows) {
        out.outside.emplace_back(r.id, c);
        continue;
      }
      found.insert({r.id, c.day * windows + c.slot});
      any = true;
    }
    if (!any) out.without_availability.push_back(r.id);
  }
  out.availabilities.assign(found.begin(), found.end());
  return out;
}

Coverage coverage(const std::vector<Slot>& slots, const std::vector<Availability>& availabilities,
                  const std::vector<Assignment>& assignments) {
  Coverage out;
  const int n = static_cast<int>(slots.size());
  std::vector<std::set<std::int64_t>> available(slots.size()), assigned(slots.size());
  for (const auto& a : availabilities) {
    if (a.slot >= 0 && a.slot < n) available[static_cast<std::size_t>(a.slot)].insert(a.respondent);
  }
  for (const auto& a : assignments) {
    if (a.slot >= 0 && a.slot < n) assigned[static_cast<std::size_t>(a.slot)].insert(a.person);
  }
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    SlotCoverage c;
    c.slot = i;
    c.need = slots[k].need;
    c.available = static_cast<int>(available[k].size());
    c.assigned = static_cast<int>(assigned[k].size());
    c.gap = std::max(0, c.need - c.assigned);
    c.shortfall = std::max(0, c.need - c.available);
    for (auto p : assigned[k]) {
      if (!available[k].count(p)) ++c.unavailable_assigned;
    }
    out.need += c.need;
    out.assigned += std::min(c.assigned, c.need);
    out.gap += c.gap;
    (c.gap == 0 ? out.covered_slots : out.uncovered_slots) += 1;
    if (c.shortfall > 0) ++out.short_slots;
    out.slots.push_back(c);
  }
  return out;
}

}  // namespace maillage::crisis
