// Internal: text helpers shared by the XLSX and ODT writers (not part of the public API).
#pragma once

#include <string>
#include <string_view>

namespace maillage::office::detail {

/// Makes `in` safe as XML 1.0 character data or attribute value: `<&>"'` become entities, tab,
/// line feed and carriage return become character references (attribute-value normalisation
/// would otherwise turn them into spaces), characters XML 1.0 forbids (other C0 controls, U+FFFE,
/// U+FFFF) are dropped, and invalid UTF-8 (including encoded surrogates) becomes U+FFFD.
void append_escaped(std::string& out, std::string_view in);
std::string escaped(std::string_view in);

/// Text with the forbidden characters dropped and invalid UTF-8 replaced, not escaped: the
/// "visible" text, used to measure widths and sanitise names.
std::string clean_text(std::string_view in);

/// Number of Unicode code points of valid UTF-8 text.
std::size_t code_points(std::string_view utf8);

/// First `n` code points of valid UTF-8 text.
std::string_view first_code_points(std::string_view utf8, std::size_t n);

/// Calls `f(code_point)` for each character of `in`, with invalid UTF-8 bytes as U+FFFD.
template <class F>
void for_each_code_point(std::string_view in, F&& f) {
  std::size_t i = 0;
  while (i < in.size()) {
    const auto b0 = static_cast<unsigned char>(in[i]);
    char32_t cp = 0xFFFD;
    std::size_t len = 1;
    if (b0 < 0x80) {
      cp = b0;
    } else {
      std::size_t need = 0;
      char32_t min = 0;
      if ((b0 & 0xE0) == 0xC0) {
        need = 1, cp = b0 & 0x1F, min = 0x80;
      } else if ((b0 & 0xF0) == 0xE0) {
        need = 2, cp = b0 & 0x0F, min = 0x800;
      } else if ((b0 & 0xF8) == 0xF0) {
        need = 3, cp = b0 & 0x07, min = 0x10000;
      }
      bool ok = need > 0 && i + need < in.size();
      for (std::size_t k = 1; ok && k <= need; ++k) {
        const auto b = static_cast<unsigned char>(in[i + k]);
        if ((b & 0xC0) != 0x80) {
          ok = false;
        } else {
          cp = (cp << 6) | (b & 0x3F);
        }
      }
      // Overlong forms, encoded surrogates and values beyond U+10FFFF are invalid UTF-8: one
      // replacement character for the lead byte, then decoding resumes at the next byte.
      if (ok && cp >= min && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF)) {
        len = need + 1;
      } else {
        cp = 0xFFFD;
      }
    }
    f(cp);
    i += len;
  }
}

/// XML 1.0 production Char.
constexpr bool is_xml_char(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/// Appends the UTF-8 encoding of `c`.
void append_utf8(std::string& out, char32_t c);

}  // namespace maillage::office::detail
