// The campaign service on both backends: lifecycle (draft → collection → solved by a background
// job → published), optimistic versions, scopes (coordinator of another structure, members,
// ROC), hand edits refused on a hard violation, swaps with history, exports.
#include <gtest/gtest.h>

#include "services/accounts.hpp"
#include "services/roster_campaigns.hpp"
#include "services/roster_jobs.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

using store::Backend;

class RosterCampaignTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    structure_ = make_structure("CPTS test A", "57");
    other_structure_ = make_structure("CPTS test B", "75");
    AccountSettings settings;
    settings.argon2_memory_kib = 256;
    settings.argon2_passes = 1;
    Accounts accounts(*db_, settings);
    auto add = [&](const std::string& login, Role role, std::vector<std::string> deps,
                   std::vector<std::int64_t> structures) {
      auto id = accounts.create_user(
          {login, login, "mot-de-passe-long", role, deps, {}, structures}, "test");
      EXPECT_TRUE(id) << id.error().describe();
      Principal p;
      p.user_id = id.value_or(0);
      p.login = login;
      p.role = role;
      p.departements = deps;
      p.structures = structures;
      return p;
    };
    coord_ = add("coord@a", Role::coordinator, {}, {structure_});
    other_coord_ = add("coord@b", Role::coordinator, {}, {other_structure_});
    member_ = add("membre@a", Role::member, {}, {structure_});
    outsider_ = add("membre2@a", Role::member, {}, {structure_});
    roc57_ = add("roc@57", Role::roc, {"57"}, {});
    roc75_ = add("roc@75", Role::roc, {"75"}, {});
    campaigns_ =
        std::make_unique<RosterCampaigns>(*db_, [](std::string_view) { return std::string(); });
  }
  void TearDown() override {
    campaigns_.reset();
    db_.reset();
    scratch_.reset();
  }

  std::int64_t make_structure(const std::string& name, const std::string& dep) {
    std::int64_t id = 0;
    EXPECT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
      auto r = tx.query(
          "INSERT INTO structures (kind, name, departement, created_at, updated_at) VALUES "
          "('CPTS', $1, $2, 'x', 'x') RETURNING id",
          {name, dep});
      if (!r) return tl::unexpected(r.error());
      id = r->rows[0].integer(0);
      return {};
    }));
    return id;
  }

  std::int64_t count(const std::string& sql) {
    auto r = db_->query(sql);
    EXPECT_TRUE(r) << r.error().describe();
    return r ? r->rows.at(0).integer(0) : -1;
  }

  // A two-day campaign: SNP both days, one GP each; three GPs (one is the member account).
  struct Setup {
    std::int64_t id = 0;
    std::int64_t version = 0;
    std::int64_t me = 0, b = 0, c = 0;
    std::vector<std::int64_t> slots;
  };
  Setup make_campaign() {
    Setup s;
    NewCampaign n;
    n.structure_id = structure_;
    n.name = "Campagne test";
    n.settings.first_day = "2026-06-01";
    n.settings.last_day = "2026-06-02";
    n.time_limit_seconds = 1;
    auto id = campaigns_->create(coord_, n);
    EXPECT_TRUE(id) << id.error().describe();
    s.id = id.value_or(0);
    auto v =
        campaigns_->add_slots(coord_, s.id, 1,
                              {{0, "2026-06-01", "14:00", "18:00", false, "snp", "Metz", "MG", 1},
                               {0, "2026-06-02", "14:00", "18:00", false, "snp", "Metz", "MG", 1}});
    EXPECT_TRUE(v) << v.error().describe();
    auto me = campaigns_->add_member(coord_, s.id, *v, {member_.user_id, "", "MG", std::nullopt});
    EXPECT_TRUE(me) << me.error().describe();
    auto b = campaigns_->add_member(coord_, s.id, *v + 1, {0, "Dr B (sans compte)", "MG", 1});
    EXPECT_TRUE(b) << b.error().describe();
    auto c = campaigns_->add_member(coord_, s.id, *v + 2, {0, "Dr C", "MG", std::nullopt});
    EXPECT_TRUE(c) << c.error().describe();
    s.me = *me;
    s.b = *b;
    s.c = *c;
    auto got = campaigns_->get(coord_, s.id);
    EXPECT_TRUE(got);
    s.version = got->version;
    for (const auto& slot : got->plan.slots) s.slots.push_back(slot.id);
    return s;
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<RosterCampaigns> campaigns_;
  std::int64_t structure_ = 0, other_structure_ = 0;
  Principal coord_, other_coord_, member_, outsider_, roc57_, roc75_;
};

