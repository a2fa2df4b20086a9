// libFuzzer target for the NetworkX adjacency JSON reader: any input must give a graph or an
// error naming the file, never a crash; a graph read must have its edges in range, each once,
// and must survive the checker with a trivial assignment.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sectors/networkx.hpp"
#include "sectors/sectors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto g = maillage::sectors::parse_networkx(text, "fuzz.json");
  if (!g) {
    if (g.error().file != "fuzz.json") __builtin_trap();
    return 0;
  }
  const int n = static_cast<int>(g->weight.size());
  for (std::size_t i = 0; i < g->edges.size(); ++i) {
    const auto [u, v] = g->edges[i];
    if (u < 0 || v >= n || u >= v) __builtin_trap();
    if (i > 0 && g->edges[i - 1] >= g->edges[i]) __builtin_trap();
  }
  for (auto w : g->weight)
    if (w < 0) __builtin_trap();
  if (n == 0) return 0;
  maillage::sectors::Problem p;
  p.weight = g->weight;
  p.edges = g->edges;
  p.k = 1;
  p.upper = INT64_MAX;
  (void)maillage::sectors::check(p, std::vector<int>(n, 0));
  return 0;
}
