// Small pieces shared by the feature handlers: a JSON answer that is never cached, an Error whose
// field names its JSON path, and a stored timestamp written as a French day.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "http/message.hpp"

namespace maillage::http {

/// The body as JSON (invalid UTF-8 replaced), with Cache-Control: no-store.
[[nodiscard]] Response json_no_store(const nlohmann::json& body, int status = 200);
/// A service error about a body field ("communes") points at its JSON path ("$.communes"), as
/// the schema's own errors do.
[[nodiscard]] Error at_json_path(Error e);
/// "2026-12-06T20:24:01.874Z" (or "2026-12-06") -> "6 décembre 2026"; "" stays "", anything else
/// is returned as it is.
[[nodiscard]] std::string french_day(std::string_view timestamp);
/// A field of a submitted form ("" when absent; the first value when repeated).
[[nodiscard]] std::string form_value(const Params& form, std::string_view name);

}  // namespace maillage::http
