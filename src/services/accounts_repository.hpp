// The SQL of accounts: users and their scopes, sessions, login attempts (and the demo structure
// the demo accounts need). Reads go through the read pool (store::Database), writes take the
// caller's transaction (store::Tx); accounts.cpp keeps validation, hashing, rate limiting rules,
// transactions and audit. Rows are mapped by column name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/accounts.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

/// A user row with its scopes and password hash (the hash never leaves the accounts service).
struct StoredUser {
  UserRecord record;
  std::string password_hash;
};

/// Failed logins since a moment, per login and per client address.
struct LoginFailures {
  std::int64_t by_login = 0;
  std::int64_t by_address = 0;
  std::string oldest_by_login;    // timestamp of the oldest counted failure ("" when none)
  std::string oldest_by_address;
};

/// A live session row.
struct SessionRow {
  std::int64_t user_id = 0;
  std::string csrf;
  std::string created_at;  // the login, for the absolute expiry
  std::string last_seen_at;
};

/// One open session of a user, as "Mon compte" lists them.
struct SessionListRow {
  std::string token_hash, created_at, last_seen_at, client_address;
};

class AccountsRepository {
 public:
  explicit AccountsRepository(store::Database& db) : db_(db) {}

  // Reads (read pool).
  /// By login, case-insensitive; nullopt when absent.
  Result<std::optional<StoredUser>> user_by_login(const std::string& login);
  Result<std::optional<StoredUser>> user_by_id(std::int64_t id);
  /// Every user with scopes, ordered by login (case-insensitive), then id.
  Result<std::vector<UserRecord>> users();
  /// Failed attempts after `since` (timestamps as stored).
  Result<LoginFailures> failures_since(const std::string& login, const std::string& client_address,
                                       const std::string& since);
  /// The session of a token hash when it has not expired at `now` and its user is active.
  /// The user's sessions not expired at `now`, most recently seen first.
  Result<std::vector<SessionListRow>> user_sessions(std::int64_t user_id, const std::string& now);
  Result<std::optional<SessionRow>> live_session(const std::string& token_hash,
                                                 const std::string& now);

  // Writes (in the caller's transaction).
  static Result<std::optional<StoredUser>> user_by_id(store::Tx& tx, std::int64_t id);
  static Result<std::int64_t> insert_user(store::Tx& tx, const Principal& p,
                                          const std::string& password_hash, const std::string& now);
  static Status insert_departement(store::Tx& tx, std::int64_t user_id, const std::string& code);
  static Status insert_region(store::Tx& tx, std::int64_t user_id, const std::string& code);
  static Status insert_structure(store::Tx& tx, std::int64_t user_id, std::int64_t structure_id);
  static Status delete_scopes(store::Tx& tx, std::int64_t user_id);
  /// Rows changed (0: the version is stale).
  static Result<std::int64_t> update_user(store::Tx& tx, std::int64_t user_id,
                                          std::int64_t expected_version, const Principal& after,
                                          bool active, const std::string& now);
  /// Rows changed (0: the version is stale).
  static Result<std::int64_t> set_password(store::Tx& tx, std::int64_t user_id,
                                           std::int64_t expected_version,
                                           const std::string& password_hash,
                                           const std::string& now);
  static Status delete_user_sessions(store::Tx& tx, std::int64_t user_id);
  /// Rows deleted: the session `token_hash` when it is the user's.
  static Result<std::int64_t> delete_user_session(store::Tx& tx, std::int64_t user_id,
                                                  const std::string& token_hash);
  /// Every session of the user but the one of `kept_token_hash`.
  /// Rows deleted.
  static Result<std::int64_t> delete_other_sessions(store::Tx& tx, std::int64_t user_id,
                                      const std::string& kept_token_hash);
  /// Rows changed (0: the version is stale). A login taken by another user is a conflict.
  static Result<std::int64_t> set_login(store::Tx& tx, std::int64_t user_id,
                                        std::int64_t expected_version, const std::string& login,
                                        const std::string& now);
  // Password-reset links (only the token's hash is stored).
  struct ResetRow {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string expires_at;
    bool open = false;  // neither used nor revoked
  };
  static Status insert_reset(store::Tx& tx, std::int64_t user_id, const std::string& token_hash,
                             const std::string& created_by, const std::string& now,
                             const std::string& expires_at);
  /// Ends the open links of a user (outcome 'revoked'); rows changed.
  static Result<std::int64_t> revoke_resets(store::Tx& tx, std::int64_t user_id,
                                            const std::string& now);
  static Result<std::optional<ResetRow>> reset_by_hash(store::Tx& tx, const std::string& hash);
  /// Rows changed (0: the link was ended meanwhile).
  static Result<std::int64_t> use_reset(store::Tx& tx, std::int64_t id, const std::string& now);
  /// Forgets the failed attempts of a login.
  static Status clear_failures(store::Tx& tx, const std::string& login);
  static Status record_attempt(store::Tx& tx, const std::string& login,
                               const std::string& client_address, const std::string& at, bool ok);
  /// Housekeeping: attempts at or before `attempts_until`, sessions expired at `now`.
  static Status purge(store::Tx& tx, const std::string& attempts_until, const std::string& now);
  static Status insert_session(store::Tx& tx, const std::string& token_hash, std::int64_t user_id,
                               const std::string& csrf, const std::string& now,
                               const std::string& expires_at, const std::string& client_address);
  /// Slides a live session's expiry.
  static Status touch_session(store::Tx& tx, const std::string& token_hash, const std::string& now,
                              const std::string& expires_at);
  /// The (user id, login) of a session, nullopt when it is gone.
  static Result<std::optional<std::pair<std::string, std::string>>> session_user(
      store::Tx& tx, const std::string& token_hash);
  static Status delete_session(store::Tx& tx, const std::string& token_hash);
  /// The first structure of that name, nullopt when none.
  static Result<std::optional<std::int64_t>> structure_named(store::Tx& tx,
                                                             const std::string& name);
  static Result<std::int64_t> insert_cpts(store::Tx& tx, const std::string& name,
                                          const std::string& departement);

 private:
  store::Database& db_;
};

}  // namespace maillage::services
