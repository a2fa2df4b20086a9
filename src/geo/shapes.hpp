// Commune shapes from polygons (GEOS): unions for communes nouvelles, the cell fallback clipped
// out of the polygon it was carved from, points on surface, and adjacency from shared borders.
// Used by build_referentiel; exposed for tests.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "geo/referentiel.hpp"

namespace maillage::geo {

struct AdjacencyOptions {
  double snap_m = 5;         // tolerance between the two sides of a border
  double min_shared_m = 25;  // shared stretch needed (ignored with point_contact)
  bool point_contact = false;
  unsigned threads = 2;
  std::function<void(std::size_t done, std::size_t total)> progress;  // from this thread
};

// Neighbour pairs (i < j, sorted) among `shapes` (degrees): the length of i's boundary lying
// within snap_m of j's boundary is at least min_shared_m (or positive, with point_contact).
// Lengths are measured in a sinusoidal projection centred on the shapes (metres, within 1 % in
// metropolitan France). Empty shapes have no neighbour. Throws std::runtime_error on GEOS failure.
std::vector<std::pair<std::uint32_t, std::uint32_t>> shared_borders(
    std::span<const MultiPolygon> shapes, const AdjacencyOptions& options);

// Union of shapes, snapped to the 1e-5 degree storage grid.
MultiPolygon union_of(std::span<const MultiPolygon> shapes);
// a ∩ b and a − b, snapped to the same grid.
MultiPolygon intersection_of(const MultiPolygon& a, const MultiPolygon& b);
MultiPolygon difference_of(const MultiPolygon& a, const MultiPolygon& b);
// Whether `p` lies in `shape` (boundary included).
bool contains(const MultiPolygon& shape, LatLon p);
// A point guaranteed inside the shape (GEOS point on surface); the shape must not be empty.
LatLon point_on_surface(const MultiPolygon& shape);

}  // namespace maillage::geo
