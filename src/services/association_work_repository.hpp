// The SQL of working groups and members' time (tables of migrations 0010 and 0011): groups and
// their members, meetings and their attendance, hourly rates, time entries. Rows are mapped by
// column name; writes take the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/association_work.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

struct GroupRow {
  std::int64_t id = 0, structure_id = 0;
  std::string name, mission, description;
  std::int64_t version = 0;
  std::string created_by, created_at, updated_by, updated_at;
};

struct GroupMemberRow {
  std::int64_t group_id = 0, member_id = 0;
  std::string role;
};

struct MeetingRow {
  std::int64_t id = 0, group_id = 0, structure_id = 0;
  std::string held_on, starts_at, ends_at, place, subject, minutes;
  std::int64_t version = 0;
  std::string created_by, created_at, updated_by, updated_at;
};

struct MeetingAttendanceRow {
  std::int64_t meeting_id = 0, member_id = 0;
  std::string presence;
};

struct HourlyRateRow {
  int year = 0;
  std::string profession;
  std::int64_t cents_per_hour = 0;
  std::string source;
  bool unverified = false;
  std::int64_t version = 0;
  std::string updated_by, updated_at;
};

struct TimeEntryRow {
  std::int64_t id = 0, structure_id = 0, member_id = 0;
  std::string worked_on;
  int minutes = 0;
  std::string activity, mission;
  std::int64_t group_id = 0;  // 0: none
  std::string status, decided_by, decided_at, decision_note, created_by, created_at;
  std::int64_t version = 0;
};

class WorkRepository {
 public:
  explicit WorkRepository(store::Database& db) : db_(&db) {}

  Result<std::vector<GroupRow>> groups(std::int64_t structure_id) const;
  Result<std::optional<GroupRow>> group(std::int64_t structure_id, std::int64_t id) const;
  Result<std::vector<GroupMemberRow>> group_members(std::int64_t structure_id) const;
  Result<std::vector<MeetingRow>> meetings(std::int64_t structure_id) const;
  Result<std::optional<MeetingRow>> meeting(std::int64_t structure_id, std::int64_t group_id,
                                            std::int64_t id) const;
  Result<std::vector<MeetingAttendanceRow>> attendance(std::int64_t structure_id) const;
  Result<std::vector<HourlyRateRow>> rates(std::int64_t structure_id) const;
  /// Every entry of the structure (`member_id` > 0: that member's only), by date.
  Result<std::vector<TimeEntryRow>> entries(std::int64_t structure_id,
                                            std::int64_t member_id = 0) const;

  static Result<std::int64_t> insert_group(store::Tx& tx, std::int64_t structure_id,
                                           const GroupInput& in, const std::string& by,
                                           const std::string& at);
  /// Optimistic: false when the version is not in.expected_version.
  static Result<bool> update_group(store::Tx& tx, std::int64_t structure_id, std::int64_t id,
                                   const GroupInput& in, const std::string& by,
                                   const std::string& at);
  static Status replace_group_members(store::Tx& tx, std::int64_t group_id,
                                      const std::vector<GroupMemberInput>& members);
  static Result<std::int64_t> insert_meeting(store::Tx& tx, std::int64_t structure_id,
                                             std::int64_t group_id, const MeetingInput& in,
                                             const std::string& by, const std::string& at);
  static Result<bool> update_meeting(store::Tx& tx, std::int64_t group_id, std::int64_t id,
                                     const MeetingInput& in, const std::string& by,
                                     const std::string& at);
  static Status replace_attendance(store::Tx& tx, std::int64_t meeting_id,
                                   const std::vector<AttendanceInput>& attendance);
  /// Time entries naming the group, inside the transaction.
  static Result<std::int64_t> group_time_entries(store::Tx& tx, std::int64_t group_id);
  /// Deletes the group's attendance, meetings and members, then the group, at the expected
  /// version (children first: no reliance on ON DELETE CASCADE being enforced). false on a
  /// conflict (nothing deleted: the caller's transaction rolls back).
  static Result<bool> delete_group(store::Tx& tx, std::int64_t structure_id, std::int64_t id,
                                   std::int64_t expected_version);
  /// Deletes the meeting's attendance and the meeting at the expected version; false on a
  /// conflict.
  static Result<bool> delete_meeting(store::Tx& tx, std::int64_t group_id, std::int64_t id,
                                     std::int64_t expected_version);
  /// Inserts (expected_version 0: must not exist) or updates at the expected version; false on
  /// a conflict.
  static Result<bool> upsert_rate(store::Tx& tx, std::int64_t structure_id, const RateInput& in,
                                  const std::string& by, const std::string& at);
  /// The entries of a member inside the transaction (for the cap check).
  static Result<std::vector<TimeEntryRow>> member_entries(store::Tx& tx, std::int64_t structure_id,
                                                          std::int64_t member_id);
  static Result<std::vector<HourlyRateRow>> rates_in(store::Tx& tx, std::int64_t structure_id);
  static Result<std::optional<TimeEntryRow>> entry(store::Tx& tx, std::int64_t structure_id,
                                                   std::int64_t id);
  static Result<std::int64_t> insert_entry(store::Tx& tx, std::int64_t structure_id,
                                           std::int64_t member_id, const TimeEntryInput& in,
                                           const std::string& by, const std::string& at);
  /// A pending entry's fields at the expected version; false when it moved or is not pending.
  static Result<bool> update_entry(store::Tx& tx, std::int64_t id, const TimeEntryInput& in,
                                   std::int64_t expected_version, const std::string& by,
                                   const std::string& at);
  /// Deletes a pending entry at the expected version; false when it moved or is not pending.
  static Result<bool> delete_entry(store::Tx& tx, std::int64_t id, std::int64_t expected_version);
  /// Optimistic: false when the version moved.
  static Result<bool> decide(store::Tx& tx, std::int64_t id, const std::string& status,
                             const std::string& note, std::int64_t expected_version,
                             const std::string& by, const std::string& at);

 private:
  store::Database* db_;
};

}  // namespace maillage::services
