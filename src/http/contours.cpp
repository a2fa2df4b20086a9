#include "http/contours.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "common/log.hpp"
#include "http/compress.hpp"
#include "http/message.hpp"

namespace maillage::http {
namespace {

// Tolerances: under a screen pixel at the zooms each map shows the zone at (Leaflet zoom 6–7 for
// metropolitan France: 1.7 km to 850 m a pixel at 46° N; zoom 8 for a région: 425 m; zoom 9–11
// for a département: 210 to 53 m); the commune level keeps the source's points (1e-5 degree).
// Quantization (1e-3, 1e-4 or 1e-5 degree) stays well under the tolerance. Sizes and times
// measured are in src/refdata/README.md.
constexpr std::array<ContourLevel, 4> kLevels{{
    {"france", 600, 100, false},
    {"region", 150, 10, true},
    {"departement", 40, 10, true},
    {"commune", 0, 1, true},
}};
constexpr std::size_t kFranceLevel = 0;
constexpr std::size_t kDepartementLevel = 2;
// Brotli at quality 11 costs about 3 s of CPU per megabyte of JSON: large bodies get gzip only.
constexpr std::size_t kMaxBrotliBytes = 512 * 1024;

std::optional<std::size_t> level_index(std::string_view id) {
  for (std::size_t i = 0; i < kLevels.size(); ++i) {
    if (kLevels[i].id == id) return i;
  }
  return std::nullopt;
}

// Rounds a grid coordinate to the level's quantum (half away from zero, the same for every
// occurrence of a point, so shared arcs stay shared).
std::int64_t quantize(std::int32_t v, std::int32_t q) {
  if (q == 1) return v;
  const std::int64_t h = q / 2;
  return v >= 0 ? (v + h) / q : -((-static_cast<std::int64_t>(v) + h) / q);
}

std::string json_string(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::span<const ContourLevel> contour_levels() { return kLevels; }

ContourCache::ContourCache(const geo::Referentiel& ref)
    : ref_(ref),
      levels_(kLevels.size()),
      bodies_((ref.departements.size() + 1) * kLevels.size() * 2) {
  for (std::size_t i = 0; i < ref.communes.size() && i < ref.cells.size(); ++i) {
    if (!ref.communes[i].arrondissement && !ref.cells[i].empty()) {
      france_.push_back(static_cast<geo::CommuneIndex>(i));
    }
  }
}

ContourCache::~ContourCache() = default;

const geo::Topology& ContourCache::topology() const {
  std::call_once(topology_once_, [&] {
    const auto start = std::chrono::steady_clock::now();
    topology_ = std::make_unique<geo::Topology>(geo::build_topology(ref_.cells));
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    log::info("contours_topology arcs={} points={} ms={}", topology_->arc_count(),
              topology_->points.size(), ms);
  });
  return *topology_;
}

const geo::SimplifiedArcs& ContourCache::arcs(std::size_t level) const {
  LevelSlot& slot = levels_[level];
  std::call_once(slot.once, [&] {
    const geo::Topology& t = topology();
    const auto start = std::chrono::steady_clock::now();
    slot.arcs = std::make_unique<geo::SimplifiedArcs>(geo::simplify(t, kLevels[level].tolerance_m));
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    log::info("contours_level level={} tolerance_m={} points={} ms={}", kLevels[level].id,
              kLevels[level].tolerance_m, slot.arcs->points.size(), ms);
  });
  return *slot.arcs;
}

ContourCache::Zone ContourCache::zone_model(std::span<const geo::CommuneIndex> communes,
                                            std::size_t level) const {
  const geo::Topology& topo = topology();
  const geo::SimplifiedArcs& simplified = arcs(level);
  const std::int32_t q = kLevels[level].quantum;
  Zone z;
  // The zone's arcs, renumbered in order of first use.
  std::unordered_map<std::uint32_t, std::int32_t> local;
  std::vector<std::uint32_t> used;
  auto renumber = [&](std::int32_t ref) {
    const auto a = static_cast<std::uint32_t>(ref >= 0 ? ref : ~ref);
    auto [it, added] = local.emplace(a, static_cast<std::int32_t>(used.size()));
    if (added) used.push_back(a);
    return ref >= 0 ? it->second : ~it->second;
  };
  for (geo::CommuneIndex i : communes) {
    if (i >= topo.shapes.size() || topo.shapes[i].empty()) continue;
    z.communes.push_back(i);
    auto& polygons = z.shapes.emplace_back(topo.shapes[i]);
    for (auto& polygon : polygons) {
      for (auto& ring : polygon) {
        for (auto& ref : ring) ref = renumber(ref);
      }
    }
  }
  // Quantized arcs (consecutive repeats dropped, two points at least).
  z.min_x = z.min_y = std::numeric_limits<std::int64_t>::max();
  z.max_x = z.max_y = std::numeric_limits<std::int64_t>::min();
  z.arcs.resize(used.size());
  for (std::size_t k = 0; k < used.size(); ++k) {
    const auto pts = simplified.arc(used[k]);
    auto& arc = z.arcs[k];
    for (std::size_t j = 0; j < pts.size(); ++j) {
      const std::pair<std::int64_t, std::int64_t> p{quantize(pts[j].x, q), quantize(pts[j].y, q)};
      const bool last = j + 1 == pts.size();
      if (!arc.empty() && arc.back() == p && !(last && arc.size() == 1)) continue;
      arc.push_back(p);
      z.min_x = std::min(z.min_x, p.first);
      z.min_y = std::min(z.min_y, p.second);
      z.max_x = std::max(z.max_x, p.first);
      z.max_y = std::max(z.max_y, p.second);
    }
  }
  if (used.empty()) z.min_x = z.min_y = z.max_x = z.max_y = 0;
  return z;
}

std::string ContourCache::serialise(std::span<const geo::CommuneIndex> communes,
                                    std::size_t level) const {
  const Zone z = zone_model(communes, level);
  const std::int32_t q = kLevels[level].quantum;
  const double scale = q * geo::kGridStep;

  fmt::memory_buffer body;
  auto b = std::back_inserter(body);
  fmt::format_to(b,
                 R"({{"type":"Topology","niveau":"{}","tolerance_m":{},)"
                 R"("bbox":[{:.5f},{:.5f},{:.5f},{:.5f}],)"
                 R"("transform":{{"scale":[{:.5f},{:.5f}],"translate":[{:.5f},{:.5f}]}},)"
                 R"("objects":{{"communes":{{"type":"GeometryCollection","geometries":[)",
                 kLevels[level].id, kLevels[level].tolerance_m, z.min_x * scale, z.min_y * scale,
                 z.max_x * scale, z.max_y * scale, scale, scale, z.min_x * scale, z.min_y * scale);
  for (std::size_t n = 0; n < z.communes.size(); ++n) {
    const geo::Commune& c = ref_.communes[z.communes[n]];
    if (n > 0) body.push_back(',');
    const std::string code = json_string(c.code);
    if (kLevels[level].all_properties) {
      fmt::format_to(b,
                     R"({{"type":"MultiPolygon","id":{},"properties":{{"code":{},"nom":{},)"
                     R"("departement":{},"population":{},"superficie_km2":{:.2f},"densite":{:.1f},)"
                     R"("contour":"{}"}},"arcs":[)",
                     code, code, json_string(c.nom), json_string(c.departement), c.population,
                     c.area_km2,
                     c.area_km2 > 0 ? static_cast<double>(c.population) / c.area_km2 : 0.0,
                     geo::shape_source_id(c.shape));
    } else {
      fmt::format_to(b,
                     R"({{"type":"MultiPolygon","id":{},"properties":{{"nom":{},)"
                     R"("departement":{},"population":{}}},"arcs":[)",
                     code, json_string(c.nom), json_string(c.departement), c.population);
    }
    const auto& polygons = z.shapes[n];
    for (std::size_t p = 0; p < polygons.size(); ++p) {
      if (p > 0) body.push_back(',');
      body.push_back('[');
      for (std::size_t r = 0; r < polygons[p].size(); ++r) {
        if (r > 0) body.push_back(',');
        body.push_back('[');
        for (std::size_t k = 0; k < polygons[p][r].size(); ++k) {
          if (k > 0) body.push_back(',');
          fmt::format_to(b, "{}", polygons[p][r][k]);
        }
        body.push_back(']');
      }
      body.push_back(']');
    }
    fmt::format_to(b, "]}}");
  }
  // Arcs delta-encoded, each from the zone's smallest position.
  fmt::format_to(b, R"(]}}}},"arcs":[)");
  for (std::size_t k = 0; k < z.arcs.size(); ++k) {
    if (k > 0) body.push_back(',');
    body.push_back('[');
    std::int64_t px = z.min_x;
    std::int64_t py = z.min_y;
    for (std::size_t j = 0; j < z.arcs[k].size(); ++j) {
      if (j > 0) body.push_back(',');
      const auto [x, y] = z.arcs[k][j];
      fmt::format_to(b, "[{},{}]", x - px, y - py);
      px = x;
      py = y;
    }
    body.push_back(']');
  }
  fmt::format_to(b, "]}}");
  return fmt::to_string(body);
}

namespace {

// LEB128: 7 bits a byte, low bits first, the high bit set on every byte but the last.
void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Zigzag: 0, -1, 1, -2... as 0, 1, 2, 3... so that small negative numbers stay short.
void put_signed(std::string& out, std::int64_t v) {
  put_varint(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

void put_text(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

}  // namespace

std::string ContourCache::serialise_binary(std::span<const geo::CommuneIndex> communes,
                                           std::size_t level) const {
  const Zone z = zone_model(communes, level);
  std::string out = "MCB1";
  put_text(out, kLevels[level].id);
  put_varint(out, static_cast<std::uint64_t>(kLevels[level].tolerance_m));
  put_varint(out, static_cast<std::uint64_t>(kLevels[level].quantum));
  put_signed(out, z.min_x);
  put_signed(out, z.min_y);
  put_signed(out, z.max_x);
  put_signed(out, z.max_y);
  put_varint(out, z.communes.size());
  put_varint(out, z.arcs.size());
  // Texts in three blocks (codes, names, départements; each joined by '\n'), decoded at once.
  std::string codes;
  std::string names;
  std::string deps;
  for (std::size_t n = 0; n < z.communes.size(); ++n) {
    const geo::Commune& c = ref_.communes[z.communes[n]];
    if (n > 0) {
      codes.push_back('\n');
      names.push_back('\n');
      deps.push_back('\n');
    }
    codes += c.code;
    names += c.nom;
    deps += c.departement;
  }
  put_text(out, codes);
  put_text(out, names);
  put_text(out, deps);
  for (geo::CommuneIndex i : z.communes) {
    put_varint(out,
               static_cast<std::uint64_t>(std::max<std::int64_t>(0, ref_.communes[i].population)));
  }
  // Arc references: arcs are numbered in order of first use, so a reference is written as
  // 2 × (arcs seen so far − arc) + 1 if reversed: 0 or 1 for an arc met for the first time.
  std::int64_t seen = 0;
  for (const auto& polygons : z.shapes) {
    put_varint(out, polygons.size());
    for (const auto& polygon : polygons) {
      put_varint(out, polygon.size());
      for (const auto& ring : polygon) {
        put_varint(out, ring.size());
        for (std::int32_t ref : ring) {
          const std::int64_t a = ref >= 0 ? ref : ~ref;
          put_varint(out, static_cast<std::uint64_t>(2 * (seen - a) + (ref < 0 ? 1 : 0)));
          if (a == seen) ++seen;
        }
      }
    }
  }
  // Arcs delta-encoded, the first point of each from the last point of the previous arc (often
  // the same junction), the first arc's from the zone's smallest position.
  std::int64_t px = z.min_x;
  std::int64_t py = z.min_y;
  for (const auto& arc : z.arcs) {
    put_varint(out, arc.size());
    for (const auto& [x, y] : arc) {
      put_signed(out, x - px);
      put_signed(out, y - py);
      px = x;
      py = y;
    }
  }
  return out;
}

const ContourCache::Body* ContourCache::get(std::string_view zone, std::string_view level,
                                            ContourFormat format) const {
  std::size_t z = ref_.departements.size();
  std::span<const geo::CommuneIndex> communes = france_;
  if (zone != "france") {
    const geo::Departement* dep = ref_.departement(zone);
    if (dep == nullptr) return nullptr;
    z = static_cast<std::size_t>(dep - ref_.departements.data());
    communes = dep->communes;
  }
  std::optional<std::size_t> l =
      level.empty()
          ? std::optional<std::size_t>(zone == "france" ? kFranceLevel : kDepartementLevel)
          : level_index(level);
  if (!l) return nullptr;
  const std::size_t f = format == ContourFormat::binary ? 1 : 0;
  BodySlot& slot = bodies_[(z * kLevels.size() + *l) * 2 + f];
  std::call_once(slot.once, [&] {
    const auto start = std::chrono::steady_clock::now();
    auto body = std::make_unique<Body>();
    body->body = f == 1 ? serialise_binary(communes, *l) : serialise(communes, *l);
    body->etag = etag_of(body->body);
    body->gzip = gzip_compress(body->body);
    if (body->body.size() <= kMaxBrotliBytes) body->br = brotli_compress(body->body);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    log::info("contours_body zone={} level={} format={} bytes={} gzip={} br={} ms={}", zone,
              kLevels[*l].id, f == 1 ? "binaire" : "topojson", body->body.size(), body->gzip.size(),
              body->br.size(), ms);
    slot.body = std::move(body);
  });
  return slot.body.get();
}

}  // namespace maillage::http
