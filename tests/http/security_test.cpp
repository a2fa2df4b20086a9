// Hardening through the whole server in-process, on both backends: the security headers of every
// kind of answer, templates without inline code (the CSP would block it), session idle and
// absolute expiry, re-authentication for account changes, and login rate limiting with its
// window, all with an injected clock (no sleeping). See SECURITY.md.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "common/error_catalogue.hpp"
#include "http/router.hpp"
#include "http/test_server.hpp"

namespace maillage::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using services::Role;
using Clock = std::chrono::system_clock;

json body(const httplib::Result& r) { return json::parse(r->body); }

// A clock the test moves; the server reads it through AccountSettings::clock.
struct TestClock {
  std::shared_ptr<Clock::time_point> now = std::make_shared<Clock::time_point>(
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + 9h);
  void advance(std::chrono::seconds d) const { *now += d; }
  std::function<void(services::AccountSettings&)> install() const {
    return [now = now](services::AccountSettings& s) { s.clock = [now] { return *now; }; };
  }
};

void expect_security_headers(const httplib::Result& r, const std::string& what, bool page) {
  ASSERT_TRUE(r) << what;
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff") << what;
  EXPECT_EQ(r->get_header_value("Referrer-Policy"), "same-origin") << what;
  EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY") << what;
  const std::string csp = r->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << what << ": " << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << what << ": " << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << what << ": " << csp;
  if (page) {
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << what << ": " << csp;
    EXPECT_NE(csp.find("style-src 'self'"), std::string::npos) << what << ": " << csp;
  } else {
    EXPECT_EQ(csp.rfind("default-src 'none'", 0), 0U) << what << ": " << csp;
  }
}

class Security : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    server_ = std::make_unique<TestServer>(
        GetParam(),
        [](app::Config& c) {
          c.max_failed_logins = 5;
          c.failed_login_window = 15min;
          c.session_lifetime = 30min;
          c.session_max_lifetime = 12h;
        },
        clock_.install());
  }
  void TearDown() override { server_.reset(); }

  httplib::Result patch(const std::string& path, const json& b, const SignedIn& who) {
    return server_->client().Patch(path.c_str(),
                                   {{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}}, b.dump(),
                                   "application/json");
  }
  httplib::Result login(const std::string& login, const std::string& password) {
    return server_->post_json("/api/v1/session",
                              json{{"identifiant", login}, {"mot_de_passe", password}}.dump());
  }

  TestClock clock_;
  std::unique_ptr<TestServer> server_;
};

TEST_P(Security, HeadersOnPagesApiAssetsAndErrors) {
  SignedIn member = server_->sign_in(Role::member);
  expect_security_headers(server_->get("/connexion"), "page /connexion", true);
  expect_security_headers(server_->get("/", member), "page /", true);
  expect_security_headers(server_->get("/api/v1/me", member), "API /api/v1/me", false);
  auto asset = server_->get("/assets/x/app/maillage.css");
  ASSERT_TRUE(asset);
  EXPECT_EQ(asset->status, 200);
  expect_security_headers(asset, "asset", false);
  auto missing_api = server_->get("/api/v1/nulle-part", member);
  EXPECT_EQ(missing_api->status, 404);
  expect_security_headers(missing_api, "API 404", false);
  auto missing_page = server_->get("/nulle-part", member);
  EXPECT_EQ(missing_page->status, 404);
  expect_security_headers(missing_page, "page 404", true);  // HTML: the page policy
  auto refused = server_->get("/admin/utilisateurs", member);
  EXPECT_EQ(refused->status, 403);
  expect_security_headers(refused, "page 403", true);
  auto anonymous = server_->get("/api/v1/me");
  EXPECT_EQ(anonymous->status, 401);
  expect_security_headers(anonymous, "API 401", false);
  // The transport's own refusal (body over the limit) carries them too.
  auto big = server_->post_json("/api/v1/session", std::string(20000, ' '));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  expect_security_headers(big, "413 of the transport", false);
}

