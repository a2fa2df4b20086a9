// Roles and scopes. Every service call takes the acting Principal and checks the scope itself;
// handlers never decide access on their own.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace maillage::services {

enum class Role : std::uint8_t {
  admin,              // everything, including accounts
  observer,           // national observer: read-only national aggregates
  ars,                // ARS staff of one or more régions
  roc,                // CPAM referent of one or more départements
  charge_de_mission,  // regional chargé de mission (URPS, federation) of one or more régions
  coordinator,        // coordinator of one or more structures
  member,             // member of one or more structures
};

std::string_view role_id(Role role);     // "admin", "roc", ... (stable, stored in the database)
std::string_view role_label(Role role);  // French label for pages
std::optional<Role> role_from_id(std::string_view id);
std::vector<Role> all_roles();

// The acting user of a request, as loaded from the session.
struct Principal {
  std::int64_t user_id = 0;
  std::string login;
  std::string display_name;
  Role role = Role::member;
  std::vector<std::string> departements;  // scope of a ROC (INSEE codes, e.g. "57")
  std::vector<std::string> regions;       // scope of ARS / chargé de mission (e.g. "44")
  std::vector<std::int64_t> structures;   // scope of coordinators and members
};

// Which scope list a role uses; the other lists must be empty for that role.
enum class ScopeKind : std::uint8_t { none, departements, regions, structures };
ScopeKind scope_kind(Role role);

// The région of a département code ("57" -> "44"), empty when unknown. Services pass a lookup
// over the référentiel; tests pass a small table.
using RegionOfDepartement = std::function<std::string(std::string_view departement)>;

// Scope checks (read access). admin and observer cover everything; a ROC covers its
// départements; ARS and chargé de mission cover the départements of their régions; coordinators
// and members cover only their structures (never a whole département or région).
bool covers_departement(const Principal& p, std::string_view departement,
                        const RegionOfDepartement& region_of);
bool covers_region(const Principal& p, std::string_view region);
// A structure is covered through its id (coordinator, member) or its département (the others).
bool covers_structure(const Principal& p, std::int64_t structure_id,
                      std::string_view structure_departement, const RegionOfDepartement& region_of);

// Only admins manage accounts; the national observer never writes anything.
bool can_manage_accounts(const Principal& p);
bool is_read_only(const Principal& p);

// Well-formed scope codes: a département is "01".."95", "2A", "2B" or "971".."976"; a région
// is two digits ("44"). Format only: whether the code exists is the référentiel's business.
bool valid_departement_code(std::string_view code);
bool valid_region_code(std::string_view code);

// The scope lists must match the role: exactly the list of its kind, non-empty, well formed.
// invalid_input / missing_field naming the list (departements, regions, structures).
Status validate_scopes(Role role, const std::vector<std::string>& departements,
                       const std::vector<std::string>& regions,
                       const std::vector<std::int64_t>& structures);

}  // namespace maillage::services
