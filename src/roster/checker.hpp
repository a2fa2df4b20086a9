// The independent checker: validates a roster against every hard rule of a model and recomputes
// its objective from scratch. It shares no code with the search (solver*.cpp, row_dp.*), so a bug
// in the solver's incremental bookkeeping cannot hide itself: tests and the CLI run it on every
// solver result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "roster/model.hpp"

namespace maillage::roster {

enum class ViolationKind {
  shape,                   // wrong number of rows or days, or an unknown shift index
  day_off,                 // works on a day off
  unavailable,             // works outside the availability windows
  max_shifts_per_type,     // more shifts of a type than allowed
  min_total_minutes,       // works too little over the horizon
  max_total_minutes,       // works too much over the horizon
  max_consecutive_shifts,  // a run of working days that is too long
  min_consecutive_shifts,  // a run of working days that is too short (not touching an end)
  min_consecutive_days_off,  // a run of days off that is too short (not touching an end)
  max_weekends,            // too many weekends worked
  forbidden_succession,    // shift followed the next day by a shift it may not precede
  rest_after_night,        // works during the rest that follows a night
  max_shifts_per_month,    // monthly cap exceeded
};

struct Violation {
  ViolationKind kind;
  int staff = -1;  ///< -1 when the whole roster is concerned
  int day = -1;    ///< first day concerned, -1 when not tied to a day
  std::string message;  ///< French, names the person and the rule
};

/// Objective terms; `total` is their sum. All penalties are >= 0.
struct ObjectiveBreakdown {
  std::int64_t on_requests = 0;   ///< weights of "on" requests not granted
  std::int64_t off_requests = 0;  ///< weights of "off" requests not granted
  std::int64_t under_cover = 0;   ///< missing people x under weight
  std::int64_t over_cover = 0;    ///< extra people x over weight
  std::int64_t fairness = 0;      ///< see FairnessReport
  std::int64_t total = 0;
};

/// Load of one person relative to their availability.
struct FairnessRow {
  int staff = 0;
  int available_days = 0;  ///< days not off and inside an availability window
  double hours = 0;        ///< hours worked
  double load = 0;         ///< hours per available day (0 when never available)
};

/// Fairness measure: within each profession, people's loads (hours per available day) should be
/// equal. The penalty is round(weight x sum over professions of sum_i a_i (load_i - L)^2), with
/// a_i the available days of person i and L = (sum of hours) / (sum of a_i) of the profession: an
/// availability-weighted variance of loads, zero when everyone carries the same load per day of
/// availability. `spread` is the largest max-min load gap within a profession, for display.
struct FairnessReport {
  std::vector<FairnessRow> rows;
  double spread = 0;
};

struct CheckReport {
  std::vector<Violation> violations;
  ObjectiveBreakdown objective;
  FairnessReport fairness;
  [[nodiscard]] bool feasible() const { return violations.empty(); }
};

/// Checks `roster` against `model` (which should have passed validate()). Never throws on a
/// malformed roster: shape problems are reported as violations and the objective is left at 0.
[[nodiscard]] CheckReport check(const Model& model, const Roster& roster);

/// Short French name of a rule, for messages and tables.
[[nodiscard]] const char* violation_name(ViolationKind kind);

}  // namespace maillage::roster
