// Crisis mode on both backends: one action opens a crisis (survey with the availability grid,
// planning campaign over the same slots, draft message — one transaction, audited), the survey is
// sent to members and a pasted list through a recording Mailer (one address refused), three
// professionals answer through the links read back from the mails, the planning is built from the
// answers and solved by the background solver (run here on the test's thread), the dashboard
// shows who answered and the coverage with its gaps (figures by hand), the non-respondents are
// reminded with new links, each person receives their slots; and who may do what.
#include "services/crisis.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <regex>

#include "common/dates.hpp"
#include "http/test_referentiel.hpp"
#include "services/association.hpp"
#include "services/roster_jobs.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

using store::Backend;

class RecordingMailer final : public Mailer {
 public:
  Status send(const MailMessage& m) override {
    std::lock_guard lock(mutex);
    if (m.to.rfind("refuse@", 0) == 0) {
      return fail(ErrorCode::unavailable, "550 5.1.1 unknown mailbox", "smtp_url");
    }
    sent.push_back(m);
    return {};
  }
  [[nodiscard]] std::string description() const override { return "smtp://test"; }
  // The last personal link mailed to `to`.
  std::string link_of(const std::string& to) {
    std::lock_guard lock(mutex);
    static const std::regex link("https://maillage\\.test/repondre/([0-9a-f]{64})");
    std::string out;
    for (const auto& m : sent) {
      std::smatch hit;
      if (m.to == to && std::regex_search(m.text, hit, link)) out = hit[1];
    }
    return out;
  }
  std::vector<MailMessage> to(const std::string& address) {
    std::lock_guard lock(mutex);
    std::vector<MailMessage> out;
    for (const auto& m : sent) {
      if (m.to == address) out.push_back(m);
    }
    return out;
  }
  std::mutex mutex;
  std::vector<MailMessage> sent;
};

constexpr const char* kLinks = "https://maillage.test/repondre/";

class CrisisTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    ref_ = testing::small_referentiel();
    association_ = std::make_unique<Association>(*db_, ref_);
    mailer_ = std::make_shared<RecordingMailer>();
    surveys_ = std::make_unique<Surveys>(*db_, ref_, *association_, mailer_);
    roster_ = std::make_unique<RosterCampaigns>(*db_, [](std::string_view d) {
      return d == "57" ? std::string("44") : std::string("11");
    });
    crises_ = std::make_unique<Crises>(*db_, *surveys_, *roster_, mailer_);
    cpts_ = structure("CPTS du Pays messin (test)", "57");
    other_ = structure("CPTS de Paris (test)", "75");
    coord_ = Principal{1, "coord@exemple.fr", "Coordination", Role::coordinator, {}, {}, {cpts_}};
    roc_ = Principal{2, "roc@exemple.fr", "ROC", Role::roc, {"57"}, {}, {}};
    roc75_ = Principal{5, "roc75@exemple.fr", "ROC 75", Role::roc, {"75"}, {}, {}};
    marie_ = Principal{3, "marie@exemple.fr", "Marie", Role::member, {}, {}, {cpts_}};
    paris_ = Principal{4, "coord75@exemple.fr", "Paris", Role::coordinator, {}, {}, {other_}};
    StatutsInput s;
    s.colleges = {{"pros", "Professionnels", 1, 1, {"10", "60", "21"}, {}}};
    ASSERT_TRUE(association_->save_statuts(coord_, cpts_, s));
    person("Martin", "10", "paul.martin@exemple.fr");
    person("Durand", "60", "marie.durand@exemple.fr");
    person("Petit", "60", "");
    person("Roux", "21", "refuse@exemple.fr");
  }
  void TearDown() override {
    crises_.reset();
    roster_.reset();
    surveys_.reset();
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

  void person(const std::string& last, const std::string& profession, const std::string& email) {
    MemberInput m;
    m.last_name = last;
    m.first_name = "A";
    m.profession = profession;
    m.email = email;
    m.joined = "2024-01-10";
    auto r = association_->create_member(coord_, cpts_, m);
    EXPECT_TRUE(r) << r.error().describe();
  }

  static std::string in_days(int n) { return format_date(add_days(today_utc(), n)); }

  // Two days from tomorrow; mornings need 2, afternoons 1: 4 slots, 6 people in all.
  CrisisInput input() const {
    CrisisInput in;
    in.structure_id = cpts_;
    in.title = "Campagne de vaccination grippe";
    in.kind = "vaccination";
    in.plan.first_day = in_days(1);
    in.plan.last_day = in_days(2);
    in.plan.windows = {{"14:00", "18:00", 1}, {"08:00", "12:00", 2}};
    in.profession = "Vaccinateur";
    in.closes_on = in_days(1);
    in.remarks_question = true;
    in.audience.members = true;
    in.audience.pasted = "anne@exemple.fr\nbob@exemple.fr\npas une adresse";
    return in;
  }

  std::int64_t count(const std::string& sql) {
    auto r = db_->query(sql);
    return r ? r->rows.at(0).integer(0) : -1;
  }

  void answer(const std::string& email, std::vector<std::string> cells) {
    const auto token = mailer_->link_of(email);
    ASSERT_FALSE(token.empty()) << email;
    survey::RawAnswers raw;
    raw["disponibilites"] = std::move(cells);
    auto r = surveys_->answer(token, raw);
    ASSERT_TRUE(r) << r.error().describe();
    ASSERT_TRUE(r->problems.empty()) << r->problems[0].message;
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel ref_;
  std::unique_ptr<Association> association_;
  std::shared_ptr<RecordingMailer> mailer_;
  std::unique_ptr<Surveys> surveys_;
  std::unique_ptr<RosterCampaigns> roster_;
  std::unique_ptr<Crises> crises_;
  std::int64_t cpts_ = 0, other_ = 0;
  Principal coord_, roc_, roc75_, marie_, paris_;
};

TEST_P(CrisisTest, OpeningChecksEachFieldAndWritesNothingWhenRefused) {
  CrisisInput in = input();
  in.title = "  ";
  EXPECT_EQ(crises_->open(coord_, in).error().field, "title");
  in = input();
  in.plan.windows = {{"08:00", "12:00", 1}, {"11:00", "13:00", 1}};
  EXPECT_EQ(crises_->open(coord_, in).error().field, "plan.windows");
  in = input();
  in.plan.windows[0].need = 0;
  EXPECT_EQ(crises_->open(coord_, in).error().field, "plan.windows[0].need");
  in = input();
  in.plan.last_day = in_days(20);  // 20 days > 14, no day chosen
  EXPECT_EQ(crises_->open(coord_, in).error().field, "plan.last_day");
  in = input();
  in.closes_on = in_days(5);  // after the period
  EXPECT_EQ(crises_->open(coord_, in).error().field, "closes_on");
  in = input();
  in.kind = "grippe";
  EXPECT_EQ(crises_->open(coord_, in).error().field, "kind");
  in = input();
  in.audience = {};
  auto none = crises_->open(coord_, in);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::missing_field);
  EXPECT_EQ(count("SELECT COUNT(*) FROM crises"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM surveys"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM roster_campaigns"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM newsletters"), 0);
}

TEST_P(CrisisTest, OneActionOpensSurveyCampaignAndMessageTogether) {
  auto id = crises_->open(coord_, input());
  ASSERT_TRUE(id) << id.error().describe();
  auto d = crises_->dashboard(coord_, *id);
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_EQ(d->access, CrisisAccess::run);
  EXPECT_EQ(d->summary.slots, 4);
  EXPECT_EQ(d->summary.need, 6);  // (2 + 1) × 2 days
  EXPECT_EQ(d->survey_status, "draft");
  EXPECT_EQ(d->campaign_status, "brouillon");
  // The survey: the grid over exactly the slots, then the optional remarks.
  auto s = surveys_->get(coord_, d->summary.survey_id);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->questionnaire.questions.size(), 2U);
  const auto& grid = s->questionnaire.questions[0];
  EXPECT_EQ(grid.kind, survey::Kind::grid);
  EXPECT_EQ(grid.days, (std::vector<std::string>{crisis::day_label(in_days(1)),
                                                 crisis::day_label(in_days(2))}));
  EXPECT_EQ(grid.slots, (std::vector<std::string>{"08:00\u201312:00", "14:00\u201318:00"}));
  // The campaign: one slot per day and window with its need.
  auto c = roster_->get(coord_, d->summary.campaign_id);
  ASSERT_TRUE(c);
  ASSERT_EQ(c->plan.slots.size(), 4U);
  int need = 0;
  for (const auto& x : c->plan.slots) {
    need += x.required;
    EXPECT_EQ(x.kind, "vaccination");
    EXPECT_EQ(x.profession, "Vaccinateur");
  }
  EXPECT_EQ(need, 6);
  // The draft message.
  EXPECT_EQ(count("SELECT COUNT(*) FROM newsletters WHERE status = 'draft'"), 1);
  // Audited, each record in its journal.
  for (const char* action : {"crisis.open", "survey.create", "roster.campaign.create",
                             "newsletter.create"}) {
    EXPECT_EQ(count(std::string("SELECT COUNT(*) FROM audit_log WHERE action = '") + action + "'"),
              1)
        << action;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'crisis.open' AND "
                  "structure_id = " + std::to_string(cpts_)),
            1);
}

