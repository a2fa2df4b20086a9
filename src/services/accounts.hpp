// Accounts, sessions and login rate limiting. Sessions live in the database so that several server
// instances can share one PostgreSQL. Passwords are hashed with argon2id.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/auth.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

struct AccountSettings {
  std::chrono::seconds session_lifetime{8 * 3600};  // idle sessions expire after this
  int max_failed_logins = 5;                        // per login and per client address...
  std::chrono::seconds failed_login_window{15 * 60};  // ...within this window, then rate_limited
};

struct NewUser {
  std::string login;  // e.g. an e-mail address; unique, case-insensitive
  std::string display_name;
  std::string password;  // clear text, hashed here; at least 10 characters
  Role role = Role::member;
  std::vector<std::string> departements;
  std::vector<std::string> regions;
  std::vector<std::int64_t> structures;
};

struct Session {
  std::string token;  // opaque random value for the cookie (only its hash is stored)
  std::string csrf;   // CSRF token bound to the session, for forms and unsafe API calls
  Principal principal;
  std::chrono::system_clock::time_point expires;
};

class Accounts {
 public:
  Accounts(store::Database& db, AccountSettings settings);

  // `actor` is the login recorded in the audit log ("system" for commands run by an admin).
  Result<std::int64_t> create_user(const NewUser& user, const std::string& actor);
  Status reset_password(const std::string& login, const std::string& new_password,
                        const std::string& actor);
  Result<std::vector<Principal>> list_users();

  // Checks the password and opens a session; bad_credentials or rate_limited otherwise.
  Result<Session> login(const std::string& login, const std::string& password,
                        const std::string& client_address);
  // The session of a cookie token, refreshed (sliding expiry); unauthenticated when unknown/expired.
  Result<Session> session(const std::string& token);
  Status logout(const std::string& token);

 private:
  store::Database& db_;
  AccountSettings settings_;
};

// Demo accounts (one per role, scoped to Moselle / Grand Est where a scope applies); idempotent.
// Returns the list of (login, password) pairs so `make run` can print how to log in.
Result<std::vector<std::pair<std::string, std::string>>> load_demo_accounts(store::Database& db);

}  // namespace maillage::services
