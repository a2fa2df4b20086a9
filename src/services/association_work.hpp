// Working groups and members' time of an association (issue 13 items 6 and 7), on top of
// services::Association (who sees what, the members) and the src/association engine (indemnity =
// time × the hourly rate of the member's profession for the year, yearly cap at the PASS):
//   - working groups (groupes de travail, commissions): name, the ACI mission they serve (ids of
//     the ACI rules, French labels), description, members (pilote or membre), meetings with their
//     date, hours, place, subject, attendance per group member and minutes (compte rendu); the
//     meetings as calendar events (the association's iCalendar, one .ics per meeting);
//   - hourly rates per profession and year, entered by the coordination with their source or
//     flagged unverified;
//   - time entries: a member records their own (date, duration, activity, ACI mission or working
//     group), the coordination records for anyone and validates or refuses with a note; at
//     recording (validated + pending entries of the year) and at validation (validated entries)
//     the engine refuses an entry that would take the year's total past the PASS, naming what
//     remains; the yearly statement of a member (page and ODT) and the accountant's export.
// Levels (AssociationAccess): manage edits everything; own sees the groups and meetings, records
// and sees only their own entries and statement; aggregate (ROC, ARS…) sees counts and totals,
// never a member's name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/association.hpp"
#include "services/association_ag.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

/// The ACI missions of the CPTS rules (id, French label), every accord version, in rules order.
const std::vector<Choice>& association_aci_missions();

// Working groups ---------------------------------------------------------------------------------

struct GroupMemberInput {
  std::int64_t member_id = 0;
  std::string role = "membre";  // pilote, membre
};

struct GroupInput {
  std::string name, mission, description;
  std::vector<GroupMemberInput> members;
  std::int64_t expected_version = 0;  // updates only
};

struct GroupMemberView {
  std::int64_t member_id = 0;
  std::string name, role, role_label, profession_label;
};

struct MeetingSummary {
  std::int64_t id = 0, group_id = 0;
  std::string held_on, starts_at, ends_at, place, subject;
  int present = 0, excused = 0, absent = 0;
  bool has_minutes = false;
  std::int64_t version = 0;
};

struct GroupSummary {
  std::int64_t id = 0;
  std::string name, mission, mission_label, description;
  int members = 0, meetings = 0;
  std::string pilots;        // "DURAND Marie, MARTIN Paul" ("" for the steering roles)
  std::string next_meeting;  // YYYY-MM-DD, "" when none is planned
  std::int64_t version = 0;
  std::string updated_by, updated_at;
};

struct GroupList {
  StatutsView statuts;
  std::vector<GroupSummary> groups;  // by name
  std::vector<Choice> missions;
  std::vector<Choice> candidates;  // manage: the members not radiated ("DURAND Marie — infirmier")
};

struct GroupView {
  StatutsView statuts;
  GroupSummary group;
  std::vector<GroupMemberView> members;  // pilots first, then by name; none for aggregate
  std::vector<MeetingSummary> meetings;  // most recent first
  std::vector<Choice> missions;
  std::vector<Choice> candidates;  // manage
  /// Managers, and a member who is a pilote of this group: may add and edit its meetings.
  bool can_edit_meetings = false;
  /// Manage: time entries that name the group (any status); while there are some, the group
  /// cannot be deleted (see delete_group).
  int time_entries = 0;
  int attendance_marks = 0;  // manage: presence marks over the group's meetings
};

struct AttendanceInput {
  std::int64_t member_id = 0;
  std::string presence;  // present, excused, absent
};

struct MeetingInput {
  std::string held_on;  // YYYY-MM-DD
  std::string starts_at = "18:00", ends_at = "20:00";
  std::string place, subject, minutes;
  std::vector<AttendanceInput> attendance;  // group members only; missing: absent
  std::int64_t expected_version = 0;        // updates only
};

struct MeetingAttendanceView {
  std::int64_t member_id = 0;
  std::string name, role_label, presence, presence_label;
};

struct MeetingView {
  StatutsView statuts;
  GroupSummary group;
  MeetingSummary meeting;
  std::string minutes;                            // "" for the steering roles
  std::vector<MeetingAttendanceView> attendance;  // every group member; none for aggregate
  std::string created_by, created_at, updated_by, updated_at;
  bool can_edit = false;    // managers and the group's pilots
  bool can_delete = false;  // managers
};

