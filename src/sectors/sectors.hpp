// The sectors engine: split a graph of units (communes, a CPTS territory contracted to one unit)
// into k contiguous sectors whose workloads lie in [lower, upper], with the fewest cut edges
// (edges whose two ends lie in different sectors). Pure computation: no I/O, no global state;
// several solves may run at once. Method and measurements: README.md.
//
// Names: the solve outcome enum is `SolveStatus` (not `Status`), so that `maillage::Status`
// (common/error.hpp, Result<void>) keeps its meaning inside this namespace; `check` returns it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace maillage::sectors {

struct Problem {
  std::vector<std::int64_t> weight;        ///< workload of each unit (>= 0), integers
  std::vector<std::pair<int, int>> edges;  ///< undirected adjacency, each edge once, 0-based
  int k = 2;                               ///< number of sectors, >= 1
  std::int64_t lower = 0, upper = 0;       ///< bounds on each sector's total workload
  std::vector<std::vector<int>> together;  ///< groups of units that must share a sector
  std::vector<int> fixed;  ///< empty, or size n: sector 0..k-1 a unit is fixed to, or -1
};

struct Bounds {
  std::int64_t lower = 0, upper = 0;
};

/// L = ceil((1 - deviation/2) P / k), U = floor((1 + deviation/2) P / k): deviation 0.01 means
/// ±0.5 % around the mean, as in Validi & Buchanan's code and ../shared/bench/districting.
[[nodiscard]] Bounds bounds_from_deviation(std::int64_t total, int k, double deviation);

struct Progress {
  int best_cut = -1;    ///< best cut of a feasible partition so far, -1: none yet
  int lower_bound = 0;  ///< proven lower bound so far
  double seconds = 0;
  std::string phase;  ///< e.g. "heuristic", "exact"
};

/// The exact side of the search (README.md, "Method").
enum class ExactMethod {
  tree,  ///< combinatorial branch and bound with flow and packing bounds (the default)
  mip,   ///< the labeling integer programme with CBC, kept for comparison: weaker bounds
};

/// A budget counted in work instead of time: the answer then depends only on the problem, the
/// seed and these counts, never on the machine's load (README.md, "Reproducible solves").
struct WorkLimit {
  std::int64_t anneal_moves = 1000000;  ///< attempted annealing moves (> 0)
  long tree_nodes = 1000;               ///< tree search nodes after the annealing (>= 0)
  std::uint64_t seed = 0x5eed1;
};

struct Options {
  std::chrono::milliseconds time_limit{60000};
  /// Set: one thread, the heuristic for exactly `anneal_moves` moves, then at most `tree_nodes`
  /// nodes of the tree search; reproducible unless `time_limit` (a safety net) or `cancel`
  /// strikes first, which Solution::timed_out then says.
  std::optional<WorkLimit> work_limit;
  ExactMethod exact = ExactMethod::tree;
  int threads = 2;  ///< 1 or 2
  /// Called from the search threads, one call at a time, at the end of the heuristic warm-up and
  /// when the exact side ends (with the MIP, also at each better proven bound). Empty: none.
  std::function<void(const Progress&)> on_progress;
  /// Set to true to stop early: solve() returns the best partition so far (status feasible, or
  /// unknown if none).
  const std::atomic<bool>* cancel = nullptr;
};

enum class SolveStatus {
  optimal,     ///< cut_edges == lower_bound, proven
  feasible,    ///< a partition within the bounds, optimality not proven (see lower_bound)
  infeasible,  ///< proven: no partition within the bounds
  unknown,     ///< time out (or cancel) with no partition found and no proof
};

struct Solution {
  SolveStatus status = SolveStatus::unknown;
  std::vector<int> sector;  ///< per unit (empty unless optimal/feasible)
  int cut_edges = 0;
  std::vector<std::int64_t> workload;  ///< per sector (empty unless optimal/feasible)
  int lower_bound = 0;                 ///< PROVEN lower bound on cut edges
  double seconds = 0;
  /// The time limit or a cancel ended the search (with a work limit: the answer may then differ
  /// from run to run).
  bool timed_out = false;
  long tree_nodes = 0;  ///< nodes the tree search bounded (0 with the MIP)
  /// When infeasible: a deviation (as in bounds_from_deviation) for which a partition exists,
  /// that of the most balanced partition a short search with widened bounds found. It works; it
  /// is the smallest found, not proven minimal.
  std::optional<double> smallest_feasible_deviation;
};

/// Errors (invalid_input, with the field): bad unit index, k < 1, negative weight or lower bound,
/// a unit in two together groups with conflicting fixed sectors, fixed size not n, a together
/// group not connected by its own edges. lower > upper is not an error: it is infeasible.
[[nodiscard]] Result<Solution> solve(const Problem& problem, const Options& options);

/// The independent checker: every unit once in 0..k-1, each sector non-empty and connected,
/// workload within [lower, upper], together groups and fixed units respected. The message names
/// the first violation found.
[[nodiscard]] Status check(const Problem& problem, const std::vector<int>& sector);

[[nodiscard]] const char* status_name(SolveStatus status);

}  // namespace maillage::sectors
