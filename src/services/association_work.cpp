// Working groups of an association and their meetings (see association_work.hpp): groups with
// their ACI mission and members, meetings with attendance and minutes, and the meetings as
// calendar events. Time and indemnities are in association_time.cpp.
#include "services/association_work.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "aci/rules.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "services/association_internal.hpp"
#include "services/association_repository.hpp"
#include "services/association_work_internal.hpp"
#include "services/association_work_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::AuditDetail;
using store::Tx;

const std::vector<Choice>& association_aci_missions() {
  // The shipped CPTS rules, every accord version (a mission added by an avenant), loaded once.
  static const std::vector<Choice> missions = [] {
    std::vector<Choice> out;
    auto book = aci::load_rulebook(aci::builtin_rule_files());
    if (!book) return out;
    std::set<std::string> seen;
    for (const auto& a : book->accords) {
      if (a.kind != aci::AccordKind::cpts) continue;
      for (const auto& m : a.missions) {
        if (seen.insert(m.id).second) out.push_back({m.id, m.label});
      }
    }
    return out;
  }();
  return missions;
}

namespace work {

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

bool valid_time(const std::string& t) {
  if (t.size() != 5 || t[2] != ':') return false;
  for (int i : {0, 1, 3, 4}) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  return std::stoi(t.substr(0, 2)) < 24 && std::stoi(t.substr(3, 2)) < 60;
}

std::string mission_label(const std::string& id) {
  if (id.empty()) return "";
  return association_label(association_aci_missions(), id);
}

tl::unexpected<Error> managers_only(const std::string& what) {
  return fail(ErrorCode::forbidden,
              what + " : réservé à la coordination et au bureau de l'association.");
}

Result<std::map<std::int64_t, MemberRow>> members_by_id(store::Database& db,
                                                        std::int64_t structure_id) {
  std::map<std::int64_t, MemberRow> out;
  const AssociationRepository repo(db);
  for (auto& m : MAILLAGE_TRY(repo.members(structure_id))) out.emplace(m.id, std::move(m));
  return out;
}

std::string member_name(const std::map<std::int64_t, MemberRow>& members, std::int64_t id) {
  auto it = members.find(id);
  return it == members.end() ? fmt::format("membre n° {}", id)
                             : assoc::display_name(it->second.data);
}

std::vector<Choice> candidates(const std::map<std::int64_t, MemberRow>& members, bool persons) {
  std::vector<Choice> out;
  for (const auto& [id, m] : members) {
    if (!m.data.radiated.empty()) continue;
    if (persons && m.data.kind != "person") continue;
    std::string label = assoc::display_name(m.data);
    if (!m.data.profession.empty()) {
      label += " — " + association_label(association_professions(), m.data.profession);
    }
    out.push_back({std::to_string(id), label});
  }
  std::sort(out.begin(), out.end(),
            [](const Choice& a, const Choice& b) { return a.label < b.label; });
  return out;
}

}  // namespace work

