// Working groups and members' time on both backends (small référentiel of the API tests): groups
// with their ACI mission and members, meetings with attendance and minutes, the calendar; hourly
// rates per profession and year, time entries refused past the PASS at recording and at
// validation (with what remains), a rate change between years, the yearly statement and its ODT,
// the accountant's lines; who sees what (a member sees only their own entries, the ROC totals
// only) and optimistic versions.
#include "services/association_work.hpp"

#include <gtest/gtest.h>

#include "common/dates.hpp"
#include "http/test_referentiel.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

using store::Backend;

class WorkTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    ref_ = testing::small_referentiel();
    association_ = std::make_unique<Association>(*db_, ref_);
    work_ = std::make_unique<AssociationWork>(*db_, *association_);
    cpts_ = structure("CPTS du Pays messin (test)", "57");
    other_ = structure("CPTS de Paris (test)", "75");
    coord_ = Principal{1, "coord@exemple.fr", "Coordination", Role::coordinator, {}, {}, {cpts_}};
    roc_ = Principal{2, "roc@exemple.fr", "ROC", Role::roc, {"57"}, {}, {}};
    marie_ = Principal{3, "marie.durand@exemple.fr", "Marie Durand", Role::member, {}, {}, {cpts_}};
    paris_ = Principal{
        4, "coord75@exemple.fr", "Coordination Paris", Role::coordinator, {}, {}, {other_}};
    StatutsInput s;
    s.colleges = {{"medecins", "Médecins", 1, 1, {"10"}, {}},
                  {"autres", "Autres professions de santé", 1, 1, {"60", "70", "21"}, {}},
                  {"structures", "Structures", 1, 1, {}, {"pharmacie", "ehpad", "autre"}}};
    auto saved = association_->save_statuts(coord_, cpts_, s);
    ASSERT_TRUE(saved) << saved.error().describe();
    martin_ = person("Martin", "10", "paul@exemple.fr");
    durand_ = person("Durand", "60", "marie.durand@exemple.fr");
    blanc_ = person("Blanc", "70", "blanc@exemple.fr");
  }
  void TearDown() override {
    work_.reset();
    association_.reset();
    db_.reset();
    scratch_.reset();
  }

  std::int64_t structure(const std::string& name, const std::string& dep) {
    std::int64_t id = 0;
    EXPECT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
      auto r = tx.query(
          "INSERT INTO structures (kind, name, departement, stage, created_at, updated_at) "
          "VALUES ('CPTS', $1, $2, 'projet', 'T', 'T') RETURNING id",
          {name, dep});
      if (!r) return tl::unexpected(r.error());
      id = r->rows.at(0).integer(0);
      return {};
    }));
    return id;
  }

  std::int64_t person(const std::string& last, const std::string& profession,
                      const std::string& email) {
    MemberInput m;
    m.last_name = last;
    m.first_name = "A";
    m.profession = profession;
    m.email = email;
    m.joined = "2024-01-10";
    auto r = association_->create_member(coord_, cpts_, m);
    EXPECT_TRUE(r) << r.error().describe();
    return r ? r->member.id : 0;
  }

  RateView rate(int year, const std::string& profession, std::int64_t cents,
                std::int64_t version = 0) {
    auto r = work_->set_rate(
        coord_, cpts_,
        {year, profession, cents, "Décision du bureau du 12 janvier", false, version});
    EXPECT_TRUE(r) << r.error().describe();
    return r ? *r : RateView{};
  }

  Result<TimeEntryView> record(const Principal& who, std::int64_t member, const std::string& day,
                               int minutes) {
    TimeEntryInput in;
    in.member_id = member;
    in.worked_on = day;
    in.minutes = minutes;
    in.activity = "Groupe parcours diabète";
    in.mission = "parcours";
    return work_->record_time(who, cpts_, in);
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel ref_;
  std::unique_ptr<Association> association_;
  std::unique_ptr<AssociationWork> work_;
  std::int64_t cpts_ = 0, other_ = 0, martin_ = 0, durand_ = 0, blanc_ = 0;
  Principal coord_, roc_, marie_, paris_;
};

