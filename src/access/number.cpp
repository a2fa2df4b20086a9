#include "access/number.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace maillage::access {

std::optional<double> parse_decimal(std::string_view text, bool decimal_comma) noexcept {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    // "+-1" and "++1" are not numbers; from_chars would accept the second sign.
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) return std::nullopt;
  }
  if (text.empty()) return std::nullopt;
  std::array<char, 64> buffer{};
  if (decimal_comma && text.find(',') != std::string_view::npos) {
    if (text.size() > buffer.size()) return std::nullopt;
    for (std::size_t i = 0; i < text.size(); ++i) buffer[i] = text[i] == ',' ? '.' : text[i];
    text = std::string_view(buffer.data(), text.size());
  }
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<double> parse_number_or_fraction(std::string_view text) noexcept {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return parse_decimal(text);
  const auto num = parse_decimal(text.substr(0, slash));
  const auto den = parse_decimal(text.substr(slash + 1));
  if (!num || !den || *den == 0) return std::nullopt;
  const double value = *num / *den;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace maillage::access
