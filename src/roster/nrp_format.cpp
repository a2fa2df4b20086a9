#include "roster/nrp_format.hpp"

#include <charconv>
#include <unordered_map>
#include <vector>

namespace maillage::roster {

namespace {

constexpr int kMaxDays = 3660;
constexpr int kMaxWeight = 1'000'000;
constexpr int kMaxMinutes = 3660 * 24 * 60;
constexpr int kMaxCount = 100'000;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(trim(s.substr(start)));
      return out;
    }
    out.push_back(trim(s.substr(start, pos - start)));
    start = pos + 1;
  }
}

struct Line {
  std::int64_t number;
  std::string_view text;
};

// Parser state shared by the section readers; `err` builds errors at the current line.
class NrpParser {
 public:
  NrpParser(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  Result<Model> run();

 private:
  tl::unexpected<Error> err(std::int64_t line, std::string field, std::string message) const {
    return fail_at(std::string(file_), line, std::move(field), std::move(message));
  }
  Result<int> integer(const Line& l, std::string_view value, const std::string& field, int lo,
                      int hi) const {
    int v = 0;
    const auto* first = value.data();
    const auto* last = value.data() + value.size();
    if (value.empty()) return err(l.number, field, "valeur manquante");
    auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec == std::errc::result_out_of_range || (ec == std::errc{} && ptr == last && (v < lo || v > hi)))
      return err(l.number, field,
                 "« " + std::string(value) + " » hors limites (" + std::to_string(lo) + " à " +
                     std::to_string(hi) + ")");
    if (ec != std::errc{} || ptr != last)
      return err(l.number, field, "« " + std::string(value) + " » n'est pas un entier");
    return v;
  }
  Result<int> shift_index(const Line& l, std::string_view id, const std::string& field) const {
    auto it = shift_by_id_.find(std::string(id));
    if (it == shift_by_id_.end())
      return err(l.number, field, "poste « " + std::string(id) + " » inconnu");
    return it->second;
  }
  Result<int> staff_index(const Line& l, std::string_view id, const std::string& field) const {
    auto it = staff_by_id_.find(std::string(id));
    if (it == staff_by_id_.end())
      return err(l.number, field, "personne « " + std::string(id) + " » inconnue");
    return it->second;
  }

  Status horizon(const std::vector<Line>& lines, std::int64_t header);
  Status shifts(const std::vector<Line>& lines, std::int64_t header);
  Status staff(const std::vector<Line>& lines);
  Status days_off(const std::vector<Line>& lines);
  Status requests(const std::vector<Line>& lines, bool on);
  Status cover(const std::vector<Line>& lines);

  std::string_view text_;
  std::string_view file_;
  Model model_;
  std::unordered_map<std::string, int> shift_by_id_;
  std::unordered_map<std::string, int> staff_by_id_;
};

