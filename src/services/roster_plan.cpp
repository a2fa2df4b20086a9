#include "services/roster_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <set>

namespace maillage::services {

namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

const char* const kKinds[] = {"snp", "pdsa", "vaccination", "crise", "autre"};

bool parse_int(std::string_view s, int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

tl::unexpected<Error> bad(const std::string& field, std::string message) {
  return fail(ErrorCode::invalid_input, std::move(message), field);
}

// Key of a shift type: everything of a slot but its day, profession and count.
using ShiftKey = std::tuple<std::string, std::string, std::string, bool, std::string>;
ShiftKey shift_key(const PlanSlot& s) {
  return {s.start_time, s.end_time, s.kind, s.ends_next_day, s.label};
}

std::string shift_code(const PlanSlot& s) {
  std::string code = s.kind + " " + s.start_time + "-" + s.end_time;
  if (!s.label.empty()) code += " " + s.label;
  return code;
}

}  // namespace

const char* slot_wish_id(SlotWish w) {
  switch (w) {
    case SlotWish::available: return "disponible";
    case SlotWish::preferred: return "souhaite";
    case SlotWish::unavailable: return "indisponible";
  }
  return "disponible";
}

std::optional<SlotWish> slot_wish_from_id(std::string_view id) {
  if (id == "disponible") return SlotWish::available;
  if (id == "souhaite") return SlotWish::preferred;
  if (id == "indisponible") return SlotWish::unavailable;
  return std::nullopt;
}

std::optional<int> parse_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  if (!parse_int(text.substr(0, 4), y) || !parse_int(text.substr(5, 2), m) ||
      !parse_int(text.substr(8, 2), d)) {
    return std::nullopt;
  }
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || y < 2000 || y > 2100) return std::nullopt;
  return static_cast<int>(sys_days{ymd}.time_since_epoch().count());
}

std::string format_day(int days_since_epoch) {
  year_month_day ymd{sys_days{std::chrono::days{days_since_epoch}}};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

int weekday_of_day(int days_since_epoch) {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  return ((days_since_epoch % 7) + 7 + 3) % 7;
}

std::string french_long_date(std::string_view text) {
  static const char* const kDays[] = {"lundi", "mardi",    "mercredi", "jeudi",
                                      "vendredi", "samedi", "dimanche"};
  static const char* const kMonths[] = {"janvier", "février", "mars",      "avril",
                                        "mai",     "juin",    "juillet",   "août",
                                        "septembre", "octobre", "novembre", "décembre"};
  auto d = parse_day(text);
  if (!d) return std::string(text);
  year_month_day ymd{sys_days{std::chrono::days{*d}}};
  return fmt::format("{} {} {} {}", kDays[weekday_of_day(*d)], static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1],
                     static_cast<int>(ymd.year()));
}

std::optional<int> parse_time(std::string_view text, bool allow_24) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  int h = 0, m = 0;
  if (!parse_int(text.substr(0, 2), h) || !parse_int(text.substr(3, 2), m)) return std::nullopt;
  if (m < 0 || m > 59 || h < 0) return std::nullopt;
  if (h == 24 && m == 0 && allow_24) return 24 * 60;
  if (h > 23) return std::nullopt;
  return h * 60 + m;
}

int slot_minutes(const PlanSlot& slot) {
  auto a = parse_time(slot.start_time);
  auto b = parse_time(slot.end_time, true);
  if (!a || !b) return 0;
  return slot.ends_next_day ? (24 * 60 - *a) + *b : *b - *a;
}

Status validate_settings(const PlanSettings& s, const std::string& prefix) {
  auto first = parse_day(s.first_day);
  if (!first) return bad(prefix + "debut", "date invalide (attendu AAAA-MM-JJ) : " + s.first_day);
  auto last = parse_day(s.last_day);
  if (!last) return bad(prefix + "fin", "date invalide (attendu AAAA-MM-JJ) : " + s.last_day);
  if (*last < *first) return bad(prefix + "fin", "la fin de la période précède son début");
  if (*last - *first >= 366) return bad(prefix + "fin", "une campagne couvre au plus un an");
  if (s.fairness_weight < 0) return bad(prefix + "poids_equite", "le poids doit être positif ou nul");
  if (s.open_slot_weight < 0) {
    return bad(prefix + "poids_creneau_vide", "le poids doit être positif ou nul");
  }
  if (s.wish_weight < 0) return bad(prefix + "poids_souhait", "le poids doit être positif ou nul");
  if (s.rest_after_night_days < 0 || s.rest_after_night_days > 7) {
    return bad(prefix + "repos_apres_nuit", "le repos après une nuit va de 0 à 7 jours");
  }
  if (s.default_monthly_cap && *s.default_monthly_cap < 0) {
    return bad(prefix + "plafond_mensuel", "le plafond mensuel doit être positif ou nul");
  }
  return {};
}

