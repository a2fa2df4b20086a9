// The SQL of the diagnostic service: the structures a diagnostic can be run on or meets, and a
// structure's territory. (The supply comes from the RPPS snapshots, rpps_repository.hpp.) Reads
// only, through the read pool; rows are mapped by column name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

struct DiagnosticStructureRow {
  std::int64_t id = 0;
  std::string kind;
  std::string name;
  std::string stage;
  std::string departement;
};

class DiagnosticRepository {
 public:
  explicit DiagnosticRepository(store::Database& db) : db_(db) {}

  /// Structures with at least one commune in their territory, by name then id.
  Result<std::vector<DiagnosticStructureRow>> structures_with_territory();
  Result<std::optional<DiagnosticStructureRow>> structure(std::int64_t id);
  /// The communes of a structure's territory, sorted.
  Result<std::vector<std::string>> territory(std::int64_t structure_id);
  /// Structures whose head office or territory is in these communes (queried in chunks; a
  /// structure may come more than once).
  Result<std::vector<DiagnosticStructureRow>> structures_meeting(
      const std::vector<std::string>& communes);

 private:
  store::Database& db_;
};

}  // namespace maillage::services
