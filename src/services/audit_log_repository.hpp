// The SQL of the audit log viewer: one parameterised SELECT over audit_log (with the structure's
// name), its filters built as AND clauses with numbered parameters. The use case
// (services/audit_log.cpp) keeps authorisation and validation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/audit_log.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

class AuditLogRepository {
 public:
  explicit AuditLogRepository(store::Database& db) : db_(&db) {}

  /// Rows matching `filter`, restricted to `departements` unless `all_departements`, newest
  /// first, at most `limit` rows.
  Result<std::vector<AuditRow>> select(const AuditFilter& filter, bool all_departements,
                                       const std::vector<std::string>& departements,
                                       std::size_t limit) const;
  /// Distinct entities and actions within the same restriction.
  Result<AuditChoices> choices(bool all_departements,
                               const std::vector<std::string>& departements) const;

 private:
  store::Database* db_;
};

}  // namespace maillage::services
