#include "geo/geos_util.hpp"

#include <algorithm>
#include <limits>

namespace maillage::geo::detail {
namespace {

GEOSGeometry* make_ring(const GeosContext& ctx, const PlanarRing& ring) {
  // XY is two doubles, laid out as GEOS's interleaved x,y buffer.
  static_assert(sizeof(XY) == 2 * sizeof(double));
  GEOSCoordSequence* seq =
      GEOSCoordSeq_copyFromBuffer_r(ctx.get(), reinterpret_cast<const double*>(ring.data()),
                                    static_cast<unsigned int>(ring.size()), 0, 0);
  if (seq == nullptr) throw std::runtime_error("GEOSCoordSeq_copyFromBuffer: " + ctx.last_error());
  GEOSGeometry* g = GEOSGeom_createLinearRing_r(ctx.get(), seq);
  if (g == nullptr) throw std::runtime_error("GEOSGeom_createLinearRing: " + ctx.last_error());
  return g;
}

bool usable(const PlanarRing& ring) {
  if (ring.size() < 4) return false;
  const XY& a = ring.front();
  const XY& b = ring.back();
  return a.x == b.x && a.y == b.y;
}

}  // namespace

GeomPtr make_polygon(const GeosContext& ctx, const PlanarPolygon& poly) {
  if (poly.empty() || !usable(poly.front())) {
    return checked(ctx, GEOSGeom_createEmptyPolygon_r(ctx.get()), "GEOSGeom_createEmptyPolygon");
  }
  GEOSGeometry* shell = make_ring(ctx, poly.front());
  std::vector<GEOSGeometry*> holes;
  for (std::size_t i = 1; i < poly.size(); ++i) {
    if (usable(poly[i])) holes.push_back(make_ring(ctx, poly[i]));
  }
  return checked(ctx,
                 GEOSGeom_createPolygon_r(ctx.get(), shell, holes.empty() ? nullptr : holes.data(),
                                          static_cast<unsigned int>(holes.size())),
                 "GEOSGeom_createPolygon");
}

GeomPtr make_multipolygon(const GeosContext& ctx, const PlanarMulti& polys) {
  std::vector<GEOSGeometry*> parts;
  parts.reserve(polys.size());
  for (const PlanarPolygon& p : polys) {
    if (p.empty() || !usable(p.front())) continue;
    parts.push_back(make_polygon(ctx, p).release());
  }
  return checked(ctx,
                 GEOSGeom_createCollection_r(ctx.get(), GEOS_MULTIPOLYGON,
                                             parts.empty() ? nullptr : parts.data(),
                                             static_cast<unsigned int>(parts.size())),
                 "GEOSGeom_createCollection");
}

GeomPtr make_point(const GeosContext& ctx, XY p) {
  return checked(ctx, GEOSGeom_createPointFromXY_r(ctx.get(), p.x, p.y), "GEOSGeom_createPoint");
}

PlanarRing read_ring(const GeosContext& ctx, const GEOSGeometry* ring) {
  PlanarRing out;
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.get(), ring);
  unsigned int n = 0;
  if (seq == nullptr || GEOSCoordSeq_getSize_r(ctx.get(), seq, &n) == 0 || n == 0) return out;
  out.resize(n);
  if (GEOSCoordSeq_copyToBuffer_r(ctx.get(), seq, reinterpret_cast<double*>(out.data()), 0, 0) ==
      0) {
    throw std::runtime_error("GEOSCoordSeq_copyToBuffer: " + ctx.last_error());
  }
  return out;
}

void read_polygons(const GeosContext& ctx, const GEOSGeometry* g, PlanarMulti& out) {
  if (g == nullptr || GEOSisEmpty_r(ctx.get(), g) == 1) return;
  const int type = GEOSGeomTypeId_r(ctx.get(), g);
  if (type == GEOS_POLYGON) {
    PlanarPolygon poly;
    poly.push_back(read_ring(ctx, GEOSGetExteriorRing_r(ctx.get(), g)));
    const int holes = GEOSGetNumInteriorRings_r(ctx.get(), g);
    for (int i = 0; i < holes; ++i) {
      poly.push_back(read_ring(ctx, GEOSGetInteriorRingN_r(ctx.get(), g, i)));
    }
    out.push_back(std::move(poly));
  } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int n = GEOSGetNumGeometries_r(ctx.get(), g);
    for (int i = 0; i < n; ++i) read_polygons(ctx, GEOSGetGeometryN_r(ctx.get(), g, i), out);
  }
}

GeomPtr valid_multipolygon(const GeosContext& ctx, GeomPtr g) {
  if (GEOSisValid_r(ctx.get(), g.get()) == 1 &&
      GEOSGeomTypeId_r(ctx.get(), g.get()) == GEOS_MULTIPOLYGON) {
    return g;
  }
  if (GEOSisValid_r(ctx.get(), g.get()) != 1) {
    g = checked(ctx, GEOSMakeValid_r(ctx.get(), g.get()), "GEOSMakeValid");
  }
  PlanarMulti polys;
  read_polygons(ctx, g.get(), polys);
  return make_multipolygon(ctx, polys);
}

Envelope envelope_of(const PlanarPolygon& poly) {
  Envelope e{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
             std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
  if (poly.empty()) return Envelope{};
  for (const XY& p : poly.front()) {
    e.xmin = std::min(e.xmin, p.x);
    e.ymin = std::min(e.ymin, p.y);
    e.xmax = std::max(e.xmax, p.x);
    e.ymax = std::max(e.ymax, p.y);
  }
  return e;
}

double signed_area(const PlanarRing& ring) {
  double a = 0;
  for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
    a += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y;
  }
  return a / 2;
}

}  // namespace maillage::geo::detail
