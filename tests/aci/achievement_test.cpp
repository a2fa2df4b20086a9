#include "aci/achievement.hpp"

#include <gtest/gtest.h>

#include "aci_test_util.hpp"

namespace maillage::aci {
namespace {

using test::builtin_book;

const Accord& accord() { return *builtin_book().find("cpts-2019"); }
const MissionRules& rules() { return *accord().mission("parcours"); }

Indicator make(double baseline, std::vector<double> paliers, std::optional<double> measured,
               std::optional<AchievementMethod> method = std::nullopt) {
  Indicator ind;
  ind.id = "i";
  ind.baseline = baseline;
  ind.method = method;
  ind.years.push_back({1, std::move(paliers), measured, {}});
  return ind;
}

Ppm rate(const Indicator& ind, Ppm unmeasured = 0) {
  return indicator_outcome(ind, ind.years[0], accord(), rules(), unmeasured).rate;
}

TEST(AciAchievement, LinearFromBaselineToFinalTarget) {
  EXPECT_EQ(rate(make(0, {100}, 80)), 800000);
  EXPECT_EQ(rate(make(20, {40, 120}, 45)), 250000);  // intermediate paliers do not matter
  EXPECT_EQ(rate(make(0, {100}, 150)), kPpmOne);     // capped at 100 %
  EXPECT_EQ(rate(make(50, {100}, 10)), 0);           // below the baseline: 0 %
  EXPECT_EQ(rate(make(0, {3}, 2)), 666667);          // rounded to the ppm
}

TEST(AciAchievement, LinearDecreasingIndicator) {
  // Share of patients without médecin traitant: 12.2 % → target 8 %.
  EXPECT_EQ(rate(make(12.2, {8.0}, 10.1)), 500000);
  EXPECT_EQ(rate(make(12.2, {8.0}, 13.0)), 0);
  EXPECT_EQ(rate(make(12.2, {8.0}, 7.5)), kPpmOne);
}

TEST(AciAchievement, TargetEqualToBaselineWithDirection) {
  Indicator keep = make(10, {10}, 10);
  keep.direction = Direction::decrease;  // "stay at or below 10"
  EXPECT_EQ(rate(keep), kPpmOne);
  keep.years[0].measured = 11;
  EXPECT_EQ(rate(keep), 0);
}

TEST(AciAchievement, PaliersWithTheRulesRates) {
  // cpts-2019: 2 paliers → 50 %, 100 %; 3 paliers → 25 %, 50 %, 100 %.
  auto paliers = AchievementMethod::paliers;
  EXPECT_EQ(rate(make(0, {50, 100}, 49, paliers)), 0);
  EXPECT_EQ(rate(make(0, {50, 100}, 50, paliers)), 500000);
  EXPECT_EQ(rate(make(0, {50, 100}, 100, paliers)), kPpmOne);
  EXPECT_EQ(rate(make(0, {10, 20, 30}, 25, paliers)), 500000);
  EXPECT_EQ(rate(make(0, {10, 20, 30}, 10, paliers)), 250000);
  // Decreasing: reaching a palier means going at or below it.
  EXPECT_EQ(rate(make(1000, {900, 800}, 850, paliers)), 500000);
  auto o = indicator_outcome(make(0, {10, 20, 30}, 25, paliers),
                             make(0, {10, 20, 30}, 25, paliers).years[0], accord(), rules(), 0);
  EXPECT_EQ(o.paliers_reached, 2);
  EXPECT_EQ(o.paliers, 3);
  EXPECT_FALSE(o.rules_verified);  // the rates come from unverified rules
  EXPECT_EQ(o.explanation, "2 palier(s) sur 3 atteint(s) → 50 %");
}

TEST(AciAchievement, PaliersWithoutRulesRatesAreEqualSteps) {
  // No palier_rates.4 in the rules: k/4.
  EXPECT_EQ(rate(make(0, {1, 2, 3, 4}, 3, AchievementMethod::paliers)), 750000);
  EXPECT_EQ(rate(make(0, {1, 2, 3, 4, 5, 6}, 1, AchievementMethod::paliers)), 166667);
}

TEST(AciAchievement, NegotiatedPalierRates) {
  Indicator ind = make(0, {1, 2, 3}, 2, AchievementMethod::paliers);
  ind.palier_rates = {300000, 600000, kPpmOne};
  auto o = indicator_outcome(ind, ind.years[0], accord(), rules(), 0);
  EXPECT_EQ(o.rate, 600000);
  EXPECT_TRUE(o.rules_verified);  // method and rates written in the contract
}

TEST(AciAchievement, UnmeasuredTakesTheSimulatedRate) {
  auto o = indicator_outcome(make(0, {100}, std::nullopt), make(0, {100}, std::nullopt).years[0],
                             accord(), rules(), 400000);
  EXPECT_FALSE(o.measured);
  EXPECT_EQ(o.rate, 400000);
}

TEST(AciAchievement, MissionIsTheWeightedMean) {
  ContractMission m;
  m.mission = "parcours";
  Indicator a = make(0, {4}, 3);  // 75 %
  a.weight = 2;
  Indicator b = make(0, {10}, 5);  // 50 %
  b.id = "b";
  Indicator c = make(0, {10}, 10);  // year 2 only: ignored in year 1
  c.id = "c";
  c.years[0].year = 2;
  m.indicators = {a, b, c};
  MissionOutcome o = mission_outcome(m, accord(), rules(), 1, 0);
  EXPECT_EQ(o.rate, 666667);  // (2 × 75 + 50) / 3
  EXPECT_FALSE(o.estimated);
  EXPECT_EQ(o.indicators.size(), 2u);
  MissionOutcome o2 = mission_outcome(m, accord(), rules(), 2, 0);
  EXPECT_EQ(o2.rate, kPpmOne);
  MissionOutcome o3 = mission_outcome(m, accord(), rules(), 3, 250000);
  EXPECT_TRUE(o3.estimated);  // no indicator in year 3
  EXPECT_EQ(o3.rate, 250000);
  m.indicators[1].years[0].measured.reset();
  MissionOutcome o4 = mission_outcome(m, accord(), rules(), 1, 0);
  EXPECT_TRUE(o4.estimated);
  EXPECT_EQ(o4.rate, 500000);  // (2 × 75 + 0) / 3
}

}  // namespace
}  // namespace maillage::aci
