#include "office/png.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "office/png_decode.hpp"

namespace maillage::office {
namespace {

using test::decode_png;

TEST(Png, RoundTripsRgbaThroughAnIndependentDecoder) {
  // 3 × 2: red, green, blue / white, transparent black, half-transparent grey.
  const std::vector<std::uint8_t> pixels = {255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255,
                                            255, 255, 255, 255, 0, 0, 0, 0, 128, 128, 128, 128};
  auto png = write_png(3, 2, pixels);
  ASSERT_TRUE(png) << png.error().describe();
  EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  auto decoded = decode_png(*png);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->width, 3u);
  EXPECT_EQ(decoded->height, 2u);
  EXPECT_EQ(decoded->colour_type, 6);
  EXPECT_EQ(decoded->pixels, pixels);
  EXPECT_EQ(decoded->chunks, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
}

TEST(Png, RoundTripsRgb) {
  std::vector<std::uint8_t> pixels;
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 7; ++x) {
      pixels.push_back(static_cast<std::uint8_t>(x * 30));
      pixels.push_back(static_cast<std::uint8_t>(y * 50));
      pixels.push_back(static_cast<std::uint8_t>(x * y));
    }
  }
  auto png = write_png(7, 5, pixels, PixelFormat::rgb);
  ASSERT_TRUE(png) << png.error().describe();
  auto decoded = decode_png(*png);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->colour_type, 2);
  EXPECT_EQ(decoded->pixels, pixels);
}

TEST(Png, PicksFiltersPerRowAndStaysExact) {
  // Gradients, flat rows and noise make different filters win; whichever is chosen, the
  // decoded pixels must be the input.
  const std::uint32_t w = 64, h = 48;
  std::vector<std::uint8_t> pixels(w * h * 4);
  std::mt19937 rng(7);
  for (std::uint32_t y = 0; y < h; ++y) {
    for (std::uint32_t x = 0; x < w; ++x) {
      std::uint8_t* p = &pixels[(y * w + x) * 4];
      if (y < 16) {
        p[0] = static_cast<std::uint8_t>(x * 4), p[1] = static_cast<std::uint8_t>(y * 3);
        p[2] = 200, p[3] = 255;
      } else if (y < 32) {
        p[0] = p[1] = p[2] = static_cast<std::uint8_t>(y), p[3] = 255;
      } else {
        for (int c = 0; c < 4; ++c) p[c] = static_cast<std::uint8_t>(rng());
      }
    }
  }
  auto png = write_png(w, h, pixels);
  ASSERT_TRUE(png) << png.error().describe();
  auto decoded = decode_png(*png);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->pixels, pixels);
  const std::set<int> used(decoded->filters.begin(), decoded->filters.end());
  EXPECT_GE(used.size(), 2u) << "one filter for every row";
  // A flat grey row (20) below another flat grey row (19): Paeth predicts the first pixel from
  // above (residues 1, 1, 1, 0) and every other one exactly from its left neighbour, a cost of 3
  // against 61 for Sub and 192 for Up.
  EXPECT_EQ(decoded->filters[20], 4);
  // Noise rows have no good predictor: a filter is still chosen and the bytes still round-trip.
  EXPECT_EQ(decoded->filters.size(), h);
}

TEST(Png, LargeImagesSplitIntoSeveralIdatChunks) {
  const std::uint32_t w = 700, h = 700;
  std::vector<std::uint8_t> pixels(w * h * 4);
  std::mt19937 rng(1);
  for (auto& b : pixels) b = static_cast<std::uint8_t>(rng());
  auto png = write_png(w, h, pixels);
  ASSERT_TRUE(png) << png.error().describe();
  auto decoded = decode_png(*png);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->pixels, pixels);
  EXPECT_GT(std::count(decoded->chunks.begin(), decoded->chunks.end(), "IDAT"), 1);
}

TEST(Png, SameInputSameBytes) {
  const std::vector<std::uint8_t> pixels(10 * 10 * 4, 77);
  EXPECT_EQ(*write_png(10, 10, pixels), *write_png(10, 10, pixels));
}

TEST(Png, RefusesInconsistentSizes) {
  const std::vector<std::uint8_t> pixels(12, 0);
  auto empty = write_png(0, 3, pixels);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::invalid_input);
  auto wrong = write_png(2, 2, pixels);  // RGBA 2 × 2 needs 16 bytes
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("12 octets"), std::string::npos) << wrong.error().message;
  EXPECT_TRUE(write_png(2, 2, pixels, PixelFormat::rgb));
  EXPECT_FALSE(write_png(0x80000000u, 1, pixels));
  EXPECT_FALSE(write_png(100000, 100000, pixels));
}

}  // namespace
}  // namespace maillage::office
