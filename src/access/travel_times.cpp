#include "access/travel_times.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "access/parallel.hpp"

namespace maillage::access {

namespace {

constexpr double kDegToRad = std::numbers::pi / 180.0;
constexpr double kRadToDeg = 180.0 / std::numbers::pi;

tl::unexpected<Error> bad(std::string message, std::string field) {
  return fail(ErrorCode::invalid_input, std::move(message), std::move(field));
}

// A destination in the strip index: its longitude (for the window search) and its position on
// the unit sphere. The squared chord between two unit vectors is 4·hav(θ), so the distance test
// needs no trigonometry per candidate (sines were 40 % of the generation time).
struct IndexedPoint {
  double lon_deg;
  double x, y, z;
  LocationId id;
};

struct Unit {
  double x, y, z;
};

Unit unit_vector(GeoPoint p) {
  const double lat = p.lat * kDegToRad, lon = p.lon * kDegToRad;
  const double c = std::cos(lat);
  return {c * std::cos(lon), c * std::sin(lon), std::sin(lat)};
}

// Destinations sorted by (latitude strip, longitude): a query scans, in each strip overlapping
// [lat - r, lat + r], the longitude window that can hold points within r. Strips are as high as
// the catchment radius, so a query touches 2-3 strips; longitude windows widen with latitude as
// meridians converge, and wrap at ±180°.
class StripIndex {
 public:
  StripIndex(std::span<const GeoPoint> points, std::span<const std::uint8_t> mask,
             double radius_rad) {
    radius_deg_ = radius_rad * kRadToDeg;
    // Very small catchments would make millions of empty strips: 0.01° (~1 km) is plenty.
    height_deg_ = std::max(radius_deg_, 0.01);
    std::vector<std::pair<std::int64_t, IndexedPoint>> entries;
    entries.reserve(points.size());
    for (std::size_t j = 0; j < points.size(); ++j) {
      if (!mask.empty() && !mask[j]) continue;
      const GeoPoint p = points[j];
      const Unit u = unit_vector(p);
      entries.push_back(
          {strip_of(p.lat), IndexedPoint{p.lon, u.x, u.y, u.z, static_cast<LocationId>(j)}});
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      if (a.second.lon_deg != b.second.lon_deg) return a.second.lon_deg < b.second.lon_deg;
      return a.second.id < b.second.id;  // stable results whatever the sort does with ties
    });
    if (entries.empty()) return;
    first_strip_ = entries.front().first;
    const auto strips = static_cast<std::size_t>(entries.back().first - first_strip_ + 1);
    strip_offsets_.assign(strips + 1, 0);
    points_.reserve(entries.size());
    for (const auto& [strip, point] : entries) {
      ++strip_offsets_[static_cast<std::size_t>(strip - first_strip_) + 1];
      points_.push_back(point);
    }
    for (std::size_t s = 0; s < strips; ++s) strip_offsets_[s + 1] += strip_offsets_[s];
  }

