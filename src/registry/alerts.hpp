// Timers and deadlines as alerts for the ROC and the coordinators: implicit validations about to
// apply (or applied and not yet recorded), mission start/deployment deadlines, contract
// anniversaries. Pure: structures + a date + settings in, alerts sorted by due date out; every
// delay comes from the lifecycle tables (rules/lifecycle).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "registry/lifecycle.hpp"

namespace maillage::registry {

/// A structure as the alert computation needs it: its kind, its history and the milestones it
/// has recorded ("acces_soins.demarrage" → date the mission started).
struct StructureRecord {
  std::string id;
  std::string name;
  std::string kind;  // a Lifecycle::kind
  std::vector<Transition> history;
  std::map<std::string, Date, std::less<>> milestones;
};

enum class AlertType {
  implicit_transition,  // a TimerRule
  deadline,             // a DeadlineRule whose milestone is not recorded
  anniversary,          // an AnniversaryRule
};
[[nodiscard]] std::string_view to_string(AlertType t);

enum class AlertStatus {
  upcoming,  // due after as_of, within the notice period
  due,       // due on as_of
  overdue,   // deadline passed and milestone still missing; implicit transition applied but not
             // recorded
};
[[nodiscard]] std::string_view to_string(AlertStatus s);

struct Alert {
  std::string structure_id;
  std::string structure_name;
  std::string kind;  // structure kind
  AlertType type = AlertType::deadline;
  std::string rule;     // id of the timer, deadline or anniversary rule
  int rank = 0;         // anniversaries: 1 for the first one
  std::string label;    // French, e.g. "2e anniversaire du contrat ACI"
  std::string message;  // French sentence for the alert list
  Date due{};
  std::int64_t days_left = 0;  // negative when overdue
  AlertStatus status = AlertStatus::upcoming;
  bool verified = false;  // the rule's value was checked in a primary text
};

struct AlertSettings {
  Date as_of{};
  /// Overrides every rule's notice_days when set (a ROC who wants the next 6 months).
  std::optional<int> horizon_days;
};

/// Every alert of every structure, sorted by due date, then structure id, then rule and rank.
/// Fails (naming the structure) when a structure's kind has no lifecycle or its history does not
/// replay: a corrupt history must be repaired, not silently ignored.
[[nodiscard]] Result<std::vector<Alert>> compute_alerts(const Lifecycles& lifecycles,
                                                        std::span<const StructureRecord> structures,
                                                        const AlertSettings& settings);

}  // namespace maillage::registry
