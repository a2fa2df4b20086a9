// Commune shapes as a topology (TopoJSON's model) and its simplification per level of detail:
// a stretch of border shared by two communes is one arc, simplified once, so that the simplified
// neighbours still share it exactly (no gap, no overlap). See src/geo/README.md, "Topology".
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <vector>

#include "geo/referentiel.hpp"

namespace maillage::geo {

// A position on the référentiel's storage grid: shapes are stored rounded to 1e-5 degree (about a
// metre), so the two sides of a shared border have equal grid points.
struct GridPoint {
  std::int32_t x = 0;  // longitude × 1e5
  std::int32_t y = 0;  // latitude × 1e5
  friend bool operator==(GridPoint, GridPoint) = default;
  friend auto operator<=>(GridPoint, GridPoint) = default;
};
inline constexpr double kGridStep = 1e-5;  // degrees

struct Topology {
  // Arc a is points[arc_start[a] .. arc_start[a + 1]); arc_start has arc_count() + 1 entries.
  std::vector<GridPoint> points;
  std::vector<std::uint32_t> arc_start{0};
  // Douglas–Peucker significance of each point, in metres: simplifying with a tolerance t keeps
  // exactly the points whose weight exceeds t (arc ends are +infinity, they are never dropped).
  std::vector<float> weight;
  // shapes[s][p][r]: the arc references of ring r (0 = outer ring) of polygon p of shape s, as in
  // TopoJSON: a >= 0 runs arc a forwards, ~a (negative) backwards. Rings are closed by their arcs.
  using Ring = std::vector<std::int32_t>;
  using Polygon = std::vector<Ring>;
  std::vector<std::vector<Polygon>> shapes;

  [[nodiscard]] std::size_t arc_count() const { return arc_start.size() - 1; }
  [[nodiscard]] std::span<const GridPoint> arc(std::size_t a) const {
    return {points.data() + arc_start[a], points.data() + arc_start[a + 1]};
  }
};

// Builds the topology of `shapes` (degrees; points are rounded to the grid): each ring is cut at
// its junctions (points where the rings passing through do not continue alike) and identical
// arcs (either direction) are stored once. A ring without junction (an island, an enclave's
// border) is one closed arc starting at its smallest point. Rings of fewer than three distinct
// points are dropped, and a polygon without its outer ring.
Topology build_topology(std::span<const MultiPolygon> shapes);

// The arcs at one level of detail: the points of weight above `tolerance_m`, plus, for any ring
// that would keep fewer than three distinct points, the most significant points of its arcs
// until it has three (so that no commune vanishes at a coarse level). Same arc indices and
// references as the topology.
struct SimplifiedArcs {
  std::vector<GridPoint> points;
  std::vector<std::uint32_t> arc_start{0};
  [[nodiscard]] std::span<const GridPoint> arc(std::size_t a) const {
    return {points.data() + arc_start[a], points.data() + arc_start[a + 1]};
  }
};
SimplifiedArcs simplify(const Topology& topology, double tolerance_m);

}  // namespace maillage::geo
