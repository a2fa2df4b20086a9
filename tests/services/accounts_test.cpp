// Accounts and sessions, on both backends (see tests/store/test_databases.hpp).
#include "services/accounts.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "demo/demo.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

using namespace std::chrono_literals;
using store::Backend;

class AccountsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    settings_.session_lifetime = 1h;
    settings_.max_failed_logins = 3;
    settings_.failed_login_window = 15min;
    // Cheap hashes: the tests check behaviour, not the cost.
    settings_.argon2_memory_kib = 256;
    settings_.argon2_passes = 1;
    settings_.clock = [now = now_] { return *now; };
    accounts_ = std::make_unique<Accounts>(*db_, settings_);
  }
  void TearDown() override {
    accounts_.reset();
    db_.reset();
    scratch_.reset();
  }

  void advance(std::chrono::seconds d) { *now_ += d; }

  std::int64_t add(const std::string& login, Role role = Role::admin,
                   std::vector<std::string> departements = {},
                   std::vector<std::string> regions = {},
                   std::vector<std::int64_t> structures = {}) {
    NewUser u{login,
              "Nom de " + login,
              kPassword,
              role,
              std::move(departements),
              std::move(regions),
              std::move(structures)};
    auto id = accounts_->create_user(u, "admin-test");
    EXPECT_TRUE(id) << id.error().describe();
    return id.value_or(0);
  }

  std::int64_t count(const std::string& sql, const store::Params& params = {}) {
    auto r = db_->query(sql, params);
    EXPECT_TRUE(r) << r.error().describe();
    return r ? r->rows.at(0).integer(0) : -1;
  }

  std::int64_t make_structure(const std::string& name) {
    std::int64_t id = 0;
    EXPECT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
      auto r = tx.query(
          "INSERT INTO structures (kind, name, departement, created_at, updated_at) "
          "VALUES ('MSP', $1, '57', 'x', 'x') RETURNING id",
          {name});
      if (!r) return tl::unexpected(r.error());
      id = r->rows.at(0).integer(0);
      return {};
    }));
    return id;
  }

  static constexpr const char* kPassword = "correct horse battery";
  std::shared_ptr<std::chrono::system_clock::time_point> now_ =
      std::make_shared<std::chrono::system_clock::time_point>(
          std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + 9h);
  AccountSettings settings_;
  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_P(AccountsTest, LoginOpensASessionWithThePrincipal) {
  auto id = add("roc@cpam57.fr", Role::roc, {"57", "54", "57"});
  auto s = accounts_->login("ROC@cpam57.fr", kPassword, "10.0.0.1");  // any case
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->token.size(), 64u);
  EXPECT_EQ(s->csrf.size(), 64u);
  EXPECT_NE(s->token, s->csrf);
  EXPECT_EQ(s->principal.user_id, id);
  EXPECT_EQ(s->principal.login, "roc@cpam57.fr");
  EXPECT_EQ(s->principal.role, Role::roc);
  EXPECT_EQ(s->principal.departements, (std::vector<std::string>{"54", "57"}));
  EXPECT_EQ(s->expires, *now_ + 1h);

  auto again = accounts_->session(s->token);
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_EQ(again->principal.user_id, id);
  EXPECT_EQ(again->csrf, s->csrf);
  EXPECT_TRUE(csrf_matches(*again, s->csrf));
  EXPECT_FALSE(csrf_matches(*again, s->token));
  EXPECT_FALSE(csrf_matches(*again, ""));
}

TEST_P(AccountsTest, OnlyTheTokenHashIsStored) {
  add("a@x.fr");
  auto s = accounts_->login("a@x.fr", kPassword, "");
  ASSERT_TRUE(s);
  EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE token_hash = $1", {s->token}), 0);
  EXPECT_EQ(count("SELECT count(*) FROM sessions"), 1);
  auto hash = db_->query("SELECT password_hash FROM users");
  ASSERT_TRUE(hash);
  EXPECT_TRUE(hash->rows[0].text(0).starts_with("$argon2id$v=19$")) << hash->rows[0].text(0);
  EXPECT_EQ(hash->rows[0].text(0).find(kPassword), std::string::npos);
}

