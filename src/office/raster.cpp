#include "office/raster.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "office/png.hpp"

namespace maillage::office {

namespace {

struct Edge {
  double x0, y0;   // upper end (smaller y)
  double slope;    // dx / dy
  long first_row;  // rows whose centre line the edge crosses: [first_row, last_row]
  long last_row;
  int winding;  // +1 going down, -1 going up
};

// Index of the first pixel whose centre is at or after `v` (i + ½ >= v), clamped to
// [lo, hi] before converting so that huge coordinates cannot overflow the cast.
long first_centre_at_or_after(double v, long lo, long hi) {
  const double i = std::ceil(v - 0.5);
  if (!(i > static_cast<double>(lo))) return lo;  // also NaN
  if (i > static_cast<double>(hi)) return hi;
  return static_cast<long>(i);
}

std::uint8_t mix(double v) {
  return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
}

}  // namespace

Canvas::Canvas(std::uint32_t w, std::uint32_t h, Rgba background) : width(w), height(h) {
  rgba.resize(static_cast<std::size_t>(w) * h * 4);
  for (std::size_t i = 0; i < rgba.size(); i += 4) {
    rgba[i] = background.r;
    rgba[i + 1] = background.g;
    rgba[i + 2] = background.b;
    rgba[i + 3] = background.a;
  }
}

Rgba Canvas::at(std::uint32_t x, std::uint32_t y) const {
  const std::size_t i = (static_cast<std::size_t>(y) * width + x) * 4;
  return {rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]};
}

void Canvas::blend(std::uint32_t x, std::uint32_t y, Rgba c) {
  if (c.a == 0) return;
  std::uint8_t* p = rgba.data() + (static_cast<std::size_t>(y) * width + x) * 4;
  if (c.a == 255) {
    p[0] = c.r, p[1] = c.g, p[2] = c.b, p[3] = 255;
    return;
  }
  // Source over, straight alpha: out_a = sa + da (1 - sa); out_c = (sc sa + dc da (1 - sa)) / out_a.
  const double sa = c.a / 255.0;
  const double da = p[3] / 255.0;
  const double oa = sa + da * (1 - sa);
  auto channel = [&](std::uint8_t s, std::uint8_t d) {
    return mix((s * sa + d * da * (1 - sa)) / oa);
  };
  p[0] = channel(c.r, p[0]);
  p[1] = channel(c.g, p[1]);
  p[2] = channel(c.b, p[2]);
  p[3] = mix(oa * 255);
}

void fill_rings(Canvas& canvas, const std::vector<PixelRing>& rings, Rgba colour, FillRule rule) {
  if (colour.a == 0 || canvas.width == 0 || canvas.height == 0) return;
  const long rows = static_cast<long>(canvas.height);
  const long cols = static_cast<long>(canvas.width);
  std::vector<Edge> edges;
  for (const PixelRing& ring : rings) {
    for (std::size_t i = 0; i < ring.size(); ++i) {
      PixelPoint a = ring[i];
      PixelPoint b = ring[(i + 1) % ring.size()];
      if (!std::isfinite(a.x) || !std::isfinite(a.y) || !std::isfinite(b.x) ||
          !std::isfinite(b.y) || a.y == b.y) {
        continue;  // horizontal edges cross no centre line
      }
      int winding = 1;
      if (a.y > b.y) std::swap(a, b), winding = -1;
      // Half-open in y: an edge covers centre lines y_c with a.y <= y_c < b.y, so a vertex
      // shared by two edges is counted once.
      Edge e{a.x, a.y, (b.x - a.x) / (b.y - a.y), first_centre_at_or_after(a.y, 0, rows),
             first_centre_at_or_after(b.y, 0, rows) - 1, winding};
      if (e.first_row <= e.last_row) edges.push_back(e);
    }
  }
  std::sort(edges.begin(), edges.end(),
            [](const Edge& l, const Edge& r) { return l.first_row < r.first_row; });

  std::vector<const Edge*> active;
  std::vector<std::pair<double, int>> crossings;
  std::size_t next = 0;
  for (long row = edges.empty() ? rows : edges.front().first_row; row < rows; ++row) {
    while (next < edges.size() && edges[next].first_row == row) active.push_back(&edges[next++]);
    std::erase_if(active, [row](const Edge* e) { return e->last_row < row; });
    if (active.empty()) {
      if (next == edges.size()) break;
      row = edges[next].first_row - 1;
      continue;
    }
    const double yc = static_cast<double>(row) + 0.5;
    crossings.clear();
    for (const Edge* e : active) crossings.emplace_back(e->x0 + (yc - e->y0) * e->slope, e->winding);
    std::sort(crossings.begin(), crossings.end());
    auto span = [&](double from, double to) {
      const long first = first_centre_at_or_after(from, 0, cols);
      const long end = first_centre_at_or_after(to, 0, cols);
      for (long x = first; x < end; ++x) {
        canvas.blend(static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(row), colour);
      }
    };
    if (rule == FillRule::even_odd) {
      for (std::size_t i = 0; i + 1 < crossings.size(); i += 2) {
        span(crossings[i].first, crossings[i + 1].first);
      }
    } else {
      int winding = 0;
      double start = 0;
      for (const auto& [x, w] : crossings) {
        const int before = winding;
        winding += w;
        if (before == 0 && winding != 0) start = x;
        if (before != 0 && winding == 0) span(start, x);
      }
    }
  }
}

