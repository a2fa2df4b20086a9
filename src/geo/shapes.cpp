#include "geo/shapes.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <mutex>
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
using detail::PreparedPtr;
using detail::XY;

constexpr double kGrid = 1e-5;  // storage grid of shapes (degrees)
constexpr double kEarthM = 6371008.8;
constexpr double kRad = std::numbers::pi / 180;

PlanarMulti degrees(const MultiPolygon& shape) {
  PlanarMulti out;
  out.reserve(shape.size());
  for (const Polygon& poly : shape) {
    PlanarPolygon p;
    auto ring = [](const Ring& r) {
      PlanarRing o;
      o.reserve(r.size());
      for (const LatLon& q : r) o.push_back({q.lon, q.lat});
      return o;
    };
    p.push_back(ring(poly.outer));
    for (const Ring& h : poly.holes) p.push_back(ring(h));
    out.push_back(std::move(p));
  }
  return out;
}

MultiPolygon from_degrees(const GeosContext& ctx, const GEOSGeometry* g) {
  PlanarMulti polys;
  detail::read_polygons(ctx, g, polys);
  auto ring = [](const PlanarRing& r) {
    Ring o;
    o.reserve(r.size());
    for (const XY& p : r) {
      o.push_back({std::round(p.y / kGrid) * kGrid, std::round(p.x / kGrid) * kGrid});
    }
    return o;
  };
  MultiPolygon out;
  for (const PlanarPolygon& p : polys) {
    if (p.empty() || p.front().size() < 4) continue;
    Polygon poly;
    poly.outer = ring(p.front());
    for (std::size_t r = 1; r < p.size(); ++r) poly.holes.push_back(ring(p[r]));
    out.push_back(std::move(poly));
  }
  return out;
}

// Sinusoidal projection centred on lon0 (metres): lengths along any direction within 1 % over
// metropolitan France (the shear grows with the distance to the central meridian).
struct Projection {
  double lon0 = 0;
  [[nodiscard]] XY operator()(LatLon p) const {
    return {(p.lon - lon0) * kRad * std::cos(p.lat * kRad) * kEarthM, p.lat * kRad * kEarthM};
  }
};

PlanarMulti projected(const MultiPolygon& shape, const Projection& proj) {
  PlanarMulti out;
  for (const Polygon& poly : shape) {
    PlanarPolygon p;
    auto ring = [&](const Ring& r) {
      PlanarRing o;
      o.reserve(r.size());
      for (const LatLon& q : r) o.push_back(proj(q));
      return o;
    };
    p.push_back(ring(poly.outer));
    for (const Ring& h : poly.holes) p.push_back(ring(h));
    out.push_back(std::move(p));
  }
  return out;
}

