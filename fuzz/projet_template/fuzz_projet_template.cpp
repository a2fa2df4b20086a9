// libFuzzer target for the projet de santé template reader (src/projet/template_toml.cpp): any
// input gives a template or an error naming the file, never a crash, an exception or a sanitizer
// report. A template read only places known data blocks and unique prompt ids.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "projet/template.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto t = maillage::projet::parse_template(text, "fuzz.toml");
  if (!t) {
    if (t.error().file != "fuzz.toml" || t.error().message.empty()) __builtin_trap();
    return 0;
  }
  const auto& names = maillage::projet::data_block_names();
  for (const auto& c : t->chapters) {
    for (const auto& b : c.blocks) {
      if (b.kind == maillage::projet::BlockKind::data &&
          std::find(names.begin(), names.end(), b.value) == names.end()) {
        __builtin_trap();
      }
    }
  }
  std::vector<std::string> missions{"acces_soins", "qualite"};
  auto ids = maillage::projet::prompt_ids(*t, missions);
  if (std::set<std::string>(ids.begin(), ids.end()).size() != ids.size()) __builtin_trap();
  return 0;
}