Status validate_slot(const PlanSlot& slot, const PlanSettings& settings,
                     const std::string& prefix) {
  auto d = parse_day(slot.day);
  if (!d) return bad(prefix + ".date", "date invalide (attendu AAAA-MM-JJ) : " + slot.day);
  auto first = parse_day(settings.first_day);
  auto last = parse_day(settings.last_day);
  if (first && last && (*d < *first || *d > *last)) {
    return bad(prefix + ".date", fmt::format("le {} est hors de la période de la campagne ({} au {})",
                                             slot.day, settings.first_day, settings.last_day));
  }
  auto a = parse_time(slot.start_time);
  if (!a) return bad(prefix + ".debut", "heure invalide (attendu HH:MM) : " + slot.start_time);
  auto b = parse_time(slot.end_time, true);
  if (!b) return bad(prefix + ".fin", "heure invalide (attendu HH:MM) : " + slot.end_time);
  if (!slot.ends_next_day && *b <= *a) {
    return bad(prefix + ".fin",
               "la fin du créneau précède ou égale son début (cochez « finit le lendemain » "
               "pour un créneau de nuit)");
  }
  if (slot.ends_next_day && *b > *a) {
    return bad(prefix + ".fin", "un créneau qui finit le lendemain dure moins de 24 heures");
  }
  if (std::find(std::begin(kKinds), std::end(kKinds), slot.kind) == std::end(kKinds)) {
    return bad(prefix + ".type",
               "type inconnu : « " + slot.kind + " » (snp, pdsa, vaccination, crise ou autre)");
  }
  if (slot.profession.empty()) return bad(prefix + ".profession", "profession requise");
  if (slot.required < 1 || slot.required > 50) {
    return bad(prefix + ".nombre", "le nombre de personnes requises va de 1 à 50");
  }
  return {};
}

