// PostgreSQL backend through libpq: a pool of read-only connections for Database::query and a
// pool of write connections for SERIALIZABLE transactions, retried on 40001/40P01 so that the
// semantics match SQLite's single writer. Backup and restore run pg_dump / pg_restore.
#include <fcntl.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "store/backends.hpp"
#include "store/migrations.hpp"

extern char** environ;

namespace maillage::store::detail {

namespace {

namespace fs = std::filesystem;

// Parameter and result type OIDs (pg_type.dat).
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700;
// Any number: two instances migrating at once take turns on it.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(727365)";

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnDeleter>;
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

std::string sql_context(std::string_view sql) {
  return std::string(sql.substr(0, 80)) + (sql.size() > 80 ? "..." : "");
}

bool is_retryable(std::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";  // serialization failure, deadlock
}

Error pg_error(PGconn* c, const PGresult* r, std::string_view context) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "";
  std::string detail = r ? PQresultErrorMessage(r) : "";
  if (detail.empty() && c) detail = PQerrorMessage(c);
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  Error e;
  e.code = ErrorCode::db_error;
  std::string summary = "Erreur de la base de données";
  if (sqlstate == "23505") {
    e.code = ErrorCode::conflict;
    summary = "Cette valeur existe déjà";
  } else if (sqlstate == "23503") {
    e.code = ErrorCode::invalid_input;
    summary = "Référence à un élément inexistant";
  } else if (sqlstate.starts_with("23")) {
    e.code = ErrorCode::invalid_input;
    summary = "Valeur refusée par la base";
  } else if (sqlstate == "53100") {  // disk_full: as SQLite's, retry once space is freed
    e.code = ErrorCode::unavailable;
    summary = "Disque plein";
  } else if (is_retryable(sqlstate)) {
    e.code = ErrorCode::unavailable;
    summary = "Conflit d'accès concurrent";
  } else if (sqlstate.starts_with("08") || sqlstate.starts_with("57P") ||
             (c && PQstatus(c) != CONNECTION_OK)) {
    e.code = ErrorCode::unavailable;
    summary = "Connexion à PostgreSQL perdue";
  }
  if (r) {
    const char* table = PQresultErrorField(r, PG_DIAG_TABLE_NAME);
    const char* column = PQresultErrorField(r, PG_DIAG_COLUMN_NAME);
    const char* constraint = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
    if (column) {
      e.field = std::string(table ? table : "") + (table ? "." : "") + column;
    } else if (constraint) {
      e.field = constraint;
    }
  }
  e.message = summary + " (" + std::string(context) + " : " + detail +
              (sqlstate.empty() ? "" : " [" + sqlstate + "]") + ")";
  return e;
}

Value to_value(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return nullptr;
  const char* text = PQgetvalue(r, row, col);
  int len = PQgetlength(r, row, col);
  switch (PQftype(r, col)) {
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      return static_cast<std::int64_t>(std::strtoll(text, nullptr, 10));
    case kBool:
      return std::int64_t{text[0] == 't' ? 1 : 0};
    case kFloat4:
    case kFloat8:
      return std::strtod(text, nullptr);
    case kNumeric: {
      // sum() of bigint is numeric: keep integers integers, as SQLite does.
      bool integral = std::all_of(text, text + len, [](char ch) {
        return (ch >= '0' && ch <= '9') || ch == '-';
      });
      if (integral && len > 0 && len < 19) {
        return static_cast<std::int64_t>(std::strtoll(text, nullptr, 10));
      }
      return std::strtod(text, nullptr);
    }
    default:
      return std::string(text, static_cast<std::size_t>(len));
  }
}

Rows to_rows(const PGresult* r) {
  Rows out;
  int ncol = PQnfields(r);
  int nrow = PQntuples(r);
  for (int c = 0; c < ncol; ++c) out.columns.emplace_back(PQfname(r, c));
  out.rows.reserve(static_cast<std::size_t>(nrow));
  for (int i = 0; i < nrow; ++i) {
    Row row;
    row.values.reserve(static_cast<std::size_t>(ncol));
    for (int c = 0; c < ncol; ++c) row.values.push_back(to_value(r, i, c));
    out.rows.push_back(std::move(row));
  }
  return out;
}

// Runs one statement with $n parameters sent as text with their types. `sqlstate` receives the
// SQLSTATE of a failure (for the retry decision).
Result<PgResult> exec_params(PGconn* c, std::string_view sql, const Params& params,
                             std::string* sqlstate = nullptr) {
  if (auto st = check_no_nul(sql, params); !st) return tl::unexpected(st.error());
  if (max_placeholder(sql) != static_cast<int>(params.size())) {
    return fail(ErrorCode::internal, "Nombre de paramètres incorrect (" +
                                         std::to_string(params.size()) + " fournis, " +
                                         std::to_string(max_placeholder(sql)) +
                                         " attendus) : " + sql_context(sql));
  }
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<Oid> types(params.size(), 0);
  for (std::size_t i = 0; i < params.size(); ++i) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            values[i] = nullptr;
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            texts[i] = std::to_string(v);
            types[i] = kInt8;
            values[i] = texts[i].c_str();
          } else if constexpr (std::is_same_v<T, double>) {
            char buf[40];
            std::snprintf(buf, sizeof buf, "%.17g", v);
            texts[i] = buf;
            types[i] = kFloat8;
            values[i] = texts[i].c_str();
          } else {
            // Sent untyped: the server infers text, a timestamp, ... from the context.
            values[i] = v.c_str();
          }
        },
        params[i]);
  }
  std::string text(sql);
  PgResult r(PQexecParams(c, text.c_str(), static_cast<int>(params.size()), types.data(),
                          values.data(), nullptr, nullptr, 0));
  auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    if (sqlstate && r) {
      const char* s = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
      *sqlstate = s ? s : "";
    }
    return tl::unexpected(pg_error(c, r.get(), sql_context(sql)));
  }
  return r;
}

