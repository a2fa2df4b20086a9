#include "geo/cells.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "geo/referentiel.hpp"
#include "geo_fixtures.hpp"

namespace maillage::geo {
namespace {

using testing::area_deg2;
using testing::rect;
using Edge = std::pair<std::uint32_t, std::uint32_t>;

CellOptions options() {
  CellOptions o;
  o.land_simplify_deg = 0;  // hand-made outlines are exact
  o.threads = 2;
  return o;
}

std::size_t degree(const CellResult& r, std::uint32_t i) {
  return static_cast<std::size_t>(std::count_if(r.edges.begin(), r.edges.end(), [i](const Edge& e) {
    return e.first == i || e.second == i;
  }));
}

TEST(Cells, GridNeighboursAreTheFourSidesNotTheDiagonals) {
  // 5 × 5 points 0.1° apart; the land is the grid's box with half a step of margin, so every
  // cell is a 0.1° square and diagonal pairs only touch at a corner.
  std::vector<LatLon> points;
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) points.push_back({45.0 + 0.1 * i, 5.0 + 0.1 * j});
  }
  const MultiPolygon land = {{rect(44.95, 4.95, 45.45, 5.45), {}}};
  const CellResult r = compute_cells(points, land, options());
  ASSERT_EQ(r.cells.size(), 25U);
  EXPECT_EQ(r.edges.size(), 40U);  // 2 × 5 × 4 sides
  for (const auto& [a, b] : r.edges) {
    const int di = std::abs(static_cast<int>(a / 5) - static_cast<int>(b / 5));
    const int dj = std::abs(static_cast<int>(a % 5) - static_cast<int>(b % 5));
    EXPECT_EQ(di + dj, 1) << a << "-" << b;
  }
  EXPECT_EQ(degree(r, 12), 4U);  // centre
  EXPECT_EQ(degree(r, 0), 2U);   // corner
  double total = 0;
  for (std::size_t k = 0; k < r.cells.size(); ++k) {
    EXPECT_NEAR(area_deg2(r.cells[k]), 0.01, 1e-6) << k;
    EXPECT_FALSE(r.island[k]);
    EXPECT_FALSE(r.offshore[k]);
    total += area_deg2(r.cells[k]);
  }
  EXPECT_NEAR(total, 0.25, 1e-6);
}

TEST(Cells, ClippedCellsTileTheOutline) {
  // A triangle of land and a scatter of points inside it.
  const MultiPolygon land = {{{{45.0, 5.0}, {45.0, 6.0}, {46.0, 5.0}, {45.0, 5.0}}, {}}};
  std::vector<LatLon> points;
  for (int k = 0; k < 30; ++k) {
    const double u = 0.05 + 0.03 * (k % 7);
    const double v = 0.04 + 0.025 * (k / 7) + 0.003 * (k % 3);
    points.push_back({45.0 + v, 5.0 + u});
  }
  const CellResult r = compute_cells(points, land, options());
  double total = 0;
  for (const MultiPolygon& cell : r.cells) {
    ASSERT_FALSE(cell.empty());
    total += area_deg2(cell);
    for (const Polygon& p : cell) {
      for (const LatLon& q : p.outer) {
        EXPECT_GE(q.lat, 45.0 - 1e-5);
        EXPECT_GE(q.lon, 5.0 - 1e-5);
        EXPECT_LE((q.lat - 45.0) + (q.lon - 5.0), 1.0 + 2e-5);  // below the hypotenuse
      }
    }
  }
  EXPECT_NEAR(total, 0.5, 1e-4);  // rounding to 5 decimals costs a little
  EXPECT_GT(r.edges.size(), 30U);
}

TEST(Cells, NoNeighboursAcrossTheSea) {
  const MultiPolygon land = {{rect(45.0, 5.0, 45.3, 5.3), {}},
                             {rect(45.0, 5.5, 45.3, 5.8), {}},
                             {rect(46.0, 5.0, 46.05, 5.05), {}}};
  const std::vector<LatLon> points = {{45.1, 5.1},  {45.2, 5.2},  {45.1, 5.25},  // west island
                                      {45.1, 5.6},  {45.2, 5.65}, {45.15, 5.7},  // east island
                                      {46.02, 5.02}};                            // islet
  const CellResult r = compute_cells(points, land, options());
  ASSERT_GT(r.delaunay_edges, r.edges.size());  // Delaunay crosses the strait, we do not
  for (const auto& [a, b] : r.edges) {
    EXPECT_EQ(a < 3, b < 3) << a << "-" << b;
    EXPECT_NE(b, 6U);
  }
  for (std::uint32_t i = 0; i < 6; ++i) {
    EXPECT_GE(degree(r, i), 1U) << i;
    EXPECT_FALSE(r.island[i]) << i;
  }
  EXPECT_TRUE(r.island[6]);
  EXPECT_EQ(degree(r, 6), 0U);
  EXPECT_NEAR(area_deg2(r.cells[6]), 0.05 * 0.05, 1e-8);  // the whole islet
}

