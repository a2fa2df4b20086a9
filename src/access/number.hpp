// Number parsing shared by the CSV readers and the option parsers: std::from_chars (no locale, no
// allocation), which is what keeps reading a 1.5-million-line OD file well under a second.
#pragma once

#include <optional>
#include <string_view>

namespace maillage::access {

/// Parses a finite decimal number ("12", "-3.5", "1e3", "+2"), the whole of `text` and nothing
/// else (no spaces). With `decimal_comma`, "12,5" is read as 12.5 (French spreadsheets writing
/// ';'-separated files). NaN and infinities are refused: every value of our inputs is finite.
[[nodiscard]] std::optional<double> parse_decimal(std::string_view text,
                                                  bool decimal_comma = false) noexcept;

/// parse_decimal() or a fraction "a/b" with b != 0 (band weights such as "2/3").
[[nodiscard]] std::optional<double> parse_number_or_fraction(std::string_view text) noexcept;

}  // namespace maillage::access