TEST_P(AccountsTest, BadPasswordAndUnknownLoginAreTheSameError) {
  add("a@x.fr");
  auto bad = accounts_->login("a@x.fr", "wrong password!", "10.0.0.1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::bad_credentials);
  auto unknown = accounts_->login("nobody@x.fr", kPassword, "10.0.0.2");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::bad_credentials);
  EXPECT_EQ(bad.error().message, unknown.error().message);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'session.login_failed'"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM sessions"), 0);
}

TEST_P(AccountsTest, RateLimitPerLogin) {
  add("a@x.fr");
  for (int i = 0; i < 3; ++i) {
    auto r = accounts_->login("a@x.fr", "wrong password!", "10.0.0." + std::to_string(i));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::bad_credentials);
  }
  // Even the right password is refused now, from any address, whatever the case of the login.
  auto limited = accounts_->login("A@X.FR", kPassword, "10.9.9.9");
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, ErrorCode::rate_limited);
  // Other logins are not affected.
  add("b@x.fr");
  EXPECT_TRUE(accounts_->login("b@x.fr", kPassword, "10.9.9.9"));
  // After the window the login works again.
  advance(16min);
  EXPECT_TRUE(accounts_->login("a@x.fr", kPassword, "10.9.9.9"));
}

// The wait announced (Retry-After) is the time until the oldest counted failure leaves the
// window: then the count falls below the limit and the right password works again.
TEST_P(AccountsTest, RateLimitSaysWhenTheNextAttemptMaySucceed) {
  add("a@x.fr");
  (void)accounts_->login("a@x.fr", "wrong password!", "10.0.0.1");  // t = 0
  advance(4min);
  (void)accounts_->login("a@x.fr", "wrong password!", "10.0.0.2");  // t = 4 min
  advance(2min);
  (void)accounts_->login("a@x.fr", "wrong password!", "10.0.0.3");  // t = 6 min
  advance(1min);
  auto limited = accounts_->login("a@x.fr", kPassword, "10.0.0.4");  // t = 7 min
  ASSERT_FALSE(limited);
  ASSERT_EQ(limited.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(limited.error().retry_after_s, (15 - 7) * 60);  // the t = 0 failure leaves at 15 min
  advance(std::chrono::seconds((15 - 7) * 60 - 1));
  auto still = accounts_->login("a@x.fr", kPassword, "10.0.0.4");
  ASSERT_FALSE(still);
  EXPECT_EQ(still.error().retry_after_s, 1);
  advance(1s);
  EXPECT_TRUE(accounts_->login("a@x.fr", kPassword, "10.0.0.4"));
}

TEST_P(AccountsTest, RateLimitPerClientAddress) {
  add("victim@x.fr");
  for (const char* login : {"u1@x.fr", "u2@x.fr", "u3@x.fr"}) {
    auto r = accounts_->login(login, "guess guess guess", "203.0.113.7");
    EXPECT_EQ(r.error().code, ErrorCode::bad_credentials);
  }
  auto limited = accounts_->login("victim@x.fr", kPassword, "203.0.113.7");
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, ErrorCode::rate_limited);
  EXPECT_TRUE(accounts_->login("victim@x.fr", kPassword, "198.51.100.1"));
}

TEST_P(AccountsTest, SuccessClearsTheFailuresOfTheLogin) {
  add("a@x.fr");
  for (int i = 0; i < 2; ++i) (void)accounts_->login("a@x.fr", "wrong password!", "10.0.0.1");
  ASSERT_TRUE(accounts_->login("a@x.fr", kPassword, "10.0.0.1"));
  for (int i = 0; i < 2; ++i) (void)accounts_->login("a@x.fr", "wrong password!", "10.0.0.2");
  EXPECT_TRUE(accounts_->login("a@x.fr", kPassword, "10.0.0.2"));  // 2 failures, not 4
}

TEST_P(AccountsTest, SessionsExpireWhenIdleAndSlideWhenUsed) {
  add("a@x.fr");
  auto s = accounts_->login("a@x.fr", kPassword, "");
  ASSERT_TRUE(s);
  advance(40min);
  auto used = accounts_->session(s->token);  // refreshes the expiry to now + 1 h
  ASSERT_TRUE(used) << used.error().describe();
  EXPECT_EQ(used->expires, *now_ + 1h);
  advance(40min);  // 80 min after login, 40 after the last use
  ASSERT_TRUE(accounts_->session(s->token));
  advance(61min);  // idle longer than the lifetime
  auto expired = accounts_->session(s->token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::unauthenticated);
}

