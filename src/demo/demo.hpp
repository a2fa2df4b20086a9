// Fictitious demo data of each area, loaded by `maillage demo load` after the demo accounts, in
// the order below (later areas use the structures and territories of the registry demo). Each
// loader is idempotent (a second run changes nothing) and returns the lines (French) that
// `demo load` prints to say what it loaded. Everything it creates is labelled fictitious.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "geo/referentiel.hpp"
#include "services/accounts.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::demo {

using DemoLines = std::vector<std::string>;

// Demo accounts (one per role, scoped to Moselle / Grand Est where a scope applies); idempotent.
// Returns the list of (login, password) pairs so `make run` can print how to log in.
// The coordinator and the member are scoped to a fictitious demo CPTS in Moselle, created here
// when missing.
Result<std::vector<std::pair<std::string, std::string>>> load_demo_accounts(store::Database& db);
/// The same with the caller's password hashing cost (tests lower it).
Result<std::vector<std::pair<std::string, std::string>>> load_demo_accounts(
    store::Database& db, const services::AccountSettings& settings);

Result<DemoLines> load_registry_demo(store::Database& db,
                                     const geo::Referentiel& ref);  // registry_demo.cpp
Result<DemoLines> load_rpps_demo(store::Database& db,
                                 const geo::Referentiel& ref);                      // rpps_demo.cpp
Result<DemoLines> load_aci_demo(store::Database& db, const geo::Referentiel& ref);  // aci_demo.cpp
Result<DemoLines> load_roster_demo(store::Database& db,
                                   const geo::Referentiel& ref);  // roster_demo.cpp
/// Moselle in two computed sectors with their referents (after the accounts and the registry).
Result<DemoLines> load_sectors_demo(store::Database& db,
                                    const geo::Referentiel& ref);  // sectors_demo.cpp
/// The demo CPTS's statuts and 120 fictitious members (after the accounts and the registry).
Result<DemoLines> load_association_demo(store::Database& db,
                                        const geo::Referentiel& ref);  // association_demo.cpp
/// Its working groups with their meetings, the hourly rates of the year and a year of members'
/// time, one member near the yearly cap (after load_association_demo).
Result<DemoLines> load_association_work_demo(
    store::Database& db, const geo::Referentiel& ref);  // association_work_demo.cpp
/// One past ordinary AG, closed with its results: convocation letters, attendance, paper
/// proxies, four resolutions (one by secret ballot, one a change of the statuts) voted with the
/// collège weights (after load_association_demo: it needs the members and their dues).
Result<DemoLines> load_association_ag_demo(store::Database& db,
                                           const geo::Referentiel& ref);  // association_ag_demo.cpp
/// Fictitious partners around the demo CPTS, its action plan and the Moselle's, one past training
/// day with attendance and one coming information meeting with a waiting list.
Result<DemoLines> load_animation_demo(store::Database& db,
                                      const geo::Referentiel& ref);  // animation_demo.cpp
/// One closed survey of the demo CPTS's members about unscheduled care, with its answers
/// (after load_association_demo: it needs the members).
Result<DemoLines> load_enquetes_demo(store::Database& db,
                                     const geo::Referentiel& ref);  // enquetes_demo.cpp
/// One crisis of the demo CPTS (a flu vaccination campaign): survey sent and answered, planning
/// built from the answers and solved, a gap left (after load_enquetes_demo).
Result<DemoLines> load_crise_demo(store::Database& db,
                                  const geo::Referentiel& ref);  // crise_demo.cpp

}  // namespace maillage::demo
