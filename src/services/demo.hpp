// Fictitious demo data of each area, loaded by `maillage demo load` after the demo accounts, in
// the order below (later areas use the structures and territories of the registry demo). Each
// loader is idempotent (a second run changes nothing) and returns the lines (French) that
// `demo load` prints to say what it loaded. Everything it creates is labelled fictitious.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "geo/referentiel.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

using DemoLines = std::vector<std::string>;

Result<DemoLines> load_registry_demo(store::Database& db, const geo::Referentiel& ref);  // registry_demo.cpp
Result<DemoLines> load_rpps_demo(store::Database& db, const geo::Referentiel& ref);      // rpps_demo.cpp
Result<DemoLines> load_aci_demo(store::Database& db, const geo::Referentiel& ref);       // aci_demo.cpp
Result<DemoLines> load_roster_demo(store::Database& db, const geo::Referentiel& ref);    // roster_demo.cpp

}  // namespace maillage::services
