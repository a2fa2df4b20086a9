// Roles and scopes. Every service call takes the acting Principal and checks the scope itself;
// handlers never decide access on their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

std::string_view role_id(Role role);       // "admin", "roc", ... (stable, stored in the database)
std::string_view role_label(Role role);    // French label for pages
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

}  // namespace maillage::services
