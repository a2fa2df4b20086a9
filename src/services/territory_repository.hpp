// The SQL of the territories: structures' identity and version, their communes
// (structure_communes), the history of territories, pending CSV imports, and the reads behind the
// coverage cache (fingerprint, every CPTS territory, structure counts). Rows are mapped by column
// name. Writes take the caller's transaction; the use cases (services/territory.cpp) keep
// validation, authorisation, transactions and audit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

struct TerritoryStructureRow {
  std::int64_t id = 0;
  std::string kind, name, departement, stage;
  std::int64_t version = 0;
};

/// One commune of one CPTS territory (the coverage snapshot).
struct CptsCommuneRow {
  std::int64_t id = 0;
  std::string name, departement, stage;
  std::int64_t version = 0;
  std::string commune;
};

struct StructureCountRow {
  std::string kind, stage, departement;
  std::int64_t count = 0;
};

struct PendingImportRow {
  std::int64_t user_id = 0;
  std::int64_t structure_id = 0;
  std::string communes;  // comma-separated INSEE codes
  std::string expires_at;
};

struct NewPendingImport {
  std::string token;
  std::int64_t user_id = 0;
  std::int64_t structure_id = 0;
  std::int64_t base_version = 0;
  std::string file_name;
  std::string communes;  // comma-separated INSEE codes
  std::string created_at, expires_at;
};

struct TerritoryHistoryRow {
  std::int64_t structure_id = 0;
  std::int64_t version = 0;
  std::string at, user_login, source;
  std::string communes;  // comma-separated INSEE codes
  std::int64_t commune_count = 0;
  std::int64_t population = 0;
};

class TerritoryRepository {
 public:
  explicit TerritoryRepository(store::Database& db) : db_(db) {}

  Result<std::optional<TerritoryStructureRow>> structure(std::int64_t id);
  /// INSEE codes of a structure's territory, sorted.
  Result<std::vector<std::string>> communes(std::int64_t structure_id);
  Result<std::optional<PendingImportRow>> pending_import(const std::string& token);
  /// Changes with every write that can change coverage (see Territories::snapshot).
  Result<std::string> fingerprint();
  /// Every commune of every CPTS territory, by structure id then commune.
  Result<std::vector<CptsCommuneRow>> cpts_communes();
  /// Structures counted by kind, stage and département.
  Result<std::vector<StructureCountRow>> structure_counts();

  // Inside the caller's transaction.
  static Result<std::optional<std::int64_t>> version(store::Tx& tx, std::int64_t structure_id);
  static Result<std::vector<std::string>> communes(store::Tx& tx, std::int64_t structure_id);
  /// Bumps the version if it is still `version`; the number of rows changed (0 or 1).
  static Result<std::int64_t> bump_version(store::Tx& tx, std::int64_t structure_id,
                                           std::int64_t version, const std::string& now);
  static Status replace_communes(store::Tx& tx, std::int64_t structure_id,
                                 const std::vector<std::string>& codes);
  static Status add_history(store::Tx& tx, const TerritoryHistoryRow& row);
  static Status delete_import(store::Tx& tx, const std::string& token);
  static Status delete_expired_imports(store::Tx& tx, const std::string& now);
  static Status add_import(store::Tx& tx, const NewPendingImport& row);

 private:
  store::Database& db_;
};

}  // namespace maillage::services