namespace {

using work::member_name;
using work::trim;

tl::unexpected<Error> not_found_group() {
  return fail(ErrorCode::not_found, "Ce groupe de travail n'existe pas dans cette association.",
              "groupe");
}

tl::unexpected<Error> pilots_only() {
  return fail(ErrorCode::forbidden,
              "Les réunions d'un groupe de travail se saisissent par la coordination, le bureau "
              "ou les pilotes de ce groupe.");
}

tl::unexpected<Error> not_found_meeting() {
  return fail(ErrorCode::not_found, "Cette réunion n'existe pas dans ce groupe de travail.",
              "reunion");
}

std::string role_label(const std::string& role) { return role == "pilote" ? "pilote" : "membre"; }

std::string presence_label(const std::string& p) {
  if (p == "present") return "présent";
  if (p == "excused") return "excusé";
  return "absent";
}

Status check_group(GroupInput& in, const std::map<std::int64_t, MemberRow>& members) {
  in.name = trim(in.name);
  in.description = trim(in.description);
  if (in.name.empty()) return fail(ErrorCode::invalid_input, "Donnez un nom au groupe.", "name");
  if (in.name.size() > 200) {
    return fail(ErrorCode::invalid_input, "200 caractères au plus.", "name");
  }
  if (in.description.size() > 5000) {
    return fail(ErrorCode::invalid_input, "5 000 caractères au plus.", "description");
  }
  if (!in.mission.empty()) {
    const auto& missions = association_aci_missions();
    if (std::none_of(missions.begin(), missions.end(),
                     [&](const Choice& c) { return c.id == in.mission; })) {
      return fail(ErrorCode::invalid_input, "Mission de l'ACI inconnue : « " + in.mission + " ».",
                  "mission");
    }
  }
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < in.members.size(); ++i) {
    auto& m = in.members[i];
    const std::string field = fmt::format("members[{}]", i);
    auto it = members.find(m.member_id);
    if (it == members.end()) {
      return fail(ErrorCode::invalid_input, "Ce membre n'est pas membre de l'association.",
                  field + ".member_id");
    }
    if (!it->second.data.radiated.empty()) {
      return fail(ErrorCode::invalid_input,
                  assoc::display_name(it->second.data) + " est radié(e) de l'association.",
                  field + ".member_id");
    }
    if (!seen.insert(m.member_id).second) {
      return fail(ErrorCode::invalid_input,
                  assoc::display_name(it->second.data) + " figure deux fois dans le groupe.",
                  field + ".member_id");
    }
    if (m.role.empty()) m.role = "membre";
    if (m.role != "pilote" && m.role != "membre") {
      return fail(ErrorCode::invalid_input, "Rôle : pilote ou membre.", field + ".role");
    }
  }
  return {};
}

Status check_meeting(MeetingInput& in, const std::set<std::int64_t>& group_members) {
  in.place = trim(in.place);
  in.subject = trim(in.subject);
  if (!parse_date(in.held_on)) {
    return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", "held_on");
  }
  if (!work::valid_time(in.starts_at)) {
    return fail(ErrorCode::invalid_input, "Heure de début attendue au format HH:MM.", "starts_at");
  }
  if (!work::valid_time(in.ends_at) || in.ends_at <= in.starts_at) {
    return fail(ErrorCode::invalid_input, "Heure de fin au format HH:MM, après le début.",
                "ends_at");
  }
  if (in.place.size() > 300)
    return fail(ErrorCode::invalid_input, "300 caractères au plus.", "place");
  if (in.subject.size() > 500) {
    return fail(ErrorCode::invalid_input, "500 caractères au plus.", "subject");
  }
  if (in.minutes.size() > 100000) {
    return fail(ErrorCode::invalid_input, "100 000 caractères au plus.", "minutes");
  }
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < in.attendance.size(); ++i) {
    const auto& a = in.attendance[i];
    const std::string field = fmt::format("attendance[{}]", i);
    if (!group_members.count(a.member_id)) {
      return fail(ErrorCode::invalid_input, "Ce membre ne fait pas partie du groupe.",
                  field + ".member_id");
    }
    if (!seen.insert(a.member_id).second) {
      return fail(ErrorCode::invalid_input, "Présence donnée deux fois pour ce membre.",
                  field + ".member_id");
    }
    if (a.presence != "present" && a.presence != "excused" && a.presence != "absent") {
      return fail(ErrorCode::invalid_input, "Présence : présent, excusé ou absent.",
                  field + ".presence");
    }
  }
  return {};
}

// Everything the group pages need, read once.
struct Loaded {
  std::vector<GroupRow> groups;
  std::vector<GroupMemberRow> group_members;
  std::vector<MeetingRow> meetings;
  std::vector<MeetingAttendanceRow> attendance;
  std::map<std::int64_t, MemberRow> members;
};

// Whether `who` is a member whose record is pilote of the group (the bureau and the coordination
// have the manage level instead).
Result<bool> pilot_of(store::Database& db, const Principal& who, std::int64_t structure_id,
                      std::int64_t group_id, const std::vector<GroupMemberRow>& group_members) {
  if (who.role != Role::member) return false;
  const AssociationRepository members(db);
  auto me = MAILLAGE_TRY(members.member_by_email(structure_id, who.login));
  if (!me) return false;
  for (const auto& gm : group_members) {
    if (gm.group_id == group_id && gm.member_id == me->id && gm.role == "pilote") return true;
  }
  return false;
}

