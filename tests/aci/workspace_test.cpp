// Contextual adjustments and indicator-version differences (src/aci/workspace.hpp). The amounts
// below were computed by hand from rules/aci/cpts_2019.toml: acces_soins T2 variable part
// 17 500 €/year, linear achievement by default, paliers [50 %, 100 %] for two paliers.
#include <gtest/gtest.h>

#include "aci/workspace.hpp"
#include "aci_test_util.hpp"

namespace maillage::aci {
namespace {

using test::builtin_book;

// Mission started on the signature day: year 1 is a full year, no pro rata.
std::string contract(const std::string& indicator) {
  return R"({"id": "W", "accord": "cpts-2019", "signature": "2020-01-15", "size_class": "T2",
  "parties": {"cpts": {"name": "CPTS test"}, "cpam": {"name": "CPAM"}, "ars": {"name": "ARS"}},
  "missions": [{"mission": "acces_soins", "start": "2020-01-15", "indicators": [)" +
         indicator + "]}]}";
}

TEST(AciAdjustment, RescalesTargetsInProportionRoundedToTheCent) {
  auto p = rescale_paliers({100, 24.5}, 61000, 53680);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(*p, (std::vector<double>{88, 21.56}));
  // 10 × 2 / 3 = 6.666… → 6.67; half away from zero: 0.125 → 0.13
  EXPECT_EQ(*rescale_paliers({10}, 3, 2), std::vector<double>{6.67});
  EXPECT_EQ(*rescale_paliers({0.25}, 2, 1), std::vector<double>{0.13});
  EXPECT_EQ(rescale_paliers({10}, 0, 2).error().field, "fact_before");
  EXPECT_EQ(rescale_paliers({10}, 1, -2).error().field, "fact_after");
}

TEST(AciAdjustment, LinearTargetLoweredByPopulationLoss) {
  auto c = test::cpts(contract(
      R"({"id": "mt", "baseline": 0, "years": [{"year": 1, "paliers": [100], "measured": 80}]})"));
  auto cmp = compare_adjustment(c, builtin_book(), {"acces_soins", "mt", 1, 61000, 53680});
  ASSERT_TRUE(cmp) << cmp.error().describe();
  EXPECT_EQ(cmp->factor, 880000);
  // Original: 80 / 100 = 80 % → 17 500 × 80 % = 14 000,00 €.
  EXPECT_EQ(cmp->original.paliers, std::vector<double>{100});
  EXPECT_EQ(cmp->original.indicator.rate, 800000);
  EXPECT_EQ(cmp->original.variable_paid, 1400000);
  EXPECT_EQ(cmp->original.variable_max, 1750000);
  // Adjusted: target 88; 80 / 88 = 90,9091 % (ppm) → 1 750 000 × 909 091 / 10^6 = 1 590 909,25
  // cents → 15 909,09 €.
  EXPECT_EQ(cmp->adjusted.paliers, std::vector<double>{88});
  EXPECT_EQ(cmp->adjusted.indicator.rate, 909091);
  EXPECT_EQ(cmp->adjusted.mission_rate, 909091);
  EXPECT_EQ(cmp->adjusted.variable_paid, 1590909);
  EXPECT_EQ(cmp->difference, 190909);
}

TEST(AciAdjustment, PaliersReachedAfterFewerDoctors) {
  auto c = test::cpts(contract(
      R"({"id": "sas", "baseline": 0, "method": "paliers",
          "years": [{"year": 1, "paliers": [150, 300], "measured": 210}]})"));
  // 40 → 28 GPs (× 0,7): paliers 105 ; 210, and 210 reaches the second one: 50 % → 100 %.
  auto cmp = compare_adjustment(c, builtin_book(), {"acces_soins", "sas", 1, 40, 28});
  ASSERT_TRUE(cmp) << cmp.error().describe();
  EXPECT_EQ(cmp->adjusted.paliers, (std::vector<double>{105, 210}));
  EXPECT_EQ(cmp->original.variable_paid, 875000);
  EXPECT_EQ(cmp->adjusted.variable_paid, 1750000);
  EXPECT_EQ(cmp->difference, 875000);
  // +10 % population: paliers 165 ; 330, still the first palier: nothing changes.
  auto up = compare_adjustment(c, builtin_book(), {"acces_soins", "sas", 1, 50000, 55000});
  ASSERT_TRUE(up);
  EXPECT_EQ(up->adjusted.paliers, (std::vector<double>{165, 330}));
  EXPECT_EQ(up->difference, 0);
}

TEST(AciAdjustment, ErrorsNameTheField) {
  auto c = test::cpts(contract(
      R"({"id": "mt", "baseline": 0, "years": [{"year": 1, "paliers": [100], "measured": 80}]})"));
  EXPECT_EQ(compare_adjustment(c, builtin_book(), {"parcours", "mt", 1, 1, 2}).error().field,
            "mission");
  EXPECT_EQ(compare_adjustment(c, builtin_book(), {"acces_soins", "x", 1, 1, 2}).error().field,
            "indicator");
  EXPECT_EQ(compare_adjustment(c, builtin_book(), {"acces_soins", "mt", 2, 1, 2}).error().field,
            "year");
  EXPECT_EQ(compare_adjustment(c, builtin_book(), {"acces_soins", "mt", 1, 0, 2}).error().field,
            "fact_before");
}

TEST(AciIndicatorVersions, DiffListsEveryAgreedChange) {
  auto before = test::cpts(contract(
      R"({"id": "a", "baseline": 0, "years": [{"year": 1, "paliers": [10]}, {"year": 2, "paliers": [20]}]},
         {"id": "b", "baseline": 5, "definition": "B", "years": [{"year": 1, "paliers": [8]}]})"));
  auto after = test::cpts(contract(
      R"({"id": "a", "baseline": 0, "weight": 2, "years": [{"year": 1, "paliers": [10], "measured": 3},
                                                           {"year": 2, "paliers": [17.5]},
                                                           {"year": 3, "paliers": [30]}]},
         {"id": "c", "baseline": 1, "definition": "C", "years": [{"year": 1, "paliers": [2]}]})"));
  auto d = diff_indicators(before, after);
  ASSERT_EQ(d.size(), 5u);
  EXPECT_EQ(d[0].what, "poids");
  EXPECT_EQ(d[0].before, "1");
  EXPECT_EQ(d[0].after, "2");
  EXPECT_EQ(d[1].what, "paliers");  // the measured value of year 1 is not a change
  EXPECT_EQ(d[1].year, 2);
  EXPECT_EQ(d[1].before, "20");
  EXPECT_EQ(d[1].after, "17,5");
  EXPECT_EQ(d[2].what, "annee");
  EXPECT_EQ(d[2].year, 3);
  EXPECT_EQ(d[3].what, "ajout");
  EXPECT_EQ(d[3].indicator, "c");
  EXPECT_EQ(d[4].what, "retrait");
  EXPECT_EQ(d[4].indicator, "b");
  EXPECT_TRUE(diff_indicators(after, after).empty());
}

TEST(AciIndicatorVersions, FrenchValues) {
  EXPECT_EQ(format_value(21.12), "21,12");
  EXPECT_EQ(format_value(300), "300");
  EXPECT_EQ(format_value(-0.5), "-0,5");
  EXPECT_EQ(format_paliers({150, 300.25}), "150 ; 300,25");
}

}  // namespace
}  // namespace maillage::aci
