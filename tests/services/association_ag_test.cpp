// Assemblées générales on both backends (small référentiel of the API tests): the AG options of
// the statuts, an AG from its creation to its closure (convocations through a recording Mailer,
// online proxies checked by the engine, the roll frozen at the opening, émargement with the quorum
// per collège, votes by show of hands and secret ballot whose weighted result differs from the
// head count, closure, procès-verbal), the roll restricted to members à jour, and who sees what.
#include "services/association_ag.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include "common/dates.hpp"
#include "http/test_referentiel.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

using store::Backend;

class RecordingMailer final : public Mailer {
 public:
  Status send(const MailMessage& m) override {
    std::lock_guard lock(mutex);
    if (m.to == "refuse@exemple.fr") {
      return fail(ErrorCode::unavailable, "550 boîte inconnue", "smtp_url");
    }
    sent.push_back(m);
    return {};
  }
  [[nodiscard]] std::string description() const override { return "smtp://test"; }
  std::mutex mutex;
  std::vector<MailMessage> sent;
};

class AssemblyTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    ref_ = testing::small_referentiel();
    association_ = std::make_unique<Association>(*db_, ref_);
    mailer_ = std::make_shared<RecordingMailer>();
    ags_ = std::make_unique<Assemblies>(*db_, *association_, mailer_);
    cpts_ = structure("CPTS du Pays messin (test)", "57");
    other_ = structure("CPTS de Paris (test)", "75");
    coord_ = Principal{1, "coord@exemple.fr", "Coordination", Role::coordinator, {}, {}, {cpts_}};
    roc_ = Principal{2, "roc@exemple.fr", "ROC", Role::roc, {"57"}, {}, {}};
    marie_ = Principal{3, "marie.durand@exemple.fr", "Marie Durand", Role::member, {}, {}, {cpts_}};
    paris_ = Principal{
        4, "coord75@exemple.fr", "Coordination Paris", Role::coordinator, {}, {}, {other_}};
  }
  void TearDown() override {
    ags_.reset();
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

  // Three collèges with a third of the votes each; no dues condition unless asked.
  static StatutsInput statuts(bool same_college = false, bool dues = false) {
    StatutsInput s;
    s.weight_mode = "fixed_share";
    s.colleges = {{"medecins", "Médecins", 1, 3, {"10"}, {}},
                  {"paramedicaux", "Autres professions de santé", 1, 3, {"60", "70", "21"}, {}},
                  {"structures", "Structures", 1, 3, {}, {"pharmacie", "ehpad", "autre"}}};
    s.ag.proxy_same_college = same_college;
    s.ag.vote_requires_dues = dues;
    return s;
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

  std::int64_t pharmacy() {
    MemberInput m;
    m.kind = "legal_person";
    m.organisation = "Pharmacie du Centre";
    m.legal_kind = "pharmacie";
    m.representative = "Mme Leroy";
    m.joined = "2024-01-10";
    auto r = association_->create_member(coord_, cpts_, m);
    EXPECT_TRUE(r) << r.error().describe();
    return r ? r->member.id : 0;
  }

  void members() {
    martin_ = person("Martin", "10", "paul@exemple.fr");
    roux_ = person("Roux", "10", "refuse@exemple.fr");
    durand_ = person("Durand", "60", "marie.durand@exemple.fr");
    petit_ = person("Petit", "60", "");
    blanc_ = person("Blanc", "70", "blanc@exemple.fr");
    noir_ = person("Noir", "21", "noir@exemple.fr");
    pharma_ = pharmacy();
  }

  static AssemblyInput assembly(const std::string& day) {
    AssemblyInput in;
    in.held_on = day;
    in.starts_at = "18:30";
    in.ends_at = "20:30";
    in.place = "Maison de santé, salle 2, Metz";
    in.resolutions = {{"Approbation des comptes 2025", "L'assemblée approuve les comptes.",
                       "ordinaire", "public"},
                      {"Modification de l'article 7 des statuts", "", "statuts", "secret"}};
    return in;
  }

  static const RollEntry* entry(const AssemblyView& v, std::int64_t id) {
    for (const auto& r : v.roll) {
      if (r.member_id == id) return &r;
    }
    return nullptr;
  }

  std::int64_t count(const std::string& table) {
    auto r = db_->query("SELECT COUNT(*) AS n FROM " + table);
    return r ? r->named(0).integer("n") : -1;
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel ref_;
  std::unique_ptr<Association> association_;
  std::shared_ptr<RecordingMailer> mailer_;
  std::unique_ptr<Assemblies> ags_;
  std::int64_t cpts_ = 0, other_ = 0;
  std::int64_t martin_ = 0, roux_ = 0, durand_ = 0, petit_ = 0, blanc_ = 0, noir_ = 0, pharma_ = 0;
  Principal coord_, roc_, marie_, paris_;
};

TEST_P(AssemblyTest, AgOptionsOfTheStatutsAreStoredAndChecked) {
  StatutsInput s = statuts(true);
  s.ag.convocation_days = 21;
  s.ag.first_quorum = "per_college";
  s.ag.first_quorum_num = 1;
  s.ag.first_quorum_den = 3;
  s.ag.second_quorum = "weighted";
  s.ag.second_quorum_num = 1;
  s.ag.second_quorum_den = 5;
  s.ag.statuts_majority = "absolute";
  s.ag.abstentions_expressed = true;
  s.ag.empty_college_share = "lost";
  s.ag.proxy_max = 2;
  auto saved = association_->save_statuts(coord_, cpts_, s);
  ASSERT_TRUE(saved) << saved.error().describe();
  const AgRules& a = saved->statuts.ag;
  EXPECT_EQ(a.convocation_days, 21);
  EXPECT_EQ(a.first_quorum, "per_college");
  EXPECT_EQ(a.first_quorum_den, 3);
  EXPECT_EQ(a.second_quorum, "weighted");
  EXPECT_EQ(a.second_quorum_den, 5);
  EXPECT_EQ(a.statuts_majority, "absolute");
  EXPECT_TRUE(a.abstentions_expressed);
  EXPECT_EQ(a.empty_college_share, "lost");
  EXPECT_EQ(a.proxy_max, 2);
  EXPECT_TRUE(a.proxy_same_college);
  EXPECT_FALSE(a.vote_requires_dues);

  // Wrong choices and numbers name their field.
  StatutsInput bad = s;
  bad.expected_version = 1;
  bad.ag.first_quorum = "beaucoup";
  EXPECT_EQ(association_->save_statuts(coord_, cpts_, bad).error().field, "ag.first_quorum");
  bad = s;
  bad.expected_version = 1;
  bad.ag.first_quorum_num = 4;  // 4/3 of the members
  EXPECT_EQ(association_->save_statuts(coord_, cpts_, bad).error().field, "first_quorum.minimum");
  bad = s;
  bad.expected_version = 1;
  bad.ag.proxy_max = 500;
  EXPECT_EQ(association_->save_statuts(coord_, cpts_, bad).error().field, "proxies.max_per_holder");
  bad = s;
  bad.expected_version = 1;
  bad.weight_mode = "head_count";  // a weighted quorum needs fixed shares
  EXPECT_EQ(association_->save_statuts(coord_, cpts_, bad).error().field, "second_quorum.scope");
  // No quorum: the minimum is not asked for.
  StatutsInput none = s;
  none.expected_version = 1;
  none.ag.second_quorum = "none";
  none.ag.second_quorum_num = 7;
  auto v2 = association_->save_statuts(coord_, cpts_, none);
  ASSERT_TRUE(v2) << v2.error().describe();
  EXPECT_EQ(v2->statuts.ag.second_quorum_num, 0);
}

TEST_P(AssemblyTest, FromCreationToProcesVerbal) {
  ASSERT_TRUE(association_->save_statuts(coord_, cpts_, statuts(true)));
  members();
  const std::string day = format_date(add_days(today_utc(), 40));
  EXPECT_EQ(ags_->create(marie_, cpts_, assembly(day)).error().code, ErrorCode::forbidden);
  AssemblyInput wrong = assembly(day);
  wrong.ends_at = "17:00";
  EXPECT_EQ(ags_->create(coord_, cpts_, wrong).error().field, "ends_at");
  wrong = assembly(day);
  wrong.resolutions[1].title = " ";
  EXPECT_EQ(ags_->create(coord_, cpts_, wrong).error().field, "resolutions[1].title");

  auto created = ags_->create(coord_, cpts_, assembly(day));
  ASSERT_TRUE(created) << created.error().describe();
  const std::int64_t id = created->assembly.id;
  EXPECT_EQ(created->assembly.status, "preparation");
  EXPECT_EQ(created->assembly.title,
            fmt::format("Assemblée générale ordinaire {}", day.substr(0, 4)));
  ASSERT_EQ(created->resolutions.size(), 2U);
  EXPECT_EQ(created->resolutions[1].majority_label,
            "majorité des deux tiers des suffrages exprimés");
  EXPECT_EQ(created->roll.size(), 7U) << "no dues condition: every member has a vote";
  EXPECT_EQ(created->convocation_deadline, format_date(add_days(today_utc(), 25)));
  EXPECT_NE(std::find(created->rules.begin(), created->rules.end(),
                      "Pouvoirs : au plus 1 par membre présent, entre membres du même collège."),
            created->rules.end());

  // Convocations: five addresses, one refused by the server, two members without an address.
  auto sent = ags_->send_convocations(coord_, cpts_, id, "https://maillage.test/ag");
  ASSERT_TRUE(sent) << sent.error().describe();
  EXPECT_EQ(sent->sent, 4);
  EXPECT_EQ(sent->failed, 1);
  EXPECT_EQ(sent->without_email, 2);
  ASSERT_EQ(sent->failures.size(), 1U);
  EXPECT_NE(sent->failures[0].find("ROUX A : 550"), std::string::npos) << sent->failures[0];
  ASSERT_EQ(mailer_->sent.size(), 4U);
  const auto& mail = mailer_->sent.front();
  EXPECT_NE(mail.subject.find("Convocation : assemblée générale ordinaire du"), std::string::npos);
  EXPECT_NE(mail.text.find("1. Approbation des comptes 2025 (Résolution ordinaire, majorité "
                           "simple des suffrages exprimés)"),
            std::string::npos)
      << mail.text;
  EXPECT_NE(mail.text.find("https://maillage.test/ag"), std::string::npos);
  ASSERT_EQ(mail.attachments.size(), 1U);
  EXPECT_NE(mail.attachments[0].data.find("BEGIN:VEVENT"), std::string::npos);
  EXPECT_EQ(sent->view.assembly.convened_on, format_date(today_utc()));
  EXPECT_TRUE(sent->view.convocation_check.empty()) << "sent 40 days ahead";
  EXPECT_EQ(count("association_convocations"), 7);

  // Online proxies (the member from her account; the statuts: one each, same collège).
  EXPECT_EQ(ags_->give_proxy(marie_, cpts_, id, petit_, durand_).error().code,
            ErrorCode::forbidden);
  auto self = ags_->give_proxy(marie_, cpts_, id, durand_, durand_);
  ASSERT_FALSE(self);
  EXPECT_NE(self.error().message.find("se donner pouvoir"), std::string::npos);
  auto across = ags_->give_proxy(marie_, cpts_, id, durand_, martin_);
  ASSERT_FALSE(across);
  EXPECT_EQ(across.error().field, "mandataire");
  EXPECT_NE(across.error().message.find("même collège"), std::string::npos)
      << across.error().message;
  EXPECT_NE(across.error().message.find("DURAND A"), std::string::npos) << "names, not ids";
  auto given = ags_->give_proxy(marie_, cpts_, id, durand_, blanc_);
  ASSERT_TRUE(given) << given.error().describe();
  ASSERT_TRUE(given->me);
  EXPECT_EQ(given->me->holder_id, blanc_);
  EXPECT_TRUE(given->roll.empty()) << "a member does not see the roll";
  for (const auto& h : given->me->holders) {
    EXPECT_NE(h.id, std::to_string(martin_)) << "other collèges are not offered";
  }
  auto over = ags_->give_proxy(coord_, cpts_, id, noir_, blanc_);
  ASSERT_FALSE(over);
  EXPECT_NE(over.error().message.find("le maximum des statuts est 1"), std::string::npos)
      << over.error().message;
  ASSERT_TRUE(ags_->give_proxy(coord_, cpts_, id, roux_, martin_));

  // The séance: the roll and the statuts are frozen.
  EXPECT_EQ(ags_->mark(coord_, cpts_, id, martin_, "present").error().code,
            ErrorCode::invalid_transition);
  auto opened = ags_->open(coord_, cpts_, id);
  ASSERT_TRUE(opened) << opened.error().describe();
  EXPECT_EQ(opened->assembly.status, "open");
  EXPECT_EQ(ags_->give_proxy(marie_, cpts_, id, durand_, noir_).error().code,
            ErrorCode::invalid_transition)
      << "a member gives their proxy before the séance";
  StatutsInput changed = statuts(false);
  changed.expected_version = 1;
  changed.weight_mode = "head_count";
  ASSERT_TRUE(association_->save_statuts(coord_, cpts_, changed));

  // Nobody marked: no quorum, no vote.
  auto early =
      ags_->record_votes(coord_, cpts_, id, opened->resolutions[0].id, {{{martin_, "pour"}}, {}});
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::invalid_transition);
  EXPECT_NE(early.error().message.find("quorum non atteint"), std::string::npos);

  // Émargement: the quorum follows each mark (global, 1/4 of 7).
  auto v = ags_->mark(coord_, cpts_, id, martin_, "present");
  ASSERT_TRUE(v) << v.error().describe();
  EXPECT_EQ(v->quorum.present_or_represented, 2) << "Martin and Roux, whom he represents";
  EXPECT_TRUE(v->quorum.reached) << v->quorum.explanation;
  EXPECT_EQ(v->quorum.colleges[0].represented, 1);
  EXPECT_EQ(v->quorum.colleges[0].rate, "100,0\u00a0%");
  for (auto [m, p] : std::vector<std::pair<std::int64_t, const char*>>{{blanc_, "present"},
                                                                       {petit_, "present"},
                                                                       {noir_, "present"},
                                                                       {pharma_, "present"},
                                                                       {durand_, "excused"}}) {
    v = ags_->mark(coord_, cpts_, id, m, p);
    ASSERT_TRUE(v) << v.error().describe();
  }
  EXPECT_EQ(v->quorum.present_or_represented, 7);
  ASSERT_NE(entry(*v, durand_), nullptr);
  EXPECT_EQ(entry(*v, durand_)->attendance, "represented") << "excused, and her proxy holds";
  EXPECT_EQ(entry(*v, durand_)->holder_name, "BLANC A");
  EXPECT_EQ(entry(*v, blanc_)->proxies_held, 1);
  EXPECT_EQ(ags_->mark(coord_, cpts_, id, 999999, "present").error().code, ErrorCode::not_found);
  EXPECT_EQ(ags_->mark(coord_, cpts_, id, martin_, "peut-etre").error().field, "presence");
  // The frozen statuts still say "fixed shares, same collège" although they changed since.
  EXPECT_TRUE(v->resolutions[0].weighted);
  EXPECT_EQ(v->quorum.colleges[0].share, "1/3");

  // Resolution 1, by show of hands: the collèges' weights carry it, the head count would not.
  VotesInput hands;
  hands.votes = {{martin_, "pour"},  {roux_, "pour"},       {durand_, "contre"}, {petit_, "contre"},
                 {blanc_, "contre"}, {noir_, "abstention"}, {pharma_, "pour"}};
  auto r1 = ags_->record_votes(coord_, cpts_, id, v->resolutions[0].id, hands);
  ASSERT_TRUE(r1) << r1.error().describe();
  const auto& res1 = r1->resolutions[0];
  ASSERT_TRUE(res1.has_result) << res1.result_problem;
  EXPECT_TRUE(res1.adopted);
  EXPECT_FALSE(res1.head_adopted);
  EXPECT_EQ(res1.head_pour, 3);
  EXPECT_EQ(res1.head_base, 6);
  EXPECT_EQ(res1.total_pour, "2/3");  // 1/3 × 2/2 + 1/3 × 0/3 + 1/3 × 1/1
  EXPECT_EQ(res1.total_base, "1");
  EXPECT_NE(res1.explanation.find("elle aurait été rejetée"), std::string::npos)
      << res1.explanation;
  EXPECT_EQ(res1.arithmetic.back(),
            "Pour comparaison, à une voix par membre : 3 pour sur 6 : elle aurait été rejetée.");
  // A vote by someone not on the roll, or a vote twice, is refused by the engine.
  VotesInput stranger = hands;
  stranger.votes.push_back({123456, "pour"});
  EXPECT_FALSE(ags_->record_votes(coord_, cpts_, id, v->resolutions[0].id, stranger));
  VotesInput as_counts;
  as_counts.counts = {{"medecins", 1, 0, 0}};
  EXPECT_EQ(ags_->record_votes(coord_, cpts_, id, v->resolutions[0].id, as_counts).error().field,
            "decomptes");

  // Resolution 2, secret ballot, two thirds: the head count reaches it, the weights do not.
  VotesInput urn;
  urn.counts = {{"medecins", 2, 0, 0}, {"paramedicaux", 2, 1, 1}, {"structures", 0, 1, 0}};
  auto r2 = ags_->record_votes(coord_, cpts_, id, v->resolutions[1].id, urn);
  ASSERT_TRUE(r2) << r2.error().describe();
  const auto& res2 = r2->resolutions[1];
  ASSERT_TRUE(res2.has_result) << res2.result_problem;
  EXPECT_FALSE(res2.adopted);
  EXPECT_TRUE(res2.head_adopted);     // 4 of 6 = 2/3
  EXPECT_EQ(res2.total_pour, "5/9");  // 1/3 + 1/3 × 2/3 + 0
  VotesInput stuffed;
  stuffed.counts = {{"structures", 2, 0, 0}};  // one voter in the collège
  auto too_many = ags_->record_votes(coord_, cpts_, id, v->resolutions[1].id, stuffed);
  ASSERT_FALSE(too_many);
  EXPECT_NE(too_many.error().message.find("2 bulletins"), std::string::npos);

  // The procès-verbal, before and after the closure.
  auto draft = ags_->minutes_odt(coord_, cpts_, id);
  ASSERT_TRUE(draft) << draft.error().describe();
  EXPECT_EQ(draft->substr(0, 2), "PK");
  auto closed = ags_->close(coord_, cpts_, id);
  ASSERT_TRUE(closed) << closed.error().describe();
  EXPECT_EQ(closed->assembly.status, "closed");
  EXPECT_EQ(closed->assembly.adopted, 1U);
  EXPECT_EQ(closed->resolutions[0].outcome, "adoptee");
  EXPECT_EQ(closed->resolutions[1].outcome, "rejetee");
  EXPECT_EQ(ags_->mark(coord_, cpts_, id, martin_, "absent").error().code,
            ErrorCode::invalid_transition);
  EXPECT_EQ(ags_->record_votes(coord_, cpts_, id, v->resolutions[0].id, hands).error().code,
            ErrorCode::invalid_transition);
  EXPECT_TRUE(ags_->minutes_odt(marie_, cpts_, id));

  // Who sees what: the ROC counts and results without a name; another CPTS nothing.
  auto roc = ags_->get(roc_, cpts_, id);
  ASSERT_TRUE(roc) << roc.error().describe();
  EXPECT_TRUE(roc->roll.empty());
  EXPECT_TRUE(roc->proxies.empty());
  EXPECT_FALSE(roc->me);
  EXPECT_EQ(roc->quorum.present_or_represented, 7);
  EXPECT_TRUE(roc->resolutions[0].votes.empty());
  EXPECT_TRUE(roc->resolutions[0].adopted);
  EXPECT_TRUE(ags_->minutes_odt(roc_, cpts_, id));
  EXPECT_EQ(ags_->letters(roc_, cpts_, id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(ags_->get(paris_, cpts_, id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(ags_->get(coord_, cpts_, 999999).error().code, ErrorCode::not_found);
  auto list = ags_->list(roc_, cpts_);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->assemblies.size(), 1U);
  EXPECT_EQ(list->assemblies[0].adopted, 1U);

  // The calendar.
  auto events = ags_->events(marie_, cpts_);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1U);
  const std::string ics = association_icalendar(*events, "CPTS", "20260101T000000Z");
  EXPECT_NE(ics.find("DTSTART;TZID=Europe/Paris:" + day.substr(0, 4) + day.substr(5, 2) +
                     day.substr(8, 2) + "T183000\r\n"),
            std::string::npos)
      << ics;
  EXPECT_NE(ics.find("LOCATION:Maison de santé\\, salle 2\\, Metz\r\n"), std::string::npos);
}

TEST_P(AssemblyTest, PerCollegeQuorumAndProxiesJudgedAtTheSeance) {
  StatutsInput s = statuts();
  s.ag.first_quorum = "per_college";
  s.ag.first_quorum_num = 1;
  s.ag.first_quorum_den = 2;
  ASSERT_TRUE(association_->save_statuts(coord_, cpts_, s));
  members();
  auto created = ags_->create(coord_, cpts_, assembly("2026-06-12"));
  ASSERT_TRUE(created);
  const std::int64_t id = created->assembly.id;
  // Durand → Petit, given before; at the séance Petit is absent: refused, Durand absent.
  ASSERT_TRUE(ags_->give_proxy(marie_, cpts_, id, durand_, petit_));
  ASSERT_TRUE(ags_->open(coord_, cpts_, id));
  auto v = ags_->mark(coord_, cpts_, id, martin_, "present");
  ASSERT_TRUE(v);
  v = ags_->mark(coord_, cpts_, id, blanc_, "present");
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->quorum.reached) << "the structures have nobody";
  EXPECT_TRUE(v->quorum.colleges[0].reached);   // 1 of 2
  EXPECT_FALSE(v->quorum.colleges[1].reached);  // 1 of 4
  EXPECT_FALSE(v->quorum.colleges[2].reached);  // 0 of 1
  ASSERT_EQ(v->proxies.size(), 1U);
  EXPECT_FALSE(v->proxies[0].accepted);
  EXPECT_NE(v->proxies[0].refusal.find("n'est pas présent"), std::string::npos);
  EXPECT_NE(v->quorum.explanation.find("Structures : 0/1 (insuffisant)"), std::string::npos)
      << v->quorum.explanation;
  v = ags_->mark(coord_, cpts_, id, petit_, "present");  // Durand now represented: 3 of 4
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->proxies[0].accepted);
  EXPECT_TRUE(v->quorum.colleges[1].reached);
  v = ags_->mark(coord_, cpts_, id, pharma_, "present");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->quorum.reached) << v->quorum.explanation;
  // A paper proxy at the séance: the coordination records it; a present giver is refused.
  auto refused = ags_->give_proxy(coord_, cpts_, id, blanc_, martin_);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("est présent"), std::string::npos)
      << refused.error().message;
  auto paper = ags_->give_proxy(coord_, cpts_, id, noir_, blanc_);
  ASSERT_TRUE(paper) << paper.error().describe();
  EXPECT_EQ(entry(*paper, noir_)->attendance, "represented");
  // Closing without votes: nothing was put to the vote.
  auto closed = ags_->close(coord_, cpts_, id);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->resolutions[0].outcome, "");
}