Result<Loaded> load(store::Database& db, std::int64_t structure_id) {
  const WorkRepository repo(db);
  Loaded l;
  l.groups = MAILLAGE_TRY(repo.groups(structure_id));
  l.group_members = MAILLAGE_TRY(repo.group_members(structure_id));
  l.meetings = MAILLAGE_TRY(repo.meetings(structure_id));
  l.attendance = MAILLAGE_TRY(repo.attendance(structure_id));
  l.members = MAILLAGE_TRY(work::members_by_id(db, structure_id));
  return l;
}

MeetingSummary meeting_summary(const MeetingRow& m, const Loaded& l) {
  MeetingSummary s;
  s.id = m.id;
  s.group_id = m.group_id;
  s.held_on = m.held_on;
  s.starts_at = m.starts_at;
  s.ends_at = m.ends_at;
  s.place = m.place;
  s.subject = m.subject;
  s.has_minutes = !m.minutes.empty();
  s.version = m.version;
  std::set<std::int64_t> marked;
  for (const auto& a : l.attendance) {
    if (a.meeting_id != m.id) continue;
    marked.insert(a.member_id);
    if (a.presence == "present") ++s.present;
    if (a.presence == "excused") ++s.excused;
    if (a.presence == "absent") ++s.absent;
  }
  // Group members without a mark are absent.
  for (const auto& gm : l.group_members) {
    if (gm.group_id == m.group_id && !marked.count(gm.member_id)) ++s.absent;
  }
  return s;
}

GroupSummary group_summary(const GroupRow& g, const Loaded& l, bool names) {
  GroupSummary s;
  s.id = g.id;
  s.name = g.name;
  s.mission = g.mission;
  s.mission_label = work::mission_label(g.mission);
  s.description = g.description;
  s.version = g.version;
  s.updated_by = names ? g.updated_by : "";
  s.updated_at = g.updated_at;
  std::vector<std::string> pilots;
  for (const auto& gm : l.group_members) {
    if (gm.group_id != g.id) continue;
    ++s.members;
    if (gm.role == "pilote") pilots.push_back(member_name(l.members, gm.member_id));
  }
  if (names) {
    std::sort(pilots.begin(), pilots.end());
    for (const auto& p : pilots) s.pilots += (s.pilots.empty() ? "" : ", ") + p;
  }
  const std::string today = format_date(today_utc());
  for (const auto& m : l.meetings) {
    if (m.group_id != g.id) continue;
    ++s.meetings;
    if (m.held_on >= today && (s.next_meeting.empty() || m.held_on < s.next_meeting)) {
      s.next_meeting = m.held_on;
    }
  }
  return s;
}

CalendarEvent meeting_event(const MeetingRow& m, const GroupRow& g,
                            const std::string& structure_name) {
  CalendarEvent e;
  e.uid = fmt::format("reunion-{}-structure-{}@maillage", m.id, m.structure_id);
  e.day = m.held_on;
  e.start = m.starts_at;
  e.end = m.ends_at;
  e.summary = "Groupe de travail « " + g.name + " » — " + structure_name;
  e.location = m.place;
  e.description = m.subject.empty() ? g.name : m.subject;
  if (!g.mission.empty()) e.description += "\nMission : " + work::mission_label(g.mission);
  return e;
}

}  // namespace

// Groups ------------------------------------------------------------------------------------------

Result<GroupList> AssociationWork::groups(const Principal& who, std::int64_t structure_id) const {
  GroupList out;
  out.statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  const bool names = out.statuts.access != AssociationAccess::aggregate;
  const Loaded l = MAILLAGE_TRY(load(*db_, structure_id));
  for (const auto& g : l.groups) out.groups.push_back(group_summary(g, l, names));
  out.missions = association_aci_missions();
  if (out.statuts.access == AssociationAccess::manage) {
    out.candidates = work::candidates(l.members, false);
  }
  return out;
}

