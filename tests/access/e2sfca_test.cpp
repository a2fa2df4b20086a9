#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>

#include "access/e2sfca.hpp"

namespace maillage::access {
namespace {

// Symmetric times from an edge list, plus t_ii = 0.
TravelTimes symmetric_times(std::size_t n, std::vector<OdPair> edges) {
  std::vector<OdPair> pairs;
  for (LocationId i = 0; i < n; ++i) pairs.push_back({i, i, 0});
  for (const OdPair& e : edges) {
    pairs.push_back(e);
    pairs.push_back({e.destination, e.origin, e.minutes});
  }
  return travel_times_from_pairs(n, pairs);
}

// research/analytics.md §2.1, "APL-style fixture": A, B, C, D with populations 1000/500/2000/300,
// supply 2/0/1/0.5, times A-B 8, A-C 12, A-D 25, B-C 17, B-D 19, C-D 14, bands <=10 -> 1,
// <=15 -> 2/3, <=20 -> 1/3. Values checked there with PySAL and exact fractions.
TEST(E2sfca, MatchesTheHandComputedAplFixture) {
  const std::vector<double> pop{1000, 500, 2000, 300};
  const std::vector<double> supply{2, 0, 1, 0.5};
  const auto times = symmetric_times(
      4, {{0, 1, 8}, {0, 2, 12}, {0, 3, 25}, {1, 2, 17}, {1, 3, 19}, {2, 3, 14}});
  auto r = compute_access(pop, supply, times, apl_decay());
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_NEAR(r->catchment_demand[0], 8500.0 / 3, 1e-9);
  EXPECT_NEAR(r->catchment_demand[1], 6800.0 / 3, 1e-9);
  EXPECT_NEAR(r->catchment_demand[2], 9100.0 / 3, 1e-9);
  EXPECT_NEAR(r->catchment_demand[3], 1800.0, 1e-9);
  EXPECT_NEAR(r->access[0], 179.0 / 193375, 1e-15);
  EXPECT_NEAR(r->access[1], 75883.0 / 83538000, 1e-15);
  EXPECT_NEAR(r->access[2], 41161.0 / 41769000, 1e-15);
  EXPECT_NEAR(r->access[3], 163.0 / 327600, 1e-15);
  EXPECT_NEAR(r->weighted_access, 3.5, 1e-12);
  EXPECT_EQ(r->total_supply, 3.5);
  EXPECT_TRUE(r->supply_without_demand.empty());
  EXPECT_EQ(r->pairs_weighted, 4U + 2 * 5);  // A-D (25 min) is outside
}

// research/analytics.md §2.1, PySAL's test_hospital_example: three tracts (population 100/50/10,
// doctors 15/20/100), gravity weights t^-1, catchment 61, self cost 1; "in" = tracts 1,2 -> 3,
// "out" = 3 -> 1,2, "cross" = 1 <-> 2. Values from PySAL's fca.py, to 1e-9.
TEST(E2sfca, MatchesPysalHospitalExampleWithGravityWeights) {
  struct Scenario {
    double in, out, cross;
    double expected[3];
  };
  const Scenario scenarios[] = {
      {40, 40, 80, {0.331444117, 0.579828132, 7.28641817}},
      {20, 40, 80, {0.435340221, 0.683724236, 5.727976611}},
      {40, 20, 80, {0.331071913, 0.577857786, 7.299991939}},
      {20, 20, 40, {0.442568395, 0.66675828, 5.740524646}},
  };
  auto decay = parse_decay("gravity:beta=1,min=1,scale=1", 61.0);
  ASSERT_TRUE(decay);
  for (const Scenario& s : scenarios) {
    const std::vector<OdPair> pairs{{0, 0, 1},       {1, 1, 1},     {2, 2, 1},
                                    {0, 2, s.in},    {1, 2, s.in},  {2, 0, s.out},
                                    {2, 1, s.out},   {0, 1, s.cross}, {1, 0, s.cross}};
    const auto times = travel_times_from_pairs(3, pairs);
    auto r = compute_access(std::vector<double>{100, 50, 10}, std::vector<double>{15, 20, 100},
                            times, *decay);
    ASSERT_TRUE(r);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(r->access[i], s.expected[i], 1e-8) << s.in << " " << i;
    EXPECT_NEAR(r->weighted_access, 135.0, 1e-9);
  }
}

TEST(E2sfca, PlainTwoStepUsesOneCatchment) {
  auto uniform = parse_decay("uniform", 15.0);
  ASSERT_TRUE(uniform);
  const std::vector<double> pop{100, 300};
  const std::vector<double> supply{2, 0};
  auto near = compute_access(pop, supply, symmetric_times(2, {{0, 1, 15}}), *uniform);
  ASSERT_TRUE(near);
  EXPECT_DOUBLE_EQ(near->access[0], 2.0 / 400);
  EXPECT_DOUBLE_EQ(near->access[1], 2.0 / 400);
  auto far = compute_access(pop, supply, symmetric_times(2, {{0, 1, 15.5}}), *uniform);
  ASSERT_TRUE(far);
  EXPECT_DOUBLE_EQ(far->access[0], 2.0 / 100);
  EXPECT_EQ(far->access[1], 0.0);  // nothing reachable: 0, not NaN
}

// One supply point j (S = 1, no population) and demand at exactly 10, 15, 20 and 21 minutes,
// population 3 each.
TEST(E2sfca, BandBoundariesAtExactlyTenFifteenAndTwentyMinutes) {
  const std::vector<double> pop{0, 3, 3, 3, 3};
  const std::vector<double> supply{1, 0, 0, 0, 0};
  const std::vector<OdPair> pairs{{0, 0, 0}, {1, 0, 10}, {2, 0, 15}, {3, 0, 20}, {4, 0, 21}};
  const auto times = travel_times_from_pairs(5, pairs);

  auto inc = compute_access(pop, supply, times, apl_decay());
  ASSERT_TRUE(inc);
  // D = 3 (1 + 2/3 + 1/3) = 6, R = 1/6.
  EXPECT_DOUBLE_EQ(inc->catchment_demand[0], 6.0);
  EXPECT_DOUBLE_EQ(inc->access[1], 1.0 / 6);
  EXPECT_DOUBLE_EQ(inc->access[2], 1.0 / 9);
  EXPECT_DOUBLE_EQ(inc->access[3], 1.0 / 18);
  EXPECT_EQ(inc->access[4], 0.0);

  Decay exclusive = apl_decay();
  exclusive.boundary = Boundary::upper_exclusive;
  auto exc = compute_access(pop, supply, times, exclusive);
  ASSERT_TRUE(exc);
  // D = 3 (2/3 + 1/3) = 3, R = 1/3.
  EXPECT_DOUBLE_EQ(exc->catchment_demand[0], 3.0);
  EXPECT_DOUBLE_EQ(exc->access[1], 2.0 / 9);
  EXPECT_DOUBLE_EQ(exc->access[2], 1.0 / 9);
  EXPECT_EQ(exc->access[3], 0.0);
  EXPECT_EQ(exc->access[4], 0.0);
}

TEST(E2sfca, SupplyWithNoDemandInReachIsReportedNotDropped) {
  // Location 2 has supply 4 but no population and nobody within 20 minutes.
  const std::vector<double> pop{100, 100, 0};
  const std::vector<double> supply{1, 0, 4};
  const auto times = symmetric_times(3, {{0, 1, 5}, {0, 2, 40}});
  auto r = compute_access(pop, supply, times, apl_decay());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->supply_without_demand, std::vector<LocationId>{2});
  EXPECT_EQ(r->stranded_supply, 4.0);
  EXPECT_EQ(r->total_supply, 5.0);
  EXPECT_EQ(r->ratio[2], 0.0);
  EXPECT_NEAR(r->weighted_access, r->total_supply - r->stranded_supply, 1e-12);
}

// Σ_i P_i A_i = Σ_j S_j whenever every supply point sees demand: random sparse problems, each
// decay, both boundary rules.
TEST(E2sfca, MassIsConservedOnRandomProblems) {
  std::mt19937_64 rng(20240611);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<Decay> decays{apl_decay(), *parse_decay("uniform", 25.0),
                            *parse_decay("gravity:beta=1.5,min=1", 30.0),
                            *parse_decay("step:5=1,10=0.3,15=0.1")};
  for (int round = 0; round < 30; ++round) {
    const std::size_t n = 20 + rng() % 200;
    std::vector<double> pop(n), supply(n);
    std::vector<OdPair> pairs;
    for (LocationId i = 0; i < n; ++i) {
      pop[i] = 1 + std::floor(unit(rng) * 5000);
      supply[i] = unit(rng) < 0.3 ? std::floor(unit(rng) * 10) : 0;
      pairs.push_back({i, i, 0});  // so that every supply point sees its own population
      for (int k = 0; k < 8; ++k) {
        const auto j = static_cast<LocationId>(rng() % n);
        if (j != i) pairs.push_back({i, j, std::floor(unit(rng) * 400) / 10});
      }
    }
    // Keep the first time of a repeated pair.
    std::vector<OdPair> unique;
    std::vector<std::vector<bool>> seen(n, std::vector<bool>(n, false));
    for (const OdPair& p : pairs) {
      if (seen[p.origin][p.destination]) continue;
      seen[p.origin][p.destination] = true;
      unique.push_back(p);
    }
    const auto times = travel_times_from_pairs(n, unique);
    const double total = std::accumulate(supply.begin(), supply.end(), 0.0);
    for (Decay d : decays) {
      for (Boundary b : {Boundary::upper_inclusive, Boundary::upper_exclusive}) {
        d.boundary = b;
        auto r = compute_access(pop, supply, times, d);
        ASSERT_TRUE(r);
        ASSERT_TRUE(r->supply_without_demand.empty());
        double weighted = 0;
        for (std::size_t i = 0; i < n; ++i) weighted += pop[i] * r->access[i];
        EXPECT_NEAR(weighted, total, 1e-9 * std::max(1.0, total)) << d.describe();
        EXPECT_NEAR(r->weighted_access, total, 1e-9 * std::max(1.0, total));
      }
    }
  }
}

TEST(E2sfca, RejectsInconsistentInputs) {
  const auto times = symmetric_times(2, {{0, 1, 5}});
  const std::vector<double> two{1, 1};
  EXPECT_EQ(compute_access(two, std::vector<double>{1}, times, apl_decay()).error().field, "supply");
  EXPECT_EQ(compute_access(std::vector<double>{1, -1}, two, times, apl_decay()).error().field,
            "population");
  EXPECT_EQ(compute_access(two, std::vector<double>{1, std::nan("")}, times, apl_decay())
                .error()
                .field,
            "supply");
  EXPECT_FALSE(compute_access(std::vector<double>{1, 1, 1}, std::vector<double>{1, 1, 1}, times,
                              apl_decay()));  // times built for 2 locations
  TravelTimes twice = travel_times_from_pairs(2, std::vector<OdPair>{{0, 1, 5}, {0, 1, 6}});
  auto dup = compute_access(two, two, twice, apl_decay());
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("double"), std::string::npos);
  TravelTimes out_of_range = travel_times_from_pairs(2, std::vector<OdPair>{{0, 1, 5}});
  out_of_range.destinations[0] = 7;
  EXPECT_FALSE(compute_access(two, two, out_of_range, apl_decay()));
  TravelTimes negative = travel_times_from_pairs(2, std::vector<OdPair>{{0, 1, -5}});
  EXPECT_FALSE(compute_access(two, two, negative, apl_decay()));
  Decay broken = apl_decay();
  broken.bands.clear();
  EXPECT_FALSE(compute_access(two, two, times, broken));
}

