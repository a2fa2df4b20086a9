// The independent checker: recomputes everything from the Problem itself (no use of the
// search's contracted graph), so a bug in the search cannot hide behind a shared helper.
#include <algorithm>
#include <string>
#include <vector>

#include "sectors/sectors.hpp"

namespace maillage::sectors {

Status check(const Problem& p, const std::vector<int>& sector) {
  const int n = static_cast<int>(p.weight.size());
  if (static_cast<int>(sector.size()) != n)
    return fail(ErrorCode::invalid_input,
                "the assignment has " + std::to_string(sector.size()) + " entries for " +
                    std::to_string(n) + " units",
                "sector");
  std::vector<std::int64_t> load(std::max(0, p.k), 0);
  std::vector<int> size(std::max(0, p.k), 0);
  for (int i = 0; i < n; ++i) {
    if (sector[i] < 0 || sector[i] >= p.k)
      return fail(ErrorCode::invalid_input,
                  "unit " + std::to_string(i) + " is in sector " + std::to_string(sector[i]) +
                      ", outside 0.." + std::to_string(p.k - 1),
                  "sector");
    load[sector[i]] += p.weight[i];
    ++size[sector[i]];
  }
  for (int s = 0; s < p.k; ++s) {
    if (size[s] == 0)
      return fail(ErrorCode::invalid_input, "sector " + std::to_string(s) + " is empty", "sector");
    if (load[s] < p.lower || load[s] > p.upper)
      return fail(ErrorCode::invalid_input,
                  "sector " + std::to_string(s) + " has workload " + std::to_string(load[s]) +
                      ", outside [" + std::to_string(p.lower) + ", " + std::to_string(p.upper) +
                      "]",
                  "workload");
  }
  for (int i = 0; i < static_cast<int>(p.fixed.size()) && i < n; ++i)
    if (p.fixed[i] >= 0 && p.fixed[i] != sector[i])
      return fail(ErrorCode::invalid_input,
                  "unit " + std::to_string(i) + " is fixed to sector " +
                      std::to_string(p.fixed[i]) + " but assigned to sector " +
                      std::to_string(sector[i]),
                  "fixed");
  for (std::size_t gi = 0; gi < p.together.size(); ++gi)
    for (int u : p.together[gi])
      if (u >= 0 && u < n && sector[u] != sector[p.together[gi].front()])
        return fail(ErrorCode::invalid_input,
                    "together group " + std::to_string(gi) + " is split between sectors " +
                        std::to_string(sector[p.together[gi].front()]) + " and " +
                        std::to_string(sector[u]),
                    "together");
  // Connectivity: one search per sector over the edges whose ends are both in it.
  std::vector<std::vector<int>> adj(n);
  for (const auto& [u, v] : p.edges) {
    if (u < 0 || v < 0 || u >= n || v >= n) continue;
    adj[u].push_back(v);
    adj[v].push_back(u);
  }
  std::vector<char> seen(n, 0);
  std::vector<int> stack;
  for (int s = 0; s < p.k; ++s) {
    int start = 0;
    while (sector[start] != s) ++start;
    int reached = 1;
    seen[start] = 1;
    stack.assign(1, start);
    while (!stack.empty()) {
      const int u = stack.back();
      stack.pop_back();
      for (int v : adj[u])
        if (!seen[v] && sector[v] == s) {
          seen[v] = 1;
          ++reached;
          stack.push_back(v);
        }
    }
    if (reached != size[s])
      return fail(ErrorCode::invalid_input,
                  "sector " + std::to_string(s) + " is not connected (unit " +
                      std::to_string(start) + " reaches " + std::to_string(reached) + " of its " +
                      std::to_string(size[s]) + " units)",
                  "connectivity");
  }
  return {};
}

}  // namespace maillage::sectors
