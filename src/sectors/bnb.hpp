// The combinatorial branch and bound: nodes are assigned to sectors one at a time, each partial
// assignment bounded by PartialBound (bound.hpp) against the incumbent. Threads share the tree:
// an idle one takes the unexplored siblings nearest the root from a busy one. Internal to the
// engine; method in README.md ("Combinatorial branch and bound").
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include "sectors/exact.hpp"
#include "sectors/graph.hpp"
#include "sectors/heuristic.hpp"

namespace maillage::sectors::detail {

class TreeSearch {
 public:
  /// Runs until the tree is exhausted, `deadline` or `stop`. Reads the incumbent's cut as the
  /// cutoff at every node and offers it every better feasible partition met at a leaf.
  /// `run_nodes`: after that many nodes a thread hands its open nodes back to the pool (which
  /// serves the lowest bound first); small values only in tests. `max_nodes` > 0: interrupted
  /// after that many nodes (with one thread, the same nodes on every run).
  TreeSearch(const Graph& g, Incumbent& best, Clock::time_point deadline,
             const std::atomic<bool>& stop, long run_nodes = 1, long max_nodes = 0);

  /// Joins the search from the calling thread (any number, at any time); returns when the tree
  /// is exhausted or the search interrupted.
  void work();

  /// After every work() call has returned: proven (the incumbent is optimal, or with no
  /// incumbent nothing is feasible), or the proven lower bound of what was left.
  [[nodiscard]] ExactResult result() const;
  [[nodiscard]] long nodes() const { return nodes_.load(); }
  /// After work(): the deadline or `stop` (not the node limit) interrupted the search.
  [[nodiscard]] bool timed_out() const { return timed_out_.load(); }

  /// An open node waiting in the pool. Its partial assignment is stored one byte per node
  /// (sector + 1) when k < 255, else as ints: the pool holds four times more tasks.
  struct Task {
    std::vector<std::uint8_t> packed;
    std::vector<int> wide;
    int opened = 0;    ///< sectors opened so far, -1 when sectors are not interchangeable
    int bound = 0;     ///< a lower bound valid for the task's subtree
    int assigned = 0;  ///< nodes assigned
  };
  [[nodiscard]] Task make_task(const std::vector<int>& part, int opened, int bound) const;
  void unpack(const Task& task, std::vector<int>& part) const;

 private:
  friend class Worker;
  void donate(std::vector<Task>& tasks);

  const Graph& g_;
  Incumbent& best_;
  Clock::time_point deadline_;
  const std::atomic<bool>& stop_;
  long run_nodes_;
  long task_bytes_ = 0;  // bytes of one task's assignment in the pool
  long max_nodes_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Task> pool_;
  int busy_ = 0;
  bool done_ = false;
  int result_;
  std::atomic<int> hungry_{0};
  std::atomic<int> pooled_{0};  // tasks waiting in pool_
  std::atomic<bool> interrupted_{false};
  std::atomic<bool> timed_out_{false};
  std::atomic<long> nodes_{0};
};

}  // namespace maillage::sectors::detail
