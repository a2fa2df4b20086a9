// SQLite backend: one writer connection (BEGIN IMMEDIATE, serialised in-process by a mutex shared
// by every Database opened on the same file) and a pool of read-only connections, all in WAL mode
// with synchronous=NORMAL (research/style.md §3).
#include <sqlite3.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <unordered_map>

#include "store/backends.hpp"
#include "store/migrations.hpp"

namespace maillage::store::detail {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kStatementCacheSize = 128;

Error sqlite_error(sqlite3* db, int rc, std::string_view context) {
  int ext = db ? sqlite3_extended_errcode(db) : rc;
  std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  Error e;
  e.code = ErrorCode::db_error;
  std::string summary = "Erreur de la base de données";
  switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      e.code = ErrorCode::conflict;
      summary = "Cette valeur existe déjà";
      break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      e.code = ErrorCode::invalid_input;
      summary = "Référence à un élément inexistant";
      break;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_DATATYPE:
      e.code = ErrorCode::invalid_input;
      summary = "Valeur refusée par la base";
      break;
    case SQLITE_FULL:
      // The disk is full: the transaction was rolled back and writes work again once space is
      // freed (tests/fault/ checks both), so "retry later" (503); the log names the cause.
      e.code = ErrorCode::unavailable;
      summary = "Disque plein";
      break;
    default:
      if ((ext & 0xff) == SQLITE_BUSY || (ext & 0xff) == SQLITE_LOCKED) {
        e.code = ErrorCode::unavailable;
        summary = "Base de données occupée";
      }
      break;
  }
  // "UNIQUE constraint failed: users.login" -> field "users.login"
  if (auto colon = detail.find("constraint failed: "); colon != std::string::npos) {
    e.field = detail.substr(colon + 19);
  }
  e.message = summary + " (" + std::string(context) + " : " + detail + ")";
  return e;
}

