#include "services/accounts.hpp"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <tuple>
#include <nlohmann/json.hpp>

#include "store/database.hpp"

namespace maillage::services {

namespace {

using store::Params;
using store::Rows;
using store::Tx;
using Clock = std::chrono::system_clock;

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::size_t kMinPassword = 10;      // characters
constexpr std::size_t kMaxPassword = 1024;    // bytes: argon2 input, keep requests cheap
constexpr std::size_t kMaxLogin = 254;        // an e-mail address at most
constexpr std::size_t kMaxDisplayName = 200;  // characters

Result<std::string> random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return fail(ErrorCode::internal, "Générateur aléatoire indisponible.");
  }
  return out;
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

Result<std::string> random_token() {
  auto bytes = random_bytes(kTokenBytes);
  if (!bytes) return tl::unexpected(bytes.error());
  return hex(*bytes);
}

// The database keeps only this, so a copy of the sessions table opens no session.
std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return hex(std::string_view(reinterpret_cast<const char*>(md), len));
}

bool is_token(std::string_view token) {
  return token.size() == kTokenBytes * 2 &&
         std::all_of(token.begin(), token.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

Status validate_login(const std::string& login) {
  if (login.empty()) return fail(ErrorCode::missing_field, "L'identifiant est obligatoire.", "login");
  if (login.size() > kMaxLogin || has_control(login) ||
      login.find_first_of(" \t") != std::string::npos) {
    return fail(ErrorCode::invalid_input,
                "Identifiant invalide (sans espace, 254 caractères au plus).", "login");
  }
  return {};
}

Status validate_display_name(const std::string& name) {
  if (name.empty()) {
    return fail(ErrorCode::missing_field, "Le nom affiché est obligatoire.", "display_name");
  }
  if (utf8_length(name) > kMaxDisplayName || has_control(name)) {
    return fail(ErrorCode::invalid_input, "Nom affiché invalide (200 caractères au plus).",
                "display_name");
  }
  return {};
}

Status validate_password(const std::string& password) {
  if (utf8_length(password) < kMinPassword) {
    return fail(ErrorCode::invalid_input,
                "Le mot de passe doit contenir au moins 10 caractères.", "password");
  }
  if (password.size() > kMaxPassword) {
    return fail(ErrorCode::invalid_input, "Le mot de passe est trop long.", "password");
  }
  return {};
}

// The scope lists must match the role: exactly the list of its kind, non-empty, well formed.
Status validate_scopes(Role role, const std::vector<std::string>& departements,
                       const std::vector<std::string>& regions,
                       const std::vector<std::int64_t>& structures) {
  ScopeKind kind = scope_kind(role);
  std::string role_name(role_label(role));
  auto refuse = [&](const char* field, const std::string& message) -> Status {
    return fail(ErrorCode::invalid_input, message, field);
  };
  if (kind != ScopeKind::departements && !departements.empty()) {
    return refuse("departements", "Le rôle " + role_name + " n'a pas de départements.");
  }
  if (kind != ScopeKind::regions && !regions.empty()) {
    return refuse("regions", "Le rôle " + role_name + " n'a pas de régions.");
  }
  if (kind != ScopeKind::structures && !structures.empty()) {
    return refuse("structures", "Le rôle " + role_name + " n'a pas de structures.");
  }
  switch (kind) {
    case ScopeKind::none:
      break;
    case ScopeKind::departements:
      if (departements.empty()) {
        return fail(ErrorCode::missing_field,
                    "Le rôle " + role_name + " demande au moins un département.", "departements");
      }
      for (const auto& d : departements) {
        if (!valid_departement_code(d)) return refuse("departements", "Département invalide : " + d);
      }
      break;
    case ScopeKind::regions:
      if (regions.empty()) {
        return fail(ErrorCode::missing_field,
                    "Le rôle " + role_name + " demande au moins une région.", "regions");
      }
      for (const auto& r : regions) {
        if (!valid_region_code(r)) return refuse("regions", "Région invalide : " + r);
      }
      break;
    case ScopeKind::structures:
      if (structures.empty()) {
        return fail(ErrorCode::missing_field,
                    "Le rôle " + role_name + " demande au moins une structure.", "structures");
      }
      for (auto s : structures) {
        if (s <= 0) return refuse("structures", "Structure invalide : " + std::to_string(s));
      }
      break;
  }
  return {};
}

template <class T>
std::vector<T> sorted_unique(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// A short JSON summary for the audit log (never the password hash).
std::string summary(const Principal& p, bool active) {
  nlohmann::json j{{"login", p.login},
                   {"display_name", p.display_name},
                   {"role", role_id(p.role)},
                   {"active", active}};
  if (!p.departements.empty()) j["departements"] = p.departements;
  if (!p.regions.empty()) j["regions"] = p.regions;
  if (!p.structures.empty()) j["structures"] = p.structures;
  return j.dump();
}

Status as_status(const Result<std::int64_t>& r) {
  if (!r) return tl::unexpected(r.error());
  return {};
}

// A unique violation on insert is the login taken; a foreign key one an unknown structure.
Error explain_user_write(Error e) {
  if (e.code == ErrorCode::conflict) {
    e.message = "Cet identifiant est déjà utilisé.";
    e.field = "login";
  } else if (e.code == ErrorCode::invalid_input && e.field.find("structure") != std::string::npos) {
    e.message = "Structure inconnue.";
    e.field = "structures";
  } else if (e.code == ErrorCode::invalid_input && e.message.find("user_structures") !=
                                                       std::string::npos) {
    e.message = "Structure inconnue.";
    e.field = "structures";
  }
  return e;
}

Status write_scopes(Tx& tx, std::int64_t user_id, const std::vector<std::string>& departements,
                    const std::vector<std::string>& regions,
                    const std::vector<std::int64_t>& structures) {
  for (const auto& d : departements) {
    if (auto s = as_status(tx.exec(
            "INSERT INTO user_departements (user_id, departement) VALUES ($1, $2)", {user_id, d}));
        !s) {
      return s;
    }
  }
  for (const auto& r : regions) {
    if (auto s = as_status(
            tx.exec("INSERT INTO user_regions (user_id, region) VALUES ($1, $2)", {user_id, r}));
        !s) {
      return s;
    }
  }
  for (auto id : structures) {
    if (auto s = as_status(tx.exec(
            "INSERT INTO user_structures (user_id, structure_id) VALUES ($1, $2)", {user_id, id}));
        !s) {
      // Say which structure, for the admin who typed the id.
      Error e = explain_user_write(s.error());
      if (e.field == "structures") e.message = "Structure inconnue : " + std::to_string(id);
      return tl::unexpected(e);
    }
  }
  return {};
}

Status delete_scopes(Tx& tx, std::int64_t user_id) {
  for (const char* sql : {"DELETE FROM user_departements WHERE user_id = $1",
                          "DELETE FROM user_regions WHERE user_id = $1",
                          "DELETE FROM user_structures WHERE user_id = $1"}) {
    if (auto s = as_status(tx.exec(sql, {user_id})); !s) return s;
  }
  return {};
}

constexpr const char* kUserColumns =
    "SELECT id, login, display_name, role, active, version, created_at, updated_at, "
    "password_hash FROM users ";

struct LoadedUser {
  UserRecord record;
  std::string password_hash;
};

LoadedUser user_from_row(const store::Row& row) {
  LoadedUser u;
  u.record.principal.user_id = row.integer(0);
  u.record.principal.login = row.text(1);
  u.record.principal.display_name = row.text(2);
  u.record.principal.role = role_from_id(row.text(3)).value_or(Role::member);
  u.record.active = row.integer(4) != 0;
  u.record.version = row.integer(5);
  u.record.created_at = row.text(6);
  u.record.updated_at = row.text(7);
  u.password_hash = row.text(8);
  return u;
}

// Fills the scope lists of the given users from the three scope tables. Works on a Database
// (reads) and on a Tx (inside a write).
template <class Source>
Status load_scopes(Source& src, std::vector<LoadedUser>& users, bool all) {
  std::map<std::int64_t, Principal*> by_id;
  for (auto& u : users) by_id[u.record.principal.user_id] = &u.record.principal;
  if (by_id.empty()) return {};
  Params params;
  std::string where;
  if (!all) {  // one user: the common case of a session lookup
    where = " WHERE user_id = $1";
    params.push_back(users.front().record.principal.user_id);
  }
  auto deps = src.query("SELECT user_id, departement FROM user_departements" + where +
                            " ORDER BY user_id, departement",
                        params);
  if (!deps) return tl::unexpected(deps.error());
  for (const auto& r : deps->rows) {
    if (auto it = by_id.find(r.integer(0)); it != by_id.end()) {
      it->second->departements.push_back(r.text(1));
    }
  }
  auto regs = src.query(
      "SELECT user_id, region FROM user_regions" + where + " ORDER BY user_id, region", params);
  if (!regs) return tl::unexpected(regs.error());
  for (const auto& r : regs->rows) {
    if (auto it = by_id.find(r.integer(0)); it != by_id.end()) {
      it->second->regions.push_back(r.text(1));
    }
  }
  auto structs = src.query("SELECT user_id, structure_id FROM user_structures" + where +
                               " ORDER BY user_id, structure_id",
                           params);
  if (!structs) return tl::unexpected(structs.error());
  for (const auto& r : structs->rows) {
    if (auto it = by_id.find(r.integer(0)); it != by_id.end()) {
      it->second->structures.push_back(r.integer(1));
    }
  }
  return {};
}

template <class Source>
Result<LoadedUser> load_user(Source& src, const std::string& where, const Params& params) {
  auto rows = src.query(std::string(kUserColumns) + where, params);
  if (!rows) return tl::unexpected(rows.error());
  if (rows->rows.empty()) return fail(ErrorCode::not_found, "Utilisateur introuvable.");
  std::vector<LoadedUser> users{user_from_row(rows->rows.front())};
  if (auto s = load_scopes(src, users, false); !s) return tl::unexpected(s.error());
  return std::move(users.front());
}

// A verification against this hash when the login is unknown makes both cases take the same
// time, so response times do not tell which logins exist. One per cost setting.
const std::string& dummy_hash(const AccountSettings& s) {
  static std::mutex mutex;
  static std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>, std::string> cache;
  std::lock_guard lock(mutex);
  auto& h = cache[{s.argon2_passes, s.argon2_memory_kib, s.argon2_lanes}];
  if (h.empty()) {
    std::string salt(kSaltBytes, 's');
    std::string pw = "maillage-dummy-password";
    std::size_t len = argon2_encodedlen(s.argon2_passes, s.argon2_memory_kib, s.argon2_lanes,
                                        kSaltBytes, kHashBytes, Argon2_id);
    h.assign(len, '\0');
    argon2id_hash_encoded(s.argon2_passes, s.argon2_memory_kib, s.argon2_lanes, pw.data(),
                          pw.size(), salt.data(), salt.size(), kHashBytes, h.data(), len);
    h.resize(std::strlen(h.c_str()));
  }
  return h;
}

bool verify_password(const std::string& encoded, const std::string& password) {
  if (password.size() > kMaxPassword) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace

Accounts::Accounts(store::Database& db, AccountSettings settings)
    : db_(db), settings_(std::move(settings)) {}

Clock::time_point Accounts::now() const {
  return settings_.clock ? settings_.clock() : Clock::now();
}

Result<std::string> Accounts::hash_password(const std::string& password) const {
  auto salt = random_bytes(kSaltBytes);
  if (!salt) return tl::unexpected(salt.error());
  std::size_t len = argon2_encodedlen(settings_.argon2_passes, settings_.argon2_memory_kib,
                                      settings_.argon2_lanes, kSaltBytes, kHashBytes, Argon2_id);
  std::string encoded(len, '\0');
  int rc = argon2id_hash_encoded(settings_.argon2_passes, settings_.argon2_memory_kib,
                                 settings_.argon2_lanes, password.data(), password.size(),
                                 salt->data(), salt->size(), kHashBytes, encoded.data(), len);
  if (rc != ARGON2_OK) {
    return fail(ErrorCode::internal,
                std::string("Hachage du mot de passe impossible : ") + argon2_error_message(rc));
  }
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

Result<std::int64_t> Accounts::create_user(const NewUser& user, const std::string& actor) {
  if (auto s = validate_login(user.login); !s) return tl::unexpected(s.error());
  if (auto s = validate_display_name(user.display_name); !s) return tl::unexpected(s.error());
  if (auto s = validate_password(user.password); !s) return tl::unexpected(s.error());
  Principal p;
  p.login = user.login;
  p.display_name = user.display_name;
  p.role = user.role;
  p.departements = sorted_unique(user.departements);
  p.regions = sorted_unique(user.regions);
  p.structures = sorted_unique(user.structures);
  if (auto s = validate_scopes(p.role, p.departements, p.regions, p.structures); !s) {
    return tl::unexpected(s.error());
  }
  // Hash before the transaction: it takes tens of milliseconds and must not hold the writer.
  auto hash = hash_password(user.password);
  if (!hash) return tl::unexpected(hash.error());

  std::int64_t id = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    std::string ts = store::format_timestamp(now());
    auto r = tx.query(
        "INSERT INTO users (login, display_name, password_hash, role, active, created_at, "
        "updated_at, version) VALUES ($1, $2, $3, $4, 1, $5, $5, 1) RETURNING id",
        {p.login, p.display_name, *hash, std::string(role_id(p.role)), ts});
    if (!r) return tl::unexpected(explain_user_write(r.error()));
    id = r->rows.at(0).integer(0);
    if (auto s = write_scopes(tx, id, p.departements, p.regions, p.structures); !s) return s;
    p.user_id = id;
    return store::audit(tx, {actor, "user.create", "user", std::to_string(id), "",
                             summary(p, true)});
  });
  if (!st) return tl::unexpected(st.error());
  return id;
}

Result<UserRecord> Accounts::find_user(const std::string& login) {
  auto u = load_user(db_, "WHERE lower(login) = lower($1)", {login});
  if (!u) return tl::unexpected(u.error());
  return std::move(u->record);
}

Result<UserRecord> Accounts::get_user(std::int64_t user_id) {
  auto u = load_user(db_, "WHERE id = $1", {user_id});
  if (!u) return tl::unexpected(u.error());
  return std::move(u->record);
}

Result<std::vector<UserRecord>> Accounts::list_user_records() {
  auto rows = db_.query(std::string(kUserColumns) + "ORDER BY lower(login), id");
  if (!rows) return tl::unexpected(rows.error());
  std::vector<LoadedUser> users;
  for (const auto& r : rows->rows) users.push_back(user_from_row(r));
  if (auto s = load_scopes(db_, users, true); !s) return tl::unexpected(s.error());
  std::vector<UserRecord> out;
  for (auto& u : users) out.push_back(std::move(u.record));
  return out;
}

Result<std::vector<Principal>> Accounts::list_users() {
  auto records = list_user_records();
  if (!records) return tl::unexpected(records.error());
  std::vector<Principal> out;
  for (auto& r : *records) out.push_back(std::move(r.principal));
  return out;
}

Result<std::int64_t> Accounts::update_user(std::int64_t user_id, std::int64_t expected_version,
                                           const UserChanges& changes, const std::string& actor) {
  if (changes.display_name) {
    if (auto s = validate_display_name(*changes.display_name); !s) {
      return tl::unexpected(s.error());
    }
  }
  std::int64_t new_version = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    auto current = load_user(tx, "WHERE id = $1", {user_id});
    if (!current) return tl::unexpected(current.error());
    const UserRecord& before = current->record;
    Principal after = before.principal;
    bool active = changes.active.value_or(before.active);
    if (changes.display_name) after.display_name = *changes.display_name;
    if (changes.role) {
      after.role = *changes.role;
      // A new role starts from empty scopes unless new ones are given with it.
      after.departements.clear();
      after.regions.clear();
      after.structures.clear();
    }
    if (changes.departements) after.departements = sorted_unique(*changes.departements);
    if (changes.regions) after.regions = sorted_unique(*changes.regions);
    if (changes.structures) after.structures = sorted_unique(*changes.structures);
    if (auto s = validate_scopes(after.role, after.departements, after.regions, after.structures);
        !s) {
      return s;
    }
    // The optimistic check itself: only the version we read may be overwritten.
    auto n = tx.exec(
        "UPDATE users SET display_name = $3, role = $4, active = $5, updated_at = $6, "
        "version = version + 1 WHERE id = $1 AND version = $2",
        {user_id, expected_version, after.display_name, std::string(role_id(after.role)),
         std::int64_t{active ? 1 : 0}, store::format_timestamp(now())});
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) {
      return fail(ErrorCode::conflict,
                  "Ce compte a été modifié entre-temps : rechargez puis recommencez.", "version");
    }
    new_version = expected_version + 1;
    if (auto s = delete_scopes(tx, user_id); !s) return s;
    if (auto s = write_scopes(tx, user_id, after.departements, after.regions, after.structures);
        !s) {
      return s;
    }
    if (!active) {
      if (auto s = as_status(tx.exec("DELETE FROM sessions WHERE user_id = $1", {user_id})); !s) {
        return s;
      }
    }
    return store::audit(tx, {actor, "user.update", "user", std::to_string(user_id),
                             summary(before.principal, before.active), summary(after, active)});
  });
  if (!st) return tl::unexpected(st.error());
  return new_version;
}