TEST_P(CrisisTest, TheWholeLoop) {
  auto id = crises_->open(coord_, input());
  ASSERT_TRUE(id) << id.error().describe();
  // Send: Martin, Durand, Roux (refused by the server) and the two pasted addresses; Petit has
  // no address; one pasted line is no address.
  auto sent = crises_->send(coord_, *id, kLinks);
  ASSERT_TRUE(sent) << sent.error().describe();
  EXPECT_EQ(sent->added, 5);
  EXPECT_EQ(sent->sent, 4);
  EXPECT_EQ(sent->failed, 1);
  EXPECT_EQ(sent->without_email, 1);
  EXPECT_EQ(sent->refused_lines.size(), 1U);

  // Nobody answered yet: nothing to build.
  auto d = crises_->dashboard(coord_, *id);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->can_build);
  EXPECT_EQ(crises_->build(coord_, *id, d->summary.version).error().code,
            ErrorCode::invalid_transition);

  // Answers: cell "day.window" (window 0 = morning). Martin both mornings; Durand the first day
  // morning and afternoon; Anne the second afternoon. Bob does not answer.
  answer("paul.martin@exemple.fr", {"0.0", "1.0"});
  answer("marie.durand@exemple.fr", {"0.0", "0.1"});
  answer("anne@exemple.fr", {"1.1"});

  d = crises_->dashboard(coord_, *id);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->summary.invited, 5);
  EXPECT_EQ(d->summary.answered, 3);
  EXPECT_EQ(d->not_answered, 2);
  EXPECT_EQ(d->send_failed, 1);
  ASSERT_TRUE(d->summary.rate);
  EXPECT_DOUBLE_EQ(*d->summary.rate, 3.0 / 5.0);
  // Before the planning: available per slot (slot = day × 2 + window): 2, 1, 1, 1; no one
  // assigned, so every need is a gap (6), and no slot lacks volunteers entirely except slot 2
  // (need 2, 1 available) → shortfall 1 on slot 2.
  ASSERT_EQ(d->slots.size(), 4U);
  const int available[] = {2, 1, 1, 1};
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(d->slots[i].coverage.available, available[i]) << i;
  EXPECT_EQ(d->coverage.gap, 6);
  EXPECT_EQ(d->coverage.short_slots, 1);
  EXPECT_TRUE(d->can_build);
  EXPECT_TRUE(d->can_remind);

  // Build: a stale version is refused; then the three respondents become people of the campaign.
  EXPECT_EQ(crises_->build(coord_, *id, d->summary.version + 7).error().code, ErrorCode::conflict);
  auto built = crises_->build(coord_, *id, d->summary.version);
  ASSERT_TRUE(built) << built.error().describe();
  EXPECT_EQ(built->respondents, 3);
  EXPECT_EQ(built->people_added, 3);
  EXPECT_EQ(built->availabilities, 5);  // 2 + 2 + 1
  EXPECT_TRUE(built->without_availability.empty());
  EXPECT_EQ(built->address_only, (std::vector<std::string>{"anne@exemple.fr"}));
  EXPECT_GT(built->job_id, 0);
  // While the solve is queued, a second build is refused.
  d = crises_->dashboard(coord_, *id);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->can_build);
  EXPECT_EQ(crises_->build(coord_, *id, d->summary.version).error().code, ErrorCode::conflict);

  // The background solver, run here.
  auto ran = run_next_roster_job(*db_, {1});
  ASSERT_TRUE(ran) << ran.error().describe();
  ASSERT_TRUE(*ran);
  d = crises_->dashboard(coord_, *id);
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->job);
  EXPECT_EQ(d->job->status, "done") << d->job->message;
  ASSERT_TRUE(d->job->result);
  EXPECT_TRUE(d->job->result->valid);  // the independent checker's verdict
  EXPECT_EQ(d->campaign_status, "resolu");
  // One slot per person and day: on day 1 Martin and Durand fill 2 of the 3 places (mornings
  // need 2, afternoon 1); on day 2 Martin takes the morning (need 2: 1 missing), Anne the
  // afternoon. Assigned 4 of 6, gap 2.
  EXPECT_EQ(d->coverage.need, 6);
  EXPECT_EQ(d->coverage.assigned, 4);
  EXPECT_EQ(d->coverage.gap, 2);
  EXPECT_EQ(d->slots[0].coverage.gap + d->slots[1].coverage.gap, 1);
  EXPECT_EQ(d->slots[2].coverage.assigned, 1);
  EXPECT_EQ(d->slots[2].coverage.gap, 1);
  EXPECT_EQ(d->slots[3].coverage.assigned, 1);
  EXPECT_EQ(d->slots[3].coverage.gap, 0);
  for (const auto& s : d->slots) EXPECT_EQ(s.coverage.unavailable_assigned, 0);
  EXPECT_EQ(d->slots[3].assigned, (std::vector<std::string>{"anne@exemple.fr"}));
  EXPECT_TRUE(d->can_send_planning);

  // Reminder: Bob and Roux have not answered; each gets a new link, Bob's old one stops.
  const auto bob_old = mailer_->link_of("bob@exemple.fr");
  auto reminded = crises_->remind(coord_, *id, kLinks);
  ASSERT_TRUE(reminded) << reminded.error().describe();
  EXPECT_EQ(reminded->reminded, 2);
  EXPECT_EQ(reminded->sent, 1);
  EXPECT_EQ(reminded->failed, 1);
  const auto bob_new = mailer_->link_of("bob@exemple.fr");
  EXPECT_NE(bob_new, bob_old);
  EXPECT_FALSE(surveys_->open_link(bob_old));
  EXPECT_TRUE(surveys_->open_link(bob_new));
  EXPECT_EQ(mailer_->to("bob@exemple.fr").back().subject.rfind("Rappel", 0), 0U);

  // The final planning: each person their slots; the campaign is published.
  EXPECT_EQ(crises_->send_planning(coord_, *id, d->summary.version - 1).error().code,
            ErrorCode::conflict);
  auto planning = crises_->send_planning(coord_, *id, d->summary.version);
  ASSERT_TRUE(planning) << planning.error().describe();
  EXPECT_EQ(planning->sent, 3);
  EXPECT_EQ(planning->failed, 0);
  EXPECT_EQ(planning->without_slot, 0);
  const auto anne = mailer_->to("anne@exemple.fr").back();
  EXPECT_EQ(anne.subject.rfind("Votre planning", 0), 0U);
  EXPECT_NE(anne.text.find(crisis::day_label(in_days(2)) + " 14:00\u201318:00"),
            std::string::npos)
      << anne.text;
  const auto martin = mailer_->to("paul.martin@exemple.fr").back();
  EXPECT_NE(martin.text.find("Vos créneaux (2)"), std::string::npos) << martin.text;
  d = crises_->dashboard(coord_, *id);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->campaign_status, "publie");
  EXPECT_FALSE(d->summary.planning_sent_at.empty());
  int told = 0;
  for (const auto& p : d->invited) told += p.planning_sent_at.empty() ? 0 : 1;
  EXPECT_EQ(told, 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'crisis.planning.send'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'crisis.build'"), 1);
  // Published: building again is refused.
  EXPECT_EQ(crises_->build(coord_, *id, d->summary.version).error().code,
            ErrorCode::invalid_transition);
}