Envelope envelope(const PlanarMulti& m) {
  Envelope e{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
             std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
  for (const PlanarPolygon& p : m) {
    const Envelope q = detail::envelope_of(p);
    e.xmin = std::min(e.xmin, q.xmin);
    e.ymin = std::min(e.ymin, q.ymin);
    e.xmax = std::max(e.xmax, q.xmax);
    e.ymax = std::max(e.ymax, q.ymax);
  }
  return e;
}

// Per thread: each shape's polygon, boundary, prepared polygon and buffer, built on demand.
class BorderCache {
 public:
  BorderCache(const std::vector<PlanarMulti>& shapes, double snap_m)
      : shapes_(shapes),
        snap_m_(snap_m),
        polygon_(shapes.size()),
        boundary_(shapes.size()),
        prepared_(shapes.size()),
        buffer_(shapes.size()) {}

  const GEOSGeometry* polygon(std::size_t i) {
    if (!polygon_[i]) polygon_[i] = detail::make_multipolygon(ctx_, shapes_[i]);
    return polygon_[i].get();
  }
  // Whether the two shapes come within snap_m of each other.
  bool near(std::size_t i, std::size_t j) {
    if (!prepared_[j]) {
      prepared_[j] =
          PreparedPtr(GEOSPrepare_r(ctx_.get(), polygon(j)), detail::PreparedDeleter{ctx_.get()});
      if (!prepared_[j]) throw std::runtime_error("GEOSPrepare: " + ctx_.last_error());
    }
    const char r =
        GEOSPreparedDistanceWithin_r(ctx_.get(), prepared_[j].get(), polygon(i), snap_m_);
    if (r == 2) throw std::runtime_error("GEOSPreparedDistanceWithin: " + ctx_.last_error());
    return r == 1;
  }
  // Length of i's boundary lying within snap_m of shape j. The shapes partition the land, so
  // this is the border they share, give or take the tolerance.
  double shared(std::size_t i, std::size_t j) {
    if (!boundary_[i]) {
      boundary_[i] = detail::checked(ctx_, GEOSBoundary_r(ctx_.get(), polygon(i)), "GEOSBoundary");
    }
    if (!buffer_[j]) {
      buffer_[j] =
          detail::checked(ctx_, GEOSBuffer_r(ctx_.get(), polygon(j), snap_m_, 2), "GEOSBuffer");
    }
    const GeomPtr part =
        detail::checked(ctx_, GEOSIntersection_r(ctx_.get(), boundary_[i].get(), buffer_[j].get()),
                        "GEOSIntersection");
    double length = 0;
    if (GEOSLength_r(ctx_.get(), part.get(), &length) == 0) {
      throw std::runtime_error("GEOSLength: " + ctx_.last_error());
    }
    return length;
  }

 private:
  GeosContext ctx_;
  const std::vector<PlanarMulti>& shapes_;
  double snap_m_;
  std::vector<GeomPtr> polygon_;
  std::vector<GeomPtr> boundary_;
  std::vector<PreparedPtr> prepared_;
  std::vector<GeomPtr> buffer_;
};

std::uint64_t pair_key(std::uint32_t i, std::uint32_t j) {
  return (static_cast<std::uint64_t>(std::min(i, j)) << 32) | std::max(i, j);
}

// Edges shared exactly (same two vertices on the 1e-5 degree grid) by two shapes: the common
// case, since the polygons come from one topology-preserving simplification.
std::unordered_map<std::uint64_t, double> exact_shared_edges(std::span<const MultiPolygon> shapes,
                                                             const Projection& proj) {
  struct EdgeHash {
    std::size_t operator()(const std::pair<std::uint64_t, std::uint64_t>& e) const noexcept {
      return std::hash<std::uint64_t>{}(e.first * 0x9E3779B97F4A7C15ULL ^ e.second);
    }
  };
  auto grid_point = [](LatLon p) {
    const auto x = static_cast<std::int64_t>(std::llround(p.lon / kGrid)) + (1LL << 31);
    const auto y = static_cast<std::int64_t>(std::llround(p.lat / kGrid)) + (1LL << 31);
    return (static_cast<std::uint64_t>(x) << 32) | static_cast<std::uint64_t>(y);
  };
  std::unordered_map<std::pair<std::uint64_t, std::uint64_t>, std::uint32_t, EdgeHash> owner;
  std::unordered_map<std::uint64_t, double> shared;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    auto ring = [&](const Ring& r) {
      for (std::size_t k = 0; k + 1 < r.size(); ++k) {
        std::uint64_t a = grid_point(r[k]);
        std::uint64_t b = grid_point(r[k + 1]);
        if (a == b) continue;
        if (b < a) std::swap(a, b);
        const auto [it, inserted] = owner.try_emplace({a, b}, static_cast<std::uint32_t>(i));
        if (inserted || it->second == i) continue;
        const XY p = proj(r[k]);
        const XY q = proj(r[k + 1]);
        shared[pair_key(it->second, static_cast<std::uint32_t>(i))] +=
            std::hypot(p.x - q.x, p.y - q.y);
      }
    };
    for (const Polygon& poly : shapes[i]) {
      ring(poly.outer);
      for (const Ring& h : poly.holes) ring(h);
    }
  }
  return shared;
}

}  // namespace

