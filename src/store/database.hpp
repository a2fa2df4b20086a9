// The store: one interface, two backends (SQLite by default, PostgreSQL from a connection string).
// SQL is written once with $1, $2, ... placeholders in the dialect common to both backends; the
// schema lives in numbered migrations per backend (src/store/migrations/{sqlite,postgres}/).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  [[nodiscard]] bool empty() const { return rows.empty(); }
};

// A transaction in progress. Only valid inside Database::transact.
class Tx {
 public:
  virtual ~Tx() = default;
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
};

class Database {
 public:
  virtual ~Database() = default;

  // "sqlite:PATH", a bare PATH (SQLite), or "postgresql://..." / "postgres://...".
  static Result<std::unique_ptr<Database>> open(const std::string& url);

  [[nodiscard]] virtual Backend backend() const = 0;

  // Runs fn in one transaction and commits when it returns success, rolls back otherwise.
  // SQLite: BEGIN IMMEDIATE (one writer); PostgreSQL: retried on serialization failure/deadlock.
  virtual Status transact(const std::function<Status(Tx&)>& fn) = 0;

  // A read in its own short transaction.
  virtual Result<Rows> query(std::string_view sql, const Params& params = {}) = 0;

  // Applies pending migrations (each in a transaction) and returns the schema version.
  virtual Result<int> migrate() = 0;
  virtual Result<int> schema_version() = 0;

  // Online backup to FILE and restore from it (SQLite backup API; pg_dump/pg_restore).
  virtual Status backup(const std::string& file) = 0;
  virtual Status restore(const std::string& file) = 0;
};

// Appends one row to the audit log inside the caller's transaction (time set by the store).
Status audit(Tx& tx, const AuditEntry& entry);

}  // namespace maillage::store