TEST_P(CrisisTest, BuildingAgainUpdatesTheSamePeople) {
  auto id = crises_->open(coord_, input());
  ASSERT_TRUE(id);
  ASSERT_TRUE(crises_->send(coord_, *id, kLinks));
  answer("paul.martin@exemple.fr", {"0.0"});
  auto d = crises_->dashboard(coord_, *id);
  ASSERT_TRUE(d);
  auto first = crises_->build(coord_, *id, d->summary.version);
  ASSERT_TRUE(first) << first.error().describe();
  ASSERT_TRUE(run_next_roster_job(*db_, {1}));
  answer("paul.martin@exemple.fr", {"0.1", "1.1"});  // changes his answer
  answer("bob@exemple.fr", {"1.0"});
  d = crises_->dashboard(coord_, *id);
  ASSERT_TRUE(d);
  auto second = crises_->build(coord_, *id, d->summary.version);
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_EQ(second->people_added, 1);    // Bob
  EXPECT_EQ(second->people_updated, 1);  // Martin, same person of the campaign
  EXPECT_EQ(count("SELECT COUNT(*) FROM roster_members"), 2);
  // Martin's availabilities are the new ones only (slots 1 and 3).
  EXPECT_EQ(count("SELECT COUNT(*) FROM roster_availability a JOIN crisis_people p ON "
                  "p.member_id = a.member_id JOIN survey_recipients r ON r.id = p.recipient_id "
                  "WHERE r.email = 'paul.martin@exemple.fr'"),
            2);
}

