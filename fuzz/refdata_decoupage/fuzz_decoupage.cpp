// Any bytes: each reader returns records or a parse error with the file name, never crashes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "refdata/packages.hpp"

namespace {

template <class R>
void check(const R& r) {
  if (!r && r.error().file != "data.json") __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace maillage::refdata;
  switch (data[0] % 4) {
    case 0:
      check(parse_communes(text, "data.json"));
      break;
    case 1:
      check(parse_epcis(text, "data.json"));
      break;
    case 2:
      check(parse_departements(text, "data.json"));
      break;
    default:
      check(parse_regions(text, "data.json"));
      break;
  }
  return 0;
}
