// solve() on small graphs whose optimum is known by hand: the expected cut, the proof
// (status optimal, lower bound equal to the cut) and a partition the checker accepts.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "sectors/graphs.hpp"
#include "sectors/sectors.hpp"

namespace maillage::sectors {
namespace {

using testing::cycle_edges;
using testing::grid_edges;
using testing::path_edges;
using testing::quick;
using testing::unit_weights;

Solution solved(const Problem& p) {
  auto s = solve(p, quick());
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().describe());
  if (!s) return {};
  if (!s->sector.empty()) {
    const auto c = check(p, s->sector);
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().describe());
  }
  return *s;
}

void expect_optimum(const Problem& p, int cut) {
  const auto s = solved(p);
  EXPECT_EQ(s.status, SolveStatus::optimal);
  EXPECT_EQ(s.cut_edges, cut);
  EXPECT_EQ(s.lower_bound, cut);
  ASSERT_EQ(s.workload.size(), static_cast<std::size_t>(p.k));
  std::int64_t total = 0;
  for (auto w : s.workload) {
    EXPECT_GE(w, p.lower);
    EXPECT_LE(w, p.upper);
    total += w;
  }
  EXPECT_EQ(total,
            static_cast<std::int64_t>(p.weight.size()) * (p.weight.empty() ? 0 : p.weight[0]));
}

TEST(BoundsFromDeviation, IsHalfTheDeviationEitherSideOfTheMean) {
  // ME county of the districting benchmark: P = 1 328 361, k = 2, ±0.5 %.
  const auto b = bounds_from_deviation(1328361, 2, 0.01);
  EXPECT_EQ(b.lower, 660860);
  EXPECT_EQ(b.upper, 667501);
  const auto exact = bounds_from_deviation(100, 4, 0.0);
  EXPECT_EQ(exact.lower, 25);
  EXPECT_EQ(exact.upper, 25);
}

TEST(Solve, OneSectorIsTheWholeConnectedGraphWithNoCut) {
  expect_optimum(unit_weights(5, path_edges(5), 1, 5, 5), 0);
}

TEST(Solve, PathSplitsInTheMiddle) {
  const auto p = unit_weights(4, path_edges(4), 2, 2, 2);
  const auto s = solved(p);
  EXPECT_EQ(s.cut_edges, 1);
  EXPECT_EQ(s.status, SolveStatus::optimal);
  EXPECT_EQ(s.sector[0], s.sector[1]);
  EXPECT_EQ(s.sector[2], s.sector[3]);
  EXPECT_NE(s.sector[1], s.sector[2]);
}

TEST(Solve, CycleCutsTwiceForTwoSectorsAndThriceForThree) {
  expect_optimum(unit_weights(6, cycle_edges(6), 2, 3, 3), 2);
  expect_optimum(unit_weights(6, cycle_edges(6), 3, 2, 2), 3);
}

TEST(Solve, ThreeByThreeGridInThreeSectorsOfThreeCutsSix) {
  // A 3-unit sector has at most 2 inner edges (the grid has no triangle): 12 - 3 * 2 = 6.
  expect_optimum(unit_weights(9, grid_edges(3, 3), 3, 3, 3), 6);
}

TEST(Solve, FourByFourGridInHalvesCutsFour) {
  expect_optimum(unit_weights(16, grid_edges(4, 4), 2, 8, 8), 4);
}

TEST(Solve, StarLeavesOneLeafAlone) {
  // Centre 0 and four leaves: the sector without the centre is one leaf.
  expect_optimum(unit_weights(5, {{0, 1}, {0, 2}, {0, 3}, {0, 4}}, 2, 1, 4), 1);
}

TEST(Solve, TwoTrianglesSplitAtTheirBridge) {
  const auto p = unit_weights(6, {{0, 1}, {1, 2}, {0, 2}, {2, 3}, {3, 4}, {4, 5}, {3, 5}}, 2, 3, 3);
  const auto s = solved(p);
  EXPECT_EQ(s.status, SolveStatus::optimal);
  EXPECT_EQ(s.cut_edges, 1);
  EXPECT_NE(s.sector[2], s.sector[3]);
}

