#include "geo/positions.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <numbers>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "geo/geos_util.hpp"
#include "geo/text.hpp"

namespace maillage::geo {
namespace {

constexpr double kKmPerDegree = 111.195;            // mean Earth radius 6371.0 km
constexpr double kGoldenAngle = 2.399963229728653;  // radians: π (3 − √5)

// GeoNames country codes of overseas territories and the département (COG code) they are.
// Metropolitan France and the five DROM rows are matched by admin4 and need no entry.
constexpr std::pair<std::string_view, std::string_view> kCountryDepartement[] = {
    {"GP", "971"}, {"MQ", "972"}, {"GF", "973"}, {"RE", "974"}, {"PM", "975"}, {"YT", "976"},
    {"BL", "977"}, {"MF", "978"}, {"WF", "986"}, {"PF", "987"}, {"NC", "988"},
};

std::string_view country_departement(std::string_view country) {
  for (const auto& [cc, dep] : kCountryDepartement) {
    if (cc == country) return dep;
  }
  return {};
}

// Lower is better: seats of government first, sections of a populated place (PPLX) last.
int feature_rank(std::string_view code) {
  if (code == "PPLC") return 0;
  if (code == "PPLA") return 1;
  if (code.starts_with("PPLA") && code.size() == 5 && code[4] >= '2' && code[4] <= '5') {
    return code[4] - '0';
  }
  if (code == "PPL") return 6;
  if (code == "PPLX") return 8;
  return 7;
}

// "marseille 01" → "marseille 1": arrondissement rows are named "<commune> NN".
std::string strip_number_zeros(std::string folded) {
  const std::size_t sp = folded.rfind(' ');
  if (sp == std::string::npos || sp + 1 >= folded.size()) return folded;
  std::string_view last(folded.data() + sp + 1, folded.size() - sp - 1);
  if (!std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return folded;
  }
  std::size_t z = 0;
  while (z + 1 < last.size() && last[z] == '0') ++z;
  return folded.substr(0, sp + 1) + std::string(last.substr(z));
}

// The arrondissement number in "Marseille 1er Arrondissement", "Paris 15e Arrondissement".
std::optional<int> arrondissement_number(std::string_view nom) {
  std::size_t i = 0;
  while (i < nom.size() && (nom[i] < '0' || nom[i] > '9')) ++i;
  if (i == nom.size()) return std::nullopt;
  int n = 0;
  for (; i < nom.size() && nom[i] >= '0' && nom[i] <= '9' && n < 1000; ++i) {
    n = n * 10 + (nom[i] - '0');
  }
  return n;
}

// Planar coordinates in km around a reference latitude.
struct Km {
  double x = 0;
  double y = 0;
};

Km to_km(LatLon p, double cos_lat0) {
  return {p.lon * kKmPerDegree * cos_lat0, p.lat * kKmPerDegree};
}

double cross(Km o, Km a, Km b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }

// Convex hull, counter-clockwise, without repeated first point (Andrew's monotone chain).
std::vector<Km> convex_hull(std::vector<Km> pts) {
  std::sort(pts.begin(), pts.end(),
            [](Km a, Km b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  pts.erase(
      std::unique(pts.begin(), pts.end(), [](Km a, Km b) { return a.x == b.x && a.y == b.y; }),
      pts.end());
  if (pts.size() <= 2) return pts;
  std::vector<Km> hull(2 * pts.size());
  std::size_t k = 0;
  for (const Km& p : pts) {
    while (k >= 2 && cross(hull[k - 2], hull[k - 1], p) <= 0) --k;
    hull[k++] = p;
  }
  for (std::size_t i = pts.size() - 1, lower = k + 1; i-- > 0;) {
    while (k >= lower && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0) --k;
    hull[k++] = pts[i];
  }
  hull.resize(k - 1);
  return hull;
}

double hull_area(const std::vector<Km>& hull) {
  if (hull.size() < 3) return 0;
  double a = 0;
  for (std::size_t i = 0; i < hull.size(); ++i) {
    const Km& p = hull[i];
    const Km& q = hull[(i + 1) % hull.size()];
    a += p.x * q.y - q.x * p.y;
  }
  return std::abs(a) / 2;
}

double segment_distance(Km p, Km a, Km b) {
  const double dx = b.x - a.x;
  const double dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  double t = len2 == 0 ? 0 : ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(p.x - a.x - t * dx, p.y - a.y - t * dy);
}

// Distance from p to a convex hull (0 inside). An empty hull gives +inf.
double hull_distance(Km p, const std::vector<Km>& hull) {
  if (hull.empty()) return std::numeric_limits<double>::infinity();
  if (hull.size() == 1) return std::hypot(p.x - hull[0].x, p.y - hull[0].y);
  if (hull.size() >= 3) {
    bool inside = true;
    for (std::size_t i = 0; i < hull.size() && inside; ++i) {
      inside = cross(hull[i], hull[(i + 1) % hull.size()], p) >= 0;
    }
    if (inside) return 0;
  }
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < hull.size(); ++i) {
    best = std::min(best, segment_distance(p, hull[i], hull[(i + 1) % hull.size()]));
  }
  return best;
}

// Distance from each point of a group to the hull of the group's other points. Removing a point
// that is not a hull vertex leaves the hull unchanged, so only hull vertices need a new hull.
std::vector<double> leave_one_out_distances(const std::vector<LatLon>& group) {
  std::vector<double> out(group.size(), 0);
  if (group.size() < 2) {
    std::fill(out.begin(), out.end(), std::numeric_limits<double>::infinity());
    return out;
  }
  double lat0 = 0;
  for (const LatLon& p : group) lat0 += p.lat;
  const double cos_lat0 =
      std::cos(lat0 / static_cast<double>(group.size()) * std::numbers::pi / 180);
  std::vector<Km> km;
  km.reserve(group.size());
  for (const LatLon& p : group) km.push_back(to_km(p, cos_lat0));
  const std::vector<Km> full = convex_hull(km);
  for (std::size_t i = 0; i < km.size(); ++i) {
    const bool vertex = std::any_of(full.begin(), full.end(),
                                    [&](Km h) { return h.x == km[i].x && h.y == km[i].y; });
    if (!vertex) continue;  // inside or on an edge of the others' hull
    std::vector<Km> others;
    others.reserve(km.size() - 1);
    for (std::size_t j = 0; j < km.size(); ++j) {
      if (j != i) others.push_back(km[j]);
    }
    out[i] = hull_distance(km[i], convex_hull(std::move(others)));
  }
  return out;
}

LatLon mean_of(const std::vector<Commune>& communes, const std::vector<std::uint32_t>& idx) {
  LatLon m;
  for (std::uint32_t i : idx) {
    m.lat += communes[i].position.lat;
    m.lon += communes[i].position.lon;
  }
  m.lat /= static_cast<double>(idx.size());
  m.lon /= static_cast<double>(idx.size());
  return m;
}

// A point on the largest polygon of a territory's land (by planar area in degrees, which is
// enough to pick the main island).
std::optional<LatLon> territory_point(const MultiPolygon& land) {
  const Polygon* best = nullptr;
  double best_area = 0;
  for (const Polygon& p : land) {
    detail::PlanarRing ring;
    ring.reserve(p.outer.size());
    for (const LatLon& q : p.outer) ring.push_back({q.lon, q.lat});
    const double a = std::abs(detail::signed_area(ring));
    if (best == nullptr || a > best_area) {
      best = &p;
      best_area = a;
    }
  }
  if (best == nullptr || best->outer.size() < 4) return std::nullopt;
  detail::GeosContext ctx;
  detail::PlanarRing ring;
  for (const LatLon& q : best->outer) ring.push_back({q.lon, q.lat});
  const detail::GeomPtr g = detail::make_polygon(ctx, {ring});
  GEOSGeometry* pt = GEOSPointOnSurface_r(ctx.get(), g.get());
  if (pt == nullptr) return std::nullopt;
  const detail::GeomPtr owned = detail::own(ctx, pt);
  double x = 0;
  double y = 0;
  if (GEOSGeomGetX_r(ctx.get(), pt, &x) == 0 || GEOSGeomGetY_r(ctx.get(), pt, &y) == 0) {
    return std::nullopt;
  }
  return LatLon{y, x};
}

// Point-in-land tests for imputed points (planar in degrees, which is exact for containment).
// Without any land (unit tests on bare points) every point is on land.
class LandTest {
 public:
  explicit LandTest(const MultiPolygon& land) {
    detail::PlanarMulti planar;
    for (const Polygon& poly : land) {
      detail::PlanarPolygon p;
      for (const Ring* r : rings_of(poly)) {
        detail::PlanarRing ring;
        for (const LatLon& q : *r) ring.push_back({q.lon, q.lat});
        p.push_back(std::move(ring));
      }
      planar.push_back(std::move(p));
    }
    if (planar.empty()) return;
    geom_ = detail::valid_multipolygon(ctx_, detail::make_multipolygon(ctx_, planar));
    prepared_ = detail::PreparedPtr(GEOSPrepare_r(ctx_.get(), geom_.get()),
                                    detail::PreparedDeleter{ctx_.get()});
  }
  [[nodiscard]] bool contains(LatLon p) const {
    if (!prepared_) return true;
    const detail::GeomPtr pt = detail::make_point(ctx_, {p.lon, p.lat});
    return GEOSPreparedIntersects_r(ctx_.get(), prepared_.get(), pt.get()) == 1;
  }
  [[nodiscard]] LatLon nearest(LatLon p) const {
    if (!prepared_) return p;
    const detail::GeomPtr pt = detail::make_point(ctx_, {p.lon, p.lat});
    GEOSCoordSequence* seq = GEOSPreparedNearestPoints_r(ctx_.get(), prepared_.get(), pt.get());
    if (seq == nullptr) return p;
    double x = p.lon;
    double y = p.lat;
    GEOSCoordSeq_getXY_r(ctx_.get(), seq, 0, &x, &y);
    GEOSCoordSeq_destroy_r(ctx_.get(), seq);
    return {y, x};
  }

 private:
  static std::vector<const Ring*> rings_of(const Polygon& p) {
    std::vector<const Ring*> out{&p.outer};
    for (const Ring& h : p.holes) out.push_back(&h);
    return out;
  }
  detail::GeosContext ctx_;
  detail::GeomPtr geom_{nullptr, detail::GeomDeleter{}};
  detail::PreparedPtr prepared_{nullptr, detail::PreparedDeleter{}};
};

struct Candidate {
  std::uint32_t place;
  bool same_name;
};

}  // namespace

double distance_km(LatLon a, LatLon b) {
  const double cos_lat = std::cos((a.lat + b.lat) / 2 * std::numbers::pi / 180);
  const double dx = (a.lon - b.lon) * cos_lat;
  const double dy = a.lat - b.lat;
  return std::hypot(dx, dy) * kKmPerDegree;
}

Result<PositionReport> assign_positions(std::vector<Commune>& communes,
                                        const std::vector<PlaceRecord>& places,
                                        const std::vector<TerritoryOutline>& territories,
                                        const MultiPolygon& land, const BuildOptions& options) {
  PositionReport report;
  const std::size_t n = communes.size();
  std::unordered_map<std::string_view, std::uint32_t> by_code;
  by_code.reserve(n);
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> by_departement;
  std::vector<std::string> folded(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    by_code.emplace(communes[i].code, i);
    folded[i] = fold_name(communes[i].nom);
    if (!communes[i].arrondissement) by_departement[communes[i].departement].push_back(i);
  }
  // "<folded commune name> <number>" → arrondissement, for rows such as "Marseille 01".
  std::unordered_map<std::string, std::uint32_t> arrondissement_by_name;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!communes[i].arrondissement) continue;
    const auto parent = by_code.find(communes[i].parent);
    const auto number = arrondissement_number(communes[i].nom);
    if (parent == by_code.end() || !number) continue;
    arrondissement_by_name.emplace(folded[parent->second] + " " + std::to_string(*number), i);
  }

