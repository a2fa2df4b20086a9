// Shared by association_work.cpp (working groups, meetings) and association_time.cpp (time and
// indemnities): small checks, the members of a structure by id, and display helpers.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "services/association.hpp"
#include "services/association_repository.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services::work {

std::string trim(const std::string& s);
/// "HH:MM", 00:00 to 23:59.
bool valid_time(const std::string& t);
/// The French label of an ACI mission id ("" for none).
std::string mission_label(const std::string& id);
tl::unexpected<Error> managers_only(const std::string& what);
/// Every member of the structure by id.
Result<std::map<std::int64_t, MemberRow>> members_by_id(store::Database& db,
                                                        std::int64_t structure_id);
/// "DURAND Marie", or "membre n° 12" when unknown.
std::string member_name(const std::map<std::int64_t, MemberRow>& members, std::int64_t id);
/// Members not radiated as choices ("DURAND Marie — Infirmier"), by name; `persons` only.
std::vector<Choice> candidates(const std::map<std::int64_t, MemberRow>& members, bool persons);

}  // namespace maillage::services::work
