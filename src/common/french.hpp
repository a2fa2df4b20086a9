// Numbers as French readers expect them: thousands grouped ("125 000"), decimal comma. Pages use
// the narrow no-break space (U+202F) between groups; fixed-width text reports (CLI) pass a plain
// space so that columns line up byte for byte.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace maillage::fr {

inline constexpr std::string_view kNarrowNoBreakSpace = "\u202F";

/// 1046543 → "1 046 543" (separator U+202F unless given), -1200 → "-1 200".
[[nodiscard]] std::string integer(std::int64_t value,
                                  std::string_view thousands = kNarrowNoBreakSpace);

/// "1234567" → "1 234 567": groups a run of decimal digits.
[[nodiscard]] std::string group_digits(std::string_view digits, std::string_view thousands);

/// 33.3333 with 1 decimal → "33,3"; 1234.5 with 2 → "1 234,50"; rounds half away from zero;
/// "-0,0" never appears (a value that rounds to zero is written without sign).
[[nodiscard]] std::string decimal(double value, int decimals,
                                  std::string_view thousands = kNarrowNoBreakSpace);

/// 150 minutes → "2 h 30"; 45 → "0 h 45".
[[nodiscard]] std::string duration(std::int64_t minutes);

}  // namespace maillage::fr
