// The branch and bound's lower bound (bound.hpp): values worked out by hand on small graphs, and
// on random small graphs against brute force, for random partial assignments: the bound never
// exceeds the best cut of a feasible completion, "no completion" only when there is none, and
// every node it deduces has that sector in every feasible completion.
#include "sectors/bound.hpp"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "sectors/bnb.hpp"
#include "sectors/graph.hpp"
#include "sectors/graphs.hpp"

namespace maillage::sectors {
namespace {

using detail::kNoCompletion;
using detail::PartialBound;
using testing::cycle_edges;
using testing::path_edges;
using testing::unit_weights;

detail::Graph graph_of(const Problem& p) {
  auto g = detail::contract(p);
  EXPECT_TRUE(g.has_value());
  return *g;
}

TEST(PartialBound, PathWithBothEndsAssignedCountsOnePath) {
  // 0-1-2-3, two sectors of 2: ends apart, one path between them, one cut edge at best.
  const auto g = graph_of(unit_weights(4, path_edges(4), 2, 2, 2));
  PartialBound bound(g);
  EXPECT_EQ(bound({0, -1, -1, 1}), 1);
}

TEST(PartialBound, CycleWithTwoOppositeNodesCountsTwoDisjointPaths) {
  const auto g = graph_of(unit_weights(6, cycle_edges(6), 2, 3, 3));
  PartialBound bound(g);
  EXPECT_EQ(bound({0, -1, -1, 1, -1, -1}), 2);
}

TEST(PartialBound, AssignedNeighboursInTwoSectorsAreCut) {
  const auto g = graph_of(unit_weights(4, path_edges(4), 2, 2, 2));
  PartialBound bound(g);
  EXPECT_EQ(bound({0, 0, 1, 1}), 1);
}

TEST(PartialBound, PackingCountsTheLegsTheSecondSectorMustEnter) {
  // A spider: centre 0 and four legs of two nodes (1-2, 3-4, 5-6, 7-8) whose tips are joined in
  // a path 2-4-6-8; unit weights, two sectors of 4 or 5. With the centre in sector 0 and sector
  // 1 still empty, the cells hanging from the centre are the four legs (weight 2 each): sector 1
  // needs 4 of workload, so it enters two legs, each costing a cut edge. (The optimum is 3, for
  // example {1, 2, 3, 4}.)
  std::vector<std::pair<int, int>> edges{{0, 1}, {1, 2}, {0, 3}, {3, 4}, {0, 5}, {5, 6},
                                         {0, 7}, {7, 8}, {2, 4}, {4, 6}, {6, 8}};
  const auto g = graph_of(unit_weights(9, edges, 2, 4, 5));
  PartialBound bound(g);
  std::vector<int> part(9, -1);
  part[0] = 0;
  EXPECT_EQ(bound(part), 2);
}

TEST(PartialBound, SeesThatAnEmptySectorHasNoRoomLeft) {
  // The same spider without the path between the tips: once the centre is in sector 0, sector
  // 1 must be a connected set of free nodes of weight 4, but the legs weigh 2: no completion.
  std::vector<std::pair<int, int>> edges{{0, 1}, {1, 2}, {0, 3}, {3, 4},
                                         {0, 5}, {5, 6}, {0, 7}, {7, 8}};
  const auto g = graph_of(unit_weights(9, edges, 2, 4, 5));
  PartialBound bound(g);
  std::vector<int> part(9, -1);
  part[0] = 0;
  EXPECT_EQ(bound(part), kNoCompletion);
}

TEST(PartialBound, WorkloadReachForcesAndKillsAssignments) {
  // Path 0-1-2-3-4-5 with weights 3,1,1,1,1,3, two sectors in [5, 5]. Node 0 in sector 0:
  // sector 0 may take only 2 more, so it cannot reach nodes 3..5; they are forced into sector 1.
  Problem p = unit_weights(6, path_edges(6), 2, 5, 5);
  p.weight = {3, 1, 1, 1, 1, 3};
  const auto g = graph_of(p);
  PartialBound bound(g);
  EXPECT_EQ(bound({0, -1, -1, -1, -1, 1}), 1);
  std::vector<std::pair<int, int>> forced = bound.forced();
  std::sort(forced.begin(), forced.end());
  EXPECT_EQ(forced, (std::vector<std::pair<int, int>>{{1, 0}, {2, 0}, {3, 1}, {4, 1}}));
  // Node 3 in sector 0 would need 0..3 (weight 6 > 5): no completion.
  EXPECT_EQ(bound({0, -1, -1, 0, -1, 1}), kNoCompletion);
}

// Every assignment of the n nodes to k sectors; the feasible ones with their cut.
std::vector<std::pair<std::vector<int>, int>> feasible_partitions(const detail::Graph& g) {
  std::vector<std::pair<std::vector<int>, int>> out;
  std::vector<int> part(g.n, 0);
  for (;;) {
    if (detail::feasible(g, part)) out.emplace_back(part, detail::cut_of(g, part));
    int i = 0;
    while (i < g.n && ++part[i] == g.k) part[i++] = 0;
    if (i == g.n) break;
  }
  return out;
}

Problem random_problem(std::mt19937_64& rng) {
  Problem p;
  p.k = 2 + static_cast<int>(rng() % 3);  // 2..4
  const int n = p.k == 4 ? 5 + static_cast<int>(rng() % 3) : 4 + static_cast<int>(rng() % 5);
  const bool heavy = rng() % 3 == 0;  // skewed workloads, like populations
  for (int i = 0; i < n; ++i)
    p.weight.push_back(heavy ? 1 + static_cast<std::int64_t>(rng() % 40)
                             : 1 + static_cast<std::int64_t>(rng() % 4));
  for (int i = 1; i < n; ++i) p.edges.emplace_back(static_cast<int>(rng() % i), i);
  const int extra = static_cast<int>(rng() % (n + 1));
  for (int t = 0; t < extra; ++t) {
    int a = static_cast<int>(rng() % n), b = static_cast<int>(rng() % n);
    if (a == b) continue;
    if (a > b) std::swap(a, b);
    if (std::find(p.edges.begin(), p.edges.end(), std::make_pair(a, b)) == p.edges.end())
      p.edges.emplace_back(a, b);
  }
  if (rng() % 8 == 0 && n > 4) {  // an island: the last node loses its edges
    std::erase_if(p.edges, [&](const auto& e) { return e.first == n - 1 || e.second == n - 1; });
  }
  std::int64_t total = 0;
  for (auto w : p.weight) total += w;
  const double deviations[] = {0.05, 0.2, 0.5, 1.0};
  const auto b = bounds_from_deviation(total, p.k, deviations[rng() % 4]);
  p.lower = b.lower;
  p.upper = std::max(b.lower, b.upper);
  if (rng() % 6 == 0) {
    p.fixed.assign(n, -1);
    p.fixed[rng() % n] = static_cast<int>(rng() % p.k);
  }
  return p;
}

TEST(PartialBound, NeverExceedsTheBestFeasibleCompletionOnRandomGraphs) {
  std::mt19937_64 rng(20261207);
  int checked = 0, dead = 0, infeasible = 0, tight = 0, stopped = 0;
  for (int round = 0; round < 300; ++round) {
    const Problem p = random_problem(rng);
    const auto g = graph_of(p);
    const auto all = feasible_partitions(g);
    if (all.empty()) ++infeasible;
    PartialBound bound(g);
    for (int trial = 0; trial < 12; ++trial) {
      // A partial assignment: part of a feasible partition (or of a random one), the rest free.
      std::vector<int> part(g.n);
      if (!all.empty() && trial % 3 != 2)
        part = all[rng() % all.size()].first;
      else
        for (int& s : part) s = static_cast<int>(rng() % g.k);
      const int keep = static_cast<int>(rng() % (g.n + 1));
      for (int v = 0; v < g.n; ++v)
        if (static_cast<int>(rng() % g.n) >= keep && g.fixed[v] < 0) part[v] = -1;
      for (int v = 0; v < g.n; ++v)
        if (g.fixed[v] >= 0) part[v] = g.fixed[v];
      int best = kNoCompletion;
      std::vector<const std::vector<int>*> completions;
      for (const auto& [q, cut] : all) {
        bool agrees = true;
        for (int v = 0; v < g.n && agrees; ++v) agrees = part[v] < 0 || part[v] == q[v];
        if (!agrees) continue;
        completions.push_back(&q);
        best = std::min(best, cut);
      }
      const int b = bound(part);
      SCOPED_TRACE("round " + std::to_string(round) + " trial " + std::to_string(trial) +
                   ": n=" + std::to_string(g.n) + " k=" + std::to_string(g.k) + " [" +
                   std::to_string(g.lower) + ", " + std::to_string(g.upper) + "]");
      ++checked;
      if (b >= kNoCompletion) {
        ++dead;
        EXPECT_TRUE(completions.empty()) << "no completion claimed, best is " << best;
        continue;
      }
      if (!completions.empty()) {
        EXPECT_LE(b, best);
        tight += b == best;
      }
      for (const auto& [v, j] : bound.forced())
        for (const auto* q : completions) EXPECT_EQ((*q)[v], j) << "node " << v << " forced";
      // With a cutoff the computation may stop early: the value is then at least the cutoff
      // (the node is discarded) and still a lower bound; below the cutoff it is the full bound.
      if (b > 0) {
        const int cutoff = static_cast<int>(rng() % static_cast<unsigned>(b + 2));
        const int early = bound(part, cutoff);
        if (early < cutoff) {
          EXPECT_EQ(early, b);
        } else {
          ++stopped;
        }
        if (!completions.empty()) {
          EXPECT_LE(early, best);
        }
      }
    }
  }
  // The generator must exercise every outcome.
  EXPECT_GT(dead, 50);
  EXPECT_GT(infeasible, 10);
  EXPECT_GT(tight, 200);
  EXPECT_GT(checked, 3000);
  EXPECT_GT(stopped, 300);
}

// The tree search alone (no heuristic incumbent), two threads, handing its open nodes back to
// the pool at every node (the default: best first) or every 3 nodes, so that sharing and the
// pool's order are exercised: it proves the brute-force optimum, or infeasibility.
TEST(TreeSearch, ProvesTheBruteForceOptimumWhileSpillingEveryFewNodes) {
  std::mt19937_64 rng(7);
  int feasible = 0, infeasible = 0;
  for (int round = 0; round < 240; ++round) {
    const Problem p = random_problem(rng);
    const auto g = graph_of(p);
    const auto all = feasible_partitions(g);
    SCOPED_TRACE("round " + std::to_string(round));
    detail::Incumbent best;
    std::atomic<bool> stop{false};
    detail::TreeSearch tree(g, best, detail::Clock::now() + std::chrono::seconds(60), stop,
                            round % 2 == 0 ? 1 : 3);
    std::thread other([&] { tree.work(); });
    tree.work();
    other.join();
    const auto r = tree.result();
    ASSERT_TRUE(r.proven);
    if (all.empty()) {
      ++infeasible;
      EXPECT_TRUE(r.infeasible);
      EXPECT_EQ(best.cut(), -1);
      continue;
    }
    ++feasible;
    int optimum = kNoCompletion;
    for (const auto& [q, cut] : all) optimum = std::min(optimum, cut);
    EXPECT_FALSE(r.infeasible);
    EXPECT_EQ(best.cut(), optimum);
    EXPECT_EQ(r.lower_bound, optimum);
    EXPECT_TRUE(detail::feasible(g, best.part()));
  }
  EXPECT_GT(feasible, 80);
  EXPECT_GT(infeasible, 20);
}

// 260 sectors of one unit each on a path: past 254 sectors the pool stores its tasks as ints
// instead of bytes; every node spills (best first), and the search still proves the cut, 259.
// (Beyond 30 sectors the bound is the cut edges alone; it used to choose no branching node
// there, which "proved" every such problem infeasible: 31 sectors already failed.)
TEST(TreeSearch, ManySectorsKeepTheirLabelsInThePool) {
  const int n = 260;
  const auto g = graph_of(unit_weights(n, path_edges(n), n, 1, 1));
  detail::Incumbent best;
  std::atomic<bool> stop{false};
  detail::TreeSearch tree(g, best, detail::Clock::now() + std::chrono::seconds(120), stop);
  std::thread other([&] { tree.work(); });
  tree.work();
  other.join();
  const auto r = tree.result();
  ASSERT_TRUE(r.proven);
  EXPECT_FALSE(r.infeasible);
  EXPECT_EQ(best.cut(), n - 1);
  const auto part = best.part();
  std::vector<int> seen(n, 0);
  for (int s : part) {
    ASSERT_GE(s, 0);
    ASSERT_LT(s, n);
    EXPECT_EQ(++seen[s], 1);
  }
}

// Stopped early (after a few hundred microseconds, or at once), the tree search's bound is still
// a lower bound: never above the brute-force optimum.
TEST(TreeSearch, AnInterruptedSearchStillReportsAValidBound) {
  std::mt19937_64 rng(11);
  int interrupted = 0;
  for (int round = 0; round < 150; ++round) {
    const Problem p = random_problem(rng);
    const auto g = graph_of(p);
    const auto all = feasible_partitions(g);
    SCOPED_TRACE("round " + std::to_string(round));
    detail::Incumbent best;
    std::atomic<bool> stop{round % 3 == 0};
    detail::TreeSearch tree(g, best, detail::Clock::now() + std::chrono::microseconds(300), stop,
                            round % 2 == 0 ? 1 : 2);
    tree.work();
    const auto r = tree.result();
    interrupted += !r.proven;
    if (all.empty()) continue;
    int optimum = kNoCompletion;
    for (const auto& [q, cut] : all) optimum = std::min(optimum, cut);
    EXPECT_LE(r.lower_bound, optimum);
    if (r.proven) {
      EXPECT_EQ(r.lower_bound, optimum);
    }
  }
  EXPECT_GT(interrupted, 40);
}

}  // namespace
}  // namespace maillage::sectors