TEST(Solve, WeightsNotCountsAreBalanced) {
  // Path 0-1-2-3 with weights 3,1,1,1: only {0} | {1,2,3} balances (3 and 3).
  Problem p = unit_weights(4, path_edges(4), 2, 3, 3);
  p.weight = {3, 1, 1, 1};
  const auto s = solved(p);
  EXPECT_EQ(s.status, SolveStatus::optimal);
  EXPECT_EQ(s.cut_edges, 1);
  EXPECT_NE(s.sector[0], s.sector[1]);
  EXPECT_EQ(s.sector[1], s.sector[3]);
}

TEST(Solve, FixedUnitsKeepTheirSector) {
  Problem p = unit_weights(4, path_edges(4), 2, 1, 3);
  p.fixed = {1, -1, -1, 0};
  const auto s = solved(p);
  EXPECT_EQ(s.status, SolveStatus::optimal);
  EXPECT_EQ(s.cut_edges, 1);
  EXPECT_EQ(s.sector[0], 1);
  EXPECT_EQ(s.sector[3], 0);
}

TEST(Solve, TogetherGroupMovesTheBorder) {
  // Path of six: the balanced split {0,1,2} | {3,4,5} would cut the group {2,3}.
  Problem p = unit_weights(6, path_edges(6), 2, 3, 3);
  p.together = {{2, 3}};
  EXPECT_EQ(solved(p).status, SolveStatus::infeasible);
  p.lower = 2;
  p.upper = 4;
  const auto s = solved(p);
  EXPECT_EQ(s.status, SolveStatus::optimal);
  EXPECT_EQ(s.cut_edges, 1);
  EXPECT_EQ(s.sector[2], s.sector[3]);
}

TEST(Solve, IslandsEachMakeASector) {
  // Two triangles with no edge between them.
  const auto p = unit_weights(6, {{0, 1}, {1, 2}, {0, 2}, {3, 4}, {4, 5}, {3, 5}}, 2, 3, 3);
  const auto s = solved(p);
  EXPECT_EQ(s.status, SolveStatus::optimal);
  EXPECT_EQ(s.cut_edges, 0);
  // Three sectors: one triangle is split in 1 + 2, cutting two of its edges.
  auto three = p;
  three.k = 3;
  three.lower = 1;
  expect_optimum(three, 2);
}

TEST(Solve, IslandsThatCannotBeGroupedAreInfeasible) {
  // Two triangles in one sector: never connected.
  const auto p = unit_weights(6, {{0, 1}, {1, 2}, {0, 2}, {3, 4}, {4, 5}, {3, 5}}, 1, 6, 6);
  const auto s = solved(p);
  EXPECT_EQ(s.status, SolveStatus::infeasible);
  EXPECT_TRUE(s.sector.empty());
}

TEST(Solve, InfeasibleStarReportsTheSmallestDeviationThatWorks) {
  // Centre 0 and four leaves, sectors of 2 or 3 units: the sector without the centre is a single
  // leaf (1 unit), so nothing fits. The only shape that works is leaf | rest (1 and 4 around a
  // mean of 2.5): deviation 2 * 1.5 / 2.5 = 1.2.
  const auto p = unit_weights(5, {{0, 1}, {0, 2}, {0, 3}, {0, 4}}, 2, 2, 3);
  const auto s = solved(p);
  EXPECT_EQ(s.status, SolveStatus::infeasible);
  ASSERT_TRUE(s.smallest_feasible_deviation.has_value());
  EXPECT_NEAR(*s.smallest_feasible_deviation, 1.2, 1e-6);
}

TEST(Solve, AnEmptyWorkloadWindowIsInfeasible) {
  EXPECT_EQ(solved(unit_weights(4, path_edges(4), 2, 3, 2)).status, SolveStatus::infeasible);
}

