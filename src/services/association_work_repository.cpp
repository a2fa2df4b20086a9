#include "services/association_work_repository.hpp"

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::NamedRow;
using store::Tx;
using store::Value;

namespace {

constexpr const char* kGroupColumns =
    "id, structure_id, name, mission, description, version, created_by, created_at, updated_by, "
    "updated_at";

GroupRow group_of(const NamedRow& r) {
  GroupRow g;
  g.id = r.integer("id");
  g.structure_id = r.integer("structure_id");
  g.name = r.text("name");
  g.mission = r.text("mission");
  g.description = r.text("description");
  g.version = r.integer("version");
  g.created_by = r.text("created_by");
  g.created_at = r.text("created_at");
  g.updated_by = r.text("updated_by");
  g.updated_at = r.text("updated_at");
  return g;
}

constexpr const char* kMeetingColumns =
    "id, group_id, structure_id, held_on, starts_at, ends_at, place, subject, minutes, version, "
    "created_by, created_at, updated_by, updated_at";

MeetingRow meeting_of(const NamedRow& r) {
  MeetingRow m;
  m.id = r.integer("id");
  m.group_id = r.integer("group_id");
  m.structure_id = r.integer("structure_id");
  m.held_on = r.text("held_on");
  m.starts_at = r.text("starts_at");
  m.ends_at = r.text("ends_at");
  m.place = r.text("place");
  m.subject = r.text("subject");
  m.minutes = r.text("minutes");
  m.version = r.integer("version");
  m.created_by = r.text("created_by");
  m.created_at = r.text("created_at");
  m.updated_by = r.text("updated_by");
  m.updated_at = r.text("updated_at");
  return m;
}

constexpr const char* kRateColumns =
    "year, profession, cents_per_hour, source, unverified, version, updated_by, updated_at";

HourlyRateRow rate_of(const NamedRow& r) {
  HourlyRateRow x;
  x.year = static_cast<int>(r.integer("year"));
  x.profession = r.text("profession");
  x.cents_per_hour = r.integer("cents_per_hour");
  x.source = r.text("source");
  x.unverified = r.boolean("unverified");
  x.version = r.integer("version");
  x.updated_by = r.text("updated_by");
  x.updated_at = r.text("updated_at");
  return x;
}

constexpr const char* kEntryColumns =
    "id, structure_id, member_id, worked_on, minutes, activity, mission, group_id, status, "
    "decided_by, decided_at, decision_note, created_by, created_at, version";

TimeEntryRow entry_of(const NamedRow& r) {
  TimeEntryRow e;
  e.id = r.integer("id");
  e.structure_id = r.integer("structure_id");
  e.member_id = r.integer("member_id");
  e.worked_on = r.text("worked_on");
  e.minutes = static_cast<int>(r.integer("minutes"));
  e.activity = r.text("activity");
  e.mission = r.text("mission");
  e.group_id = r.integer("group_id");
  e.status = r.text("status");
  e.decided_by = r.text("decided_by");
  e.decided_at = r.text("decided_at");
  e.decision_note = r.text("decision_note");
  e.created_by = r.text("created_by");
  e.created_at = r.text("created_at");
  e.version = r.integer("version");
  return e;
}

}  // namespace

Result<std::vector<GroupRow>> WorkRepository::groups(std::int64_t structure_id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kGroupColumns +
                                          " FROM association_groups WHERE structure_id = $1 "
                                          "ORDER BY name, id",
                                      {structure_id}));
  std::vector<GroupRow> out;
  for (NamedRow r : rows.each()) out.push_back(group_of(r));
  return out;
}

Result<std::optional<GroupRow>> WorkRepository::group(std::int64_t structure_id,
                                                      std::int64_t id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kGroupColumns +
                                          " FROM association_groups WHERE structure_id = $1 "
                                          "AND id = $2",
                                      {structure_id, id}));
  if (rows.empty()) return std::optional<GroupRow>{};
  return std::optional<GroupRow>{group_of(rows.named(0))};
}

Result<std::vector<GroupMemberRow>> WorkRepository::group_members(std::int64_t structure_id) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT gm.group_id, gm.member_id, gm.role FROM association_group_members gm "
                 "JOIN association_groups g ON g.id = gm.group_id WHERE g.structure_id = $1 "
                 "ORDER BY gm.group_id, gm.member_id",
                 {structure_id}));
  std::vector<GroupMemberRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("group_id"), r.integer("member_id"), r.text("role")});
  }
  return out;
}

