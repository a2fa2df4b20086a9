// The store: one interface, two backends (SQLite by default, PostgreSQL from a connection string).
// SQL is written once with $1, $2, ... placeholders in the dialect common to both backends; the
// schema lives in numbered migrations per backend (src/store/migrations/{sqlite,postgres}/).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.hpp"

namespace maillage::store {

enum class Backend { sqlite, postgresql };

// A SQL value: NULL, integer, real or text (blobs are stored as text, e.g. base64 or JSON).
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using Params = std::vector<Value>;

struct Row {
  std::vector<Value> values;
  [[nodiscard]] bool is_null(std::size_t i) const;
  [[nodiscard]] std::int64_t integer(std::size_t i) const;  // 0 for NULL
  [[nodiscard]] double real(std::size_t i) const;           // 0 for NULL
  [[nodiscard]] std::string text(std::size_t i) const;      // "" for NULL
};

// One row read by column name: repositories map rows with these, so that a column added to a
// SELECT cannot shift the others. An unknown name is a bug in the repository and throws
// std::out_of_range naming the column (the router answers 500 and logs it).
class NamedRow {
 public:
  NamedRow(const std::vector<std::string>& columns, const Row& row)
      : columns_(&columns), row_(&row) {}
  [[nodiscard]] bool is_null(std::string_view column) const;
  [[nodiscard]] std::int64_t integer(std::string_view column) const;  // 0 for NULL
  [[nodiscard]] double real(std::string_view column) const;           // 0 for NULL
  [[nodiscard]] std::string text(std::string_view column) const;      // "" for NULL
  [[nodiscard]] bool boolean(std::string_view column) const { return integer(column) != 0; }

 private:
  [[nodiscard]] std::size_t index(std::string_view column) const;
  const std::vector<std::string>* columns_;
  const Row* row_;
};

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  [[nodiscard]] bool empty() const { return rows.empty(); }
  [[nodiscard]] std::size_t size() const { return rows.size(); }
  [[nodiscard]] NamedRow named(std::size_t i) const { return NamedRow(columns, rows.at(i)); }

  // for (store::NamedRow r : rows.each()) { r.text("name"); }
  class Iterator {
   public:
    Iterator(const Rows& rows, std::size_t i) : rows_(&rows), i_(i) {}
    NamedRow operator*() const { return rows_->named(i_); }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    const Rows* rows_;
    std::size_t i_;
  };
  struct Range {
    const Rows& rows;
    [[nodiscard]] Iterator begin() const { return {rows, 0}; }
    [[nodiscard]] Iterator end() const { return {rows, rows.rows.size()}; }
  };
  [[nodiscard]] Range each() const { return Range{*this}; }
};

// A transaction in progress. Only valid inside Database::transact, on the calling thread.
class Tx {
 public:
  virtual ~Tx() = default;
  // For the rare statement whose text differs between backends.
  [[nodiscard]] virtual Backend backend() const = 0;
  virtual Result<Rows> query(std::string_view sql, const Params& params = {}) = 0;
  // Returns the number of rows changed.
  virtual Result<std::int64_t> exec(std::string_view sql, const Params& params = {}) = 0;
};

// Who did what, for the audit log. Every write goes with one (see audit()).
struct AuditEntry {
  std::string user;       // login of the acting user, or "system"
  std::string action;     // e.g. "user.create", "session.login"
  std::string entity;     // e.g. "user"
  std::string entity_id;  // e.g. "42"
  std::string before;     // short summary (JSON) of the state before, empty for a creation
  std::string after;      // short summary (JSON) of the state after, empty for a deletion
  // The structure and département the row concerns, read by the audit log viewer (a ROC sees
  // their départements' rows). Left at 0/empty, store::audit finds them from the entity
  // (audit_scope.cpp); a caller that deletes the record in the same transaction gives them.
  std::int64_t structure_id = 0;
  std::string departement = {};
};

// Limits of one Database object (settings of the app; the defaults suit a small server).
struct DatabaseOptions {
  int read_connections = 8;    // SQLite: read-only connections; PostgreSQL: read pool size
  int write_connections = 4;   // PostgreSQL write pool size (SQLite has exactly one writer)
  int busy_timeout_ms = 5000;  // SQLite: wait for another process's write lock
  int max_retries = 10;   // PostgreSQL: attempts of a transaction on serialization failure/deadlock
  std::string pg_bindir;  // where pg_dump/pg_restore are; empty: newest /usr/lib/postgresql/*/bin
};

// Thread-safe: the HTTP server calls one Database from many threads. Write transactions are
// serialisable on both backends (SQLite: one writer; PostgreSQL: SERIALIZABLE, retried), and
// Database::query runs on read-only connections, so every write goes through transact().
// Errors: conflict (unique violation), invalid_input (foreign key, check, not null),
// unavailable (busy, connection lost), db_error (anything else), with the engine's detail.
class Database {
 public:
  virtual ~Database() = default;

  // "sqlite:PATH", a bare PATH (SQLite), or "postgresql://..." / "postgres://...".
  // Opening does not migrate: call migrate() (the server and `maillage migrate` do).
  static Result<std::unique_ptr<Database>> open(const std::string& url,
                                                DatabaseOptions options = {});

  [[nodiscard]] virtual Backend backend() const = 0;

  // Runs fn in one transaction and commits when it returns success, rolls back otherwise.
  // SQLite: BEGIN IMMEDIATE (one writer); PostgreSQL: retried on serialization failure/deadlock,
  // so fn may run more than once and must not have effects outside the transaction.
  // Transactions do not nest: calling transact from inside fn fails with ErrorCode::internal.
  virtual Status transact(const std::function<Status(Tx&)>& fn) = 0;

  // A read in its own short transaction.
  virtual Result<Rows> query(std::string_view sql, const Params& params = {}) = 0;

  // Applies pending migrations (each in a transaction) and returns the schema version.
  virtual Result<int> migrate() = 0;
  virtual Result<int> schema_version() = 0;

  // Online backup to FILE and restore from it (SQLite backup API; pg_dump/pg_restore).
  // backup writes FILE atomically (temporary file, then rename); restore replaces every table
  // with the content of FILE in one step and refuses a file from a newer schema.
  virtual Status backup(const std::string& file) = 0;
  virtual Status restore(const std::string& file) = 0;
};

// "$3, $4, $5": `count` numbered placeholders starting at `first`, for IN lists and multi-row
// INSERTs (the same text serves both backends).
std::string placeholders(std::size_t first, std::size_t count);

// Appends one row to the audit log inside the caller's transaction (time set by the store),
// with its structure and département (given, or found from the entity: audit_scope.cpp).
Status audit(Tx& tx, const AuditEntry& entry);

// The newest schema version this program knows for a backend (its highest migration number).
int latest_schema_version(Backend backend);

// Current UTC time as stored in every timestamp column: "2026-11-24T16:22:12.123Z". The format
// has a fixed width so that text order is time order on both backends.
std::string timestamp_now();
std::string format_timestamp(std::chrono::system_clock::time_point t);
// The inverse of format_timestamp; nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text);

}  // namespace maillage::store
