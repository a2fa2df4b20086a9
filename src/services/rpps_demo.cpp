// Demo data of the rpps area (see demo.hpp). Filled in with the area's work.
#include "services/demo.hpp"

namespace maillage::services {

Result<DemoLines> load_rpps_demo(store::Database& db, const geo::Referentiel& ref) {
  (void)db;
  (void)ref;
  return DemoLines{};
}

}  // namespace maillage::services
