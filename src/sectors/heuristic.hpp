// The heuristic side of the search: random region growing for a start, then simulated annealing
// over single-node moves that keep every sector connected, with an adaptive penalty on workload
// outside the bounds. Internal to the engine.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "sectors/graph.hpp"

namespace maillage::sectors::detail {

/// The best feasible partition found so far, shared between threads.
class Incumbent {
 public:
  /// Keeps `part` if it is better than the current one; true when kept.
  bool offer(const std::vector<int>& part, int cut);
  [[nodiscard]] int cut() const { return cut_.load(); }
  [[nodiscard]] std::vector<int> part() const;

 private:
  mutable std::mutex mutex_;
  std::atomic<int> cut_{-1};
  std::vector<int> part_;
};

using Clock = std::chrono::steady_clock;

/// Sector counts per graph component such that each component can hold its sectors' workloads
/// (count * lower <= weight <= count * upper, count >= 1, total k); empty when there is none,
/// which proves the problem infeasible. `comp` from components().
[[nodiscard]] std::vector<int> sectors_per_component(const Graph& g, const std::vector<int>& comp,
                                                     int count);

/// Anneals until `deadline`, `stop`, (if >= 0) a cut of `target` or (if > 0) `max_moves`
/// attempted moves; offers every feasible partition it improves to `best`. Returns the moves
/// attempted. With one thread and no deadline or stop striking, the same seed and budget give
/// the same partitions.
std::int64_t anneal(const Graph& g, std::uint64_t seed, Clock::time_point deadline,
                    const std::atomic<bool>& stop, Incumbent& best, int target = -1,
                    std::int64_t max_moves = 0);

}  // namespace maillage::sectors::detail
