#include "store/backends.hpp"

namespace maillage::store::detail {

Result<std::unique_ptr<Database>> open_postgres(const std::string& url,
                                                const DatabaseOptions& options) {
  (void)url;
  (void)options;
  // Not implemented yet in this commit: the libpq backend follows.
  return fail(ErrorCode::unavailable, "Le moteur PostgreSQL n'est pas encore disponible.",
              "database");
}

}  // namespace maillage::store::detail