TEST_P(WorkTest, GroupsMeetingsAttendanceAndCalendar) {
  GroupInput g;
  g.name = "Parcours diabète";
  g.mission = "parcours";
  g.description = "Parcours pluriprofessionnel des patients diabétiques.";
  g.members = {{durand_, "pilote"}, {martin_, "membre"}};
  auto created = work_->create_group(coord_, cpts_, g);
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_EQ(created->group.mission_label,
            "Organisation de parcours pluriprofessionnels autour du patient");
  ASSERT_EQ(created->members.size(), 2U);
  EXPECT_EQ(created->members[0].member_id, durand_);  // the pilot first
  EXPECT_EQ(created->group.pilots, "DURAND A");

  // Errors name the field.
  GroupInput bad = g;
  bad.mission = "inconnue";
  EXPECT_EQ(work_->create_group(coord_, cpts_, bad).error().field, "mission");
  bad = g;
  bad.members = {{durand_, "pilote"}, {durand_, "membre"}};
  EXPECT_EQ(work_->create_group(coord_, cpts_, bad).error().field, "members[1].member_id");
  bad = g;
  bad.name = "  ";
  EXPECT_EQ(work_->create_group(coord_, cpts_, bad).error().field, "name");
  // Only the managers create; another structure's coordinator does not even see it.
  EXPECT_EQ(work_->create_group(marie_, cpts_, g).error().code, ErrorCode::forbidden);
  EXPECT_FALSE(work_->group(paris_, cpts_, created->group.id));

  MeetingInput m;
  m.held_on = "2026-03-12";
  m.starts_at = "18:30";
  m.ends_at = "20:00";
  m.place = "Maison de santé, Metz";
  m.subject = "Protocole de suivi podologique";
  m.attendance = {{durand_, "present"}, {martin_, "excused"}};
  auto meeting = work_->create_meeting(coord_, cpts_, created->group.id, m);
  ASSERT_TRUE(meeting) << meeting.error().describe();
  EXPECT_EQ(meeting->meeting.present, 1);
  EXPECT_EQ(meeting->meeting.excused, 1);
  MeetingInput wrong = m;
  wrong.attendance = {{blanc_, "present"}};  // not in the group
  EXPECT_EQ(work_->create_meeting(coord_, cpts_, created->group.id, wrong).error().field,
            "attendance[0].member_id");
  wrong = m;
  wrong.ends_at = "17:00";
  EXPECT_EQ(work_->create_meeting(coord_, cpts_, created->group.id, wrong).error().field,
            "ends_at");

  // Minutes and attendance; a stale version conflicts.
  MeetingInput edit = m;
  edit.minutes = "Le protocole est adopté.";
  edit.attendance = {{durand_, "present"}, {martin_, "present"}};
  edit.expected_version = meeting->meeting.version;
  auto edited = work_->update_meeting(coord_, cpts_, created->group.id, meeting->meeting.id, edit);
  ASSERT_TRUE(edited) << edited.error().describe();
  EXPECT_EQ(edited->meeting.present, 2);
  EXPECT_EQ(edited->minutes, "Le protocole est adopté.");
  EXPECT_EQ(work_->update_meeting(coord_, cpts_, created->group.id, meeting->meeting.id, edit)
                .error()
                .code,
            ErrorCode::conflict);
  GroupInput rename = g;
  rename.name = "Parcours diabète et obésité";
  rename.expected_version = created->group.version;
  ASSERT_TRUE(work_->update_group(coord_, cpts_, created->group.id, rename));
  EXPECT_EQ(work_->update_group(coord_, cpts_, created->group.id, rename).error().code,
            ErrorCode::conflict);

  // A member sees the group and the meeting with names; the ROC counts only.
  auto seen = work_->meeting(marie_, cpts_, created->group.id, meeting->meeting.id);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->attendance.size(), 2U);
  EXPECT_EQ(seen->minutes, "Le protocole est adopté.");
  auto counted = work_->meeting(roc_, cpts_, created->group.id, meeting->meeting.id);
  ASSERT_TRUE(counted);
  EXPECT_TRUE(counted->attendance.empty());
  EXPECT_TRUE(counted->minutes.empty());
  EXPECT_EQ(counted->meeting.present, 2);
  auto list = work_->groups(roc_, cpts_);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->groups.size(), 1U);
  EXPECT_EQ(list->groups[0].members, 2);
  EXPECT_TRUE(list->groups[0].pilots.empty());
  EXPECT_TRUE(list->candidates.empty());

  // The meeting is a calendar event.
  auto events = work_->events(marie_, cpts_);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1U);
  EXPECT_EQ((*events)[0].day, "2026-03-12");
  EXPECT_NE((*events)[0].summary.find("Parcours diabète et obésité"), std::string::npos);
  const std::string ics = association_icalendar(*events, "CPTS", "20260101T000000Z");
  EXPECT_NE(ics.find("DTSTART;TZID=Europe/Paris:20260312T183000"), std::string::npos) << ics;
}

