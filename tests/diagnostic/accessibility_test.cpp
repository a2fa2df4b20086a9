#include "diagnostic/accessibility.hpp"

#include <gtest/gtest.h>

#include <numbers>

namespace maillage::diagnostic {
namespace {

// Points on one meridian placed so that the crow-fly model (× 1.3 at 50 km/h) gives whole
// minutes: `minutes` from latitude 49°.
access::GeoPoint at_minutes(double minutes) {
  const double km = minutes * 50.0 / (60.0 * 1.3);
  const double degrees = km / access::kEarthRadiusKm * 180.0 / std::numbers::pi;
  return {49.0 + degrees, 6.0};
}

// C (−12 min) — A (0) — B (+8 min): A-B 8 min (weight 1), A-C 12 min (2/3); only A has supply,
// so B-C does not matter. Populations 1 000 / 500 / 2 000, one GP FTE in A at 1 000 consultations a year:
// D_A = 1 000 + 500 + 2 000 × 2/3 = 8 500/3, R_A = 6/17, so A and B get 6/17 and C 4/17
// consultations per inhabitant; Σ P·A = 1 000 = the supply.
TEST(AccessMap, HandComputedLine) {
  const std::vector<access::GeoPoint> points{at_minutes(0), at_minutes(8), at_minutes(-12),
                                             at_minutes(-12.5)};
  const std::vector<double> population{1000, 500, 2000, 0};
  const std::vector<double> fte{1, 0, 0, 0};
  AccessParameters p;
  p.consultations_per_fte = 1000;
  auto m = compute_access_map(points, population, fte, p);
  ASSERT_TRUE(m) << m.error().describe();
  ASSERT_EQ(m->access.size(), 4U);
  EXPECT_NEAR(m->access[0], 6.0 / 17, 1e-9);
  EXPECT_NEAR(m->access[1], 6.0 / 17, 1e-9);
  EXPECT_NEAR(m->access[2], 4.0 / 17, 1e-9);
  EXPECT_NEAR(m->access[3], 4.0 / 17, 1e-9);  // 12.5 min from A: same band, no population
  EXPECT_DOUBLE_EQ(m->total_supply, 1000);
  EXPECT_EQ(m->stranded_supply, 0);
  EXPECT_EQ(m->pairs, 4U);  // every point reaches A, the only supplied one
}

// Supply with no inhabitant within 20 minutes is reported, not silently dropped.
TEST(AccessMap, StrandedSupplyIsReported) {
  const std::vector<access::GeoPoint> points{at_minutes(0), at_minutes(60)};
  const std::vector<double> population{1000, 0};
  const std::vector<double> fte{0, 2};
  AccessParameters p;
  auto m = compute_access_map(points, population, fte, p);
  ASSERT_TRUE(m);
  EXPECT_DOUBLE_EQ(m->stranded_supply, 2 * 5400);
  ASSERT_EQ(m->stranded_locations.size(), 1U);
  EXPECT_EQ(m->stranded_locations[0], 1U);
  EXPECT_EQ(m->access[0], 0);
}

TEST(AccessMap, WeightsAndCatchmentAreParameters) {
  const std::vector<access::GeoPoint> points{at_minutes(0), at_minutes(12)};
  const std::vector<double> population{1000, 1000};
  const std::vector<double> fte{1, 0};
  AccessParameters p;
  p.consultations_per_fte = 2000;
  p.weights = "uniform";
  p.max_minutes = 10;  // B is outside: A's supply serves A alone
  auto m = compute_access_map(points, population, fte, p);
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_NEAR(m->access[0], 2.0, 1e-12);
  EXPECT_EQ(m->access[1], 0);
  p.max_minutes = 20;
  m = compute_access_map(points, population, fte, p);
  ASSERT_TRUE(m);
  EXPECT_NEAR(m->access[0], 1.0, 1e-12);
  EXPECT_NEAR(m->access[1], 1.0, 1e-12);
}

TEST(AccessMap, RefusesBadParameters) {
  const std::vector<access::GeoPoint> points{at_minutes(0)};
  const std::vector<double> one{1};
  AccessParameters p;
  p.consultations_per_fte = 0;
  EXPECT_FALSE(compute_access_map(points, one, one, p));
  p = {};
  p.weights = "step:zz";
  EXPECT_FALSE(compute_access_map(points, one, one, p));
  p = {};
  p.speed_kmh = 0;
  EXPECT_FALSE(compute_access_map(points, one, one, p));
  const std::vector<double> two{1, 2};
  EXPECT_FALSE(compute_access_map(points, two, one, AccessParameters{}));
}

}  // namespace
}  // namespace maillage::diagnostic