Result<GroupView> AssociationWork::group(const Principal& who, std::int64_t structure_id,
                                         std::int64_t group_id) const {
  GroupView v;
  v.statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  const bool names = v.statuts.access != AssociationAccess::aggregate;
  const Loaded l = MAILLAGE_TRY(load(*db_, structure_id));
  const GroupRow* g = nullptr;
  for (const auto& x : l.groups) {
    if (x.id == group_id) g = &x;
  }
  if (g == nullptr) return not_found_group();
  v.group = group_summary(*g, l, names);
  if (names) {
    for (const auto& gm : l.group_members) {
      if (gm.group_id != group_id) continue;
      GroupMemberView m;
      m.member_id = gm.member_id;
      m.name = member_name(l.members, gm.member_id);
      m.role = gm.role;
      m.role_label = role_label(gm.role);
      auto it = l.members.find(gm.member_id);
      if (it != l.members.end()) {
        m.profession_label =
            it->second.data.kind == "person"
                ? association_label(association_professions(), it->second.data.profession)
                : association_label(association_legal_kinds(), it->second.data.legal_kind);
      }
      v.members.push_back(std::move(m));
    }
    std::sort(v.members.begin(), v.members.end(),
              [](const GroupMemberView& a, const GroupMemberView& b) {
                if ((a.role == "pilote") != (b.role == "pilote")) return a.role == "pilote";
                return a.name < b.name;
              });
  }
  for (const auto& m : l.meetings) {
    if (m.group_id == group_id) v.meetings.push_back(meeting_summary(m, l));
  }
  v.missions = association_aci_missions();
  const bool manage = v.statuts.access == AssociationAccess::manage;
  if (manage) {
    v.candidates = work::candidates(l.members, false);
    for (const auto& e : MAILLAGE_TRY(WorkRepository(*db_).entries(structure_id))) {
      v.time_entries += e.group_id == group_id ? 1 : 0;
    }
    std::set<std::int64_t> own_meetings;
    for (const auto& m : l.meetings) {
      if (m.group_id == group_id) own_meetings.insert(m.id);
    }
    for (const auto& a : l.attendance) v.attendance_marks += own_meetings.count(a.meeting_id);
  }
  v.can_edit_meetings =
      manage || (v.statuts.access == AssociationAccess::own &&
                 MAILLAGE_TRY(pilot_of(*db_, who, structure_id, group_id, l.group_members)));
  return v;
}

