// A lower bound on the cut of every feasible partition that extends a partial assignment of nodes
// to sectors, for the combinatorial branch and bound (bnb.cpp). Internal to the engine; the
// argument is in README.md ("Combinatorial branch and bound").
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "sectors/graph.hpp"

namespace maillage::sectors::detail {

/// Returned when no feasible partition extends the partial assignment.
inline constexpr int kNoCompletion = std::numeric_limits<int>::max() / 2;

/// Reusable scratch space: one per search thread (not thread-safe).
class PartialBound {
 public:
  explicit PartialBound(const Graph& g);

  /// `part[v]` is a sector 0..k-1 or -1 (free). A lower bound on cut_of(g, p) over every
  /// feasible p (connected sectors within the bounds, fixed nodes respected) with p[v] == part[v]
  /// for every assigned v; kNoCompletion when there is provably none. Sums three disjoint
  /// counts: edges already cut, edge-disjoint paths between differently assigned nodes, and the
  /// cells of the packing argument, which use edges no path uses.
  ///
  /// `cutoff`: the caller discards the node when the bound reaches it; the computation then stops
  /// at the first partial count that does (the value returned is a lower bound >= cutoff, not the
  /// full bound, and branch_node() is not chosen).
  int operator()(const std::vector<int>& part, int cutoff = kNoCompletion);

  /// After a call that returned a bound: a free node worth branching on (-1 when none is free).
  [[nodiscard]] int branch_node() const { return branch_; }
  /// After a call that returned a bound: free nodes whose sector the bound deduced, as
  /// (node, sector); valid for every feasible completion of the partial assignment.
  [[nodiscard]] const std::vector<std::pair<int, int>>& forced() const { return forced_; }

 private:
  bool propagate();
  int bounded(const std::vector<int>& part, int bound);
  void choose_branch(const std::vector<int>& part, int free_nodes);
  bool connectivity(const std::vector<int>& part);
  int max_flow(const std::vector<int>& part, int i, unsigned sinks);
  int flows(const std::vector<int>& part, unsigned open);
  int packing(const std::vector<int>& part, unsigned roots, unsigned needy);
  int grow_cells(const std::vector<int>& part, unsigned roots, int outside);

  const Graph& g_;
  std::vector<std::int64_t> load_;
  std::vector<int> part_;  // the partial assignment with the forced nodes
  std::vector<int> size_, around_;
  std::vector<unsigned> excluded_;
  std::vector<std::int64_t> dist_;
  std::vector<std::pair<int, int>> forced_;
  // Flow state: units of each edge's weight used by earlier rounds, flow of the current round
  // (positive from edges[e].u to edges[e].v).
  std::vector<int> used_, flow_, touched_;
  std::vector<int> parent_edge_, stamp_, mark_, queue_;
  int epoch_ = 0;
  // Cells of the packing bound.
  std::vector<int> cell_of_, cell_members_, cell_start_, cell_scan_;
  std::vector<std::vector<int>> members_;
  std::vector<std::int64_t> cell_weight_;
  std::vector<std::int64_t> sorted_;
  std::vector<std::pair<std::int64_t, int>> heap_;  // Dijkstra's and the cells' heap
  std::int64_t unattached_ = 0;
  int branch_ = -1;
  int cutoff_ = kNoCompletion;
};

}  // namespace maillage::sectors::detail
