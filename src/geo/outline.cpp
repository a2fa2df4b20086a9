#include <cmath>

#include "geo/geos_util.hpp"
#include "geo/referentiel.hpp"

namespace maillage::geo {
namespace {

using detail::GeomPtr;
using detail::GeosContext;
using detail::PlanarMulti;
using detail::PlanarPolygon;
using detail::PlanarRing;

// Cells are stored rounded to 1e-5 degree; the union snaps to the same grid, which absorbs the
// last-digit differences between the two sides of a shared border.
constexpr double kGrid = 1e-5;

PlanarRing to_planar(const Ring& ring) {
  PlanarRing out;
  out.reserve(ring.size());
  for (const LatLon& p : ring) out.push_back({p.lon, p.lat});
  return out;
}

Ring to_ring(const PlanarRing& ring) {
  Ring out;
  out.reserve(ring.size());
  for (const auto& p : ring) {
    out.push_back({std::round(p.y / kGrid) * kGrid, std::round(p.x / kGrid) * kGrid});
  }
  return out;
}

}  // namespace

MultiPolygon outline(const Referentiel& ref, std::span<const CommuneIndex> communes) {
  PlanarMulti parts;
  for (const CommuneIndex i : communes) {
    if (i >= ref.cells.size()) continue;
    for (const Polygon& poly : ref.cells[i]) {
      PlanarPolygon p;
      p.push_back(to_planar(poly.outer));
      for (const Ring& h : poly.holes) p.push_back(to_planar(h));
      parts.push_back(std::move(p));
    }
  }
  MultiPolygon out;
  if (parts.empty()) return out;
  GeosContext ctx;
  const GeomPtr all = detail::make_multipolygon(ctx, parts);
  // OverlayNG union snapped to the storage grid: robust to the tiny gaps and overlaps that
  // independent rounding of neighbouring cells may leave (a coverage union is not).
  const GeomPtr merged =
      detail::checked(ctx, GEOSUnaryUnionPrec_r(ctx.get(), all.get(), kGrid), "GEOSUnaryUnionPrec");
  PlanarMulti polys;
  detail::read_polygons(ctx, merged.get(), polys);
  out.reserve(polys.size());
  for (const PlanarPolygon& p : polys) {
    Polygon poly;
    poly.outer = to_ring(p.front());
    for (std::size_t r = 1; r < p.size(); ++r) poly.holes.push_back(to_ring(p[r]));
    out.push_back(std::move(poly));
  }
  return out;
}

}  // namespace maillage::geo
