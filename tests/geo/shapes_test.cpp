#include "geo/shapes.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "geo/referentiel.hpp"
#include "geo_fixtures.hpp"

namespace maillage::geo {
namespace {

using testing::area_deg2;
using testing::rect;
using Pairs = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

MultiPolygon square(double lat0, double lon0, double lat1, double lon1) {
  return {{rect(lat0, lon0, lat1, lon1), {}}};
}

AdjacencyOptions options() {
  AdjacencyOptions o;
  o.threads = 2;
  return o;
}

TEST(SharedBorders, GridNeighboursShareSidesNotCorners) {
  // 3 × 3 squares of 0.01° (about 1.1 km × 0.7 km): sides are shared, diagonals only touch at
  // a corner.
  std::vector<MultiPolygon> shapes;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      shapes.push_back(square(49 + 0.01 * i, 6 + 0.01 * j, 49.01 + 0.01 * i, 6.01 + 0.01 * j));
    }
  }
  const Pairs sides = shared_borders(shapes, options());
  EXPECT_EQ(sides, (Pairs{{0, 1},
                          {0, 3},
                          {1, 2},
                          {1, 4},
                          {2, 5},
                          {3, 4},
                          {3, 6},
                          {4, 5},
                          {4, 7},
                          {5, 8},
                          {6, 7},
                          {7, 8}}));
  AdjacencyOptions point = options();
  point.point_contact = true;
  const Pairs all = shared_borders(shapes, point);
  EXPECT_EQ(all.size(), 12U + 8U);  // the 8 diagonal contacts too
}

TEST(SharedBorders, ToleranceAbsorbsSmallGapsOnly) {
  // Two squares 2 m apart (2e-5° of latitude ≈ 2.2 m) along a 1.1 km side are neighbours with a
  // 5 m tolerance; 50 m apart they are not.
  const std::vector<MultiPolygon> near = {square(49, 6, 49.01, 6.01),
                                          square(49.01002, 6, 49.02, 6.01)};
  EXPECT_EQ(shared_borders(near, options()), (Pairs{{0, 1}}));
  const std::vector<MultiPolygon> far = {square(49, 6, 49.01, 6.01),
                                         square(49.0105, 6, 49.02, 6.01)};
  EXPECT_TRUE(shared_borders(far, options()).empty());
}

TEST(SharedBorders, EnclaveAndIsland) {
  // Commune 1 lies inside a hole of commune 0 (an enclave); commune 2 is an island offshore.
  MultiPolygon host = {{rect(49, 6, 49.1, 6.1), {rect(49.04, 6.04, 49.06, 6.06)}}};
  const std::vector<MultiPolygon> shapes = {host, square(49.04, 6.04, 49.06, 6.06),
                                            square(49.2, 6.3, 49.21, 6.31)};
  EXPECT_EQ(shared_borders(shapes, options()), (Pairs{{0, 1}}));
}

TEST(SharedBorders, ShortSharedStretchBelowTheMinimumIsNotABorder) {
  // The squares overlap along 10 m of side only: below the 25 m minimum, a point contact.
  const std::vector<MultiPolygon> shapes = {square(49, 6, 49.01, 6.01),
                                            square(49.01, 6.00999, 49.02, 6.02)};
  // 6.01 - 6.00999 = 1e-5° of longitude ≈ 0.73 m shared.
  EXPECT_TRUE(shared_borders(shapes, options()).empty());
  AdjacencyOptions point = options();
  point.point_contact = true;
  EXPECT_EQ(shared_borders(shapes, point), (Pairs{{0, 1}}));
}

TEST(Shapes, UnionDifferenceAndPointOnSurface) {
  const std::vector<MultiPolygon> halves = {square(49, 6, 49.01, 6.01),
                                            square(49, 6.01, 49.01, 6.02)};
  const MultiPolygon whole = union_of(halves);
  ASSERT_EQ(whole.size(), 1U);
  EXPECT_NEAR(area_deg2(whole), 0.0002, 1e-10);
  const MultiPolygon left = difference_of(whole, halves[1]);
  EXPECT_NEAR(area_deg2(left), 0.0001, 1e-10);
  const MultiPolygon right = intersection_of(whole, halves[1]);
  EXPECT_NEAR(area_deg2(right), 0.0001, 1e-10);
  const LatLon p = point_on_surface(left);
  EXPECT_TRUE(contains(left, p));
  EXPECT_FALSE(contains(right, {49.005, 6.005}));
}

TEST(Shapes, AreaOnTheSphere) {
  // A 1° × 1° square at the equator: R² × 1° (in radians) × sin(1°) ≈ 12 364 km².
  const double km2 = area_km2(square(0, 0, 1, 1));
  EXPECT_NEAR(km2, 6371.007 * 6371.007 * (M_PI / 180) * std::sin(M_PI / 180), 1e-6);
  // Holes are subtracted, orientation does not matter.
  MultiPolygon donut = {{rect(0, 0, 1, 1), {rect(0.25, 0.25, 0.75, 0.75)}}};
  EXPECT_LT(area_km2(donut), km2 * 0.76);
  EXPECT_GT(area_km2(donut), km2 * 0.74);
}

}  // namespace
}  // namespace maillage::geo
