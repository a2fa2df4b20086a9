// libFuzzer target for the HTML sanitiser of messages (src/message): any input gives, without a
// crash, an output in which no forbidden tag or attribute survives — every '<' opens one of the
// allowed tags in canonical form (<p>, <br>, <strong>, <em>, <ul>, <ol>, <li>, <h2>, <h3>, their
// end tags, or <a href="..."> with an http, https or mailto scheme and no quote, space or angle
// bracket inside), every '>' closes one of them — tags are balanced, the output is valid UTF-8
// and its own fixed point, and its text rendering does not crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/text_check.hpp"
#include "message/html.hpp"

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string out = maillage::message::sanitize_html(in);
  if (!maillage::check_text(out)) __builtin_trap();
  static const std::vector<std::string_view> kTags{"p", "br", "strong", "em", "ul",
                                                   "ol", "li", "h2", "h3"};
  std::vector<std::string> open;
  std::size_t i = 0;
  while (i < out.size()) {
    if (out[i] == '>') __builtin_trap();  // a '>' outside a tag: text is always escaped
    if (out[i] != '<') {
      ++i;
      continue;
    }
    const std::size_t gt = out.find('>', i);
    if (gt == std::string::npos) __builtin_trap();
    const std::string_view tag(out.data() + i + 1, gt - i - 1);
    if (tag.find('<') != std::string_view::npos) __builtin_trap();
    bool ok = false;
    if (tag.rfind("a href=\"", 0) == 0) {
      const std::string_view href = tag.substr(8, tag.size() - 9);
      ok = tag.back() == '"' && tag.size() > 9 &&
           (starts_with_ci(href, "http:") || starts_with_ci(href, "https:") ||
            starts_with_ci(href, "mailto:")) &&
           href.find_first_of("\"' <>`\t\n") == std::string_view::npos;
      if (ok) open.emplace_back("a");
    } else if (tag == "/a") {
      ok = !open.empty() && open.back() == "a";
      if (ok) open.pop_back();
    } else {
      for (auto t : kTags) {
        if (tag == t) {
          ok = true;
          if (t != "br") open.emplace_back(t);
        } else if (t != "br" && tag.size() == t.size() + 1 && tag[0] == '/' && tag.substr(1) == t) {
          ok = !open.empty() && open.back() == t;
          if (ok) open.pop_back();
        }
      }
    }
    if (!ok) __builtin_trap();
    i = gt + 1;
  }
  if (!open.empty()) __builtin_trap();
  if (maillage::message::sanitize_html(out) != out) __builtin_trap();
  (void)maillage::message::html_to_text(out);
  return 0;
}