TEST_P(WorkTest, TheCapIsCheckedAtRecordingAndAtValidation) {
  // 2025: 1 000 € an hour for nurses (60); PASS 2025 = 47 100 €.
  rate(2025, "60", 100000);
  auto first = record(coord_, durand_, "2025-03-01", 24 * 60);  // 24 000 €
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->amount_cents, 2400000);
  EXPECT_EQ(first->status, "pending");
  // Pending time counts at recording: 24 000 + 24 000 > 47 100.
  auto over = record(coord_, durand_, "2025-03-02", 24 * 60);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().field, "minutes");
  EXPECT_NE(over.error().message.find("il reste 23\u202f100,00\u00a0€ pour 2025"),
            std::string::npos)
      << over.error().message;
  EXPECT_EQ(over.error().message.rfind("Saisie refusée", 0), 0U) << over.error().message;
  // Exactly what remains is accepted.
  auto exact = record(coord_, durand_, "2025-03-02", 1386);  // 23 h 06 = 23 100 €
  ASSERT_TRUE(exact) << exact.error().describe();
  ASSERT_TRUE(work_->decide(coord_, cpts_, first->id, {true, "", first->version}));
  ASSERT_TRUE(work_->decide(coord_, cpts_, exact->id, {true, "", exact->version}));
  auto y2025 = work_->time(coord_, cpts_, 2025);
  ASSERT_TRUE(y2025);
  ASSERT_EQ(y2025->members.size(), 1U);
  EXPECT_EQ(y2025->members[0].validated_cents, 4710000);
  EXPECT_EQ(y2025->members[0].remaining_cents, 0);
  EXPECT_EQ(y2025->pass_cents, 4710000);

  // 2026: another rate (500 € an hour); PASS 2026 = 48 060 €. Four days of 24 h = 48 000 €.
  const RateView r2026 = rate(2026, "60", 50000);
  std::vector<TimeEntryView> days;
  for (const char* day : {"2026-02-01", "2026-02-02", "2026-02-03", "2026-02-04"}) {
    auto e = record(coord_, durand_, day, 24 * 60);
    ASSERT_TRUE(e) << e.error().describe();
    EXPECT_EQ(e->amount_cents, 1200000);  // this year's rate, not last year's
    days.push_back(*e);
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(work_->decide(coord_, cpts_, days[i].id, {true, "", days[i].version}));
  }
  // A rate that would take the validated time past the cap is refused …
  RateInput high{2026, "60", 70000, "Bureau du 3 mars", false, r2026.version};
  auto refused_rate = work_->set_rate(coord_, cpts_, high);
  ASSERT_FALSE(refused_rate);
  EXPECT_EQ(refused_rate.error().field, "cents_per_hour");
  // … a small raise is not: 72 h × 501 € = 36 072 €, and the last day (12 024 €) no longer fits.
  RateInput raise{2026, "60", 50100, "Bureau du 3 mars", false, r2026.version};
  ASSERT_TRUE(work_->set_rate(coord_, cpts_, raise));
  auto late = work_->decide(coord_, cpts_, days[3].id, {true, "", days[3].version});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().field, "minutes");
  EXPECT_EQ(late.error().message.rfind("Validation refusée", 0), 0U) << late.error().message;
  EXPECT_NE(late.error().message.find("il reste 11\u202f988,00\u00a0€ pour 2026"),
            std::string::npos)
      << late.error().message;
  // A stale version conflicts (rate and entry alike); a refusal needs its note.
  EXPECT_EQ(work_->set_rate(coord_, cpts_, raise).error().code, ErrorCode::conflict);
  EXPECT_EQ(work_->decide(coord_, cpts_, days[0].id, {true, "", days[0].version}).error().code,
            ErrorCode::conflict);
  EXPECT_EQ(work_->decide(coord_, cpts_, days[3].id, {false, "", days[3].version}).error().field,
            "note");
  auto refused =
      work_->decide(coord_, cpts_, days[3].id, {false, "Au-delà du plafond", days[3].version});
  ASSERT_TRUE(refused) << refused.error().describe();
  EXPECT_EQ(refused->status, "refused");

  auto y2026 = work_->time(coord_, cpts_, 2026);
  ASSERT_TRUE(y2026);
  ASSERT_EQ(y2026->members.size(), 1U);
  EXPECT_EQ(y2026->members[0].validated_cents, 3607200);
  EXPECT_EQ(y2026->members[0].remaining_cents, 4806000 - 3607200);
  EXPECT_EQ(y2026->totals.refused, 1);
  EXPECT_EQ(y2026->totals.validated, 3);

  // The statement of 2025 and its ODT; the accountant's lines.
  auto st = work_->statement(coord_, cpts_, durand_, 2025);
  ASSERT_TRUE(st) << st.error().describe();
  EXPECT_EQ(st->entries.size(), 2U);
  EXPECT_EQ(st->total_text, "47\u202f100,00\u00a0€");
  EXPECT_EQ(st->remaining_cents, 0);
  auto odt = statement_odt(*st);
  ASSERT_TRUE(odt);
  EXPECT_EQ(odt->substr(0, 2), "PK");
  auto lines = work_->accounting(coord_, cpts_, 2026);
  ASSERT_TRUE(lines);
  ASSERT_EQ(lines->size(), 3U);
  EXPECT_EQ((*lines)[0].cents_per_hour, 50100);
  EXPECT_EQ((*lines)[0].amount_cents, 1202400);
}

