// Invariants on random small graphs, against an independent exact oracle: brute-force
// enumeration of every assignment of units to sectors, each judged by the checker.
#include <gtest/gtest.h>

#include <random>

#include "sectors/graphs.hpp"
#include "sectors/sectors.hpp"

namespace maillage::sectors {
namespace {

struct Oracle {
  bool feasible = false;
  int best_cut = 0;
};

Oracle brute_force(const Problem& p) {
  const int n = static_cast<int>(p.weight.size());
  std::vector<int> sector(n, 0);
  Oracle out;
  for (;;) {
    if (check(p, sector)) {
      int cut = 0;
      for (const auto& [u, v] : p.edges) cut += sector[u] != sector[v];
      if (!out.feasible || cut < out.best_cut) out.best_cut = cut;
      out.feasible = true;
    }
    int i = 0;
    while (i < n && ++sector[i] == p.k) sector[i++] = 0;
    if (i == n) break;
  }
  return out;
}

// A random graph: a random tree (so most are connected) plus extra edges; sometimes an island.
Problem random_problem(std::mt19937_64& rng) {
  Problem p;
  p.k = 2 + static_cast<int>(rng() % 3);  // 2..4
  // At most 4^7, 3^8 or 2^10 assignments to enumerate.
  const int n = 4 + static_cast<int>(rng() % (p.k == 4 ? 4 : p.k == 3 ? 5 : 7));
  const bool skewed = rng() % 3 == 0;  // a few heavy units, like populations
  for (int i = 0; i < n; ++i)
    p.weight.push_back(1 + static_cast<std::int64_t>(rng() % (skewed ? 50 : 5)));
  const bool island = rng() % 6 == 0;
  for (int i = 1; i < n; ++i) {
    if (island && i == n - 1) break;  // the last unit alone
    p.edges.emplace_back(static_cast<int>(rng() % i), i);
  }
  const int extra = static_cast<int>(rng() % n);
  for (int t = 0; t < extra; ++t) {
    int a = static_cast<int>(rng() % n), b = static_cast<int>(rng() % n);
    if (a == b || (island && (a == n - 1 || b == n - 1))) continue;
    if (a > b) std::swap(a, b);
    if (std::find(p.edges.begin(), p.edges.end(), std::make_pair(a, b)) == p.edges.end())
      p.edges.emplace_back(a, b);
  }
  std::int64_t total = 0;
  for (auto w : p.weight) total += w;
  const double deviations[] = {0.1, 0.3, 0.6, 1.0};
  const auto b = bounds_from_deviation(total, p.k, deviations[rng() % 4]);
  p.lower = b.lower;
  p.upper = std::max(b.lower, b.upper);
  if (rng() % 5 == 0) {  // a fixed unit
    p.fixed.assign(n, -1);
    p.fixed[rng() % n] = static_cast<int>(rng() % p.k);
  }
  if (rng() % 5 == 0 && !p.edges.empty()) {  // an adjacent pair kept together
    const auto& e = p.edges[rng() % p.edges.size()];
    p.together = {{e.first, e.second}};
  }
  return p;
}

TEST(RandomGraphs, SolveMatchesBruteForceAndPassesTheChecker) {
  std::mt19937_64 rng(20261206);
  int feasible = 0, infeasible = 0;
  for (int round = 0; round < 60; ++round) {
    const Problem p = random_problem(rng);
    SCOPED_TRACE("round " + std::to_string(round) + ": n=" + std::to_string(p.weight.size()) +
                 " k=" + std::to_string(p.k) + " bounds [" + std::to_string(p.lower) + ", " +
                 std::to_string(p.upper) + "]");
    const auto oracle = brute_force(p);
    const auto s = solve(p, testing::quick());
    ASSERT_TRUE(s.has_value()) << s.error().describe();
    if (oracle.feasible) {
      ++feasible;
      ASSERT_EQ(s->status, SolveStatus::optimal);
      EXPECT_EQ(s->cut_edges, oracle.best_cut);
      EXPECT_EQ(s->lower_bound, oracle.best_cut);
      const auto c = check(p, s->sector);
      EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().describe());
    } else {
      ++infeasible;
      EXPECT_EQ(s->status, SolveStatus::infeasible);
      EXPECT_TRUE(s->sector.empty());
    }
  }
  // The generator must exercise both outcomes.
  EXPECT_GT(feasible, 20);
  EXPECT_GT(infeasible, 5);
}

}  // namespace
}  // namespace maillage::sectors
