#include "office/png.hpp"

#include <zlib.h>

#include <array>
#include <cstdlib>
#include <vector>

namespace maillage::office {

namespace {

void put32(std::string& out, std::uint32_t v) {
  out += static_cast<char>((v >> 24) & 0xFF);
  out += static_cast<char>((v >> 16) & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
  out += static_cast<char>(v & 0xFF);
}

// A chunk: length, type, data, CRC-32 of type and data.
void chunk(std::string& out, const char (&type)[5], std::string_view data) {
  put32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t crc_from = out.size();
  out.append(type, 4);
  out.append(data);
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(out.data() + crc_from),
              static_cast<uInt>(out.size() - crc_from));
  put32(out, static_cast<std::uint32_t>(crc));
}

// PNG specification 9.4: the predictor closest to a + b - c among a (left), b (up), c (up-left).
std::uint8_t paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a);
  const int pb = std::abs(p - b);
  const int pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return static_cast<std::uint8_t>(a);
  if (pb <= pc) return static_cast<std::uint8_t>(b);
  return static_cast<std::uint8_t>(c);
}

// Filters one row with each of the five filters and keeps the one whose bytes, read as signed,
// have the smallest sum of absolute values ("minimum sum of absolute differences").
void filter_row(const std::uint8_t* row, const std::uint8_t* prev, std::size_t n, std::size_t bpp,
                std::vector<std::uint8_t>& out) {
  static const std::vector<std::uint8_t> kZeros;
  std::array<std::vector<std::uint8_t>, 5> candidates;
  std::array<unsigned long, 5> cost{};
  for (int f = 0; f < 5; ++f) {
    auto& c = candidates[static_cast<std::size_t>(f)];
    c.resize(n);
    unsigned long sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const int x = row[i];
      const int a = i >= bpp ? row[i - bpp] : 0;
      const int b = prev != nullptr ? prev[i] : 0;
      const int cc = prev != nullptr && i >= bpp ? prev[i - bpp] : 0;
      int predicted = 0;
      switch (f) {
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) / 2; break;
        case 4: predicted = paeth(a, b, cc); break;
        default: break;
      }
      const auto v = static_cast<std::uint8_t>(x - predicted);
      c[i] = v;
      sum += v < 128 ? v : 256u - v;
    }
    cost[static_cast<std::size_t>(f)] = sum;
  }
  std::size_t best = 0;
  for (std::size_t f = 1; f < 5; ++f) {
    if (cost[f] < cost[best]) best = f;
  }
  out.push_back(static_cast<std::uint8_t>(best));
  out.insert(out.end(), candidates[best].begin(), candidates[best].end());
}

}  // namespace

Result<std::string> write_png(std::uint32_t width, std::uint32_t height,
                              std::span<const std::uint8_t> pixels, PixelFormat format) {
  if (width == 0 || height == 0) {
    return fail(ErrorCode::invalid_input, "Image vide (largeur ou hauteur nulle).", "pixels");
  }
  constexpr std::uint64_t kMaxSide = 0x7FFFFFFFu;
  constexpr std::uint64_t kMaxPixels = 256ull << 20;
  if (width > kMaxSide || height > kMaxSide ||
      static_cast<std::uint64_t>(width) * height > kMaxPixels) {
    return fail(ErrorCode::invalid_input,
                "Image trop grande (" + std::to_string(width) + " × " + std::to_string(height) +
                    " pixels).",
                "pixels");
  }
  const std::size_t bpp = format == PixelFormat::rgba ? 4 : 3;
  const std::size_t stride = static_cast<std::size_t>(width) * bpp;
  if (pixels.size() != stride * height) {
    return fail(ErrorCode::invalid_input,
                "Taille des pixels incohérente : " + std::to_string(pixels.size()) +
                    " octets pour " + std::to_string(width) + " × " + std::to_string(height) +
                    " pixels de " + std::to_string(bpp) + " octets.",
                "pixels");
  }

  std::vector<std::uint8_t> filtered;
  filtered.reserve((stride + 1) * height);
  for (std::uint32_t y = 0; y < height; ++y) {
    const std::uint8_t* row = pixels.data() + stride * y;
    filter_row(row, y > 0 ? row - stride : nullptr, stride, bpp, filtered);
  }

  uLongf packed_size = compressBound(static_cast<uLong>(filtered.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, filtered.data(),
                static_cast<uLong>(filtered.size()), 6) != Z_OK) {
    return fail(ErrorCode::internal, "Compression de l'image PNG impossible.");
  }
  packed.resize(packed_size);

  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put32(ihdr, width);
  put32(ihdr, height);
  ihdr += static_cast<char>(8);                                    // bit depth
  ihdr += static_cast<char>(format == PixelFormat::rgba ? 6 : 2);  // colour type
  ihdr.append(3, '\0');  // deflate, adaptive filtering, no interlace
  chunk(png, "IHDR", ihdr);
  constexpr std::size_t kIdatMax = 1u << 20;
  for (std::size_t at = 0; at < packed.size(); at += kIdatMax) {
    chunk(png, "IDAT", std::string_view(packed).substr(at, kIdatMax));
  }
  chunk(png, "IEND", {});
  return png;
}

}  // namespace maillage::office
