#include "geo/text.hpp"

#include <array>
#include <cstdint>

namespace maillage::geo {
namespace {

// ASCII replacement of U+00C0..U+017F (Latin-1 letters and Latin Extended-A), lower case.
// " " marks the two Latin-1 symbols of that range (× and ÷) that are not letters.
// clang-format off
constexpr std::array<std::string_view, 0x180 - 0xC0> kLatin = {
    // U+00C0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00D0
    "d", "n", "o", "o", "o", "o", "o", " ", "o", "u", "u", "u", "u", "y", "th", "ss",
    // U+00E0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00F0
    "d", "n", "o", "o", "o", "o", "o", " ", "o", "u", "u", "u", "u", "y", "th", "y",
    // U+0100
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
    // U+0110
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    // U+0120
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
    // U+0130
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
    // U+0140
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    // U+0150
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
    // U+0160
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
    // U+0170
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};
// clang-format on

// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i. Returns -1 (and
// advances one byte) on an invalid or truncated sequence.
std::int32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  std::int32_t cp = 0;
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    ++i;
    return -1;
  }
  if (i + len > s.size()) {
    ++i;
    return -1;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return -1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

bool is_space_like(std::int32_t cp) {
  // Latin-1 punctuation (no-break space, «», °, ...), general punctuation (’, ‐, –, —, …).
  return (cp >= 0x80 && cp < 0xC0) || (cp >= 0x2000 && cp <= 0x206F);
}

}  // namespace

std::string fold_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool pending_space = false;
  auto put = [&](std::string_view piece) {
    if (piece == " ") {
      pending_space = !out.empty();
      return;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.append(piece);
  };
  std::size_t i = 0;
  while (i < name.size()) {
    const std::size_t start = i;
    const std::int32_t cp = next_code_point(name, i);
    if (cp < 0) continue;
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z') {
        const char lower = static_cast<char>(c - 'A' + 'a');
        put(std::string_view(&lower, 1));
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        put(std::string_view(&c, 1));
      } else {
        put(" ");
      }
    } else if (cp >= 0xC0 && cp < 0x180) {
      put(kLatin[static_cast<std::size_t>(cp - 0xC0)]);
    } else if (is_space_like(cp)) {
      put(" ");
    } else {
      put(name.substr(start, i - start));
    }
  }
  return out;
}

}  // namespace maillage::geo
