#include "services/auth.hpp"

#include <algorithm>
#include <array>

namespace maillage::services {

namespace {

struct RoleInfo {
  Role role;
  std::string_view id;
  std::string_view label;
  ScopeKind scope;
};

// Same order as the enum; ids are stored in the database, so never change one.
constexpr std::array kRoles{
    RoleInfo{Role::admin, "admin", "Administrateur", ScopeKind::none},
    RoleInfo{Role::observer, "observer", "Observateur national", ScopeKind::none},
    RoleInfo{Role::ars, "ars", "ARS", ScopeKind::regions},
    RoleInfo{Role::roc, "roc", "Référent ROC (CPAM)", ScopeKind::departements},
    RoleInfo{Role::charge_de_mission, "charge_de_mission", "Chargé de mission", ScopeKind::regions},
    RoleInfo{Role::coordinator, "coordinator", "Coordinateur", ScopeKind::structures},
    RoleInfo{Role::member, "member", "Membre", ScopeKind::structures},
};

constexpr bool roles_in_order() {
  for (std::size_t i = 0; i < kRoles.size(); ++i) {
    if (static_cast<std::size_t>(kRoles[i].role) != i) return false;
  }
  return true;
}
static_assert(roles_in_order(), "kRoles must follow the Role enum order");

const RoleInfo& info(Role role) {
  auto i = static_cast<std::size_t>(role);
  return i < kRoles.size() ? kRoles[i] : kRoles.back();
}

template <class T>
bool contains(const std::vector<T>& v, const auto& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string_view role_id(Role role) { return info(role).id; }
std::string_view role_label(Role role) { return info(role).label; }
ScopeKind scope_kind(Role role) { return info(role).scope; }

std::optional<Role> role_from_id(std::string_view id) {
  for (const auto& r : kRoles) {
    if (r.id == id) return r.role;
  }
  return std::nullopt;
}

std::vector<Role> all_roles() {
  std::vector<Role> out;
  for (const auto& r : kRoles) out.push_back(r.role);
  return out;
}

bool covers_departement(const Principal& p, std::string_view departement,
                        const RegionOfDepartement& region_of) {
  switch (p.role) {
    case Role::admin:
    case Role::observer:
      return true;
    case Role::roc:
      return contains(p.departements, departement);
    case Role::ars:
    case Role::charge_de_mission: {
      if (!region_of) return false;
      std::string region = region_of(departement);
      return !region.empty() && contains(p.regions, region);
    }
    case Role::coordinator:
    case Role::member:
      return false;
  }
  return false;
}

bool covers_region(const Principal& p, std::string_view region) {
  switch (p.role) {
    case Role::admin:
    case Role::observer:
      return true;
    case Role::ars:
    case Role::charge_de_mission:
      return contains(p.regions, region);
    case Role::roc:  // a ROC sees its départements, not the rest of the région
    case Role::coordinator:
    case Role::member:
      return false;
  }
  return false;
}

bool covers_structure(const Principal& p, std::int64_t structure_id,
                      std::string_view structure_departement,
                      const RegionOfDepartement& region_of) {
  switch (p.role) {
    case Role::coordinator:
    case Role::member:
      return contains(p.structures, structure_id);
    default:
      return covers_departement(p, structure_departement, region_of);
  }
}

bool can_manage_accounts(const Principal& p) { return p.role == Role::admin; }
bool is_read_only(const Principal& p) { return p.role == Role::observer; }

bool valid_departement_code(std::string_view code) {
  if (code == "2A" || code == "2B") return true;
  if (code.size() == 2 && is_digit(code[0]) && is_digit(code[1])) {
    return code != "00" && code != "20" && code != "96" && code != "97" && code != "98" &&
           code != "99";
  }
  // Overseas départements: 971 Guadeloupe ... 976 Mayotte.
  return code.size() == 3 && code[0] == '9' && code[1] == '7' && code[2] >= '1' && code[2] <= '6';
}

bool valid_region_code(std::string_view code) {
  return code.size() == 2 && is_digit(code[0]) && is_digit(code[1]);
}

Status validate_scopes(Role role, const std::vector<std::string>& departements,
                       const std::vector<std::string>& regions,
                       const std::vector<std::int64_t>& structures) {
  ScopeKind kind = scope_kind(role);
  std::string role_name(role_label(role));
  auto refuse = [&](const char* field, const std::string& message) -> Status {
    return fail(ErrorCode::invalid_input, message, field);
  };
  if (kind != ScopeKind::departements && !departements.empty()) {
    return refuse("departements", "Le rôle " + role_name + " n'a pas de départements.");
  }
  if (kind != ScopeKind::regions && !regions.empty()) {
    return refuse("regions", "Le rôle " + role_name + " n'a pas de régions.");
  }
  if (kind != ScopeKind::structures && !structures.empty()) {
    return refuse("structures", "Le rôle " + role_name + " n'a pas de structures.");
  }
  switch (kind) {
    case ScopeKind::none:
      break;
    case ScopeKind::departements:
      if (departements.empty()) {
        return fail(ErrorCode::missing_field,
                    "Le rôle " + role_name + " demande au moins un département.", "departements");
      }
      for (const auto& d : departements) {
        if (!valid_departement_code(d))
          return refuse("departements", "Département invalide : " + d);
      }
      break;
    case ScopeKind::regions:
      if (regions.empty()) {
        return fail(ErrorCode::missing_field,
                    "Le rôle " + role_name + " demande au moins une région.", "regions");
      }
      for (const auto& r : regions) {
        if (!valid_region_code(r)) return refuse("regions", "Région invalide : " + r);
      }
      break;
    case ScopeKind::structures:
      if (structures.empty()) {
        return fail(ErrorCode::missing_field,
                    "Le rôle " + role_name + " demande au moins une structure.", "structures");
      }
      for (auto s : structures) {
        if (s <= 0) return refuse("structures", "Structure invalide : " + std::to_string(s));
      }
      break;
  }
  return {};
}

}  // namespace maillage::services
