#include "association/money.hpp"

#include "common/french.hpp"

namespace maillage::association {

std::string format_euros(std::int64_t cents) {
  const bool negative = cents < 0;
  // Work on the magnitude in unsigned arithmetic so that INT64_MIN does not overflow.
  const auto magnitude = negative ? std::uint64_t{0} - static_cast<std::uint64_t>(cents)
                                  : static_cast<std::uint64_t>(cents);
  const auto euros = std::to_string(magnitude / 100);
  const auto rest = magnitude % 100;
  std::string out = negative ? "-" : "";
  out += fr::group_digits(euros, fr::kNarrowNoBreakSpace);
  out += ',';
  out += static_cast<char>('0' + rest / 10);
  out += static_cast<char>('0' + rest % 10);
  out += "\u00A0€";
  return out;
}

}  // namespace maillage::association
