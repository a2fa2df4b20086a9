// The lifecycle of a structure (CPTS, MSP, ESP, centre de santé) as data: a table of states and
// allowed transitions, implicit transitions after a delay (timers), deadlines and anniversaries
// counted from the date a state was entered, and groups of states used as coverage filters. The
// tables are rules/lifecycle/*.toml (parse_lifecycle, toml++ stays in lifecycle_toml.cpp); every
// decision (`transition`, `replay`, `due_timers`) reads them and nothing else, so a new state or
// an ARS-specific variant is a change of data, not of code.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "registry/dates.hpp"

namespace maillage::registry {

struct State {
  std::string id;     // "lettre_validee": stable, stored in the database
  std::string label;  // "Lettre d'intention validée"
  bool initial = false;
  bool terminal = false;  // no way out (abandonnée, dissoute)
  std::int64_t line = 0;  // in the rules file, for messages about the table itself
};

// Where a rule's value comes from (research/domain.md numbering), and whether it was checked in a
// primary text; unverified values are shown as such to users.
struct Provenance {
  std::string source;
  bool verified = false;
  std::string note;
};

// The roles that may record a decision (the role ids of services/auth.hpp, as text so that this
// engine stays free of the services layer; the services test checks both lists agree).
inline constexpr std::string_view kDeciderRoles[] = {"roc", "ars", "charge_de_mission",
                                                     "coordinator"};

// How a step comes to be recorded: by one of `decided_by` from the structure's page, or only as
// the consequence of another record ("contrat_aci": creating the structure's ACI contract records
// "ACI signé" on its signature date; no button records it without a contract).
enum class RecordedVia : std::uint8_t { decision, aci_contract };

// An allowed move: `event` from any of `from` leads to `to`, decided by the roles `decided_by`
// (who holds that decision in the field, with its source).
struct TransitionRule {
  std::string event;  // "valider_lettre"
  std::string label;  // "Valider la lettre d'intention"
  std::vector<std::string> from;
  std::string to;
  RecordedVia via = RecordedVia::decision;
  std::vector<std::string> decided_by;  // role ids; empty when `via` is not `decision`
  std::string decided_by_label;         // "l'ARS", "le ROC ou l'ARS": for messages and pages
  Provenance provenance;                // source of who decides
  std::int64_t line = 0;

  [[nodiscard]] bool decided_by_role(std::string_view role) const;
};

// An implicit transition: a structure still in `state` `after` the date it entered it moves to
// `to` (the projet de santé deemed validated after 2 months without objection of the ARS).
struct TimerRule {
  std::string id;
  std::string label;  // "Validation implicite du projet de santé"
  std::string state;
  Delay after;
  std::string to;
  std::string event;     // event id of the implicit transition ("validation_implicite")
  int notice_days = 30;  // alert this many days before
  Provenance provenance;
  std::int64_t line = 0;
};

// Something that must be done within `within` of the date the structure entered `counted_from`
// (mission start 6 months after the ACI signature...). Done when the structure records
// `milestone`.
struct DeadlineRule {
  std::string id;
  std::string label;  // "Démarrage de la mission accès aux soins"
  std::string counted_from;
  Delay within;
  std::string milestone;              // "acces_soins.demarrage"
  std::vector<std::string> while_in;  // states in which it applies; empty: any non-terminal
  int notice_days = 60;
  Provenance provenance;
  std::int64_t line = 0;
};

// Recurring dates from the date the structure entered `counted_from` (contract anniversaries).
struct AnniversaryRule {
  std::string id;
  std::string label;        // "{n}e anniversaire du contrat ACI"; {n} is the rank
  std::string final_label;  // for the last one (end of contract); empty: `label`
  std::string counted_from;
  int every_months = 12;
  int count = 1;
  std::vector<std::string> while_in;
  int notice_days = 60;
  Provenance provenance;
  std::int64_t line = 0;
};

// A named set of states, e.g. "ACI signé" = {aci_signe, actif}: the stage filters of coverage.
struct StageGroup {
  std::string id;
  std::string label;
  std::vector<std::string> states;
  std::int64_t line = 0;
};

class Lifecycle {
 public:
  std::string kind;      // "cpts", "msp", "esp", "cds"
  std::string label;     // "CPTS"
  std::string definite;  // "la CPTS": used in sentences
  std::string file;      // rules file, for messages
  std::vector<State> states;
  std::vector<TransitionRule> transitions;
  std::vector<TimerRule> timers;
  std::vector<DeadlineRule> deadlines;
  std::vector<AnniversaryRule> anniversaries;
  std::vector<StageGroup> stage_groups;