TEST_P(AccountsTest, SessionsEndAfterTheAbsoluteLifetimeHoweverActive) {
  settings_.session_max_lifetime = 3h;
  accounts_ = std::make_unique<Accounts>(*db_, settings_);
  add("a@x.fr");
  auto s = accounts_->login("a@x.fr", kPassword, "");
  ASSERT_TRUE(s);
  for (int i = 0; i < 5; ++i) {  // used every 35 min: never idle for the 1 h idle lifetime
    advance(35min);
    auto used = accounts_->session(s->token);
    ASSERT_TRUE(used) << i;
    // The sliding expiry never goes past the absolute end.
    EXPECT_LE(used->expires, std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + 12h);
  }
  advance(5min);  // 2 h 60 min = 3 h after the login
  auto ended = accounts_->session(s->token);
  ASSERT_FALSE(ended);
  EXPECT_EQ(ended.error().code, ErrorCode::unauthenticated);
  // A new login opens a new session.
  EXPECT_TRUE(accounts_->login("a@x.fr", kPassword, ""));
}

TEST_P(AccountsTest, OwnAccountChangesNeedTheCurrentPassword) {
  add("a@x.fr");
  add("b@x.fr");
  auto s = accounts_->login("a@x.fr", kPassword, "10.0.0.1");
  auto other = accounts_->login("a@x.fr", kPassword, "10.0.0.2");
  ASSERT_TRUE(s && other);
  OwnAccountChange bad{"wrong password!", std::string("a brand new password"), std::nullopt};
  auto refused = accounts_->change_own_account(*s, bad, "10.0.0.1");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::bad_credentials);
  EXPECT_EQ(refused.error().field, "mot_de_passe_actuel");
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'session.reauth_failed'"), 1);
  OwnAccountChange empty{kPassword, std::nullopt, std::nullopt};
  EXPECT_EQ(accounts_->change_own_account(*s, empty, "").error().code, ErrorCode::missing_field);
  OwnAccountChange short_one{kPassword, std::string("court"), std::nullopt};
  EXPECT_EQ(accounts_->change_own_account(*s, short_one, "").error().field, "password");

  OwnAccountChange ok{kPassword, std::string("a brand new password"), std::nullopt};
  auto changed = accounts_->change_own_account(*s, ok, "10.0.0.1");
  ASSERT_TRUE(changed) << changed.error().describe();
  EXPECT_TRUE(accounts_->session(s->token));                 // this session stays
  EXPECT_FALSE(accounts_->session(other->token));            // the others are closed
  EXPECT_FALSE(accounts_->login("a@x.fr", kPassword, ""));  // the old password is gone
  EXPECT_TRUE(accounts_->login("a@x.fr", "a brand new password", ""));

  OwnAccountChange taken{"a brand new password", std::nullopt, std::string("B@x.fr")};
  auto conflict = accounts_->change_own_account(*s, taken, "");
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, ErrorCode::conflict);
  OwnAccountChange rename{"a brand new password", std::nullopt, std::string("c@x.fr")};
  auto renamed = accounts_->change_own_account(*s, rename, "");
  ASSERT_TRUE(renamed) << renamed.error().describe();
  EXPECT_EQ(*renamed, "c@x.fr");
  EXPECT_TRUE(accounts_->login("c@x.fr", "a brand new password", ""));
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'user.change_own'"), 2);
}

TEST_P(AccountsTest, ReauthenticationFailuresAreRateLimitedThenForgotten) {
  add("a@x.fr");
  auto s = accounts_->login("a@x.fr", kPassword, "10.0.0.1");
  ASSERT_TRUE(s);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(accounts_->reauthenticate(*s, "guess " + std::to_string(i), "10.0.0.1").error().code,
              ErrorCode::bad_credentials);
  }
  // Now even the right password is refused, for re-authentication and for login.
  EXPECT_EQ(accounts_->reauthenticate(*s, kPassword, "10.0.0.1").error().code,
            ErrorCode::rate_limited);
  EXPECT_EQ(accounts_->login("a@x.fr", kPassword, "10.0.0.9").error().code,
            ErrorCode::rate_limited);
  advance(16min);
  EXPECT_TRUE(accounts_->reauthenticate(*s, kPassword, "10.0.0.1"));
}