void stroke_rings(Canvas& canvas, const std::vector<PixelRing>& rings, Rgba colour,
                  double width_px) {
  if (colour.a == 0 || !(width_px > 0) || !std::isfinite(width_px)) return;
  const double half = width_px / 2;
  // Every quad is built the same way from its edge's direction, so all have the same
  // orientation and the non-zero rule paints their union once.
  std::vector<PixelRing> quads;
  for (const PixelRing& ring : rings) {
    for (std::size_t i = 0; i < ring.size() && ring.size() > 1; ++i) {
      const PixelPoint a = ring[i];
      const PixelPoint b = ring[(i + 1) % ring.size()];
      const double dx = b.x - a.x;
      const double dy = b.y - a.y;
      const double length = std::hypot(dx, dy);
      if (!(length > 0) || !std::isfinite(length)) continue;
      const double ux = dx / length * half;
      const double uy = dy / length * half;
      // Normal (−uy, ux); ends pushed out by half the width (square caps).
      const PixelPoint s{a.x - ux, a.y - uy};
      const PixelPoint e{b.x + ux, b.y + uy};
      quads.push_back({{s.x - uy, s.y + ux}, {e.x - uy, e.y + ux}, {e.x + uy, e.y - ux},
                       {s.x + uy, s.y - ux}});
    }
  }
  fill_rings(canvas, quads, colour, FillRule::non_zero);
}

Projection::Projection(double min_lon, double min_lat, double max_lon, double max_lat,
                       double width, double height, double margin_px) {
  const double mid_lat = (min_lat + max_lat) / 2;
  kx_ = std::cos(mid_lat * std::numbers::pi / 180);
  const double projected_w = (max_lon - min_lon) * kx_;
  const double projected_h = max_lat - min_lat;
  const double avail_w = std::max(1.0, width - 2 * margin_px);
  const double avail_h = std::max(1.0, height - 2 * margin_px);
  if (projected_w > 0 && projected_h > 0) {
    scale_ = std::min(avail_w / projected_w, avail_h / projected_h);
  } else if (projected_w > 0) {
    scale_ = avail_w / projected_w;
  } else if (projected_h > 0) {
    scale_ = avail_h / projected_h;
  }
  x0_ = (min_lon + max_lon) / 2 * kx_;
  y0_ = mid_lat;
  cx_ = width / 2;
  cy_ = height / 2;
}

PixelPoint Projection::operator()(LonLat p) const {
  return {cx_ + (p.lon * kx_ - x0_) * scale_, cy_ - (p.lat - y0_) * scale_};
}

Result<std::string> render_map(const MapImage& map) {
  constexpr std::uint32_t kMaxSide = 10000;
  if (map.width == 0 || map.height == 0 || map.width > kMaxSide || map.height > kMaxSide) {
    return fail(ErrorCode::invalid_input,
                "Taille de carte invalide (" + std::to_string(map.width) + " × " +
                    std::to_string(map.height) + " pixels ; de 1 à 10 000 par côté).",
                "width");
  }
  if (!std::isfinite(map.margin_px) || map.margin_px < 0) {
    return fail(ErrorCode::invalid_input, "Marge de carte invalide.", "margin_px");
  }
  double min_lon = INFINITY, min_lat = INFINITY, max_lon = -INFINITY, max_lat = -INFINITY;
  for (std::size_t s = 0; s < map.shapes.size(); ++s) {
    const MapShape& shape = map.shapes[s];
    const std::string field = "shapes[" + std::to_string(s) + "]";
    if (!std::isfinite(shape.outline_px) || shape.outline_px < 0) {
      return fail(ErrorCode::invalid_input, "Épaisseur de contour invalide en " + field + ".",
                  field);
    }
    for (const LonLatRing& ring : shape.rings) {
      for (const LonLat& p : ring) {
        if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || p.lat < -90 || p.lat > 90) {
          return fail(ErrorCode::invalid_input, "Coordonnée invalide en " + field + ".", field);
        }
        min_lon = std::min(min_lon, p.lon), max_lon = std::max(max_lon, p.lon);
        min_lat = std::min(min_lat, p.lat), max_lat = std::max(max_lat, p.lat);
      }
    }
  }
  if (!(min_lon <= max_lon)) {
    return fail(ErrorCode::invalid_input, "Carte sans aucun contour à dessiner.", "shapes");
  }
  const Projection project(min_lon, min_lat, max_lon, max_lat, map.width, map.height,
                           map.margin_px);
  Canvas canvas(map.width, map.height, map.background);
  std::vector<PixelRing> rings;
  for (const MapShape& shape : map.shapes) {
    rings.clear();
    for (const LonLatRing& ring : shape.rings) {
      PixelRing& r = rings.emplace_back();
      r.reserve(ring.size());
      for (const LonLat& p : ring) r.push_back(project(p));
    }
    fill_rings(canvas, rings, shape.fill, FillRule::even_odd);
    stroke_rings(canvas, rings, shape.outline, shape.outline_px);
  }
  return write_png(canvas.width, canvas.height, canvas.rgba, PixelFormat::rgba);
}

}  // namespace maillage::office
