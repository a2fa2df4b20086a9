// The graph the search works on: the problem's units with every `together` group contracted to
// one node (parallel edges merged into a weight, edges inside a group dropped: they are never
// cut), fixed sectors carried over. Internal to the engine.
#pragma once

#include <cstdint>
#include <vector>

#include "common/error.hpp"
#include "sectors/sectors.hpp"

namespace maillage::sectors::detail {

struct Edge {
  int u = 0, v = 0;
  int weight = 1;  ///< number of original edges it stands for
};

struct Graph {
  int n = 0;
  int k = 2;
  std::int64_t lower = 0, upper = 0;
  std::vector<std::int64_t> weight;
  std::vector<Edge> edges;
  std::vector<std::vector<std::pair<int, int>>> adj;  ///< (neighbour, edge index)
  std::vector<int> fixed;                             ///< per node: sector or -1
  std::vector<int> node_of;                           ///< per original unit: its node
  std::int64_t total = 0;
};

/// Validates the problem (invalid_input naming the field) and contracts it.
[[nodiscard]] Result<Graph> contract(const Problem& problem);

/// Sum of the weights of the edges whose ends lie in different sectors.
[[nodiscard]] int cut_of(const Graph& g, const std::vector<int>& part);

/// Connected components of the whole graph: component index per node, and their count.
[[nodiscard]] std::vector<int> components(const Graph& g, int* count);

/// Nodes of `sector` that are in the same component (within the sector) as `from`.
[[nodiscard]] std::vector<int> reach_in_sector(const Graph& g, const std::vector<int>& part,
                                               int from);

/// Per sector, its connected pieces (lists of nodes); a connected sector has one piece.
[[nodiscard]] std::vector<std::vector<std::vector<int>>> pieces(const Graph& g,
                                                                const std::vector<int>& part);

/// True when every sector is non-empty and connected and every workload lies within the bounds.
[[nodiscard]] bool feasible(const Graph& g, const std::vector<int>& part);

/// The partition of the original units from a partition of the nodes.
[[nodiscard]] std::vector<int> expand(const Graph& g, const std::vector<int>& part);

}  // namespace maillage::sectors::detail