// A script of several statements without parameters (migrations, BEGIN/COMMIT).
Result<PgResult> exec_script(PGconn* c, const char* sql, std::string_view context,
                             std::string* sqlstate = nullptr) {
  PgResult r(PQexec(c, sql));
  auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    if (sqlstate && r) {
      const char* s = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
      *sqlstate = s ? s : "";
    }
    return tl::unexpected(pg_error(c, r.get(), context));
  }
  return r;
}

// Connections of one kind (read-only or read-write), opened on demand up to `max`.
class Pool {
 public:
  Pool(std::string url, bool read_only, int max)
      : url_(std::move(url)), read_only_(read_only), max_(max) {}

  Result<Conn> acquire() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
      Conn c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    ++open_;
    lock.unlock();
    auto c = connect();
    if (!c) {
      lock.lock();
      --open_;
      cv_.notify_one();
    }
    return c;
  }

  // A connection that is broken or left inside a transaction is closed, not reused. A broken one
  // also closes every idle connection: it usually means the server restarted, which killed them
  // all, and a caller retrying once must get a fresh connection, not the next dead one
  // (tests/fault/ restarts PostgreSQL while no request runs, then checks that none fails).
  void release(Conn c) {
    bool broken = !c || PQstatus(c.get()) != CONNECTION_OK;
    bool healthy = !broken && PQtransactionStatus(c.get()) == PQTRANS_IDLE;
    std::vector<Conn> dropped;
    {
      std::lock_guard lock(mutex_);
      if (healthy) {
        idle_.push_back(std::move(c));
      } else {
        --open_;
      }
      if (broken) {
        open_ -= static_cast<int>(idle_.size());
        dropped.swap(idle_);
      }
    }
    if (!healthy) c.reset();
    dropped.clear();  // closed outside the lock
    cv_.notify_all();
  }

  Result<Conn> connect() const {
    // Keep the options of the URL and add ours (later keywords override the URL's).
    std::string options;
    // An unreachable host (not a refused port) would otherwise hold a request for the whole TCP
    // connect timeout, minutes: past this the request gets its 503 (the URL may set another).
    std::string connect_timeout = "10";
    char* err = nullptr;
    if (PQconninfoOption* parsed = PQconninfoParse(url_.c_str(), &err)) {
      for (auto* o = parsed; o->keyword; ++o) {
        if (std::strcmp(o->keyword, "options") == 0 && o->val) options = o->val;
        if (std::strcmp(o->keyword, "connect_timeout") == 0 && o->val && *o->val) {
          connect_timeout = o->val;
        }
      }
      PQconninfoFree(parsed);
    } else {
      std::string msg = err ? err : "";
      PQfreemem(err);
      return fail(ErrorCode::invalid_input, "Adresse PostgreSQL invalide : " + msg, "database");
    }
    if (read_only_) options += " -c default_transaction_read_only=on";
    const char* keys[] = {"dbname",          "options",         "application_name",
                          "client_encoding", "connect_timeout", nullptr};
    const char* values[] = {url_.c_str(), options.c_str(),         "maillage",
                            "UTF8",       connect_timeout.c_str(), nullptr};
    Conn c(PQconnectdbParams(keys, values, 1));
    if (!c || PQstatus(c.get()) != CONNECTION_OK) {
      std::string msg = c ? PQerrorMessage(c.get()) : "mémoire insuffisante";
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return fail(ErrorCode::unavailable, "Connexion à PostgreSQL impossible : " + msg,
                  "database");
    }
    // Server notices (e.g. "relation already exists, skipping") are not for our users' eyes.
    PQsetNoticeProcessor(c.get(), [](void*, const char*) {}, nullptr);
    return c;
  }

 private:
  std::string url_;
  bool read_only_;
  int max_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Conn> idle_;
  int open_ = 0;
};

