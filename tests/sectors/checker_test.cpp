// The independent checker: accepts a valid partition and names each kind of violation.
#include <gtest/gtest.h>

#include "sectors/graphs.hpp"
#include "sectors/sectors.hpp"

namespace maillage::sectors {
namespace {

using testing::path_edges;
using testing::unit_weights;

// Path 0-1-2-3-4-5, two sectors of 3.
Problem six() { return unit_weights(6, path_edges(6), 2, 3, 3); }

std::string rejected(const Problem& p, const std::vector<int>& sector) {
  const auto c = check(p, sector);
  EXPECT_FALSE(c.has_value());
  return c ? "" : c.error().field + ": " + c.error().message;
}

TEST(Check, AcceptsAValidPartition) { EXPECT_TRUE(check(six(), {0, 0, 0, 1, 1, 1}).has_value()); }

TEST(Check, WantsOneSectorPerUnit) {
  EXPECT_NE(rejected(six(), {0, 0, 0, 1, 1}).find("5 entries for 6 units"), std::string::npos);
}

TEST(Check, RejectsASectorOutsideZeroToKMinusOne) {
  EXPECT_NE(rejected(six(), {0, 0, 0, 1, 1, 2}).find("unit 5 is in sector 2"), std::string::npos);
  EXPECT_NE(rejected(six(), {-1, 0, 0, 1, 1, 1}).find("unit 0 is in sector -1"), std::string::npos);
}

TEST(Check, RejectsAnEmptySector) {
  auto p = six();
  p.lower = 0;
  p.upper = 6;
  EXPECT_NE(rejected(p, {0, 0, 0, 0, 0, 0}).find("sector 1 is empty"), std::string::npos);
}

TEST(Check, RejectsAWorkloadOutsideTheBounds) {
  EXPECT_NE(rejected(six(), {0, 0, 1, 1, 1, 1}).find("sector 0 has workload 2, outside [3, 3]"),
            std::string::npos);
}

TEST(Check, RejectsADisconnectedSector) {
  auto p = six();
  p.lower = 2;
  p.upper = 4;
  EXPECT_NE(rejected(p, {0, 1, 1, 0, 0, 1}).find("not connected"), std::string::npos);
}

TEST(Check, RejectsAMovedFixedUnit) {
  auto p = six();
  p.fixed = {-1, -1, -1, -1, -1, 0};
  EXPECT_NE(rejected(p, {0, 0, 0, 1, 1, 1}).find("unit 5 is fixed to sector 0"), std::string::npos);
}

TEST(Check, RejectsASplitTogetherGroup) {
  auto p = six();
  p.together = {{2, 3}};
  EXPECT_NE(rejected(p, {0, 0, 0, 1, 1, 1}).find("together group 0 is split"), std::string::npos);
}

}  // namespace
}  // namespace maillage::sectors
