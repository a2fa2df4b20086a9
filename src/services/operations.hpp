// What the operations endpoints ask of the system (health check): kept as a service so that the
// HTTP layer never talks to the store.
#pragma once

#include "common/error.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

class Operations {
 public:
  explicit Operations(store::Database& db) : db_(db) {}
  /// The database's schema version; `unavailable` when the database does not answer.
  Result<int> schema_version();

 private:
  store::Database& db_;
};

}  // namespace maillage::services
