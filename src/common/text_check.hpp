// Checks for the text fields of imported files: a NUL byte or bytes that are not UTF-8 are refused
// by the importers, with the field named, rather than stored (a NUL cuts strings in C clients and
// PostgreSQL refuses it; Latin-1 bytes would show as garbage). UTF-8 is checked strictly
// (RFC 3629): no overlong forms, no encoded surrogates, nothing above U+10FFFF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace maillage {

enum class TextFault : std::uint8_t { none, nul_byte, invalid_utf8 };

struct TextCheck {
  TextFault fault = TextFault::none;
  std::size_t offset = 0;  ///< byte offset of the fault in the text
  explicit operator bool() const noexcept { return fault == TextFault::none; }
};

/// True when every byte is ASCII and none is NUL: the common case, checked 8 bytes at a time.
[[nodiscard]] inline bool is_ascii_without_nul(std::string_view s) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t v = 0;
    std::memcpy(&v, s.data() + i, 8);
    // A high bit set, or a zero byte ((v - 1s) & ~v has the high bit of each zero byte).
    if ((v & kHighs) != 0 || ((v - kOnes) & ~v & kHighs) != 0) return false;
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0 || c >= 0x80) return false;
  }
  return true;
}

/// The first NUL byte or invalid UTF-8 sequence of `s`.
[[nodiscard]] inline TextCheck check_text(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c == 0) return {TextFault::nul_byte, i};
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Lead byte: the sequence length and the range of the second byte (RFC 3629 table).
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return {TextFault::invalid_utf8, i};
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return {TextFault::invalid_utf8, i};
    for (std::size_t k = 2; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return {TextFault::invalid_utf8, i};
    }
    i += len;
  }
  return {};
}

}  // namespace maillage
