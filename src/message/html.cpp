// The safe HTML subset of messages (html.hpp): a small tokenizer that keeps the allowed tags in a
// canonical form, escapes text, drops everything else, and balances what it keeps.
#include "message/html.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace maillage::message {

namespace {

constexpr std::array<std::string_view, 10> kAllowed{"p",  "br", "strong", "em", "ul",
                                                    "ol", "li", "a",      "h2", "h3"};
// Elements whose whole content is dropped with them (scripts, styles, embedded documents,
// foreign content, and elements whose content the browser reads as raw text).
constexpr std::array<std::string_view, 16> kDropWithContent{
    "script",   "style", "textarea", "title",  "xmp",    "iframe", "noembed", "noframes",
    "noscript", "svg",   "math",     "object", "template", "select", "frameset", "head"};

bool allowed(std::string_view name) {
  return std::find(kAllowed.begin(), kAllowed.end(), name) != kAllowed.end();
}
bool drop_with_content(std::string_view name) {
  return std::find(kDropWithContent.begin(), kDropWithContent.end(), name) !=
         kDropWithContent.end();
}
bool alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool hexdigit(char c) { return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower(c);
  return out;
}

// Valid UTF-8 out: invalid sequences and C0/C1-style controls (but tab and line feed) become
// U+FFFD, NUL is dropped, CR is dropped (line ends are LF).
std::string clean_utf8(std::string_view s) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c == 0 || c == '\r') {
        // dropped
      } else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
        out += kReplacement;
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    bool ok = len > 0 && i + len <= n && p[i + 1] >= lo && p[i + 1] <= hi;
    for (std::size_t k = 2; ok && k < len; ++k) ok = (p[i + k] & 0xC0) == 0x80;
    if (!ok) {
      out += kReplacement;
      ++i;
      continue;
    }
    out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

// Length of a character reference starting at s[i] == '&' ("&amp;", "&#38;", "&#x26;"), 0 when
// there is none.
std::size_t reference_length(std::string_view s, std::size_t i) {
  std::size_t k = i + 1;
  if (k < s.size() && s[k] == '#') {
    ++k;
    const bool hex = k < s.size() && (s[k] == 'x' || s[k] == 'X');
    if (hex) ++k;
    const std::size_t start = k;
    while (k < s.size() && k - start < 7 && (hex ? hexdigit(s[k]) : digit(s[k]))) ++k;
    if (k == start || k >= s.size() || s[k] != ';') return 0;
    return k + 1 - i;
  }
  const std::size_t start = k;
  while (k < s.size() && k - start < 32 && (alpha(s[k]) || (k > start && digit(s[k])))) ++k;
  if (k - start < 2 || k >= s.size() || s[k] != ';') return 0;
  return k + 1 - i;
}

// Text (or an attribute value) escaped; character references kept as they are.
void append_escaped(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '&') {
      const std::size_t n = reference_length(s, i);
      if (n > 0) {
        out.append(s.substr(i, n));
        i += n - 1;
      } else {
        out += "&amp;";
      }
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '"') {
      out += "&quot;";
    } else {
      out += c;
    }
  }
}