TEST_P(AccountsTest, LogoutEndsTheSessionOnly) {
  add("a@x.fr");
  auto s1 = accounts_->login("a@x.fr", kPassword, "");
  auto s2 = accounts_->login("a@x.fr", kPassword, "");
  ASSERT_TRUE(s1 && s2);
  ASSERT_TRUE(accounts_->logout(s1->token));
  EXPECT_EQ(accounts_->session(s1->token).error().code, ErrorCode::unauthenticated);
  EXPECT_TRUE(accounts_->session(s2->token));
  EXPECT_TRUE(accounts_->logout(s1->token));  // twice is fine
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'session.logout'"), 1);
}

TEST_P(AccountsTest, MalformedOrUnknownTokensAreUnauthenticated) {
  for (std::string t : {std::string(""), std::string("abc"), std::string(64, 'g'),
                        std::string(64, 'a'), std::string("' OR 1=1 --")}) {
    auto r = accounts_->session(t);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  }
}

TEST_P(AccountsTest, ASecondInstanceSeesTheSession) {
  add("a@x.fr");
  auto s = accounts_->login("a@x.fr", kPassword, "");
  ASSERT_TRUE(s);
  auto db2 = testing::open_database(*scratch_);
  Accounts other(*db2, settings_);
  auto seen = other.session(s->token);
  ASSERT_TRUE(seen) << seen.error().describe();
  EXPECT_EQ(seen->principal.login, "a@x.fr");
  ASSERT_TRUE(other.logout(s->token));
  EXPECT_FALSE(accounts_->session(s->token));
}

TEST_P(AccountsTest, LoginsAreUniqueWhateverTheCase) {
  add("Anne.Martin@ars.sante.fr");
  NewUser dup{"anne.martin@ARS.sante.fr", "Anne", kPassword, Role::admin, {}, {}, {}};
  auto r = accounts_->create_user(dup, "admin-test");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::conflict);
  EXPECT_EQ(r.error().field, "login");
}

TEST_P(AccountsTest, InputIsValidated) {
  auto expect_field = [&](NewUser u, ErrorCode code, const std::string& field) {
    auto r = accounts_->create_user(u, "admin-test");
    ASSERT_FALSE(r) << u.login;
    EXPECT_EQ(r.error().code, code) << r.error().describe();
    EXPECT_EQ(r.error().field, field) << r.error().describe();
  };
  expect_field({"", "X", kPassword, Role::admin, {}, {}, {}}, ErrorCode::missing_field, "login");
  expect_field({"a b@x.fr", "X", kPassword, Role::admin, {}, {}, {}}, ErrorCode::invalid_input,
               "login");
  expect_field({"a@x.fr", "", kPassword, Role::admin, {}, {}, {}}, ErrorCode::missing_field,
               "display_name");
  expect_field({"a@x.fr", "X", "court", Role::admin, {}, {}, {}}, ErrorCode::invalid_input,
               "password");
  // 9 characters, more than 10 bytes: the minimum counts characters.
  expect_field({"a@x.fr", "X", "ééééééééé", Role::admin, {}, {}, {}}, ErrorCode::invalid_input,
               "password");
  expect_field({"a@x.fr", "X", kPassword, Role::roc, {}, {}, {}}, ErrorCode::missing_field,
               "departements");
  expect_field({"a@x.fr", "X", kPassword, Role::roc, {"5A"}, {}, {}}, ErrorCode::invalid_input,
               "departements");
  expect_field({"a@x.fr", "X", kPassword, Role::roc, {"57"}, {"44"}, {}}, ErrorCode::invalid_input,
               "regions");
  expect_field({"a@x.fr", "X", kPassword, Role::ars, {}, {}, {}}, ErrorCode::missing_field,
               "regions");
  expect_field({"a@x.fr", "X", kPassword, Role::admin, {"57"}, {}, {}}, ErrorCode::invalid_input,
               "departements");
  expect_field({"a@x.fr", "X", kPassword, Role::member, {}, {}, {}}, ErrorCode::missing_field,
               "structures");
  expect_field({"a@x.fr", "X", kPassword, Role::member, {}, {}, {4242}}, ErrorCode::invalid_input,
               "structures");
  EXPECT_EQ(count("SELECT count(*) FROM users"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 0);
}

TEST_P(AccountsTest, ScopesOfEveryKindAreStoredAndLoaded) {
  auto s1 = make_structure("MSP de Boulay");
  auto s2 = make_structure("MSP de Sarralbe");
  add("ars@x.fr", Role::ars, {}, {"44", "11"});
  add("coord@x.fr", Role::coordinator, {}, {}, {s2, s1});
  auto users = accounts_->list_users();
  ASSERT_TRUE(users) << users.error().describe();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].login, "ars@x.fr");
  EXPECT_EQ((*users)[0].regions, (std::vector<std::string>{"11", "44"}));
  EXPECT_EQ((*users)[1].structures, (std::vector<std::int64_t>{s1, s2}));
  auto s = accounts_->login("coord@x.fr", kPassword, "");
  ASSERT_TRUE(s);
  EXPECT_TRUE(covers_structure(s->principal, s1, "57", nullptr));
  EXPECT_FALSE(covers_structure(s->principal, s2 + 100, "57", nullptr));
}

