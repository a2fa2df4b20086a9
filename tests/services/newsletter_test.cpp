// Newsletters on both backends (small référentiel of the API tests): a message sanitised on
// saving, queued for the members and a pasted list, sent by the background sender at its rate
// limit through a recording Mailer (one address refused, its reason logged), each mail with its
// HTML alternative, attachment and personal unsubscribe link; an unsubscribe honoured by the
// deliveries still waiting and by later sends; who may send.
#include "services/newsletter.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

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
    if (m.to.rfind("refuse@", 0) == 0) {
      return fail(ErrorCode::unavailable, "550 5.1.1 unknown mailbox", "smtp_url");
    }
    sent.push_back(m);
    return {};
  }
  [[nodiscard]] std::string description() const override { return "smtp://test"; }
  std::vector<MailMessage> all() {
    std::lock_guard lock(mutex);
    return sent;
  }
  std::mutex mutex;
  std::vector<MailMessage> sent;
};

class NewsletterTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    ref_ = testing::small_referentiel();
    association_ = std::make_unique<Association>(*db_, ref_);
    mailer_ = std::make_shared<RecordingMailer>();
    surveys_ = std::make_unique<Surveys>(*db_, ref_, *association_, mailer_);
    newsletters_ = std::make_unique<Newsletters>(*db_, *surveys_, mailer_);
    cpts_ = structure("CPTS du Pays messin (test)", "57");
    other_ = structure("CPTS de Paris (test)", "75");
    coord_ = Principal{1, "coord@exemple.fr", "Coordination", Role::coordinator, {}, {}, {cpts_}};
    paris_ = Principal{4, "coord75@exemple.fr", "Paris", Role::coordinator, {}, {}, {other_}};
    observer_ = Principal{6, "obs@exemple.fr", "Observatoire", Role::observer, {}, {}, {}};
    StatutsInput s;
    s.colleges = {{"pros", "Professionnels", 1, 1, {"10", "60"}, {}}};
    ASSERT_TRUE(association_->save_statuts(coord_, cpts_, s));
    person("Martin", "10", "paul.martin@exemple.fr");
    person("Durand", "60", "marie@exemple.fr");
    person("Roux", "60", "refuse@exemple.fr");
  }
  void TearDown() override {
    newsletters_.reset();
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
    ASSERT_TRUE(r) << r.error().describe();
  }

  NewsletterInput input() const {
    NewsletterInput in;
    in.structure_id = cpts_;
    in.subject = "Campagne de vaccination : point d'étape";
    in.html =
        "<h2 style=\"color:red\">Point d'étape</h2><p onclick=\"x()\">Merci à <strong>tous</strong>"
        "<script>alert(1)</script></p><p><a href=\"https://cpts.exemple.fr/planning\">Le "
        "planning</a> <a href=\"javascript:alert(1)\">piège</a></p>";
    in.attachments = {{"planning.csv", "text/csv; charset=UTF-8", "jour;créneau\nlundi;matin\n"}};
    return in;
  }

  std::int64_t count(const std::string& sql) {
    auto r = db_->query(sql);
    return r ? r->rows.at(0).integer(0) : -1;
  }

  static std::string token_of(const MailMessage& m) {
    const auto at = m.list_unsubscribe.rfind('/');
    return at == std::string::npos ? "" : m.list_unsubscribe.substr(at + 1);
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel ref_;
  std::unique_ptr<Association> association_;
  std::shared_ptr<RecordingMailer> mailer_;
  std::unique_ptr<Surveys> surveys_;
  std::unique_ptr<Newsletters> newsletters_;
  std::int64_t cpts_ = 0, other_ = 0;
  Principal coord_, paris_, observer_;
};

