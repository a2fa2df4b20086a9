// The SQL of the ROC sectors: the inputs of a département's workload (structures with their
// stage and territory, professionals per commune of the latest RPPS snapshot, the accounts that
// may be referents) and the versioned sector plans. Rows are mapped by column name; writes take
// the caller's transaction. The use cases (services/sectors.cpp) keep validation,
// authorisation, transactions and audit.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

struct SectorStructureRow {
  std::int64_t id = 0;
  std::string kind, name, stage, commune;  // commune: head office, '' when unknown
  std::vector<std::string> territory;      // INSEE codes (CPTS territories)
};

struct SectorPersonRow {
  std::int64_t user_id = 0;
  std::string login, display_name, role;
};

struct SectorPlanRow {
  std::int64_t id = 0;
  std::string departement;
  std::int64_t version = 0;
  int k = 0;
  double weight_population = 0, weight_structures = 0, weight_professionals = 0;
  double tolerance = 0;
  int cut_edges = 0;
  std::optional<int> lower_bound;
  std::string note, created_by, created_at;
};

struct SectorRow {
  int sector = 0;
  std::string label;
  std::optional<SectorPersonRow> referent, deputy;
};

struct NewSectorPlan {
  SectorPlanRow plan;                   // id ignored
  std::vector<SectorRow> sectors;       // referent/deputy: user_id only is read
  std::map<std::string, int> communes;  // INSEE code -> sector
};

class SectorsRepository {
 public:
  explicit SectorsRepository(store::Database& db) : db_(&db) {}

  /// Structures of a département with their territories (every kind; the service weighs them).
  Result<std::vector<SectorStructureRow>> structures(const std::string& departement) const;
  /// Ambulatory professionals (persons) per commune in the latest RPPS snapshot; empty map when
  /// no snapshot was imported. `prefix` filters codes (the département code).
  Result<std::map<std::string, std::int64_t>> professionals(const std::string& prefix) const;
  /// Active accounts that may follow a sector of the département: its ROC, and admins.
  Result<std::vector<SectorPersonRow>> candidates(const std::string& departement) const;
  /// The plan in force (highest version) of a département, or a given version.
  Result<std::optional<SectorPlanRow>> plan(const std::string& departement,
                                            std::optional<std::int64_t> version) const;
  Result<std::vector<SectorPlanRow>> plans(const std::string& departement) const;
  Result<std::vector<SectorRow>> sectors(std::int64_t plan_id) const;
  Result<std::map<std::string, int>> communes(std::int64_t plan_id) const;

  static Result<std::optional<std::int64_t>> current_version(store::Tx& tx,
                                                             const std::string& departement);
  static Result<std::int64_t> insert_plan(store::Tx& tx, const NewSectorPlan& plan);

 private:
  store::Database* db_;
};

}  // namespace maillage::services