Status Accounts::reset_password(const std::string& login, const std::string& new_password,
                                const std::string& actor) {
  if (auto s = validate_password(new_password); !s) return s;
  auto user = find_user(login);
  if (!user) {
    Error e = user.error();
    if (e.code == ErrorCode::not_found) e.message = "Aucun compte « " + login + " ».";
    return tl::unexpected(e);
  }
  auto hash = hash_password(new_password);
  if (!hash) return tl::unexpected(hash.error());
  std::int64_t id = user->principal.user_id;
  return db_.transact([&](Tx& tx) -> Status {
    auto n = tx.exec(
        "UPDATE users SET password_hash = $3, updated_at = $4, version = version + 1 "
        "WHERE id = $1 AND version = $2",
        {id, user->version, *hash, store::format_timestamp(now())});
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) {
      return fail(ErrorCode::conflict,
                  "Ce compte a été modifié entre-temps : rechargez puis recommencez.", "version");
    }
    // Whoever knew the old password loses their sessions; the lockout is lifted.
    if (auto s = as_status(tx.exec("DELETE FROM sessions WHERE user_id = $1", {id})); !s) return s;
    if (auto s = as_status(tx.exec(
            "DELETE FROM login_attempts WHERE login = lower($1) AND success = 0", {login}));
        !s) {
      return s;
    }
    return store::audit(tx, {actor, "user.reset_password", "user", std::to_string(id), "",
                             nlohmann::json{{"login", user->principal.login}}.dump()});
  });
}

