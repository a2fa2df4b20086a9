// Test-only: a minimal PNG decoder (8-bit RGB/RGBA, not interlaced) written from the PNG
// specification, independent of src/office/png.cpp: checks the signature, every chunk's CRC,
// the IHDR fields, inflates the IDAT stream with zlib and undoes the five row filters.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

namespace maillage::office::test {

struct DecodedPng {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  int colour_type = 0;                 // 2 RGB, 6 RGBA
  std::vector<std::uint8_t> pixels;    // as stored (3 or 4 bytes a pixel)
  std::vector<int> filters;            // filter type of each row
  std::vector<std::string> chunks;     // chunk types in order
};

inline tl::expected<DecodedPng, std::string> decode_png(std::string_view png) {
  auto be32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  if (png.substr(0, 8) != std::string_view("\x89PNG\r\n\x1a\n", 8)) {
    return tl::unexpected(std::string("bad signature"));
  }
  DecodedPng out;
  std::string idat;
  std::size_t pos = 8;
  int depth = 0;
  int interlace = -1;
  bool ended = false;
  while (pos + 12 <= png.size()) {
    const std::uint32_t length = be32(pos);
    if (pos + 12 + length > png.size()) return tl::unexpected(std::string("truncated chunk"));
    const std::string type(png.substr(pos + 4, 4));
    const std::string_view data = png.substr(pos + 8, length);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(png.data() + pos + 4), length + 4);
    if (crc != be32(pos + 8 + length)) return tl::unexpected("bad CRC in " + type);
    out.chunks.push_back(type);
    if (type == "IHDR") {
      if (length != 13) return tl::unexpected(std::string("bad IHDR length"));
      out.width = be32(pos + 8);
      out.height = be32(pos + 12);
      depth = static_cast<unsigned char>(data[8]);
      out.colour_type = static_cast<unsigned char>(data[9]);
      if (data[10] != 0 || data[11] != 0) return tl::unexpected(std::string("bad methods"));
      interlace = static_cast<unsigned char>(data[12]);
    } else if (type == "IDAT") {
      idat.append(data);
    } else if (type == "IEND") {
      ended = true;
      pos += 12 + length;
      break;
    }
    pos += 12 + length;
  }
  if (!ended || pos != png.size()) return tl::unexpected(std::string("no IEND at the end"));
  if (out.chunks.empty() || out.chunks.front() != "IHDR") {
    return tl::unexpected(std::string("IHDR not first"));
  }
  if (depth != 8 || (out.colour_type != 2 && out.colour_type != 6) || interlace != 0) {
    return tl::unexpected(std::string("unsupported format"));
  }
  const std::size_t bpp = out.colour_type == 6 ? 4 : 3;
  const std::size_t stride = out.width * bpp;
  std::vector<std::uint8_t> raw((stride + 1) * out.height);
  uLongf raw_size = raw.size();
  if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()),
                 idat.size()) != Z_OK ||
      raw_size != raw.size()) {
    return tl::unexpected(std::string("bad IDAT stream"));
  }
  out.pixels.resize(stride * out.height);
  for (std::size_t y = 0; y < out.height; ++y) {
    const int f = raw[y * (stride + 1)];
    out.filters.push_back(f);
    const std::uint8_t* in = raw.data() + y * (stride + 1) + 1;
    std::uint8_t* row = out.pixels.data() + y * stride;
    const std::uint8_t* prev = y > 0 ? row - stride : nullptr;
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= bpp ? row[i - bpp] : 0;
      const int b = prev ? prev[i] : 0;
      const int c = prev && i >= bpp ? prev[i - bpp] : 0;
      int pred = 0;
      switch (f) {
        case 0: break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) / 2; break;
        case 4: {
          const int p = a + b - c;
          const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          pred = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c);
          break;
        }
        default: return tl::unexpected("bad filter " + std::to_string(f));
      }
      row[i] = static_cast<std::uint8_t>(in[i] + pred);
    }
  }
  return out;
}

}  // namespace maillage::office::test
