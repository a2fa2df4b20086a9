// Any bytes: the decoder returns closed rings or an error, never crashes or reads out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "refdata/packages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::set<std::string, std::less<>> wanted = {"250", "1", "7", "Clipperton I."};
  const auto r = maillage::refdata::decode_topojson(text, "countries.json", "countries", wanted);
  if (!r) return 0;
  for (const auto& [key, polygons] : *r) {
    for (const auto& p : polygons) {
      const auto& ring = p.outer;
      // Kept outer rings are closed and have at least 4 points.
      if (ring.size() < 4 || ring.front().lat != ring.back().lat ||
          ring.front().lon != ring.back().lon) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