// Returns a pooled connection on every path.
class Lease {
 public:
  Lease(Pool& pool, Conn c) : pool_(pool), c_(std::move(c)) {}
  ~Lease() { pool_.release(std::move(c_)); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  PGconn* get() const { return c_.get(); }
  bool broken() const { return PQstatus(c_.get()) != CONNECTION_OK; }
  // After a server restart or an idle timeout a pooled connection is dead: trade it for a new
  // one (the dead one is closed by the pool).
  Status reconnect() {
    pool_.release(std::move(c_));
    auto c = pool_.acquire();
    if (!c) return tl::unexpected(c.error());
    c_ = std::move(*c);
    return {};
  }

 private:
  Pool& pool_;
  Conn c_;
};

class PgTx final : public Tx {
 public:
  explicit PgTx(PGconn* c) : c_(c) {}
  Backend backend() const override { return Backend::postgresql; }
  Result<Rows> query(std::string_view sql, const Params& params) override {
    auto r = run(sql, params);
    if (!r) return tl::unexpected(r.error());
    return to_rows(r->get());
  }
  Result<std::int64_t> exec(std::string_view sql, const Params& params) override {
    auto r = run(sql, params);
    if (!r) return tl::unexpected(r.error());
    const char* n = PQcmdTuples(r->get());
    return static_cast<std::int64_t>(n && *n ? std::strtoll(n, nullptr, 10) : 0);
  }
  // A statement failed with a serialization failure or a deadlock: the transaction may succeed
  // if run again from the start.
  bool retryable() const { return retryable_; }

 private:
  Result<PgResult> run(std::string_view sql, const Params& params) {
    std::string state;
    auto r = exec_params(c_, sql, params, &state);
    if (!r && is_retryable(state)) retryable_ = true;
    return r;
  }
  PGconn* c_;
  bool retryable_ = false;
};

// ---- pg_dump / pg_restore -------------------------------------------------------------------

std::string find_pg_tool(const std::string& bindir, const std::string& name) {
  std::error_code ec;
  if (!bindir.empty()) return (fs::path(bindir) / name).string();
  // Debian installs them under /usr/lib/postgresql/<major>/bin; the newest handles every
  // older server.
  std::vector<std::pair<int, fs::path>> found;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path candidate = e.path() / "bin" / name;
    if (fs::exists(candidate, ec)) {
      found.emplace_back(std::atoi(e.path().filename().c_str()), candidate);
    }
  }
  if (!found.empty()) return std::max_element(found.begin(), found.end())->second.string();
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
      fs::path candidate = fs::path(dir) / name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  return {};
}

struct ToolRun {
  int exit_code = -1;
  std::string errors;  // the tool's stderr
};

