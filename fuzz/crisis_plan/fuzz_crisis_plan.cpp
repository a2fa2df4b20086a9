// libFuzzer target for crisis mode (src/survey/crisis): the input is a plan as lines ("debut=",
// "fin=", "jour=", "plage=HH:MM HH:MM N") then answers ("case=R day.window") and assignments
// ("affecte=P slot"). Invariants: no crash; a plan check_plan accepts gives at most 14 days and 12
// windows, slots = days × windows with slot index = day × windows + window, and a grid question
// the survey engine accepts with one cell per slot; every respondent is mapped or reported; the
// coverage keeps need = assigned + gap, gap ≥ 0, shortfall ≥ 0, and one line per slot.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "survey/crisis.hpp"

using namespace maillage;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

int number(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
    if (v > 100000) return -1;
  }
  return s.empty() ? -1 : v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  crisis::Plan plan;
  std::map<std::int64_t, std::vector<survey::Cell>> cells;
  std::vector<crisis::Assignment> assignments;
  std::size_t start = 0;
  while (start <= input.size()) {
    auto end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view line = input.substr(start, end - start);
    start = end + 1;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "debut") plan.first_day = std::string(value);
    if (key == "fin") plan.last_day = std::string(value);
    if (key == "jour" && plan.days.size() < 40) plan.days.emplace_back(value);
    if (key == "plage" && plan.windows.size() < 40) {
      const auto a = value.find(' '), b = value.rfind(' ');
      if (a == std::string_view::npos || b == a) continue;
      plan.windows.push_back({std::string(value.substr(0, a)), std::string(value.substr(a + 1, b - a - 1)),
                              number(value.substr(b + 1))});
    }
    if (key == "case" || key == "affecte") {
      const auto sp = value.find(' ');
      if (sp == std::string_view::npos) continue;
      const int who = number(value.substr(0, sp));
      const std::string_view rest = value.substr(sp + 1);
      if (who < 0) continue;
      if (key == "affecte") {
        assignments.push_back({who, number(rest)});
      } else {
        const auto dot = rest.find('.');
        if (dot == std::string_view::npos) continue;
        cells[who].push_back({number(rest.substr(0, dot)), number(rest.substr(dot + 1))});
      }
    }
  }
  if (!crisis::check_plan(plan).empty()) return 0;
  const auto days = crisis::days_of(plan);
  const auto windows = crisis::windows_of(plan);
  check(!days.empty() && days.size() <= survey::kMaxDays);
  check(!windows.empty() && windows.size() <= survey::kMaxSlots);
  const auto slots = crisis::slots_of(plan);
  check(slots.size() == days.size() * windows.size());
  for (std::size_t i = 0; i < slots.size(); ++i) {
    check(static_cast<std::size_t>(slots[i].day_index) * windows.size() +
              static_cast<std::size_t>(slots[i].window_index) ==
          i);
    check(slots[i].need >= 1 && slots[i].need <= crisis::kMaxNeed);
  }
  survey::Questionnaire q;
  q.questions = {crisis::grid_question(plan, "disponibilites", "Vos disponibilités")};
  check(survey::check_questionnaire(q).empty());
  check(q.questions[0].days.size() * q.questions[0].slots.size() == slots.size());

  std::vector<crisis::Respondent> respondents;
  for (auto& [id, c] : cells) respondents.push_back({id, c});
  const auto m = crisis::map_answers(plan, respondents);
  for (const auto& r : respondents) {
    bool mapped = false;
    for (const auto& a : m.availabilities) mapped = mapped || a.respondent == r.id;
    bool reported = false;
    for (auto x : m.without_availability) reported = reported || x == r.id;
    check(mapped != reported);
  }
  for (const auto& a : m.availabilities) {
    check(a.slot >= 0 && static_cast<std::size_t>(a.slot) < slots.size());
  }
  const auto c = crisis::coverage(slots, m.availabilities, assignments);
  check(c.slots.size() == slots.size());
  check(c.need == c.assigned + c.gap);
  check(c.covered_slots + c.uncovered_slots == static_cast<int>(slots.size()));
  for (const auto& s : c.slots) check(s.gap >= 0 && s.shortfall >= 0 && s.available >= 0);
  return 0;
}