  // 1. Match rows to communes.
  std::vector<std::vector<Candidate>> candidates(n);
  for (std::uint32_t p = 0; p < places.size(); ++p) {
    const PlaceRecord& row = places[p];
    std::optional<std::uint32_t> target;
    for (const std::string* field : {&row.admin4, &row.admin2, &row.admin1}) {
      const auto it = by_code.find(*field);
      if (!field->empty() && it != by_code.end()) {
        target = it->second;
        break;
      }
    }
    const std::string folded_row = fold_name(row.name);
    if (!target) {
      const std::string_view dep = country_departement(row.country);
      const auto members = by_departement.find(dep);
      if (!dep.empty() && members != by_departement.end()) {
        if (members->second.size() == 1) {
          target = members->second.front();
        } else {
          std::optional<std::uint32_t> unique;
          bool ambiguous = false;
          for (std::uint32_t i : members->second) {
            if (folded[i] != folded_row) continue;
            ambiguous = ambiguous || unique.has_value();
            unique = i;
          }
          if (unique && !ambiguous) target = unique;
        }
      }
    }
    if (!target) {
      ++report.places_unmatched;
      continue;
    }
    const auto arr = arrondissement_by_name.find(strip_number_zeros(folded_row));
    if (arr != arrondissement_by_name.end() &&
        communes[arr->second].parent == communes[*target].code) {
      target = arr->second;
    }
    ++report.places_matched;
    candidates[*target].push_back({p, folded_row == folded[*target]});
  }

