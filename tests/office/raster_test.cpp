#include "office/raster.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "office/png.hpp"
#include "office/png_decode.hpp"

namespace maillage::office {
namespace {

constexpr Rgba kWhite{255, 255, 255, 255};
constexpr Rgba kBlue{0, 0, 200, 255};
constexpr Rgba kRed{220, 0, 0, 255};

// The canvas as a picture: '#' for `ink`, '.' for anything else, one string per row.
std::vector<std::string> picture(const Canvas& c, Rgba ink) {
  std::vector<std::string> rows;
  for (std::uint32_t y = 0; y < c.height; ++y) {
    std::string row;
    for (std::uint32_t x = 0; x < c.width; ++x) row += c.at(x, y) == ink ? '#' : '.';
    rows.push_back(row);
  }
  return rows;
}

// Encodes the canvas, decodes it with the test's own decoder, and returns the decoded picture:
// what a reader of the PNG sees.
std::vector<std::string> png_picture(const Canvas& c, Rgba ink) {
  auto png = write_png(c.width, c.height, c.rgba);
  EXPECT_TRUE(png);
  auto decoded = test::decode_png(*png);
  EXPECT_TRUE(decoded) << decoded.error();
  Canvas back(decoded->width, decoded->height);
  back.rgba = decoded->pixels;
  return picture(back, ink);
}

TEST(Raster, SquareCoversThePixelsWhoseCentresItHolds) {
  // Square from (2, 2) to (6, 6): centres 2.5 .. 5.5 are inside, so columns and rows 2..5.
  Canvas c(8, 8, kWhite);
  fill_rings(c, {{{2, 2}, {6, 2}, {6, 6}, {2, 6}}}, kBlue);
  const std::vector<std::string> expected = {
      "........", "........", "..####..", "..####..",
      "..####..", "..####..", "........", "........"};
  EXPECT_EQ(picture(c, kBlue), expected);
  EXPECT_EQ(png_picture(c, kBlue), expected);
  EXPECT_EQ(c.at(0, 0), kWhite);
}

TEST(Raster, HoleStaysEmptyWhateverItsOrientation) {
  // 10 × 10 square with a 4 × 4 hole from (3, 3) to (7, 7), hole drawn in the same direction
  // as the outer ring: the even-odd rule still leaves it empty.
  const PixelRing outer = {{0, 0}, {10, 0}, {10, 10}, {0, 10}};
  const PixelRing hole_same = {{3, 3}, {7, 3}, {7, 7}, {3, 7}};
  const PixelRing hole_reverse = {{3, 3}, {3, 7}, {7, 7}, {7, 3}};
  const std::vector<std::string> expected = {
      "##########", "##########", "##########", "###....###", "###....###",
      "###....###", "###....###", "##########", "##########", "##########"};
  for (const PixelRing& hole : {hole_same, hole_reverse}) {
    Canvas c(10, 10, kWhite);
    fill_rings(c, {outer, hole}, kRed);
    EXPECT_EQ(picture(c, kRed), expected);
    EXPECT_EQ(png_picture(c, kRed), expected);
  }
}

TEST(Raster, NonZeroUnitesOverlappingRingsEvenOddDoesNot) {
  // Two overlapping squares of the same orientation: 0..4 and 2..6 on one row of pixels.
  const PixelRing a = {{0, 0}, {4, 0}, {4, 1}, {0, 1}};
  const PixelRing b = {{2, 0}, {6, 0}, {6, 1}, {2, 1}};
  Canvas even(6, 1, kWhite);
  fill_rings(even, {a, b}, kBlue, FillRule::even_odd);
  EXPECT_EQ(picture(even, kBlue), std::vector<std::string>{"##..##"});
  Canvas nonzero(6, 1, kWhite);
  fill_rings(nonzero, {a, b}, kBlue, FillRule::non_zero);
  EXPECT_EQ(picture(nonzero, kBlue), std::vector<std::string>{"######"});
}

TEST(Raster, TriangleAndClipping) {
  // Right triangle (0,0) (8,0) (0,8): pixel (x, y) is inside when x + y + 1 < 8, i.e. centre
  // (x+½) + (y+½) < 8. The part outside the 6 × 6 canvas is clipped away.
  Canvas c(6, 6, kWhite);
  fill_rings(c, {{{0, 0}, {8, 0}, {0, 8}}}, kBlue);
  for (std::uint32_t y = 0; y < 6; ++y) {
    for (std::uint32_t x = 0; x < 6; ++x) {
      EXPECT_EQ(c.at(x, y) == kBlue, x + y + 1 < 8) << x << "," << y;
    }
  }
  // Entirely outside, huge or non-finite: nothing drawn, nothing crashes.
  Canvas d(4, 4, kWhite);
  fill_rings(d, {{{-10, -10}, {-5, -10}, {-5, -5}}}, kBlue);
  fill_rings(d, {{{-1e300, 0}, {1e300, 0}, {0, 1e300}}}, kBlue);
  fill_rings(d, {{{NAN, 0}, {2, 0}, {0, 2}}}, kRed);
  EXPECT_EQ(d.at(0, 0), kBlue);  // the huge triangle covers the canvas
  EXPECT_EQ(d.at(3, 3), kBlue);
}

TEST(Raster, TranslucentFillBlendsOnceEvenWhereOutlinesOverlap) {
  Canvas c(10, 10, kWhite);
  // Outline of a 2..8 square, 2 px wide, half-transparent black: corners are covered by two
  // edge rectangles but painted once, so every painted pixel has the same colour.
  stroke_rings(c, {{{2, 2}, {8, 2}, {8, 8}, {2, 8}}}, {0, 0, 0, 128}, 2.0);
  const Rgba expected{127, 127, 127, 255};  // 255 × (1 − 128/255) = 127
  EXPECT_EQ(c.at(1, 1), expected);  // corner (square cap)
  EXPECT_EQ(c.at(5, 1), expected);
  EXPECT_EQ(c.at(5, 2), expected);
  EXPECT_EQ(c.at(5, 5), kWhite);    // inside, untouched
  EXPECT_EQ(c.at(0, 0), kWhite);
  EXPECT_EQ(c.at(5, 3), kWhite);
}

TEST(Raster, ProjectionKeepsProportionsNorthUp) {
  // 2° of longitude at 60° N are 1° of "equator" degrees: a box 2° × 1° is square on the map.
  const Projection p(0, 59.5, 2, 60.5, 100, 100, 0);
  const PixelPoint sw = p({0, 59.5});
  const PixelPoint ne = p({2, 60.5});
  EXPECT_NEAR(ne.x - sw.x, 100, 1e-9);
  EXPECT_NEAR(sw.y - ne.y, 100, 1e-9);  // north is up
  EXPECT_NEAR((sw.x + ne.x) / 2, 50, 1e-9);
  EXPECT_NEAR((sw.y + ne.y) / 2, 50, 1e-9);
}

TEST(Raster, RenderMapDrawsAPolygonWithAHole) {
  MapImage map;
  map.width = 20;
  map.height = 20;
  map.margin_px = 0;
  // At the equator the projection is 1 : 1; a 2° square with a 1° hole in its middle fills the
  // 20 × 20 canvas (10 px a degree), the hole covering pixels 5..14.
  MapShape shape;
  shape.rings = {{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}},
                 {{0.5, 0.5}, {1.5, 0.5}, {1.5, 1.5}, {0.5, 1.5}, {0.5, 0.5}}};
  shape.fill = kBlue;
  shape.outline = {0, 0, 0, 0};
  map.shapes.push_back(shape);
  auto png = render_map(map);
  ASSERT_TRUE(png) << png.error().describe();
  auto decoded = test::decode_png(*png);
  ASSERT_TRUE(decoded) << decoded.error();
  ASSERT_EQ(decoded->width, 20u);
  ASSERT_EQ(decoded->height, 20u);
  Canvas back(20, 20);
  back.rgba = decoded->pixels;
  for (std::uint32_t y = 0; y < 20; ++y) {
    for (std::uint32_t x = 0; x < 20; ++x) {
      const bool hole = x >= 5 && x < 15 && y >= 5 && y < 15;
      EXPECT_EQ(back.at(x, y), hole ? kWhite : kBlue) << x << "," << y;
    }
  }
}

TEST(Raster, RenderMapRefusesBadInput) {
  MapImage map;
  map.width = 50;
  map.height = 40;
  auto none = render_map(map);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().field, "shapes");
  map.shapes.push_back({{{{0, 0}, {1, 0}, {1, NAN}}}});
  auto nan = render_map(map);
  ASSERT_FALSE(nan);
  EXPECT_EQ(nan.error().field, "shapes[0]");
  map.shapes[0].rings = {{{0, 0}, {1, 0}, {1, 95}}};
  EXPECT_FALSE(render_map(map));
  map.shapes[0].rings = {{{0, 0}, {1, 0}, {1, 1}}};
  map.shapes[0].outline_px = -1;
  EXPECT_FALSE(render_map(map));
  map.shapes[0].outline_px = 1;
  EXPECT_TRUE(render_map(map));
  map.width = 0;
  auto empty = render_map(map);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().field, "width");
}

}  // namespace
}  // namespace maillage::office
