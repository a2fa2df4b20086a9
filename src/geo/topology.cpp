#include "geo/topology.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_map>

namespace maillage::geo {
namespace {

std::uint64_t key_of(GridPoint p) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(p.x)) << 32) |
         static_cast<std::uint32_t>(p.y);
}

GridPoint to_grid(const LatLon& p) {
  return {static_cast<std::int32_t>(std::lround(p.lon / kGridStep)),
          static_cast<std::int32_t>(std::lround(p.lat / kGridStep))};
}

// A ring's distinct vertices in order, without the closing repetition and without consecutive
// duplicates (which the rounding to the grid can create).
std::vector<GridPoint> clean_ring(const Ring& ring) {
  std::vector<GridPoint> out;
  out.reserve(ring.size());
  for (const LatLon& p : ring) {
    const GridPoint g = to_grid(p);
    if (out.empty() || !(out.back() == g)) out.push_back(g);
  }
  while (out.size() > 1 && out.front() == out.back()) out.pop_back();
  return out;
}

// One visit of a vertex by a ring: the vertex and its two neighbours along the ring (unordered).
struct Visit {
  std::uint64_t point;
  std::uint64_t lo;
  std::uint64_t hi;
};

std::uint64_t hash_arc(std::span<const GridPoint> arc) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const GridPoint& p : arc) {
    h ^= key_of(p);
    h *= 1099511628211ULL;
    h ^= h >> 29;
  }
  return h;
}

// Metres per grid step: 1e-5 degree of latitude.
constexpr double kMetresPerStep = 1.11319490793;

// Douglas–Peucker weights of arc [begin, end) of `pts`, written to `weight`: each interior point
// gets its distance to the chord of the span where the recursion picks it, capped by the weight
// of the point that split its parent span, so that a threshold keeps a point only with the
// points that made it eligible (the result of Douglas–Peucker at that tolerance).
void weigh_arc(std::span<const GridPoint> pts, std::span<float> weight) {
  const std::size_t n = pts.size();
  weight[0] = std::numeric_limits<float>::infinity();
  weight[n - 1] = std::numeric_limits<float>::infinity();
  if (n <= 2) return;
  // Local equirectangular projection in metres.
  constexpr double kDegToRad = 3.14159265358979323846 / 180.0;
  const double kx = kMetresPerStep * std::cos(pts[0].y * kGridStep * kDegToRad);
  const double ky = kMetresPerStep;
  struct Span {
    std::size_t first;
    std::size_t last;
    float cap;
  };
  std::vector<Span> pending{{0, n - 1, std::numeric_limits<float>::infinity()}};
  while (!pending.empty()) {
    const Span s = pending.back();
    pending.pop_back();
    if (s.last <= s.first + 1) continue;
    const double ax = pts[s.first].x * kx;
    const double ay = pts[s.first].y * ky;
    const double bx = pts[s.last].x * kx;
    const double by = pts[s.last].y * ky;
    const double dx = bx - ax;
    const double dy = by - ay;
    const double len2 = dx * dx + dy * dy;
    double best = -1;
    std::size_t at = s.first + 1;
    for (std::size_t k = s.first + 1; k < s.last; ++k) {
      const double px = pts[k].x * kx - ax;
      const double py = pts[k].y * ky - ay;
      double d2 = 0;
      if (len2 == 0) {
        d2 = px * px + py * py;  // closed arc: distance to its end point
      } else {
        const double t = std::clamp((px * dx + py * dy) / len2, 0.0, 1.0);
        const double ex = px - t * dx;
        const double ey = py - t * dy;
        d2 = ex * ex + ey * ey;
      }
      if (d2 > best) {
        best = d2;
        at = k;
      }
    }
    const float w = std::min(s.cap, static_cast<float>(std::sqrt(best)));
    weight[at] = w;
    pending.push_back({s.first, at, w});
    pending.push_back({at, s.last, w});
  }
}

}  // namespace