  [[nodiscard]] const State* state(std::string_view id) const;
  [[nodiscard]] const State& initial() const;  // parse_lifecycle guarantees exactly one
  [[nodiscard]] const StageGroup* stage_group(std::string_view id) const;
  /// Transitions allowed from `state`, in the order of the table.
  [[nodiscard]] std::vector<const TransitionRule*> allowed_from(std::string_view state) const;
  /// `to` can be reached from `from` by the table's transitions (a state reaches itself).
  [[nodiscard]] bool reaches(std::string_view from, std::string_view to) const;
  /// The timer that applies in `state`, if any (at most one per state).
  [[nodiscard]] const TimerRule* timer_in(std::string_view state) const;
};

/// Reads one rules file (schema "maillage-lifecycle/1") and checks it: unique ids, exactly one
/// initial state, every referenced state known, no way out of a terminal state, every state
/// reachable from the initial one, at most one timer per state and a timer's target reachable by a
/// declared transition. Errors name the file, the line and the key.
[[nodiscard]] Result<Lifecycle> parse_lifecycle(std::string_view file, std::string_view text);

struct RulesFile {
  std::string_view name;  // "rules/lifecycle/cpts.toml"
  std::string_view text;
};
/// rules/lifecycle/*.toml as embedded in the binary at build time.
[[nodiscard]] std::span<const RulesFile> builtin_lifecycle_files();

class Lifecycles {
 public:
  std::vector<Lifecycle> items;
  [[nodiscard]] const Lifecycle* find(std::string_view kind) const;
};
/// Parses every file; two files for the same kind are an error.
[[nodiscard]] Result<Lifecycles> load_lifecycles(std::span<const RulesFile> files);
/// load_lifecycles(builtin_lifecycle_files()).
[[nodiscard]] Result<Lifecycles> builtin_lifecycles();

// ---------------------------------------------------------------------------------------------
// Transitions

inline constexpr std::string_view kSystemUser = "système";

/// One dated, signed step of a structure's history: what the audit log records.
struct Transition {
  std::string from;
  std::string to;
  std::string event;
  Date date{};
  std::string user;       // who signed it (kSystemUser for an implicit transition)
  bool implicit = false;  // applied by a timer
  std::string timer;      // the timer id when implicit
};

/// Where a structure stands: its state and the date it entered it (none for the initial state of
/// a structure without history).
struct StructureState {
  std::string state;
  std::optional<Date> since;
};

/// The state of a new structure (the initial state, no date).
[[nodiscard]] StructureState initial_state(const Lifecycle& lc);

/// Checks and builds one transition. `event_or_target` is an event id ("signer_aci") or the id of
/// the target state ("aci_signe"). Refused (ErrorCode::invalid_transition, French message) when
/// the structure is in a terminal state, the move is not in the table, the date is before the
/// date the current state was entered, the user is empty, or a timer of the current state has
/// already fired by `date` (its implicit transition must be recorded first).
[[nodiscard]] Result<Transition> transition(const Lifecycle& lc, const StructureState& current,
                                            std::string_view event_or_target, Date date,
                                            std::string_view user);

/// What creating an ACI contract does to a structure standing in `state`: record `record` (the
/// table's `via = "contrat_aci"` step) when `state` is one it leaves from; nothing when the kind's
/// table has no such step or the structure is already past it (a contract entered after the
/// fact); refused (invalid_transition, French, naming the stage to reach) before it or in a
/// terminal state.
struct ContractStep {
  const TransitionRule* record = nullptr;
};
[[nodiscard]] Result<ContractStep> contract_step(const Lifecycle& lc, std::string_view state);

/// Re-checks a stored history from the initial state (each step allowed, dates non-decreasing,
/// implicit steps matching their timer and its date) and returns where it ends.
[[nodiscard]] Result<StructureState> replay(const Lifecycle& lc,
                                            std::span<const Transition> history);

/// The implicit transitions that have fired by `as_of` (a timer may lead to a state with its own
/// timer: they are chained), each dated on its due date and signed kSystemUser.
[[nodiscard]] std::vector<Transition> due_timers(const Lifecycle& lc, const StructureState& current,
                                                 Date as_of);

/// The latest date the history entered `state`, if ever.
[[nodiscard]] std::optional<Date> entered(std::span<const Transition> history,
                                          std::string_view state);

}  // namespace maillage::registry
