// Office writers benchmark: a projet-de-santé-like document (table of contents, 12 chapters of
// headings, paragraphs and bullet lists, about 40 pages of text, a 5 000-row × 6-column table,
// a 1200 × 900 territory map) written as DOCX and as ODT.
//
// Measured in the same run (median of --runs, default 5; thread CPU time, so that other work on
// the machine does not inflate the numbers):
//   map       render_map: rasterise 1 200 synthetic communes (16-vertex rings on a jittered
//             lattice, so neighbours share borders; one in ten with a hole) and encode the PNG;
//             the encoder alone (write_png of the same canvas) against a baseline: zlib
//             compress2 level 6 of the raw pixels (no filtering, no chunks);
//   docx/odt  write_docx and write_odt of the same Document: the ratio DOCX / ODT, and sizes.
//
//   office_bench [--runs N] [--out DIR]     (--out writes projet.docx, projet.odt, carte.png)
#include <zlib.h>

#include <algorithm>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "office/docx.hpp"
#include "office/odt.hpp"
#include "office/png.hpp"
#include "office/raster.hpp"

using namespace maillage;
using namespace maillage::office;
namespace {

// CPU time of this thread, not wall time: the machine is shared (2 cores, other builds), and a
// single-threaded writer's CPU time does not count the time it waited for a core.
struct Clock {
  using time_point = double;
  static double now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  }
};

double ms_since(Clock::time_point t0) { return Clock::now() - t0; }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class T>
T check(Result<T> r) {
  if (!r) {
    std::fprintf(stderr, "office_bench: %s\n", r.error().describe().c_str());
    std::exit(1);
  }
  return std::move(*r);
}

// Deterministic pseudo-random in [0, 1) from integers (no global state).
double noise(long a, long b, long salt) {
  unsigned long h = static_cast<unsigned long>(a) * 0x9E3779B97F4A7C15ul ^
                    static_cast<unsigned long>(b) * 0xC2B2AE3D27D4EB4Ful ^
                    static_cast<unsigned long>(salt) * 0x165667B19E3779F9ul;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ul;
  h ^= h >> 32;
  return static_cast<double>(h % 1000003) / 1000003.0;
}

// 40 × 30 communes over about 1.6° × 0.9° around Metz; each commune is a 4 × 4 block of a
// jittered lattice walked along its border (16 vertices), so neighbours share their borders
// exactly, as the référentiel's polygons do.
MapImage synthetic_map() {
  constexpr int kCols = 40, kRows = 30, kSub = 4;
  auto vertex = [&](int i, int j) {
    const double jx = (i % kSub != 0 || j % kSub != 0) ? 0.3 : 0.15;
    return LonLat{5.6 + (i + (noise(i, j, 1) - 0.5) * jx) * 1.6 / (kCols * kSub),
                  48.6 + (j + (noise(i, j, 2) - 0.5) * jx) * 0.9 / (kRows * kSub)};
  };
  const Rgba classes[] = {{237, 248, 251, 255}, {178, 226, 226, 255}, {102, 194, 164, 255},
                          {44, 162, 95, 255}, {0, 109, 44, 255}};
  MapImage map;
  map.width = 1200;
  map.height = 900;
  for (int c = 0; c < kCols; ++c) {
    for (int r = 0; r < kRows; ++r) {
      MapShape shape;
      LonLatRing ring;
      const int i0 = c * kSub, j0 = r * kSub;
      for (int k = 0; k < kSub; ++k) ring.push_back(vertex(i0 + k, j0));
      for (int k = 0; k < kSub; ++k) ring.push_back(vertex(i0 + kSub, j0 + k));
      for (int k = 0; k < kSub; ++k) ring.push_back(vertex(i0 + kSub - k, j0 + kSub));
      for (int k = 0; k < kSub; ++k) ring.push_back(vertex(i0, j0 + kSub - k));
      ring.push_back(ring.front());
      shape.rings.push_back(ring);
      if ((c * 7 + r * 3) % 10 == 0) {  // an enclave: a hole in the middle of the block
        const LonLat a = vertex(i0 + 1, j0 + 1), b = vertex(i0 + 3, j0 + 3);
        shape.rings.push_back({a, {b.lon, a.lat}, b, {a.lon, b.lat}, a});
      }
      shape.fill = classes[static_cast<int>(noise(c, r, 3) * 5)];
      shape.outline = {255, 255, 255, 255};
      shape.outline_px = 1;
      map.shapes.push_back(std::move(shape));
    }
  }
  return map;
}