TEST(E2sfca, EmptyProblemGivesEmptyResult) {
  auto r = compute_access({}, {}, TravelTimes{}, apl_decay());
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->access.empty());
  EXPECT_EQ(r->total_supply, 0.0);
}

}  // namespace
}  // namespace maillage::access

namespace maillage::access {
namespace {

// The passes specialise each decay kind; this checks them against w(t) = Decay::weight applied
// literally, including catchments that cut a band and both boundary rules.
TEST(E2sfca, MatchesAReferenceImplementationForEveryDecay) {
  std::mt19937_64 rng(99);
  const std::size_t n = 120;
  std::vector<double> pop(n), supply(n);
  std::vector<OdPair> pairs;
  for (LocationId i = 0; i < n; ++i) {
    pop[i] = static_cast<double>(rng() % 1000);
    supply[i] = rng() % 3 == 0 ? static_cast<double>(rng() % 7) : 0;
    for (LocationId j = 0; j < n; ++j) {
      // Whole and half minutes so that band ends are hit exactly.
      if (rng() % 6 == 0 || i == j) pairs.push_back({i, j, i == j ? 0 : (rng() % 60) / 2.0});
    }
  }
  const auto times = travel_times_from_pairs(n, pairs);
  std::vector<Decay> decays;
  for (auto spec : {"step:10=1,15=2/3,20=1/3", "step:5=1,10=0.5,30=0.25", "uniform",
                    "gravity:beta=1.2,min=2,scale=3"}) {
    for (double max : {0.0, 7.5, 10.0, 12.0, 15.0, 20.0, 30.0}) {
      for (Boundary b : {Boundary::upper_inclusive, Boundary::upper_exclusive}) {
        auto d = parse_decay(spec, max, b);
        ASSERT_TRUE(d) << spec;
        decays.push_back(*d);
      }
    }
  }
  for (const Decay& decay : decays) {
    std::vector<double> D(n, 0.0), R(n, 0.0), A(n, 0.0);
    for (const OdPair& p : pairs) D[p.destination] += decay.weight(p.minutes) * pop[p.origin];
    for (std::size_t j = 0; j < n; ++j) R[j] = D[j] > 0 ? supply[j] / D[j] : 0;
    for (const OdPair& p : pairs) A[p.origin] += decay.weight(p.minutes) * R[p.destination];
    auto r = compute_access(pop, supply, times, decay);
    ASSERT_TRUE(r);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_NEAR(r->catchment_demand[i], D[i], 1e-9 * std::max(1.0, D[i])) << decay.describe();
      ASSERT_NEAR(r->access[i], A[i], 1e-12 * std::max(1.0, A[i])) << decay.describe();
    }
  }
}

}  // namespace
}  // namespace maillage::access

namespace maillage::access {
namespace {

TEST(E2sfca, OverflowIsAnErrorNotInfinityOrSilentZero) {
  const auto times = travel_times_from_pairs(
      2, std::vector<OdPair>{{0, 0, 0}, {1, 1, 0}, {0, 1, 5}, {1, 0, 5}});
  const std::vector<double> huge{1e308, 1e308};
  auto r = compute_access(huge, std::vector<double>{1, 1}, times, apl_decay());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("dépassement"), std::string::npos);
  EXPECT_FALSE(compute_access(std::vector<double>{1e-320, 0}, std::vector<double>{1e308, 0},
                              times, apl_decay()));
  EXPECT_FALSE(parse_decay("gravity:beta=1e6,min=0.001"));  // w(min) would be infinite
}

}  // namespace
}  // namespace maillage::access