Result<std::vector<MeetingRow>> WorkRepository::meetings(std::int64_t structure_id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kMeetingColumns +
                                          " FROM association_meetings WHERE structure_id = $1 "
                                          "ORDER BY held_on DESC, starts_at DESC, id DESC",
                                      {structure_id}));
  std::vector<MeetingRow> out;
  for (NamedRow r : rows.each()) out.push_back(meeting_of(r));
  return out;
}

Result<std::optional<MeetingRow>> WorkRepository::meeting(std::int64_t structure_id,
                                                          std::int64_t group_id,
                                                          std::int64_t id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kMeetingColumns +
                                          " FROM association_meetings WHERE structure_id = $1 "
                                          "AND group_id = $2 AND id = $3",
                                      {structure_id, group_id, id}));
  if (rows.empty()) return std::optional<MeetingRow>{};
  return std::optional<MeetingRow>{meeting_of(rows.named(0))};
}

Result<std::vector<MeetingAttendanceRow>> WorkRepository::attendance(
    std::int64_t structure_id) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT a.meeting_id, a.member_id, a.presence FROM association_meeting_attendance a "
      "JOIN association_meetings m ON m.id = a.meeting_id WHERE m.structure_id = $1 "
      "ORDER BY a.meeting_id, a.member_id",
      {structure_id}));
  std::vector<MeetingAttendanceRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("meeting_id"), r.integer("member_id"), r.text("presence")});
  }
  return out;
}

Result<std::vector<HourlyRateRow>> WorkRepository::rates(std::int64_t structure_id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kRateColumns +
                                          " FROM association_rates WHERE structure_id = $1 "
                                          "ORDER BY year, profession",
                                      {structure_id}));
  std::vector<HourlyRateRow> out;
  for (NamedRow r : rows.each()) out.push_back(rate_of(r));
  return out;
}

Result<std::vector<HourlyRateRow>> WorkRepository::rates_in(Tx& tx, std::int64_t structure_id) {
  auto rows = MAILLAGE_TRY(tx.query(std::string("SELECT ") + kRateColumns +
                                        " FROM association_rates WHERE structure_id = $1 "
                                        "ORDER BY year, profession",
                                    {structure_id}));
  std::vector<HourlyRateRow> out;
  for (NamedRow r : rows.each()) out.push_back(rate_of(r));
  return out;
}

Result<std::vector<TimeEntryRow>> WorkRepository::entries(std::int64_t structure_id,
                                                          std::int64_t member_id) const {
  std::string sql = std::string("SELECT ") + kEntryColumns +
                    " FROM association_time_entries WHERE structure_id = $1";
  store::Params params{structure_id};
  if (member_id > 0) {
    sql += " AND member_id = $2";
    params.emplace_back(member_id);
  }
  sql += " ORDER BY worked_on, id";
  auto rows = MAILLAGE_TRY(db_->query(sql, params));
  std::vector<TimeEntryRow> out;
  for (NamedRow r : rows.each()) out.push_back(entry_of(r));
  return out;
}

Result<std::int64_t> WorkRepository::insert_group(Tx& tx, std::int64_t structure_id,
                                                  const GroupInput& in, const std::string& by,
                                                  const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO association_groups (structure_id, name, mission, description, version, "
      "created_by, created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6, $5, $6) "
      "RETURNING id",
      {structure_id, in.name, in.mission, in.description, by, at}));
  return rows.named(0).integer("id");
}

Result<bool> WorkRepository::update_group(Tx& tx, std::int64_t structure_id, std::int64_t id,
                                          const GroupInput& in, const std::string& by,
                                          const std::string& at) {
  const std::int64_t n = MAILLAGE_TRY(tx.exec(
      "UPDATE association_groups SET name = $3, mission = $4, description = $5, version = "
      "version + 1, updated_by = $6, updated_at = $7 WHERE structure_id = $1 AND id = $2 AND "
      "version = $8",
      {structure_id, id, in.name, in.mission, in.description, by, at, in.expected_version}));
  return n == 1;
}

Status WorkRepository::replace_group_members(Tx& tx, std::int64_t group_id,
                                             const std::vector<GroupMemberInput>& members) {
  MAILLAGE_TRY(tx.exec("DELETE FROM association_group_members WHERE group_id = $1", {group_id}));
  for (const auto& m : members) {
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO association_group_members (group_id, member_id, role) VALUES ($1, $2, $3)",
        {group_id, m.member_id, m.role}));
  }
  return {};
}

