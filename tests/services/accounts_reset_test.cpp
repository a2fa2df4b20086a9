// Password-reset links on both backends: issued by an admin, e-mailed when a mailer is set (the
// admin then never sees the token) or returned once when none is; one use only, a newer link
// revokes the older, expiry, disabled accounts, sessions ended, a refused mail revokes the link.
#include <gtest/gtest.h>

#include <mutex>

#include "services/accounts.hpp"
#include "services/mail.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

using namespace std::chrono_literals;

// Keeps what it is asked to send; refuses when told to.
class RecordingMailer final : public Mailer {
 public:
  Status send(const MailMessage& m) override {
    std::lock_guard lock(mutex_);
    if (refuse) return fail(ErrorCode::unavailable, "550 boîte inconnue");
    sent.push_back(m);
    return {};
  }
  [[nodiscard]] std::string description() const override { return "test"; }
  std::vector<MailMessage> sent;
  bool refuse = false;

 private:
  std::mutex mutex_;
};

constexpr const char* kPassword = "mot-de-passe-initial";
constexpr const char* kBase = "http://maillage.test/connexion/nouveau-mot-de-passe?lien=";

class ResetLinkTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    settings_.argon2_memory_kib = 256;
    settings_.argon2_passes = 1;
    settings_.clock = [now = now_] { return *now; };
    mailer_ = std::make_shared<RecordingMailer>();
    without_mail_ = std::make_unique<Accounts>(*db_, settings_);
    with_mail_ = std::make_unique<Accounts>(*db_, settings_, mailer_);
    auto id = without_mail_->create_user(
        NewUser{"marie.durand@example.org", "Marie Durand", kPassword, Role::roc, {"57"}, {}, {}},
        "admin@test");
    ASSERT_TRUE(id) << id.error().describe();
    user_ = *id;
  }
  void TearDown() override {
    with_mail_.reset();
    without_mail_.reset();
    db_.reset();
    scratch_.reset();
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  AccountSettings settings_;
  std::shared_ptr<std::chrono::system_clock::time_point> now_ =
      std::make_shared<std::chrono::system_clock::time_point>(std::chrono::system_clock::now());
  std::shared_ptr<RecordingMailer> mailer_;
  std::unique_ptr<Accounts> without_mail_, with_mail_;
  std::int64_t user_ = 0;
};

TEST_P(ResetLinkTest, WithoutMailTheLinkIsReturnedOnceAndWorksOnce) {
  auto session = without_mail_->login("marie.durand@example.org", kPassword, "10.0.0.1");
  ASSERT_TRUE(session);
  auto link = without_mail_->issue_reset_link("admin@test", user_, kBase);
  ASSERT_TRUE(link) << link.error().describe();
  EXPECT_FALSE(link->mailed);
  ASSERT_EQ(link->token.size(), 64U);
  auto info = without_mail_->reset_link(link->token);
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_EQ(info->display_name, "Marie Durand");

  auto short_password = without_mail_->redeem_reset_link(link->token, "court");
  ASSERT_FALSE(short_password);
  EXPECT_EQ(short_password.error().field, "password");
  ASSERT_TRUE(without_mail_->reset_link(link->token)) << "a refused password keeps the link";

  ASSERT_TRUE(without_mail_->redeem_reset_link(link->token, "un-nouveau-mot-de-passe"));
  EXPECT_FALSE(without_mail_->session(session->token)) << "sessions end with the old password";
  EXPECT_FALSE(without_mail_->login("marie.durand@example.org", kPassword, "10.0.0.1"));
  EXPECT_TRUE(without_mail_->login("marie.durand@example.org", "un-nouveau-mot-de-passe", "10.0.0.1"));
  auto again = without_mail_->redeem_reset_link(link->token, "encore-un-autre-mot");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::not_found);
  EXPECT_TRUE(mailer_->sent.empty());
}

TEST_P(ResetLinkTest, WithMailTheLinkGoesToTheUserAndNotToTheAdmin) {
  auto link = with_mail_->issue_reset_link("admin@test", user_, kBase);
  ASSERT_TRUE(link) << link.error().describe();
  EXPECT_TRUE(link->mailed);
  EXPECT_TRUE(link->token.empty());
  ASSERT_EQ(mailer_->sent.size(), 1U);
  const MailMessage& m = mailer_->sent[0];
  EXPECT_EQ(m.to, "marie.durand@example.org");
  const auto at = m.text.find(kBase);
  ASSERT_NE(at, std::string::npos) << m.text;
  const std::string token = m.text.substr(at + std::string(kBase).size(), 64);
  EXPECT_TRUE(with_mail_->reset_link(token));
  EXPECT_TRUE(with_mail_->redeem_reset_link(token, "un-nouveau-mot-de-passe"));
}

TEST_P(ResetLinkTest, ANewerLinkRevokesTheOlderAndLinksExpire) {
  auto first = without_mail_->issue_reset_link("admin@test", user_, kBase);
  auto second = without_mail_->issue_reset_link("admin@test", user_, kBase);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(without_mail_->reset_link(first->token));
  ASSERT_TRUE(without_mail_->reset_link(second->token));
  *now_ += 48h + 1s;
  auto expired = without_mail_->reset_link(second->token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::not_found);
  EXPECT_FALSE(without_mail_->redeem_reset_link(second->token, "un-nouveau-mot-de-passe"));
  EXPECT_FALSE(without_mail_->reset_link("not-a-token"));
  EXPECT_FALSE(without_mail_->reset_link(std::string(64, 'a')));
}

TEST_P(ResetLinkTest, DisabledAccountsGetNoLinkAndLoseTheirOpenOne) {
  auto link = without_mail_->issue_reset_link("admin@test", user_, kBase);
  ASSERT_TRUE(link);
  auto user = without_mail_->get_user(user_);
  ASSERT_TRUE(user);
  UserChanges off;
  off.active = false;
  ASSERT_TRUE(without_mail_->update_user(user_, user->version, off, "admin@test"));
  EXPECT_FALSE(without_mail_->reset_link(link->token));
  auto refused = without_mail_->issue_reset_link("admin@test", user_, kBase);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_transition);
  // Enabled again, the account still has no open link: the old one was revoked.
  user = without_mail_->get_user(user_);
  ASSERT_TRUE(user);
  UserChanges on;
  on.active = true;
  ASSERT_TRUE(without_mail_->update_user(user_, user->version, on, "admin@test"));
  EXPECT_FALSE(without_mail_->reset_link(link->token));
}

TEST_P(ResetLinkTest, ARefusedMailRevokesTheLinkAndSaysWhy) {
  mailer_->refuse = true;
  auto link = with_mail_->issue_reset_link("admin@test", user_, kBase);
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().code, ErrorCode::unavailable);
  EXPECT_NE(link.error().message.find("550"), std::string::npos);
  auto open = db_->query("SELECT COUNT(*) AS n FROM password_resets WHERE ended_at IS NULL");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->rows[0].integer(0), 0);
  auto audit = db_->query(
      "SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('user.reset_link', "
      "'user.reset_link_failed')");
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->rows[0].integer(0), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, ResetLinkTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
