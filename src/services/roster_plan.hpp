// A planning campaign as plain data, and its translation to and from the roster engine's model.
// Pure (no SQL, no HTTP): the campaign service loads a Plan from the store, this file maps it to
// roster::Model, maps the solver's roster back to slot assignments, and checks any set of
// assignments (the solver's, a hand edit, a swap) with the engine's independent checker plus the
// rules the model cannot express (one slot per person and day, the slot's profession).
//
// Mapping (one slot per person and day, because the engine's roster holds one shift per day):
// - the horizon is the campaign period, day 0 its first day (start_date set: monthly caps);
// - a shift type is one (kind, label, start, end, ends_next_day); a slot is (day, shift type,
//   profession) with a required count, so a cover line with the profession;
// - a member is a staff row with their profession; their availability windows are the days and
//   shift types of the slots of their profession that they marked available or preferred (a
//   member who marked nothing is available nowhere, unless the campaign treats silence as
//   availability); "preferred" adds an on-request of wish_weight; monthly cap = member's, else
//   the campaign's default; a slot that ends the next day is a night and owes rest afterwards.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/error.hpp"
#include "roster/checker.hpp"
#include "roster/model.hpp"
#include "roster/solver.hpp"

namespace maillage::services {

enum class SlotWish { available, preferred, unavailable };
/// "disponible", "souhaite", "indisponible" (stored and sent by the API).
const char* slot_wish_id(SlotWish w);
std::optional<SlotWish> slot_wish_from_id(std::string_view id);

struct PlanSlot {
  std::int64_t id = 0;
  std::string day;         // "2026-05-04"
  std::string start_time;  // "08:00"
  std::string end_time;    // "12:00"
  bool ends_next_day = false;
  std::string kind;        // snp, pdsa, vaccination, crise, autre
  std::string label;       // sector or site, may be empty
  std::string profession;  // required profession
  int required = 1;
};

struct PlanMember {
  std::int64_t id = 0;
  std::int64_t user_id = 0;  // 0: a professional without an account
  std::string name;
  std::string profession;
  std::optional<int> monthly_cap;
};

struct PlanAvailability {
  std::int64_t member_id = 0;
  std::int64_t slot_id = 0;
  SlotWish wish = SlotWish::available;
};

struct PlanAssignment {
  std::int64_t slot_id = 0;
  std::int64_t member_id = 0;
  friend bool operator==(const PlanAssignment&, const PlanAssignment&) = default;
  friend auto operator<=>(const PlanAssignment&, const PlanAssignment&) = default;
};

struct PlanSettings {
  std::string first_day;  // campaign period, inclusive
  std::string last_day;
  int fairness_weight = 100;
  int open_slot_weight = 1000;  // cost of one missing person on a slot
  int wish_weight = 10;         // cost of a "preferred" slot not granted
  int rest_after_night_days = 1;
  std::optional<int> default_monthly_cap;
  bool silence_means_available = false;
};

struct Plan {
  PlanSettings settings;
  std::vector<PlanSlot> slots;
  std::vector<PlanMember> members;
  std::vector<PlanAvailability> availability;
};

/// Checks one slot (dates inside the period, times, kind, count); errors name the field with
/// `prefix` ("$.creneaux[3]") in French.
Status validate_slot(const PlanSlot& slot, const PlanSettings& settings, const std::string& prefix);
/// Checks the campaign settings (dates, order, weights, limits).
Status validate_settings(const PlanSettings& settings, const std::string& prefix);

/// The model of a plan and the tables to read its rosters back.
struct MappedPlan {
  roster::Model model;
  std::vector<std::int64_t> member_of_staff;   // staff index -> member id
  std::map<std::int64_t, int> staff_of_member;  // member id -> staff index
  std::vector<std::int64_t> slot_of_cover;     // cover index -> slot id
  std::map<std::int64_t, std::pair<int, int>> day_shift_of_slot;  // slot id -> (day, shift)
  std::map<std::tuple<int, int, std::string>, std::int64_t> slot_at;  // (day, shift, prof.) -> slot
};

/// Builds the model. Errors (invalid_input, field named): a slot outside the period or malformed,
/// an availability naming an unknown member or slot, a negative cap or weight.
Result<MappedPlan> map_plan(const Plan& plan);

/// Reads a roster of the mapped model back as assignments (sorted).
Result<std::vector<PlanAssignment>> assignments_of(const MappedPlan& mapped,
                                                    const roster::Roster& roster);

/// One problem of a set of assignments, in French, with the member and day when known.
struct PlanViolation {
  std::int64_t member_id = 0;
  std::string day;
  std::string rule;     // short French rule name
  std::string message;  // French
};

struct MemberLoad {
  std::int64_t member_id = 0;
  int assigned = 0;        // slots
  int available_days = 0;  // days with at least one slot they can take
  double hours = 0;
  double load = 0;         // hours per available day
};

struct OpenSlotInfo {
  std::int64_t slot_id = 0;
  int missing = 0;
  std::string reason;       // engine reason id when known ("no_one_available", ...), else ""
  std::string explanation;  // French
};

struct PlanCheck {
  std::vector<PlanViolation> violations;  // hard rules: a roster with any is refused
  roster::ObjectiveBreakdown objective;
  std::vector<MemberLoad> loads;  // one per member, plan order
  double spread = 0;              // largest load gap within a profession (hours per day)
  std::vector<OpenSlotInfo> open;  // slots with fewer people than required
  [[nodiscard]] bool feasible() const { return violations.empty(); }
};

/// Checks assignments against the plan: assignments naming unknown slots or members, two slots
/// the same day, a slot of another profession, then every rule of the engine's checker.
PlanCheck check_plan(const MappedPlan& mapped, const Plan& plan,
                     const std::vector<PlanAssignment>& assignments);

/// The open slots reported by the solver, as slot ids with French explanations.
std::vector<OpenSlotInfo> open_slots_of(const MappedPlan& mapped,
                                        const std::vector<roster::OpenSlot>& open);

// Calendar helpers shared by the campaign service, the exports and the pages.
/// Days since 1970-01-01 of "YYYY-MM-DD"; nullopt when malformed or not a real date.
std::optional<int> parse_day(std::string_view text);
std::string format_day(int days_since_epoch);
/// Minutes since midnight of "HH:MM" (00:00..23:59; "24:00" is accepted as an end time).
std::optional<int> parse_time(std::string_view text, bool allow_24 = false);
/// Length of a slot in minutes (> 0 when valid).
int slot_minutes(const PlanSlot& slot);
/// "lundi 4 mai 2026"
std::string french_long_date(std::string_view day);
/// 0 = Monday ... 6 = Sunday
int weekday_of_day(int days_since_epoch);

}  // namespace maillage::services
