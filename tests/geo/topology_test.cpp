#include "geo/topology.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "geo_fixtures.hpp"

namespace maillage::geo {
namespace {

using testing::rect;

MultiPolygon square(double lat0, double lon0, double lat1, double lon1) {
  return {{rect(lat0, lon0, lat1, lon1), {}}};
}

std::size_t arc_of(std::int32_t ref) { return static_cast<std::size_t>(ref >= 0 ? ref : ~ref); }

// The ring of arc references as grid points (closing point repeated), from simplified arcs.
std::vector<GridPoint> ring_points(const SimplifiedArcs& arcs, const Topology::Ring& refs) {
  std::vector<GridPoint> out;
  for (std::int32_t ref : refs) {
    std::span<const GridPoint> a = arcs.arc(arc_of(ref));
    std::vector<GridPoint> pts(a.begin(), a.end());
    if (ref < 0) std::reverse(pts.begin(), pts.end());
    for (std::size_t k = out.empty() ? 0 : 1; k < pts.size(); ++k) out.push_back(pts[k]);
  }
  return out;
}

SimplifiedArcs full(const Topology& t) {
  SimplifiedArcs s;
  s.points = t.points;
  s.arc_start = t.arc_start;
  return s;
}

TEST(Topology, TwoSquaresShareOneArcRunBothWays) {
  // A | B side by side: the common side is cut at its two ends (where the rings part), so each
  // ring is two arcs and the common one is stored once.
  const std::vector<MultiPolygon> shapes = {square(49, 6, 49.01, 6.01),
                                            square(49, 6.01, 49.01, 6.02)};
  const Topology t = build_topology(shapes);
  ASSERT_EQ(t.shapes.size(), 2U);
  ASSERT_EQ(t.shapes[0].size(), 1U);
  ASSERT_EQ(t.shapes[0][0].size(), 1U);  // outer ring only
  EXPECT_EQ(t.arc_count(), 3U);
  const auto& a = t.shapes[0][0][0];
  const auto& b = t.shapes[1][0][0];
  ASSERT_EQ(a.size(), 2U);
  ASSERT_EQ(b.size(), 2U);
  std::set<std::size_t> shared;
  for (auto ra : a) {
    for (auto rb : b) {
      if (arc_of(ra) == arc_of(rb)) {
        shared.insert(arc_of(ra));
        EXPECT_EQ(ra, ~rb) << "the two sides run the common arc in opposite directions";
      }
    }
  }
  ASSERT_EQ(shared.size(), 1U);
  const auto common = t.arc(*shared.begin());
  ASSERT_EQ(common.size(), 2U);
  EXPECT_EQ(common.front().x, 601000);
  EXPECT_EQ(common.back().x, 601000);
  // Stitching the arcs gives back each square (5 points, closed).
  const SimplifiedArcs all = full(t);
  const auto ring_a = ring_points(all, a);
  EXPECT_EQ(ring_a.size(), 5U);
  EXPECT_EQ(ring_a.front(), ring_a.back());
}

TEST(Topology, EnclaveAndHostHoleAreOneClosedArc) {
  // A 3 × 3 square with a hole, and the commune that fills the hole.
  MultiPolygon host = square(49, 6, 49.03, 6.03);
  host[0].holes.push_back(rect(49.01, 6.01, 49.02, 6.02));
  const std::vector<MultiPolygon> shapes = {host, square(49.01, 6.01, 49.02, 6.02)};
  const Topology t = build_topology(shapes);
  EXPECT_EQ(t.arc_count(), 2U);
  ASSERT_EQ(t.shapes[0][0].size(), 2U);  // outer ring and hole
  const auto hole = t.shapes[0][0][1];
  const auto enclave = t.shapes[1][0][0];
  ASSERT_EQ(hole.size(), 1U);
  ASSERT_EQ(enclave.size(), 1U);
  EXPECT_EQ(arc_of(hole[0]), arc_of(enclave[0]));
  const auto closed = t.arc(arc_of(hole[0]));
  EXPECT_EQ(closed.size(), 5U);
  EXPECT_EQ(closed.front(), closed.back());
  EXPECT_EQ(closed.front(), (GridPoint{601000, 4901000}));  // starts at its smallest point
}

TEST(Topology, DouglasPeuckerWeightsInMetres) {
  // A border along the parallel 49° N from 6.00 to 6.02°E with one point 10 m (9e-5°) north of
  // its middle, between two rectangles: the middle point weighs its 10 m; then each of its two
  // neighbours on the border is 9.02 m from the chord joining the bump to the border's end
  // (1 m short of the bump, 100 m from it along a 730 m chord).
  const double bump = 9e-5;  // degrees of latitude, 10.02 m
  Ring a = {{49, 6}, {49, 6.01 - 1e-3}, {49 + bump, 6.01}, {49, 6.01 + 1e-3}, {49, 6.02},
            {48.99, 6.02}, {48.99, 6}, {49, 6}};
  Ring b = {{49, 6}, {49.01, 6}, {49.01, 6.02}, {49, 6.02}, {49, 6.01 + 1e-3},
            {49 + bump, 6.01}, {49, 6.01 - 1e-3}, {49, 6}};
  const std::vector<MultiPolygon> shapes = {{{a, {}}}, {{b, {}}}};
  const Topology t = build_topology(shapes);
  ASSERT_EQ(t.arc_count(), 3U);
  std::size_t border = t.arc_count();
  for (std::size_t k = 0; k < t.arc_count(); ++k) {
    if (t.arc(k).size() == 5) border = k;
  }
  ASSERT_LT(border, t.arc_count());
  const float* w = t.weight.data() + t.arc_start[border];
  EXPECT_TRUE(std::isinf(w[0]));
  EXPECT_TRUE(std::isinf(w[4]));
  EXPECT_NEAR(w[2], 10.02, 0.05);
  EXPECT_NEAR(w[1], 9.02, 0.05);
  EXPECT_NEAR(w[3], 9.02, 0.05);

  // At 5 m everything stays, at 9.5 m the bump alone, at 20 m the border is a straight line: on
  // both sides, since the two communes use the same arc.
  EXPECT_EQ(simplify(t, 5).arc(border).size(), 5U);
  EXPECT_EQ(simplify(t, 9.5).arc(border).size(), 3U);
  const SimplifiedArcs coarse = simplify(t, 20);
  EXPECT_EQ(coarse.arc(border).size(), 2U);
  const auto ra = ring_points(coarse, t.shapes[0][0][0]);
  const auto rb = ring_points(coarse, t.shapes[1][0][0]);
  EXPECT_EQ(ra.size(), 5U);  // a rectangle again
  EXPECT_EQ(rb.size(), 5U);
}

TEST(Topology, NoRingCollapsesAtACoarseLevel) {
  // A small commune (about 110 m × 70 m) wedged in a larger one along two arcs: at 1 km both
  // arcs would shrink to their two junctions, a flat ring; the most significant point is kept.
  Ring small = {{49.0, 6.0}, {49.0005, 6.0005}, {49.001, 6.0}, {49.0005, 5.9995}, {49.0, 6.0}};
  Ring host = {{49.0, 6.0}, {49.0005, 5.9995}, {49.001, 6.0}, {49.01, 6.0},
               {49.01, 5.99}, {48.99, 5.99}, {49.0, 6.0}};
  const std::vector<MultiPolygon> shapes = {{{small, {}}}, {{host, {}}}};
  const Topology t = build_topology(shapes);
  const SimplifiedArcs coarse = simplify(t, 1000);
  const auto ring = ring_points(coarse, t.shapes[0][0][0]);
  EXPECT_GE(ring.size(), 4U) << "three distinct points and the closing one";
  // The host keeps the same shared arcs, so the two still meet without gap.
  const auto h = ring_points(coarse, t.shapes[1][0][0]);
  EXPECT_GE(h.size(), 4U);
}

TEST(Topology, EmptyAndDegenerateShapes) {
  const std::vector<MultiPolygon> shapes = {{}, {{Ring{{49, 6}, {49, 6.01}, {49, 6}}, {}}}};
  const Topology t = build_topology(shapes);
  ASSERT_EQ(t.shapes.size(), 2U);
  EXPECT_TRUE(t.shapes[0].empty());
  EXPECT_TRUE(t.shapes[1].empty());
  EXPECT_EQ(t.arc_count(), 0U);
  EXPECT_EQ(simplify(t, 10).arc_start.size(), 1U);
}

}  // namespace
}  // namespace maillage::geo