TEST(Solve, MoreSectorsThanUnitsIsInfeasible) {
  EXPECT_EQ(solved(unit_weights(2, path_edges(2), 3, 0, 2)).status, SolveStatus::infeasible);
}

TEST(Solve, ProgressIsReportedAndCancelStops) {
  const auto p = unit_weights(16, grid_edges(4, 4), 2, 8, 8);
  Options o = quick();
  int calls = 0;
  o.on_progress = [&](const Progress& pr) {
    ++calls;
    EXPECT_GE(pr.seconds, 0);
    EXPECT_FALSE(pr.phase.empty());
  };
  ASSERT_TRUE(solve(p, o).has_value());
  EXPECT_GT(calls, 0);
  std::atomic<bool> cancel{true};
  o.cancel = &cancel;
  const auto s = solve(p, o);
  ASSERT_TRUE(s.has_value());
  EXPECT_NE(s->status, SolveStatus::infeasible);  // stopped, not a proof
}

TEST(Solve, RejectsMalformedProblems) {
  auto bad = [](Problem p, const char* field) {
    const auto s = solve(p, quick());
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(s.error().field, field) << s.error().message;
  };
  auto p = unit_weights(4, path_edges(4), 2, 2, 2);
  auto q = p;
  q.k = 0;
  bad(q, "k");
  q = p;
  q.edges.emplace_back(0, 7);
  bad(q, "edges");
  q = p;
  q.weight[1] = -1;
  bad(q, "weight");
  q = p;
  q.lower = -1;
  bad(q, "lower");
  q = p;
  q.fixed = {0, 1};
  bad(q, "fixed");
  q = p;
  q.fixed = {0, -1, -1, 2};
  bad(q, "fixed");
  q = p;
  q.fixed = {0, 1, -1, -1};
  q.together = {{0, 1}};
  bad(q, "fixed");
  q = p;
  q.together = {{0, 9}};
  bad(q, "together");
  q = p;
  q.together = {{0, 2}};  // 0 and 2 are not adjacent
  bad(q, "together");
}

// With a work limit instead of the clock, two solves of the same problem give the same answer
// (partition, cut, bound), whatever the load: here the second runs beside a thread that keeps a
// core busy, and with another time limit (a safety net that never strikes).
TEST(Solve, AWorkLimitGivesTheSameAnswerOnEveryRun) {
  Problem p;
  const int rows = 12, cols = 12;
  p.edges = grid_edges(rows, cols);
  std::mt19937_64 rng(42);
  std::int64_t total = 0;
  for (int i = 0; i < rows * cols; ++i) {
    p.weight.push_back(1 + static_cast<std::int64_t>(rng() % 40));
    total += p.weight.back();
  }
  p.k = 3;
  const auto b = bounds_from_deviation(total, p.k, 0.05);
  p.lower = b.lower;
  p.upper = b.upper;
  Options o;
  o.time_limit = std::chrono::seconds(120);
  o.work_limit = WorkLimit{300000, 40, 7};
  const auto first = solve(p, o);
  ASSERT_TRUE(first.has_value());
  std::atomic<bool> busy{true};
  std::thread load([&] {
    volatile std::uint64_t x = 0;
    while (busy.load()) x = x * 6364136223846793005ULL + 1;
  });
  o.time_limit = std::chrono::seconds(100);
  const auto second = solve(p, o);
  busy = false;
  load.join();
  ASSERT_TRUE(second.has_value());
  for (const auto* s : {&*first, &*second}) {
    EXPECT_FALSE(s->timed_out);
    ASSERT_TRUE(s->status == SolveStatus::feasible || s->status == SolveStatus::optimal);
    const auto c = check(p, s->sector);
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().describe());
  }
  EXPECT_EQ(first->sector, second->sector);
  EXPECT_EQ(first->cut_edges, second->cut_edges);
  EXPECT_EQ(first->lower_bound, second->lower_bound);
  EXPECT_EQ(first->status, second->status);
}

}  // namespace
}  // namespace maillage::sectors
