// libFuzzer target for the lifecycle rules reader: any input gives a lifecycle or an error naming
// the file, never a crash or an exception; a lifecycle read is self-consistent (its transitions
// and stage groups name its own states).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "registry/lifecycle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto lc = maillage::registry::parse_lifecycle("fuzz.toml", text);
  if (!lc) {
    if (lc.error().file != "fuzz.toml") __builtin_trap();
    return 0;
  }
  for (const auto& t : lc->transitions) {
    if (lc->state(t.to) == nullptr) __builtin_trap();
  }
  for (const auto& g : lc->stage_groups) {
    for (const auto& s : g.states) {
      if (lc->state(s) == nullptr) __builtin_trap();
    }
  }
  return 0;
}