  // Calls emit(id, hav) for every indexed point at haversine term hav = sin²(θ/2) <= max_hav
  // from p (θ: the central angle).
  template <class Emit>
  void query(GeoPoint p, double max_hav, Emit&& emit) const {
    if (points_.empty()) return;
    const double cos_lat = std::cos(p.lat * kDegToRad);
    const Unit u = unit_vector(p);
    // Widest longitude gap of a point within r of p: asin(sin r / cos φ); no bound near a pole.
    // The margins only let a few more candidates through to the exact test.
    double half_width = 360;
    const double sin_r = std::sin(radius_deg_ * kDegToRad);
    if (std::abs(p.lat) + radius_deg_ < 90 && sin_r < cos_lat) {
      half_width = std::asin(sin_r / cos_lat) * kRadToDeg * (1 + 1e-9) + 1e-9;
    }
    const std::int64_t lo = std::max(strip_of(p.lat - radius_deg_), first_strip_);
    const std::int64_t hi =
        std::min(strip_of(p.lat + radius_deg_),
                 first_strip_ + static_cast<std::int64_t>(strip_offsets_.size()) - 2);
    for (std::int64_t s = lo; s <= hi; ++s) {
      const auto b = points_.begin() + strip_offsets_[static_cast<std::size_t>(s - first_strip_)];
      const auto e =
          points_.begin() + strip_offsets_[static_cast<std::size_t>(s - first_strip_) + 1];
      auto scan = [&](double from, double to) {
        auto it = std::lower_bound(b, e, from,
                                   [](const IndexedPoint& q, double v) { return q.lon_deg < v; });
        for (; it != e && it->lon_deg <= to; ++it) {
          const double dx = it->x - u.x, dy = it->y - u.y, dz = it->z - u.z;
          const double hav = 0.25 * (dx * dx + dy * dy + dz * dz);
          if (hav <= max_hav) emit(it->id, hav);
        }
      };
      if (half_width >= 180) {
        scan(-360, 360);
        continue;
      }
      const double from = p.lon - half_width;
      const double to = p.lon + half_width;
      scan(std::max(from, -180.0), std::min(to, 180.0));
      if (from < -180) scan(from + 360, 180);  // window wraps past the antimeridian
      if (to > 180) scan(-180, to - 360);
    }
  }

 private:
  [[nodiscard]] std::int64_t strip_of(double lat_deg) const {
    return static_cast<std::int64_t>(std::floor((lat_deg + 90.0) / height_deg_));
  }

  double radius_deg_ = 0;
  double height_deg_ = 1;
  std::int64_t first_strip_ = 0;
  std::vector<std::uint32_t> strip_offsets_;
  std::vector<IndexedPoint> points_;
};

}  // namespace

double haversine_km(GeoPoint a, GeoPoint b) noexcept {
  const double dlat = std::sin((b.lat - a.lat) * kDegToRad * 0.5);
  const double dlon = std::sin((b.lon - a.lon) * kDegToRad * 0.5);
  const double h =
      dlat * dlat + std::cos(a.lat * kDegToRad) * std::cos(b.lat * kDegToRad) * dlon * dlon;
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(std::min(1.0, h)));
}

Status TravelTimes::validate(std::size_t location_count) const {
  const auto broken = [](std::string what) {
    return fail(ErrorCode::invalid_input, "temps de trajet incohérents : " + what, "od");
  };
  if (offsets.size() != location_count + 1) return broken("nombre de lieux");
  if (offsets.front() != 0 || offsets.back() != destinations.size()) return broken("bornes");
  if (minutes.size() != destinations.size()) return broken("tailles");
  std::vector<std::uint32_t> seen(location_count, UINT32_MAX);
  for (std::size_t i = 0; i < location_count; ++i) {
    if (offsets[i] > offsets[i + 1]) return broken("bornes décroissantes");
    for (std::size_t k = offsets[i]; k < offsets[i + 1]; ++k) {
      const LocationId j = destinations[k];
      if (j >= location_count) return broken("destination hors limites");
      if (!std::isfinite(minutes[k]) || minutes[k] < 0) return broken("temps négatif ou infini");
      if (seen[j] == i) return broken("paire en double");
      seen[j] = static_cast<std::uint32_t>(i);
    }
  }
  return {};
}

TravelTimes travel_times_from_pairs(std::size_t location_count, std::span<const OdPair> pairs) {
  TravelTimes t;
  t.offsets.assign(location_count + 1, 0);
  for (const OdPair& p : pairs) ++t.offsets[p.origin + 1];
  for (std::size_t i = 0; i < location_count; ++i) t.offsets[i + 1] += t.offsets[i];
  t.destinations.resize(pairs.size());
  t.minutes.resize(pairs.size());
  std::vector<std::uint32_t> cursor(t.offsets.begin(), t.offsets.end() - 1);
  for (const OdPair& p : pairs) {
    const std::uint32_t k = cursor[p.origin]++;
    t.destinations[k] = p.destination;
    t.minutes[k] = p.minutes;
  }
  return t;
}