Result<Session> Accounts::login(const std::string& login, const std::string& password,
                                const std::string& client_address) {
  if (login.empty() || login.size() > kMaxLogin) {
    return fail(ErrorCode::bad_credentials, "Identifiant ou mot de passe incorrect.");
  }
  auto t = now();
  std::string ts = store::format_timestamp(t);
  std::string window_start = store::format_timestamp(t - settings_.failed_login_window);

  // Rate limit first, before spending an argon2 verification on the attempt.
  auto failures = db_.query(
      "SELECT (SELECT count(*) FROM login_attempts WHERE login = lower($1) AND success = 0 "
      "AND at > $3), (SELECT count(*) FROM login_attempts WHERE client_address = $2 "
      "AND success = 0 AND at > $3)",
      {login, client_address, window_start});
  if (!failures) return tl::unexpected(failures.error());
  if (failures->rows.at(0).integer(0) >= settings_.max_failed_logins ||
      failures->rows.at(0).integer(1) >= settings_.max_failed_logins) {
    return fail(ErrorCode::rate_limited,
                "Trop de tentatives de connexion : réessayez dans quelques minutes.");
  }

  auto user = load_user(db_, "WHERE lower(login) = lower($1)", {login});
  if (!user && user.error().code != ErrorCode::not_found) return tl::unexpected(user.error());
  bool ok = user && user->record.active && verify_password(user->password_hash, password);
  if (!user) (void)verify_password(dummy_hash(settings_), password);

  Session session;
  auto token = random_token();
  auto csrf = random_token();
  if (!token || !csrf) return fail(ErrorCode::internal, "Générateur aléatoire indisponible.");
  auto st = db_.transact([&](Tx& tx) -> Status {
    if (auto s = as_status(tx.exec(
            "INSERT INTO login_attempts (login, client_address, at, success) "
            "VALUES (lower($1), $2, $3, $4)",
            {login, client_address, ts, std::int64_t{ok ? 1 : 0}}));
        !s) {
      return s;
    }
    // Housekeeping shared by every instance: forget what no rule needs any more.
    if (auto s = as_status(tx.exec("DELETE FROM login_attempts WHERE at <= $1", {window_start}));
        !s) {
      return s;
    }
    if (auto s = as_status(tx.exec("DELETE FROM sessions WHERE expires_at <= $1", {ts})); !s) {
      return s;
    }
    std::string entity_id = user ? std::to_string(user->record.principal.user_id) : "";
    std::string detail = nlohmann::json{{"login", login}, {"client", client_address}}.dump();
    if (!ok) {
      return store::audit(tx, {login, "session.login_failed", "user", entity_id, "", detail});
    }
    // A success clears the failures of this login (not those of the address: an attacker
    // could otherwise reset their counter with an account of their own).
    if (auto s = as_status(tx.exec(
            "DELETE FROM login_attempts WHERE login = lower($1) AND success = 0", {login}));
        !s) {
      return s;
    }
    auto expires = t + settings_.session_lifetime;
    if (auto s = as_status(tx.exec(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at, "
            "last_seen_at, client_address) VALUES ($1, $2, $3, $4, $5, $4, $6)",
            {sha256_hex(*token), user->record.principal.user_id, *csrf, ts,
             store::format_timestamp(expires), client_address}));
        !s) {
      return s;
    }
    session.token = *token;
    session.csrf = *csrf;
    session.principal = user->record.principal;
    session.expires = expires;
    return store::audit(tx, {user->record.principal.login, "session.login", "session",
                             entity_id, "", detail});
  });
  if (!st) return tl::unexpected(st.error());
  if (!ok) return fail(ErrorCode::bad_credentials, "Identifiant ou mot de passe incorrect.");
  return session;
}

