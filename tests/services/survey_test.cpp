// Surveys on both backends (small référentiel of the API tests): a questionnaire created and
// checked, sent to members, to the territory's professionals of a fake RPPS extract and to a
// pasted list through a recording Mailer (one address refused by the "server"), answered through
// the personal links read back from the mails (invalid answers refused naming the question,
// answers replaced until the closing), results tallied, the closing, expiry, the token stored
// only hashed, and who may do what.
#include "services/survey.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <regex>

#include "common/dates.hpp"
#include "http/test_referentiel.hpp"
#include "services/diagnostic.hpp"
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
  std::string link_of(const std::string& to) {
    std::lock_guard lock(mutex);
    static const std::regex link("https://maillage\\.test/repondre/([0-9a-f]{64})");
    for (const auto& m : sent) {
      std::smatch hit;
      if (m.to == to && std::regex_search(m.text, hit, link)) return hit[1];
    }
    return "";
  }
  std::mutex mutex;
  std::vector<MailMessage> sent;
};

// Two professionals practise in the CPTS's commune in the latest extract.
class FakeSource final : public SupplySource {
 public:
  Result<std::vector<SnapshotRef>> latest(int) override {
    return std::vector<SnapshotRef>{{7, "2026-06-01", "2026-06-02T08:00:00.000Z", "rpps.txt"}};
  }
  Result<std::vector<CommuneSupplyRow>> commune_supply(std::int64_t) override {
    return std::vector<CommuneSupplyRow>{};
  }
  Result<std::vector<PersonRow>> people(std::int64_t snapshot,
                                        const std::vector<std::string>& communes) override {
    std::vector<PersonRow> out;
    if (snapshot != 7) return out;
    for (const auto& c : communes) {
      if (c != "57463") continue;
      out.push_back({c, {"10000000001", "medecin_generaliste"}});  // Martin, a member
      out.push_back({c, {"10000000002", "infirmier"}});            // no member record
    }
    return out;
  }
};

class SurveyTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    ref_ = testing::small_referentiel();
    association_ = std::make_unique<Association>(*db_, ref_);
    mailer_ = std::make_shared<RecordingMailer>();
    surveys_ = std::make_unique<Surveys>(*db_, ref_, *association_, mailer_,
                                         std::make_shared<FakeSource>());
    cpts_ = structure("CPTS du Pays messin (test)", "57");
    other_ = structure("CPTS de Paris (test)", "75");
    coord_ = Principal{1, "coord@exemple.fr", "Coordination", Role::coordinator, {}, {}, {cpts_}};
    roc_ = Principal{2, "roc@exemple.fr", "ROC", Role::roc, {"57"}, {}, {}};
    roc75_ = Principal{5, "roc75@exemple.fr", "ROC 75", Role::roc, {"75"}, {}, {}};
    marie_ = Principal{3, "marie@exemple.fr", "Marie", Role::member, {}, {}, {cpts_}};
    paris_ = Principal{4, "coord75@exemple.fr", "Paris", Role::coordinator, {}, {}, {other_}};
    observer_ = Principal{6, "obs@exemple.fr", "Observatoire", Role::observer, {}, {}, {}};
    StatutsInput s;
    s.colleges = {{"pros", "Professionnels", 1, 1, {"10", "60", "21"}, {}}};
    ASSERT_TRUE(association_->save_statuts(coord_, cpts_, s));
    martin_ = person("Martin", "10", "paul.martin@exemple.fr", "10000000001");
    person("Durand", "60", "marie@exemple.fr", "");
    person("Petit", "60", "", "");
    person("Roux", "21", "refuse@exemple.fr", "");
    ASSERT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
      auto r = tx.exec("INSERT INTO structure_communes (structure_id, commune) VALUES ($1, $2)",
                       {cpts_, std::string("57463")});
      if (!r) return tl::unexpected(r.error());
      return {};
    }));
  }
  void TearDown() override {
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

  std::int64_t person(const std::string& last, const std::string& profession,
                      const std::string& email, const std::string& rpps) {
    MemberInput m;
    m.last_name = last;
    m.first_name = "A";
    m.profession = profession;
    m.email = email;
    m.rpps = rpps;
    m.joined = "2024-01-10";
    auto r = association_->create_member(coord_, cpts_, m);
    EXPECT_TRUE(r) << r.error().describe();
    return r ? r->member.id : 0;
  }

  static std::string in_days(int n) {
    return format_date(std::chrono::sys_days(today_utc()) + std::chrono::days(n));
  }

  SurveyInput input() const {
    SurveyInput in;
    in.structure_id = cpts_;
    in.title = "Campagne de vaccination : vos disponibilités";
    in.intro = "Trois questions, deux minutes.";
    in.closes_on = in_days(10);
    survey::Question q1 =
        survey::make_question("profession", survey::Kind::single_choice, "Votre profession", true,
                              {"Médecin", "Infirmier", "Pharmacien"});
    survey::Question q2 =
        survey::make_question("heures", survey::Kind::number, "Heures par semaine", true);
    q2.min = 0;
    q2.max = 20;
    survey::Question q3 =
        survey::make_question("grille", survey::Kind::grid, "Vos créneaux", false);
    q3.days = {"Lundi", "Mardi"};
    q3.slots = {"Matin", "Soir"};
    survey::Question q4 = survey::make_question("remarque", survey::Kind::text, "Remarque", false);
    q4.max_length = 100;
    in.questionnaire.questions = {q1, q2, q3, q4};
    return in;
  }

  std::int64_t count(const std::string& sql) {
    auto r = db_->query(sql);
    return r ? r->rows.at(0).integer(0) : -1;
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel ref_;
  std::unique_ptr<Association> association_;
  std::shared_ptr<RecordingMailer> mailer_;
  std::unique_ptr<Surveys> surveys_;
  std::int64_t cpts_ = 0, other_ = 0, martin_ = 0;
  Principal coord_, roc_, roc75_, marie_, paris_, observer_;
};

TEST_P(SurveyTest, CreationChecksTheDefinitionAndNamesTheField) {
  SurveyInput in = input();
  in.title = " ";
  EXPECT_EQ(surveys_->create(coord_, in).error().field, "title");
  in = input();
  in.closes_on = in_days(-1);
  EXPECT_EQ(surveys_->create(coord_, in).error().field, "closes_on");
  in = input();
  in.questionnaire.questions[3].label = "Que vous disent vos patients ?";
  auto refused = surveys_->create(coord_, in);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "questions[3].label");
  EXPECT_NE(refused.error().message.find("jamais sur des patients"), std::string::npos);
  in = input();
  in.questionnaire.questions[0].options = {"Médecin"};
  EXPECT_EQ(surveys_->create(coord_, in).error().field, "questions[0].options");

  auto v = surveys_->create(coord_, input());
  ASSERT_TRUE(v) << v.error().describe();
  EXPECT_EQ(v->summary.status, "draft");
  EXPECT_TRUE(v->editable);
  EXPECT_FALSE(v->open);
  ASSERT_EQ(v->questionnaire.questions.size(), 4u);
  EXPECT_EQ(v->questionnaire.questions[2].days, (std::vector<std::string>{"Lundi", "Mardi"}));
  EXPECT_EQ(*v->questionnaire.questions[1].max, 20);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'survey.create'"), 1);

  // A draft changes entirely; a stale version conflicts.
  SurveyInput change = input();
  change.questionnaire.questions.pop_back();
  change.expected_version = v->summary.version;
  auto changed = surveys_->update(coord_, v->summary.id, change);
  ASSERT_TRUE(changed) << changed.error().describe();
  EXPECT_EQ(changed->questionnaire.questions.size(), 3u);
  EXPECT_EQ(surveys_->update(coord_, v->summary.id, change).error().code, ErrorCode::conflict);
}