// Runs a tool without a shell; the connection settings go through the environment
// (PGHOST, PGPASSWORD, ...) so that no password appears in the process list.
Result<ToolRun> run_tool(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env, const std::string& out_file) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  for (const auto& kv : extra_env) {
    std::string key = kv.substr(0, kv.find('=') + 1);
    std::erase_if(env, [&](const std::string& x) { return x.starts_with(key); });
    env.push_back(kv);
  }
  std::vector<char*> envp;
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  char err_path[] = "/tmp/maillage-pgtool-XXXXXX";
  int err_fd = mkstemp(err_path);
  if (err_fd < 0) return fail(ErrorCode::io_error, "Fichier temporaire impossible.");
  close(err_fd);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.empty() ? "/dev/null" : out_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path, O_WRONLY | O_TRUNC, 0600);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ToolRun run;
  if (rc == 0) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  {
    std::ifstream in(err_path);
    std::stringstream ss;
    ss << in.rdbuf();
    run.errors = ss.str();
  }
  unlink(err_path);
  if (rc != 0) {
    return fail(ErrorCode::unavailable,
                "Impossible de lancer " + argv[0] + " : " + std::strerror(rc));
  }
  while (!run.errors.empty() && run.errors.back() == '\n') run.errors.pop_back();
  return run;
}