Result<Session> Accounts::session(const std::string& token) {
  auto unauthenticated = [] {
    return fail(ErrorCode::unauthenticated, "Session absente ou expirée : veuillez vous connecter.");
  };
  if (!is_token(token)) return unauthenticated();
  auto t = now();
  std::string ts = store::format_timestamp(t);
  std::string hash = sha256_hex(token);
  auto rows = db_.query(
      "SELECT s.user_id, s.csrf, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id "
      "WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1",
      {hash, ts});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->rows.empty()) return unauthenticated();
  std::int64_t user_id = rows->rows[0].integer(0);
  auto user = load_user(db_, "WHERE id = $1", {user_id});
  if (!user) {
    if (user.error().code == ErrorCode::not_found) return unauthenticated();
    return tl::unexpected(user.error());
  }
  Session s;
  s.token = token;
  s.csrf = rows->rows[0].text(1);
  s.principal = std::move(user->record.principal);
  s.expires = t + settings_.session_lifetime;

  // Sliding expiry, written at most once a minute (or a tenth of the lifetime) per session, so
  // that page views do not all become writes.
  auto granularity = std::min<std::chrono::seconds>(std::chrono::seconds(60),
                                                    settings_.session_lifetime / 10);
  std::string refresh_before = store::format_timestamp(t - granularity);
  if (rows->rows[0].text(2) <= refresh_before) {
    auto st = db_.transact([&](Tx& tx) -> Status {
      return as_status(tx.exec(
          "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1 "
          "AND expires_at > $2",
          {hash, ts, store::format_timestamp(s.expires)}));
    });
    if (!st) return tl::unexpected(st.error());
  } else {
    // Not refreshed: the stored expiry stands (it is at most `granularity` earlier).
    s.expires = t + settings_.session_lifetime - granularity;
  }
  return s;
}