Result<std::int64_t> WorkRepository::insert_meeting(Tx& tx, std::int64_t structure_id,
                                                    std::int64_t group_id, const MeetingInput& in,
                                                    const std::string& by, const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO association_meetings (group_id, structure_id, held_on, starts_at, ends_at, "
      "place, subject, minutes, version, created_by, created_at, updated_by, updated_at) VALUES "
      "($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $9, $10) RETURNING id",
      {group_id, structure_id, in.held_on, in.starts_at, in.ends_at, in.place, in.subject,
       in.minutes, by, at}));
  return rows.named(0).integer("id");
}

Result<bool> WorkRepository::update_meeting(Tx& tx, std::int64_t group_id, std::int64_t id,
                                            const MeetingInput& in, const std::string& by,
                                            const std::string& at) {
  const std::int64_t n = MAILLAGE_TRY(tx.exec(
      "UPDATE association_meetings SET held_on = $3, starts_at = $4, ends_at = $5, place = $6, "
      "subject = $7, minutes = $8, version = version + 1, updated_by = $9, updated_at = $10 "
      "WHERE group_id = $1 AND id = $2 AND version = $11",
      {group_id, id, in.held_on, in.starts_at, in.ends_at, in.place, in.subject, in.minutes, by, at,
       in.expected_version}));
  return n == 1;
}

Status WorkRepository::replace_attendance(Tx& tx, std::int64_t meeting_id,
                                          const std::vector<AttendanceInput>& attendance) {
  MAILLAGE_TRY(
      tx.exec("DELETE FROM association_meeting_attendance WHERE meeting_id = $1", {meeting_id}));
  for (const auto& a : attendance) {
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO association_meeting_attendance (meeting_id, member_id, presence) VALUES "
        "($1, $2, $3)",
        {meeting_id, a.member_id, a.presence}));
  }
  return {};
}

Result<std::int64_t> WorkRepository::group_time_entries(Tx& tx, std::int64_t group_id) {
  auto rows = MAILLAGE_TRY(tx.query(
      "SELECT COUNT(*) AS n FROM association_time_entries WHERE group_id = $1", {group_id}));
  return rows.named(0).integer("n");
}

Result<bool> WorkRepository::delete_group(Tx& tx, std::int64_t structure_id, std::int64_t id,
                                          std::int64_t expected_version) {
  // The version check first, so that a stale page deletes nothing.
  const std::int64_t n = MAILLAGE_TRY(
      tx.exec("UPDATE association_groups SET version = version + 1 WHERE structure_id = $1 AND "
              "id = $2 AND version = $3",
              {structure_id, id, expected_version}));
  if (n != 1) return false;
  MAILLAGE_TRY(
      tx.exec("DELETE FROM association_meeting_attendance WHERE meeting_id IN (SELECT id FROM "
              "association_meetings WHERE group_id = $1)",
              {id}));
  MAILLAGE_TRY(tx.exec("DELETE FROM association_meetings WHERE group_id = $1", {id}));
  MAILLAGE_TRY(tx.exec("DELETE FROM association_group_members WHERE group_id = $1", {id}));
  MAILLAGE_TRY(tx.exec("DELETE FROM association_groups WHERE id = $1", {id}));
  return true;
}

Result<bool> WorkRepository::delete_meeting(Tx& tx, std::int64_t group_id, std::int64_t id,
                                            std::int64_t expected_version) {
  const std::int64_t n = MAILLAGE_TRY(
      tx.exec("UPDATE association_meetings SET version = version + 1 WHERE group_id = $1 AND "
              "id = $2 AND version = $3",
              {group_id, id, expected_version}));
  if (n != 1) return false;
  MAILLAGE_TRY(tx.exec("DELETE FROM association_meeting_attendance WHERE meeting_id = $1", {id}));
  MAILLAGE_TRY(tx.exec("DELETE FROM association_meetings WHERE id = $1", {id}));
  return true;
}