TEST_P(WorkTest, MembersSeeTheirOwnTimeAndTheRocTotalsOnly) {
  rate(2026, "60", 5000);
  rate(2026, "10", 8000);
  // No rate for the year: refused with a clear message.
  auto no_rate = record(coord_, blanc_, "2026-03-01", 60);
  ASSERT_FALSE(no_rate);
  EXPECT_NE(no_rate.error().message.find("Aucun taux horaire"), std::string::npos);

  auto mine = record(marie_, 0, "2026-03-01", 90);
  ASSERT_TRUE(mine) << mine.error().describe();
  EXPECT_EQ(mine->member_id, durand_);
  EXPECT_EQ(mine->amount_cents, 7500);
  EXPECT_EQ(record(marie_, martin_, "2026-03-01", 60).error().code, ErrorCode::forbidden);
  ASSERT_TRUE(record(coord_, martin_, "2026-03-02", 120));
  EXPECT_EQ(record(marie_, 0, "2099-01-01", 60).error().field, "worked_on");

  // The member sees only her entries, and what remains for her.
  auto hers = work_->time(marie_, cpts_, 2026);
  ASSERT_TRUE(hers);
  ASSERT_EQ(hers->entries.size(), 1U);
  EXPECT_EQ(hers->entries[0].member_id, durand_);
  ASSERT_EQ(hers->members.size(), 1U);
  ASSERT_TRUE(hers->me);
  EXPECT_EQ(hers->me->pending_cents, 7500);
  EXPECT_EQ(hers->me->remaining_cents, 4806000);
  EXPECT_EQ(hers->totals.entries, 2);
  EXPECT_EQ(work_->decide(marie_, cpts_, mine->id, {true, "", mine->version}).error().code,
            ErrorCode::forbidden);
  EXPECT_EQ(work_->statement(marie_, cpts_, martin_, 2026).error().code, ErrorCode::forbidden);
  ASSERT_TRUE(work_->statement(marie_, cpts_, durand_, 2026));
  EXPECT_EQ(work_->accounting(marie_, cpts_, 2026).error().code, ErrorCode::forbidden);
  EXPECT_EQ(work_->set_rate(marie_, cpts_, {2026, "70", 4000, "x", false, 0}).error().code,
            ErrorCode::forbidden);

  // The ROC: totals, never a name.
  ASSERT_TRUE(work_->decide(coord_, cpts_, mine->id, {true, "", mine->version}));
  auto roc = work_->time(roc_, cpts_, 2026);
  ASSERT_TRUE(roc);
  EXPECT_TRUE(roc->entries.empty());
  EXPECT_TRUE(roc->members.empty());
  EXPECT_FALSE(roc->me);
  EXPECT_TRUE(roc->candidates.empty());
  EXPECT_EQ(roc->totals.entries, 2);
  EXPECT_EQ(roc->totals.validated, 1);
  EXPECT_EQ(roc->totals.pending, 1);
  EXPECT_EQ(roc->totals.members, 1);
  EXPECT_EQ(roc->totals.validated_cents, 7500);
  EXPECT_EQ(work_->statement(roc_, cpts_, durand_, 2026).error().code, ErrorCode::forbidden);
  EXPECT_EQ(record(roc_, durand_, "2026-03-01", 60).error().code, ErrorCode::forbidden);
  EXPECT_EQ(work_->accounting(roc_, cpts_, 2026).error().code, ErrorCode::forbidden);
  // Another structure's coordinator reaches nothing.
  EXPECT_FALSE(work_->time(paris_, cpts_, 2026));
  // The audit log has the writes.
  auto audit = db_->query(
      "SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'association.time.%' OR action = "
      "'association.rate.set'");
  ASSERT_TRUE(audit) << audit.error().describe();
  EXPECT_EQ(audit->named(0).integer("n"), 5);
}

