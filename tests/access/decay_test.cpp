#include <gtest/gtest.h>

#include "access/decay.hpp"
#include "access/number.hpp"

namespace maillage::access {
namespace {

TEST(Number, ParsesFiniteDecimalsOnly) {
  EXPECT_EQ(parse_decimal("12"), 12.0);
  EXPECT_EQ(parse_decimal("+2"), 2.0);
  EXPECT_EQ(parse_decimal("-3.5"), -3.5);
  EXPECT_EQ(parse_decimal("1e3"), 1000.0);
  EXPECT_EQ(parse_decimal("12,5", true), 12.5);
  EXPECT_FALSE(parse_decimal("12,5"));
  for (const char* bad : {"", "+", "nan", "NaN", "inf", "-inf", "1e400", "12a", " 12", "12 ",
                          "+-1", "++1", "--1", "0x10", "1,2,3"}) {
    EXPECT_FALSE(parse_decimal(bad)) << bad;
  }
  EXPECT_DOUBLE_EQ(*parse_number_or_fraction("2/3"), 2.0 / 3.0);
  EXPECT_FALSE(parse_number_or_fraction("1/0"));
  EXPECT_FALSE(parse_number_or_fraction("1/"));
}

TEST(Decay, AplBandsAtExactBoundariesAreInclusiveByDefault) {
  const Decay d = apl_decay();
  ASSERT_TRUE(d.validate());
  EXPECT_EQ(d.weight(0), 1.0);
  EXPECT_EQ(d.weight(9.99), 1.0);
  EXPECT_EQ(d.weight(10), 1.0);  // the 0-10 band includes 10
  EXPECT_EQ(d.weight(10.0001), 2.0 / 3.0);
  EXPECT_EQ(d.weight(15), 2.0 / 3.0);
  EXPECT_EQ(d.weight(15.0001), 1.0 / 3.0);
  EXPECT_EQ(d.weight(20), 1.0 / 3.0);  // still in the catchment
  EXPECT_EQ(d.weight(20.0001), 0.0);
  EXPECT_EQ(d.weight(45), 0.0);
}

TEST(Decay, ExclusiveBoundariesMoveExactTimesToTheNextBand) {
  Decay d = apl_decay();
  d.boundary = Boundary::upper_exclusive;
  EXPECT_EQ(d.weight(9.99), 1.0);
  EXPECT_EQ(d.weight(10), 2.0 / 3.0);
  EXPECT_EQ(d.weight(15), 1.0 / 3.0);
  EXPECT_EQ(d.weight(20), 0.0);  // outside a 20-minute catchment
  EXPECT_FALSE(d.within(20));
  EXPECT_TRUE(d.within(19.999));
}

TEST(Decay, ParsesStepBandsAndTheirCatchment) {
  auto d = parse_decay("step:10=1,15=0.6667,20=0.3333");
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_EQ(d->kind, DecayKind::step);
  ASSERT_EQ(d->bands.size(), 3U);
  EXPECT_EQ(d->bands[1].upper_minutes, 15);
  EXPECT_EQ(d->bands[1].weight, 0.6667);
  EXPECT_EQ(d->max_minutes, 20);
  EXPECT_EQ(d->weight(12), 0.6667);

  auto cut = parse_decay("step:10=1,15=2/3,20=1/3", 15.0);
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->max_minutes, 15);
  EXPECT_EQ(cut->weight(15), 2.0 / 3.0);
  EXPECT_EQ(cut->weight(16), 0.0);  // band 15-20 cut off by the catchment

  auto wide = parse_decay(" STEP: 10 = 1 , 30 = 0.5 ", 60.0);
  ASSERT_TRUE(wide) << wide.error().describe();
  EXPECT_EQ(wide->max_minutes, 30);  // past the last band every weight is 0 anyway
  EXPECT_EQ(wide->weight(25), 0.5);

  auto apl = parse_decay(kAplWeights);
  ASSERT_TRUE(apl);
  EXPECT_EQ(apl->bands[1].weight, apl_decay().bands[1].weight);
}

TEST(Decay, ParsesUniformAndGravity) {
  auto u = parse_decay("uniform", 30.0);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->kind, DecayKind::uniform);
  EXPECT_EQ(u->weight(30), 1.0);
  EXPECT_EQ(u->weight(30.5), 0.0);
  auto two = parse_decay("2sfca");
  ASSERT_TRUE(two);
  EXPECT_EQ(two->max_minutes, 20);

  auto g = parse_decay("gravity:beta=2,min=2,scale=1", 60.0);
  ASSERT_TRUE(g) << g.error().describe();
  EXPECT_EQ(g->kind, DecayKind::gravity);
  EXPECT_DOUBLE_EQ(g->weight(0), 0.25);  // floored at min = 2 minutes
  EXPECT_DOUBLE_EQ(g->weight(4), 1.0 / 16);
  EXPECT_EQ(g->weight(61), 0.0);
  auto scaled = parse_decay("gravity:beta=1,scale=10");
  ASSERT_TRUE(scaled);
  EXPECT_DOUBLE_EQ(scaled->weight(5), 2.0);
}

TEST(Decay, RejectsBadSpecificationsWithAClearMessage) {
  for (const char* spec :
       {"", "step", "step:", "step:10", "step:10=x", "step:15=1,10=0.5", "step:10=1,10=0.5",
        "step:10=-1", "step:-5=1", "gravity", "gravity:min=1", "gravity:beta=1,min=0",
        "gravity:beta=-1", "gravity:beta=1,foo=2", "gravity:beta=1,scale=0", "uniform:3",
        "cubic:1", "step:10=1,,20=0.5"}) {
    auto d = parse_decay(spec);
    ASSERT_FALSE(d) << spec;
    EXPECT_EQ(d.error().code, ErrorCode::invalid_input) << spec;
    EXPECT_EQ(d.error().field, "weights") << spec;
    EXPECT_FALSE(d.error().message.empty()) << spec;
  }
  EXPECT_FALSE(parse_decay("uniform", -1.0));
  EXPECT_FALSE(parse_decay("gravity:beta=1", std::numeric_limits<double>::quiet_NaN()));
}

TEST(Decay, DescribeNamesKindBandsAndBoundary) {
  auto d = parse_decay("step:10=1,20=0.5", std::nullopt, Boundary::upper_exclusive);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->describe(), "step:10=1,20=0.5 max=20 (bornes exclues)");
}

}  // namespace
}  // namespace maillage::access
