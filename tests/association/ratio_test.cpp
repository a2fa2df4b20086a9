// Exact fractions: reduction, comparison without rounding, checked arithmetic, display.
#include "association/ratio.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace maillage::association {
namespace {

TEST(Ratio, ReducesAndKeepsTheDenominatorPositive) {
  EXPECT_EQ(Ratio(6, 8), Ratio(3, 4));
  EXPECT_EQ(Ratio(3, -4).num(), -3);
  EXPECT_EQ(Ratio(3, -4).den(), 4);
  EXPECT_EQ(Ratio(0, 5), Ratio(0));
  EXPECT_EQ(Ratio(10, 5).to_string(), "2");
  EXPECT_EQ(Ratio(2, 3).to_string(), "2/3");
}

TEST(Ratio, ComparesExactlyWhereDoublesWouldRound) {
  // 14/21 is exactly two thirds: "at least 2/3" holds.
  EXPECT_TRUE(Ratio(14, 21) >= Ratio(2, 3));
  EXPECT_FALSE(Ratio(13, 21) >= Ratio(2, 3));
  // Products near the 64-bit limit still compare exactly (128-bit cross products).
  const auto big = std::numeric_limits<std::int64_t>::max();
  EXPECT_TRUE(Ratio(big - 1, big) < Ratio(1));
  EXPECT_TRUE(Ratio(big - 2, big - 1) < Ratio(big - 1, big));
}

TEST(Ratio, ArithmeticIsCheckedNotWrapped) {
  EXPECT_EQ(*Ratio::add(Ratio(1, 3), Ratio(1, 6)), Ratio(1, 2));
  EXPECT_EQ(*Ratio::mul(Ratio(2, 5), Ratio(3, 4)), Ratio(3, 10));
  EXPECT_EQ(*Ratio::div(Ratio(1, 2), Ratio(1, 4)), Ratio(2));
  EXPECT_FALSE(Ratio::div(Ratio(1), Ratio(0)).has_value());
  const auto big = std::numeric_limits<std::int64_t>::max();
  EXPECT_FALSE(Ratio::mul(Ratio(big), Ratio(2)).has_value());
  EXPECT_FALSE(Ratio::add(Ratio(1, big), Ratio(1, big - 1)).has_value());
}

TEST(Ratio, FrenchDisplay) {
  EXPECT_EQ(Ratio(3, 8).decimal_fr(3), "0,375");
  EXPECT_EQ(Ratio(1, 3).percent_fr(1), "33,3\u00A0%");
}

}  // namespace
}  // namespace maillage::association
