// JSON schemas of the request bodies the API reads (one place, shared by the handlers, the route
// table and the OpenAPI document).
#pragma once

#include <memory>

#include "http/json_request.hpp"

namespace maillage::http::schemas {

/// POST /api/v1/session: {"identifiant", "mot_de_passe"}.
std::shared_ptr<const JsonSchema> login();
/// POST /api/v1/users: {"identifiant", "nom", "mot_de_passe", "role", "departements",
/// "regions", "structures"}.
std::shared_ptr<const JsonSchema> new_user();
/// PATCH /api/v1/me: {"mot_de_passe_actuel", "nouveau_mot_de_passe"?, "identifiant"?}.
std::shared_ptr<const JsonSchema> own_account_change();
/// PATCH /api/v1/users/{id}: {"version", "mot_de_passe_actuel" (the admin's), "nom"?, "role"?,
/// "actif"?, "departements"?, "regions"?, "structures"?}.
std::shared_ptr<const JsonSchema> user_change();

}  // namespace maillage::http::schemas