TEST_P(AccountsTest, EveryWriteIsAudited) {
  auto id = add("a@x.fr", Role::roc, {"57"});
  auto s = accounts_->login("a@x.fr", kPassword, "192.0.2.1");
  ASSERT_TRUE(s);
  ASSERT_TRUE(accounts_->logout(s->token));
  ASSERT_TRUE(accounts_->reset_password("a@x.fr", "a new long password", "admin-test"));
  auto rows = db_->query(
      "SELECT user_login, action, entity, entity_id, before, after "
      "FROM audit_log ORDER BY id");
  ASSERT_TRUE(rows);
  std::vector<std::string> actions;
  for (const auto& r : rows->rows) actions.push_back(r.text(1));
  EXPECT_EQ(actions, (std::vector<std::string>{"user.create", "session.login", "session.logout",
                                               "user.reset_password"}));
  const auto& create = rows->rows[0];
  EXPECT_EQ(create.text(0), "admin-test");
  EXPECT_EQ(create.text(3), std::to_string(id));
  EXPECT_NE(create.text(5).find("\"departements\":[\"57\"]"), std::string::npos) << create.text(5);
  for (const auto& r : rows->rows) {  // never a hash or a password in the log
    EXPECT_EQ(r.text(5).find("argon2"), std::string::npos);
    EXPECT_EQ(r.text(5).find("password\":"), std::string::npos);
  }
}

TEST_P(AccountsTest, ResetPasswordEndsSessionsAndUnlocks) {
  add("a@x.fr");
  auto s = accounts_->login("a@x.fr", kPassword, "");
  ASSERT_TRUE(s);
  for (int i = 0; i < 3; ++i) (void)accounts_->login("a@x.fr", "wrong password!", "10.0.0.1");
  ASSERT_EQ(accounts_->login("a@x.fr", kPassword, "10.0.0.3").error().code,
            ErrorCode::rate_limited);
  ASSERT_TRUE(accounts_->reset_password("A@x.fr", "another password", "admin-test"));
  EXPECT_FALSE(accounts_->session(s->token));
  EXPECT_EQ(accounts_->login("a@x.fr", kPassword, "10.0.0.3").error().code,
            ErrorCode::bad_credentials);
  EXPECT_TRUE(accounts_->login("a@x.fr", "another password", "10.0.0.3"));
  EXPECT_EQ(accounts_->reset_password("nobody@x.fr", "another password", "admin-test").error().code,
            ErrorCode::not_found);
  EXPECT_EQ(accounts_->reset_password("a@x.fr", "short", "admin-test").error().code,
            ErrorCode::invalid_input);
}