TEST(Cells, PointsJustOffTheCoastAreJoinedFarOnesAreIslands) {
  const MultiPolygon land = {{rect(45.0, 5.0, 46.0, 6.0), {}}};
  const std::vector<LatLon> points = {{45.5, 5.5}, {45.3, 5.8},  {45.7, 5.8},
                                      {45.5, 5.9}, {45.5, 6.02},  // ~1.6 km off the east coast
                                      {45.5, 6.5}};               // ~39 km off: its own island
  const CellResult r = compute_cells(points, land, options());
  EXPECT_TRUE(r.offshore[4]);
  EXPECT_FALSE(r.island[4]);
  EXPECT_GE(degree(r, 4), 1U);
  EXPECT_TRUE(r.offshore[5]);
  EXPECT_TRUE(r.island[5]);
  EXPECT_EQ(degree(r, 5), 0U);
  EXPECT_FALSE(r.cells[5].empty());  // a small disc, for the map
}

TEST(Cells, OnePointGetsTheWholeLandAndDuplicatesAreKeptApart) {
  const MultiPolygon land = {{rect(45.0, 5.0, 45.2, 5.2), {}}};
  const std::vector<LatLon> one = {{45.1, 5.1}};
  const CellResult single = compute_cells(one, land, options());
  ASSERT_EQ(single.cells.size(), 1U);
  EXPECT_NEAR(area_deg2(single.cells[0]), 0.04, 1e-8);
  EXPECT_TRUE(single.island[0]);

  const std::vector<LatLon> twins = {{45.1, 5.1}, {45.1, 5.1}, {45.05, 5.05}};
  const CellResult r = compute_cells(twins, land, options());
  ASSERT_EQ(r.cells.size(), 3U);
  for (const MultiPolygon& c : r.cells) EXPECT_GT(area_deg2(c), 0);
}

TEST(Outline, IsTheUnionOfTheCells) {
  std::vector<LatLon> points;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) points.push_back({45.0 + 0.1 * i, 5.0 + 0.1 * j});
  }
  const MultiPolygon land = {{rect(44.95, 4.95, 45.25, 5.25), {}}};
  CellResult r = compute_cells(points, land, options());
  Referentiel ref;
  for (std::size_t k = 0; k < points.size(); ++k) {
    Commune c;
    c.code = "0100" + std::to_string(k);
    c.position = points[k];
    ref.communes.push_back(c);
  }
  ref.cells = std::move(r.cells);
  ref.index();

  // Two side by side: one rectangle.
  const std::vector<CommuneIndex> pair = {0, 1};
  const MultiPolygon two = outline(ref, pair);
  ASSERT_EQ(two.size(), 1U);
  EXPECT_NEAR(area_deg2(two), 0.02, 1e-8);
  EXPECT_TRUE(two[0].holes.empty());
  double perimeter = 0;  // the shared side is gone: 2 × (0.2 + 0.1)
  for (std::size_t k = 0; k + 1 < two[0].outer.size(); ++k) {
    perimeter += std::hypot(two[0].outer[k + 1].lat - two[0].outer[k].lat,
                            two[0].outer[k + 1].lon - two[0].outer[k].lon);
  }
  EXPECT_NEAR(perimeter, 0.6, 1e-9);

  // Opposite corners: two polygons. A ring of 8 around the centre: one polygon with a hole.
  const std::vector<CommuneIndex> corners = {0, 8};
  EXPECT_EQ(outline(ref, corners).size(), 2U);
  const std::vector<CommuneIndex> ring = {0, 1, 2, 3, 5, 6, 7, 8};
  const MultiPolygon donut = outline(ref, ring);
  ASSERT_EQ(donut.size(), 1U);
  EXPECT_EQ(donut[0].holes.size(), 1U);
  EXPECT_NEAR(area_deg2(donut), 0.08, 1e-8);

  const std::vector<CommuneIndex> none = {};
  EXPECT_TRUE(outline(ref, none).empty());
  const std::vector<CommuneIndex> out_of_range = {42};
  EXPECT_TRUE(outline(ref, out_of_range).empty());
}

}  // namespace
}  // namespace maillage::geo
