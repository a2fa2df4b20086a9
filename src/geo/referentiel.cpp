#include "geo/referentiel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "geo/text.hpp"

namespace maillage::geo {
namespace {

constexpr std::array<std::string_view, kCoordQualityCount> kQualityIds = {"exact",
                                                                          "surface",
                                                                          "imputed-postcode",
                                                                          "imputed-epci",
                                                                          "imputed-departement",
                                                                          "imputed-territory"};
constexpr std::array<std::string_view, 3> kShapeIds = {"polygon", "cell", "none"};

// Area of a ring on the sphere (km², sign by orientation): the trapezoid formula
// sum (lon2 - lon1) (sin lat1 + sin lat2) / 2 × R².
double ring_km2(const Ring& r) {
  constexpr double kRadius = 6371.007;
  constexpr double kRad = std::numbers::pi / 180;
  double a = 0;
  for (std::size_t k = 0; k + 1 < r.size(); ++k) {
    a += (r[k + 1].lon - r[k].lon) * kRad *
         (std::sin(r[k].lat * kRad) + std::sin(r[k + 1].lat * kRad)) / 2;
  }
  return a * kRadius * kRadius;
}

template <class Map, class Vec>
auto find_in(const Map& map, const Vec& vec, std::string_view code) -> decltype(vec.data()) {
  const auto it = map.find(code);
  return it == map.end() ? nullptr : &vec[it->second];
}

}  // namespace

std::string_view coord_quality_id(CoordQuality q) {
  const auto i = static_cast<std::size_t>(q);
  return i < kQualityIds.size() ? kQualityIds[i] : std::string_view("unknown");
}

std::optional<CoordQuality> parse_coord_quality(std::string_view id) {
  for (std::size_t i = 0; i < kQualityIds.size(); ++i) {
    if (kQualityIds[i] == id) return static_cast<CoordQuality>(i);
  }
  return std::nullopt;
}

std::string_view shape_source_id(ShapeSource s) {
  const auto i = static_cast<std::size_t>(s);
  return i < kShapeIds.size() ? kShapeIds[i] : std::string_view("unknown");
}

std::optional<ShapeSource> parse_shape_source(std::string_view id) {
  for (std::size_t i = 0; i < kShapeIds.size(); ++i) {
    if (kShapeIds[i] == id) return static_cast<ShapeSource>(i);
  }
  return std::nullopt;
}

double area_km2(const MultiPolygon& shape) {
  double km2 = 0;
  for (const Polygon& p : shape) {
    km2 += std::abs(ring_km2(p.outer));
    for (const Ring& h : p.holes) km2 -= std::abs(ring_km2(h));
  }
  return km2;
}

void Referentiel::index() {
  if (cells.size() == communes.size()) {
    for (std::size_t i = 0; i < communes.size(); ++i) communes[i].area_km2 = area_km2(cells[i]);
  }
  commune_by_code_.clear();
  epci_by_code_.clear();
  departement_by_code_.clear();
  region_by_code_.clear();
  commune_by_code_.reserve(communes.size());
  folded_names_.clear();
  folded_names_.reserve(communes.size());
  for (std::size_t i = 0; i < communes.size(); ++i) {
    commune_by_code_.emplace(communes[i].code, static_cast<CommuneIndex>(i));
    folded_names_.push_back(fold_name(communes[i].nom));
  }
  for (std::size_t i = 0; i < epcis.size(); ++i) {
    epci_by_code_.emplace(epcis[i].code, static_cast<std::uint32_t>(i));
  }
  for (std::size_t i = 0; i < departements.size(); ++i) {
    departement_by_code_.emplace(departements[i].code, static_cast<std::uint32_t>(i));
  }
  for (std::size_t i = 0; i < regions.size(); ++i) {
    region_by_code_.emplace(regions[i].code, static_cast<std::uint32_t>(i));
  }
}

const Commune* Referentiel::commune(std::string_view code) const {
  return find_in(commune_by_code_, communes, code);
}
const Epci* Referentiel::epci(std::string_view code) const {
  return find_in(epci_by_code_, epcis, code);
}
const Departement* Referentiel::departement(std::string_view code) const {
  return find_in(departement_by_code_, departements, code);
}
const Region* Referentiel::region(std::string_view code) const {
  return find_in(region_by_code_, regions, code);
}

std::span<const CommuneIndex> Referentiel::neighbours(CommuneIndex i) const {
  if (static_cast<std::size_t>(i) + 1 >= neighbour_offsets.size()) return {};
  const std::uint32_t begin = neighbour_offsets[i];
  const std::uint32_t end = neighbour_offsets[i + 1];
  if (begin > end || end > neighbour_list.size()) return {};
  return std::span<const CommuneIndex>(neighbour_list).subspan(begin, end - begin);
}

std::vector<CommuneIndex> Referentiel::search(std::string_view query, std::size_t limit) const {
  const std::string q = fold_name(query);
  std::vector<CommuneIndex> out;
  if (q.empty() || limit == 0) return out;
  // Rank 0: the name starts with the query; 1: a word of the name starts with it; 2: anywhere.
  struct Hit {
    int rank;
    CommuneIndex index;
  };
  std::vector<Hit> hits;
  for (std::size_t i = 0; i < folded_names_.size(); ++i) {
    const std::string& name = folded_names_[i];
    const std::size_t at = name.find(q);
    if (at == std::string::npos) continue;
    int rank = 2;
    if (at == 0) {
      rank = 0;
    } else if (name[at - 1] == ' ') {
      rank = 1;
    } else if (name.find(" " + q) != std::string::npos) {
      rank = 1;
    }
    hits.push_back({rank, static_cast<CommuneIndex>(i)});
  }
  auto better = [this](const Hit& a, const Hit& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    const Commune& ca = communes[a.index];
    const Commune& cb = communes[b.index];
    if (ca.population != cb.population) return ca.population > cb.population;
    return ca.code < cb.code;
  };
  const std::size_t n = std::min(limit, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n), hits.end(),
                    better);
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(hits[i].index);
  return out;
}

}  // namespace maillage::geo