// Two admins edit the same account from the same version: the second gets a conflict instead
// of silently overwriting the first.
TEST_P(AccountsTest, ConcurrentEditsConflict) {
  auto id = add("a@x.fr", Role::roc, {"57"});
  auto first = accounts_->get_user(id);
  auto second = accounts_->get_user(id);
  ASSERT_TRUE(first && second);
  ASSERT_EQ(first->version, 1);

  UserChanges rename;
  rename.display_name = "Nouveau nom";
  auto v2 = accounts_->update_user(id, first->version, rename, "admin1");
  ASSERT_TRUE(v2) << v2.error().describe();
  EXPECT_EQ(*v2, 2);

  UserChanges move;
  move.departements = std::vector<std::string>{"54"};
  auto stale = accounts_->update_user(id, second->version, move, "admin2");
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  auto now = accounts_->get_user(id);
  EXPECT_EQ(now->principal.display_name, "Nouveau nom");
  EXPECT_EQ(now->principal.departements, (std::vector<std::string>{"57"}));
  // Reloaded, the second edit goes through.
  auto v3 = accounts_->update_user(id, now->version, move, "admin2");
  ASSERT_TRUE(v3) << v3.error().describe();
  EXPECT_EQ(accounts_->get_user(id)->principal.departements, (std::vector<std::string>{"54"}));
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'user.update'"), 2);
  EXPECT_EQ(accounts_->update_user(id + 1000, 1, rename, "admin").error().code,
            ErrorCode::not_found);
}

TEST_P(AccountsTest, RoleChangesAreValidatedAndDeactivationEndsSessions) {
  auto id = add("a@x.fr", Role::roc, {"57"});
  auto s = accounts_->login("a@x.fr", kPassword, "");
  ASSERT_TRUE(s);
  UserChanges to_ars;
  to_ars.role = Role::ars;  // without régions: refused
  auto refused = accounts_->update_user(id, 1, to_ars, "admin");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "regions");
  to_ars.regions = std::vector<std::string>{"44"};
  ASSERT_TRUE(accounts_->update_user(id, 1, to_ars, "admin"));
  auto seen = accounts_->session(s->token);  // the session sees the new role at once
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->principal.role, Role::ars);
  EXPECT_TRUE(seen->principal.departements.empty());
  EXPECT_EQ(seen->principal.regions, (std::vector<std::string>{"44"}));

  UserChanges off;
  off.active = false;
  ASSERT_TRUE(accounts_->update_user(id, 2, off, "admin"));
  EXPECT_FALSE(accounts_->session(s->token));
  EXPECT_EQ(accounts_->login("a@x.fr", kPassword, "").error().code, ErrorCode::bad_credentials);
}

TEST_P(AccountsTest, DemoAccountsAreIdempotentAndCoverEveryRole) {
  auto first = demo::load_demo_accounts(*db_, settings_);
  ASSERT_TRUE(first) << first.error().describe();
  auto second = demo::load_demo_accounts(*db_, settings_);
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_EQ(*first, *second);
  auto users = accounts_->list_users();
  ASSERT_TRUE(users);
  EXPECT_EQ(users->size(), first->size());
  EXPECT_EQ(count("SELECT count(*) FROM structures"), 1);
  std::set<Role> roles;
  int rocs_57 = 0;
  for (const auto& u : *users) {
    roles.insert(u.role);
    EXPECT_TRUE(u.login.ends_with("@demo.maillage.fr")) << u.login;
    if (u.role == Role::roc && u.departements == std::vector<std::string>{"57"}) ++rocs_57;
    if (u.role == Role::ars || u.role == Role::charge_de_mission) {
      EXPECT_EQ(u.regions, std::vector<std::string>{"44"});
    }
    if (u.role == Role::coordinator || u.role == Role::member) {
      EXPECT_EQ(u.structures.size(), 1u);
    }
  }
  EXPECT_EQ(roles.size(), all_roles().size());
  EXPECT_EQ(rocs_57, 2);
  for (const auto& [login, password] : *first) {
    EXPECT_EQ(password, kDemoPassword);
    EXPECT_TRUE(accounts_->login(login, password, "127.0.0.1")) << login;
  }
}

// The HTTP server shares one Accounts between its threads.
TEST_P(AccountsTest, ConcurrentLoginsFromSeveralThreads) {
  add("a@x.fr");
  add("b@x.fr");
  std::atomic<int> errors{0};
  auto worker = [&](const std::string& login, const std::string& address) {
    for (int i = 0; i < 8; ++i) {
      auto s = accounts_->login(login, kPassword, address);
      if (!s || !accounts_->session(s->token) || !accounts_->logout(s->token)) ++errors;
    }
  };
  std::thread t1(worker, "a@x.fr", "10.0.0.1"), t2(worker, "b@x.fr", "10.0.0.2");
  t1.join();
  t2.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(count("SELECT count(*) FROM sessions"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'session.login'"), 16);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