// A pending entry is changed or withdrawn by its member or the coordination, at its version,
// under the cap (its own old time left out); a decided entry is final; every change is audited.
TEST_P(WorkTest, PendingTimeIsEditedOrWithdrawnByItsMemberOrTheCoordination) {
  rate(2025, "60", 100000);  // 1 000 € an hour; PASS 2025 = 47 100 €
  rate(2025, "70", 5000);
  auto mine = record(marie_, 0, "2025-03-01", 60);
  ASSERT_TRUE(mine) << mine.error().describe();
  TimeEntryInput change;
  change.worked_on = "2025-03-02";
  change.minutes = 90;
  change.activity = "Préparation du protocole";
  change.mission = "parcours";
  auto edited = work_->update_time(marie_, cpts_, mine->id, change, mine->version);
  ASSERT_TRUE(edited) << edited.error().describe();
  EXPECT_EQ(edited->minutes, 90);
  EXPECT_EQ(edited->worked_on, "2025-03-02");
  EXPECT_EQ(edited->member_id, durand_);
  EXPECT_EQ(edited->status, "pending");
  EXPECT_EQ(edited->version, mine->version + 1);
  // A stale page conflicts.
  EXPECT_EQ(work_->update_time(marie_, cpts_, mine->id, change, mine->version).error().code,
            ErrorCode::conflict);
  // The cap: 24 h pending (24 000 €) + 1 h 30 leaves 21 600 €; the entry may grow to exactly
  // 23 h 06 (23 100 €, its old 1 h 30 not counted twice), not one minute more.
  auto big = record(coord_, durand_, "2025-03-03", 24 * 60);
  ASSERT_TRUE(big) << big.error().describe();
  change.minutes = 1386;
  auto exact = work_->update_time(marie_, cpts_, mine->id, change, edited->version);
  ASSERT_TRUE(exact) << exact.error().describe();
  change.minutes = 1387;
  auto over = work_->update_time(coord_, cpts_, mine->id, change, exact->version);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().field, "minutes");
  // Someone else's entry is not hers to see; the ROC changes nothing.
  auto blancs = record(coord_, blanc_, "2025-03-01", 60);
  ASSERT_TRUE(blancs) << blancs.error().describe();
  EXPECT_EQ(work_->update_time(marie_, cpts_, blancs->id, change, blancs->version).error().code,
            ErrorCode::not_found);
  EXPECT_EQ(work_->withdraw_time(marie_, cpts_, blancs->id, blancs->version).error().code,
            ErrorCode::not_found);
  EXPECT_EQ(work_->update_time(roc_, cpts_, blancs->id, change, blancs->version).error().code,
            ErrorCode::forbidden);
  EXPECT_EQ(work_->withdraw_time(paris_, cpts_, blancs->id, blancs->version).error().code,
            ErrorCode::forbidden);
  // Decided entries are final, for everyone.
  ASSERT_TRUE(work_->decide(coord_, cpts_, big->id, {true, "", big->version}));
  EXPECT_EQ(work_->update_time(coord_, cpts_, big->id, change, big->version + 1).error().code,
            ErrorCode::invalid_transition);
  EXPECT_EQ(work_->withdraw_time(marie_, cpts_, big->id, big->version + 1).error().code,
            ErrorCode::invalid_transition);
  // Withdrawn: by its member at its version, by the coordination for anyone.
  EXPECT_EQ(work_->withdraw_time(marie_, cpts_, mine->id, mine->version).error().code,
            ErrorCode::conflict);
  ASSERT_TRUE(work_->withdraw_time(marie_, cpts_, mine->id, exact->version));
  ASSERT_TRUE(work_->withdraw_time(coord_, cpts_, blancs->id, blancs->version));
  auto left = work_->time(coord_, cpts_, 2025);
  ASSERT_TRUE(left);
  ASSERT_EQ(left->entries.size(), 1U);
  EXPECT_EQ(left->entries[0].id, big->id);
  auto audit = db_->query(
      "SELECT action, before, after FROM audit_log WHERE action IN ('association.time.update', "
      "'association.time.withdraw') ORDER BY id");
  ASSERT_TRUE(audit) << audit.error().describe();
  ASSERT_EQ(audit->size(), 4U);  // two edits, two withdrawals
  EXPECT_EQ(audit->named(0).text("action"), "association.time.update");
  EXPECT_NE(audit->named(0).text("before").find("\"minutes\":60"), std::string::npos);
  EXPECT_NE(audit->named(0).text("after").find("\"minutes\":90"), std::string::npos);
  EXPECT_EQ(audit->named(3).text("action"), "association.time.withdraw");
}

