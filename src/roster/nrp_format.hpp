// Text formats of the Curtois & Qu shift-scheduling benchmark ("NRP" instances, see
// shared/bench/nrp/README.md) and of the roster files we write for them. No I/O: callers pass the
// text and the file name used in error messages.
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"
#include "roster/model.hpp"

namespace maillage::roster {

/// Parses an instance. Errors carry the file name, the 1-based line and the field
/// (e.g. "SECTION_STAFF: MaxTotalMinutes") with a French message. Shifts longer than a day,
/// requests for unknown people or shifts, negative weights, duplicate ids and days outside the
/// horizon are refused. Fields are limited (horizon <= 3660 days, weights <= 1 000 000, ...) so
/// that objectives fit comfortably in 64 bits.
[[nodiscard]] Result<Model> parse_nrp(std::string_view text, std::string_view file_name);

/// Roster file: one line per staff member in model order, "ID,s0,s1,...", an empty field being a
/// day off (e.g. "A,D,D,,N,,,D").
[[nodiscard]] std::string format_roster(const Model& model, const Roster& roster);

/// Reads a roster file written by format_roster (lines may come in any order; blank lines and
/// '#' comments are skipped). Every staff member must appear exactly once with one field per day.
[[nodiscard]] Result<Roster> parse_roster(const Model& model, std::string_view text,
                                          std::string_view file_name);

}  // namespace maillage::roster
