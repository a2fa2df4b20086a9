// Writing CSV fields (RFC 4180). Every export of the code base quotes the same way: a field
// holding the file's separator (',' for machine files, ';' for the files French spreadsheets
// open), a double quote or a line break is quoted, quotes doubled; any other field is left bare.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace maillage::csv {

/// The field as it goes between separators.
[[nodiscard]] std::string field(std::string_view value, char separator = ',');

/// For text typed by people, in exports opened by spreadsheets: like field(), and a leading
/// = + - @ is neutralised with an apostrophe so that the cell is not read as a formula
/// (CSV injection).
[[nodiscard]] std::string text_field(std::string_view value, char separator = ',');

/// The files French spreadsheets open directly are UTF-8 with this byte order mark at the start,
/// semicolon-separated, one `spreadsheet_row` per line.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
/// One line of such a file: text_field() of each value, ';' between them, CRLF at the end.
[[nodiscard]] std::string spreadsheet_row(const std::vector<std::string>& fields);

}  // namespace maillage::csv
