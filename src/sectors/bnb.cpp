#include "sectors/bnb.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "sectors/bound.hpp"

namespace maillage::sectors::detail {

namespace {

// A depth-first search over partial assignments, undoing its changes on the way back.
class Search {
 public:
  Search(const Graph& g, Incumbent& best, Clock::time_point deadline,
         const std::atomic<bool>& stop)
      : g_(g), best_(best), deadline_(deadline), stop_(stop), bound_(g) {}

  // Explores the subtree of `part` (modified in place and restored). Returns a lower bound on
  // the cut of every feasible completion in the subtree, or a value >= the cutoff when the
  // subtree holds nothing better (kNoCompletion: nothing feasible). When interrupted, the
  // bound of what is left unexplored.
  int explore(std::vector<int>& part, int opened) {
    ++nodes_;
    if ((nodes_ & 63) == 0 && (stop_.load(std::memory_order_relaxed) || Clock::now() >= deadline_))
      interrupted_ = true;
    const int cutoff = cutoff_now();
    const int b = bound_(part);
    if (b >= cutoff || interrupted_) return b;
    const int v = bound_.branch_node();
    if (v < 0) {  // every node assigned: b is the cut
      if (!feasible(g_, part)) return kNoCompletion;
      best_.offer(part, b);
      return b;
    }
    const bool symmetric = opened >= 0;
    const int labels = symmetric ? std::min(g_.k, opened + 1) : g_.k;
    int result = kNoCompletion;
    for (int j = 0; j < labels; ++j) {
      part[v] = j;
      const int r = explore(part, symmetric ? std::max(opened, j + 1) : -1);
      result = std::min(result, r);
    }
    part[v] = -1;
    return result;
  }

  [[nodiscard]] bool interrupted() const { return interrupted_; }
  [[nodiscard]] long nodes() const { return nodes_; }

 private:
  int cutoff_now() const {
    const int c = best_.cut();
    return c < 0 ? kNoCompletion : c;
  }

  const Graph& g_;
  Incumbent& best_;
  Clock::time_point deadline_;
  const std::atomic<bool>& stop_;
  PartialBound bound_;
  long nodes_ = 0;
  bool interrupted_ = false;
};

}  // namespace

ExactResult branch_and_bound(const Graph& g, Incumbent& best, Clock::time_point deadline,
                             const std::atomic<bool>& stop, int threads) {
  (void)threads;
  ExactResult out;
  std::vector<int> part(g.fixed);
  // Without fixed nodes the sectors are interchangeable: a node may open only the next new one.
  const bool symmetric = std::all_of(g.fixed.begin(), g.fixed.end(), [](int f) { return f < 0; });
  Search search(g, best, deadline, stop);
  const int r = search.explore(part, symmetric ? 0 : -1);
  const int incumbent = best.cut();
  if (!search.interrupted()) {
    out.proven = true;
    out.infeasible = incumbent < 0;
    out.lower_bound = incumbent < 0 ? 0 : incumbent;
  } else {
    out.lower_bound = incumbent < 0 ? r : std::min(r, incumbent);
    if (out.lower_bound >= kNoCompletion) out.lower_bound = 0;
  }
  if (std::getenv("MAILLAGE_SECTORS_DEBUG"))
    std::fprintf(stderr, "bnb: %ld nodes, bound %d, interrupted %d\n", search.nodes(), r,
                 search.interrupted() ? 1 : 0);
  out.rounds = static_cast<int>(std::min<long>(search.nodes(), 2000000000L));
  return out;
}

}  // namespace maillage::sectors::detail
