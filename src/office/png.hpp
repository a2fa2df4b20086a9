// PNG encoder for images the documents embed (the territory map): 8-bit RGB or RGBA pixels in,
// the bytes of a PNG file out. Light header: zlib stays in png.cpp.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "common/error.hpp"

namespace maillage::office {

enum class PixelFormat : std::uint8_t {
  rgb,   ///< 3 bytes a pixel (PNG colour type 2)
  rgba,  ///< 4 bytes a pixel, non-premultiplied alpha (PNG colour type 6)
};

/// Encodes `pixels` (rows top to bottom, each row left to right, no padding: width × height × 3
/// or 4 bytes) as a non-interlaced 8-bit PNG: signature, IHDR, IDAT chunks of at most 1 MiB,
/// IEND. Each row gets the PNG filter (None, Sub, Up, Average, Paeth) with the smallest sum of
/// absolute differences, the heuristic libpng uses; the filtered rows are deflated at zlib
/// level 6. Same input, same bytes. Errors (invalid_input): zero width or height, more than
/// 2^31 − 1 pixels a side or more than 256 Mi pixels, a buffer of the wrong size.
Result<std::string> write_png(std::uint32_t width, std::uint32_t height,
                              std::span<const std::uint8_t> pixels,
                              PixelFormat format = PixelFormat::rgba);

}  // namespace maillage::office
