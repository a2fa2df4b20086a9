// Crisis mode (issue 18 item 5), pure engine: the slots a crisis must cover (the days of its
// period × time windows, each window with how many professionals it needs), the availability grid
// a survey asks over exactly those slots, the mapping of each respondent's grid answer to the
// slots they can take, and the coverage of the slots (needed, available, assigned, gap).
// No SQL, no HTTP, no clock (README.md beside this file).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "survey/survey.hpp"

namespace maillage::crisis {

inline constexpr int kMaxNeed = 50;  // professionals on one slot

/// A time window of every day of the crisis, with its need ("08:00"–"12:00", 3 professionals).
struct Window {
  std::string start, end;  // "HH:MM", start < end, same day
  int need = 1;            // 1..kMaxNeed
  friend bool operator==(const Window&, const Window&) = default;
};

/// What a coordinator types: the period, optionally the days of it to keep (empty: every day),
/// the windows. The grid of the survey is days × windows: at most survey::kMaxDays days and
/// survey::kMaxSlots windows.
struct Plan {
  std::string first_day, last_day;  // "YYYY-MM-DD", inclusive
  std::vector<std::string> days;    // subset of the period; empty: every day of it
  std::vector<Window> windows;
};

/// Every problem of a plan, each naming its field: "first_day", "last_day", "days[2]",
/// "windows[1].start", "windows[1].end", "windows[1].need", "windows" (none, too many,
/// overlapping or repeated). French messages.
std::vector<survey::Problem> check_plan(const Plan& plan);

/// One slot to cover: a day and a window.
struct Slot {
  std::string day, start, end;
  int need = 1;
  int day_index = 0, window_index = 0;  // its cell in the grid
  friend bool operator==(const Slot&, const Slot&) = default;
};

/// The days of a valid plan, ascending (each day of the period, or the chosen ones sorted once).
std::vector<std::string> days_of(const Plan& plan);
/// The windows of a valid plan, by start time.
std::vector<Window> windows_of(const Plan& plan);
/// The slots of a valid plan, day by day then window by window: slot index =
/// day_index × windows + window_index.
std::vector<Slot> slots_of(const Plan& plan);

/// "lundi 4 janvier" for "2027-01-04" (the grid's row label); the text itself when malformed.
std::string day_label(const std::string& day);
/// "08:00–12:00" (the grid's column label).
std::string window_label(const Window& w);

/// The availability question over exactly the plan's slots: kind grid, rows the days
/// (day_label), columns the windows (window_label), required.
survey::Question grid_question(const Plan& plan, std::string id, std::string label);

/// A respondent's answer to the grid question (cells ascending, as survey::validate gives them).
struct Respondent {
  std::int64_t id = 0;
  std::vector<survey::Cell> cells;
};

struct Availability {
  std::int64_t respondent = 0;
  int slot = 0;  // index into slots_of(plan)
  friend bool operator==(const Availability&, const Availability&) = default;
  friend auto operator<=>(const Availability&, const Availability&) = default;
};

struct Mapping {
  std::vector<Availability> availabilities;  // ascending (respondent, slot), each once
  /// Respondents who ticked no cell of the grid: invited to the campaign, available nowhere.
  std::vector<std::int64_t> without_availability;
  /// Cells outside the grid (a stored answer of an older grid): reported, never mapped.
  std::vector<std::pair<std::int64_t, survey::Cell>> outside;
};

/// Maps each respondent's cells to the plan's slots. Every respondent appears either in the
/// availabilities or in without_availability (nothing silently dropped).
Mapping map_answers(const Plan& plan, const std::vector<Respondent>& respondents);

/// A person assigned to a slot (the roster's answer).
struct Assignment {
  std::int64_t person = 0;
  int slot = 0;
  friend bool operator==(const Assignment&, const Assignment&) = default;
};

struct SlotCoverage {
  int slot = 0;
  int need = 0;
  int available = 0;         // respondents who can take it
  int assigned = 0;          // people assigned to it
  int gap = 0;               // need − assigned, at least 0: people missing
  int shortfall = 0;         // need − available, at least 0: missing whatever the planning
  int unavailable_assigned = 0;  // assigned people who did not say they were available
};

struct Coverage {
  std::vector<SlotCoverage> slots;  // one per slot, in slot order
  // need = assigned + gap: `assigned` counts the people assigned up to each slot's need.
  int need = 0, assigned = 0, gap = 0;
  int covered_slots = 0;    // gap 0
  int uncovered_slots = 0;  // gap > 0
  int short_slots = 0;      // shortfall > 0: not enough volunteers, whatever the planning
};

/// The coverage of the slots. Assignments or availabilities naming a slot outside 0..n−1 are
/// ignored; a person assigned twice to one slot counts once.
Coverage coverage(const std::vector<Slot>& slots, const std::vector<Availability>& availabilities,
                  const std::vector<Assignment>& assignments);

}  // namespace maillage::crisis