Result<MappedPlan> map_plan(const Plan& plan) {
  if (auto st = validate_settings(plan.settings, "$."); !st) return tl::unexpected(st.error());
  const int first = *parse_day(plan.settings.first_day);
  const int last = *parse_day(plan.settings.last_day);
  MappedPlan out;
  roster::Model& m = out.model;
  m.days = last - first + 1;
  m.start_date = year_month_day{sys_days{std::chrono::days{first}}};
  m.fairness_weight = plan.settings.fairness_weight;

  std::map<ShiftKey, int> shift_of;
  std::map<std::int64_t, std::size_t> slot_index;
  for (std::size_t i = 0; i < plan.slots.size(); ++i) {
    const PlanSlot& s = plan.slots[i];
    std::string prefix = fmt::format("$.creneaux[{}]", i);
    if (auto st = validate_slot(s, plan.settings, prefix); !st) return tl::unexpected(st.error());
    auto key = shift_key(s);
    auto [it, added] = shift_of.emplace(key, static_cast<int>(m.shifts.size()));
    if (added) {
      roster::ShiftType t;
      t.id = shift_code(s);
      t.minutes = slot_minutes(s);
      t.night = s.ends_next_day;
      m.shifts.push_back(std::move(t));
    }
    const int dayi = *parse_day(s.day) - first;
    if (!out.slot_at.emplace(std::tuple{dayi, it->second, s.profession}, s.id).second) {
      return bad(prefix, "créneau en double (même jour, horaires, type, lieu et profession)");
    }
    out.day_shift_of_slot[s.id] = {dayi, it->second};
    slot_index[s.id] = i;
    out.slot_of_cover.push_back(s.id);
    m.cover.push_back(roster::CoverRequirement{dayi, it->second, s.required,
                                               plan.settings.open_slot_weight,
                                               plan.settings.open_slot_weight, s.profession});
  }

  // Wishes per member and slot.
  std::map<std::pair<std::int64_t, std::int64_t>, SlotWish> wish;
  std::set<std::int64_t> member_ids;
  for (const auto& mem : plan.members) member_ids.insert(mem.id);
  for (std::size_t i = 0; i < plan.availability.size(); ++i) {
    const auto& a = plan.availability[i];
    if (!member_ids.count(a.member_id)) {
      return bad(fmt::format("$.disponibilites[{}].membre", i),
                 fmt::format("membre inconnu : {}", a.member_id));
    }
    if (!slot_index.count(a.slot_id)) {
      return bad(fmt::format("$.disponibilites[{}].creneau", i),
                 fmt::format("créneau inconnu : {}", a.slot_id));
    }
    wish[{a.member_id, a.slot_id}] = a.wish;
  }

  for (std::size_t k = 0; k < plan.members.size(); ++k) {
    const PlanMember& mem = plan.members[k];
    std::string prefix = fmt::format("$.membres[{}]", k);
    if (mem.profession.empty()) return bad(prefix + ".profession", "profession requise");
    roster::Staff st;
    st.id = mem.name;
    st.profession = mem.profession;
    auto cap = mem.monthly_cap ? mem.monthly_cap : plan.settings.default_monthly_cap;
    if (cap && *cap < 0) {
      return bad(prefix + ".plafond_mensuel", "le plafond mensuel doit être positif ou nul");
    }
    if (cap) st.max_shifts_per_month = *cap;
    st.min_days_off_after_night = plan.settings.rest_after_night_days;
    // Availability windows: one per day, listing the shift types of the slots of the member's
    // profession that they may take that day.
    std::map<int, std::vector<int>> by_day;
    for (const auto& s : plan.slots) {
      if (s.profession != mem.profession) continue;
      auto w = wish.find({mem.id, s.id});
      bool can = w == wish.end() ? plan.settings.silence_means_available
                                 : w->second != SlotWish::unavailable;
      if (!can) continue;
      auto [dayi, shift] = out.day_shift_of_slot[s.id];
      by_day[dayi].push_back(shift);
      if (w != wish.end() && w->second == SlotWish::preferred && plan.settings.wish_weight > 0) {
        m.on_requests.push_back(roster::ShiftRequest{static_cast<int>(k), dayi, shift,
                                                     plan.settings.wish_weight});
      }
    }
    if (by_day.empty()) {
      // Nobody may read "no window" as "always available": every day is a day off.
      for (int d = 0; d < m.days; ++d) st.days_off.push_back(d);
    } else {
      for (auto& [d, shifts] : by_day) {
        std::sort(shifts.begin(), shifts.end());
        st.availability.push_back(roster::AvailabilityWindow{d, d, shifts});
      }
    }
    out.staff_of_member[mem.id] = static_cast<int>(k);
    out.member_of_staff.push_back(mem.id);
    m.staff.push_back(std::move(st));
  }
  if (auto st = roster::validate(m); !st) return tl::unexpected(st.error());
  return out;
}