TEST_P(NewsletterTest, SanitisedQueuedSentLoggedAndUnsubscribed) {
  NewsletterInput empty = input();
  empty.html = "<script>alert(1)</script><p> </p>";
  EXPECT_EQ(newsletters_->create(coord_, empty).error().field, "html");
  EXPECT_EQ(newsletters_->create(paris_, input()).error().code, ErrorCode::forbidden);
  EXPECT_EQ(newsletters_->create(observer_, input()).error().code, ErrorCode::forbidden);
  auto v = newsletters_->create(coord_, input());
  ASSERT_TRUE(v) << v.error().describe();
  EXPECT_EQ(v->html,
            "<h2>Point d'étape</h2><p>Merci à <strong>tous</strong></p><p><a "
            "href=\"https://cpts.exemple.fr/planning\">Le planning</a> piège</p>");
  EXPECT_EQ(v->text,
            "Point d'étape\n\nMerci à tous\n\nLe planning <https://cpts.exemple.fr/planning> piège");
  EXPECT_EQ(v->attachment_names, std::vector<std::string>{"planning.csv"});

  AudienceInput audience;
  audience.members = true;
  audience.pasted = "ext@exemple.org\nmarie@exemple.fr";
  auto queued = newsletters_->queue(coord_, v->summary.id, audience, "https://m.test/desinscription/");
  ASSERT_TRUE(queued) << queued.error().describe();
  EXPECT_EQ(queued->added, 4);  // Martin, Durand, Roux, ext (marie given twice)
  EXPECT_EQ(queued->view.summary.status, "queued");
  EXPECT_EQ(queued->view.summary.pending, 4);
  EXPECT_EQ(newsletters_->queue(coord_, v->summary.id, audience, "x").error().code,
            ErrorCode::invalid_transition);

  NewsletterSender sender(*newsletters_, {200, 2, std::chrono::milliseconds(50)});
  auto n = sender.drain();
  ASSERT_TRUE(n) << n.error().describe();
  EXPECT_EQ(*n, 4u);
  auto after = newsletters_->get(coord_, v->summary.id);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->summary.status, "sent");
  EXPECT_EQ(after->summary.sent, 3);
  EXPECT_EQ(after->summary.refused, 1);
  for (const auto& d : after->deliveries) {
    if (d.email == "refuse@exemple.fr") {
      EXPECT_EQ(d.status, "refused");
      EXPECT_NE(d.reason.find("550"), std::string::npos);
    } else {
      EXPECT_EQ(d.status, "sent");
      EXPECT_FALSE(d.sent_at.empty());
    }
  }
  const auto mails = mailer_->all();
  ASSERT_EQ(mails.size(), 3u);
  const MailMessage& m = mails[0];
  EXPECT_NE(m.html.find("<strong>tous</strong>"), std::string::npos);
  EXPECT_EQ(m.html.find("<script"), std::string::npos);
  EXPECT_EQ(m.html.find("javascript"), std::string::npos);
  EXPECT_NE(m.text.find("Pour ne plus recevoir ses messages : https://m.test/desinscription/"),
            std::string::npos);
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].data, "jour;créneau\nlundi;matin\n");
  const std::string raw = compose_mail(m, "cpts@exemple.fr", rfc5322_now(), "id-1@test");
  EXPECT_NE(raw.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(raw.find("Content-Type: text/html; charset=UTF-8"), std::string::npos);
  EXPECT_NE(raw.find("List-Unsubscribe: <https://m.test/desinscription/"), std::string::npos);
  // Each link is personal and stored hashed.
  EXPECT_NE(token_of(mails[0]), token_of(mails[1]));
  EXPECT_EQ(count("SELECT COUNT(*) FROM newsletter_deliveries WHERE token_hash = '" +
                  token_of(mails[0]) + "'"),
            0);

  // Marie unsubscribes; a second message to the same audience leaves her out.
  std::string marie;
  for (const auto& x : mails) {
    if (x.to == "marie@exemple.fr") marie = token_of(x);
  }
  auto info = newsletters_->unsubscribe_info(marie);
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_EQ(info->email, "marie@exemple.fr");
  EXPECT_FALSE(info->done);
  ASSERT_TRUE(newsletters_->unsubscribe(marie));
  EXPECT_TRUE(newsletters_->unsubscribe(marie)->done);  // idempotent
  EXPECT_EQ(newsletters_->unsubscribe_info("0123").error().code, ErrorCode::not_found);
  auto second = newsletters_->create(coord_, input());
  ASSERT_TRUE(second);
  auto q2 = newsletters_->queue(coord_, second->summary.id, audience, "https://m.test/d/");
  ASSERT_TRUE(q2);
  EXPECT_EQ(q2->added, 3);
  EXPECT_EQ(q2->unsubscribed, 1);
  // Paul unsubscribes (through the first message's link) while the second waits: honoured.
  std::string paul;
  for (const auto& x : mails) {
    if (x.to == "paul.martin@exemple.fr") paul = token_of(x);
  }
  ASSERT_TRUE(newsletters_->unsubscribe(paul));
  ASSERT_TRUE(sender.drain());
  auto done = newsletters_->get(coord_, second->summary.id);
  EXPECT_EQ(done->summary.unsubscribed, 1);
  EXPECT_EQ(done->summary.sent, 1);  // ext only (Roux refused)
  EXPECT_EQ(done->summary.refused, 1);
  EXPECT_EQ(mailer_->all().size(), 4u);

  // The archive follows the scope; the observer reads without the log.
  EXPECT_EQ(newsletters_->archive(coord_)->size(), 2u);
  EXPECT_EQ(newsletters_->archive(paris_)->size(), 0u);
  auto seen = newsletters_->get(observer_, v->summary.id);
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->deliveries.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'newsletter.delivery'"), 7);
}

TEST_P(NewsletterTest, TheBackgroundSenderKeepsItsRate) {
  auto v = newsletters_->create(coord_, input());
  ASSERT_TRUE(v);
  AudienceInput audience;
  for (int i = 0; i < 10; ++i) audience.pasted += "p" + std::to_string(i) + "@exemple.org\n";
  ASSERT_TRUE(newsletters_->queue(coord_, v->summary.id, audience, "https://m.test/d/"));
  NewsletterSender sender(*newsletters_, {20, 4, std::chrono::milliseconds(20)});
  const auto start = std::chrono::steady_clock::now();
  sender.start();
  sender.wake();
  for (int i = 0; i < 400 && mailer_->all().size() < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  sender.stop();
  EXPECT_EQ(mailer_->all().size(), 10u);
  // 10 messages at 20 a second: 9 intervals of 50 ms at least.
  EXPECT_GE(elapsed, std::chrono::milliseconds(450));
}

INSTANTIATE_TEST_SUITE_P(Backends, NewsletterTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