// The page CSP allows no inline script or style: no template may rely on one.
TEST(Templates, HaveNoInlineScriptOrStyle) {
  const std::filesystem::path dir =
      std::filesystem::path(MAILLAGE_SOURCE_DIR) / "web" / "templates";
  const std::vector<std::pair<std::regex, std::string>> forbidden{
      {std::regex(R"(<script(?![^>]*\bsrc=)[^>]*>)", std::regex::icase), "inline <script>"},
      {std::regex(R"(<style\b)", std::regex::icase), "<style> element"},
      {std::regex(R"(\sstyle\s*=)", std::regex::icase), "style attribute"},
      {std::regex(R"(\son[a-z]+\s*=)", std::regex::icase), "event handler attribute"},
      {std::regex(R"(javascript:)", std::regex::icase), "javascript: URL"},
      {std::regex(R"(\shx-on)", std::regex::icase), "hx-on attribute (evaluated code)"},
  };
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".mustache") continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (const auto& [re, what] : forbidden) {
      EXPECT_FALSE(std::regex_search(s, re)) << entry.path().filename() << ": " << what;
    }
  }
  EXPECT_GT(files, 20);
  // The checks do catch what they look for.
  EXPECT_TRUE(std::regex_search(std::string("<div onclick=\"x()\">"), forbidden[3].first));
  EXPECT_TRUE(std::regex_search(std::string("<script>alert(1)</script>"), forbidden[0].first));
  EXPECT_FALSE(
      std::regex_search(std::string("<script src=\"/a.js\" defer></script>"), forbidden[0].first));
}

TEST_P(Security, SessionsExpireWhenIdleAndAfterTheirAbsoluteLifetime) {
  SignedIn member = server_->sign_in(Role::member);
  clock_.advance(29min);
  EXPECT_EQ(server_->get("/api/v1/me", member)->status, 200);
  clock_.advance(31min);  // 31 min idle
  auto idle = server_->get("/api/v1/me", member);
  EXPECT_EQ(idle->status, 401);
  EXPECT_EQ(body(idle)["code"], "unauthenticated");

  // In constant use (a request every 20 min), still closed 12 h after the login.
  SignedIn busy = server_->sign_in(Role::member);
  for (int i = 0; i < 35; ++i) {  // 11 h 40 min
    clock_.advance(20min);
    ASSERT_EQ(server_->get("/api/v1/me", busy)->status, 200) << i;
  }
  clock_.advance(20min);  // 12 h after the login
  EXPECT_EQ(server_->get("/api/v1/me", busy)->status, 401);
  // A page asks to sign in again, and drops the stale cookie.
  auto page = server_->get("/", busy);
  EXPECT_EQ(page->status, 303);
  EXPECT_EQ(page->get_header_value("Location").rfind("/connexion?", 0), 0U);
  EXPECT_NE(set_cookie_header(*page, "maillage_session").find("Max-Age=0"), std::string::npos);
}

TEST_P(Security, LoginIsRateLimitedThenAllowedAfterTheWindow) {
  const std::string who = server_->login_of(Role::member);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(login(who, "mauvais-mot-de-passe")->status, 401) << i;
  auto limited = login(who, std::string(services::kDemoPassword));
  ASSERT_EQ(limited->status, 429);
  EXPECT_EQ(body(limited)["code"], "rate_limited");
  EXPECT_EQ(body(limited)["message"], error_info(ErrorCode::rate_limited).message);
  EXPECT_EQ(body(limited)["message"],
            "Trop de tentatives de connexion : réessayez dans quelques minutes.");
  clock_.advance(14min);
  EXPECT_EQ(login(who, std::string(services::kDemoPassword))->status, 429);
  clock_.advance(2min);  // the failures are now older than the 15 min window
  EXPECT_EQ(login(who, std::string(services::kDemoPassword))->status, 201);

  // Per client address: failures on several logins from one address block that address.
  for (Role r : {Role::ars, Role::roc, Role::observer, Role::charge_de_mission, Role::coordinator}) {
    EXPECT_EQ(login(server_->login_of(r), "mauvais-mot-de-passe")->status, 401);
  }
  EXPECT_EQ(login(server_->login_of(Role::admin), std::string(services::kDemoPassword))->status,
            429);
  clock_.advance(16min);
  EXPECT_EQ(login(server_->login_of(Role::admin), std::string(services::kDemoPassword))->status,
            201);
}

