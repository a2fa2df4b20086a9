#include "common/french.hpp"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace maillage::fr {

std::string group_digits(std::string_view digits, std::string_view thousands) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3 * thousands.size());
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += thousands;
    out += digits[i];
  }
  return out;
}

std::string integer(std::int64_t value, std::string_view thousands) {
  // Through unsigned so that the most negative value has a magnitude too.
  const auto magnitude = value < 0 ? 0ULL - static_cast<unsigned long long>(value)
                                   : static_cast<unsigned long long>(value);
  const std::string grouped = group_digits(std::to_string(magnitude), thousands);
  return value < 0 ? "-" + grouped : grouped;
}

std::string decimal(double value, int decimals, std::string_view thousands) {
  if (decimals < 0) decimals = 0;
  if (decimals > 9) decimals = 9;
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(std::fabs(value) * scale);
  const bool negative = value < 0 && rounded > 0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", rounded);
  std::string digits = buf;
  if (digits.size() <= static_cast<std::size_t>(decimals)) {
    digits.insert(0, static_cast<std::size_t>(decimals) + 1 - digits.size(), '0');
  }
  const std::size_t int_len = digits.size() - static_cast<std::size_t>(decimals);
  std::string out = group_digits(std::string_view(digits).substr(0, int_len), thousands);
  if (decimals > 0) out += "," + digits.substr(int_len);
  return negative ? "-" + out : out;
}

std::string duration(std::int64_t minutes) {
  return fmt::format("{} h {:02}", minutes / 60, minutes % 60);
}

}  // namespace maillage::fr