TEST_P(RosterCampaignTest, LifecycleFromDraftToPublishedRoster) {
  Setup s = make_campaign();
  ASSERT_EQ(s.slots.size(), 2u);
  // Members do not see drafts.
  EXPECT_EQ(campaigns_->get(member_, s.id).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(campaigns_->list(member_)->empty());
  auto v = campaigns_->set_status(coord_, s.id, s.version, CampaignStatus::collecting);
  ASSERT_TRUE(v) << v.error().describe();
  // The member now sees it and enters their own availability; not someone else's.
  auto mine = campaigns_->get(member_, s.id);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->my_member_id, s.me);
  EXPECT_FALSE(mine->can_manage);
  ASSERT_TRUE(campaigns_->set_availability(
      member_, s.id,
      {{s.me, s.slots[0], SlotWish::preferred}, {s.me, s.slots[1], SlotWish::available}}));
  EXPECT_EQ(campaigns_->set_availability(member_, s.id, {{s.b, s.slots[0], SlotWish::available}})
                .error()
                .code,
            ErrorCode::forbidden);
  // The coordinator enters for B (no account): day 2 only.
  ASSERT_TRUE(campaigns_->set_availability(coord_, s.id, {{s.b, s.slots[1], SlotWish::preferred}}));
  EXPECT_EQ(campaigns_->list(member_)->size(), 1u);
  EXPECT_EQ(campaigns_->get(member_, s.id)->plan.availability.size(), 2u);  // only theirs

  // Solve in the background (run here on the test thread).
  auto job = campaigns_->enqueue_solve(coord_, s.id, 3);
  ASSERT_TRUE(job) << job.error().describe();
  EXPECT_EQ(campaigns_->enqueue_solve(coord_, s.id).error().code, ErrorCode::conflict);
  auto ran = run_next_roster_job(*db_, {1});
  ASSERT_TRUE(ran) << ran.error().describe();
  ASSERT_TRUE(*ran);
  EXPECT_EQ(**ran, *job);
  auto info = campaigns_->job(coord_, s.id, *job);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->status, "done") << info->message;
  EXPECT_DOUBLE_EQ(info->progress, 1.0);
  ASSERT_TRUE(info->objective);
  ASSERT_TRUE(info->lower_bound);
  EXPECT_LE(*info->lower_bound, *info->objective);
  ASSERT_TRUE(info->result);
  EXPECT_TRUE(info->result->valid);

  auto solved = campaigns_->get(coord_, s.id);
  ASSERT_TRUE(solved);
  EXPECT_EQ(solved->status, CampaignStatus::solved);
  // Both wishes can be granted: me on day 1, B on day 2.
  EXPECT_EQ(solved->assignments,
            (std::vector<PlanAssignment>{{s.slots[0], s.me}, {s.slots[1], s.b}}));
  auto chk = campaigns_->check_current(coord_, s.id);
  ASSERT_TRUE(chk);
  EXPECT_TRUE(chk->feasible());
  EXPECT_EQ(chk->objective.under_cover, 0);
  EXPECT_EQ(chk->objective.total, *info->objective);
  // Before publication the member sees no roster and cannot export.
  EXPECT_TRUE(campaigns_->get(member_, s.id)->assignments.empty());
  EXPECT_EQ(campaigns_->export_entries(member_, s.id, 0).error().code, ErrorCode::forbidden);

  auto p = campaigns_->set_status(coord_, s.id, solved->version, CampaignStatus::published);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(campaigns_->get(member_, s.id)->assignments.size(), 2u);
  auto entries = campaigns_->export_entries(member_, s.id, s.me);
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].day, "2026-06-01");
  EXPECT_EQ((*entries)[0].member, "membre@a");
  // Audited.
  EXPECT_GE(count("SELECT count(*) FROM audit_log WHERE action LIKE 'roster.%'"), 8);
}

