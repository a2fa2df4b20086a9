// A small polygon rasteriser for maps drawn by Maillage itself (the territory map of a projet de
// santé: commune shapes, no tile server): scanline fill of polygons with holes, outlines, an
// RGBA canvas and a lon/lat projection; `render_map` goes from shapes to PNG bytes in one pure
// call. Light header: no zlib, no GEOS (callers convert geo::MultiPolygon rings to MapShape).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace maillage::office {

struct Rgba {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
  std::uint8_t a = 255;  ///< 0 transparent (nothing drawn) .. 255 opaque
  friend bool operator==(const Rgba&, const Rgba&) = default;
};

/// A point in pixels: x to the right, y down, (0, 0) the top-left corner of the top-left pixel.
/// Pixel (i, j) covers [i, i+1) × [j, j+1) and is painted when its centre (i+½, j+½) is inside.
struct PixelPoint {
  double x = 0;
  double y = 0;
};
using PixelRing = std::vector<PixelPoint>;  ///< closed implicitly (last point joins the first)

/// Which points of the plane a set of rings encloses. even_odd: a point is inside when a ray from
/// it crosses the rings an odd number of times, so holes (and a multipolygon's separate parts)
/// need no particular orientation. non_zero: inside when the signed crossings do not cancel out,
/// so overlapping rings of the same orientation make a union.
enum class FillRule : std::uint8_t { even_odd, non_zero };

/// Straight RGBA pixels (not premultiplied), rows top to bottom: what write_png(…, rgba) takes.
struct Canvas {
  Canvas(std::uint32_t w, std::uint32_t h, Rgba background = {255, 255, 255, 255});
  std::uint32_t width;
  std::uint32_t height;
  std::vector<std::uint8_t> rgba;

  Rgba at(std::uint32_t x, std::uint32_t y) const;
  /// Paints one pixel with `colour` over what is there (source-over alpha blending).
  void blend(std::uint32_t x, std::uint32_t y, Rgba colour);
};

/// Paints every pixel whose centre lies inside the rings (scanline fill with an active edge
/// list; points outside the canvas are clipped). Each pixel is painted once, so a translucent
/// colour blends evenly.
void fill_rings(Canvas& canvas, const std::vector<PixelRing>& rings, Rgba colour,
                FillRule rule = FillRule::even_odd);

/// Draws the edges of the rings as lines `width_px` wide (each edge a rectangle with square
/// ends, all of them filled together with the non-zero rule, so joins are painted once).
void stroke_rings(Canvas& canvas, const std::vector<PixelRing>& rings, Rgba colour,
                  double width_px = 1.0);

struct LonLat {
  double lon = 0;
  double lat = 0;
};
using LonLatRing = std::vector<LonLat>;

/// Equirectangular projection centred on a box of lon/lat: x = lon × cos(middle latitude),
/// y = lat, scaled uniformly (the map keeps its proportions) and centred to fit the canvas less
/// a margin, north up. Within a département the distortion is a few per cent at most.
class Projection {
 public:
  /// Fits the box [min_lon, max_lon] × [min_lat, max_lat] into width × height pixels less
  /// `margin_px` on each side. A box of zero width or height is centred.
  Projection(double min_lon, double min_lat, double max_lon, double max_lat, double width,
             double height, double margin_px);
  PixelPoint operator()(LonLat p) const;

 private:
  double kx_ = 1;  // cos(middle latitude)
  double scale_ = 1;
  double x0_ = 0;
  double y0_ = 0;
  double cx_ = 0;
  double cy_ = 0;
};

/// One shape of a map (a commune, an EPCI...): its rings (outer rings and holes of one or more
/// polygons, in any orientation: they are filled with the even-odd rule), its fill colour and
/// its outline (alpha 0 or width 0: none).
struct MapShape {
  std::vector<LonLatRing> rings{};
  Rgba fill{200, 200, 200, 255};
  Rgba outline{255, 255, 255, 255};
  double outline_px = 1.0;
};

/// A map to draw: canvas size, background, shapes painted in order (later ones on top), all
/// projected with one Projection fitted to the shapes' bounding box.
struct MapImage {
  std::uint32_t width = 1200;
  std::uint32_t height = 900;
  Rgba background{255, 255, 255, 255};
  double margin_px = 12;
  std::vector<MapShape> shapes{};
};

/// The map as a PNG (RGBA). Errors (invalid_input, field "shapes[i]" or "width"): an empty
/// canvas or one over 10 000 pixels a side, no shape with a point, a non-finite coordinate or a
/// latitude outside −90..90, a negative or non-finite outline width.
Result<std::string> render_map(const MapImage& map);

}  // namespace maillage::office
