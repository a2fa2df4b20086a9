// Small graphs for the sectors tests, built by hand (no benchmark file is copied here).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "sectors/sectors.hpp"

namespace maillage::sectors::testing {

inline Problem unit_weights(int n, std::vector<std::pair<int, int>> edges, int k,
                            std::int64_t lower, std::int64_t upper) {
  Problem p;
  p.weight.assign(n, 1);
  p.edges = std::move(edges);
  p.k = k;
  p.lower = lower;
  p.upper = upper;
  return p;
}

inline std::vector<std::pair<int, int>> path_edges(int n) {
  std::vector<std::pair<int, int>> e;
  for (int i = 0; i + 1 < n; ++i) e.emplace_back(i, i + 1);
  return e;
}

inline std::vector<std::pair<int, int>> cycle_edges(int n) {
  auto e = path_edges(n);
  e.emplace_back(n - 1, 0);
  return e;
}

// rows x cols grid, node r * cols + c.
inline std::vector<std::pair<int, int>> grid_edges(int rows, int cols) {
  std::vector<std::pair<int, int>> e;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      if (c + 1 < cols) e.emplace_back(r * cols + c, r * cols + c + 1);
      if (r + 1 < rows) e.emplace_back(r * cols + c, (r + 1) * cols + c);
    }
  return e;
}

inline Options quick() {
  Options o;
  o.time_limit =
      std::chrono::milliseconds(30000);  // a ceiling only: these close in well under a second
  o.threads = 2;
  return o;
}

}  // namespace maillage::sectors::testing