TEST_P(SurveyTest, SendAnswerResultsAndClose) {
  auto v = surveys_->create(coord_, input());
  ASSERT_TRUE(v);
  const std::int64_t id = v->summary.id;
  AudienceInput audience;
  audience.members = true;
  audience.pasted = "ext1@exemple.org\n\nnot an address\nPAUL.MARTIN@exemple.fr\nrefuse@liste.fr\n";
  auto report = surveys_->send(coord_, id, audience, "https://maillage.test/repondre/");
  ASSERT_TRUE(report) << report.error().describe();
  // Members with an address: Martin, Durand, Roux (refused by the server); Petit has none.
  // Pasted: ext1 and refuse@liste.fr; Martin's address given twice counts once.
  EXPECT_EQ(report->added, 5);
  EXPECT_EQ(report->sent, 3);
  EXPECT_EQ(report->failed, 2);
  EXPECT_EQ(report->without_email, 1);
  ASSERT_EQ(report->refused_lines.size(), 1u);
  EXPECT_EQ(report->refused_lines[0].field, "ligne 3");
  EXPECT_EQ(report->view.summary.status, "open");
  EXPECT_TRUE(report->view.open);
  EXPECT_FALSE(report->view.editable);
  int failed = 0;
  for (const auto& r : report->view.recipients) {
    if (!r.send_error.empty()) {
      ++failed;
      EXPECT_NE(r.send_error.find("550"), std::string::npos);
      EXPECT_TRUE(r.sent_at.empty());
    }
  }
  EXPECT_EQ(failed, 2);

  // The mail: the personal link, the closing date, the reminder about patients.
  const std::string token = mailer_->link_of("paul.martin@exemple.fr");
  ASSERT_EQ(token.size(), 64u);
  const MailMessage* mail = nullptr;
  for (const auto& m : mailer_->sent) {
    if (m.to == "paul.martin@exemple.fr") mail = &m;
  }
  ASSERT_NE(mail, nullptr);
  EXPECT_NE(mail->text.find("jamais sur des patients"), std::string::npos);
  EXPECT_NE(mail->subject.find("CPTS du Pays messin"), std::string::npos);
  // Only the hash is stored.
  EXPECT_EQ(count("SELECT COUNT(*) FROM survey_recipients WHERE token_hash = '" + token + "'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM survey_recipients WHERE token_hash = '" +
                  Surveys::token_hash(token) + "'"),
            1);

  // Sending again reaches only new addresses.
  AudienceInput again;
  again.pasted = "ext1@exemple.org\next2@exemple.org";
  auto second = surveys_->send(coord_, id, again, "https://maillage.test/repondre/");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->added, 1);
  EXPECT_EQ(second->already, 1);

  // The questions are frozen once sent; the closing date may move.
  SurveyInput change = input();
  change.questionnaire.questions.pop_back();
  change.expected_version = second->view.summary.version;
  EXPECT_EQ(surveys_->update(coord_, id, change).error().code, ErrorCode::invalid_transition);
  change = input();
  change.keep_questions = true;
  change.closes_on = in_days(12);
  change.expected_version = second->view.summary.version;
  auto moved = surveys_->update(coord_, id, change);
  ASSERT_TRUE(moved) << moved.error().describe();
  EXPECT_EQ(moved->summary.closes_on, in_days(12));

  // Answers through the links.
  auto page = surveys_->open_link(token);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->accepting);
  EXPECT_FALSE(page->answered);
  auto bad = surveys_->answer(token, {{"profession", {"0"}}, {"heures", {"25"}}});
  ASSERT_TRUE(bad);
  ASSERT_EQ(bad->problems.size(), 1u);
  EXPECT_EQ(bad->problems[0].field, "heures");
  EXPECT_EQ(count("SELECT COUNT(*) FROM survey_answers"), 0);
  auto ok = surveys_->answer(token, {{"profession", {"0"}},
                                     {"heures", {"4"}},
                                     {"grille", {"0.0", "1.1"}},
                                     {"remarque", {"Plutôt le soir"}}});
  ASSERT_TRUE(ok) << ok.error().describe();
  EXPECT_TRUE(ok->problems.empty());
  EXPECT_TRUE(ok->survey.answered);
  EXPECT_EQ(ok->survey.current.at("grille"), (std::vector<std::string>{"0.0", "1.1"}));
  // Edited: the answer is replaced, not added.
  ASSERT_TRUE(
      surveys_->answer(token, {{"profession", {"0"}}, {"heures", {"6"}}, {"grille", {"0.0"}}}));
  const std::string durand = mailer_->link_of("marie@exemple.fr");
  ASSERT_TRUE(surveys_->answer(
      durand, {{"profession", {"1"}}, {"heures", {"10,5"}}, {"grille", {"0.0", "0.1"}}}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM survey_answers"), 6);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'survey.answer.update'"), 1);

  // Results by hand: 2 respondents of 6 recipients, 2 refused → rate 2/4.
  auto results = surveys_->results(coord_, id);
  ASSERT_TRUE(results) << results.error().describe();
  EXPECT_EQ(results->results.respondents, 2u);
  EXPECT_EQ(results->survey.summary.recipients, 6);
  ASSERT_TRUE(results->survey.summary.rate);
  EXPECT_DOUBLE_EQ(*results->survey.summary.rate, 0.5);
  const auto& q = results->results.questions;
  EXPECT_EQ(q[0].option_counts, (std::vector<std::size_t>{1, 1, 0}));
  EXPECT_EQ(q[1].numbers.mean, 8.25);  // (6 + 10.5) / 2
  EXPECT_EQ(q[2].grid, (std::vector<std::vector<std::size_t>>{{2, 1}, {0, 0}}));
  EXPECT_TRUE(q[3].texts.empty());  // the remark was dropped when Martin edited his answer
  ASSERT_EQ(results->respondents.size(), 2u);
  EXPECT_EQ(results->respondents[0].values[2], "Lundi matin, Lundi soir");  // Durand
  EXPECT_EQ(results->respondents[1].values[1], "6");

  // The observer sees the figures, never who answered.
  auto seen = surveys_->results(observer_, id);
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->respondents.empty());
  EXPECT_TRUE(seen->survey.recipients.empty());
  EXPECT_EQ(seen->results.respondents, 2u);

  // Closing: the links stop at once.
  EXPECT_EQ(surveys_->close(coord_, id, 1).error().code, ErrorCode::conflict);
  auto closed = surveys_->close(coord_, id, moved->summary.version);
  ASSERT_TRUE(closed) << closed.error().describe();
  EXPECT_EQ(closed->summary.status, "closed");
  auto after = surveys_->open_link(token);
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->accepting);
  EXPECT_TRUE(after->answered);
  EXPECT_EQ(surveys_->answer(token, {{"profession", {"1"}}, {"heures", {"1"}}}).error().code,
            ErrorCode::invalid_transition);
  EXPECT_EQ(surveys_->send(coord_, id, again, "x").error().code, ErrorCode::invalid_transition);
}

