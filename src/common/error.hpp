// One error type for the whole code base. Engines return Result<T>; services and handlers map the
// code to an HTTP status and a stable JSON body through the catalogue (error_catalogue.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace maillage {

// Stable codes: never renumber, never reuse. Add new codes at the end of their group and to the
// catalogue table in error_catalogue.cpp (a static_assert checks the table is complete).
enum class ErrorCode : std::uint16_t {
  // input
  invalid_input,      // a value is present but not acceptable
  missing_field,      // a required field is absent
  unknown_field,      // a field that the request does not accept
  wrong_type,         // a field has the wrong JSON type
  invalid_json,       // the body is not JSON at all
  body_too_large,     // the request body exceeds the configured limit
  parse_error,        // a file could not be parsed (file, line, field are set)
  // access
  unauthenticated,    // no valid session
  forbidden,          // authenticated, but outside the user's role or scope
  csrf_invalid,       // missing or wrong CSRF token
  rate_limited,       // too many attempts (login)
  bad_credentials,    // wrong login or password
  method_not_allowed, // the path exists, but not with this HTTP method
  // state
  not_found,          // the entity does not exist
  conflict,           // concurrent edit or uniqueness violation
  invalid_transition, // a state machine refused the transition
  // system
  io_error,           // a file or socket operation failed
  db_error,           // the database failed
  unavailable,        // a dependency is not available (retry later)
  internal,           // a bug: should never reach a user
  count_              // keep last: number of codes
};

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;  // human readable; French when it is meant for users
  std::string field;    // offending field (JSON path, column name, setting), if any
  std::string file;     // offending file, for importers
  std::int64_t line = 0;  // 1-based line in `file`, 0 when not applicable
  std::int64_t retry_after_s = 0;  // rate_limited: seconds until a new attempt may succeed

  // "file:line: field: message" with the empty parts left out.
  [[nodiscard]] std::string describe() const;
};

template <class T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string message, std::string field = {}) {
  return tl::unexpected(Error{code, std::move(message), std::move(field), {}, 0});
}

inline tl::unexpected<Error> fail_at(std::string file, std::int64_t line, std::string field,
                                     std::string message) {
  return tl::unexpected(
      Error{ErrorCode::parse_error, std::move(message), std::move(field), std::move(file), line});
}

}  // namespace maillage
