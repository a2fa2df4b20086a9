#include "sectors/graph.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string>

namespace maillage::sectors {

Bounds bounds_from_deviation(std::int64_t total, int k, double deviation) {
  const double mean = static_cast<double>(total) / std::max(1, k);
  // A hair of slack against rounding: (1 - 0.005) * P / k computed in doubles may land a
  // fraction above an integer that the exact value equals.
  constexpr double eps = 1e-9;
  const auto lower = static_cast<std::int64_t>(std::ceil((1.0 - deviation / 2) * mean - eps));
  const auto upper = static_cast<std::int64_t>(std::floor((1.0 + deviation / 2) * mean + eps));
  return {std::max<std::int64_t>(0, lower), upper};
}

const char* status_name(SolveStatus status) {
  switch (status) {
    case SolveStatus::optimal:
      return "optimal";
    case SolveStatus::feasible:
      return "feasible";
    case SolveStatus::infeasible:
      return "infeasible";
    case SolveStatus::unknown:
      return "unknown";
  }
  return "unknown";
}

}  // namespace maillage::sectors

namespace maillage::sectors::detail {

namespace {

int find(std::vector<int>& parent, int x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

}  // namespace

Result<Graph> contract(const Problem& p) {
  const int n = static_cast<int>(p.weight.size());
  if (p.k < 1) return fail(ErrorCode::invalid_input, "k must be at least 1", "k");
  if (n == 0) return fail(ErrorCode::invalid_input, "the graph has no unit", "weight");
  if (p.lower < 0) return fail(ErrorCode::invalid_input, "lower must not be negative", "lower");
  for (int i = 0; i < n; ++i)
    if (p.weight[i] < 0)
      return fail(ErrorCode::invalid_input, "unit " + std::to_string(i) + " has a negative weight",
                  "weight");
  for (const auto& [u, v] : p.edges)
    if (u < 0 || v < 0 || u >= n || v >= n || u == v)
      return fail(ErrorCode::invalid_input,
                  "edge (" + std::to_string(u) + ", " + std::to_string(v) +
                      ") is not between two distinct units",
                  "edges");
  if (!p.fixed.empty() && static_cast<int>(p.fixed.size()) != n)
    return fail(ErrorCode::invalid_input, "fixed must be empty or have one entry per unit",
                "fixed");
  for (int i = 0; i < static_cast<int>(p.fixed.size()); ++i)
    if (p.fixed[i] < -1 || p.fixed[i] >= p.k)
      return fail(ErrorCode::invalid_input,
                  "unit " + std::to_string(i) + " is fixed to a sector outside 0..k-1", "fixed");
  std::vector<int> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  for (const auto& group : p.together)
    for (int u : group) {
      if (u < 0 || u >= n)
        return fail(ErrorCode::invalid_input,
                    "together group names unit " + std::to_string(u) + ", not a unit", "together");
      parent[find(parent, u)] = find(parent, group.front());
    }
  Graph g;
  g.k = p.k;
  g.lower = p.lower;
  g.upper = p.upper;
  g.node_of.assign(n, -1);
  std::vector<int> node_of_root(n, -1);
  for (int i = 0; i < n; ++i) {
    const int r = find(parent, i);
    if (node_of_root[r] < 0) {
      node_of_root[r] = g.n++;
      g.weight.push_back(0);
      g.fixed.push_back(-1);
    }
    const int node = node_of_root[r];
    g.node_of[i] = node;
    g.weight[node] += p.weight[i];
    g.total += p.weight[i];
    const int f = p.fixed.empty() ? -1 : p.fixed[i];
    if (f >= 0) {
      if (g.fixed[node] >= 0 && g.fixed[node] != f)
        return fail(ErrorCode::invalid_input,
                    "unit " + std::to_string(i) + " is fixed to sector " + std::to_string(f) +
                        " but a unit that must stay with it is fixed to sector " +
                        std::to_string(g.fixed[node]),
                    "fixed");
      g.fixed[node] = f;
    }
  }
  std::map<std::pair<int, int>, int> merged;
  for (const auto& [a, b] : p.edges) {
    int u = g.node_of[a], v = g.node_of[b];
    if (u == v) continue;
    if (u > v) std::swap(u, v);
    ++merged[{u, v}];
  }
  g.adj.assign(g.n, {});
  for (const auto& [uv, w] : merged) {
    const int e = static_cast<int>(g.edges.size());
    g.edges.push_back({uv.first, uv.second, w});
    g.adj[uv.first].push_back({uv.second, e});
    g.adj[uv.second].push_back({uv.first, e});
  }
  // A together group must be connected by its own edges: contracting it is then exact (a sector
  // holding the group is connected in the original graph iff it is in the contracted one).
  std::vector<int> parent2(n);
  std::iota(parent2.begin(), parent2.end(), 0);
  for (const auto& [a, b] : p.edges)
    if (g.node_of[a] == g.node_of[b]) parent2[find(parent2, a)] = find(parent2, b);
  for (std::size_t gi = 0; gi < p.together.size(); ++gi)
    for (int u : p.together[gi])
      if (find(parent2, u) != find(parent2, p.together[gi].front()))
        return fail(ErrorCode::invalid_input,
                    "together group " + std::to_string(gi) + " is not connected by its own edges",
                    "together");
  return g;
}

int cut_of(const Graph& g, const std::vector<int>& part) {
  int cut = 0;
  for (const auto& e : g.edges)
    if (part[e.u] != part[e.v]) cut += e.weight;
  return cut;
}

std::vector<int> components(const Graph& g, int* count) {
  std::vector<int> comp(g.n, -1);
  int c = 0;
  std::vector<int> stack;
  for (int s = 0; s < g.n; ++s) {
    if (comp[s] >= 0) continue;
    comp[s] = c;
    stack.assign(1, s);
    while (!stack.empty()) {
      const int u = stack.back();
      stack.pop_back();
      for (const auto& [v, e] : g.adj[u])
        if (comp[v] < 0) {
          comp[v] = c;
          stack.push_back(v);
        }
    }
    ++c;
  }
  if (count) *count = c;
  return comp;
}

std::vector<int> reach_in_sector(const Graph& g, const std::vector<int>& part, int from) {
  std::vector<char> seen(g.n, 0);
  std::vector<int> out{from};
  seen[from] = 1;
  for (std::size_t i = 0; i < out.size(); ++i)
    for (const auto& [v, e] : g.adj[out[i]])
      if (!seen[v] && part[v] == part[from]) {
        seen[v] = 1;
        out.push_back(v);
      }
  return out;
}

std::vector<std::vector<std::vector<int>>> pieces(const Graph& g, const std::vector<int>& part) {
  std::vector<std::vector<std::vector<int>>> out(g.k);
  std::vector<char> seen(g.n, 0);
  for (int s = 0; s < g.n; ++s) {
    if (seen[s]) continue;
    auto piece = reach_in_sector(g, part, s);
    for (int v : piece) seen[v] = 1;
    out[part[s]].push_back(std::move(piece));
  }
  return out;
}

bool feasible(const Graph& g, const std::vector<int>& part) {
  if (static_cast<int>(part.size()) != g.n) return false;
  std::vector<std::int64_t> load(g.k, 0);
  for (int i = 0; i < g.n; ++i) {
    if (part[i] < 0 || part[i] >= g.k) return false;
    if (g.fixed[i] >= 0 && g.fixed[i] != part[i]) return false;
    load[part[i]] += g.weight[i];
  }
  for (std::int64_t l : load)
    if (l < g.lower || l > g.upper) return false;
  const auto ps = pieces(g, part);
  for (const auto& sector : ps)
    if (sector.size() != 1) return false;
  return true;
}

std::vector<int> expand(const Graph& g, const std::vector<int>& part) {
  std::vector<int> out(g.node_of.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = part[g.node_of[i]];
  return out;
}

}  // namespace maillage::sectors::detail
