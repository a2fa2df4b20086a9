// Response compression done by us rather than by cpp-httplib. Debian's cpp-httplib 0.11.4
// compresses every compressible answer on every request, and prefers brotli at quality 11 when the
// client offers it (every browser does): measured on this machine, the 216 kB GeoJSON of Moselle
// then costs ~0.7 s of CPU per request (1.3 req/s) and leaflet.js ~0.4 s. So the server hides
// Accept-Encoding from cpp-httplib and: static files and cached bodies are compressed once, at
// load (brotli and gzip); other answers of 1 KiB or more are gzipped per request.
#pragma once

#include <string>
#include <string_view>

namespace maillage::http {

enum class Encoding : unsigned char { identity, gzip, br };

/// Compressed copies ("" when the compressor fails).
std::string gzip_compress(std::string_view data);
std::string brotli_compress(std::string_view data);

/// Whether a content type is worth compressing (text, JSON, JavaScript, SVG).
bool compressible(std::string_view content_type);

/// The best encoding an Accept-Encoding header allows among br (when `br_available`), gzip and
/// identity; "gzip;q=0" refuses gzip, "*" accepts anything.
Encoding accepted_encoding(std::string_view accept_encoding, bool br_available);

std::string_view encoding_name(Encoding e);  // "br", "gzip", ""

}  // namespace maillage::http
