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

}  // namespace maillage::csv
