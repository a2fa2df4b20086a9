#include "http/compress.hpp"

#include <httplib.h>

#include <cctype>
#include <cstdlib>

namespace maillage::http {

namespace {

// cpp-httplib's compressors, exported by the Debian library (zlib and brotli behind them), so that
// this module needs no other compression library.
std::string run(httplib::detail::compressor& c, std::string_view data) {
  std::string out;
  bool ok = c.compress(data.data(), data.size(), /*last=*/true, [&](const char* p, std::size_t n) {
    out.append(p, n);
    return true;
  });
  return ok ? out : std::string();
}

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string gzip_compress(std::string_view data) {
  httplib::detail::gzip_compressor c;
  return run(c, data);
}

std::string brotli_compress(std::string_view data) {
  httplib::detail::brotli_compressor c;
  return run(c, data);
}

bool compressible(std::string_view type) {
  return type.rfind("text/", 0) == 0 || type.rfind("application/json", 0) == 0 ||
         type.rfind("application/geo+json", 0) == 0 ||
         type.rfind("application/javascript", 0) == 0 || type.rfind("image/svg+xml", 0) == 0;
}

Encoding accepted_encoding(std::string_view header, bool br_available) {
  bool gzip = false;
  bool br = false;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    auto semi = item.find(';');
    std::string_view name = trim(item.substr(0, semi));
    bool refused = false;
    if (semi != std::string_view::npos) {
      std::string_view param = trim(item.substr(semi + 1));
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        refused = std::strtod(std::string(param.substr(2)).c_str(), nullptr) <= 0.0;
      }
    }
    if (refused) continue;
    if (iequals(name, "gzip") || iequals(name, "x-gzip") || name == "*") gzip = true;
    if (iequals(name, "br") || name == "*") br = true;
  }
  if (br && br_available) return Encoding::br;
  if (gzip) return Encoding::gzip;
  return Encoding::identity;
}

std::string_view encoding_name(Encoding e) {
  switch (e) {
    case Encoding::gzip: return "gzip";
    case Encoding::br: return "br";
    case Encoding::identity: break;
  }
  return "";
}

}  // namespace maillage::http
