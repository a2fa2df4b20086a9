// SIREN and FINESS, checked by hand: 732829320 (Luhn sum 3+6+2+4+2+9+3+4+0 = 30 → valid).
#include "animation/identifiers.hpp"

#include <gtest/gtest.h>

namespace maillage::animation {
namespace {

TEST(Siren, LuhnKey) {
  // 7 3 2 8 2 9 3 2 0, from the right every second digit doubled: 0, 2→4, 3, 9→18→9, 2, 8→16→7,
  // 2, 3→6, 7: 0+4+3+9+2+7+2+6+7 = 40.
  EXPECT_TRUE(luhn_valid("732829320"));
  EXPECT_EQ(normalise_siren("732 829 320"), "732829320");
  EXPECT_FALSE(normalise_siren("732829321"));  // key off by one: sum 41
  EXPECT_FALSE(normalise_siren("73282932"));   // 8 digits
  EXPECT_FALSE(normalise_siren("73282932A"));
  EXPECT_EQ(normalise_siren("356000000"), "356000000");  // La Poste, outside the key
  EXPECT_FALSE(luhn_valid(""));
}

TEST(Finess, Format) {
  EXPECT_EQ(normalise_finess("570 000 158"), "570000158");
  EXPECT_EQ(normalise_finess("2a0000012"), "2A0000012");
  EXPECT_EQ(normalise_finess("970300012"), "970300012");
  EXPECT_FALSE(normalise_finess("000000012"));  // no département 00
  EXPECT_FALSE(normalise_finess("200000012"));  // 20 is 2A/2B
  EXPECT_FALSE(normalise_finess("980000012"));
  EXPECT_FALSE(normalise_finess("57000015"));   // 8 characters
  EXPECT_FALSE(normalise_finess("57000015X"));
}

}  // namespace
}  // namespace maillage::animation