Topology build_topology(std::span<const MultiPolygon> shapes) {
  // Rings as grid points, in shape / polygon / ring order.
  struct RingRef {
    std::uint32_t shape;
    std::uint32_t polygon;
    bool outer;
  };
  std::vector<std::vector<GridPoint>> rings;
  std::vector<RingRef> owners;
  for (std::size_t s = 0; s < shapes.size(); ++s) {
    std::uint32_t kept_polygons = 0;
    for (const Polygon& poly : shapes[s]) {
      std::vector<GridPoint> outer = clean_ring(poly.outer);
      if (outer.size() < 3) continue;
      rings.push_back(std::move(outer));
      owners.push_back({static_cast<std::uint32_t>(s), kept_polygons, true});
      for (const Ring& hole : poly.holes) {
        std::vector<GridPoint> h = clean_ring(hole);
        if (h.size() < 3) continue;
        rings.push_back(std::move(h));
        owners.push_back({static_cast<std::uint32_t>(s), kept_polygons, false});
      }
      ++kept_polygons;
    }
  }

  // Junctions: points visited by rings that do not continue alike.
  std::vector<Visit> visits;
  for (const auto& r : rings) {
    const std::size_t n = r.size();
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t a = key_of(r[(i + n - 1) % n]);
      const std::uint64_t b = key_of(r[(i + 1) % n]);
      visits.push_back({key_of(r[i]), std::min(a, b), std::max(a, b)});
    }
  }
  std::sort(visits.begin(), visits.end(), [](const Visit& a, const Visit& b) {
    return std::tie(a.point, a.lo, a.hi) < std::tie(b.point, b.lo, b.hi);
  });
  std::vector<std::uint64_t> junctions;
  for (std::size_t i = 0; i < visits.size();) {
    std::size_t j = i + 1;
    bool differs = false;
    while (j < visits.size() && visits[j].point == visits[i].point) {
      if (visits[j].lo != visits[i].lo || visits[j].hi != visits[i].hi) differs = true;
      ++j;
    }
    if (differs) junctions.push_back(visits[i].point);
    i = j;
  }
  visits = {};
  auto is_junction = [&](GridPoint p) {
    return std::binary_search(junctions.begin(), junctions.end(), key_of(p));
  };

  Topology topo;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> by_hash;
  std::vector<GridPoint> reversed;
  // The reference of an arc: an existing arc run either way, or a new one.
  auto add_arc = [&](std::vector<GridPoint>& arc) -> std::int32_t {
    reversed.assign(arc.rbegin(), arc.rend());
    const bool forward = !std::lexicographical_compare(reversed.begin(), reversed.end(),
                                                       arc.begin(), arc.end());
    const std::vector<GridPoint>& canonical = forward ? arc : reversed;
    const std::uint64_t h = hash_arc(canonical);
    auto& candidates = by_hash[h];
    for (std::uint32_t a : candidates) {
      std::span<const GridPoint> existing = topo.arc(a);
      if (std::equal(existing.begin(), existing.end(), canonical.begin(), canonical.end())) {
        return forward ? static_cast<std::int32_t>(a) : ~static_cast<std::int32_t>(a);
      }
    }
    const auto a = static_cast<std::uint32_t>(topo.arc_count());
    topo.points.insert(topo.points.end(), canonical.begin(), canonical.end());
    topo.arc_start.push_back(static_cast<std::uint32_t>(topo.points.size()));
    candidates.push_back(a);
    return forward ? static_cast<std::int32_t>(a) : ~static_cast<std::int32_t>(a);
  };

  topo.shapes.resize(shapes.size());
  std::vector<GridPoint> arc;
  for (std::size_t r = 0; r < rings.size(); ++r) {
    const auto& ring = rings[r];
    const std::size_t n = ring.size();
    Topology::Ring refs;
    std::size_t start = n;
    for (std::size_t i = 0; i < n; ++i) {
      if (is_junction(ring[i])) {
        start = i;
        break;
      }
    }
    if (start == n) {
      // No junction: one closed arc from the ring's smallest point, so that the same ring seen
      // from its other side (an enclave and its host's hole) gives the same arc.
      const std::size_t m =
          static_cast<std::size_t>(std::min_element(ring.begin(), ring.end()) - ring.begin());
      arc.clear();
      for (std::size_t k = 0; k <= n; ++k) arc.push_back(ring[(m + k) % n]);
      refs.push_back(add_arc(arc));
    } else {
      arc.clear();
      arc.push_back(ring[start]);
      for (std::size_t k = 1; k <= n; ++k) {
        const GridPoint p = ring[(start + k) % n];
        arc.push_back(p);
        if (k == n || is_junction(p)) {
          refs.push_back(add_arc(arc));
          arc.clear();
          arc.push_back(p);
        }
      }
    }
    const RingRef& o = owners[r];
    auto& polygons = topo.shapes[o.shape];
    if (o.outer) polygons.emplace_back();
    polygons[o.polygon].push_back(std::move(refs));
  }

  topo.weight.assign(topo.points.size(), 0.0F);
  for (std::size_t a = 0; a < topo.arc_count(); ++a) {
    weigh_arc(topo.arc(a), std::span<float>(topo.weight.data() + topo.arc_start[a],
                                            topo.arc_start[a + 1] - topo.arc_start[a]));
  }
  return topo;
}

SimplifiedArcs simplify(const Topology& topo, double tolerance_m) {
  const std::size_t arcs = topo.arc_count();
  // Per-arc threshold: the level's tolerance, lowered for the arcs of rings that would collapse.
  std::vector<float> threshold(arcs, static_cast<float>(tolerance_m));
  auto kept = [&](std::size_t a) {
    std::size_t k = 0;
    for (std::uint32_t i = topo.arc_start[a]; i < topo.arc_start[a + 1]; ++i) {
      if (topo.weight[i] > threshold[a]) ++k;
    }
    return k;
  };
  for (const auto& shape : topo.shapes) {
    for (const auto& polygon : shape) {
      for (const auto& ring : polygon) {
        for (;;) {
          // Distinct points of the closed ring: each arc contributes its points but the last.
          std::size_t distinct = 0;
          for (std::int32_t ref : ring) distinct += kept(ref >= 0 ? ref : ~ref) - 1;
          if (distinct >= 3) break;
          // Lower the threshold of the arc whose next point is the most significant.
          float best = -1;
          std::size_t best_arc = arcs;
          for (std::int32_t ref : ring) {
            const auto a = static_cast<std::size_t>(ref >= 0 ? ref : ~ref);
            for (std::uint32_t i = topo.arc_start[a]; i < topo.arc_start[a + 1]; ++i) {
              const float w = topo.weight[i];
              if (w <= threshold[a] && w > best) {
                best = w;
                best_arc = a;
              }
            }
          }
          if (best_arc == arcs || best <= 0) break;  // nothing left: a degenerate ring
          threshold[best_arc] = std::nextafter(best, 0.0F);
        }
      }
    }
  }
  SimplifiedArcs out;
  out.arc_start.reserve(arcs + 1);
  for (std::size_t a = 0; a < arcs; ++a) {
    for (std::uint32_t i = topo.arc_start[a]; i < topo.arc_start[a + 1]; ++i) {
      if (topo.weight[i] > threshold[a]) out.points.push_back(topo.points[i]);
    }
    out.arc_start.push_back(static_cast<std::uint32_t>(out.points.size()));
  }
  return out;
}

}  // namespace maillage::geo
