// libFuzzer target for request decoding (src/http/message.cpp). The input is
// "TARGET\nCOOKIE\nHEADER-VALUE\nBODY": the target is split at '?' and decoded as the server does
// (path, then query string), the cookie header searched, the form body decoded, and the header
// value used as If-None-Match and Accept-Encoding. No crash, no exception, no sanitizer report,
// and url_decode inverts url_encode for any bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace {

std::string_view next_line(std::string_view& rest) {
  const auto nl = rest.find('\n');
  const std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace maillage::http;
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  std::string_view rest = all;
  const std::string_view target = next_line(rest);
  const std::string_view cookie = next_line(rest);
  const std::string_view header = next_line(rest);

  Request req;
  const auto q = target.find('?');
  req.path = url_decode(target.substr(0, q), false);
  if (q != std::string_view::npos) req.query = parse_query(target.substr(q + 1));
  req.headers.emplace("Cookie", std::string(cookie));
  req.headers.emplace("If-None-Match", std::string(header));
  req.headers.emplace("Accept-Encoding", std::string(header));
  req.body = std::string(rest);

  for (const auto& [k, v] : req.query) {
    if (req.query_value(k) == std::nullopt) __builtin_trap();  // every decoded name is found
    (void)v;
  }
  (void)req.cookie("maillage_session");
  (void)req.cookie(std::string(header));
  const Params form = req.form();
  for (const auto& [k, v] : form) (void)req.header(k);

  // Encoding then decoding gives the bytes back, whatever they are.
  if (url_decode(url_encode(all), false) != all) __builtin_trap();
  if (url_decode(url_encode(all), true) != all) __builtin_trap();

  Response r = Response::json(std::string(rest));
  make_cacheable(req, r, "private, max-age=60");
  if (r.status != 200 && r.status != 304) __builtin_trap();
  Response e;
  set_encoded_body(req, e, std::string(rest), "gz", "br");
  return 0;
}
