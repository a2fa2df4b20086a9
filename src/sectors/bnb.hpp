// The combinatorial branch and bound: nodes are assigned to sectors one at a time, each partial
// assignment bounded by PartialBound (bound.hpp) against the incumbent. Internal to the engine;
// method in README.md ("Combinatorial branch and bound").
#pragma once

#include <atomic>
#include <functional>

#include "sectors/exact.hpp"
#include "sectors/graph.hpp"
#include "sectors/heuristic.hpp"

namespace maillage::sectors::detail {

/// Runs until the tree is exhausted (proven: the incumbent is optimal, or nothing is feasible),
/// `deadline` or `stop`. Reads the incumbent's cut as the cutoff at every node and offers it every
/// better feasible partition met at a leaf. `threads` workers share the tree.
[[nodiscard]] ExactResult branch_and_bound(const Graph& g, Incumbent& best,
                                           Clock::time_point deadline,
                                           const std::atomic<bool>& stop, int threads);

}  // namespace maillage::sectors::detail