  std::vector<std::int64_t> chosen(n, -1);  // place index, or -1
  for (std::uint32_t i = 0; i < n; ++i) {
    if (candidates[i].empty()) continue;
    const auto best = std::min_element(candidates[i].begin(), candidates[i].end(),
                                       [&](const Candidate& a, const Candidate& b) {
                                         if (a.same_name != b.same_name) return a.same_name;
                                         const PlaceRecord& pa = places[a.place];
                                         const PlaceRecord& pb = places[b.place];
                                         const int ra = feature_rank(pa.feature_code);
                                         const int rb = feature_rank(pb.feature_code);
                                         if (ra != rb) return ra < rb;
                                         if (pa.population != pb.population)
                                           return pa.population > pb.population;
                                         return pa.line < pb.line;
                                       });
    chosen[i] = best->place;
    communes[i].position = {places[best->place].lat, places[best->place].lon};
    communes[i].quality = CoordQuality::exact;
  }

  // 2. Reject points far outside their EPCI or département, judged against the other exact
  // points as first matched (a bad point must not shield another one by being rejected first).
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> exact_by_epci;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> exact_by_dep;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (chosen[i] < 0) continue;
    if (!communes[i].epci.empty()) exact_by_epci[communes[i].epci].push_back(i);
    exact_by_dep[communes[i].departement].push_back(i);
  }
  std::unordered_map<std::string_view, double> threshold_by_dep;
  for (const auto& [dep, members] : exact_by_dep) {
    std::vector<LatLon> pts;
    double lat0 = 0;
    for (std::uint32_t i : members) {
      pts.push_back(communes[i].position);
      lat0 += communes[i].position.lat;
    }
    const double cos_lat0 =
        std::cos(lat0 / static_cast<double>(pts.size()) * std::numbers::pi / 180);
    std::vector<Km> km;
    for (const LatLon& p : pts) km.push_back(to_km(p, cos_lat0));
    const auto count = by_departement.find(dep);
    const double communes_in_dep =
        count == by_departement.end() ? 1.0 : static_cast<double>(count->second.size());
    const double r = std::sqrt(hull_area(convex_hull(km)) / communes_in_dep / std::numbers::pi);
    threshold_by_dep[dep] = std::max(options.reject_floor_km, options.reject_scale * r);
  }
  std::vector<char> rejected(n, 0);
  auto check_group = [&](const std::vector<std::uint32_t>& members, std::size_t min_others,
                         std::string_view check) {
    if (members.size() < min_others + 1) return;
    std::vector<LatLon> pts;
    for (std::uint32_t i : members) pts.push_back(communes[i].position);
    const std::vector<double> d = leave_one_out_distances(pts);
    for (std::size_t k = 0; k < members.size(); ++k) {
      const std::uint32_t i = members[k];
      const double threshold = threshold_by_dep[communes[i].departement];
      if (d[k] <= threshold || rejected[i] != 0) continue;
      rejected[i] = 1;
      const PlaceRecord& row = places[static_cast<std::size_t>(chosen[i])];
      report.rejected.push_back({communes[i].code, communes[i].nom, row.name, row.line,
                                 communes[i].position, std::string(check), d[k], threshold});
    }
  };
  for (const auto& [epci, members] : exact_by_epci) check_group(members, 2, "epci");
  for (const auto& [dep, members] : exact_by_dep) {
    check_group(members, options.reject_departement_min_points, "departement");
  }
  std::sort(report.rejected.begin(), report.rejected.end(),
            [](const RejectedPoint& a, const RejectedPoint& b) { return a.code < b.code; });

  // 3. Impute the others from the exact points that remain.
  std::vector<char> exact(n, 0);
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> pool_postcode;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> pool_epci;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> pool_dep;
  for (std::uint32_t i = 0; i < n; ++i) {
    exact[i] = chosen[i] >= 0 && rejected[i] == 0 ? 1 : 0;
    if (exact[i] == 0) continue;
    for (const std::string& pc : communes[i].postcodes) pool_postcode[pc].push_back(i);
    if (!communes[i].epci.empty()) pool_epci[communes[i].epci].push_back(i);
    pool_dep[communes[i].departement].push_back(i);
  }
  std::unordered_map<std::string_view, std::optional<LatLon>> territory_cache;
  // Imputed communes grouped by the exact bits of their mean, to spread each group.
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<std::uint32_t>> groups;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (exact[i] != 0) continue;
    Commune& c = communes[i];
    std::vector<std::uint32_t> sources;
    for (const std::string& pc : c.postcodes) {
      const auto it = pool_postcode.find(pc);
      if (it != pool_postcode.end())
        sources.insert(sources.end(), it->second.begin(), it->second.end());
    }
    std::sort(sources.begin(), sources.end());
    sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
    if (!sources.empty()) {
      c.quality = CoordQuality::imputed_postcode;
      c.position = mean_of(communes, sources);
    } else if (const auto e = pool_epci.find(c.epci); !c.epci.empty() && e != pool_epci.end()) {
      c.quality = CoordQuality::imputed_epci;
      c.position = mean_of(communes, e->second);
    } else if (const auto d = pool_dep.find(c.departement); d != pool_dep.end()) {
      c.quality = CoordQuality::imputed_departement;
      c.position = mean_of(communes, d->second);
    } else {
      auto cached = territory_cache.find(c.departement);
      if (cached == territory_cache.end()) {
        std::optional<LatLon> point;
        for (const TerritoryOutline& t : territories) {
          if (t.departement == c.departement) point = territory_point(t.land);
        }
        cached = territory_cache.emplace(c.departement, point).first;
      }
      if (!cached->second) {
        return fail(ErrorCode::invalid_input,
                    "impossible de situer la commune " + c.code + " (" + c.nom +
                        ") : aucun point GeoNames ni contour pour son territoire",
                    c.code);
      }
      c.quality = CoordQuality::imputed_territory;
      c.position = *cached->second;
    }
    std::uint64_t lat_bits = 0;
    std::uint64_t lon_bits = 0;
    std::memcpy(&lat_bits, &c.position.lat, sizeof lat_bits);
    std::memcpy(&lon_bits, &c.position.lon, sizeof lon_bits);
    groups[{lat_bits, lon_bits}].push_back(i);
  }
  // Spread each group on a sunflower spiral around its mean, skipping the slots that fall in
  // the sea or abroad (a mean of coastal communes often lies offshore): the k-th commune takes
  // the k-th slot on land. Past 64 slots per commune (about 16 km × √n from the mean), a
  // commune goes to the land point nearest its own slot, which keeps the points distinct.
  const LandTest on_land(land);
  for (const auto& [key, members] : groups) {
    const LatLon mean = communes[members.front()].position;
    const double cos_lat = std::cos(mean.lat * std::numbers::pi / 180);
    auto slot_point = [&](std::size_t slot) {
      const double r = options.spread_km * std::sqrt(static_cast<double>(slot) + 0.5);
      const double angle = kGoldenAngle * static_cast<double>(slot);
      return LatLon{mean.lat + r * std::sin(angle) / kKmPerDegree,
                    mean.lon + r * std::cos(angle) / (kKmPerDegree * cos_lat)};
    };
    const std::size_t max_slots = 64 * members.size();
    std::size_t slot = 0;
    for (std::size_t k = 0; k < members.size(); ++k) {
      std::optional<LatLon> placed;
      for (; slot < max_slots && !placed; ++slot) {
        const LatLon p = slot_point(slot);
        if (on_land.contains(p)) placed = p;
      }
      communes[members[k]].position = placed ? *placed : on_land.nearest(slot_point(k));
    }
  }
  return report;
}

}  // namespace maillage::geo