TEST_P(Security, ChangingOnesPasswordOrLoginNeedsTheCurrentPassword) {
  SignedIn member = server_->sign_in(Role::member);
  SignedIn other_device = server_->sign_in(Role::member);
  const std::string demo(services::kDemoPassword);
  const std::string fresh = "un nouveau mot de passe";

  auto missing = patch("/api/v1/me", {{"nouveau_mot_de_passe", fresh}}, member);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(body(missing)["field"], "$.mot_de_passe_actuel");
  auto wrong = patch("/api/v1/me",
                     {{"mot_de_passe_actuel", "pas le bon"}, {"nouveau_mot_de_passe", fresh}},
                     member);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(body(wrong)["code"], "bad_credentials");
  EXPECT_EQ(body(wrong)["field"], "$.mot_de_passe_actuel");
  EXPECT_EQ(login(server_->login_of(Role::member), fresh)->status, 401);  // unchanged
  // Without the CSRF token, refused before anything else.
  auto no_csrf = server_->client().Patch(
      "/api/v1/me", {{"Cookie", member.cookie}},
      json{{"mot_de_passe_actuel", demo}, {"nouveau_mot_de_passe", fresh}}.dump(),
      "application/json");
  EXPECT_EQ(no_csrf->status, 403);

  auto ok = patch("/api/v1/me", {{"mot_de_passe_actuel", demo}, {"nouveau_mot_de_passe", fresh}},
                  member);
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(server_->get("/api/v1/me", member)->status, 200);        // this session stays
  EXPECT_EQ(server_->get("/api/v1/me", other_device)->status, 401);  // the others are closed
  EXPECT_EQ(login(server_->login_of(Role::member), demo)->status, 401);
  EXPECT_EQ(login(server_->login_of(Role::member), fresh)->status, 201);

  // The login (e-mail address) likewise; a login taken by someone else is a conflict.
  auto taken = patch("/api/v1/me",
                     {{"mot_de_passe_actuel", fresh},
                      {"identifiant", server_->login_of(Role::coordinator)}},
                     member);
  EXPECT_EQ(taken->status, 409);
  EXPECT_EQ(body(taken)["field"], "$.identifiant");
  auto renamed = patch("/api/v1/me",
                       {{"mot_de_passe_actuel", fresh}, {"identifiant", "nouveau@demo.maillage.fr"}},
                       member);
  ASSERT_EQ(renamed->status, 200) << renamed->body;
  EXPECT_EQ(body(renamed)["utilisateur"]["identifiant"], "nouveau@demo.maillage.fr");
  EXPECT_EQ(login("nouveau@demo.maillage.fr", fresh)->status, 201);
}

TEST_P(Security, WrongCurrentPasswordsCountTowardsTheRateLimit) {
  SignedIn member = server_->sign_in(Role::member);
  for (int i = 0; i < 5; ++i) {
    auto r = patch("/api/v1/me",
                   {{"mot_de_passe_actuel", "devine " + std::to_string(i)},
                    {"nouveau_mot_de_passe", "un nouveau mot de passe"}},
                   member);
    EXPECT_EQ(r->status, 401) << i;
  }
  auto limited = patch("/api/v1/me",
                       {{"mot_de_passe_actuel", std::string(services::kDemoPassword)},
                        {"nouveau_mot_de_passe", "un nouveau mot de passe"}},
                       member);
  EXPECT_EQ(limited->status, 429);
}

TEST_P(Security, AdminAccountChangesNeedTheAdminsPassword) {
  SignedIn admin = server_->sign_in(Role::admin);
  const json users = body(server_->get("/api/v1/users", admin));
  std::int64_t member_id = 0;
  for (const auto& u : users["utilisateurs"]) {
    if (u["identifiant"] == server_->login_of(Role::member)) member_id = u["id"];
  }
  ASSERT_GT(member_id, 0);
  const std::string path = "/api/v1/users/" + std::to_string(member_id);
  SignedIn member = server_->sign_in(Role::member);

  const json promote{{"version", 1}, {"role", "roc"}, {"departements", {"57"}}};
  json wrong = promote;
  wrong["mot_de_passe_actuel"] = "pas le bon";
  auto refused = patch(path, wrong, admin);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(body(refused)["field"], "$.mot_de_passe_actuel");
  EXPECT_EQ(server_->get("/api/v1/me", member)->status, 200);

  json right = promote;
  right["mot_de_passe_actuel"] = std::string(services::kDemoPassword);
  auto ok = patch(path, right, admin);
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(body(ok)["version"], 2);
  EXPECT_EQ(body(server_->get("/api/v1/me", member))["utilisateur"]["role"], "roc");
  // A stale version is a conflict; deactivating closes the user's sessions.
  EXPECT_EQ(patch(path, right, admin)->status, 409);
  auto off = patch(path,
                   {{"version", 2}, {"actif", false},
                    {"mot_de_passe_actuel", std::string(services::kDemoPassword)}},
                   admin);
  ASSERT_EQ(off->status, 200) << off->body;
  EXPECT_EQ(server_->get("/api/v1/me", member)->status, 401);
  EXPECT_EQ(patch("/api/v1/users/999999",
                  {{"version", 1}, {"nom", "X"},
                   {"mot_de_passe_actuel", std::string(services::kDemoPassword)}},
                  admin)
                ->status,
            404);
}

INSTANTIATE_TEST_SUITE_P(Backends, Security, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