TEST_P(AssemblyTest, OnlyMembersUpToDateVoteWhenTheStatutsSaySo) {
  ASSERT_TRUE(association_->save_statuts(coord_, cpts_, statuts(false, true)));
  members();
  const Date today = today_utc();
  const int year = static_cast<int>(today.year());
  ASSERT_TRUE(association_->set_tariffs(coord_, cpts_, year, {{"", "", 3000}}));
  for (auto m : {martin_, durand_, blanc_}) {
    ASSERT_TRUE(association_->add_payment(
        coord_, cpts_, {m, format_date(today), 3000, "cheque", "", std::nullopt}));
  }
  auto created = ags_->create(coord_, cpts_, assembly(format_date(today)));
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_EQ(created->roll.size(), 3U);
  ASSERT_EQ(created->roll_notes.size(), 1U);
  EXPECT_NE(created->roll_notes[0].find("4 membres sans voix"), std::string::npos)
      << created->roll_notes[0];
  EXPECT_EQ(created->with_email + created->without_email, 7) << "everyone is convened";
  // A member without a vote cannot give a proxy, and is told why.
  Principal noir{9, "noir@exemple.fr", "Noir", Role::member, {}, {}, {cpts_}};
  auto mine = ags_->get(noir, cpts_, created->assembly.id);
  ASSERT_TRUE(mine);
  ASSERT_TRUE(mine->me);
  EXPECT_FALSE(mine->me->on_roll);
  EXPECT_FALSE(mine->me->may_give);
  EXPECT_NE(mine->me->not_on_roll_reason.find("à jour"), std::string::npos);
  auto refused = ags_->give_proxy(noir, cpts_, created->assembly.id, noir_, martin_);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("n'a pas de voix"), std::string::npos);
  // Letters for those without e-mail (no SMTP needed): recorded with their day.
  auto letters = ags_->letters(coord_, cpts_, created->assembly.id);
  ASSERT_TRUE(letters);
  EXPECT_EQ(letters->size(), 7U);
  auto odt = ags_->letters_odt(coord_, cpts_, created->assembly.id, "");
  ASSERT_TRUE(odt) << odt.error().describe();
  EXPECT_EQ(odt->substr(0, 2), "PK");
  auto recorded = ags_->record_letters(coord_, cpts_, created->assembly.id, format_date(today));
  ASSERT_TRUE(recorded) << recorded.error().describe();
  EXPECT_EQ(recorded->assembly.convened_how, "courrier");
  EXPECT_NE(recorded->convocation_check.find("15"), std::string::npos)
      << "sent the day of the AG: late";
}