Result<Model> NrpParser::run() {
  // Split into sections first: each section is its header line and the data lines up to the next
  // header. Comment and blank lines carry no data.
  struct Section {
    std::string name;
    std::int64_t header_line;
    std::vector<Line> lines;
  };
  std::vector<Section> sections;
  std::int64_t number = 0;
  std::size_t pos = 0;
  while (pos <= text_.size()) {
    std::size_t end = text_.find('\n', pos);
    if (end == std::string_view::npos) end = text_.size();
    const std::string_view raw = trim(text_.substr(pos, end - pos));
    ++number;
    pos = end + 1;
    if (raw.empty() || raw.front() == '#') continue;
    if (raw.starts_with("SECTION_")) {
      sections.push_back({std::string(raw), number, {}});
      continue;
    }
    if (sections.empty()) return err(number, "", "donnée en dehors de toute section SECTION_…");
    sections.back().lines.push_back({number, raw});
  }
  const char* order[] = {"SECTION_HORIZON",           "SECTION_SHIFTS",
                         "SECTION_STAFF",             "SECTION_DAYS_OFF",
                         "SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS",
                         "SECTION_COVER"};
  std::size_t next = 0;
  for (const auto& sec : sections) {
    std::size_t idx = 0;
    while (idx < 7 && sec.name != order[idx]) ++idx;
    if (idx == 7) return err(sec.header_line, sec.name, "section inconnue");
    // Sections refer to earlier ones (staff to shifts, requests to staff), so the order is fixed.
    if (idx < next)
      return err(sec.header_line, sec.name, "section en double ou hors d'ordre");
    if (next < 3 && idx != next)
      return err(sec.header_line, sec.name, std::string(order[next]) + " attendue avant " + sec.name);
    next = idx + 1;
    Status st;
    switch (idx) {
      case 0: st = horizon(sec.lines, sec.header_line); break;
      case 1: st = shifts(sec.lines, sec.header_line); break;
      case 2: st = staff(sec.lines); break;
      case 3: st = days_off(sec.lines); break;
      case 4: st = requests(sec.lines, true); break;
      case 5: st = requests(sec.lines, false); break;
      default: st = cover(sec.lines); break;
    }
    if (!st) return tl::unexpected(st.error());
  }
  if (next < 3) return err(number, "", "sections SECTION_HORIZON, SECTION_SHIFTS et SECTION_STAFF requises");
  // The line-level checks above are the ones users see; this is a last guard for the invariants
  // the engine relies on.
  if (auto st = validate(model_); !st) {
    Error e = st.error();
    e.file = std::string(file_);
    return tl::unexpected(e);
  }
  return std::move(model_);
}

Status NrpParser::horizon(const std::vector<Line>& lines, std::int64_t header) {
  if (lines.size() != 1) return err(header, "SECTION_HORIZON", "une seule ligne attendue : le nombre de jours");
  auto days = integer(lines[0], lines[0].text, "SECTION_HORIZON: jours", 1, kMaxDays);
  if (!days) return tl::unexpected(days.error());
  model_.days = *days;
  model_.first_weekday = 0;  // the benchmark's horizons all start on a Monday
  return {};
}

Status NrpParser::shifts(const std::vector<Line>& lines, std::int64_t header) {
  if (lines.empty()) return err(header, "SECTION_SHIFTS", "aucun poste défini");
  std::vector<std::pair<Line, std::string_view>> successors;
  for (const auto& l : lines) {
    auto f = split(l.text, ',');
    if (f.size() < 2 || f.size() > 3)
      return err(l.number, "SECTION_SHIFTS", "attendu : ID, durée en minutes, postes interdits ensuite");
    if (f[0].empty()) return err(l.number, "SECTION_SHIFTS: ShiftID", "identifiant vide");
    if (shift_by_id_.count(std::string(f[0])))
      return err(l.number, "SECTION_SHIFTS: ShiftID", "poste « " + std::string(f[0]) + " » en double");
    auto minutes = integer(l, f[1], "SECTION_SHIFTS: Length", 1, 24 * 60);
    if (!minutes) {
      Error e = minutes.error();
      e.message += " : un poste ne peut pas durer plus d'une journée (1440 minutes)";
      return tl::unexpected(e);
    }
    shift_by_id_.emplace(std::string(f[0]), static_cast<int>(model_.shifts.size()));
    model_.shifts.push_back({std::string(f[0]), *minutes, {}, false});
    successors.emplace_back(l, f.size() == 3 ? f[2] : std::string_view{});
  }
  // Successor lists may name shifts defined further down, so they are resolved afterwards.
  for (std::size_t i = 0; i < successors.size(); ++i) {
    const auto& [l, list] = successors[i];
    if (list.empty()) continue;
    for (auto id : split(list, '|')) {
      if (id.empty()) continue;
      auto s = shift_index(l, id, "SECTION_SHIFTS: cannot follow");
      if (!s) return tl::unexpected(s.error());
      model_.shifts[i].forbidden_next.push_back(*s);
    }
  }
  return {};
}

