#include "services/operations.hpp"

#include "store/database.hpp"

namespace maillage::services {

Result<int> Operations::schema_version() { return db_.schema_version(); }

}  // namespace maillage::services