// Pilots edit their group's meetings, not another's; the coordination deletes meetings and
// groups, refused while time entries cite the group.
TEST_P(WorkTest, PilotsEditTheirMeetingsAndTheCoordinationDeletes) {
  GroupInput g;
  g.name = "Parcours diabète";
  g.members = {{durand_, "pilote"}, {martin_, "membre"}};
  auto piloted = work_->create_group(coord_, cpts_, g);
  ASSERT_TRUE(piloted) << piloted.error().describe();
  g.name = "Prévention";
  g.members = {{durand_, "membre"}, {blanc_, "pilote"}};
  auto other = work_->create_group(coord_, cpts_, g);
  ASSERT_TRUE(other) << other.error().describe();
  const auto p = piloted->group.id, o = other->group.id;
  EXPECT_TRUE(work_->group(marie_, cpts_, p)->can_edit_meetings);
  EXPECT_FALSE(work_->group(marie_, cpts_, o)->can_edit_meetings);
  EXPECT_FALSE(work_->group(roc_, cpts_, p)->can_edit_meetings);

  MeetingInput m;
  m.held_on = "2026-03-12";
  m.place = "Maison de santé, Metz";
  m.subject = "Protocole";
  m.attendance = {{durand_, "present"}, {martin_, "excused"}};
  auto hers = work_->create_meeting(marie_, cpts_, p, m);  // the pilot
  ASSERT_TRUE(hers) << hers.error().describe();
  EXPECT_TRUE(hers->can_edit);
  EXPECT_FALSE(hers->can_delete);
  m.attendance = {{durand_, "present"}, {blanc_, "present"}};
  EXPECT_EQ(work_->create_meeting(marie_, cpts_, o, m).error().code, ErrorCode::forbidden);
  auto theirs = work_->create_meeting(coord_, cpts_, o, m);
  ASSERT_TRUE(theirs) << theirs.error().describe();
  EXPECT_FALSE(work_->meeting(marie_, cpts_, o, theirs->meeting.id)->can_edit);

  MeetingInput change = m;
  change.held_on = "2026-03-19";
  change.place = "Salle du conseil";
  change.subject = "Protocole, suite";
  change.minutes = "Protocole adopté.";
  change.attendance = {{durand_, "present"}, {martin_, "present"}};
  change.expected_version = hers->meeting.version;
  auto edited = work_->update_meeting(marie_, cpts_, p, hers->meeting.id, change);
  ASSERT_TRUE(edited) << edited.error().describe();
  EXPECT_EQ(edited->meeting.held_on, "2026-03-19");
  EXPECT_EQ(edited->meeting.present, 2);
  EXPECT_EQ(edited->minutes, "Protocole adopté.");
  change.attendance = {{durand_, "present"}, {blanc_, "present"}};
  change.expected_version = theirs->meeting.version;
  EXPECT_EQ(work_->update_meeting(marie_, cpts_, o, theirs->meeting.id, change).error().code,
            ErrorCode::forbidden);

  // Meeting deletion: the coordination only, at its version; the attendance goes with it.
  EXPECT_EQ(work_->delete_meeting(marie_, cpts_, p, hers->meeting.id, edited->meeting.version)
                .error()
                .code,
            ErrorCode::forbidden);
  EXPECT_EQ(
      work_->delete_meeting(coord_, cpts_, p, hers->meeting.id, hers->meeting.version).error().code,
      ErrorCode::conflict);
  EXPECT_EQ(work_->delete_meeting(coord_, cpts_, o, hers->meeting.id, edited->meeting.version)
                .error()
                .code,
            ErrorCode::not_found);  // not a meeting of that group
  ASSERT_TRUE(work_->delete_meeting(coord_, cpts_, p, hers->meeting.id, edited->meeting.version));
  EXPECT_EQ(work_->meeting(coord_, cpts_, p, hers->meeting.id).error().code, ErrorCode::not_found);
  auto marks = db_->query(
      "SELECT COUNT(*) AS n FROM association_meeting_attendance WHERE "
      "meeting_id = $1",
      {hers->meeting.id});
  ASSERT_TRUE(marks);
  EXPECT_EQ(marks->named(0).integer("n"), 0);

  // Group deletion: refused while a time entry cites the group, then cascaded to its meetings.
  rate(2026, "70", 5000);
  TimeEntryInput t;
  t.member_id = blanc_;
  t.worked_on = "2026-01-15";
  t.minutes = 60;
  t.activity = "Réunion prévention";
  t.group_id = o;
  auto cited = work_->record_time(coord_, cpts_, t);
  ASSERT_TRUE(cited) << cited.error().describe();
  auto view = work_->group(coord_, cpts_, o);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->time_entries, 1);
  EXPECT_EQ(view->attendance_marks, 2);
  auto refused = work_->delete_group(coord_, cpts_, o, view->group.version);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_transition);
  EXPECT_NE(refused.error().message.find("1 saisie de temps cite ce groupe"), std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(work_->group(coord_, cpts_, o));
  EXPECT_EQ(work_->delete_group(marie_, cpts_, o, view->group.version).error().code,
            ErrorCode::forbidden);
  ASSERT_TRUE(work_->withdraw_time(coord_, cpts_, cited->id, cited->version));
  EXPECT_EQ(work_->delete_group(coord_, cpts_, o, view->group.version - 1).error().code,
            ErrorCode::conflict);
  ASSERT_TRUE(work_->delete_group(coord_, cpts_, o, view->group.version));
  EXPECT_EQ(work_->group(coord_, cpts_, o).error().code, ErrorCode::not_found);
  auto left = db_->query("SELECT COUNT(*) AS n FROM association_meetings WHERE group_id = $1", {o});
  ASSERT_TRUE(left);
  EXPECT_EQ(left->named(0).integer("n"), 0);
  auto members =
      db_->query("SELECT COUNT(*) AS n FROM association_group_members WHERE group_id = $1", {o});
  ASSERT_TRUE(members);
  EXPECT_EQ(members->named(0).integer("n"), 0);
  auto audit = db_->query(
      "SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('association.group.delete', "
      "'association.meeting.delete')");
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->named(0).integer("n"), 2);
  // The member records of the group's members stay.
  EXPECT_TRUE(association_->member(coord_, cpts_, blanc_));
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
