// Accounts, sessions and login rate limiting. Sessions live in the database so that several server
// instances can share one PostgreSQL. Passwords are hashed with argon2id.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "services/auth.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

class Mailer;

struct AccountSettings {
  std::chrono::seconds session_lifetime{30 * 60};     // idle sessions expire after this
  // Even a session in constant use ends this long after its login (a stolen cookie is not good
  // forever); the idle expiry never goes past it.
  std::chrono::seconds session_max_lifetime{12 * 3600};
  int max_failed_logins = 5;                          // per login and per client address...
  std::chrono::seconds failed_login_window{15 * 60};  // ...within this window, then rate_limited
  // argon2id cost of new hashes (OWASP's minimum: 19 MiB, 2 passes, 1 lane). Existing hashes
  // keep the cost they were made with (it is encoded in them). Tests lower it.
  std::uint32_t argon2_memory_kib = 19 * 1024;
  std::uint32_t argon2_passes = 2;
  std::uint32_t argon2_lanes = 1;
  // How long a password-reset link stays usable.
  std::chrono::seconds reset_link_lifetime{48 * 3600};
  // The clock (tests move it forward); empty means std::chrono::system_clock::now.
  std::function<std::chrono::system_clock::time_point()> clock;
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

// A user as the admin pages see it: the Principal plus what edits need.
struct UserRecord {
  Principal principal;
  bool active = true;
  std::int64_t version = 1;  // optimistic concurrency: pass it back to update_user
  std::string created_at;    // UTC, "2026-11-24T16:22:12.123Z"
  std::string updated_at;
};

// Changes to a user; unset members stay as they are. The resulting role and scopes are checked
// together (a ROC needs départements, an ARS régions, ...).
struct UserChanges {
  std::optional<std::string> display_name;
  std::optional<Role> role;
  std::optional<bool> active;  // deactivating also ends the user's sessions
  std::optional<std::vector<std::string>> departements;
  std::optional<std::vector<std::string>> regions;
  std::optional<std::vector<std::int64_t>> structures;
};

struct Session {
  std::string token;  // opaque random value for the cookie (only its hash is stored)
  std::string csrf;   // CSRF token bound to the session, for forms and unsafe API calls
  Principal principal;
  std::chrono::system_clock::time_point expires;
};

// A password-reset link an admin issued (accounts_reset.cpp).
struct ResetLink {
  std::string token;       // the secret of the link; shown once, only its hash is stored
  std::string expires_at;  // UTC timestamp
  std::string login, display_name;
  bool mailed = false;  // sent to the user's address; the admin is then not shown the link
};

// What the reset page shows before the new password is chosen.
struct ResetLinkInfo {
  std::string login, display_name;
  std::string expires_at;
};

// One of the signed-in user's open sessions ("Mon compte").
struct SessionInfo {
  std::string id;  // public: the first 16 hex digits of the token's hash (never the token)
  std::string created_at, last_seen_at;  // stored UTC timestamps
  std::string client_address;
  bool current = false;  // the session of this request
};

// A user's change to their own account; the current password is always required.
struct OwnAccountChange {
  std::string current_password;
  std::optional<std::string> new_password;  // at least 10 characters
  std::optional<std::string> new_login;     // the e-mail address used to sign in
};

// Thread-safe (state lives in the database). Every write is audited in its transaction.
// Errors: invalid_input / missing_field (with the field), conflict (login taken, stale version),
// not_found, bad_credentials, rate_limited, unauthenticated, and the store's errors.
class Accounts {
 public:
  // `mailer` (may be null: no SMTP setting) sends the password-reset links.
  Accounts(store::Database& db, AccountSettings settings, std::shared_ptr<Mailer> mailer = nullptr);

