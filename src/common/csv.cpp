#include "common/csv.hpp"

namespace maillage::csv {

std::string field(std::string_view value, char separator) {
  const char special[] = {separator, '"', '\r', '\n', '\0'};
  if (value.find_first_of(special) == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string text_field(std::string_view value, char separator) {
  if (!value.empty() &&
      (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@')) {
    return field("'" + std::string(value), separator);
  }
  return field(value, separator);
}

std::string spreadsheet_row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ';';
    out += text_field(fields[i], ';');
  }
  return out + "\r\n";
}

}  // namespace maillage::csv
