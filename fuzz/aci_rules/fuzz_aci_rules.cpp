// libFuzzer target for the ACI rules reader (src/aci/rules_toml.cpp): any input, alone or next to
// the shipped rules files, gives a rule book or an error naming one of the files given, never a
// crash, an exception or a sanitizer report. A rule book read answers its own queries.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aci/rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // First byte: read the input alone, or with the shipped files (cross-file checks: avenants
  // naming their base accord, duplicate accords).
  const bool with_builtin = (data[0] & 1) != 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<maillage::aci::RulesFile> files;
  if (with_builtin) {
    for (const auto& f : maillage::aci::builtin_rule_files()) files.push_back(f);
  }
  files.push_back({"fuzz.toml", text});
  auto book = maillage::aci::load_rulebook(files);
  if (!book) {
    bool named = book.error().file.empty();  // errors about the set as a whole name no file
    for (const auto& f : files) named = named || book.error().file == f.name;
    if (!named || book.error().message.empty()) __builtin_trap();
    return 0;
  }
  for (const auto& accord : book->accords) {
    if (book->find(accord.id) == nullptr || !book->derives_from(accord, accord.id))
      __builtin_trap();
  }
  return 0;
}