  // `actor` is the login recorded in the audit log ("system" for commands run by an admin).
  // The caller checks that the actor may manage accounts (can_manage_accounts).
  Result<std::int64_t> create_user(const NewUser& user, const std::string& actor);
  // Also ends the user's sessions and clears their failed logins (an admin unlock).
  Status reset_password(const std::string& login, const std::string& new_password,
                        const std::string& actor);
  Result<std::vector<Principal>> list_users();
  // The same with the active flag, versions and dates (admin pages), ordered by login.
  Result<std::vector<UserRecord>> list_user_records();

  // Lookup by login (case-insensitive) or id; not_found when absent.
  Result<UserRecord> find_user(const std::string& login);
  Result<UserRecord> get_user(std::int64_t user_id);
  // Applies the changes if the user is still at `expected_version` (UPDATE ... WHERE id = $1 AND
  // version = $2); conflict when someone else changed it meanwhile. Returns the new version.
  Result<std::int64_t> update_user(std::int64_t user_id, std::int64_t expected_version,
                                   const UserChanges& changes, const std::string& actor);

  // Checks the password and opens a session; bad_credentials or rate_limited otherwise.
  Result<Session> login(const std::string& login, const std::string& password,
                        const std::string& client_address);
  // The session of a cookie token, refreshed (sliding expiry, capped by the absolute one);
  // unauthenticated when unknown, idle too long or older than session_max_lifetime.
  Result<Session> session(const std::string& token);
  Status logout(const std::string& token);

  // The user's open sessions (not expired, idle or past the absolute lifetime), the current one
  // flagged, most recently seen first.
  Result<std::vector<SessionInfo>> sessions(const Session& current);
  // Signs out one of the user's other sessions (`id` from sessions()), or every other one when
  // `id` is empty; the current session stays. Returns how many were ended (audited). not_found
  // for an id the user has no session under; invalid_input (field "session") for the current one.
  Result<std::int64_t> end_sessions(const Session& current, const std::string& id);

  // Re-authentication before a sensitive change (an admin's change to an account): the password
  // of the signed-in user. A wrong password counts as a failed login for the rate limit, so a
  // stolen session cannot be used to guess it: bad_credentials (field "mot_de_passe_actuel"),
  // then rate_limited.
  Status reauthenticate(const Session& session, const std::string& password,
                        const std::string& client_address);
  // The signed-in user changes their own password and/or login, after re-authentication. A new
  // password ends every other session of the user (this one stays open). Returns the new login.
  Result<std::string> change_own_account(const Session& session, const OwnAccountChange& change,
                                         const std::string& client_address);

  // Password-reset links (accounts_reset.cpp). An admin (`actor`) issues a one-time link for an
  // active account; an earlier unused link of the account is revoked. With a mailer and a login
  // that is an address, the link (`link_base` + token) is e-mailed to the user (unavailable, and
  // the link revoked, when the server refuses it); otherwise it is returned for the admin to
  // pass on. invalid_transition for a disabled account.
  Result<ResetLink> issue_reset_link(const std::string& actor, std::int64_t user_id,
                                     const std::string& link_base);
  // The account a link opens; not_found when the link is unknown, used, revoked or expired (one
  // message for all: the page says to ask for a new one).
  Result<ResetLinkInfo> reset_link(const std::string& token);
  // Sets the new password through the link (once): the link ends, every session of the user
  // ends, failed logins are cleared. Errors as reset_link, or the password rule.
  Status redeem_reset_link(const std::string& token, const std::string& new_password);
  [[nodiscard]] bool sends_mail() const { return mailer_ != nullptr; }

 private:
  [[nodiscard]] std::chrono::system_clock::time_point now() const;
  // rate_limited when the login or the address has too many recent failures.
  Status check_rate_limit(const std::string& login, const std::string& client_address);
  Result<std::string> hash_password(const std::string& password) const;

  store::Database& db_;
  AccountSettings settings_;
  std::shared_ptr<Mailer> mailer_;
};

// Compares a submitted CSRF token with the session's in constant time.
bool csrf_matches(const Session& session, std::string_view submitted);

// The password of every demo account (documented in src/services/README.md; demo data only).
inline constexpr std::string_view kDemoPassword = "demo-maillage-2026";

}  // namespace maillage::services
