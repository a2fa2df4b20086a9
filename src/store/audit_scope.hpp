// Which structure and département an audit row concerns, for the audit log viewer (a ROC reads
// the rows of their départements). Private to the store: store::audit calls it.
#pragma once

#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "store/database.hpp"

namespace maillage::store::detail {

struct AuditScope {
  std::int64_t structure_id = 0;  // 0: none
  std::string departement;        // empty: none
};

/// The scope of `entry`: what the caller gave, else found from its entity in the transaction
/// (the record's structure, then that structure's département). Entities outside any structure
/// (users, sessions, RPPS snapshots) have none, except a sector plan, which has a département.
Result<AuditScope> audit_scope(Tx& tx, const AuditEntry& entry);

}  // namespace maillage::store::detail