Status NrpParser::staff(const std::vector<Line>& lines) {
  const int n_shifts = static_cast<int>(model_.shifts.size());
  for (const auto& l : lines) {
    auto f = split(l.text, ',');
    if (f.size() != 8)
      return err(l.number, "SECTION_STAFF",
                 "8 champs attendus : ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, "
                 "MaxConsecutiveShifts, MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends");
    if (f[0].empty()) return err(l.number, "SECTION_STAFF: ID", "identifiant vide");
    if (staff_by_id_.count(std::string(f[0])))
      return err(l.number, "SECTION_STAFF: ID", "personne « " + std::string(f[0]) + " » en double");
    Staff p;
    p.id = std::string(f[0]);
    p.max_shifts_per_type.assign(n_shifts, kNoLimit);
    if (!f[1].empty()) {
      for (auto part : split(f[1], '|')) {
        const auto eq = part.find('=');
        if (eq == std::string_view::npos)
          return err(l.number, "SECTION_STAFF: MaxShifts", "attendu : POSTE=nombre");
        auto s = shift_index(l, trim(part.substr(0, eq)), "SECTION_STAFF: MaxShifts");
        if (!s) return tl::unexpected(s.error());
        auto m = integer(l, trim(part.substr(eq + 1)), "SECTION_STAFF: MaxShifts", 0, kMaxCount);
        if (!m) return tl::unexpected(m.error());
        p.max_shifts_per_type[*s] = *m;
      }
    }
    const char* names[] = {"MaxTotalMinutes", "MinTotalMinutes", "MaxConsecutiveShifts",
                           "MinConsecutiveShifts", "MinConsecutiveDaysOff", "MaxWeekends"};
    int v[6];
    for (int k = 0; k < 6; ++k) {
      const int hi = k < 2 ? kMaxMinutes : kMaxCount;
      auto x = integer(l, f[2 + k], std::string("SECTION_STAFF: ") + names[k], 0, hi);
      if (!x) return tl::unexpected(x.error());
      v[k] = *x;
    }
    p.max_total_minutes = v[0];
    p.min_total_minutes = v[1];
    if (p.min_total_minutes > p.max_total_minutes)
      return err(l.number, "SECTION_STAFF: MinTotalMinutes", "supérieur à MaxTotalMinutes");
    if (v[2] < 1) return err(l.number, "SECTION_STAFF: MaxConsecutiveShifts", "doit valoir au moins 1");
    p.max_consecutive_shifts = v[2];
    // A minimum of 0 means "no minimum", which is a minimum of 1 in our model.
    p.min_consecutive_shifts = std::max(1, v[3]);
    if (p.min_consecutive_shifts > p.max_consecutive_shifts)
      return err(l.number, "SECTION_STAFF: MinConsecutiveShifts", "supérieur à MaxConsecutiveShifts");
    p.min_consecutive_days_off = std::max(1, v[4]);
    p.max_weekends = v[5];
    staff_by_id_.emplace(p.id, static_cast<int>(model_.staff.size()));
    model_.staff.push_back(std::move(p));
  }
  return {};
}

Status NrpParser::days_off(const std::vector<Line>& lines) {
  for (const auto& l : lines) {
    auto f = split(l.text, ',');
    auto who = staff_index(l, f[0], "SECTION_DAYS_OFF: EmployeeID");
    if (!who) return tl::unexpected(who.error());
    for (std::size_t k = 1; k < f.size(); ++k) {
      if (f[k].empty()) continue;
      auto d = integer(l, f[k], "SECTION_DAYS_OFF: DayIndexes", 0, model_.days - 1);
      if (!d) return tl::unexpected(d.error());
      model_.staff[*who].days_off.push_back(*d);
    }
  }
  return {};
}

Status NrpParser::requests(const std::vector<Line>& lines, bool on) {
  const std::string sec = on ? "SECTION_SHIFT_ON_REQUESTS" : "SECTION_SHIFT_OFF_REQUESTS";
  for (const auto& l : lines) {
    auto f = split(l.text, ',');
    if (f.size() != 4) return err(l.number, sec, "4 champs attendus : EmployeeID, Day, ShiftID, Weight");
    auto who = staff_index(l, f[0], sec + ": EmployeeID");
    if (!who) return tl::unexpected(who.error());
    auto d = integer(l, f[1], sec + ": Day", 0, model_.days - 1);
    if (!d) return tl::unexpected(d.error());
    auto s = shift_index(l, f[2], sec + ": ShiftID");
    if (!s) return tl::unexpected(s.error());
    auto w = integer(l, f[3], sec + ": Weight", 0, kMaxWeight);
    if (!w) return tl::unexpected(w.error());
    (on ? model_.on_requests : model_.off_requests).push_back({*who, *d, *s, *w});
  }
  return {};
}

