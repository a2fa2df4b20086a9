// The MIP exact side (ExactMethod::mip): an integer programme over node-to-sector labels
// (CBC), with contiguity imposed by separator constraints added when a solution has a sector in
// pieces. Internal to the engine; method in README.md. ExactResult is shared with the tree search.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <vector>

#include "sectors/graph.hpp"
#include "sectors/heuristic.hpp"

namespace maillage::sectors::detail {

struct ExactResult {
  bool proven = false;      ///< the search finished: lower_bound is the optimum (or infeasible)
  bool infeasible = false;  ///< proven: no partition within the bounds
  int lower_bound = 0;      ///< proven lower bound on the cut
  int rounds = 0;           ///< integer programmes solved
  int separators = 0;       ///< separator constraints added
};

/// Runs until proven, `deadline` or `stop`. Reads and improves `best` (the cutoff of each round
/// is best's cut); `on_bound` is called with each better proven bound.
[[nodiscard]] ExactResult exact(const Graph& g, Incumbent& best, Clock::time_point deadline,
                                const std::atomic<bool>& stop,
                                const std::function<void(int)>& on_bound);

}  // namespace maillage::sectors::detail