// PG* variables for the tools, from the URL (PQconninfoParse names each option's variable).
Result<std::pair<std::vector<std::string>, std::string>> tool_connection(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &err);
  if (!parsed) {
    std::string msg = err ? err : "";
    PQfreemem(err);
    return fail(ErrorCode::invalid_input, "Adresse PostgreSQL invalide : " + msg, "database");
  }
  std::vector<std::string> env;
  std::string dbname;
  for (auto* o = parsed; o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    if (std::strcmp(o->keyword, "dbname") == 0) dbname = o->val;
    if (o->envvar) env.push_back(std::string(o->envvar) + "=" + o->val);
  }
  PQconninfoFree(parsed);
  if (dbname.empty()) dbname = "postgres";
  return std::make_pair(std::move(env), std::move(dbname));
}

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string url, DatabaseOptions options)
      : url_(std::move(url)),
        options_(options),
        readers_(url_, true, options.read_connections),
        writers_(url_, false, options.write_connections) {}

  Backend backend() const override { return Backend::postgresql; }

  Status check() {
    auto c = readers_.acquire();
    if (!c) return tl::unexpected(c.error());
    readers_.release(std::move(*c));
    return {};
  }

  Status transact(const std::function<Status(Tx&)>& fn) override {
    if (TxScope::active(this)) return nested_transaction_error();
    auto conn = writers_.acquire();
    if (!conn) return tl::unexpected(conn.error());
    Lease lease(writers_, std::move(*conn));
    PGconn* c = lease.get();
    std::minstd_rand jitter(std::random_device{}());
    bool reconnected = false;
    Error last;
    for (int attempt = 0; attempt < options_.max_retries; ++attempt) {
      if (attempt > 0) {
        // Exponential backoff with jitter, so that the two transactions do not meet again.
        int cap = std::min(1 << std::min(attempt, 6), 50);
        std::this_thread::sleep_for(
            std::chrono::milliseconds(1 + static_cast<int>(jitter() % static_cast<unsigned>(cap))));
      }
      if (auto b = exec_script(c, "BEGIN ISOLATION LEVEL SERIALIZABLE", "début de transaction");
          !b) {
        // Nothing ran yet: on a dead pooled connection, start again on a fresh one, once.
        if (reconnected || !lease.broken()) return tl::unexpected(b.error());
        if (auto st = lease.reconnect(); !st) return st;
        c = lease.get();
        reconnected = true;
        --attempt;
        continue;
      }
      struct Guard {  // rolls back when fn throws
        PGconn* c;
        bool open = true;
        ~Guard() {
          if (open) (void)exec_script(c, "ROLLBACK", "annulation");
        }
      } guard{c};
      PgTx tx(c);
      Status result;
      {
        TxScope scope(this);
        result = fn(tx);
      }
      if (!result) {
        guard.open = false;
        (void)exec_script(c, "ROLLBACK", "annulation");
        if (tx.retryable()) {
          last = result.error();
          continue;
        }
        return result;
      }
      std::string state;
      auto commit = exec_script(c, "COMMIT", "validation", &state);
      guard.open = false;
      if (!commit) {
        if (is_retryable(state)) {
          last = commit.error();
          continue;
        }
        return tl::unexpected(commit.error());
      }
      // COMMIT of a transaction where a statement failed (and fn ignored it) rolls back.
      if (std::strcmp(PQcmdStatus(commit->get()), "COMMIT") != 0) {
        if (tx.retryable()) continue;
        return fail(ErrorCode::db_error,
                    "Transaction annulée par PostgreSQL après une erreur ignorée.");
      }
      return {};
    }
    Error e = last;
    e.code = ErrorCode::unavailable;
    e.message = "Conflits d'accès répétés : réessayez. (" + last.message + ")";
    return tl::unexpected(e);
  }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    auto conn = readers_.acquire();
    if (!conn) return tl::unexpected(conn.error());
    Lease lease(readers_, std::move(*conn));
    auto r = exec_params(lease.get(), sql, params);
    if (!r && lease.broken()) {  // a read can always be tried again on a fresh connection
      if (auto st = lease.reconnect(); !st) return tl::unexpected(st.error());
      r = exec_params(lease.get(), sql, params);
    }
    if (!r) return tl::unexpected(r.error());
    return to_rows(r->get());
  }

  Result<int> schema_version() override {
    auto rows = query(
        "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 "
        "ELSE 1 END",
        {});
    if (!rows) return tl::unexpected(rows.error());
    if (rows->rows.at(0).integer(0) == 0) return 0;
    rows = query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {});
    if (!rows) return tl::unexpected(rows.error());
    return static_cast<int>(rows->rows.at(0).integer(0));
  }

  Result<int> migrate() override {
    if (TxScope::active(this)) return nested_transaction_error();
    auto conn = writers_.acquire();
    if (!conn) return tl::unexpected(conn.error());
    Lease lease(writers_, std::move(*conn));
    PGconn* c = lease.get();
    int latest = latest_schema_version(Backend::postgresql);
    int current = 0;
    // Each migration in its own transaction (READ COMMITTED: after the lock, the version read
    // sees what another instance just committed).
    auto step = [&](const Migration* m) -> Status {
      auto run = [&](const char* sql, std::string_view what) -> Status {
        auto r = exec_script(c, sql, what);
        if (!r) return tl::unexpected(r.error());
        return {};
      };
      if (auto s = run("BEGIN", "début de migration"); !s) return s;
      auto body = [&]() -> Status {
        if (auto s = run(kMigrationLock, "verrou de migration"); !s) return s;
        if (auto s = run("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY "
                         "KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                         "table schema_migrations");
            !s) {
          return s;
        }
        auto v = exec_params(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {});
        if (!v) return tl::unexpected(v.error());
        current = static_cast<int>(to_rows(v->get()).rows.at(0).integer(0));
        if (current > latest) {
          return fail(ErrorCode::db_error, "La base est au schéma " + std::to_string(current) +
                                               ", plus récent que ce programme (" +
                                               std::to_string(latest) +
                                               ") : mettez Maillage à jour.");
        }
        if (!m || m->version <= current) return {};
        if (auto s = run(m->sql, "migration " + std::to_string(m->version) + " " + m->name); !s) {
          return s;
        }
        auto ins = exec_params(
            c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            {std::int64_t{m->version}, std::string(m->name), timestamp_now()});
        if (!ins) return tl::unexpected(ins.error());
        current = m->version;
        return {};
      }();
      if (!body) {
        (void)run("ROLLBACK", "annulation de migration");
        return body;
      }
      return run("COMMIT", "validation de migration");
    };
    if (auto s = step(nullptr); !s) return tl::unexpected(s.error());
    for (const auto& m : migrations(Backend::postgresql)) {
      if (m.version <= current) continue;
      if (auto s = step(&m); !s) return tl::unexpected(s.error());
    }
    return current;
  }

  Status backup(const std::string& file) override {
    std::string tool = find_pg_tool(options_.pg_bindir, "pg_dump");
    if (tool.empty()) {
      return fail(ErrorCode::unavailable, "pg_dump introuvable (paquet postgresql-client).");
    }
    auto conn = tool_connection(url_);
    if (!conn) return tl::unexpected(conn.error());
    std::string tmp = file + ".tmp";
    auto run = run_tool({tool, "--format=custom", "--no-owner", "--file=" + tmp,
                         "--dbname=" + conn->second},
                        conn->first, "");
    std::error_code ec;
    if (!run || run->exit_code != 0) {
      fs::remove(tmp, ec);
      if (!run) return tl::unexpected(run.error());
      return fail(ErrorCode::io_error, "pg_dump a échoué : " + run->errors);
    }
    fs::rename(tmp, file, ec);
    if (ec) {
      fs::remove(tmp, ec);
      return fail(ErrorCode::io_error,
                  "Impossible d'écrire la sauvegarde " + file + " : " + ec.message());
    }
    return {};
  }

  Status restore(const std::string& file) override {
    if (TxScope::active(this)) return nested_transaction_error();
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      return fail(ErrorCode::io_error, "Fichier de sauvegarde introuvable : " + file);
    }
    std::string tool = find_pg_tool(options_.pg_bindir, "pg_restore");
    if (tool.empty()) {
      return fail(ErrorCode::unavailable, "pg_restore introuvable (paquet postgresql-client).");
    }
    if (auto st = check_backup_file(tool, file); !st) return st;
    auto conn = tool_connection(url_);
    if (!conn) return tl::unexpected(conn.error());
    // One transaction: a failed restore leaves the database as it was.
    auto run = run_tool({tool, "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
                         "--no-owner", "--no-privileges", "--dbname=" + conn->second, file},
                        conn->first, "");
    if (!run) return tl::unexpected(run.error());
    if (run->exit_code != 0) return fail(ErrorCode::db_error, "pg_restore a échoué : " + run->errors);
    return {};
  }

 private:
  // Reads the schema version inside the dump without touching the database: the dump must be
  // ours and not newer than this program.
  Status check_backup_file(const std::string& tool, const std::string& file) {
    char out_path[] = "/tmp/maillage-pgcheck-XXXXXX";
    int fd = mkstemp(out_path);
    if (fd < 0) return fail(ErrorCode::io_error, "Fichier temporaire impossible.");
    close(fd);
    auto run = run_tool({tool, "--data-only", "--table=schema_migrations", "--file=" +
                             std::string(out_path), file},
                        {}, "");
    std::ifstream in(out_path);
    std::string line;
    bool in_copy = false, found_table = false;
    int version = 0;
    while (std::getline(in, line)) {
      if (line.starts_with("COPY ") && line.find("schema_migrations") != std::string::npos) {
        in_copy = found_table = true;
      } else if (in_copy && line == "\\.") {
        in_copy = false;
      } else if (in_copy) {
        version = std::max(version, std::atoi(line.c_str()));
      }
    }
    in.close();
    unlink(out_path);
    if (!run) return tl::unexpected(run.error());
    if (run->exit_code != 0) {
      return fail(ErrorCode::invalid_input,
                  "Le fichier n'est pas une sauvegarde PostgreSQL valide : " + file + " (" +
                      run->errors + ")",
                  "file");
    }
    if (!found_table) {
      return fail(ErrorCode::invalid_input,
                  "Le fichier n'est pas une sauvegarde Maillage (pas de schema_migrations) : " +
                      file,
                  "file");
    }
    int latest = latest_schema_version(Backend::postgresql);
    if (version > latest) {
      return fail(ErrorCode::db_error, "La sauvegarde est au schéma " + std::to_string(version) +
                                           ", plus récent que ce programme (" +
                                           std::to_string(latest) + ").");
    }
    return {};
  }

  std::string url_;
  DatabaseOptions options_;
  Pool readers_;
  Pool writers_;
};

}  // namespace

Result<std::unique_ptr<Database>> open_postgres(const std::string& url,
                                                const DatabaseOptions& options) {
  auto db = std::make_unique<PostgresDatabase>(url, options);
  // Fail at open, with a clear message, rather than at the first request.
  if (auto st = db->check(); !st) return tl::unexpected(st.error());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace maillage::store::detail
