// libFuzzer target for the référentiel file loader (src/refdata/sqlite_file.cpp): the input is
// written as a file and loaded. Any bytes give a référentiel or an error naming the file, never a
// crash or a sanitizer report; a référentiel loaded is consistent (adjacency in range, every
// commune found by its code, département and région lookups of its communes answer).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "refdata/reference_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/maillage-fuzz-reference-" + std::to_string(::getpid());
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    if (size > 0 && std::fwrite(data, 1, size, f) != size) __builtin_trap();
    std::fclose(f);
  } else {
    __builtin_trap();
  }
  auto ref = maillage::refdata::load_reference(path);
  std::remove((path + "-journal").c_str());
  if (!ref) {
    if (ref.error().file != path || ref.error().message.empty()) __builtin_trap();
    return 0;
  }
  const std::size_t n = ref->communes.size();
  if (ref->neighbour_offsets.size() != n + 1 && !(n == 0 && ref->neighbour_offsets.empty())) {
    __builtin_trap();
  }
  for (auto j : ref->neighbour_list) {
    if (j >= n) __builtin_trap();
  }
  for (std::size_t i = 0; i + 1 < ref->neighbour_offsets.size(); ++i) {
    if (ref->neighbour_offsets[i] > ref->neighbour_offsets[i + 1] ||
        ref->neighbour_offsets[i + 1] > ref->neighbour_list.size()) {
      __builtin_trap();
    }
  }
  for (const auto& c : ref->communes) {
    const auto* found = ref->commune(c.code);
    if (found == nullptr || found->code != c.code) __builtin_trap();
  }
  return 0;
}