TEST_P(AssemblyTest, WithoutSmtpTheLettersAreOffered) {
  Assemblies no_mail(*db_, *association_);
  ASSERT_TRUE(association_->save_statuts(coord_, cpts_, statuts()));
  members();
  auto created = no_mail.create(coord_, cpts_, assembly("2030-06-12"));
  ASSERT_TRUE(created);
  EXPECT_FALSE(created->smtp);
  auto refused = no_mail.send_convocations(coord_, cpts_, created->assembly.id, "");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_transition);
  EXPECT_EQ(refused.error().field, "smtp_url");
  // Agenda edits before the séance; none after.
  auto more = no_mail.add_resolution(coord_, cpts_, created->assembly.id,
                                     {"Élection du bureau", "", "ordinaire", "secret"});
  ASSERT_TRUE(more);
  ASSERT_EQ(more->resolutions.size(), 3U);
  auto fewer =
      no_mail.remove_resolution(coord_, cpts_, created->assembly.id, more->resolutions[0].id);
  ASSERT_TRUE(fewer);
  ASSERT_EQ(fewer->resolutions.size(), 2U);
  EXPECT_EQ(fewer->resolutions[0].position, 1);
  AssemblyInput edit = assembly("2030-06-19");
  edit.expected_version = fewer->assembly.version;
  auto moved = no_mail.update(coord_, cpts_, created->assembly.id, edit);
  ASSERT_TRUE(moved) << moved.error().describe();
  EXPECT_EQ(moved->assembly.held_on, "2030-06-19");
  EXPECT_EQ(no_mail.update(coord_, cpts_, created->assembly.id, edit).error().code,
            ErrorCode::conflict);
  ASSERT_TRUE(no_mail.open(coord_, cpts_, created->assembly.id));
  EXPECT_EQ(no_mail
                .add_resolution(coord_, cpts_, created->assembly.id,
                                {"Trop tard", "", "ordinaire", "public"})
                .error()
                .code,
            ErrorCode::invalid_transition);
}

INSTANTIATE_TEST_SUITE_P(Backends, AssemblyTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
