// The référentiel territorial in memory: communes (and municipal arrondissements), EPCI,
// départements, régions, commune adjacency and approximate commune cells. Pure data + lookups;
// it is built by src/refdata from the registry packages and saved to / loaded from SQLite there.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace maillage::geo {

struct LatLon {
  double lat = 0;
  double lon = 0;
};

// How a commune's coordinates were obtained (best first).
enum class CoordQuality : std::uint8_t {
  exact,                // GeoNames point whose admin4 is the commune's INSEE code (admin1 or
                        // admin2 in some overseas collectivities; see src/geo/README.md)
  surface,              // no exact point: a point on the surface of the commune's IGN polygon
  imputed_postcode,     // mean of exact communes sharing a postal code
  imputed_epci,         // mean of exact communes of the same EPCI
  imputed_departement,  // mean of exact communes of the same département
  imputed_territory,    // no exact commune in the département (French Polynesia, TAAF,
                        // Clipperton): a point on the largest land polygon of the territory
};
// The imputed_* qualities remain only for communes without a polygon (see ShapeSource).
// Imputed positions are the mean above plus a small deterministic offset (a sunflower spiral,
// BuildOptions::spread_km) so that communes imputed to the same place keep distinct points and
// distinct cells.
inline constexpr int kCoordQualityCount = 6;
std::string_view coord_quality_id(CoordQuality q);  // "exact", "imputed-postcode", ...
// Inverse of coord_quality_id; nullopt for an unknown id.
std::optional<CoordQuality> parse_coord_quality(std::string_view id);

using Ring = std::vector<LatLon>;  // closed ring: first point repeated last
struct Polygon {
  Ring outer;
  std::vector<Ring> holes;
};
using MultiPolygon = std::vector<Polygon>;

using CommuneIndex = std::uint32_t;  // position in Referentiel::communes

// Where a commune's shape (Referentiel::cells) comes from.
enum class ShapeSource : std::uint8_t {
  polygon,  // IGN Admin Express COG 2018 polygon (union of the former communes' polygons for a
            // commune nouvelle)
  cell,     // no polygon (commune re-created since 2018, overseas collectivity): the approximate
            // Voronoi cell of its point, clipped to the polygon it was carved from
  none,     // municipal arrondissement: no shape of its own
};
std::string_view shape_source_id(ShapeSource s);  // "polygon", "cell", "none"
std::optional<ShapeSource> parse_shape_source(std::string_view id);

struct Commune {
  std::string code;  // INSEE code, 5 characters ("57463", "2A004", "97411")
  std::string nom;
  std::string departement;  // "57"
  std::string region;       // "44"
  std::string epci;         // SIREN of the EPCI, empty when none (islands without EPCI)
  std::int64_t population = 0;
  std::vector<std::string> postcodes;
  LatLon position;
  CoordQuality quality = CoordQuality::exact;
  bool arrondissement = false;  // a municipal arrondissement of Paris, Lyon or Marseille
  std::string parent;           // for an arrondissement, its commune ("75056")
  // The commune has no neighbour: its shape touches no other commune's along a border (island
  // communes such as Ouessant, Bréhat, Sein, Yeu). No "ferry" neighbour is invented.
  bool island = false;
  ShapeSource shape = ShapeSource::none;
  double area_km2 = 0;  // area of its shape (0 for arrondissements)
};

struct Epci {
  std::string code;  // SIREN
  std::string nom;
  std::string type;             // CC, CA, CU, METRO, MET69
  std::int64_t population = 0;  // sum of the members' populations (same vintage as communes)
  std::vector<CommuneIndex> members;
};

struct Departement {
  std::string code;
  std::string nom;
  std::string region;
  std::vector<CommuneIndex> communes;  // current communes (no arrondissements), by code
};

struct Region {
  std::string code;
  std::string nom;
  std::vector<std::string> departements;
};

class Referentiel {
 public:
  // Communes first (sorted by code), then municipal arrondissements (sorted by code).
  std::vector<Commune> communes;
  std::vector<Epci> epcis;
  std::vector<Departement> departements;
  std::vector<Region> regions;
  // Adjacency in CSR form: neighbours of commune i are
  // neighbour_list[neighbour_offsets[i] .. neighbour_offsets[i + 1]), sorted. Two communes are
  // neighbours when their shapes share a stretch of border (see src/geo/README.md: snapping
  // tolerance, minimum shared length); nothing crosses the sea. Arrondissements have none.
  std::vector<std::uint32_t> neighbour_offsets;
  std::vector<CommuneIndex> neighbour_list;
  // Shape of each commune (same index as communes; empty for arrondissements): its IGN polygon,
  // or its approximate cell when it has none (Commune::shape says which).
  std::vector<MultiPolygon> cells;

  // Rebuilds the lookup indexes after the vectors were filled. Lookups and search are then
  // safe to call from several threads at once.
  void index();

  [[nodiscard]] const Commune* commune(std::string_view code) const;
  [[nodiscard]] const Epci* epci(std::string_view code) const;
  [[nodiscard]] const Departement* departement(std::string_view code) const;
  [[nodiscard]] const Region* region(std::string_view code) const;
  [[nodiscard]] std::span<const CommuneIndex> neighbours(CommuneIndex i) const;
  [[nodiscard]] CommuneIndex index_of(const Commune& c) const {
    return static_cast<CommuneIndex>(&c - communes.data());
  }
  // Communes whose name matches the query (case- and accent-insensitive, punctuation-blind:
  // "saint avold" finds Saint-Avold; prefix matches first, then matches at the start of a word,
  // then substring; by population within each), at most `limit`.
  [[nodiscard]] std::vector<CommuneIndex> search(std::string_view query, std::size_t limit) const;

 private:
  // Transparent hashing: lookups by string_view allocate nothing.
  struct CodeHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  template <class V>
  using CodeMap = std::unordered_map<std::string, V, CodeHash, std::equal_to<>>;
  CodeMap<CommuneIndex> commune_by_code_;
  CodeMap<std::uint32_t> epci_by_code_;
  CodeMap<std::uint32_t> departement_by_code_;
  CodeMap<std::uint32_t> region_by_code_;
  std::vector<std::string> folded_names_;  // for search()
};

// Outline of a set of communes (a département, an EPCI, a CPTS territory): the union of their
// cells, in degrees. Arrondissements and out-of-range indices contribute nothing. Pieces that
// only touch at a point stay separate polygons. Throws std::runtime_error if GEOS fails (a bug,
// not bad input).
MultiPolygon outline(const Referentiel& ref, std::span<const CommuneIndex> communes);

// Area of a shape in degrees (WGS 84 longitudes and latitudes), in km², on the sphere of the
// authalic radius (6 371.007 km): exact for the sphere, within 0.3 % of the ellipsoid.
double area_km2(const MultiPolygon& shape);

}  // namespace maillage::geo