TEST_P(CrisisTest, TwoRespondentsWithTheSameNameAreTwoPeople) {
  person("Martin", "10", "autre.martin@exemple.fr");  // same name "MARTIN A" as Paul Martin
  auto id = crises_->open(coord_, input());
  ASSERT_TRUE(id);
  ASSERT_TRUE(crises_->send(coord_, *id, kLinks));
  answer("paul.martin@exemple.fr", {"0.0"});
  answer("autre.martin@exemple.fr", {"0.0"});
  auto d = crises_->dashboard(coord_, *id);
  ASSERT_TRUE(d);
  auto built = crises_->build(coord_, *id, d->summary.version);
  ASSERT_TRUE(built) << built.error().describe();
  EXPECT_EQ(built->people_added, 2);
  ASSERT_TRUE(run_next_roster_job(*db_, {1}));
  d = crises_->dashboard(coord_, *id);
  ASSERT_TRUE(d && d->job);
  EXPECT_EQ(d->job->status, "done") << d->job->message;
  // Both on the first morning (need 2).
  EXPECT_EQ(d->slots[0].coverage.assigned, 2);
  ASSERT_EQ(d->slots[0].assigned.size(), 2U);
  EXPECT_NE(d->slots[0].assigned[0], d->slots[0].assigned[1]);
}

TEST_P(CrisisTest, WhoMayDoWhat) {
  auto id = crises_->open(coord_, input());
  ASSERT_TRUE(id);
  // The ROC covering the structure sees the crisis and its coverage, not the people.
  auto seen = crises_->dashboard(roc_, *id);
  ASSERT_TRUE(seen) << seen.error().describe();
  EXPECT_EQ(seen->access, CrisisAccess::read);
  EXPECT_TRUE(seen->invited.empty());
  EXPECT_FALSE(seen->can_send);
  ASSERT_TRUE(crises_->list(roc_));
  ASSERT_EQ(crises_->list(roc_)->size(), 1U);
  EXPECT_EQ((*crises_->list(roc_))[0].slots, 4);  // the list carries the plan too
  EXPECT_EQ((*crises_->list(roc_))[0].need, 6);
  // … but runs nothing.
  EXPECT_EQ(crises_->send(roc_, *id, kLinks).error().code, ErrorCode::forbidden);
  EXPECT_EQ(crises_->build(roc_, *id, seen->summary.version).error().code, ErrorCode::forbidden);
  CrisisInput in = input();
  EXPECT_EQ(crises_->open(roc_, in).error().code, ErrorCode::forbidden);
  // Outside the scope, or a member: nothing.
  for (const auto* who : {&roc75_, &paris_, &marie_}) {
    EXPECT_EQ(crises_->dashboard(*who, *id).error().code, ErrorCode::forbidden) << who->login;
    EXPECT_TRUE(crises_->list(*who)->empty()) << who->login;
  }
  in.structure_id = other_;
  EXPECT_EQ(crises_->open(coord_, in).error().code, ErrorCode::forbidden);
  EXPECT_EQ(crises_->dashboard(coord_, *id + 100).error().code, ErrorCode::not_found);
  auto mine = crises_->structures_to_run(coord_);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 1U);
  EXPECT_EQ((*mine)[0].id, std::to_string(cpts_));
  EXPECT_TRUE(crises_->structures_to_run(roc_)->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, CrisisTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