TEST_P(RosterCampaignTest, StaleVersionsConflictAndChangeNothing) {
  Setup s = make_campaign();
  NewCampaign n;
  n.name = "Renommée";
  n.settings.first_day = "2026-06-01";
  n.settings.last_day = "2026-06-02";
  auto v = campaigns_->update(coord_, s.id, s.version, n);
  ASSERT_TRUE(v) << v.error().describe();
  n.name = "Autre nom";
  auto stale = campaigns_->update(coord_, s.id, s.version, n);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_EQ(campaigns_->get(coord_, s.id)->name, "Renommée");
  EXPECT_EQ(campaigns_->add_slots(coord_, s.id, s.version, {}).error().code, ErrorCode::conflict);
  // Shrinking the period past existing slots is refused with the field.
  n.settings.last_day = "2026-06-01";
  auto shrink = campaigns_->update(coord_, s.id, *v, n);
  ASSERT_FALSE(shrink);
  EXPECT_EQ(shrink.error().field, "$.debut");
}

TEST_P(RosterCampaignTest, ScopesAreEnforced) {
  Setup s = make_campaign();
  // The coordinator of another structure can neither read nor write, nor create for it.
  EXPECT_EQ(campaigns_->get(other_coord_, s.id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(campaigns_->add_slots(other_coord_, s.id, s.version, {}).error().code,
            ErrorCode::forbidden);
  NewCampaign n;
  n.structure_id = structure_;
  n.name = "Intrus";
  n.settings.first_day = "2026-06-01";
  n.settings.last_day = "2026-06-02";
  EXPECT_EQ(campaigns_->create(other_coord_, n).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(campaigns_->list(other_coord_)->empty());
  // ROC of the département reads, not the other; nobody but the coordinator writes.
  ASSERT_TRUE(campaigns_->get(roc57_, s.id));
  EXPECT_FALSE(campaigns_->get(roc57_, s.id)->can_manage);
  EXPECT_EQ(
      campaigns_->set_status(roc57_, s.id, s.version, CampaignStatus::collecting).error().code,
      ErrorCode::forbidden);
  EXPECT_EQ(campaigns_->get(roc75_, s.id).error().code, ErrorCode::forbidden);
  ASSERT_TRUE(campaigns_->set_status(coord_, s.id, s.version, CampaignStatus::collecting));
  // A member of the structure who is not invited does not see it.
  EXPECT_EQ(campaigns_->get(outsider_, s.id).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(campaigns_->list(outsider_)->empty());
  // Only users of the structure can be invited with their account.
  auto v = campaigns_->get(coord_, s.id)->version;
  auto bad =
      campaigns_->add_member(coord_, s.id, v, {other_coord_.user_id, "", "MG", std::nullopt});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "$.utilisateur");
}

TEST_P(RosterCampaignTest, BadInputNamesTheField) {
  Setup s = make_campaign();
  auto r = campaigns_->add_slots(coord_, s.id, s.version,
                                 {{0, "2026-06-01", "10:00", "12:00", false, "snp", "", "MG", 1},
                                  {0, "2026-06-01", "18:00", "08:00", false, "pdsa", "", "MG", 1}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(r.error().field, "$.creneaux[1].fin");
  EXPECT_EQ(count("SELECT count(*) FROM roster_slots"), 2);  // nothing added
  // A night slot is fine when it says so.
  ASSERT_TRUE(campaigns_->add_slots(
      coord_, s.id, s.version, {{0, "2026-06-01", "20:00", "08:00", true, "pdsa", "", "MG", 1}}));
  auto cap = campaigns_->add_member(coord_, s.id, s.version + 1, {0, "X", "MG", -1});
  ASSERT_FALSE(cap);
  EXPECT_EQ(cap.error().field, "$.plafond_mensuel");
  auto unknown =
      campaigns_->set_availability(coord_, s.id, {{424242, s.slots[0], SlotWish::available}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "$.cellules[0].membre");
  NewCampaign n;
  n.structure_id = structure_;
  n.name = "Période à l'envers";
  n.settings.first_day = "2026-06-10";
  n.settings.last_day = "2026-06-01";
  EXPECT_EQ(campaigns_->create(coord_, n).error().field, "$.fin");
  n.settings.last_day = "2026-06-30";
  n.settings.wish_weight = -3;
  EXPECT_EQ(campaigns_->create(coord_, n).error().field, "$.poids_souhait");
}

TEST_P(RosterCampaignTest, HandEditsAreCheckedAndSwapsKeepHistory) {
  Setup s = make_campaign();
  auto v = campaigns_->set_status(coord_, s.id, s.version, CampaignStatus::collecting);
  ASSERT_TRUE(v);
  ASSERT_TRUE(campaigns_->set_availability(coord_, s.id,
                                           {{s.me, s.slots[0], SlotWish::available},
                                            {s.b, s.slots[0], SlotWish::available},
                                            {s.c, s.slots[1], SlotWish::available},
                                            {s.b, s.slots[1], SlotWish::unavailable}}));
  // B is unavailable on day 2: the live check says so and the save is refused.
  auto chk = campaigns_->check(coord_, s.id, {{s.slots[1], s.b}});
  ASSERT_TRUE(chk);
  EXPECT_FALSE(chk->feasible());
  auto refused = campaigns_->save_assignments(coord_, s.id, *v, {{s.slots[1], s.b}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(count("SELECT count(*) FROM roster_assignments"), 0);
  // A legal hand-made roster is saved and the campaign becomes « résolu ».
  auto saved =
      campaigns_->save_assignments(coord_, s.id, *v, {{s.slots[0], s.me}, {s.slots[1], s.c}});
  ASSERT_TRUE(saved) << saved.error().describe();
  EXPECT_EQ(campaigns_->get(coord_, s.id)->status, CampaignStatus::solved);
  auto pub = campaigns_->set_status(coord_, s.id, *saved, CampaignStatus::published);
  ASSERT_TRUE(pub);

  // The member proposes B as replacement on day 1 (B is available): accepted for review.
  auto swap = campaigns_->propose_swap(member_, s.id, {s.slots[0], 0, s.b, 0, "congrès"});
  ASSERT_TRUE(swap) << swap.error().describe();
  // A swap with C (day 2, where B... no: the member takes C's day-2 slot) is checked: the member
  // gave no availability for day 2, so it is refused at once.
  auto bad = campaigns_->propose_swap(member_, s.id, {s.slots[0], 0, s.c, s.slots[1], ""});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_input);
  // Members cannot decide; the coordinator approves.
  EXPECT_EQ(campaigns_->decide_swap(member_, s.id, *swap, 1, true).error().code,
            ErrorCode::forbidden);
  ASSERT_TRUE(campaigns_->decide_swap(coord_, s.id, *swap, 1, true));
  EXPECT_EQ(campaigns_->decide_swap(coord_, s.id, *swap, 1, true).error().code,
            ErrorCode::invalid_transition);
  auto after = campaigns_->get(coord_, s.id);
  EXPECT_EQ(after->assignments,
            (std::vector<PlanAssignment>{{s.slots[0], s.b}, {s.slots[1], s.c}}));
  auto history = campaigns_->swaps(member_, s.id);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].status, "approuvee");
  EXPECT_EQ((*history)[0].decided_by, "coord@a");
}

INSTANTIATE_TEST_SUITE_P(Backends, RosterCampaignTest, testing::all_backends(),
                         testing::backend_name);

}  // namespace
}  // namespace maillage::services
