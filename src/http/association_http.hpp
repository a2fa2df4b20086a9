// Shared by the association routes (association_routes.cpp: statuts, members, dues; and
// association_ag_routes.cpp: assemblées générales, working groups, members' time): the JSON of
// the statuts, path parameters and error fields named as the API names them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "http/json_request.hpp"
#include "http/router.hpp"
#include "services/association.hpp"

namespace maillage::http {

nlohmann::json association_statuts_json(const services::StatutsView& v);
nlohmann::json association_choices_json(const std::vector<services::Choice>& list);
/// "gestion", "membre", "chiffres".
std::string association_access_id(services::AssociationAccess a);
/// A positive id from the path; not_found naming `what` otherwise.
Result<std::int64_t> association_id_param(const RequestContext& ctx, const char* name,
                                          const char* what);
/// The service's field names as the API's JSON path ("$.nom").
Error association_field_path(Error e);
JsonSchema association_json_boolean(std::string description);

}  // namespace maillage::http