Status Accounts::logout(const std::string& token) {
  if (!is_token(token)) return {};
  std::string hash = sha256_hex(token);
  return db_.transact([&](Tx& tx) -> Status {
    auto who = tx.query(
        "SELECT u.id, u.login FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.token_hash = $1",
        {hash});
    if (!who) return tl::unexpected(who.error());
    if (who->rows.empty()) return {};  // already gone: logging out twice is fine
    if (auto s = as_status(tx.exec("DELETE FROM sessions WHERE token_hash = $1", {hash})); !s) {
      return s;
    }
    return store::audit(tx, {who->rows[0].text(1), "session.logout", "session",
                             who->rows[0].text(0), "", ""});
  });
}

bool csrf_matches(const Session& session, std::string_view submitted) {
  return !session.csrf.empty() && submitted.size() == session.csrf.size() &&
         CRYPTO_memcmp(submitted.data(), session.csrf.data(), submitted.size()) == 0;
}

Result<std::vector<std::pair<std::string, std::string>>> load_demo_accounts(store::Database& db) {
  return load_demo_accounts(db, AccountSettings{});
}

Result<std::vector<std::pair<std::string, std::string>>> load_demo_accounts(
    store::Database& db, const AccountSettings& settings) {
  // The coordinator and the member need a structure; a fictitious one, clearly named.
  const std::string demo_structure = "CPTS de démonstration du Pays messin (fictive)";
  std::int64_t structure_id = 0;
  auto st = db.transact([&](Tx& tx) -> Status {
    auto r = tx.query("SELECT id FROM structures WHERE name = $1 ORDER BY id", {demo_structure});
    if (!r) return tl::unexpected(r.error());
    if (!r->empty()) {
      structure_id = r->rows[0].integer(0);
      return {};
    }
    std::string ts = store::timestamp_now();
    r = tx.query(
        "INSERT INTO structures (kind, name, departement, created_at, updated_at) "
        "VALUES ('CPTS', $1, '57', $2, $2) RETURNING id",
        {demo_structure, ts});
    if (!r) return tl::unexpected(r.error());
    structure_id = r->rows.at(0).integer(0);
    return store::audit(tx, {"system", "structure.create", "structure",
                             std::to_string(structure_id), "",
                             nlohmann::json{{"name", demo_structure}, {"kind", "CPTS"},
                                            {"departement", "57"}}
                                 .dump()});
  });
  if (!st) return tl::unexpected(st.error());

  std::vector<NewUser> demo = {
      {"admin@demo.maillage.fr", "Administratrice (démo)", "", Role::admin, {}, {}, {}},
      {"observateur@demo.maillage.fr", "Observateur national (démo)", "", Role::observer,
       {}, {}, {}},
      {"ars.grand-est@demo.maillage.fr", "ARS Grand Est (démo)", "", Role::ars, {}, {"44"}, {}},
      {"roc1.moselle@demo.maillage.fr", "Référente ROC Moselle 1 (démo)", "", Role::roc, {"57"},
       {}, {}},
      {"roc2.moselle@demo.maillage.fr", "Référent ROC Moselle 2 (démo)", "", Role::roc, {"57"},
       {}, {}},
      {"charge-mission.grand-est@demo.maillage.fr", "Chargée de mission Grand Est (démo)", "",
       Role::charge_de_mission, {}, {"44"}, {}},
      {"coordination@demo.maillage.fr", "Coordinatrice CPTS (démo)", "", Role::coordinator, {},
       {}, {structure_id}},
      {"membre@demo.maillage.fr", "Membre CPTS (démo)", "", Role::member, {}, {},
       {structure_id}},
  };
  Accounts accounts(db, settings);
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& u : demo) {
    u.password = std::string(kDemoPassword);
    auto existing = accounts.find_user(u.login);
    if (!existing) {
      if (existing.error().code != ErrorCode::not_found) return tl::unexpected(existing.error());
      auto id = accounts.create_user(u, "system");
      // Another instance loading the demo at the same moment: its account is as good as ours.
      if (!id && id.error().code != ErrorCode::conflict) return tl::unexpected(id.error());
    }
    out.emplace_back(u.login, u.password);
  }
  return out;
}

}  // namespace maillage::services