TEST_P(SurveyTest, LinksExpireAtTheClosingDateAndUnknownTokensSayNothing) {
  auto v = surveys_->create(coord_, input());
  ASSERT_TRUE(v);
  AudienceInput audience;
  audience.pasted = "a@exemple.org";
  ASSERT_TRUE(surveys_->send(coord_, v->summary.id, audience, "https://maillage.test/repondre/"));
  const std::string token = mailer_->link_of("a@exemple.org");
  ASSERT_FALSE(token.empty());
  ASSERT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
    auto r = tx.exec("UPDATE surveys SET closes_on = $1", {in_days(-1)});
    if (!r) return tl::unexpected(r.error());
    return {};
  }));
  auto page = surveys_->open_link(token);
  ASSERT_TRUE(page);
  EXPECT_FALSE(page->accepting);
  EXPECT_NE(page->closed_reason.find("date de clôture"), std::string::npos);
  EXPECT_EQ(surveys_->answer(token, {{"profession", {"1"}}, {"heures", {"1"}}}).error().code,
            ErrorCode::invalid_transition);
  std::string wrong = token;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(surveys_->open_link(wrong).error().code, ErrorCode::not_found);
  EXPECT_EQ(surveys_->open_link("../../etc").error().code, ErrorCode::not_found);
  EXPECT_EQ(surveys_->open_link("").error().code, ErrorCode::not_found);
}

