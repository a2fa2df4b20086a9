// The error catalogue: for each ErrorCode its stable string id (the "code" of JSON bodies), the
// HTTP status, and the default French message shown to users when the error carries none.
#pragma once

#include <string_view>

#include "common/error.hpp"

namespace maillage {

struct ErrorInfo {
  ErrorCode code;
  std::string_view id;       // e.g. "missing_field"; stable, part of the API
  int http_status;           // e.g. 400
  std::string_view message;  // default French message
};

[[nodiscard]] const ErrorInfo& error_info(ErrorCode code);
// Looks a code up by its string id; nullptr when unknown.
[[nodiscard]] const ErrorInfo* error_info_by_id(std::string_view id);

}  // namespace maillage
