#include "office/png.hpp"

#include <zlib.h>

#include <cstddef>
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
// have the smallest sum of absolute values ("minimum sum of absolute differences"). `prev` is a
// row of zeros for the first row, as the specification defines it. `scratch` holds the five
// candidates (5 × n bytes) and is reused from row to row.
void filter_row(const std::uint8_t* row, const std::uint8_t* prev, std::size_t n, std::size_t bpp,
                std::vector<std::uint8_t>& scratch, std::vector<std::uint8_t>& out) {
  scratch.resize(5 * n);
  std::uint8_t* none = scratch.data();
  std::uint8_t* sub = none + n;
  std::uint8_t* up = sub + n;
  std::uint8_t* average = up + n;
  std::uint8_t* paeth_row = average + n;
  for (std::size_t i = 0; i < n; ++i) {
    const int x = row[i];
    const int a = i >= bpp ? row[i - bpp] : 0;
    const int b = prev[i];
    const int c = i >= bpp ? prev[i - bpp] : 0;
    none[i] = static_cast<std::uint8_t>(x);
    sub[i] = static_cast<std::uint8_t>(x - a);
    up[i] = static_cast<std::uint8_t>(x - b);
    average[i] = static_cast<std::uint8_t>(x - (a + b) / 2);
    paeth_row[i] = static_cast<std::uint8_t>(x - paeth(a, b, c));
  }
  std::size_t best = 0;
  unsigned long best_cost = ~0ul;
  for (std::size_t f = 0; f < 5; ++f) {
    unsigned long cost = 0;
    const std::uint8_t* candidate = scratch.data() + f * n;
    for (std::size_t i = 0; i < n; ++i) cost += candidate[i] < 128 ? candidate[i] : 256u - candidate[i];
    if (cost < best_cost) best = f, best_cost = cost;
  }
  out.push_back(static_cast<std::uint8_t>(best));
  out.insert(out.end(), scratch.begin() + static_cast<std::ptrdiff_t>(best * n),
             scratch.begin() + static_cast<std::ptrdiff_t>((best + 1) * n));
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
  std::vector<std::uint8_t> scratch;
  const std::vector<std::uint8_t> zeros(stride, 0);
  for (std::uint32_t y = 0; y < height; ++y) {
    const std::uint8_t* row = pixels.data() + stride * y;
    filter_row(row, y > 0 ? row - stride : zeros.data(), stride, bpp, scratch, filtered);
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
