#include "services/accounts_repository.hpp"

#include <map>

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::Params;
using store::Tx;

namespace {

constexpr const char* kUserColumns =
    "SELECT id, login, display_name, role, active, version, created_at, updated_at, "
    "password_hash FROM users ";

StoredUser user_from_row(const store::NamedRow& row) {
  StoredUser u;
  u.record.principal.user_id = row.integer("id");
  u.record.principal.login = row.text("login");
  u.record.principal.display_name = row.text("display_name");
  u.record.principal.role = role_from_id(row.text("role")).value_or(Role::member);
  u.record.active = row.boolean("active");
  u.record.version = row.integer("version");
  u.record.created_at = row.text("created_at");
  u.record.updated_at = row.text("updated_at");
  u.password_hash = row.text("password_hash");
  return u;
}

// Fills the scope lists of the given users from the three scope tables. Works on a Database
// (reads) and on a Tx (inside a write).
template <class Source>
Status load_scopes(Source& src, std::vector<StoredUser>& users, bool all) {
  std::map<std::int64_t, Principal*> by_id;
  for (auto& u : users) by_id[u.record.principal.user_id] = &u.record.principal;
  if (by_id.empty()) return {};
  Params params;
  std::string where;
  if (!all) {  // one user: the common case of a session lookup
    where = " WHERE user_id = $1";
    params.push_back(users.front().record.principal.user_id);
  }
  auto deps = MAILLAGE_TRY(src.query("SELECT user_id, departement FROM user_departements" + where +
                                         " ORDER BY user_id, departement",
                                     params));
  for (store::NamedRow r : deps.each()) {
    if (auto it = by_id.find(r.integer("user_id")); it != by_id.end()) {
      it->second->departements.push_back(r.text("departement"));
    }
  }
  auto regs = MAILLAGE_TRY(src.query(
      "SELECT user_id, region FROM user_regions" + where + " ORDER BY user_id, region", params));
  for (store::NamedRow r : regs.each()) {
    if (auto it = by_id.find(r.integer("user_id")); it != by_id.end()) {
      it->second->regions.push_back(r.text("region"));
    }
  }
  auto structs = MAILLAGE_TRY(src.query("SELECT user_id, structure_id FROM user_structures" +
                                            where + " ORDER BY user_id, structure_id",
                                        params));
  for (store::NamedRow r : structs.each()) {
    if (auto it = by_id.find(r.integer("user_id")); it != by_id.end()) {
      it->second->structures.push_back(r.integer("structure_id"));
    }
  }
  return {};
}

template <class Source>
Result<std::optional<StoredUser>> load_user(Source& src, const std::string& where,
                                            const Params& params) {
  auto rows = MAILLAGE_TRY(src.query(std::string(kUserColumns) + where, params));
  if (rows.empty()) return std::optional<StoredUser>{};
  std::vector<StoredUser> users{user_from_row(rows.named(0))};
  MAILLAGE_CHECK(load_scopes(src, users, false));
  return std::optional<StoredUser>{std::move(users.front())};
}

Status done(const Result<std::int64_t>& r) {
  if (!r) return tl::unexpected(r.error());
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------- reads

Result<std::optional<StoredUser>> AccountsRepository::user_by_login(const std::string& login) {
  return load_user(db_, "WHERE lower(login) = lower($1)", {login});
}

Result<std::optional<StoredUser>> AccountsRepository::user_by_id(std::int64_t id) {
  return load_user(db_, "WHERE id = $1", {id});
}

Result<std::vector<UserRecord>> AccountsRepository::users() {
  auto rows = MAILLAGE_TRY(db_.query(std::string(kUserColumns) + "ORDER BY lower(login), id"));
  std::vector<StoredUser> users;
  for (store::NamedRow r : rows.each()) users.push_back(user_from_row(r));
  MAILLAGE_CHECK(load_scopes(db_, users, true));
  std::vector<UserRecord> out;
  for (auto& u : users) out.push_back(std::move(u.record));
  return out;
}

Result<LoginFailures> AccountsRepository::failures_since(const std::string& login,
                                                         const std::string& client_address,
                                                         const std::string& since) {
  auto rows = MAILLAGE_TRY(db_.query(
      "SELECT (SELECT count(*) FROM login_attempts WHERE login = lower($1) AND success = 0 "
      "AND at > $3) AS by_login, (SELECT count(*) FROM login_attempts WHERE client_address = $2 "
      "AND success = 0 AND at > $3) AS by_address, "
      "(SELECT coalesce(min(at), '') FROM login_attempts WHERE login = lower($1) AND success = 0 "
      "AND at > $3) AS oldest_by_login, "
      "(SELECT coalesce(min(at), '') FROM login_attempts WHERE client_address = $2 "
      "AND success = 0 AND at > $3) AS oldest_by_address",
      {login, client_address, since}));
  const store::NamedRow r = rows.named(0);
  return LoginFailures{r.integer("by_login"), r.integer("by_address"), r.text("oldest_by_login"),
                       r.text("oldest_by_address")};
}

Result<std::vector<SessionListRow>> AccountsRepository::user_sessions(std::int64_t user_id,
                                                                     const std::string& now) {
  auto rows = MAILLAGE_TRY(db_.query(
      "SELECT token_hash, created_at, last_seen_at, client_address FROM sessions "
      "WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC, created_at DESC",
      {user_id, now}));
  std::vector<SessionListRow> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const store::NamedRow r = rows.named(i);
    out.push_back({r.text("token_hash"), r.text("created_at"), r.text("last_seen_at"),
                   r.text("client_address")});
  }
  return out;
}

Result<std::optional<SessionRow>> AccountsRepository::live_session(const std::string& token_hash,
                                                                   const std::string& now) {
  auto rows = MAILLAGE_TRY(db_.query(
      "SELECT s.user_id AS user_id, s.csrf AS csrf, s.created_at AS created_at, "
      "s.last_seen_at AS last_seen_at FROM "
      "sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 "
      "AND u.active = 1",
      {token_hash, now}));
  if (rows.empty()) return std::optional<SessionRow>{};
  const store::NamedRow r = rows.named(0);
  return std::optional<SessionRow>{
      SessionRow{r.integer("user_id"), r.text("csrf"), r.text("created_at"),
                 r.text("last_seen_at")}};
}

// --------------------------------------------------------------------------------------- writes

Result<std::optional<StoredUser>> AccountsRepository::user_by_id(Tx& tx, std::int64_t id) {
  return load_user(tx, "WHERE id = $1", {id});
}

Result<std::int64_t> AccountsRepository::insert_user(Tx& tx, const Principal& p,
                                                     const std::string& password_hash,
                                                     const std::string& now) {
  auto r = MAILLAGE_TRY(
      tx.query("INSERT INTO users (login, display_name, password_hash, role, active, created_at, "
               "updated_at, version) VALUES ($1, $2, $3, $4, 1, $5, $5, 1) RETURNING id",
               {p.login, p.display_name, password_hash, std::string(role_id(p.role)), now}));
  return r.named(0).integer("id");
}

Status AccountsRepository::insert_departement(Tx& tx, std::int64_t user_id,
                                              const std::string& code) {
  return done(tx.exec("INSERT INTO user_departements (user_id, departement) VALUES ($1, $2)",
                      {user_id, code}));
}

Status AccountsRepository::insert_region(Tx& tx, std::int64_t user_id, const std::string& code) {
  return done(
      tx.exec("INSERT INTO user_regions (user_id, region) VALUES ($1, $2)", {user_id, code}));
}

Status AccountsRepository::insert_structure(Tx& tx, std::int64_t user_id,
                                            std::int64_t structure_id) {
  return done(tx.exec("INSERT INTO user_structures (user_id, structure_id) VALUES ($1, $2)",
                      {user_id, structure_id}));
}

Status AccountsRepository::delete_scopes(Tx& tx, std::int64_t user_id) {
  for (const char* sql : {"DELETE FROM user_departements WHERE user_id = $1",
                          "DELETE FROM user_regions WHERE user_id = $1",
                          "DELETE FROM user_structures WHERE user_id = $1"}) {
    MAILLAGE_CHECK(tx.exec(sql, {user_id}));
  }
  return {};
}

Result<std::int64_t> AccountsRepository::update_user(Tx& tx, std::int64_t user_id,
                                                     std::int64_t expected_version,
                                                     const Principal& after, bool active,
                                                     const std::string& now) {
  return tx.exec(
      "UPDATE users SET display_name = $3, role = $4, active = $5, updated_at = $6, "
      "version = version + 1 WHERE id = $1 AND version = $2",
      {user_id, expected_version, after.display_name, std::string(role_id(after.role)),
       std::int64_t{active ? 1 : 0}, now});
}

Result<std::int64_t> AccountsRepository::set_password(Tx& tx, std::int64_t user_id,
                                                      std::int64_t expected_version,
                                                      const std::string& password_hash,
                                                      const std::string& now) {
  return tx.exec(
      "UPDATE users SET password_hash = $3, updated_at = $4, version = version + 1 "
      "WHERE id = $1 AND version = $2",
      {user_id, expected_version, password_hash, now});
}

Status AccountsRepository::delete_user_sessions(Tx& tx, std::int64_t user_id) {
  return done(tx.exec("DELETE FROM sessions WHERE user_id = $1", {user_id}));
}

Result<std::int64_t> AccountsRepository::delete_user_session(Tx& tx, std::int64_t user_id,
                                                             const std::string& token_hash) {
  return tx.exec("DELETE FROM sessions WHERE user_id = $1 AND token_hash = $2",
                 {user_id, token_hash});
}

Result<std::int64_t> AccountsRepository::delete_other_sessions(Tx& tx, std::int64_t user_id,
                                                               const std::string& kept_token_hash) {
  return tx.exec("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
                 {user_id, kept_token_hash});
}

Result<std::int64_t> AccountsRepository::set_login(Tx& tx, std::int64_t user_id,
                                                   std::int64_t expected_version,
                                                   const std::string& login,
                                                   const std::string& now) {
  return tx.exec(
      "UPDATE users SET login = $3, updated_at = $4, version = version + 1 "
      "WHERE id = $1 AND version = $2",
      {user_id, expected_version, login, now});
}

Status AccountsRepository::clear_failures(Tx& tx, const std::string& login) {
  return done(
      tx.exec("DELETE FROM login_attempts WHERE login = lower($1) AND success = 0", {login}));
}

Status AccountsRepository::record_attempt(Tx& tx, const std::string& login,
                                          const std::string& client_address, const std::string& at,
                                          bool ok) {
  return done(
      tx.exec("INSERT INTO login_attempts (login, client_address, at, success) "
              "VALUES (lower($1), $2, $3, $4)",
              {login, client_address, at, std::int64_t{ok ? 1 : 0}}));
}

Status AccountsRepository::purge(Tx& tx, const std::string& attempts_until,
                                 const std::string& now) {
  MAILLAGE_CHECK(tx.exec("DELETE FROM login_attempts WHERE at <= $1", {attempts_until}));
  return done(tx.exec("DELETE FROM sessions WHERE expires_at <= $1", {now}));
}

Status AccountsRepository::insert_session(Tx& tx, const std::string& token_hash,
                                          std::int64_t user_id, const std::string& csrf,
                                          const std::string& now, const std::string& expires_at,
                                          const std::string& client_address) {
  return done(
      tx.exec("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at, "
              "last_seen_at, client_address) VALUES ($1, $2, $3, $4, $5, $4, $6)",
              {token_hash, user_id, csrf, now, expires_at, client_address}));
}

Status AccountsRepository::touch_session(Tx& tx, const std::string& token_hash,
                                         const std::string& now, const std::string& expires_at) {
  return done(
      tx.exec("UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1 "
              "AND expires_at > $2",
              {token_hash, now, expires_at}));
}

Result<std::optional<std::pair<std::string, std::string>>> AccountsRepository::session_user(
    Tx& tx, const std::string& token_hash) {
  auto who = MAILLAGE_TRY(tx.query(
      "SELECT u.id AS id, u.login AS login FROM sessions s JOIN users u ON u.id = s.user_id "
      "WHERE s.token_hash = $1",
      {token_hash}));
  if (who.empty()) return std::optional<std::pair<std::string, std::string>>{};
  const store::NamedRow r = who.named(0);
  return std::optional<std::pair<std::string, std::string>>{
      std::pair{r.text("id"), r.text("login")}};
}

Status AccountsRepository::delete_session(Tx& tx, const std::string& token_hash) {
  return done(tx.exec("DELETE FROM sessions WHERE token_hash = $1", {token_hash}));
}

Result<std::optional<std::int64_t>> AccountsRepository::structure_named(Tx& tx,
                                                                        const std::string& name) {
  auto r = MAILLAGE_TRY(tx.query("SELECT id FROM structures WHERE name = $1 ORDER BY id", {name}));
  if (r.empty()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>{r.named(0).integer("id")};
}

Result<std::int64_t> AccountsRepository::insert_cpts(Tx& tx, const std::string& name,
                                                     const std::string& departement) {
  const std::string ts = store::timestamp_now();
  auto r = MAILLAGE_TRY(
      tx.query("INSERT INTO structures (kind, name, departement, created_at, updated_at) "
               "VALUES ('CPTS', $1, $2, $3, $3) RETURNING id",
               {name, departement, ts}));
  return r.named(0).integer("id");
}

Status AccountsRepository::insert_reset(Tx& tx, std::int64_t user_id,
                                        const std::string& token_hash,
                                        const std::string& created_by, const std::string& now,
                                        const std::string& expires_at) {
  MAILLAGE_TRY(tx.exec(
      "INSERT INTO password_resets (user_id, token_hash, created_by, created_at, expires_at) "
      "VALUES ($1, $2, $3, $4, $5)",
      {user_id, token_hash, created_by, now, expires_at}));
  return {};
}

Result<std::int64_t> AccountsRepository::revoke_resets(Tx& tx, std::int64_t user_id,
                                                       const std::string& now) {
  return tx.exec(
      "UPDATE password_resets SET ended_at = $2, outcome = 'revoked' "
      "WHERE user_id = $1 AND ended_at IS NULL",
      {user_id, now});
}

Result<std::optional<AccountsRepository::ResetRow>> AccountsRepository::reset_by_hash(
    Tx& tx, const std::string& hash) {
  auto rows = MAILLAGE_TRY(tx.query(
      "SELECT id, user_id, expires_at, ended_at FROM password_resets WHERE token_hash = $1",
      {hash}));
  if (rows.empty()) return std::optional<ResetRow>{};
  store::NamedRow r = rows.named(0);
  return std::optional<ResetRow>{
      ResetRow{r.integer("id"), r.integer("user_id"), r.text("expires_at"), r.is_null("ended_at")}};
}

Result<std::int64_t> AccountsRepository::use_reset(Tx& tx, std::int64_t id, const std::string& now) {
  return tx.exec(
      "UPDATE password_resets SET ended_at = $2, outcome = 'used' WHERE id = $1 AND ended_at IS NULL",
      {id, now});
}

}  // namespace maillage::services