Result<bool> WorkRepository::upsert_rate(Tx& tx, std::int64_t structure_id, const RateInput& in,
                                         const std::string& by, const std::string& at) {
  if (in.expected_version == 0) {
    auto existing = MAILLAGE_TRY(
        tx.query("SELECT version FROM association_rates WHERE structure_id = $1 AND year = $2 AND "
                 "profession = $3",
                 {structure_id, std::int64_t{in.year}, in.profession}));
    if (!existing.empty()) return false;
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO association_rates (structure_id, year, profession, cents_per_hour, source, "
        "unverified, version, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)",
        {structure_id, std::int64_t{in.year}, in.profession, in.cents_per_hour, in.source,
         std::int64_t{in.unverified ? 1 : 0}, by, at}));
    return true;
  }
  const std::int64_t n = MAILLAGE_TRY(tx.exec(
      "UPDATE association_rates SET cents_per_hour = $4, source = $5, unverified = $6, version = "
      "version + 1, updated_by = $7, updated_at = $8 WHERE structure_id = $1 AND year = $2 AND "
      "profession = $3 AND version = $9",
      {structure_id, std::int64_t{in.year}, in.profession, in.cents_per_hour, in.source,
       std::int64_t{in.unverified ? 1 : 0}, by, at, in.expected_version}));
  return n == 1;
}

Result<std::vector<TimeEntryRow>> WorkRepository::member_entries(Tx& tx, std::int64_t structure_id,
                                                                 std::int64_t member_id) {
  // Takes the member's row lock first (PostgreSQL): two writes for the same member cannot both
  // pass the cap check on the same total.
  MAILLAGE_TRY(tx.exec("UPDATE association_members SET id = id WHERE structure_id = $1 AND id = $2",
                       {structure_id, member_id}));
  auto rows = MAILLAGE_TRY(tx.query(std::string("SELECT ") + kEntryColumns +
                                        " FROM association_time_entries WHERE structure_id = $1 "
                                        "AND member_id = $2 ORDER BY worked_on, id",
                                    {structure_id, member_id}));
  std::vector<TimeEntryRow> out;
  for (NamedRow r : rows.each()) out.push_back(entry_of(r));
  return out;
}

Result<std::optional<TimeEntryRow>> WorkRepository::entry(Tx& tx, std::int64_t structure_id,
                                                          std::int64_t id) {
  auto rows = MAILLAGE_TRY(tx.query(std::string("SELECT ") + kEntryColumns +
                                        " FROM association_time_entries WHERE structure_id = $1 "
                                        "AND id = $2",
                                    {structure_id, id}));
  if (rows.empty()) return std::optional<TimeEntryRow>{};
  return std::optional<TimeEntryRow>{entry_of(rows.named(0))};
}

Result<std::int64_t> WorkRepository::insert_entry(Tx& tx, std::int64_t structure_id,
                                                  std::int64_t member_id, const TimeEntryInput& in,
                                                  const std::string& by, const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO association_time_entries (structure_id, member_id, worked_on, minutes, "
      "activity, mission, group_id, status, created_by, created_at, version, updated_by, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, 1, $8, $9) RETURNING id",
      {structure_id, member_id, in.worked_on, std::int64_t{in.minutes}, in.activity, in.mission,
       in.group_id > 0 ? Value{in.group_id} : Value{nullptr}, by, at}));
  return rows.named(0).integer("id");
}

Result<bool> WorkRepository::update_entry(Tx& tx, std::int64_t id, const TimeEntryInput& in,
                                          std::int64_t expected_version, const std::string& by,
                                          const std::string& at) {
  const std::int64_t n = MAILLAGE_TRY(tx.exec(
      "UPDATE association_time_entries SET worked_on = $2, minutes = $3, activity = $4, mission "
      "= $5, group_id = $6, version = version + 1, updated_by = $7, updated_at = $8 WHERE id = "
      "$1 AND version = $9 AND status = 'pending'",
      {id, in.worked_on, std::int64_t{in.minutes}, in.activity, in.mission,
       in.group_id > 0 ? Value{in.group_id} : Value{nullptr}, by, at, expected_version}));
  return n == 1;
}

Result<bool> WorkRepository::delete_entry(Tx& tx, std::int64_t id, std::int64_t expected_version) {
  const std::int64_t n = MAILLAGE_TRY(
      tx.exec("DELETE FROM association_time_entries WHERE id = $1 AND version = $2 AND status = "
              "'pending'",
              {id, expected_version}));
  return n == 1;
}

Result<bool> WorkRepository::decide(Tx& tx, std::int64_t id, const std::string& status,
                                    const std::string& note, std::int64_t expected_version,
                                    const std::string& by, const std::string& at) {
  const std::int64_t n = MAILLAGE_TRY(tx.exec(
      "UPDATE association_time_entries SET status = $2, decision_note = $3, decided_by = $4, "
      "decided_at = $5, version = version + 1, updated_by = $4, updated_at = $5 WHERE id = $1 "
      "AND version = $6",
      {id, status, note, by, at, expected_version}));
  return n == 1;
}

}  // namespace maillage::services