// One connection and its prepared statements. Used by one thread at a time.
class Connection {
 public:
  Connection(sqlite3* db) : db_(db) {}
  ~Connection() {
    clear_cache();
    sqlite3_close_v2(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* handle() const { return db_; }

  void clear_cache() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    cache_.clear();
  }

  Status exec_script(const char* sql, std::string_view context) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) return tl::unexpected(sqlite_error(db_, rc, context));
    return {};
  }

  // Runs one statement; fills `out` when given. Returns the number of rows changed.
  Result<std::int64_t> run(std::string_view sql, const Params& params, Rows* out) {
    auto stmt = prepare(sql);
    if (!stmt) return tl::unexpected(stmt.error());
    sqlite3_stmt* s = *stmt;
    // Always reset, so that a statement never keeps a read snapshot or a lock open.
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{s};

    if (auto st = bind(s, sql, params); !st) return tl::unexpected(st.error());
    int ncol = sqlite3_column_count(s);
    if (out) {
      out->columns.clear();
      out->rows.clear();
      for (int c = 0; c < ncol; ++c) out->columns.emplace_back(sqlite3_column_name(s, c));
    }
    for (;;) {
      int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return tl::unexpected(sqlite_error(db_, rc, sql_context(sql)));
      if (!out) continue;
      Row row;
      row.values.reserve(static_cast<std::size_t>(ncol));
      for (int c = 0; c < ncol; ++c) {
        switch (sqlite3_column_type(s, c)) {
          case SQLITE_NULL:
            row.values.emplace_back(nullptr);
            break;
          case SQLITE_INTEGER:
            row.values.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(s, c)));
            break;
          case SQLITE_FLOAT:
            row.values.emplace_back(sqlite3_column_double(s, c));
            break;
          default: {  // TEXT and BLOB: bytes as they are
            const auto* p = static_cast<const char*>(sqlite3_column_blob(s, c));
            int n = sqlite3_column_bytes(s, c);
            row.values.emplace_back(std::string(p ? p : "", static_cast<std::size_t>(n)));
            break;
          }
        }
      }
      out->rows.push_back(std::move(row));
    }
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
  }

 private:
  static std::string sql_context(std::string_view sql) {
    return std::string(sql.substr(0, 80)) + (sql.size() > 80 ? "..." : "");
  }

  Result<sqlite3_stmt*> prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    sqlite3_stmt* s = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()) + 1,
                                SQLITE_PREPARE_PERSISTENT, &s, &tail);
    if (rc != SQLITE_OK) return tl::unexpected(sqlite_error(db_, rc, sql_context(sql)));
    if (!s) return fail(ErrorCode::internal, "Requête SQL vide.");
    for (; tail && *tail; ++tail) {
      if (*tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != '\r' && *tail != ';') {
        sqlite3_finalize(s);
        return fail(ErrorCode::internal, "Une seule instruction SQL par appel : " + sql_context(sql));
      }
    }
    if (cache_.size() >= kStatementCacheSize) clear_cache();  // simple bound, rarely reached
    cache_.emplace(std::move(key), s);
    return s;
  }

  // $1, $2, ... are named parameters for SQLite: bind by name, since SQLite numbers named
  // parameters in order of first appearance ("$2 ... $1" gives $2 index 1).
  Status bind(sqlite3_stmt* s, std::string_view sql, const Params& params) {
    if (auto st = check_no_nul(sql, params); !st) return st;
    if (sqlite3_bind_parameter_count(s) != static_cast<int>(params.size())) {
      return fail(ErrorCode::internal,
                  "Nombre de paramètres incorrect (" + std::to_string(params.size()) +
                      " fournis, " + std::to_string(sqlite3_bind_parameter_count(s)) +
                      " attendus) : " + sql_context(sql));
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      std::string name = "$" + std::to_string(i + 1);
      int idx = sqlite3_bind_parameter_index(s, name.c_str());
      if (idx == 0) {
        return fail(ErrorCode::internal, "Paramètre " + name + " absent : " + sql_context(sql));
      }
      int rc = std::visit(
          [&](const auto& v) -> int {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) {
              return sqlite3_bind_null(s, idx);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
              return sqlite3_bind_int64(s, idx, v);
            } else if constexpr (std::is_same_v<T, double>) {
              return sqlite3_bind_double(s, idx, v);
            } else {
              return sqlite3_bind_text64(s, idx, v.data(), v.size(), SQLITE_TRANSIENT,
                                         SQLITE_UTF8);
            }
          },
          params[i]);
      if (rc != SQLITE_OK) return tl::unexpected(sqlite_error(db_, rc, sql_context(sql)));
    }
    return {};
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Connection& c) : c_(c) {}
  Backend backend() const override { return Backend::sqlite; }
  Result<Rows> query(std::string_view sql, const Params& params) override {
    Rows rows;
    if (auto r = c_.run(sql, params, &rows); !r) return tl::unexpected(r.error());
    return rows;
  }
  Result<std::int64_t> exec(std::string_view sql, const Params& params) override {
    return c_.run(sql, params, nullptr);
  }

 private:
  Connection& c_;
};

// Writers of one file serialise on one mutex per process, whatever Database object they use,
// so that our own connections never meet SQLITE_BUSY (busy_timeout covers other processes).
std::shared_ptr<std::mutex> writer_mutex_for(const std::string& path) {
  static std::mutex registry_mutex;
  static std::map<std::string, std::weak_ptr<std::mutex>> registry;
  std::lock_guard lock(registry_mutex);
  auto& weak = registry[path];
  auto m = weak.lock();
  if (!m) {
    m = std::make_shared<std::mutex>();
    weak = m;
  }
  return m;
}