Document synthetic_document(const std::string& map_png) {
  Document doc;
  doc.title = "Projet de santé — CPTS du Pays messin (banc d'essai)";
  doc.created = "2026-03-01T09:30:00Z";
  doc.footer = {"Projet de santé — CPTS du Pays messin", true};
  doc.table_of_contents();
  const std::string sentence =
      "Les professionnels de santé du territoire se coordonnent pour améliorer l'accès aux soins "
      "et la prise en charge des patients sans médecin traitant. ";
  for (int chapter = 1; chapter <= 12; ++chapter) {
    doc.heading(1, "Chapitre " + std::to_string(chapter));
    if (chapter == 2) doc.image({map_png, 16, 0, "Carte 1 — Communes du territoire", ""});
    for (int section = 1; section <= 3; ++section) {
      doc.heading(2, "Section " + std::to_string(chapter) + "." + std::to_string(section));
      for (int p = 0; p < 5; ++p) {
        std::string text;
        for (int s = 0; s < 4; ++s) text += sentence;
        doc.paragraph({{"Constat " + std::to_string(p + 1) + " : ", true}, {text}});
      }
      doc.bullets({"Action de coordination", "Indicateur de suivi", "Échéance contractuelle"});
    }
  }
  doc.page_break().heading(1, "Annexe — Liste des communes");
  Table table{{"Code INSEE", "Commune", "Population", "Médecins", "Densité", "APL"}, {},
              {1, 3, 1, 1, 1, 1}};
  for (int i = 0; i < 5000; ++i) {
    table.rows.push_back({std::to_string(57000 + i), "Commune n° " + std::to_string(i),
                          std::to_string(120 + (i * 37) % 9000), std::to_string(i % 7),
                          std::to_string((i * 13) % 100) + ",5", std::to_string(i % 5) + ",2"});
  }
  doc.table(std::move(table));
  return doc;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  std::string out_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--out" && i + 1 < argc) {
      out_dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: office_bench [--runs N] [--out DIR]\n");
      return 2;
    }
  }

  const MapImage map = synthetic_map();
  std::vector<double> t_map, t_png, t_zlib, t_docx, t_odt;
  std::string png, docx, odt;
  // The canvas write_png and the baseline compress: the map rasterised once, without encoding.
  Canvas canvas(map.width, map.height, map.background);
  {
    const Projection project(5.6, 48.6, 7.2, 49.5, map.width, map.height, map.margin_px);
    for (const MapShape& shape : map.shapes) {
      std::vector<PixelRing> rings;
      for (const auto& ring : shape.rings) {
        PixelRing& r = rings.emplace_back();
        for (const LonLat& p : ring) r.push_back(project(p));
      }
      fill_rings(canvas, rings, shape.fill);
      stroke_rings(canvas, rings, shape.outline, shape.outline_px);
    }
  }
  std::size_t zlib_size = 0;
  for (int run = 0; run < runs; ++run) {
    auto t0 = Clock::now();
    png = check(render_map(map));
    t_map.push_back(ms_since(t0));

    t0 = Clock::now();
    const std::string encoded = check(write_png(canvas.width, canvas.height, canvas.rgba));
    t_png.push_back(ms_since(t0));

    t0 = Clock::now();
    uLongf packed_size = compressBound(static_cast<uLong>(canvas.rgba.size()));
    std::vector<Bytef> packed(packed_size);
    compress2(packed.data(), &packed_size, canvas.rgba.data(), canvas.rgba.size(), 6);
    t_zlib.push_back(ms_since(t0));
    zlib_size = packed_size;

    const Document doc = synthetic_document(png);
    t0 = Clock::now();
    docx = check(write_docx(doc));
    t_docx.push_back(ms_since(t0));
    t0 = Clock::now();
    odt = check(write_odt(doc));
    t_odt.push_back(ms_since(t0));
  }

  std::printf("office_bench: median of %d runs, thread CPU time\n", runs);
  std::printf("  map 1200x900, %zu communes: render_map %.1f ms, PNG %.0f KB\n", map.shapes.size(),
              median(t_map), png.size() / 1024.0);
  std::printf("  write_png alone %.1f ms (%.0f KB) vs zlib compress2 of raw pixels %.1f ms "
              "(%.0f KB): time x%.2f, size x%.2f\n",
              median(t_png), png.size() / 1024.0, median(t_zlib), zlib_size / 1024.0,
              median(t_png) / median(t_zlib), static_cast<double>(png.size()) / zlib_size);
  std::printf("  rasterise (render_map - write_png) ~%.1f ms\n", median(t_map) - median(t_png));
  std::printf("  DOCX %.1f ms, %.0f KB | ODT %.1f ms, %.0f KB | DOCX/ODT time x%.2f, size x%.2f\n",
              median(t_docx), docx.size() / 1024.0, median(t_odt), odt.size() / 1024.0,
              median(t_docx) / median(t_odt), static_cast<double>(docx.size()) / odt.size());
  if (!out_dir.empty()) {
    std::ofstream(out_dir + "/projet.docx", std::ios::binary) << docx;
    std::ofstream(out_dir + "/projet.odt", std::ios::binary) << odt;
    std::ofstream(out_dir + "/carte.png", std::ios::binary) << png;
    std::printf("  wrote %s/projet.docx, projet.odt, carte.png\n", out_dir.c_str());
  }
  return 0;
}
