// Mission deadlines: start and deployment within N months of the signature (accord calendar, or
// dates negotiated in the contract), checked against the contract's dates on a given day.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aci/contract.hpp"

namespace maillage::aci {

enum class DeadlineStatus {
  on_time,       // done on or before the deadline
  late,          // done after the deadline
  overdue,       // not done and the deadline has passed
  pending,       // not done, deadline still ahead
  planned_late,  // planned (date after `as_of`) beyond the deadline
  no_deadline,   // optional mission without a negotiated deadline
};
[[nodiscard]] std::string_view to_string(DeadlineStatus s);
/// The status as people read it ("à l'heure", "échéance dépassée"), from its id (to_string);
/// an unknown id comes back as it is.
[[nodiscard]] std::string_view status_label(std::string_view id);

struct Milestone {
  std::optional<Date> deadline;
  std::optional<Date> date;  // start or deployment date in the contract (may be planned)
  DeadlineStatus status = DeadlineStatus::no_deadline;
  std::int64_t days_late = 0;  // late, overdue (up to `as_of`) or planned_late
};

struct MissionDeadlines {
  std::string mission;
  std::string label;
  MissionCategory category = MissionCategory::socle;
  bool in_contract = false;  // false: a socle mission the contract does not list
  Date counted_from{};       // signature, or the date the avenant adding the mission applies
  Milestone start;
  Milestone deploy;
};

/// Every mission of the contract plus every socle mission of the accord versions in force on
/// `as_of`, in the rules' order. A mission added by an avenant counts its delays from the date the
/// avenant applies to the contract.
[[nodiscard]] Result<std::vector<MissionDeadlines>> check_deadlines(const CptsContract& c,
                                                                    const RuleBook& rules,
                                                                    Date as_of);

/// "mission,milestone,deadline,date,status,days_late" then two lines per mission.
[[nodiscard]] std::string deadlines_csv(const std::vector<MissionDeadlines>& d);

}  // namespace maillage::aci
