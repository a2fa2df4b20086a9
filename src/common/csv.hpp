// Writing CSV fields (RFC 4180). Every export of the code base quotes the same way: a field
// holding the file's separator (',' for machine files, ';' for the files French spreadsheets
// open), a double quote or a line break is quoted, quotes doubled; any other field is left bare.
#pragma once

#include <string>
#include <string_view>

namespace maillage::csv {

/// The field as it goes between separators.
[[nodiscard]] std::string field(std::string_view value, char separator = ',');

/// For text typed by people, in exports opened by spreadsheets: like field(), and a leading
/// = + - @ is neutralised with an apostrophe so that the cell is not read as a formula
/// (CSV injection).
[[nodiscard]] std::string text_field(std::string_view value, char separator = ',');

}  // namespace maillage::csv