// Time and indemnities --------------------------------------------------------------------------

struct RateInput {
  int year = 0;
  std::string profession;  // RPPS code
  std::int64_t cents_per_hour = 0;
  std::string source;
  bool unverified = false;
  std::int64_t expected_version = 0;  // 0: a new rate
};

struct RateView {
  int year = 0;
  std::string profession, profession_label;
  std::int64_t cents_per_hour = 0;
  std::string amount_text;  // "50,00 €"
  std::string source;
  bool unverified = false;
  std::int64_t version = 0;
  std::string updated_by, updated_at;
};

struct TimeEntryInput {
  std::int64_t member_id = 0;  // 0: the caller's own member record
  std::string worked_on;       // YYYY-MM-DD
  int minutes = 0;             // 1..1440
  std::string activity;
  std::string mission;        // ACI mission id, "" : none
  std::int64_t group_id = 0;  // 0: none
};

struct TimeEntryView {
  std::int64_t id = 0, member_id = 0;
  std::string member_name, profession_label;
  std::string worked_on;
  int minutes = 0;
  std::string duration_text;  // "2 h 30"
  std::string activity, mission, mission_label;
  std::int64_t group_id = 0;
  std::string group_name;
  std::string status, status_label;  // pending, validated, refused
  std::int64_t amount_cents = 0;
  std::string amount_text;  // "" when the year has no rate for the profession
  std::string rate_text;    // "50,00 € de l'heure"
  bool rate_unverified = false;
  std::string decided_by, decided_at, decision_note;
  std::string created_by, created_at;
  std::int64_t version = 0;
  bool mine = false;
};

/// One member's year: validated and pending time against the PASS.
struct MemberYear {
  std::int64_t member_id = 0;
  std::string name, profession_label;
  int validated_minutes = 0, pending_minutes = 0;
  std::int64_t validated_cents = 0, pending_cents = 0;
  std::int64_t cap_cents = 0, remaining_cents = 0;  // cap − validated
  std::string validated_text, pending_text, remaining_text;
  std::string problem;  // no rate, no PASS for the year
};

struct TimeTotals {
  int entries = 0, pending = 0, validated = 0, refused = 0;
  int members = 0;  // members with validated time
  int validated_minutes = 0;
  std::int64_t validated_cents = 0;
  std::string validated_text;
};

struct TimeOverview {
  StatutsView statuts;
  int year = 0;
  std::vector<int> years;  // years with entries or rates, and this one
  std::int64_t pass_cents = 0;
  std::string pass_text, pass_source;
  bool pass_unverified = false;
  std::string pass_problem;     // the year has no PASS value
  std::vector<RateView> rates;  // the year's, by profession
  // manage: all of the year; own: one's own; aggregate: none. Pending first, then most recent.
  std::vector<TimeEntryView> entries;
  std::vector<MemberYear> members;  // manage: members with time in the year; own: oneself
  std::optional<MemberYear> me;     // the caller's member record, when there is one
  TimeTotals totals;
  std::vector<Choice> missions, groups, professions;
  std::vector<Choice> candidates;  // manage: members who may record time (persons)
};

struct Decision {
  bool validate = true;
  std::string note;
  std::int64_t expected_version = 0;
};

/// The yearly statement of one member (validated entries).
struct YearStatementView {
  std::string association_name;
  std::int64_t member_id = 0;
  std::string member_name, member_detail;  // profession, commune
  int year = 0;
  std::vector<TimeEntryView> entries;  // date order
  int minutes = 0;
  std::string duration_text;
  std::int64_t total_cents = 0, cap_cents = 0, remaining_cents = 0;
  std::string total_text, cap_text, remaining_text, pass_source;
  std::vector<RateView> rates;  // the rates used
  std::string issued_on;        // YYYY-MM-DD
};

/// One line of the accountant's export (validated entries of a year).
struct AccountingLine {
  std::int64_t entry_id = 0, member_id = 0;
  std::string member_name, rpps, profession_label, worked_on;
  int minutes = 0;
  std::int64_t cents_per_hour = 0, amount_cents = 0;
  std::string activity, mission_label, group_name, decided_by, decided_at;
};

/// The statement as an ODT document (src/office), same wording as the printable page.
Result<std::string> statement_odt(const YearStatementView& s);

