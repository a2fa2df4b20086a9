// The permanences model: plain data describing days, shift types, staff with their contract
// limits, requests and the cover wanted per day and shift. The solver (solver.hpp) and the
// independent checker (checker.hpp) both read it; neither changes it.
//
// Conventions (they follow the Curtois & Qu shift-scheduling benchmark so that its instances map
// one to one):
// - day 0 is the first day of the horizon; its weekday is `first_weekday` (0 = Monday), or the
//   weekday of `start_date` when a start date is given;
// - a weekend is a Saturday d with d + 1 inside the horizon; it is "worked" when either day is;
// - a block of consecutive working days (or days off) that touches the first or the last day of
//   the horizon is exempt from the minimum-length rules, because its other part lies outside;
// - every staff limit, day off, unavailability, succession and rest rule is HARD; requests, cover
//   and fairness are SOFT and make up the objective.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace maillage::roster {

/// Shift index meaning "not working that day" in a roster.
inline constexpr int kOff = -1;
/// A request whose shift is kAnyShift applies to every shift of its day.
inline constexpr int kAnyShift = -1;
/// "No limit" for the integer limits below.
inline constexpr int kNoLimit = std::numeric_limits<int>::max();

struct ShiftType {
  std::string id;                  ///< short code shown in rosters ("D", "N", "SNP-matin")
  int minutes = 0;                 ///< length, 1..1440
  std::vector<int> forbidden_next; ///< shift indices that may not be worked the next day
  bool night = false;              ///< triggers Staff::min_days_off_after_night
};

/// A period during which someone can work: days [first_day, last_day], and only the listed shifts
/// (all shifts when `shifts` is empty).
struct AvailabilityWindow {
  int first_day = 0;
  int last_day = 0;
  std::vector<int> shifts;
};

struct Staff {
  std::string id;
  std::string profession;                ///< matched by CoverRequirement::profession; may be empty
  std::vector<int> max_shifts_per_type;  ///< one entry per shift type (kNoLimit if none); empty = none
  int min_total_minutes = 0;
  int max_total_minutes = kNoLimit;
  int min_consecutive_shifts = 1;
  int max_consecutive_shifts = kNoLimit;
  int min_consecutive_days_off = 1;
  int max_weekends = kNoLimit;
  std::vector<int> days_off;                     ///< hard: never works these days
  std::vector<AvailabilityWindow> availability;  ///< empty = available every day
  int max_shifts_per_month = kNoLimit;           ///< needs Model::start_date
  int min_days_off_after_night = 0;              ///< days off forced after a night shift
};

/// A wish with a weight: "on" is penalised by `weight` when the person does NOT work `shift` on
/// `day`; "off" is penalised when the person DOES work `shift` (any shift for kAnyShift).
struct ShiftRequest {
  int staff = 0;
  int day = 0;
  int shift = 0;
  int weight = 0;
};

/// Wanted number of people on a (day, shift); each missing person costs `under_weight`, each extra
/// one `over_weight`. With a profession, only staff of that profession count towards it.
struct CoverRequirement {
  int day = 0;
  int shift = 0;
  int requirement = 0;
  int under_weight = 0;
  int over_weight = 0;
  std::string profession;  ///< empty: everyone counts
};

struct Model {
  int days = 0;
  int first_weekday = 0;  ///< 0 = Monday ... 6 = Sunday (ignored when start_date is set)
  std::optional<std::chrono::year_month_day> start_date;  ///< needed for monthly caps
  std::vector<ShiftType> shifts;
  std::vector<Staff> staff;
  std::vector<ShiftRequest> on_requests;
  std::vector<ShiftRequest> off_requests;
  std::vector<CoverRequirement> cover;
  /// Weight of the fairness term: within each profession, the spread of "hours worked per day of
  /// availability" (see checker.hpp for the exact formula). 0 disables it.
  int fairness_weight = 0;
};

/// A roster: roster[staff][day] is a shift index or kOff.
using Roster = std::vector<std::vector<int>>;

/// Checks that the model is self-consistent (indices in range, lengths and weights sane,
/// monthly caps only with a start date). Messages are in French; `field` names the offending part
/// ("staff[3].max_total_minutes").
[[nodiscard]] Status validate(const Model& model);

/// Weekday (0 = Monday) of `day`.
[[nodiscard]] int weekday_of(const Model& model, int day);

}  // namespace maillage::roster
