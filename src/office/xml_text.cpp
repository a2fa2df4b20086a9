#include "office/xml_text.hpp"

namespace maillage::office::detail {

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

void append_escaped(std::string& out, std::string_view in) {
  out.reserve(out.size() + in.size());
  for_each_code_point(in, [&](char32_t c) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;  // needed only after "]]", escaped always for simplicity
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (is_xml_char(c)) append_utf8(out, c);
    }
  });
}

std::string escaped(std::string_view in) {
  std::string out;
  append_escaped(out, in);
  return out;
}

std::string clean_text(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for_each_code_point(in, [&](char32_t c) {
    if (is_xml_char(c)) append_utf8(out, c);
  });
  return out;
}

std::size_t code_points(std::string_view utf8) {
  std::size_t n = 0;
  for (const char ch : utf8) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string_view first_code_points(std::string_view utf8, std::size_t n) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80) {
      if (seen == n) return utf8.substr(0, i);
      ++seen;
    }
  }
  return utf8;
}

}  // namespace maillage::office::detail