Result<GroupView> AssociationWork::create_group(const Principal& who, std::int64_t structure_id,
                                                const GroupInput& raw) {
  auto statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  if (statuts.access != AssociationAccess::manage) {
    return work::managers_only("Les groupes de travail");
  }
  GroupInput in = raw;
  MAILLAGE_CHECK(check_group(in, MAILLAGE_TRY(work::members_by_id(*db_, structure_id))));
  const std::string at = store::timestamp_now();
  std::int64_t id = 0;
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        id = MAILLAGE_TRY(WorkRepository::insert_group(tx, structure_id, in, who.login, at));
        MAILLAGE_CHECK(WorkRepository::replace_group_members(tx, id, in.members));
        return store::audit(
            tx, {who.login, "association.group.create", "association_group", std::to_string(id), "",
                 AuditDetail{}
                     .add("structure", structure_id)
                     .add("name", in.name)
                     .add("mission", in.mission)
                     .add("members", in.members.size())
                     .json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  return group(who, structure_id, id);
}

Result<GroupView> AssociationWork::update_group(const Principal& who, std::int64_t structure_id,
                                                std::int64_t group_id, const GroupInput& raw) {
  auto current = MAILLAGE_TRY(group(who, structure_id, group_id));
  if (current.statuts.access != AssociationAccess::manage) {
    return work::managers_only("Les groupes de travail");
  }
  GroupInput in = raw;
  MAILLAGE_CHECK(check_group(in, MAILLAGE_TRY(work::members_by_id(*db_, structure_id))));
  const std::string at = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        if (!MAILLAGE_TRY(
                WorkRepository::update_group(tx, structure_id, group_id, in, who.login, at))) {
          return fail(ErrorCode::conflict,
                      "Ce groupe a été modifié entre-temps : rechargez la page avant "
                      "d'enregistrer.",
                      "version");
        }
        MAILLAGE_CHECK(WorkRepository::replace_group_members(tx, group_id, in.members));
        return store::audit(
            tx,
            {who.login, "association.group.update", "association_group", std::to_string(group_id),
             AuditDetail{}
                 .add("name", current.group.name)
                 .add("members", current.members.size())
                 .json(),
             AuditDetail{}.add("name", in.name).add("members", in.members.size()).json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  return group(who, structure_id, group_id);
}

// Meetings ----------------------------------------------------------------------------------------

Result<MeetingView> AssociationWork::meeting(const Principal& who, std::int64_t structure_id,
                                             std::int64_t group_id, std::int64_t meeting_id) const {
  MeetingView v;
  v.statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  const bool names = v.statuts.access != AssociationAccess::aggregate;
  const Loaded l = MAILLAGE_TRY(load(*db_, structure_id));
  const GroupRow* g = nullptr;
  for (const auto& x : l.groups) {
    if (x.id == group_id) g = &x;
  }
  if (g == nullptr) return not_found_group();
  const MeetingRow* m = nullptr;
  for (const auto& x : l.meetings) {
    if (x.id == meeting_id && x.group_id == group_id) m = &x;
  }
  if (m == nullptr) return not_found_meeting();
  v.group = group_summary(*g, l, names);
  v.meeting = meeting_summary(*m, l);
  v.created_at = m->created_at;
  v.updated_at = m->updated_at;
  if (names) {
    v.minutes = m->minutes;
    v.created_by = m->created_by;
    v.updated_by = m->updated_by;
    std::map<std::int64_t, std::string> marks;
    for (const auto& a : l.attendance) {
      if (a.meeting_id == meeting_id) marks[a.member_id] = a.presence;
    }
    for (const auto& gm : l.group_members) {
      if (gm.group_id != group_id) continue;
      MeetingAttendanceView a;
      a.member_id = gm.member_id;
      a.name = member_name(l.members, gm.member_id);
      a.role_label = role_label(gm.role);
      a.presence = marks.count(gm.member_id) ? marks[gm.member_id] : "absent";
      a.presence_label = presence_label(a.presence);
      v.attendance.push_back(std::move(a));
    }
    std::sort(v.attendance.begin(), v.attendance.end(),
              [](const MeetingAttendanceView& a, const MeetingAttendanceView& b) {
                return a.name < b.name;
              });
  }
  v.can_delete = v.statuts.access == AssociationAccess::manage;
  v.can_edit =
      v.can_delete || (v.statuts.access == AssociationAccess::own &&
                       MAILLAGE_TRY(pilot_of(*db_, who, structure_id, group_id, l.group_members)));
  return v;
}

Result<MeetingView> AssociationWork::create_meeting(const Principal& who, std::int64_t structure_id,
                                                    std::int64_t group_id,
                                                    const MeetingInput& raw) {
  auto g = MAILLAGE_TRY(group(who, structure_id, group_id));
  if (!g.can_edit_meetings) return pilots_only();
  std::set<std::int64_t> in_group;
  for (const auto& m : g.members) in_group.insert(m.member_id);
  MeetingInput in = raw;
  MAILLAGE_CHECK(check_meeting(in, in_group));
  const std::string at = store::timestamp_now();
  std::int64_t id = 0;
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        id = MAILLAGE_TRY(
            WorkRepository::insert_meeting(tx, structure_id, group_id, in, who.login, at));
        MAILLAGE_CHECK(WorkRepository::replace_attendance(tx, id, in.attendance));
        return store::audit(tx, {who.login, "association.meeting.create", "association_meeting",
                                 std::to_string(id), "",
                                 AuditDetail{}
                                     .add("structure", structure_id)
                                     .add("group", group_id)
                                     .add("held_on", in.held_on)
                                     .json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  return meeting(who, structure_id, group_id, id);
}

Result<MeetingView> AssociationWork::update_meeting(const Principal& who, std::int64_t structure_id,
                                                    std::int64_t group_id, std::int64_t meeting_id,
                                                    const MeetingInput& raw) {
  auto current = MAILLAGE_TRY(meeting(who, structure_id, group_id, meeting_id));
  if (!current.can_edit) return pilots_only();
  std::set<std::int64_t> in_group;
  for (const auto& a : current.attendance) in_group.insert(a.member_id);
  MeetingInput in = raw;
  MAILLAGE_CHECK(check_meeting(in, in_group));
  const std::string at = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        if (!MAILLAGE_TRY(
                WorkRepository::update_meeting(tx, group_id, meeting_id, in, who.login, at))) {
          return fail(ErrorCode::conflict,
                      "Cette réunion a été modifiée entre-temps : rechargez la page avant "
                      "d'enregistrer.",
                      "version");
        }
        MAILLAGE_CHECK(WorkRepository::replace_attendance(tx, meeting_id, in.attendance));
        int present = 0;
        for (const auto& a : in.attendance) present += a.presence == "present" ? 1 : 0;
        return store::audit(tx, {who.login, "association.meeting.update", "association_meeting",
                                 std::to_string(meeting_id), "",
                                 AuditDetail{}
                                     .add("held_on", in.held_on)
                                     .add("present", present)
                                     .add("minutes", !in.minutes.empty())
                                     .json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  return meeting(who, structure_id, group_id, meeting_id);
}

Status AssociationWork::delete_meeting(const Principal& who, std::int64_t structure_id,
                                       std::int64_t group_id, std::int64_t meeting_id,
                                       std::int64_t expected_version) {
  auto current = MAILLAGE_TRY(meeting(who, structure_id, group_id, meeting_id));
  if (!current.can_delete) return work::managers_only("La suppression d'une réunion");
  return db_->transact([&](Tx& tx) -> Status {
    if (!MAILLAGE_TRY(WorkRepository::delete_meeting(tx, group_id, meeting_id, expected_version))) {
      return fail(ErrorCode::conflict,
                  "Cette réunion a été modifiée entre-temps : rechargez la page avant de la "
                  "supprimer.",
                  "version");
    }
    return store::audit(tx, {who.login, "association.meeting.delete", "association_meeting",
                             std::to_string(meeting_id),
                             AuditDetail{}
                                 .add("structure", structure_id)
                                 .add("group", group_id)
                                 .add("held_on", current.meeting.held_on)
                                 .add("subject", current.meeting.subject)
                                 .add("present", current.meeting.present)
                                 .add("minutes", !current.minutes.empty())
                                 .json(),
                             "", structure_id});
  });
}

Status AssociationWork::delete_group(const Principal& who, std::int64_t structure_id,
                                     std::int64_t group_id, std::int64_t expected_version) {
  auto current = MAILLAGE_TRY(group(who, structure_id, group_id));
  if (current.statuts.access != AssociationAccess::manage) {
    return work::managers_only("La suppression d'un groupe de travail");
  }
  return db_->transact([&](Tx& tx) -> Status {
    // Counted inside the transaction: an entry recorded meanwhile still blocks the deletion.
    const std::int64_t entries = MAILLAGE_TRY(WorkRepository::group_time_entries(tx, group_id));
    if (entries > 0) {
      return fail(ErrorCode::invalid_transition,
                  fmt::format("{} saisie{} de temps {} ce groupe : le relevé et l'export "
                              "comptable des indemnités le citent, il ne peut pas être supprimé. "
                              "Une saisie en attente peut être retirée ou rattachée à un autre "
                              "groupe ; une saisie validée ou refusée garde le sien.",
                              entries, entries > 1 ? "s" : "", entries > 1 ? "citent" : "cite"),
                  "groupe");
    }
    if (!MAILLAGE_TRY(WorkRepository::delete_group(tx, structure_id, group_id, expected_version))) {
      return fail(ErrorCode::conflict,
                  "Ce groupe a été modifié entre-temps : rechargez la page avant de le supprimer.",
                  "version");
    }
    return store::audit(
        tx, {who.login, "association.group.delete", "association_group", std::to_string(group_id),
             AuditDetail{}
                 .add("structure", structure_id)
                 .add("name", current.group.name)
                 .add("members", current.group.members)
                 .add("meetings", current.group.meetings)
                 .add("attendance_marks", current.attendance_marks)
                 .json(),
             "", structure_id});
  });
}

Result<std::vector<CalendarEvent>> AssociationWork::events(const Principal& who,
                                                           std::int64_t structure_id,
                                                           std::optional<std::int64_t> only) const {
  auto statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  const WorkRepository repo(*db_);
  const auto groups = MAILLAGE_TRY(repo.groups(structure_id));
  const auto meetings = MAILLAGE_TRY(repo.meetings(structure_id));
  std::map<std::int64_t, const GroupRow*> by_id;
  for (const auto& g : groups) by_id[g.id] = &g;
  std::vector<CalendarEvent> out;
  for (const auto& m : meetings) {
    if (only && m.id != *only) continue;
    auto it = by_id.find(m.group_id);
    if (it == by_id.end()) continue;
    out.push_back(meeting_event(m, *it->second, statuts.structure_name));
  }
  if (only && out.empty()) return not_found_meeting();
  return out;
}

}  // namespace maillage::services