Result<std::unique_ptr<Connection>> open_connection(const std::string& path, bool read_only,
                                                    int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | (read_only ? SQLITE_OPEN_READONLY
                                               : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e = sqlite_error(db, rc, "ouverture de " + path);
    e.code = ErrorCode::io_error;
    sqlite3_close_v2(db);
    return tl::unexpected(e);
  }
  auto conn = std::make_unique<Connection>(db);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // Our SQL and files are trusted, but defensive mode costs nothing and blocks writable_schema
  // tricks from a crafted restore file.
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  const char* pragmas = read_only
                            ? "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                              "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";
  if (auto st = conn->exec_script(pragmas, "réglages de connexion"); !st) {
    return tl::unexpected(st.error());
  }
  return conn;
}

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, DatabaseOptions options, std::unique_ptr<Connection> writer)
      : path_(std::move(path)),
        options_(options),
        writer_mutex_(writer_mutex_for(path_)),
        writer_(std::move(writer)) {}

  ~SqliteDatabase() override {
    std::lock_guard lock(*writer_mutex_);
    // Keeps the query planner statistics fresh (research/style.md §3).
    (void)writer_->exec_script("PRAGMA optimize;", "optimize");
  }

  Backend backend() const override { return Backend::sqlite; }

  Status transact(const std::function<Status(Tx&)>& fn) override {
    if (TxScope::active(this)) return nested_transaction_error();
    std::lock_guard lock(*writer_mutex_);
    if (auto st = writer_->exec_script("BEGIN IMMEDIATE", "début de transaction"); !st) return st;
    // Rolls back when fn fails or throws.
    struct Guard {
      Connection& c;
      bool done = false;
      ~Guard() {
        if (!done) (void)c.exec_script("ROLLBACK", "annulation");
      }
    } guard{*writer_};
    Status result;
    {
      TxScope scope(this);
      SqliteTx tx(*writer_);
      result = fn(tx);
    }
    if (!result) return result;
    if (auto st = writer_->exec_script("COMMIT", "validation"); !st) return st;
    guard.done = true;
    return {};
  }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    auto reader = acquire_reader();
    if (!reader) return tl::unexpected(reader.error());
    Rows rows;
    auto r = (*reader)->run(sql, params, &rows);
    release_reader(std::move(*reader));
    if (!r) return tl::unexpected(r.error());
    return rows;
  }

  Result<int> schema_version() override {
    std::lock_guard lock(*writer_mutex_);
    return version_locked();
  }

  Result<int> migrate() override {
    if (TxScope::active(this)) return nested_transaction_error();
    std::lock_guard lock(*writer_mutex_);
    if (auto st = writer_->exec_script(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT",
            "table schema_migrations");
        !st) {
      return tl::unexpected(st.error());
    }
    auto current = version_locked();
    if (!current) return current;
    int latest = latest_schema_version(Backend::sqlite);
    if (*current > latest) return newer_schema_error(*current, latest);
    for (const auto& m : migrations(Backend::sqlite)) {
      if (m.version <= *current) continue;
      if (auto st = writer_->exec_script("BEGIN IMMEDIATE", "début de migration"); !st) {
        return tl::unexpected(st.error());
      }
      auto applied =
          writer_->exec_script(m.sql, "migration " + std::to_string(m.version) + " " + m.name)
              .and_then([&]() -> Status {
                auto r = writer_->run(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    {std::int64_t{m.version}, std::string(m.name), timestamp_now()}, nullptr);
                if (!r) return tl::unexpected(r.error());
                return {};
              })
              .and_then([&] { return writer_->exec_script("COMMIT", "validation de migration"); });
      if (!applied) {
        (void)writer_->exec_script("ROLLBACK", "annulation de migration");
        return tl::unexpected(applied.error());
      }
      *current = m.version;
    }
    return *current;
  }

  Status backup(const std::string& file) override {
    std::string tmp = file + ".tmp";
    std::error_code ec;
    fs::remove(tmp, ec);
    auto dest = open_connection(tmp, false, options_.busy_timeout_ms);
    if (!dest) {
      return fail(ErrorCode::io_error,
                  "Impossible d'écrire la sauvegarde " + file + " (" + dest.error().message + ")");
    }
    auto reader = acquire_reader();
    if (!reader) return tl::unexpected(reader.error());
    // Online: the source is a read-only connection, so the server keeps writing meanwhile (WAL);
    // one step copies a consistent snapshot.
    Status copied = copy_database((*reader)->handle(), (*dest)->handle(), "sauvegarde");
    release_reader(std::move(*reader));
    if (copied) {
      // A self-contained file: no -wal beside it.
      copied = (*dest)->exec_script("PRAGMA journal_mode=DELETE", "sauvegarde");
    }
    dest->reset();
    if (!copied) {
      fs::remove(tmp, ec);
      return copied;
    }
    fs::rename(tmp, file, ec);
    if (ec) {
      fs::remove(tmp, ec);
      return fail(ErrorCode::io_error, "Impossible d'écrire la sauvegarde " + file + " : " +
                                           ec.message());
    }
    return {};
  }

  Status restore(const std::string& file) override {
    if (TxScope::active(this)) return nested_transaction_error();
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      return fail(ErrorCode::io_error, "Fichier de sauvegarde introuvable : " + file);
    }
    auto src = open_connection(file, true, options_.busy_timeout_ms);
    if (!src) return tl::unexpected(src.error());
    if (auto st = check_backup_file(**src, file); !st) return st;
    std::lock_guard lock(*writer_mutex_);
    writer_->clear_cache();
    if (auto st = copy_database((*src)->handle(), writer_->handle(), "restauration"); !st) {
      return st;
    }
    {
      // Readers re-prepare their statements on the new schema by themselves; dropping their
      // caches keeps memory tidy.
      std::lock_guard rl(readers_mutex_);
      for (auto& r : idle_readers_) r->clear_cache();
    }
    return writer_->exec_script("PRAGMA journal_mode=WAL", "restauration");
  }

 private:
  static tl::unexpected<Error> newer_schema_error(int found, int latest) {
    return fail(ErrorCode::db_error,
                "La base est au schéma " + std::to_string(found) +
                    ", plus récent que ce programme (" + std::to_string(latest) +
                    ") : mettez Maillage à jour.");
  }

  Result<int> version_locked() {
    Rows rows;
    auto r = writer_->run(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        {}, &rows);
    if (!r) return tl::unexpected(r.error());
    if (rows.rows.at(0).integer(0) == 0) return 0;
    r = writer_->run("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, &rows);
    if (!r) return tl::unexpected(r.error());
    return static_cast<int>(rows.rows.at(0).integer(0));
  }

  Status check_backup_file(Connection& src, const std::string& file) {
    Rows rows;
    auto r = src.run("PRAGMA quick_check", {}, &rows);
    if (!r || rows.rows.empty() || rows.rows[0].text(0) != "ok") {
      return fail(ErrorCode::invalid_input,
                  "Le fichier n'est pas une sauvegarde SQLite valide : " + file, "file");
    }
    r = src.run(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        {}, &rows);
    if (!r || rows.rows.at(0).integer(0) == 0) {
      return fail(ErrorCode::invalid_input,
                  "Le fichier n'est pas une sauvegarde Maillage (pas de schema_migrations) : " +
                      file,
                  "file");
    }
    r = src.run("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, &rows);
    if (!r) return tl::unexpected(r.error());
    int found = static_cast<int>(rows.rows.at(0).integer(0));
    int latest = latest_schema_version(Backend::sqlite);
    if (found > latest) return newer_schema_error(found, latest);
    return {};
  }

  static Status copy_database(sqlite3* from, sqlite3* to, std::string_view what) {
    sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
    if (!b) return tl::unexpected(sqlite_error(to, sqlite3_errcode(to), what));
    int rc = sqlite3_backup_step(b, -1);
    int finish = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) return tl::unexpected(sqlite_error(to, rc, what));
    if (finish != SQLITE_OK) return tl::unexpected(sqlite_error(to, finish, what));
    return {};
  }

  Result<std::unique_ptr<Connection>> acquire_reader() {
    std::unique_lock lock(readers_mutex_);
    readers_cv_.wait(lock, [&] {
      return !idle_readers_.empty() || open_readers_ < options_.read_connections;
    });
    if (!idle_readers_.empty()) {
      auto c = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return c;
    }
    ++open_readers_;
    lock.unlock();
    auto c = open_connection(path_, true, options_.busy_timeout_ms);
    if (!c) {
      lock.lock();
      --open_readers_;
      readers_cv_.notify_one();
    }
    return c;
  }

  void release_reader(std::unique_ptr<Connection> c) {
    {
      std::lock_guard lock(readers_mutex_);
      idle_readers_.push_back(std::move(c));
    }
    readers_cv_.notify_one();
  }

  std::string path_;
  DatabaseOptions options_;
  std::shared_ptr<std::mutex> writer_mutex_;
  std::unique_ptr<Connection> writer_;  // used only under *writer_mutex_
  std::mutex readers_mutex_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
  int open_readers_ = 0;
};

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite(const std::string& path,
                                              const DatabaseOptions& options) {
  std::error_code ec;
  fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  // One writer mutex per file: key on the absolute, normalised path.
  std::string key = fs::weakly_canonical(fs::absolute(p, ec), ec).string();
  if (key.empty()) key = path;
  auto writer = open_connection(path, false, options.busy_timeout_ms);
  if (!writer) return tl::unexpected(writer.error());
  return std::unique_ptr<Database>(
      std::make_unique<SqliteDatabase>(key, options, std::move(*writer)));
}

}  // namespace maillage::store::detail
