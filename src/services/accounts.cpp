#include "services/accounts.hpp"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <map>
#include <mutex>
#include <tuple>

#include "common/try.hpp"
#include "services/accounts_internal.hpp"
#include "services/accounts_repository.hpp"
#include "services/mail.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

namespace {

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

}  // namespace

namespace accounts_detail {

Result<std::string> random_token() { return hex(MAILLAGE_TRY(random_bytes(kTokenBytes))); }

// The database keeps only this, so a copy of the sessions table opens no session.
std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return hex(std::string_view(reinterpret_cast<const char*>(md), len));
}

bool is_token(std::string_view token) {
  return token.size() == kTokenBytes * 2 && std::all_of(token.begin(), token.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace accounts_detail

namespace {

using namespace accounts_detail;

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

Status validate_login(const std::string& login) {
  if (login.empty())
    return fail(ErrorCode::missing_field, "L'identifiant est obligatoire.", "login");
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

}  // namespace

namespace accounts_detail {
Status validate_password(const std::string& password) {
  if (utf8_length(password) < kMinPassword) {
    return fail(ErrorCode::invalid_input, "Le mot de passe doit contenir au moins 10 caractères.",
                "password");
  }
  if (password.size() > kMaxPassword) {
    return fail(ErrorCode::invalid_input, "Le mot de passe est trop long.", "password");
  }
  return {};
}
}  // namespace accounts_detail

namespace {

template <class T>
std::vector<T> sorted_unique(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// A short JSON summary for the audit log (never the password hash).
std::string summary(const Principal& p, bool active) {
  store::AuditDetail d;
  d.add("login", p.login)
      .add("display_name", p.display_name)
      .add("role", role_id(p.role))
      .add("active", active);
  if (!p.departements.empty()) d.add("departements", p.departements);
  if (!p.regions.empty()) d.add("regions", p.regions);
  if (!p.structures.empty()) d.add("structures", p.structures);
  return d.json();
}

// A unique violation on insert is the login taken; a foreign key one an unknown structure.
Error explain_user_write(Error e) {
  if (e.code == ErrorCode::conflict) {
    e.message = "Cet identifiant est déjà utilisé.";
    e.field = "login";
  } else if (e.code == ErrorCode::invalid_input && e.field.find("structure") != std::string::npos) {
    e.message = "Structure inconnue.";
    e.field = "structures";
  } else if (e.code == ErrorCode::invalid_input &&
             e.message.find("user_structures") != std::string::npos) {
    e.message = "Structure inconnue.";
    e.field = "structures";
  }
  return e;
}

Status write_scopes(Tx& tx, std::int64_t user_id, const Principal& p) {
  for (const auto& d : p.departements) {
    MAILLAGE_CHECK(AccountsRepository::insert_departement(tx, user_id, d));
  }
  for (const auto& r : p.regions) MAILLAGE_CHECK(AccountsRepository::insert_region(tx, user_id, r));
  for (auto id : p.structures) {
    if (auto s = AccountsRepository::insert_structure(tx, user_id, id); !s) {
      // Say which structure, for the admin who typed the id.
      Error e = explain_user_write(s.error());
      if (e.field == "structures") e.message = "Structure inconnue : " + std::to_string(id);
      return tl::unexpected(e);
    }
  }
  return {};
}

Status stale_user() {
  return fail(ErrorCode::conflict,
              "Ce compte a été modifié entre-temps : rechargez puis recommencez.", "version");
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

// A stored timestamp ("2026-11-24T16:22:12.123Z", store::format_timestamp) back to a time point;
// nullopt when it does not have that shape.
std::optional<Clock::time_point> parse_timestamp(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &y, &mo, &d, &h, &mi, &sec, &ms) !=
      7) {
    return std::nullopt;
  }
  const std::chrono::year_month_day day{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!day.ok()) return std::nullopt;
  return Clock::time_point{std::chrono::sys_days{day}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + std::chrono::seconds{sec} + std::chrono::milliseconds{ms};
}

bool verify_password(const std::string& encoded, const std::string& password) {
  if (password.size() > kMaxPassword) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace

Accounts::Accounts(store::Database& db, AccountSettings settings, std::shared_ptr<Mailer> mailer)
    : db_(db), settings_(std::move(settings)), mailer_(std::move(mailer)) {}

Clock::time_point Accounts::now() const {
  return settings_.clock ? settings_.clock() : Clock::now();
}

Result<std::string> Accounts::hash_password(const std::string& password) const {
  auto salt = MAILLAGE_TRY(random_bytes(kSaltBytes));
  std::size_t len = argon2_encodedlen(settings_.argon2_passes, settings_.argon2_memory_kib,
                                      settings_.argon2_lanes, kSaltBytes, kHashBytes, Argon2_id);
  std::string encoded(len, '\0');
  int rc = argon2id_hash_encoded(settings_.argon2_passes, settings_.argon2_memory_kib,
                                 settings_.argon2_lanes, password.data(), password.size(),
                                 salt.data(), salt.size(), kHashBytes, encoded.data(), len);
  if (rc != ARGON2_OK) {
    return fail(ErrorCode::internal,
                std::string("Hachage du mot de passe impossible : ") + argon2_error_message(rc));
  }
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

Result<std::int64_t> Accounts::create_user(const NewUser& user, const std::string& actor) {
  MAILLAGE_CHECK(validate_login(user.login));
  MAILLAGE_CHECK(validate_display_name(user.display_name));
  MAILLAGE_CHECK(validate_password(user.password));
  Principal p;
  p.login = user.login;
  p.display_name = user.display_name;
  p.role = user.role;
  p.departements = sorted_unique(user.departements);
  p.regions = sorted_unique(user.regions);
  p.structures = sorted_unique(user.structures);
  MAILLAGE_CHECK(validate_scopes(p.role, p.departements, p.regions, p.structures));
  // Hash before the transaction: it takes tens of milliseconds and must not hold the writer.
  auto hash = MAILLAGE_TRY(hash_password(user.password));

  std::int64_t id = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    auto r = AccountsRepository::insert_user(tx, p, hash, store::format_timestamp(now()));
    if (!r) return tl::unexpected(explain_user_write(r.error()));
    id = *r;
    MAILLAGE_CHECK(write_scopes(tx, id, p));
    p.user_id = id;
    return store::audit(tx,
                        {actor, "user.create", "user", std::to_string(id), "", summary(p, true)});
  });
  MAILLAGE_CHECK(st);
  return id;
}

namespace {
Result<UserRecord> found(Result<std::optional<StoredUser>> u) {
  if (!u) return tl::unexpected(u.error());
  if (!*u) return fail(ErrorCode::not_found, "Utilisateur introuvable.");
  return std::move((*u)->record);
}
}  // namespace

Result<UserRecord> Accounts::find_user(const std::string& login) {
  return found(AccountsRepository(db_).user_by_login(login));
}

Result<UserRecord> Accounts::get_user(std::int64_t user_id) {
  return found(AccountsRepository(db_).user_by_id(user_id));
}

Result<std::vector<UserRecord>> Accounts::list_user_records() {
  return AccountsRepository(db_).users();
}

Result<std::vector<Principal>> Accounts::list_users() {
  auto records = MAILLAGE_TRY(list_user_records());
  std::vector<Principal> out;
  for (auto& r : records) out.push_back(std::move(r.principal));
  return out;
}

Result<std::int64_t> Accounts::update_user(std::int64_t user_id, std::int64_t expected_version,
                                           const UserChanges& changes, const std::string& actor) {
  if (changes.display_name) MAILLAGE_CHECK(validate_display_name(*changes.display_name));
  std::int64_t new_version = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    auto current = MAILLAGE_TRY(AccountsRepository::user_by_id(tx, user_id));
    if (!current) return fail(ErrorCode::not_found, "Utilisateur introuvable.");
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
    MAILLAGE_CHECK(
        validate_scopes(after.role, after.departements, after.regions, after.structures));
    // The optimistic check itself: only the version we read may be overwritten.
    if (MAILLAGE_TRY(AccountsRepository::update_user(tx, user_id, expected_version, after, active,
                                                     store::format_timestamp(now()))) == 0) {
      return stale_user();
    }
    new_version = expected_version + 1;
    MAILLAGE_CHECK(AccountsRepository::delete_scopes(tx, user_id));
    MAILLAGE_CHECK(write_scopes(tx, user_id, after));
    if (!active) {
      // A disabled account keeps no way in: its sessions and its open reset links end.
      MAILLAGE_CHECK(AccountsRepository::delete_user_sessions(tx, user_id));
      MAILLAGE_TRY(AccountsRepository::revoke_resets(tx, user_id, store::format_timestamp(now())));
    }
    return store::audit(tx, {actor, "user.update", "user", std::to_string(user_id),
                             summary(before.principal, before.active), summary(after, active)});
  });
  MAILLAGE_CHECK(st);
  return new_version;
}

Status Accounts::reset_password(const std::string& login, const std::string& new_password,
                                const std::string& actor) {
  MAILLAGE_CHECK(validate_password(new_password));
  auto user = find_user(login);
  if (!user) {
    Error e = user.error();
    if (e.code == ErrorCode::not_found) e.message = "Aucun compte « " + login + " ».";
    return tl::unexpected(e);
  }
  auto hash = MAILLAGE_TRY(hash_password(new_password));
  std::int64_t id = user->principal.user_id;
  return db_.transact([&](Tx& tx) -> Status {
    if (MAILLAGE_TRY(AccountsRepository::set_password(tx, id, user->version, hash,
                                                      store::format_timestamp(now()))) == 0) {
      return stale_user();
    }
    // Whoever knew the old password loses their sessions; the lockout is lifted.
    MAILLAGE_CHECK(AccountsRepository::delete_user_sessions(tx, id));
    MAILLAGE_CHECK(AccountsRepository::clear_failures(tx, login));
    return store::audit(tx, {actor, "user.reset_password", "user", std::to_string(id), "",
                             store::AuditDetail{}.add("login", user->principal.login).json()});
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
  AccountsRepository repo(db_);

  // Rate limit first, before spending an argon2 verification on the attempt.
  MAILLAGE_CHECK(check_rate_limit(login, client_address));

  auto user = MAILLAGE_TRY(repo.user_by_login(login));
  bool ok = user && user->record.active && verify_password(user->password_hash, password);
  if (!user) (void)verify_password(dummy_hash(settings_), password);

  Session session;
  auto token = random_token();
  auto csrf = random_token();
  if (!token || !csrf) return fail(ErrorCode::internal, "Générateur aléatoire indisponible.");
  auto st = db_.transact([&](Tx& tx) -> Status {
    MAILLAGE_CHECK(AccountsRepository::record_attempt(tx, login, client_address, ts, ok));
    // Housekeeping shared by every instance: forget what no rule needs any more.
    MAILLAGE_CHECK(AccountsRepository::purge(tx, window_start, ts));
    std::string entity_id = user ? std::to_string(user->record.principal.user_id) : "";
    std::string detail =
        store::AuditDetail{}.add("login", login).add("client", client_address).json();
    if (!ok) {
      return store::audit(tx, {login, "session.login_failed", "user", entity_id, "", detail});
    }
    // A success clears the failures of this login (not those of the address: an attacker
    // could otherwise reset their counter with an account of their own).
    MAILLAGE_CHECK(AccountsRepository::clear_failures(tx, login));
    auto expires = t + std::min(settings_.session_lifetime, settings_.session_max_lifetime);
    MAILLAGE_CHECK(AccountsRepository::insert_session(
        tx, sha256_hex(*token), user->record.principal.user_id, *csrf, ts,
        store::format_timestamp(expires), client_address));
    session.token = *token;
    session.csrf = *csrf;
    session.principal = user->record.principal;
    session.expires = expires;
    return store::audit(
        tx, {user->record.principal.login, "session.login", "session", entity_id, "", detail});
  });
  MAILLAGE_CHECK(st);
  if (!ok) return fail(ErrorCode::bad_credentials, "Identifiant ou mot de passe incorrect.");
  return session;
}

Result<Session> Accounts::session(const std::string& token) {
  auto unauthenticated = [] {
    return fail(ErrorCode::unauthenticated,
                "Session absente ou expirée : veuillez vous connecter.");
  };
  if (!is_token(token)) return unauthenticated();
  auto t = now();
  std::string ts = store::format_timestamp(t);
  std::string hash = sha256_hex(token);
  AccountsRepository repo(db_);
  auto row = MAILLAGE_TRY(repo.live_session(hash, ts));
  if (!row) return unauthenticated();
  // The absolute expiry: counted from the login, whatever the activity since. Checked here and
  // not only through the stored expiry, so that lowering the setting applies to open sessions.
  const auto created = parse_timestamp(row->created_at);
  if (!created) return unauthenticated();
  const auto hard_end = *created + settings_.session_max_lifetime;
  if (t >= hard_end) return unauthenticated();
  auto user = MAILLAGE_TRY(repo.user_by_id(row->user_id));
  if (!user) return unauthenticated();
  Session s;
  s.token = token;
  s.csrf = row->csrf;
  s.principal = std::move(user->record.principal);
  s.expires = std::min(t + settings_.session_lifetime, hard_end);

  // Sliding expiry, written at most once a minute (or a tenth of the lifetime) per session, so
  // that page views do not all become writes.
  auto granularity =
      std::min<std::chrono::seconds>(std::chrono::seconds(60), settings_.session_lifetime / 10);
  std::string refresh_before = store::format_timestamp(t - granularity);
  if (row->last_seen_at <= refresh_before) {
    MAILLAGE_CHECK(db_.transact([&](Tx& tx) -> Status {
      return AccountsRepository::touch_session(tx, hash, ts, store::format_timestamp(s.expires));
    }));
  } else {
    // Not refreshed: the stored expiry stands (it is at most `granularity` earlier).
    s.expires = std::min(t + settings_.session_lifetime - granularity, hard_end);
  }
  return s;
}

Status Accounts::check_rate_limit(const std::string& login, const std::string& client_address) {
  const std::string window_start = store::format_timestamp(now() - settings_.failed_login_window);
  auto failures =
      MAILLAGE_TRY(AccountsRepository(db_).failures_since(login, client_address, window_start));
  // Blocked until the oldest counted failure of each blocked counter leaves the window (a
  // refused attempt is not recorded, so the count then falls below the limit).
  std::chrono::seconds wait{0};
  auto blocked_by = [&](std::int64_t count, const std::string& oldest) {
    if (count < settings_.max_failed_logins) return false;
    if (auto t = store::parse_timestamp(oldest)) {
      auto left = std::chrono::ceil<std::chrono::seconds>(*t + settings_.failed_login_window - now());
      wait = std::max(wait, left);
    }
    return true;
  };
  const bool by_login = blocked_by(failures.by_login, failures.oldest_by_login);
  const bool by_address = blocked_by(failures.by_address, failures.oldest_by_address);
  if (by_login || by_address) {
    Error e{ErrorCode::rate_limited, {}, {}, {}, 0};  // the catalogue's message
    e.retry_after_s = std::max<std::int64_t>(1, wait.count());
    return tl::unexpected(std::move(e));
  }
  return {};
}

Status Accounts::reauthenticate(const Session& session, const std::string& password,
                                const std::string& client_address) {
  const std::string& login = session.principal.login;
  MAILLAGE_CHECK(check_rate_limit(login, client_address));
  auto user = MAILLAGE_TRY(AccountsRepository(db_).user_by_login(login));
  const bool ok = user && user->record.active &&
                  user->record.principal.user_id == session.principal.user_id &&
                  verify_password(user->password_hash, password);
  if (ok) return {};
  const std::string ts = store::format_timestamp(now());
  const Status recorded = db_.transact([&](Tx& tx) -> Status {
    MAILLAGE_CHECK(AccountsRepository::record_attempt(tx, login, client_address, ts, false));
    return store::audit(tx, {login, "session.reauth_failed", "user",
                             std::to_string(session.principal.user_id), "",
                             store::AuditDetail{}.add("client", client_address).json()});
  });
  MAILLAGE_CHECK(recorded);
  return fail(ErrorCode::bad_credentials, "Mot de passe actuel incorrect.", "mot_de_passe_actuel");
}

Result<std::string> Accounts::change_own_account(const Session& session,
                                                 const OwnAccountChange& change,
                                                 const std::string& client_address) {
  if (!change.new_password && !change.new_login) {
    return fail(ErrorCode::missing_field, "Indiquez un nouveau mot de passe ou un nouvel identifiant.",
                "nouveau_mot_de_passe");
  }
  if (change.new_login) MAILLAGE_CHECK(validate_login(*change.new_login));
  if (change.new_password) MAILLAGE_CHECK(validate_password(*change.new_password));
  MAILLAGE_CHECK(reauthenticate(session, change.current_password, client_address));
  std::optional<std::string> hash;
  if (change.new_password) hash = MAILLAGE_TRY(hash_password(*change.new_password));
  const std::int64_t id = session.principal.user_id;
  const std::string token_hash = sha256_hex(session.token);
  std::string login = session.principal.login;
  const Status written = db_.transact([&](Tx& tx) -> Status {
    auto current = MAILLAGE_TRY(AccountsRepository::user_by_id(tx, id));
    if (!current) return fail(ErrorCode::not_found, "Utilisateur introuvable.");
    std::int64_t version = current->record.version;
    const std::string ts = store::format_timestamp(now());
    store::AuditDetail before, after;
    if (change.new_login) {
      auto n = AccountsRepository::set_login(tx, id, version, *change.new_login, ts);
      if (!n) return tl::unexpected(explain_user_write(n.error()));
      if (*n == 0) return stale_user();
      before.add("login", current->record.principal.login);
      after.add("login", *change.new_login);
      login = *change.new_login;
      ++version;
    }
    if (hash) {
      if (MAILLAGE_TRY(AccountsRepository::set_password(tx, id, version, *hash, ts)) == 0) {
        return stale_user();
      }
      // Whoever knew the old password loses the sessions it opened; this one stays.
      if (auto n = AccountsRepository::delete_other_sessions(tx, id, token_hash); !n) {
        return tl::unexpected(n.error());
      }
      after.add("password", "changed");
    }
    return store::audit(tx, {login, "user.change_own", "user", std::to_string(id), before.json(),
                             after.json()});
  });
  MAILLAGE_CHECK(written);
  return login;
}

Status Accounts::logout(const std::string& token) {
  if (!is_token(token)) return {};
  std::string hash = sha256_hex(token);
  return db_.transact([&](Tx& tx) -> Status {
    auto who = MAILLAGE_TRY(AccountsRepository::session_user(tx, hash));
    if (!who) return {};  // already gone: logging out twice is fine
    MAILLAGE_CHECK(AccountsRepository::delete_session(tx, hash));
    return store::audit(tx, {who->second, "session.logout", "session", who->first, "", ""});
  });
}

Result<std::vector<SessionInfo>> Accounts::sessions(const Session& current) {
  const auto t = now();
  AccountsRepository repo(db_);
  auto rows = MAILLAGE_TRY(
      repo.user_sessions(current.principal.user_id, store::format_timestamp(t)));
  const std::string mine = sha256_hex(current.token);
  std::vector<SessionInfo> out;
  for (auto& r : rows) {
    // The absolute expiry, as session() checks it: such a session can no longer be used.
    const auto created = parse_timestamp(r.created_at);
    if (!created || t >= *created + settings_.session_max_lifetime) continue;
    out.push_back({r.token_hash.substr(0, 16), r.created_at, r.last_seen_at, r.client_address,
                   r.token_hash == mine});
  }
  return out;
}

Result<std::int64_t> Accounts::end_sessions(const Session& current, const std::string& id) {
  const std::int64_t user = current.principal.user_id;
  const std::string mine = sha256_hex(current.token);
  if (!id.empty() && mine.rfind(id, 0) == 0) {
    return fail(ErrorCode::invalid_input,
                "Cette session est celle que vous utilisez : déconnectez-vous pour la fermer.",
                "session");
  }
  // The public id is a prefix of the hash: find the user's session it names.
  std::string hash;
  if (!id.empty()) {
    AccountsRepository repo(db_);
    for (const auto& r :
         MAILLAGE_TRY(repo.user_sessions(user, store::format_timestamp(now())))) {
      if (id.size() == 16 && r.token_hash.rfind(id, 0) == 0) hash = r.token_hash;
    }
    if (hash.empty()) {
      return fail(ErrorCode::not_found, "Cette session est déjà fermée ou n'est pas la vôtre.",
                  "session");
    }
  }
  std::int64_t ended = 0;
  MAILLAGE_CHECK(db_.transact([&](Tx& tx) -> Status {
    ended = hash.empty()
                ? MAILLAGE_TRY(AccountsRepository::delete_other_sessions(tx, user, mine))
                : MAILLAGE_TRY(AccountsRepository::delete_user_session(tx, user, hash));
    return store::audit(tx, {current.principal.login, "session.end_others", "user",
                             std::to_string(user), "",
                             store::AuditDetail{}.add("ended", ended).json()});
  }));
  return ended;
}

bool csrf_matches(const Session& session, std::string_view submitted) {
  return !session.csrf.empty() && submitted.size() == session.csrf.size() &&
         CRYPTO_memcmp(submitted.data(), session.csrf.data(), submitted.size()) == 0;
}

}  // namespace maillage::services
