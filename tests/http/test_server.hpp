// The whole server in-process for API tests: a scratch database (SQLite or PostgreSQL, see
// tests/store/test_databases.hpp), the small test référentiel, the real templates and assets,
// ServerApp on an ephemeral port in a thread, the demo accounts (one per role), and helpers to
// sign in through the API and call it with httplib::Client.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "app/server_app.hpp"
#include "services/accounts.hpp"
#include "services/auth.hpp"
#include "store/test_databases.hpp"

namespace maillage::testing {

struct SignedIn {
  std::string cookie;  // "maillage_session=..."
  std::string csrf;
};

class TestServer {
 public:
  /// Starts everything; `adjust` may change the config before the server is created, and
  /// `tune_accounts` the Accounts settings (e.g. a clock the test moves forward).
  explicit TestServer(store::Backend backend,
                      const std::function<void(app::Config&)>& adjust = {},
                      const std::function<void(services::AccountSettings&)>& tune_accounts = {});
  ~TestServer();

  [[nodiscard]] int port() const { return app_->port(); }
  [[nodiscard]] httplib::Client client() const;
  [[nodiscard]] app::ServerApp& app() { return *app_; }

  /// Login of the demo account of a role.
  [[nodiscard]] std::string login_of(services::Role role) const;
  /// Signs in through POST /api/v1/session; fails the test on error.
  SignedIn sign_in(services::Role role);

  // Requests with a session (cookie, and the CSRF header on unsafe methods).
  httplib::Result get(const std::string& path, const std::optional<SignedIn>& who = {},
                      httplib::Headers headers = {});
  httplib::Result post_json(const std::string& path, const std::string& body,
                            const std::optional<SignedIn>& who = {}, httplib::Headers headers = {});

 private:
  std::unique_ptr<ScratchDatabase> scratch_;
  std::string upload_dir_;
  std::unique_ptr<app::ServerApp> app_;
  std::thread thread_;
};

/// The value of the cookie `name` set by a response ("" when it sets none).
std::string set_cookie_value(const httplib::Response& r, const std::string& name);
/// The whole Set-Cookie header that sets `name`.
std::string set_cookie_header(const httplib::Response& r, const std::string& name);

}  // namespace maillage::testing