Status NrpParser::cover(const std::vector<Line>& lines) {
  const std::string sec = "SECTION_COVER";
  for (const auto& l : lines) {
    auto f = split(l.text, ',');
    if (f.size() != 5)
      return err(l.number, sec, "5 champs attendus : Day, ShiftID, Requirement, Weight for under, Weight for over");
    auto d = integer(l, f[0], sec + ": Day", 0, model_.days - 1);
    if (!d) return tl::unexpected(d.error());
    auto s = shift_index(l, f[1], sec + ": ShiftID");
    if (!s) return tl::unexpected(s.error());
    auto req = integer(l, f[2], sec + ": Requirement", 0, kMaxCount);
    if (!req) return tl::unexpected(req.error());
    auto under = integer(l, f[3], sec + ": Weight for under", 0, kMaxWeight);
    if (!under) return tl::unexpected(under.error());
    auto over = integer(l, f[4], sec + ": Weight for over", 0, kMaxWeight);
    if (!over) return tl::unexpected(over.error());
    model_.cover.push_back({*d, *s, *req, *under, *over, {}});
  }
  return {};
}

}  // namespace

Result<Model> parse_nrp(std::string_view text, std::string_view file_name) {
  return NrpParser(text, file_name).run();
}

std::string format_roster(const Model& model, const Roster& roster) {
  std::string out;
  for (std::size_t i = 0; i < model.staff.size(); ++i) {
    out += model.staff[i].id;
    for (int d = 0; d < model.days; ++d) {
      out += ',';
      const int s = i < roster.size() && d < static_cast<int>(roster[i].size()) ? roster[i][d] : kOff;
      if (s >= 0 && s < static_cast<int>(model.shifts.size())) out += model.shifts[s].id;
    }
    out += '\n';
  }
  return out;
}

Result<Roster> parse_roster(const Model& model, std::string_view text, std::string_view file_name) {
  const std::string file(file_name);
  std::unordered_map<std::string, int> staff_by_id, shift_by_id;
  for (std::size_t i = 0; i < model.staff.size(); ++i) staff_by_id.emplace(model.staff[i].id, static_cast<int>(i));
  for (std::size_t s = 0; s < model.shifts.size(); ++s) shift_by_id.emplace(model.shifts[s].id, static_cast<int>(s));
  Roster roster(model.staff.size(), std::vector<int>(model.days, kOff));
  std::vector<bool> seen(model.staff.size(), false);
  std::int64_t number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = trim(text.substr(pos, end - pos));
    ++number;
    pos = end + 1;
    if (raw.empty() || raw.front() == '#') continue;
    auto f = split(raw, ',');
    auto who = staff_by_id.find(std::string(f[0]));
    if (who == staff_by_id.end())
      return fail_at(file, number, "staff", "personne « " + std::string(f[0]) + " » inconnue du modèle");
    if (seen[who->second])
      return fail_at(file, number, "staff", "personne « " + std::string(f[0]) + " » en double");
    seen[who->second] = true;
    if (static_cast<int>(f.size()) != model.days + 1)
      return fail_at(file, number, "days",
                     std::to_string(model.days) + " jours attendus, " + std::to_string(f.size() - 1) + " trouvés");
    for (int d = 0; d < model.days; ++d) {
      const auto id = f[d + 1];
      if (id.empty()) continue;
      auto s = shift_by_id.find(std::string(id));
      if (s == shift_by_id.end())
        return fail_at(file, number, "jour " + std::to_string(d), "poste « " + std::string(id) + " » inconnu");
      roster[who->second][d] = s->second;
    }
  }
  for (std::size_t i = 0; i < seen.size(); ++i)
    if (!seen[i])
      return fail_at(file, number, "staff", "aucune ligne pour « " + model.staff[i].id + " »");
  return roster;
}

}  // namespace maillage::roster