TEST_P(SurveyTest, TheTerritoryAudienceReachesProfessionalsAtTheirMemberAddress) {
  auto v = surveys_->create(coord_, input());
  ASSERT_TRUE(v);
  AudienceInput audience;
  audience.rpps = true;
  auto report = surveys_->send(roc_, v->summary.id, audience, "https://maillage.test/repondre/");
  ASSERT_TRUE(report) << report.error().describe();
  // Two professionals in the extract: Martin (a member with an address) and one the structure
  // holds no address for.
  EXPECT_EQ(report->rpps_professionals, 2);
  EXPECT_EQ(report->added, 1);
  EXPECT_EQ(report->without_email, 1);
  ASSERT_EQ(report->view.recipients.size(), 1u);
  EXPECT_EQ(report->view.recipients[0].email, "paul.martin@exemple.fr");
  EXPECT_EQ(report->view.recipients[0].source, "rpps");
  // A profession filter leaves Martin (médecin, 10) out when only nurses are asked.
  auto w = surveys_->create(coord_, input());
  audience.professions = {"60"};
  auto none = surveys_->send(coord_, w->summary.id, audience, "https://maillage.test/repondre/");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->added, 0);
  EXPECT_EQ(none->view.summary.status, "draft");  // nothing sent: still a draft
  audience.professions = {"99"};
  EXPECT_EQ(surveys_->send(coord_, w->summary.id, audience, "x").error().field, "professions");
  AudienceInput empty;
  EXPECT_EQ(surveys_->send(coord_, w->summary.id, empty, "x").error().field, "audience");
}

TEST_P(SurveyTest, WhoMayRunAndWhoMaySee) {
  auto v = surveys_->create(coord_, input());
  ASSERT_TRUE(v);
  const std::int64_t id = v->summary.id;
  // A member who is not on the bureau, another structure's coordinator, a ROC elsewhere.
  EXPECT_EQ(surveys_->get(marie_, id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(surveys_->get(paris_, id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(surveys_->get(roc75_, id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(surveys_->results(paris_, id).error().code, ErrorCode::forbidden);
  SurveyInput elsewhere = input();
  elsewhere.structure_id = other_;
  EXPECT_EQ(surveys_->create(coord_, elsewhere).error().code, ErrorCode::forbidden);
  EXPECT_EQ(surveys_->create(observer_, input()).error().code, ErrorCode::forbidden);
  EXPECT_EQ(surveys_->close(paris_, id, 1).error().code, ErrorCode::forbidden);
  // The ROC of the département runs it; the observer reads it.
  auto roc_view = surveys_->get(roc_, id);
  ASSERT_TRUE(roc_view);
  EXPECT_EQ(roc_view->access, SurveyAccess::run);
  EXPECT_EQ(surveys_->get(observer_, id)->access, SurveyAccess::read);
  // Lists follow the scope.
  EXPECT_EQ(surveys_->list(coord_)->size(), 1u);
  EXPECT_EQ(surveys_->list(roc_)->size(), 1u);
  EXPECT_EQ(surveys_->list(paris_)->size(), 0u);
  EXPECT_EQ(surveys_->list(roc75_)->size(), 0u);
  EXPECT_EQ(surveys_->list(marie_)->size(), 0u);
  auto runnable = surveys_->structures_to_run(coord_);
  ASSERT_TRUE(runnable);
  ASSERT_EQ(runnable->size(), 1u);
  EXPECT_EQ((*runnable)[0].id, std::to_string(cpts_));
  EXPECT_TRUE(surveys_->structures_to_run(observer_)->empty());
  EXPECT_TRUE(surveys_->structures_to_run(marie_)->empty());
  EXPECT_EQ(surveys_->get(coord_, id + 100).error().code, ErrorCode::not_found);
}

TEST_P(SurveyTest, WithoutAMailServerNothingIsRecorded) {
  Surveys offline(*db_, ref_, *association_);
  auto v = offline.create(coord_, input());
  ASSERT_TRUE(v);
  AudienceInput audience;
  audience.pasted = "a@exemple.org";
  EXPECT_EQ(offline.send(coord_, v->summary.id, audience, "x").error().code,
            ErrorCode::unavailable);
  EXPECT_EQ(count("SELECT COUNT(*) FROM survey_recipients"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
