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

}  // namespace maillage::http::schemas
