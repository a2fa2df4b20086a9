#include "office/xml_check.hpp"

#include <algorithm>
#include <map>

namespace maillage::office::test {

const std::string* XmlElement::attribute(std::string_view n) const {
  for (const auto& [k, v] : attributes) {
    if (k == n) return &v;
  }
  return nullptr;
}

const XmlElement* XmlElement::child(std::string_view n) const {
  for (const auto& c : children) {
    if (c.name == n) return &c;
  }
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::find_all(std::string_view n) const {
  std::vector<const XmlElement*> out;
  for (const auto& c : children) {
    if (c.name == n) out.push_back(&c);
    auto sub = c.find_all(n);
    out.insert(out.end(), sub.begin(), sub.end());
  }
  return out;
}

std::string XmlElement::all_text() const {
  // Character data and children interleave; the DOM keeps them apart, so this is the text
  // followed by the children's text. Good enough for the tests, which look at leaf elements.
  std::string out = text;
  for (const auto& c : children) out += c.all_text();
  return out;
}

namespace {

bool legal_char(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

void put_utf8(std::string& out, char32_t c) {
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

class Parser {
 public:
  explicit Parser(std::string_view doc) : s_(doc) {}

  tl::expected<XmlElement, std::string> run() {
    if (!check_encoding()) return tl::unexpected(error_);
    if (s_.substr(0, 5) == "<?xml") {
      const auto end = s_.find("?>");
      if (end == std::string_view::npos) return err("unterminated XML declaration");
      const auto decl = s_.substr(0, end);
      if (decl.find("version=\"1.0\"") == std::string_view::npos) return err("version not 1.0");
      pos_ = end + 2;
    }
    if (!misc()) return tl::unexpected(error_);
    if (pos_ >= s_.size() || s_[pos_] != '<') return err("no root element");
    std::vector<std::map<std::string, std::string>> scopes;
    scopes.push_back({{"xml", "http://www.w3.org/XML/1998/namespace"}});
    XmlElement root;
    if (!element(root, scopes)) return tl::unexpected(error_);
    if (!misc()) return tl::unexpected(error_);
    if (pos_ != s_.size()) return err("content after the root element");
    return root;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  std::string error_;

  tl::unexpected<std::string> err(const std::string& what) {
    error_ = what + " at byte " + std::to_string(pos_);
    return tl::unexpected(error_);
  }
  bool fail(const std::string& what) {
    error_ = what + " at byte " + std::to_string(pos_);
    return false;
  }

  // Strict UTF-8 and XML Char check over the whole document.
  bool check_encoding() {
    std::size_t i = 0;
    while (i < s_.size()) {
      const auto b0 = static_cast<unsigned char>(s_[i]);
      std::size_t need = 0;
      char32_t cp = 0;
      char32_t min = 0;
      if (b0 < 0x80) {
        cp = b0;
      } else if ((b0 & 0xE0) == 0xC0) {
        need = 1, cp = b0 & 0x1F, min = 0x80;
      } else if ((b0 & 0xF0) == 0xE0) {
        need = 2, cp = b0 & 0x0F, min = 0x800;
      } else if ((b0 & 0xF8) == 0xF0) {
        need = 3, cp = b0 & 0x07, min = 0x10000;
      } else {
        pos_ = i;
        return fail("invalid UTF-8 lead byte");
      }
      if (need > 0 && i + need >= s_.size()) {
        pos_ = i;
        return fail("truncated UTF-8 sequence");
      }
      for (std::size_t k = 1; k <= need; ++k) {
        const auto b = static_cast<unsigned char>(s_[i + k]);
        if ((b & 0xC0) != 0x80) {
          pos_ = i;
          return fail("invalid UTF-8 continuation byte");
        }
        cp = (cp << 6) | (b & 0x3F);
      }
      if (need > 0 && (cp < min || cp > 0x10FFFF)) {
        pos_ = i;
        return fail("overlong or out-of-range UTF-8");
      }
      if (!legal_char(cp)) {
        pos_ = i;
        return fail("character not allowed in XML 1.0");
      }
      i += need + 1;
    }
    return true;
  }

  static bool name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (static_cast<unsigned char>(c) >= 0x80);
  }
  static bool name_char(char c) {
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
  }
  static bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  void skip_space() {
    while (pos_ < s_.size() && space(s_[pos_])) ++pos_;
  }

  bool name(std::string& out) {
    if (pos_ >= s_.size() || !name_start(s_[pos_])) return fail("expected a name");
    const std::size_t start = pos_;
    while (pos_ < s_.size() && name_char(s_[pos_])) ++pos_;
    out = std::string(s_.substr(start, pos_ - start));
    // At most one colon, not first or last (Namespaces in XML QName).
    const auto colon = out.find(':');
    if (colon != std::string::npos &&
        (colon == 0 || colon + 1 == out.size() || out.find(':', colon + 1) != std::string::npos)) {
      return fail("malformed qualified name " + out);
    }
    return true;
  }

  bool starts(std::string_view what) const { return s_.substr(pos_, what.size()) == what; }

  bool comment() {
    pos_ += 4;
    const auto end = s_.find("--", pos_);
    if (end == std::string_view::npos || s_.substr(end, 3) != "-->") {
      return fail("malformed comment");
    }
    pos_ = end + 3;
    return true;
  }

  bool pi() {
    pos_ += 2;
    std::string target;
    if (!name(target)) return false;
    std::string lower = target;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower == "xml") return fail("XML declaration not at the start");
    const auto end = s_.find("?>", pos_);
    if (end == std::string_view::npos) return fail("unterminated processing instruction");
    pos_ = end + 2;
    return true;
  }

  bool misc() {
    for (;;) {
      skip_space();
      if (starts("<!--")) {
        if (!comment()) return false;
      } else if (starts("<?")) {
        if (!pi()) return false;
      } else if (starts("<!")) {
        return fail("DOCTYPE or declaration not allowed");
      } else {
        return true;
      }
    }
  }

  // After '&': appends the decoded reference.
  bool reference(std::string& out) {
    const auto end = s_.find(';', pos_);
    if (end == std::string_view::npos || end - pos_ > 12) return fail("unterminated reference");
    const auto ref = s_.substr(pos_ + 1, end - pos_ - 1);
    if (ref == "lt") {
      out += '<';
    } else if (ref == "gt") {
      out += '>';
    } else if (ref == "amp") {
      out += '&';
    } else if (ref == "quot") {
      out += '"';
    } else if (ref == "apos") {
      out += '\'';
    } else if (ref.size() >= 2 && ref[0] == '#') {
      const bool hex = ref[1] == 'x';
      const auto digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) return fail("empty character reference");
      char32_t v = 0;
      for (const char c : digits) {
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        if (d < 0) return fail("bad character reference");
        v = v * (hex ? 16 : 10) + static_cast<char32_t>(d);
        if (v > 0x10FFFF) return fail("character reference out of range");
      }
      if (!legal_char(v)) return fail("character reference to an illegal character");
      put_utf8(out, v);
    } else {
      return fail("undeclared entity &" + std::string(ref) + ";");
    }
    pos_ = end + 1;
    return true;
  }

  bool bound(const std::vector<std::map<std::string, std::string>>& scopes,
             const std::string& prefix) const {
    return std::any_of(scopes.rbegin(), scopes.rend(),
                       [&](const auto& m) { return m.count(prefix) != 0; });
  }

  bool element(XmlElement& el, std::vector<std::map<std::string, std::string>>& scopes) {
    ++pos_;  // '<'
    if (!name(el.name)) return false;
    std::map<std::string, std::string> declared;
    for (;;) {
      const std::size_t before = pos_;
      skip_space();
      if (pos_ >= s_.size()) return fail("unterminated start tag");
      if (s_[pos_] == '/' || s_[pos_] == '>') break;
      if (pos_ == before) return fail("missing space before attribute");
      std::string attr;
      if (!name(attr)) return false;
      skip_space();
      if (pos_ >= s_.size() || s_[pos_] != '=') return fail("expected '=' after " + attr);
      ++pos_;
      skip_space();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
        return fail("unquoted attribute value");
      }
      const char quote = s_[pos_++];
      std::string value;
      while (pos_ < s_.size() && s_[pos_] != quote) {
        const char c = s_[pos_];
        if (c == '<') return fail("'<' in attribute value");
        if (c == '&') {
          if (!reference(value)) return false;
        } else {
          value += c;
          ++pos_;
        }
      }
      if (pos_ >= s_.size()) return fail("unterminated attribute value");
      ++pos_;
      if (el.attribute(attr) != nullptr) return fail("duplicate attribute " + attr);
      if (attr == "xmlns") {
        declared[""] = value;
      } else if (attr.rfind("xmlns:", 0) == 0) {
        if (value.empty()) return fail("empty namespace for " + attr);
        declared[attr.substr(6)] = value;
      }
      el.attributes.emplace_back(attr, value);
    }
    scopes.push_back(declared);
    auto check_prefix = [&](const std::string& qname) {
      const auto colon = qname.find(':');
      if (colon == std::string::npos || qname.rfind("xmlns:", 0) == 0) return true;
      return bound(scopes, qname.substr(0, colon));
    };
    if (!check_prefix(el.name)) return fail("undeclared namespace prefix in " + el.name);
    for (const auto& [k, v] : el.attributes) {
      if (!check_prefix(k)) return fail("undeclared namespace prefix in attribute " + k);
    }
    if (s_[pos_] == '/') {
      if (!starts("/>")) return fail("expected '/>'");
      pos_ += 2;
      scopes.pop_back();
      return true;
    }
    ++pos_;  // '>'
    for (;;) {
      if (pos_ >= s_.size()) return fail("unterminated element " + el.name);
      const char c = s_[pos_];
      if (c == '<') {
        if (starts("</")) {
          pos_ += 2;
          std::string close;
          if (!name(close)) return false;
          if (close != el.name) return fail("</" + close + "> closes <" + el.name + ">");
          skip_space();
          if (pos_ >= s_.size() || s_[pos_] != '>') return fail("malformed end tag");
          ++pos_;
          scopes.pop_back();
          return true;
        }
        if (starts("<!--")) {
          if (!comment()) return false;
        } else if (starts("<![CDATA[")) {
          const auto end = s_.find("]]>", pos_);
          if (end == std::string_view::npos) return fail("unterminated CDATA");
          el.text += s_.substr(pos_ + 9, end - pos_ - 9);
          pos_ = end + 3;
        } else if (starts("<?")) {
          if (!pi()) return false;
        } else if (starts("<!")) {
          return fail("declaration inside content");
        } else {
          XmlElement child;
          if (!element(child, scopes)) return false;
          el.children.push_back(std::move(child));
        }
      } else if (c == '&') {
        if (!reference(el.text)) return false;
      } else {
        if (starts("]]>")) return fail("']]>' in character data");
        el.text += c;
        ++pos_;
      }
    }
  }
};

}  // namespace

tl::expected<XmlElement, std::string> parse_xml(std::string_view doc) { return Parser(doc).run(); }

}  // namespace maillage::office::test