class AssociationWork {
 public:
  AssociationWork(store::Database& db, Association& association)
      : db_(&db), association_(&association) {}

  Result<GroupList> groups(const Principal& who, std::int64_t structure_id) const;
  Result<GroupView> group(const Principal& who, std::int64_t structure_id,
                          std::int64_t group_id) const;
  /// Managers. Errors name the field (name, mission, members[1].member_id…).
  Result<GroupView> create_group(const Principal& who, std::int64_t structure_id,
                                 const GroupInput& in);
  /// Managers; replaces name, mission, description and members; conflict on a stale version.
  Result<GroupView> update_group(const Principal& who, std::int64_t structure_id,
                                 std::int64_t group_id, const GroupInput& in);

  Result<MeetingView> meeting(const Principal& who, std::int64_t structure_id,
                              std::int64_t group_id, std::int64_t meeting_id) const;
  /// Managers: deletes the group with its members, meetings, their attendance and minutes.
  /// Refused (invalid_transition, naming how many) while time entries name the group: those
  /// entries are what indemnities are computed from, and the statement and the accountant's
  /// export show their group; the coordination withdraws or re-files them first (a validated
  /// entry keeps its group, so such a group stays). Conflict on a stale version.
  Status delete_group(const Principal& who, std::int64_t structure_id, std::int64_t group_id,
                      std::int64_t expected_version);

  /// Managers and the group's pilots (a member whose record is pilote of this group, not of
  /// another); returns the new meeting.
  Result<MeetingView> create_meeting(const Principal& who, std::int64_t structure_id,
                                     std::int64_t group_id, const MeetingInput& in);
  /// Date, hours, place, subject, attendance and minutes (managers and the group's pilots);
  /// conflict on a stale version.
  Result<MeetingView> update_meeting(const Principal& who, std::int64_t structure_id,
                                     std::int64_t group_id, std::int64_t meeting_id,
                                     const MeetingInput& in);
  /// Managers: deletes a meeting with its attendance and minutes (time entries name groups, not
  /// meetings, so none is touched). Conflict on a stale version.
  Status delete_meeting(const Principal& who, std::int64_t structure_id, std::int64_t group_id,
                        std::int64_t meeting_id, std::int64_t expected_version);
  /// The meetings as calendar events (everyone who sees the structure; only one when asked).
  Result<std::vector<CalendarEvent>> events(const Principal& who, std::int64_t structure_id,
                                            std::optional<std::int64_t> meeting = {}) const;

  /// Time of `year` (0: this year) as `who` may see it.
  Result<TimeOverview> time(const Principal& who, std::int64_t structure_id, int year) const;
  /// Managers: sets a rate; refused when the validated time of a member would pass the cap.
  Result<RateView> set_rate(const Principal& who, std::int64_t structure_id, const RateInput& in);
  /// A member records their own time, managers anyone's; refused past the PASS (field minutes).
  Result<TimeEntryView> record_time(const Principal& who, std::int64_t structure_id,
                                    const TimeEntryInput& in);
  /// A pending entry changed by its member or by managers: date, duration, activity, mission,
  /// group (the member stays); checked against the cap again like a new entry (the entry's own
  /// old time left out). Validated or refused entries are final (invalid_transition); conflict
  /// when stale.
  Result<TimeEntryView> update_time(const Principal& who, std::int64_t structure_id,
                                    std::int64_t entry_id, const TimeEntryInput& in,
                                    std::int64_t expected_version);
  /// A pending entry withdrawn (deleted; the audit row keeps what it was) by its member or by
  /// managers; same rules as update_time.
  Status withdraw_time(const Principal& who, std::int64_t structure_id, std::int64_t entry_id,
                       std::int64_t expected_version);
  /// Managers: validates (checked against the cap) or refuses an entry; conflict when stale.
  Result<TimeEntryView> decide(const Principal& who, std::int64_t structure_id,
                               std::int64_t entry_id, const Decision& d);
  /// The statement of a member for a year: managers, and the member themself.
  Result<YearStatementView> statement(const Principal& who, std::int64_t structure_id,
                                      std::int64_t member_id, int year) const;
  /// Validated entries of the year, for the accountant (managers).
  Result<std::vector<AccountingLine>> accounting(const Principal& who, std::int64_t structure_id,
                                                 int year) const;

 private:
  store::Database* db_;
  Association* association_;
};

}  // namespace maillage::services
