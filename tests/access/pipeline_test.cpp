#include <gtest/gtest.h>

#include <algorithm>

#include "access/pipeline.hpp"

namespace maillage::access {
namespace {

// The APL fixture of research/analytics.md §2.1 as files.
constexpr std::string_view kDemand = "id,population\nA,1000\nB,500\nC,2000\nD,300\n";
constexpr std::string_view kSupply = "id,supply\nA,2\nC,1\nD,0.5\n";
constexpr std::string_view kOd =
    "origin,destination,minutes\n"
    "A,B,8\nB,A,8\nA,C,12\nC,A,12\nA,D,25\nD,A,25\nB,C,17\nC,B,17\nB,D,19\nD,B,19\nC,D,14\nD,C,14\n";

RunInputs fixture() {
  RunInputs in;
  in.demand = {"demand.csv", kDemand};
  in.supply = {"supply.csv", kSupply};
  in.od = InputText{"od.csv", kOd};
  return in;
}

TEST(Pipeline, OdRunReproducesTheGoldenFixture) {
  auto run = prepare_run(fixture(), RunOptions{});
  ASSERT_TRUE(run) << run.error().describe();
  auto out = compute_run(*run);
  ASSERT_TRUE(out) << out.error().describe();
  const auto& a = out->result.access;
  EXPECT_NEAR(a[0], 179.0 / 193375, 1e-15);
  EXPECT_NEAR(a[1], 75883.0 / 83538000, 1e-15);
  EXPECT_NEAR(a[2], 41161.0 / 41769000, 1e-15);
  EXPECT_NEAR(a[3], 163.0 / 327600, 1e-15);
  EXPECT_EQ(run->od->self_added, 4U);
  EXPECT_EQ(run->od->beyond_catchment, 2U);
  const std::string csv = format_access_csv(run->demand.locations, a);
  EXPECT_TRUE(csv.starts_with("id,access\nA,0.000925662572721"));
  const auto report = run_report(*run, *out);
  ASSERT_EQ(report.size(), 1U);
  EXPECT_NE(report[0].find("4 lieux"), std::string::npos) << report[0];
  EXPECT_NE(report[0].find("offre totale 3.5"), std::string::npos) << report[0];
}

TEST(Pipeline, WeightsAndCatchmentOptionsAreApplied) {
  RunOptions opt;
  opt.weights = "step:10=1,15=0.6667,20=0.3333";
  auto rounded = prepare_run(fixture(), opt);
  ASSERT_TRUE(rounded);
  auto out = compute_run(*rounded);
  ASSERT_TRUE(out);
  // Rounded weights move the result a little, not a lot.
  EXPECT_NEAR(out->result.access[0], 179.0 / 193375, 1e-7);
  EXPECT_NE(out->result.access[0], 179.0 / 193375);

  opt.weights = "uniform";
  opt.max_minutes = 10;
  auto plain = prepare_run(fixture(), opt);
  ASSERT_TRUE(plain);
  auto p = compute_run(*plain);
  ASSERT_TRUE(p);
  // Catchment 10: A sees A and B (1500 people), C alone, D alone.
  EXPECT_DOUBLE_EQ(p->result.access[0], 2.0 / 1500);
  EXPECT_DOUBLE_EQ(p->result.access[2], 1.0 / 2000);
  EXPECT_DOUBLE_EQ(p->result.access[3], 0.5 / 300);
}

TEST(Pipeline, CoordinatesRunUsesTheCrowFlyModel) {
  // Two towns 10 km apart on a meridian (0.0899322° ≈ 10 km), and a hamlet 100 km away with a
  // doctor and nobody to see it.
  RunInputs in;
  in.demand = {"demand.csv", "id,population\nX,1000\nY,3000\nZ,0\n"};
  in.supply = {"supply.csv", "id,supply\nX,4\nZ,1\n"};
  in.coords = InputText{"coords.csv", "id,lat,lon\nX,45,5\nY,45.0899322,5\nZ,46,5\n"};
  auto run = prepare_run(in, RunOptions{});
  ASSERT_TRUE(run) << run.error().describe();
  auto out = compute_run(*run);
  ASSERT_TRUE(out) << out.error().describe();
  // 10 km × 1.3 / 50 km/h = 15.6 min: weight 1/3. D_X = 1000 + 3000/3 = 2000, R_X = 0.002.
  EXPECT_NEAR(out->result.access[0], 0.002, 1e-12);
  EXPECT_NEAR(out->result.access[1], 0.002 / 3, 1e-12);
  EXPECT_EQ(out->result.access[2], 0.0);
  EXPECT_EQ(out->result.supply_without_demand, std::vector<LocationId>{2});
  const auto report = run_report(*run, *out);
  ASSERT_EQ(report.size(), 2U);
  EXPECT_NE(report[1].find("aucune demande à portée"), std::string::npos) << report[1];
  EXPECT_NE(report[1].find(": Z"), std::string::npos) << report[1];

  RunOptions slow;
  slow.speed_kmh = 30;  // 26 minutes: Y is out of reach
  auto run2 = prepare_run(in, slow);
  ASSERT_TRUE(run2);
  auto out2 = compute_run(*run2);
  ASSERT_TRUE(out2);
  EXPECT_DOUBLE_EQ(out2->result.access[0], 0.004);
  EXPECT_EQ(out2->result.access[1], 0.0);
}

TEST(Pipeline, AgeStandardisedDemand) {
  RunInputs in = fixture();
  in.age = InputText{"age.csv", "id,jeunes,âgés\nA,800,200\nB,500,0\nC,1000,1000\nD,100,200\n"};
  RunOptions opt;
  opt.age_weights = "jeunes=1,âgés=3";
  auto run = prepare_run(in, opt);
  ASSERT_TRUE(run) << run.error().describe();
  EXPECT_TRUE(run->standardised);
  // c̄ = (800+600 + 500 + 1000+3000 + 100+600) / 3800 = 6600 / 3800.
  EXPECT_NEAR(run->population[0], 1400 / (6600.0 / 3800), 1e-9);
  auto out = compute_run(*run);
  ASSERT_TRUE(out);
  double weighted = 0;
  for (std::size_t i = 0; i < 4; ++i) weighted += run->population[i] * out->result.access[i];
  EXPECT_NEAR(weighted, 3.5, 1e-12);
  EXPECT_TRUE(run->diagnostics.warnings.empty());

  in.age = InputText{"age.csv", "id,jeunes,âgés\nA,800,200\nB,500,0\nC,1000,1000\nD,10,20\n"};
  auto mismatch = prepare_run(in, opt);
  ASSERT_TRUE(mismatch);
  ASSERT_EQ(mismatch->diagnostics.warnings.size(), 1U);
  EXPECT_NE(mismatch->diagnostics.warnings[0].message.find("premier : D"), std::string::npos);
}

TEST(Pipeline, RefusesIncompleteOrContradictoryInputs) {
  RunInputs neither = fixture();
  neither.od.reset();
  EXPECT_EQ(prepare_run(neither, RunOptions{}).error().field, "od");
  RunInputs both = fixture();
  both.coords = InputText{"c.csv", "id,lat,lon\n"};
  EXPECT_FALSE(prepare_run(both, RunOptions{}));
  RunInputs age = fixture();
  age.age = InputText{"age.csv", "id,a\nA,1\n"};
  EXPECT_EQ(prepare_run(age, RunOptions{}).error().field, "age-weights");
  RunOptions weights_only;
  weights_only.age_weights = "a=1";
  EXPECT_EQ(prepare_run(fixture(), weights_only).error().field, "age");
  RunOptions bad;
  bad.weights = "step:10=1,5=1";
  EXPECT_EQ(prepare_run(fixture(), bad).error().field, "weights");
  RunInputs bad_supply = fixture();
  bad_supply.supply = {"supply.csv", "id,supply\nE,1\n"};
  auto e = prepare_run(bad_supply, RunOptions{});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().describe().substr(0, 13), "supply.csv:2:");
  RunInputs coords;
  coords.demand = {"d.csv", kDemand};
  coords.supply = {"s.csv", kSupply};
  coords.coords = InputText{"c.csv", "id,lat,lon\nA,1,1\nB,1,1\nC,1,1\nD,1,1\n"};
  RunOptions slow;
  slow.detour = 0.5;
  EXPECT_EQ(prepare_run(coords, slow).error().field, "detour");
}

}  // namespace
}  // namespace maillage::access
