// The commune polygons shipped in data/contours (gzipped TopoJSON, see its README).
#include <zlib.h>

#include <fstream>
#include <sstream>

#include "refdata/packages.hpp"

namespace maillage::refdata {

Result<std::string> gunzip(std::string_view data, const std::string& file) {
  z_stream z{};
  // 16 + MAX_WBITS: gzip header and trailer expected.
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
    return fail(ErrorCode::internal, "zlib : initialisation impossible");
  }
  std::string out;
  out.reserve(data.size() * 3);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  char buffer[1 << 16];
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return fail_at(file, 0, "", "fichier gzip invalide ou tronqué");
    }
    out.append(buffer, sizeof buffer - z.avail_out);
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      return fail_at(file, 0, "", "fichier gzip tronqué");
    }
  }
  inflateEnd(&z);
  return out;
}

Result<std::map<std::string, geo::MultiPolygon, std::less<>>> read_contours(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return tl::unexpected(Error{ErrorCode::io_error,
                                "fichier des contours introuvable ou illisible (il est livré avec "
                                "le projet sous data/contours/)",
                                {},
                                path,
                                0});
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad())
    return tl::unexpected(Error{ErrorCode::io_error, "lecture impossible", {}, path, 0});
  Result<std::string> text = gunzip(buffer.view(), path);
  if (!text) return tl::unexpected(text.error());
  Result<std::map<std::string, geo::MultiPolygon>> decoded =
      decode_topojson(*text, path, "communes", {});
  if (!decoded) return tl::unexpected(decoded.error());
  if (decoded->empty()) return fail_at(path, 0, "objects.communes", "aucun contour de commune");
  std::map<std::string, geo::MultiPolygon, std::less<>> out;
  for (auto& [code, shape] : *decoded) out.emplace(code, std::move(shape));
  return out;
}

}  // namespace maillage::refdata