std::vector<std::pair<std::uint32_t, std::uint32_t>> shared_borders(
    std::span<const MultiPolygon> shapes, const AdjacencyOptions& options) {
  const std::size_t n = shapes.size();
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  double lon_min = 180;
  double lon_max = -180;
  for (const MultiPolygon& m : shapes) {
    for (const Polygon& p : m) {
      for (const LatLon& q : p.outer) {
        lon_min = std::min(lon_min, q.lon);
        lon_max = std::max(lon_max, q.lon);
      }
    }
  }
  if (lon_min > lon_max) return out;
  const Projection proj{(lon_min + lon_max) / 2};
  std::vector<PlanarMulti> planar(n);
  std::vector<Envelope> boxes(n);
  for (std::size_t i = 0; i < n; ++i) {
    planar[i] = projected(shapes[i], proj);
    boxes[i] = planar[i].empty() ? Envelope{1, 1, -1, -1} : envelope(planar[i]);
  }
  // 1. Borders shared edge for edge: neighbours, whatever their length.
  const std::unordered_map<std::uint64_t, double> exact = exact_shared_edges(shapes, proj);

  // 2. The other pairs whose envelopes (grown by the tolerance) overlap, found on a uniform
  // grid, are measured with GEOS: near misses between the two sides of a border (a commune
  // nouvelle's union, a fallback cell, rounding) count when long enough.
  const double margin = options.snap_m;
  double cell = 0;
  std::size_t nonempty = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (planar[i].empty()) continue;
    cell += std::max(boxes[i].xmax - boxes[i].xmin, boxes[i].ymax - boxes[i].ymin);
    ++nonempty;
  }
  if (nonempty < 2) return out;
  cell = std::max(cell / static_cast<double>(nonempty), 1.0);
  std::unordered_map<std::int64_t, std::vector<std::uint32_t>> grid;
  auto key = [](std::int64_t gx, std::int64_t gy) { return gx * 4'000'003 + gy; };
  auto span_of = [&](const Envelope& e, auto&& visit) {
    const auto x0 = static_cast<std::int64_t>(std::floor((e.xmin - margin) / cell));
    const auto x1 = static_cast<std::int64_t>(std::floor((e.xmax + margin) / cell));
    const auto y0 = static_cast<std::int64_t>(std::floor((e.ymin - margin) / cell));
    const auto y1 = static_cast<std::int64_t>(std::floor((e.ymax + margin) / cell));
    for (std::int64_t gx = x0; gx <= x1; ++gx) {
      for (std::int64_t gy = y0; gy <= y1; ++gy) visit(key(gx, gy));
    }
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (planar[i].empty()) continue;
    span_of(boxes[i], [&](std::int64_t k) { grid[k].push_back(static_cast<std::uint32_t>(i)); });
  }
  std::vector<std::pair<std::uint32_t, std::uint32_t>> candidates;
  for (std::size_t i = 0; i < n; ++i) {
    if (planar[i].empty()) continue;
    Envelope grown = boxes[i];
    grown.xmin -= margin;
    grown.ymin -= margin;
    grown.xmax += margin;
    grown.ymax += margin;
    std::vector<std::uint32_t> found;
    span_of(boxes[i], [&](std::int64_t k) {
      for (const std::uint32_t j : grid[k]) {
        if (j > i && grown.intersects(boxes[j])) found.push_back(j);
      }
    });
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    for (const std::uint32_t j : found) {
      if (exact.contains(pair_key(static_cast<std::uint32_t>(i), j))) {
        out.emplace_back(static_cast<std::uint32_t>(i), j);
      } else {
        candidates.emplace_back(static_cast<std::uint32_t>(i), j);
      }
    }
  }

  // Both directions are measured and the longer kept: the boundary of a small enclave lies
  // wholly within its host's buffer, but not the other way round.
  const unsigned threads = std::max(1U, options.threads);
  std::vector<char> keep(candidates.size(), 0);
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&](unsigned t) {
    try {
      BorderCache cache(planar, options.snap_m);
      for (std::size_t k = t; k < candidates.size(); k += threads) {
        const auto [i, j] = candidates[k];
        if (!cache.near(i, j)) continue;
        if (options.point_contact) {
          keep[k] = 1;
          continue;
        }
        const double length = std::max(cache.shared(i, j), cache.shared(j, i));
        keep[k] = length >= options.min_shared_m ? 1 : 0;
      }
    } catch (...) {
      const std::lock_guard lock(failure_mutex);
      failure = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (std::thread& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
  if (options.progress) options.progress(candidates.size(), candidates.size());
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    if (keep[k] != 0) out.push_back(candidates[k]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

MultiPolygon union_of(std::span<const MultiPolygon> shapes) {
  PlanarMulti parts;
  for (const MultiPolygon& m : shapes) {
    PlanarMulti p = degrees(m);
    parts.insert(parts.end(), std::make_move_iterator(p.begin()), std::make_move_iterator(p.end()));
  }
  if (parts.empty()) return {};
  GeosContext ctx;
  // Source polygons may carry small self-intersections: made valid first, or the union throws.
  const GeomPtr all = detail::valid_multipolygon(ctx, detail::make_multipolygon(ctx, parts));
  const GeomPtr merged =
      detail::checked(ctx, GEOSUnaryUnionPrec_r(ctx.get(), all.get(), kGrid), "GEOSUnaryUnionPrec");
  return from_degrees(ctx, merged.get());
}

MultiPolygon intersection_of(const MultiPolygon& a, const MultiPolygon& b) {
  GeosContext ctx;
  const GeomPtr ga = detail::valid_multipolygon(ctx, detail::make_multipolygon(ctx, degrees(a)));
  const GeomPtr gb = detail::valid_multipolygon(ctx, detail::make_multipolygon(ctx, degrees(b)));
  const GeomPtr r = detail::checked(
      ctx, GEOSIntersectionPrec_r(ctx.get(), ga.get(), gb.get(), kGrid), "GEOSIntersectionPrec");
  return from_degrees(ctx, r.get());
}

MultiPolygon difference_of(const MultiPolygon& a, const MultiPolygon& b) {
  GeosContext ctx;
  const GeomPtr ga = detail::valid_multipolygon(ctx, detail::make_multipolygon(ctx, degrees(a)));
  const GeomPtr gb = detail::valid_multipolygon(ctx, detail::make_multipolygon(ctx, degrees(b)));
  const GeomPtr r = detail::checked(ctx, GEOSDifferencePrec_r(ctx.get(), ga.get(), gb.get(), kGrid),
                                    "GEOSDifferencePrec");
  return from_degrees(ctx, r.get());
}

bool contains(const MultiPolygon& shape, LatLon p) {
  if (shape.empty()) return false;
  GeosContext ctx;
  const GeomPtr g = detail::make_multipolygon(ctx, degrees(shape));
  const GeomPtr pt = detail::make_point(ctx, {p.lon, p.lat});
  const char r = GEOSIntersects_r(ctx.get(), g.get(), pt.get());
  if (r == 2) throw std::runtime_error("GEOSIntersects: " + ctx.last_error());
  return r == 1;
}

LatLon point_on_surface(const MultiPolygon& shape) {
  GeosContext ctx;
  const GeomPtr g = detail::make_multipolygon(ctx, degrees(shape));
  const GeomPtr p =
      detail::checked(ctx, GEOSPointOnSurface_r(ctx.get(), g.get()), "GEOSPointOnSurface");
  double x = 0;
  double y = 0;
  if (GEOSGeomGetX_r(ctx.get(), p.get(), &x) == 0 || GEOSGeomGetY_r(ctx.get(), p.get(), &y) == 0) {
    throw std::runtime_error("GEOSPointOnSurface: " + ctx.last_error());
  }
  return {y, x};
}

}  // namespace maillage::geo