Result<std::vector<PlanAssignment>> assignments_of(const MappedPlan& mapped,
                                                    const roster::Roster& roster) {
  std::vector<PlanAssignment> out;
  if (roster.size() != mapped.member_of_staff.size()) {
    return fail(ErrorCode::internal, "roster shape differs from the model");
  }
  for (std::size_t i = 0; i < roster.size(); ++i) {
    for (std::size_t d = 0; d < roster[i].size(); ++d) {
      int shift = roster[i][d];
      if (shift == roster::kOff) continue;
      auto it = mapped.slot_at.find(
          {static_cast<int>(d), shift, mapped.model.staff[i].profession});
      if (it == mapped.slot_at.end()) {
        return fail(ErrorCode::internal,
                    fmt::format("roster puts {} on a shift without a slot of their profession",
                                mapped.model.staff[i].id));
      }
      out.push_back({it->second, mapped.member_of_staff[i]});
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

PlanCheck check_plan(const MappedPlan& mapped, const Plan& plan,
                     const std::vector<PlanAssignment>& assignments) {
  PlanCheck out;
  const roster::Model& m = mapped.model;
  const int first = *parse_day(plan.settings.first_day);
  roster::Roster r(m.staff.size(), std::vector<int>(m.days, roster::kOff));
  for (const auto& a : assignments) {
    auto staff = mapped.staff_of_member.find(a.member_id);
    auto slot = mapped.day_shift_of_slot.find(a.slot_id);
    if (staff == mapped.staff_of_member.end()) {
      out.violations.push_back({a.member_id, "", "membre inconnu",
                                fmt::format("Le membre {} n'est pas invité à cette campagne.",
                                            a.member_id)});
      continue;
    }
    if (slot == mapped.day_shift_of_slot.end()) {
      out.violations.push_back({a.member_id, "", "créneau inconnu",
                                fmt::format("Le créneau {} n'existe pas dans cette campagne.",
                                            a.slot_id)});
      continue;
    }
    auto [dayi, shift] = slot->second;
    const std::string day = format_day(first + dayi);
    const auto& staff_row = m.staff[staff->second];
    auto at = mapped.slot_at.find({dayi, shift, staff_row.profession});
    if (at == mapped.slot_at.end() || at->second != a.slot_id) {
      out.violations.push_back(
          {a.member_id, day, "profession",
           fmt::format("{} ({}) ne peut pas tenir un créneau d'une autre profession le {}.",
                       staff_row.id, staff_row.profession, french_long_date(day))});
      continue;
    }
    int& cell = r[staff->second][dayi];
    if (cell != roster::kOff) {
      out.violations.push_back(
          {a.member_id, day, "un créneau par jour",
           fmt::format("{} a déjà un créneau le {}.", staff_row.id, french_long_date(day))});
      continue;
    }
    cell = shift;
  }
  roster::CheckReport rep = roster::check(m, r);
  for (const auto& v : rep.violations) {
    std::int64_t member = v.staff >= 0 && v.staff < static_cast<int>(mapped.member_of_staff.size())
                              ? mapped.member_of_staff[v.staff]
                              : 0;
    out.violations.push_back({member, v.day >= 0 ? format_day(first + v.day) : "",
                              roster::violation_name(v.kind), v.message});
  }
  out.objective = rep.objective;
  out.spread = rep.fairness.spread;
  std::map<int, const roster::FairnessRow*> row_of;
  for (const auto& row : rep.fairness.rows) row_of[row.staff] = &row;
  for (std::size_t i = 0; i < m.staff.size(); ++i) {
    MemberLoad l;
    l.member_id = mapped.member_of_staff[i];
    for (int d = 0; d < m.days; ++d) l.assigned += r[i][d] != roster::kOff ? 1 : 0;
    if (auto it = row_of.find(static_cast<int>(i)); it != row_of.end()) {
      l.available_days = it->second->available_days;
      l.hours = it->second->hours;
      l.load = it->second->load;
    }
    out.loads.push_back(l);
  }
  // Open slots: fewer people than required.
  std::map<std::int64_t, int> count;
  for (const auto& a : assignments) ++count[a.slot_id];
  for (const auto& s : plan.slots) {
    int n = count[s.id];
    if (n < s.required) {
      out.open.push_back({s.id, s.required - n, "",
                          fmt::format("{} personne(s) manquante(s)", s.required - n)});
    }
  }
  return out;
}

std::vector<OpenSlotInfo> open_slots_of(const MappedPlan& mapped,
                                        const std::vector<roster::OpenSlot>& open) {
  std::vector<OpenSlotInfo> out;
  for (const auto& o : open) {
    if (o.cover < 0 || o.cover >= static_cast<int>(mapped.slot_of_cover.size())) continue;
    std::string why = o.explanation;
    if (why.empty()) {
      switch (o.reason) {
        case roster::OpenReason::no_one_qualified: why = "personne de cette profession"; break;
        case roster::OpenReason::no_one_available: why = "personne n'est disponible"; break;
        case roster::OpenReason::limits_reached:
          why = "les disponibles ont atteint leurs limites (plafond, repos)";
          break;
        case roster::OpenReason::busy_elsewhere:
          why = "les disponibles tiennent déjà un autre créneau ce jour-là";
          break;
        case roster::OpenReason::cost_trade_off: why = "arbitrage du solveur"; break;
      }
    }
    out.push_back({mapped.slot_of_cover[o.cover], o.missing, roster::open_reason_name(o.reason),
                   std::move(why)});
  }
  return out;
}

}  // namespace maillage::services
