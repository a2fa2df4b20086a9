#include "common/french.hpp"

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

}  // namespace maillage::fr