// An href of the subset: http:, https: or mailto: (any case) followed by something, without
// spaces, controls, quotes or angle brackets.
bool safe_href(std::string_view v) {
  const std::string l = lower(v);
  std::size_t rest = 0;
  if (l.rfind("http:", 0) == 0) {
    rest = 5;
  } else if (l.rfind("https:", 0) == 0) {
    rest = 6;
  } else if (l.rfind("mailto:", 0) == 0) {
    rest = 7;
  } else {
    return false;
  }
  if (v.size() <= rest || v.size() > 2000) return false;
  return std::none_of(v.begin(), v.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`';
  });
}

struct Tag {
  bool end = false;
  std::string name;
  std::string href;  // a: the first href attribute, as written
  bool has_href = false;
};

// Parses a tag at s[i] == '<' (followed by a letter, or '/' and a letter). Returns the index
// after its '>', or npos when the tag does not end.
std::size_t parse_tag(std::string_view s, std::size_t i, Tag& tag) {
  std::size_t k = i + 1;
  if (s[k] == '/') {
    tag.end = true;
    ++k;
  }
  const std::size_t start = k;
  while (k < s.size() && !space(s[k]) && s[k] != '/' && s[k] != '>') ++k;
  tag.name = lower(s.substr(start, k - start));
  while (k < s.size()) {
    while (k < s.size() && (space(s[k]) || s[k] == '/')) ++k;
    if (k >= s.size()) return std::string_view::npos;
    if (s[k] == '>') return k + 1;
    const std::size_t name_start = k;
    while (k < s.size() && !space(s[k]) && s[k] != '/' && s[k] != '>' && s[k] != '=') ++k;
    const std::string name = lower(s.substr(name_start, k - name_start));
    while (k < s.size() && space(s[k])) ++k;
    std::string value;
    bool valued = false;
    if (k < s.size() && s[k] == '=') {
      valued = true;
      ++k;
      while (k < s.size() && space(s[k])) ++k;
      if (k < s.size() && (s[k] == '"' || s[k] == '\'')) {
        const char quote = s[k++];
        const std::size_t close = s.find(quote, k);
        if (close == std::string_view::npos) return std::string_view::npos;
        value = std::string(s.substr(k, close - k));
        k = close + 1;
      } else {
        const std::size_t v = k;
        while (k < s.size() && !space(s[k]) && s[k] != '>') ++k;
        value = std::string(s.substr(v, k - v));
      }
    }
    if (!tag.end && valued && name == "href" && !tag.has_href) {
      tag.has_href = true;
      const auto a = value.find_first_not_of(" \t\n\f");
      const auto b = value.find_last_not_of(" \t\n\f");
      tag.href = a == std::string::npos ? "" : value.substr(a, b - a + 1);
    }
  }
  return std::string_view::npos;
}

// Index after the end tag </name> from `from` in the lower-cased text `l`, or npos.
std::size_t skip_element(const std::string& l, std::size_t from, const std::string& name) {
  std::size_t at = from;
  while (true) {
    at = l.find("</" + name, at);
    if (at == std::string::npos) return std::string_view::npos;
    const std::size_t after = at + 2 + name.size();
    if (after >= l.size() || space(l[after]) || l[after] == '>' || l[after] == '/') {
      const std::size_t close = l.find('>', after);
      return close == std::string::npos ? std::string_view::npos : close + 1;
    }
    at = after;
  }
}

}  // namespace

std::string sanitize_html(std::string_view input) {
  const std::string s = clean_utf8(input);
  const std::string lowered = lower(s);
  std::string out;
  out.reserve(s.size());
  std::vector<std::string> open;
  auto close_to = [&](std::size_t depth) {
    while (open.size() > depth) {
      out += "</" + open.back() + ">";
      open.pop_back();
    }
  };
  std::size_t i = 0, text_start = 0;
  auto flush_text = [&](std::size_t end) {
    if (end > text_start) append_escaped(out, std::string_view(s).substr(text_start, end - text_start));
  };
  while (i < s.size()) {
    if (s[i] != '<') {
      ++i;
      continue;
    }
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    const bool start_tag = alpha(next);
    const bool end_tag = next == '/' && i + 2 < s.size() && alpha(s[i + 2]);
    if (next == '!' || next == '?' || (next == '/' && !end_tag && i + 2 < s.size())) {
      // Comment, doctype, CDATA, processing instruction or bogus comment: dropped.
      flush_text(i);
      std::size_t after = std::string::npos;
      if (s.compare(i, 4, "<!--") == 0) {
        const std::size_t close = s.find("-->", i + 4);
        after = close == std::string::npos ? std::string::npos : close + 3;
      } else {
        const std::size_t close = s.find('>', i + 2);
        after = close == std::string::npos ? std::string::npos : close + 1;
      }
      if (after == std::string::npos) {
        i = text_start = s.size();
        break;
      }
      i = text_start = after;
      continue;
    }
    if (!start_tag && !end_tag) {
      ++i;  // a lone '<': text, escaped by flush_text
      continue;
    }
    flush_text(i);
    Tag tag;
    const std::size_t after = parse_tag(s, i, tag);
    if (after == std::string_view::npos) {  // an unfinished tag: the rest is dropped
      i = text_start = s.size();
      break;
    }
    i = text_start = after;
    if (!tag.end && drop_with_content(tag.name)) {
      const std::size_t end = skip_element(lowered, after, tag.name);
      i = text_start = end == std::string_view::npos ? s.size() : end;
      continue;
    }
    if (!allowed(tag.name)) continue;
    if (tag.end) {
      if (tag.name == "br") continue;
      const auto it = std::find(open.rbegin(), open.rend(), tag.name);
      if (it == open.rend()) continue;  // unmatched: dropped
      close_to(static_cast<std::size_t>(open.rend() - it) - 1);
      continue;
    }
    if (tag.name == "br") {
      out += "<br>";
      continue;
    }
    if (tag.name == "a") {
      if (!tag.has_href || !safe_href(tag.href)) continue;
      const auto it = std::find(open.rbegin(), open.rend(), "a");
      if (it != open.rend()) close_to(static_cast<std::size_t>(open.rend() - it) - 1);
      out += "<a href=\"";
      append_escaped(out, tag.href);
      out += "\">";
      open.emplace_back("a");
      continue;
    }
    out += "<" + tag.name + ">";
    open.push_back(tag.name);
  }
  flush_text(s.size());
  close_to(0);
  return out;
}

namespace {

// The code point of a character reference, or 0.
std::uint32_t reference_value(std::string_view ref) {
  if (ref == "&amp;") return '&';
  if (ref == "&lt;") return '<';
  if (ref == "&gt;") return '>';
  if (ref == "&quot;") return '"';
  if (ref == "&apos;") return '\'';
  if (ref == "&nbsp;") return 0xA0;
  if (ref.size() < 4 || ref[1] != '#') return 0;
  const bool hex = ref[2] == 'x' || ref[2] == 'X';
  std::uint32_t v = 0;
  for (std::size_t k = hex ? 3 : 2; k + 1 < ref.size(); ++k) {
    const char c = ref[k];
    const std::uint32_t d = digit(c) ? static_cast<std::uint32_t>(c - '0')
                                     : static_cast<std::uint32_t>(lower(c) - 'a' + 10);
    v = v * (hex ? 16 : 10) + d;
    if (v > 0x10FFFF) return 0;
  }
  if (v == 0 || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  return v;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      const std::size_t n = reference_length(s, i);
      if (n > 0) {
        if (const std::uint32_t cp = reference_value(s.substr(i, n)); cp != 0) {
          append_utf8(out, cp);
          i += n - 1;
          continue;
        }
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace

std::string html_to_text(std::string_view sanitized) {
  std::string out;
  std::vector<std::string> hrefs;
  std::size_t i = 0;
  while (i < sanitized.size()) {
    const std::size_t lt = sanitized.find('<', i);
    const std::size_t end = lt == std::string_view::npos ? sanitized.size() : lt;
    std::string text = decode(sanitized.substr(i, end - i));
    for (auto& c : text) {
      if (c == '\n' || c == '\t') c = ' ';
    }
    out += text;
    if (lt == std::string_view::npos) break;
    const std::size_t gt = sanitized.find('>', lt);
    if (gt == std::string_view::npos) break;
    const std::string_view tag = sanitized.substr(lt + 1, gt - lt - 1);
    i = gt + 1;
    if (tag == "p" || tag == "h2" || tag == "h3" || tag == "/p" || tag == "/h2" || tag == "/h3" ||
        tag == "ul" || tag == "ol" || tag == "/ul" || tag == "/ol") {
      out += "\n\n";
    } else if (tag == "br") {
      out += "\n";
    } else if (tag == "li") {
      out += "\n- ";
    } else if (tag.rfind("a href=\"", 0) == 0) {
      hrefs.push_back(decode(tag.substr(8, tag.size() - 9)));
    } else if (tag == "/a" && !hrefs.empty()) {
      out += " <" + hrefs.back() + ">";
      hrefs.pop_back();
    }
  }
  // Runs of spaces made one, spaces at line ends dropped, at most one blank line in a row, none
  // at the ends.
  std::string clean;
  std::size_t newlines = 0;
  bool pending_space = false;
  for (const char c : out) {
    if (c == '\n') {
      ++newlines;
      pending_space = false;
      continue;
    }
    if (c == ' ') {
      if (!clean.empty() && newlines == 0) pending_space = true;
      continue;
    }
    if (newlines > 0 && !clean.empty()) {
      clean.append(std::min<std::size_t>(newlines, 2), '\n');
    } else if (pending_space) {
      clean += ' ';
    }
    newlines = 0;
    pending_space = false;
    clean += c;
  }
  return clean;
}

}  // namespace maillage::message
