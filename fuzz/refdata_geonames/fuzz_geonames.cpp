// Any bytes: the reader returns rows or an error naming line and column, never crashes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "refdata/packages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto rows = maillage::refdata::parse_geonames(text, "cities500.txt");
  if (rows) {
    for (const auto& r : *rows) {
      // Kept rows were checked: finite coordinates in range.
      if (!(r.lat >= -90 && r.lat <= 90 && r.lon >= -180 && r.lon <= 180)) __builtin_trap();
    }
  } else if (rows.error().file != "cities500.txt" || rows.error().line <= 0) {
    __builtin_trap();
  }
  return 0;
}
