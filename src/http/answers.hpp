// Small pieces shared by the feature handlers: a JSON answer that is never cached, an Error whose
// field names its JSON path, and a stored timestamp written as a French day.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "http/message.hpp"

namespace maillage::geo {
class Referentiel;
}
namespace maillage::services {
struct Principal;
}

namespace maillage::http {

/// The body as JSON (invalid UTF-8 replaced), with Cache-Control: no-store.
[[nodiscard]] Response json_no_store(const nlohmann::json& body, int status = 200);
/// A service error about a body field ("communes") points at its JSON path ("$.communes"), as
/// the schema's own errors do.
[[nodiscard]] Error at_json_path(Error e);
/// "2026-12-06T20:24:01.874Z" (or "2026-12-06") -> "6 décembre 2026"; "" stays "", anything else
/// is returned as it is.
[[nodiscard]] std::string french_day(std::string_view timestamp);
/// "http://host:port" as the signed-in user reached the site (their request's Host, https when a
/// proxy says so), for links put in mails; empty when the Host header is missing or malformed.
[[nodiscard]] std::string request_origin(const Request& request);
/// A field of a submitted form ("" when absent; the first value when repeated).
[[nodiscard]] std::string form_value(const Params& form, std::string_view name);
/// Every value of a repeated form field (a <select multiple>, checkboxes), in order.
[[nodiscard]] std::vector<std::string> form_values(const Params& form, std::string_view name);
/// A positive integer id from a path or form; invalid_input naming `field` otherwise.
[[nodiscard]] Result<std::int64_t> parse_id(const std::string& text, const char* field);
/// Mustache sections treat "" as true; page data replaces empty strings with null so that
/// {{#field}}...{{/field}} shows only present values.
[[nodiscard]] nlohmann::json nullify_empty(nlohmann::json v);
/// A user's scope in words: "Département Moselle (57)", "Régions Grand Est (44), Normandie (28)",
/// "Structure n° 3", "France entière".
[[nodiscard]] std::string scope_description(const services::Principal& p,
                                            const geo::Referentiel& ref);

}  // namespace maillage::http
