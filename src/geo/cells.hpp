// Commune cells and adjacency for one territory (GEOS): Voronoi cells of the commune points
// clipped to the land outline, and the Delaunay edges whose clipped cells share a boundary.
// Used by build_referentiel; exposed for tests.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "geo/referentiel.hpp"

namespace maillage::geo {

struct CellOptions {
  double land_simplify_deg = 0.002;  // topology-preserving simplification of the land first
  // A point off the land outline within bridge_km of it is joined to the nearest land by a
  // corridor bridge_margin_km wide on each side; a point farther away gets a disc of
  // offshore_cell_km (its own island).
  double bridge_km = 5;
  double bridge_margin_km = 0.3;
  double offshore_cell_km = 1.5;
  unsigned threads = 2;                                               // clipping threads
  std::function<void(std::size_t done, std::size_t total)> progress;  // called from this thread
};

struct CellResult {
  std::vector<MultiPolygon> cells;  // one per point, degrees rounded to 5 decimals
  // Neighbour pairs (i < j, sorted): Delaunay edges whose clipped cells share a boundary
  // longer than about 1 cm.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  // Per point: every land piece of its cell holds no other point.
  std::vector<char> island;
  std::vector<char> offshore;  // per point: off the land outline (see CellOptions)
  std::size_t delaunay_edges = 0;
};

// Computes the cells of `points` (distinct positions expected; exact duplicates are nudged by
// 0.001 degree) within `land`. The Voronoi diagram is computed in a local equirectangular
// projection (x = longitude × cos(mean latitude)) so that cells are not stretched east-west.
// A single point gets the whole land. Throws std::runtime_error when GEOS fails.
CellResult compute_cells(std::span<const LatLon> points, const MultiPolygon& land,
                         const CellOptions& options);

}  // namespace maillage::geo
