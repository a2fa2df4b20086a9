#include "geo/cells.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <numbers>
#include <thread>
#include <unordered_map>

#include "geo/geos_util.hpp"

namespace maillage::geo {
namespace {

using detail::Envelope;
using detail::GeomPtr;
using detail::GeosContext;
using detail::PlanarMulti;
using detail::PlanarPolygon;
using detail::PlanarRing;
using detail::XY;

constexpr double kKmPerDegree = 111.195;
// Points of a cell boundary closer than this to a bisector lie on it (degrees, ~1 mm), and a
// shared boundary shorter than kMinShared (~1 cm) is a corner, not a border.
constexpr double kOnLine = 1e-8;
constexpr double kMinShared = 1e-7;

struct Projection {
  double lat0 = 0;
  double lon0 = 0;
  double k = 1;  // cos(lat0)
  [[nodiscard]] XY to(LatLon p) const { return {(p.lon - lon0) * k, p.lat - lat0}; }
  [[nodiscard]] LatLon from(XY p) const { return {p.y + lat0, p.x / k + lon0}; }
};

std::uint64_t bits(double v) {
  std::uint64_t b = 0;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

struct PairHash {
  std::size_t operator()(const std::pair<std::uint64_t, std::uint64_t>& p) const noexcept {
    return std::hash<std::uint64_t>{}(p.first * 0x9E3779B97F4A7C15ULL ^ p.second);
  }
};

// Uniform grid over the sites for nearest-site queries (matching Voronoi cells to sites).
class SiteGrid {
 public:
  explicit SiteGrid(const std::vector<XY>& sites) : sites_(sites) {
    Envelope e{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
               std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
    for (const XY& p : sites) {
      e.xmin = std::min(e.xmin, p.x);
      e.ymin = std::min(e.ymin, p.y);
      e.xmax = std::max(e.xmax, p.x);
      e.ymax = std::max(e.ymax, p.y);
    }
    env_ = e;
    const double w = std::max(e.xmax - e.xmin, 1e-9);
    const double h = std::max(e.ymax - e.ymin, 1e-9);
    const double side =
        std::sqrt(w * h / static_cast<double>(std::max<std::size_t>(sites.size(), 1)));
    // Clamped as doubles first: a degenerate (collinear) set must not overflow the cast.
    nx_ = static_cast<std::size_t>(std::clamp(w / side, 0.0, 4095.0)) + 1;
    ny_ = static_cast<std::size_t>(std::clamp(h / side, 0.0, 4095.0)) + 1;
    cw_ = w / static_cast<double>(nx_);
    ch_ = h / static_cast<double>(ny_);
    buckets_.resize(nx_ * ny_);
    for (std::uint32_t i = 0; i < sites.size(); ++i) buckets_[bucket(sites[i])].push_back(i);
  }

  [[nodiscard]] std::uint32_t nearest(XY q) const {
    const auto [cx, cy] = coords(q);
    std::uint32_t best = 0;
    double best_d = std::numeric_limits<double>::max();
    // Widen the ring of buckets until the best hit is closer than any unvisited bucket.
    for (std::size_t ring = 0;; ++ring) {
      for (std::size_t gx = cx > ring ? cx - ring : 0; gx <= std::min(cx + ring, nx_ - 1); ++gx) {
        for (std::size_t gy = cy > ring ? cy - ring : 0; gy <= std::min(cy + ring, ny_ - 1); ++gy) {
          const bool edge =
              gx + ring == cx || gx == cx + ring || gy + ring == cy || gy == cy + ring;
          if (!edge) continue;
          for (std::uint32_t i : buckets_[gy * nx_ + gx]) {
            const double d = std::hypot(sites_[i].x - q.x, sites_[i].y - q.y);
            if (d < best_d) {
              best_d = d;
              best = i;
            }
          }
        }
      }
      const double covered = static_cast<double>(ring) * std::min(cw_, ch_);
      const bool all = ring >= std::max(nx_, ny_);
      if ((best_d < covered) || all) return best;
    }
  }

 private:
  [[nodiscard]] std::pair<std::size_t, std::size_t> coords(XY p) const {
    const auto cx = static_cast<std::ptrdiff_t>(std::floor((p.x - env_.xmin) / cw_));
    const auto cy = static_cast<std::ptrdiff_t>(std::floor((p.y - env_.ymin) / ch_));
    return {static_cast<std::size_t>(
                std::clamp<std::ptrdiff_t>(cx, 0, static_cast<std::ptrdiff_t>(nx_) - 1)),
            static_cast<std::size_t>(
                std::clamp<std::ptrdiff_t>(cy, 0, static_cast<std::ptrdiff_t>(ny_) - 1))};
  }
  [[nodiscard]] std::size_t bucket(XY p) const {
    const auto [cx, cy] = coords(p);
    return cy * nx_ + cx;
  }

  const std::vector<XY>& sites_;
  Envelope env_;
  std::size_t nx_ = 1, ny_ = 1;
  double cw_ = 1, ch_ = 1;
  std::vector<std::vector<std::uint32_t>> buckets_;
};

bool components_empty(const GeosContext& ctx, const GEOSGeometry* g) {
  return GEOSisEmpty_r(ctx.get(), g) == 1;
}

XY ring_centroid(const PlanarRing& ring) {
  double a = 0;
  double cx = 0;
  double cy = 0;
  for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
    const double f = ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y;
    a += f;
    cx += (ring[i].x + ring[i + 1].x) * f;
    cy += (ring[i].y + ring[i + 1].y) * f;
  }
  if (std::abs(a) < 1e-300) return ring.empty() ? XY{} : ring.front();
  return {cx / (3 * a), cy / (3 * a)};
}

// Length of the boundary of `cell` lying on the perpendicular bisector of (a, b).
double length_on_bisector(const PlanarMulti& cell, XY a, XY b) {
  const double nx = b.x - a.x;
  const double ny = b.y - a.y;
  const double norm = std::hypot(nx, ny);
  if (norm == 0) return 0;
  const double c = ((b.x * b.x + b.y * b.y) - (a.x * a.x + a.y * a.y)) / 2;
  auto off = [&](XY p) { return std::abs(nx * p.x + ny * p.y - c) / norm; };
  double total = 0;
  for (const PlanarPolygon& poly : cell) {
    for (const PlanarRing& ring : poly) {
      for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        if (off(ring[i]) < kOnLine && off(ring[i + 1]) < kOnLine) {
          total += std::hypot(ring[i + 1].x - ring[i].x, ring[i + 1].y - ring[i].y);
        }
      }
    }
  }
  return total;
}

// A MultiPolygon in degrees from planar polygons, rounded to 5 decimals (about 1 m) with the
// repeated points rounding creates removed; rings left with fewer than 4 points are dropped.
MultiPolygon to_degrees(const PlanarMulti& planar, const Projection& proj) {
  MultiPolygon out;
  auto round5 = [](double v) { return std::round(v * 1e5) / 1e5; };
  for (const PlanarPolygon& poly : planar) {
    Polygon p;
    for (std::size_t r = 0; r < poly.size(); ++r) {
      Ring ring;
      ring.reserve(poly[r].size());
      for (const XY& q : poly[r]) {
        LatLon d = proj.from(q);
        d.lat = round5(d.lat);
        d.lon = round5(d.lon);
        if (!ring.empty() && ring.back().lat == d.lat && ring.back().lon == d.lon) continue;
        ring.push_back(d);
      }
      if (ring.size() >= 3 &&
          (ring.front().lat != ring.back().lat || ring.front().lon != ring.back().lon)) {
        ring.push_back(ring.front());
      }
      if (ring.size() < 4) {
        if (r == 0) break;  // the outer ring vanished: so does the polygon
        continue;
      }
      if (r == 0) {
        p.outer = std::move(ring);
      } else {
        p.holes.push_back(std::move(ring));
      }
    }
    if (!p.outer.empty()) out.push_back(std::move(p));
  }
  return out;
}

struct Clipped {
  PlanarMulti pieces;
  std::vector<XY> piece_points;  // a point inside each piece
  // The cell missed the land (cannot happen while every point lies in the clipping region; kept
  // as a guard): it is cut to a disc around its point and has no neighbour.
  bool disc_only = false;
};

// Clips cells [begin, end) of `voronoi` (cell k belongs to site k) against the land.
void clip_range(const std::vector<PlanarPolygon>& voronoi, const std::vector<XY>& sites,
                const PlanarMulti& land, double offshore_radius, std::size_t begin, std::size_t end,
                std::vector<Clipped>& out, std::atomic<std::size_t>& done) {
  GeosContext ctx;
  const GeomPtr land_geom = detail::make_multipolygon(ctx, land);
  const detail::PreparedPtr prepared(GEOSPrepare_r(ctx.get(), land_geom.get()),
                                     detail::PreparedDeleter{ctx.get()});
  if (!prepared) throw std::runtime_error("GEOSPrepare: " + ctx.last_error());
  for (std::size_t k = begin; k < end; ++k) {
    const GeomPtr cell = detail::make_polygon(ctx, voronoi[k]);
    Clipped& result = out[k];
    if (GEOSPreparedContains_r(ctx.get(), prepared.get(), cell.get()) == 1) {
      result.pieces.push_back(voronoi[k]);
    } else if (GEOSPreparedIntersects_r(ctx.get(), prepared.get(), cell.get()) == 1) {
      // Clip the land to the cell's box first: intersecting a few coastline vertices is much
      // cheaper than intersecting the whole territory.
      const Envelope e = detail::envelope_of(voronoi[k]);
      const GeomPtr local = detail::checked(
          ctx, GEOSClipByRect_r(ctx.get(), land_geom.get(), e.xmin, e.ymin, e.xmax, e.ymax),
          "GEOSClipByRect");
      const GeomPtr piece = detail::checked(
          ctx, GEOSIntersection_r(ctx.get(), cell.get(), local.get()), "GEOSIntersection");
      detail::read_polygons(ctx, piece.get(), result.pieces);
    }
    if (result.pieces.empty()) {
      result.disc_only = true;
      const GeomPtr point = detail::make_point(ctx, sites[k]);
      const GeomPtr disc = detail::checked(
          ctx, GEOSBuffer_r(ctx.get(), point.get(), offshore_radius, 8), "GEOSBuffer");
      const GeomPtr piece = detail::checked(
          ctx, GEOSIntersection_r(ctx.get(), cell.get(), disc.get()), "GEOSIntersection");
      detail::read_polygons(ctx, piece.get(), result.pieces);
    } else {
      for (const PlanarPolygon& p : result.pieces) {
        const GeomPtr g = detail::make_polygon(ctx, p);
        const GeomPtr pt =
            detail::checked(ctx, GEOSPointOnSurface_r(ctx.get(), g.get()), "GEOSPointOnSurface");
        XY q;
        GEOSGeomGetX_r(ctx.get(), pt.get(), &q.x);
        GEOSGeomGetY_r(ctx.get(), pt.get(), &q.y);
        result.piece_points.push_back(q);
      }
    }
    done.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace

CellResult compute_cells(std::span<const LatLon> points, const MultiPolygon& land,
                         const CellOptions& options) {
  CellResult result;
  const std::size_t n = points.size();
  if (n == 0) return result;
  result.cells.resize(n);
  result.island.assign(n, 0);
  result.offshore.assign(n, 0);

  Projection proj;
  for (const LatLon& p : points) {
    proj.lat0 += p.lat;
    proj.lon0 += p.lon;
  }
  proj.lat0 /= static_cast<double>(n);
  proj.lon0 /= static_cast<double>(n);
  proj.k = std::cos(proj.lat0 * std::numbers::pi / 180);

  // Sites, with exact duplicates nudged apart (by 0.001°, about 100 m, so that their cells
  // survive the rounding to 5 decimals) so that each gets its own cell.
  std::vector<XY> sites;
  sites.reserve(n);
  std::unordered_map<std::pair<std::uint64_t, std::uint64_t>, std::uint32_t, PairHash> site_of;
  site_of.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    XY s = proj.to(points[i]);
    while (!site_of.emplace(std::pair{bits(s.x), bits(s.y)}, i).second) s.x += 1e-3;
    sites.push_back(s);
  }

  GeosContext ctx;
  // Land: projected, simplified once (clipping and map weight both benefit), made valid.
  PlanarMulti land_planar;
  for (const Polygon& poly : land) {
    PlanarPolygon p;
    auto add = [&](const Ring& ring) {
      PlanarRing r;
      r.reserve(ring.size());
      for (const LatLon& q : ring) r.push_back(proj.to(q));
      p.push_back(std::move(r));
    };
    add(poly.outer);
    for (const Ring& hole : poly.holes) add(hole);
    land_planar.push_back(std::move(p));
  }
  PlanarMulti components;
  {
    GeomPtr g = detail::make_multipolygon(ctx, land_planar);
    if (options.land_simplify_deg > 0) {
      g = detail::checked(
          ctx, GEOSTopologyPreserveSimplify_r(ctx.get(), g.get(), options.land_simplify_deg),
          "GEOSTopologyPreserveSimplify");
    }
    g = detail::valid_multipolygon(ctx, std::move(g));
    // Points off the outline (the 1:10m coast and borders are coarse, and small islands are
    // missing) are joined to the land: by a corridor when they are near it, so that their cells
    // meet their neighbours', or by a disc of offshore_cell_km (their own island) when far.
    std::vector<GEOSGeometry*> parts{GEOSGeom_clone_r(ctx.get(), g.get())};
    if (!components_empty(ctx, g.get())) {
      const detail::PreparedPtr prepared(GEOSPrepare_r(ctx.get(), g.get()),
                                         detail::PreparedDeleter{ctx.get()});
      for (std::size_t i = 0; i < n; ++i) {
        const GeomPtr pt = detail::make_point(ctx, sites[i]);
        if (GEOSPreparedIntersects_r(ctx.get(), prepared.get(), pt.get()) == 1) continue;
        result.offshore[i] = 1;
        double d = 0;
        GEOSPreparedDistance_r(ctx.get(), prepared.get(), pt.get(), &d);
        if (d * kKmPerDegree > options.bridge_km) {
          parts.push_back(
              GEOSBuffer_r(ctx.get(), pt.get(), options.offshore_cell_km / kKmPerDegree, 8));
          continue;
        }
        // A narrow corridor from the point to the nearest land: the cell keeps its land part
        // and reaches its point without a bulge into the sea or across the border.
        GEOSCoordSequence* seq = GEOSPreparedNearestPoints_r(ctx.get(), prepared.get(), pt.get());
        if (seq == nullptr)
          throw std::runtime_error("GEOSPreparedNearestPoints: " + ctx.last_error());
        const GeomPtr line = detail::checked(ctx, GEOSGeom_createLineString_r(ctx.get(), seq),
                                             "GEOSGeom_createLineString");
        parts.push_back(
            GEOSBuffer_r(ctx.get(), line.get(), options.bridge_margin_km / kKmPerDegree, 8));
      }
    } else {
      result.offshore.assign(n, 1);
      for (std::size_t i = 0; i < n; ++i) {
        const GeomPtr pt = detail::make_point(ctx, sites[i]);
        parts.push_back(
            GEOSBuffer_r(ctx.get(), pt.get(), options.offshore_cell_km / kKmPerDegree, 8));
      }
    }
    const GeomPtr all = detail::checked(
        ctx,
        GEOSGeom_createCollection_r(ctx.get(), GEOS_GEOMETRYCOLLECTION, parts.data(),
                                    static_cast<unsigned int>(parts.size())),
        "GEOSGeom_createCollection");
    const GeomPtr region =
        detail::checked(ctx, GEOSUnaryUnion_r(ctx.get(), all.get()), "GEOSUnaryUnion");
    detail::read_polygons(ctx, region.get(), components);
  }
  const double offshore_radius = options.offshore_cell_km / kKmPerDegree;

  // Voronoi cells, matched to their sites (GEOS 3.11 does not keep the input order): the
  // centroid of a convex cell lies inside it, so its nearest site is the cell's own.
  std::vector<PlanarPolygon> voronoi(n);
  if (n == 1) {
    Envelope e = components.empty() ? Envelope{sites[0].x, sites[0].y, sites[0].x, sites[0].y}
                                    : detail::envelope_of(components.front());
    for (const PlanarPolygon& c : components) {
      const Envelope ce = detail::envelope_of(c);
      e = {std::min(e.xmin, ce.xmin), std::min(e.ymin, ce.ymin), std::max(e.xmax, ce.xmax),
           std::max(e.ymax, ce.ymax)};
    }
    e = {std::min(e.xmin, sites[0].x) - 1, std::min(e.ymin, sites[0].y) - 1,
         std::max(e.xmax, sites[0].x) + 1, std::max(e.ymax, sites[0].y) + 1};
    voronoi[0] = {
        {{e.xmin, e.ymin}, {e.xmax, e.ymin}, {e.xmax, e.ymax}, {e.xmin, e.ymax}, {e.xmin, e.ymin}}};
  } else {
    std::vector<GEOSGeometry*> pts;
    pts.reserve(n);
    for (const XY& s : sites) pts.push_back(detail::make_point(ctx, s).release());
    const GeomPtr multipoint =
        detail::checked(ctx,
                        GEOSGeom_createCollection_r(ctx.get(), GEOS_MULTIPOINT, pts.data(),
                                                    static_cast<unsigned int>(pts.size())),
                        "GEOSGeom_createCollection");
    // The diagram must cover the whole land, not only the points' box.
    Envelope e{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
               std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
    auto grow = [&e](XY p) {
      e.xmin = std::min(e.xmin, p.x);
      e.ymin = std::min(e.ymin, p.y);
      e.xmax = std::max(e.xmax, p.x);
      e.ymax = std::max(e.ymax, p.y);
    };
    for (const XY& s : sites) grow(s);
    for (const PlanarPolygon& c : components) {
      const Envelope ce = detail::envelope_of(c);
      grow({ce.xmin, ce.ymin});
      grow({ce.xmax, ce.ymax});
    }
    const GeomPtr env = detail::checked(
        ctx, GEOSGeom_createRectangle_r(ctx.get(), e.xmin - 1, e.ymin - 1, e.xmax + 1, e.ymax + 1),
        "GEOSGeom_createRectangle");
    const GeomPtr diagram =
        detail::checked(ctx, GEOSVoronoiDiagram_r(ctx.get(), multipoint.get(), env.get(), 0, 0),
                        "GEOSVoronoiDiagram");
    PlanarMulti polys;
    detail::read_polygons(ctx, diagram.get(), polys);
    const SiteGrid grid(sites);
    std::vector<char> seen(n, 0);
    for (PlanarPolygon& poly : polys) {
      const std::uint32_t site = grid.nearest(ring_centroid(poly.front()));
      if (seen[site] != 0) throw std::runtime_error("Voronoi: two cells for one point");
      seen[site] = 1;
      voronoi[site] = std::move(poly);
    }
    if (std::find(seen.begin(), seen.end(), 0) != seen.end()) {
      throw std::runtime_error("Voronoi: a point without a cell");
    }

    // Delaunay edges: the triangulation keeps the input coordinates, so they map back exactly.
    const GeomPtr edges =
        detail::checked(ctx, GEOSDelaunayTriangulation_r(ctx.get(), multipoint.get(), 0, 1),
                        "GEOSDelaunayTriangulation");
    const int count = GEOSGetNumGeometries_r(ctx.get(), edges.get());
    result.edges.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      const PlanarRing line = detail::read_ring(ctx, GEOSGetGeometryN_r(ctx.get(), edges.get(), i));
      if (line.size() != 2) continue;
      const auto a = site_of.find({bits(line[0].x), bits(line[0].y)});
      const auto b = site_of.find({bits(line[1].x), bits(line[1].y)});
      if (a == site_of.end() || b == site_of.end()) {
        throw std::runtime_error("Delaunay: an edge end is not an input point");
      }
      result.edges.emplace_back(std::min(a->second, b->second), std::max(a->second, b->second));
    }
    result.delaunay_edges = result.edges.size();
  }

  // Clipping, split over threads (each with its own GEOS context); this thread reports progress.
  std::vector<Clipped> clipped(n);
  std::atomic<std::size_t> done{0};
  const std::size_t threads = std::clamp<std::size_t>(options.threads, 1, 16);
  const std::size_t chunk = (n + threads - 1) / threads;
  std::vector<std::thread> workers;
  std::vector<std::exception_ptr> errors(threads);
  for (std::size_t t = 1; t < threads; ++t) {
    const std::size_t begin = std::min(n, t * chunk);
    const std::size_t end = std::min(n, begin + chunk);
    workers.emplace_back([&, t, begin, end] {
      try {
        clip_range(voronoi, sites, components, offshore_radius, begin, end, clipped, done);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  {
    // This thread clips its own share in slices so that it can report progress in between.
    const std::size_t end = std::min(n, chunk);
    constexpr std::size_t kSlice = 512;
    try {
      for (std::size_t begin = 0; begin < end; begin += kSlice) {
        clip_range(voronoi, sites, components, offshore_radius, begin,
                   std::min(end, begin + kSlice), clipped, done);
        if (options.progress) options.progress(done.load(), n);
      }
    } catch (...) {
      errors[0] = std::current_exception();
    }
  }
  for (std::thread& w : workers) w.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  if (options.progress) options.progress(n, n);

  // Neighbours: Delaunay edges whose clipped cells share part of their bisector.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> kept;
  kept.reserve(result.edges.size());
  for (const auto& [i, j] : result.edges) {
    if (clipped[i].disc_only || clipped[j].disc_only) continue;
    if (length_on_bisector(clipped[i].pieces, sites[i], sites[j]) > kMinShared) {
      kept.emplace_back(i, j);
    }
  }
  std::sort(kept.begin(), kept.end());
  kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
  result.edges = std::move(kept);

  // Islands: count the points on each land component, then look where each cell's pieces lie.
  std::vector<GeomPtr> component_geoms;
  std::vector<detail::PreparedPtr> prepared;
  std::vector<Envelope> component_env;
  for (const PlanarPolygon& c : components) {
    component_geoms.push_back(detail::make_polygon(ctx, c));
    prepared.emplace_back(GEOSPrepare_r(ctx.get(), component_geoms.back().get()),
                          detail::PreparedDeleter{ctx.get()});
    component_env.push_back(detail::envelope_of(c));
  }
  auto component_of = [&](XY p) -> std::ptrdiff_t {
    for (std::size_t c = 0; c < components.size(); ++c) {
      const Envelope& e = component_env[c];
      if (p.x < e.xmin || p.x > e.xmax || p.y < e.ymin || p.y > e.ymax) continue;
      const GeomPtr pt = detail::make_point(ctx, p);
      if (GEOSPreparedIntersects_r(ctx.get(), prepared[c].get(), pt.get()) == 1) {
        return static_cast<std::ptrdiff_t>(c);
      }
    }
    return -1;
  };
  std::vector<std::size_t> points_on(components.size(), 0);
  for (const XY& s : sites) {
    const std::ptrdiff_t c = component_of(s);
    if (c >= 0) ++points_on[static_cast<std::size_t>(c)];
  }
  for (std::size_t i = 0; i < n; ++i) {
    bool island = true;
    for (const XY& q : clipped[i].piece_points) {
      const std::ptrdiff_t c = component_of(q);
      if (c >= 0 && points_on[static_cast<std::size_t>(c)] > 1) island = false;
    }
    result.island[i] = island ? 1 : 0;
    result.cells[i] = to_degrees(clipped[i].pieces, proj);
  }
  return result;
}

}  // namespace maillage::geo