Status CrowFlyModel::validate() const {
  if (!std::isfinite(detour) || detour < 1) {
    return bad("le facteur de détour doit être un nombre ≥ 1", "detour");
  }
  if (!std::isfinite(speed_kmh) || speed_kmh <= 0) {
    return bad("la vitesse doit être strictement positive", "speed");
  }
  if (!std::isfinite(max_minutes) || max_minutes < 0) {
    return bad("la zone de recours doit être un nombre fini ≥ 0", "max-minutes");
  }
  return {};
}

Result<TravelTimes> crow_fly_times(std::span<const GeoPoint> points, const CrowFlyModel& model,
                                   std::span<const std::uint8_t> destination_mask) {
  if (auto ok = model.validate(); !ok) return tl::unexpected(ok.error());
  if (!destination_mask.empty() && destination_mask.size() != points.size()) {
    return fail(ErrorCode::invalid_input, "masque de destinations de mauvaise taille", "mask");
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    const GeoPoint p = points[i];
    if (!(p.lat >= -90 && p.lat <= 90 && p.lon >= -180 && p.lon <= 180)) {
      return bad("coordonnées hors limites pour le lieu n° " + std::to_string(i + 1), "lat");
    }
  }

  // minutes = minutes_per_km · d, and d = 2R·asin(√hav): the radius gives the largest hav.
  const double minutes_per_km = 60.0 * model.detour / model.speed_kmh;
  const double radius_km = model.max_minutes / minutes_per_km;
  const double radius_rad = std::min(radius_km / kEarthRadiusKm, std::numbers::pi);
  const double half = std::sin(radius_rad * 0.5);
  // Candidates a hair beyond the radius are let through; the exact minutes test decides.
  const double max_hav = radius_rad >= std::numbers::pi ? 1.0 : half * half * (1 + 1e-12) + 1e-18;
  const StripIndex index(points, destination_mask, radius_rad);

  // Origins are cut into blocks generated independently and concatenated in order, so the
  // output is identical for any thread count.
  constexpr std::size_t kBlock = 256;
  const std::size_t n = points.size();
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  struct BlockOut {
    std::vector<std::uint32_t> counts;
    std::vector<LocationId> destinations;
    std::vector<double> minutes;
  };
  std::vector<BlockOut> out(blocks);
  detail::parallel_blocks(blocks, model.threads, [&](std::size_t b) {
    BlockOut& o = out[b];
    const std::size_t begin = b * kBlock;
    const std::size_t end = std::min(n, begin + kBlock);
    o.counts.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t before = o.destinations.size();
      index.query(points[i], max_hav, [&](LocationId j, double hav) {
        const double km = 2 * kEarthRadiusKm * std::asin(std::sqrt(std::min(1.0, hav)));
        const double minutes = km * minutes_per_km;
        if (minutes <= model.max_minutes) {
          o.destinations.push_back(j);
          o.minutes.push_back(minutes);
        }
      });
      o.counts.push_back(static_cast<std::uint32_t>(o.destinations.size() - before));
    }
  });

  TravelTimes t;
  std::size_t total = 0;
  for (const BlockOut& o : out) total += o.destinations.size();
  if (total > UINT32_MAX) {
    return fail(ErrorCode::invalid_input,
                "trop de paires dans la zone de recours (plus de 4 milliards) : réduire la zone",
                "max-minutes");
  }
  t.offsets.reserve(n + 1);
  t.destinations.reserve(total);
  t.minutes.reserve(total);
  for (const BlockOut& o : out) {
    for (std::uint32_t c : o.counts) t.offsets.push_back(t.offsets.back() + c);
    t.destinations.insert(t.destinations.end(), o.destinations.begin(), o.destinations.end());
    t.minutes.insert(t.minutes.end(), o.minutes.begin(), o.minutes.end());
  }
  return t;
}

}  // namespace maillage::access
