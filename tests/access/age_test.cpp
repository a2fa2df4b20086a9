#include <gtest/gtest.h>

#include "access/age.hpp"
#include "access/e2sfca.hpp"

namespace maillage::access {
namespace {

AgeTable two_communes() {
  // Commune 0: 100 young; commune 1: 50 young and 50 old.
  return AgeTable{{"jeunes", "âgés"}, {100, 0, 50, 50}};
}

TEST(AgeStandardisation, HandComputedExample) {
  auto w = parse_age_weights("jeunes=1, âgés=3");
  ASSERT_TRUE(w) << w.error().describe();
  // Raw consumption 100 and 200; mean consumption 300 / 200 = 1.5 per person.
  auto p = standardise_demand(two_communes(), *w);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_DOUBLE_EQ((*p)[0], 100 / 1.5);
  EXPECT_DOUBLE_EQ((*p)[1], 200 / 1.5);
  EXPECT_DOUBLE_EQ((*p)[0] + (*p)[1], 200);  // the total population is kept
  auto raw = standardise_demand(two_communes(), *w, false);
  ASSERT_TRUE(raw);
  EXPECT_EQ(*raw, (std::vector<double>{100, 200}));
}

TEST(AgeStandardisation, EqualWeightsGiveThePlainPopulation) {
  auto w = parse_age_weights("jeunes=2,âgés=2");
  ASSERT_TRUE(w);
  auto p = standardise_demand(two_communes(), *w);
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ((*p)[0], 100);
  EXPECT_DOUBLE_EQ((*p)[1], 100);
}

TEST(AgeStandardisation, StandardisedDemandKeepsMassConservation) {
  auto w = parse_age_weights("jeunes=0.8,âgés=2.4");
  ASSERT_TRUE(w);
  auto p = standardise_demand(two_communes(), *w);
  ASSERT_TRUE(p);
  const std::vector<double> supply{3, 1};
  const auto times = travel_times_from_pairs(
      2, std::vector<OdPair>{{0, 0, 0}, {1, 1, 0}, {0, 1, 12}, {1, 0, 12}});
  auto r = compute_access(*p, supply, times, apl_decay());
  ASSERT_TRUE(r);
  EXPECT_NEAR((*p)[0] * r->access[0] + (*p)[1] * r->access[1], 4.0, 1e-12);
  // The older commune weighs more, so it gets less per standardised inhabitant than before.
  EXPECT_GT((*p)[1], (*p)[0]);
}

TEST(AgeStandardisation, WeightsMustMatchTheBandsExactly) {
  auto missing = standardise_demand(two_communes(), *parse_age_weights("jeunes=1"));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("âgés"), std::string::npos);
  auto extra = standardise_demand(two_communes(), *parse_age_weights("jeunes=1,âgés=2,90+=4"));
  ASSERT_FALSE(extra);
  EXPECT_NE(extra.error().message.find("90+"), std::string::npos);
  auto zero = standardise_demand(two_communes(), *parse_age_weights("jeunes=0,âgés=0"));
  EXPECT_FALSE(zero);
  EXPECT_FALSE(standardise_demand(AgeTable{}, *parse_age_weights("a=1")));
}

TEST(AgeWeights, ParsesAndRejects) {
  auto w = parse_age_weights("0-14=0.8,15-29=2/3,90+=3");
  ASSERT_TRUE(w);
  ASSERT_EQ(w->weights.size(), 3U);
  EXPECT_EQ(w->weights[2].first, "90+");
  EXPECT_DOUBLE_EQ(w->weights[1].second, 2.0 / 3);
  for (const char* bad : {"", "a", "a=", "=1", "a=-1", "a=x", "a=1,a=2", "a=1,,b=2"}) {
    auto r = parse_age_weights(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "age-weights");
  }
}

}  // namespace
}  // namespace maillage::access
