// The SQL of referent management: current assignments (referent_areas for the département, an
// EPCI or a commune; structure_referents for named structures), their history, and the accounts
// that may be assigned. Rows are mapped by column name; writes take the caller's transaction.
// The use cases (services/referents.cpp) keep validation, authorisation, transactions and audit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/referents.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

/// One stored assignment (area_kind "structure": code is the structure id, label its name).
struct ReferentRow {
  std::int64_t user_id = 0;
  std::string login, display_name, role;
  std::string departement, area_kind, code, label, fonction, since, created_by;
  std::string until, ended_by;  // history rows
};

class ReferentsRepository {
 public:
  explicit ReferentsRepository(store::Database& db) : db_(&db) {}

  Result<std::vector<ReferentRow>> current(const std::string& departement) const;
  Result<std::vector<ReferentRow>> history(const std::string& departement) const;
  /// Active accounts that may be assigned: admins, the ROC of the département, the ARS of its
  /// région.
  Result<std::vector<ReferentPerson>> people(const std::string& departement,
                                             const std::string& region) const;
  /// Structures of the département (id, name).
  Result<std::vector<ReferentChoice>> structures(const std::string& departement) const;

  static Result<std::optional<ReferentRow>> find(store::Tx& tx, std::int64_t user_id,
                                                 const std::string& area_kind,
                                                 const std::string& code);
  static Status insert(store::Tx& tx, const ReferentRow& row);
  /// Deletes the current assignment and writes it into the history.
  static Status end(store::Tx& tx, const ReferentRow& row, const std::string& until,
                    const std::string& ended_by);

 private:
  store::Database* db_;
};

}  // namespace maillage::services
