// Building the référentiel from parsed records: the pure engine behind `maillage reference build`.
// Input records come from src/refdata (registry packages); nothing here reads files.
//
// Pipeline (see README.md): assemble communes/EPCI/départements/régions and check their links;
// place every commune (GeoNames point, checked against its EPCI and département, else imputed);
// per territory (metropolitan France, each overseas département or collectivity) Voronoi cells
// clipped to the land outline, Delaunay edges kept when the clipped cells share a boundary.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "geo/referentiel.hpp"

namespace maillage::geo {

// A commune or municipal arrondissement as published (etalab decoupage-administratif).
struct CommuneRecord {
  std::string code;
  std::string nom;
  std::string departement;
  std::string region;
  std::string zone;  // "metro", "drom" or "com"
  bool arrondissement = false;
  std::string parent;  // arrondissements only: the commune ("13055")
  std::int64_t population = 0;
  std::vector<std::string> postcodes;
  // Codes of the former communes merged into this commune nouvelle (etalab anciensCodes).
  std::vector<std::string> former_codes;
  std::size_t item = 0;  // position in its file, for error messages
};

struct EpciRecord {
  std::string code;
  std::string nom;
  std::string type;
  std::vector<std::string> members;  // commune codes
  std::size_t item = 0;
};

struct DepartementRecord {
  std::string code;
  std::string nom;
  std::string region;
  std::string zone;
  std::size_t item = 0;
};

struct RegionRecord {
  std::string code;
  std::string nom;
  std::size_t item = 0;
};

// A GeoNames populated place (cities500 row) of France or of an overseas country code.
struct PlaceRecord {
  std::string name;
  double lat = 0;
  double lon = 0;
  std::string feature_code;  // PPL, PPLA2, PPLC, PPLX ...
  std::string country;       // FR, GP, MQ, GF, RE, YT, PM, BL, MF, NC, PF, WF
  std::string admin1;
  std::string admin2;
  std::string admin4;
  std::int64_t population = 0;
  std::int64_t line = 0;  // 1-based line in its file
};

// The land of an overseas territory without any exact commune point, used as the last resort to
// place its communes (CoordQuality::imputed_territory).
struct TerritoryOutline {
  std::string departement;  // "987"
  MultiPolygon land;
};

struct BuildInput {
  std::vector<CommuneRecord> communes;
  std::vector<EpciRecord> epcis;
  std::vector<DepartementRecord> departements;
  std::vector<RegionRecord> regions;
  std::vector<PlaceRecord> places;
  MultiPolygon land;  // land outline of France and its overseas parts, degrees
  std::vector<TerritoryOutline> territories;
  // Commune polygons by COG 2018 code (IGN Admin Express COG 2018, data/contours). A current
  // commune's shape is the union of the polygons of its code and of its former codes. Empty:
  // no polygons, every commune keeps its approximate cell (small synthetic inputs in tests).
  std::map<std::string, MultiPolygon, std::less<>> boundaries;
  // File names used in error messages.
  std::string communes_file = "communes.json";
  std::string epcis_file = "epci.json";
  std::string departements_file = "departements.json";
  std::string regions_file = "regions.json";
};

struct BuildOptions {
  // A GeoNames point is rejected when it lies farther than
  // max(reject_floor_km, reject_scale × r) from the convex hull of the other exact points of its
  // EPCI (if it has at least 2 of them) or of its département (if it has at least
  // reject_departement_min_points), r being the radius of the département's average commune
  // (hull area of its exact points / number of communes = π r²).
  double reject_floor_km = 35;
  double reject_scale = 4;
  std::size_t reject_departement_min_points = 10;
  // Imputed communes sharing a mean are laid on a sunflower spiral around it: the k-th (by code)
  // at spread_km × sqrt(k + 0.5).
  double spread_km = 2;
  // Tolerance of the land outline simplification (degrees) before clipping.
  double land_simplify_deg = 0.002;
  // A commune point off the land outline (coarse 1:10m coast and borders, islands too small
  // for it) within bridge_km of the land is joined to it by a narrow corridor, so that its cell
  // meets its neighbours'; farther points get a disc of offshore_cell_km, their own island.
  double bridge_km = 5;
  double offshore_cell_km = 1.5;
  // Land polygons farther than this from a territory's points do not belong to it (degrees).
  double territory_margin_deg = 0.5;
  // Adjacency from polygons (src/geo/adjacency.cpp): borders are compared with a snapping
  // tolerance of snap_m metres (it absorbs the 1 m rounding and simplification differences
  // between two sides of a border); two communes are neighbours when the stretch of one's
  // boundary lying within snap_m of the other's is at least min_shared_m long (a point contact,
  // seen through the tolerance, measures at most about 4 × snap_m). With point_contact, any
  // contact within the tolerance makes neighbours.
  double snap_m = 5;
  double min_shared_m = 25;
  bool point_contact = false;
  unsigned threads = 2;
  // Called with a French stage name and progress within it; may be empty.
  std::function<void(std::string_view stage, std::size_t done, std::size_t total)> progress;
};

struct RejectedPoint {
  std::string code;
  std::string nom;
  std::string place;  // GeoNames name
  std::int64_t line = 0;
  LatLon point;
  std::string check;  // "epci" or "departement"
  double distance_km = 0;
  double threshold_km = 0;
};

struct BuildReport {
  std::size_t communes = 0;  // current communes (arrondissements not counted)
  std::size_t arrondissements = 0;
  std::size_t epcis = 0;
  std::size_t departements = 0;
  std::size_t regions = 0;
  std::int64_t population = 0;  // sum over communes
  // Per CoordQuality, over communes (not arrondissements).
  std::array<std::size_t, kCoordQualityCount> quality_communes{};
  std::array<std::int64_t, kCoordQualityCount> quality_population{};
  std::size_t places_read = 0;       // GeoNames rows given
  std::size_t places_matched = 0;    // rows that name a commune or arrondissement
  std::size_t places_unmatched = 0;  // rows naming no current commune (old codes, PF atolls)
  std::vector<RejectedPoint> rejected;
  std::size_t neighbour_pairs = 0;
  std::size_t delaunay_edges = 0;
  std::size_t islands = 0;   // communes whose cell holds no other commune's land
  std::size_t offshore = 0;  // communes whose point is off the land outline
  std::size_t cell_vertices = 0;
  // Polygons (zero when BuildInput::boundaries is empty).
  std::size_t polygons_read = 0;       // polygons given (COG 2018 codes)
  std::size_t polygons_current = 0;    // whose code is a current commune
  std::size_t polygons_former = 0;     // whose code is a former code of a commune nouvelle
  std::size_t polygons_unmatched = 0;  // matching no commune (listed below)
  std::vector<std::string> unmatched_polygons;
  std::size_t communes_nouvelles = 0;  // communes whose shape is a union of several polygons
  // Communes without polygon among polygons (re-created since 2018): shape = their cell, clipped
  // out of the polygon that holds their point.
  std::vector<std::string> cell_fallback;
  std::size_t collectivity_cells = 0;  // communes of the overseas collectivities (cells only)
  // Adjacency: the polygon graph (the référentiel's) against the cell graph (Voronoi cells of
  // the points, the référentiel's graph before polygons). degree_histogram[k] = communes with k
  // neighbours (the last bucket holds k >= its index).
  std::size_t cell_neighbour_pairs = 0;
  std::vector<std::size_t> degree_histogram;
  std::vector<std::size_t> cell_degree_histogram;
  std::size_t pairs_in_both = 0;  // pairs present in both graphs
  std::vector<std::pair<std::string, double>> stage_seconds;
};

struct BuildResult {
  Referentiel referentiel;
  BuildReport report;
};

// Builds the référentiel. Errors (code parse_error, with file and field) for inconsistent
// records: duplicate codes, a commune in an unknown département, an EPCI member that is not a
// commune, a commune in two EPCI, an arrondissement without its commune, a commune that cannot
// be placed at all.
Result<BuildResult> build_referentiel(const BuildInput& input, const BuildOptions& options = {});

}  // namespace maillage::geo
