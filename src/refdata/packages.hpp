// Readers of the registry packages the référentiel is built from (see README.md). Each parser
// takes the file's text and the name to cite in errors, so that tests and fuzz targets can feed
// it bytes directly. Errors are parse_error with file, line (where known) and field.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "geo/build.hpp"

namespace maillage::refdata {

// @etalab/decoupage-administratif data/communes.json: current communes and municipal
// arrondissements (delegated and associated communes are skipped).
Result<std::vector<geo::CommuneRecord>> parse_communes(std::string_view text,
                                                       const std::string& file);
// data/epci.json: EPCI with their member communes.
Result<std::vector<geo::EpciRecord>> parse_epcis(std::string_view text, const std::string& file);
Result<std::vector<geo::DepartementRecord>> parse_departements(std::string_view text,
                                                               const std::string& file);
Result<std::vector<geo::RegionRecord>> parse_regions(std::string_view text,
                                                     const std::string& file);

// GeoNames country codes read from cities500: France and its overseas countries.
inline const std::set<std::string, std::less<>> kGeonamesCountries = {
    "FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF"};

// GeoNames cities500.txt (tab-separated, 19 columns): the rows whose country code is in
// `countries`. Every line must have 19 columns; coordinates and population of kept rows are
// checked.
Result<std::vector<geo::PlaceRecord>> parse_geonames(
    std::string_view text, const std::string& file,
    const std::set<std::string, std::less<>>& countries = kGeonamesCountries);

// A TopoJSON topology: decodes (quantized, delta-encoded arcs included) the polygons of the
// geometries of objects[object] whose id, or else properties.name, is in `wanted` (every geometry
// with an id when `wanted` is empty). Returns key → MultiPolygon in degrees; a wanted key that is
// absent is not an error (the caller decides).
Result<std::map<std::string, geo::MultiPolygon>> decode_topojson(
    std::string_view text, const std::string& file, std::string_view object,
    const std::set<std::string, std::less<>>& wanted);

// The commune polygons shipped with the project (data/contours/communes-2018.topojson.gz, see
// its README): a gzipped TopoJSON whose object "communes" holds one geometry per COG 2018 code.
// Returns code → MultiPolygon in degrees.
Result<std::map<std::string, geo::MultiPolygon, std::less<>>> read_contours(
    const std::string& path);
// gunzip of a whole buffer (parse_error naming `file` when it is not gzip).
Result<std::string> gunzip(std::string_view data, const std::string& file);

// Where the packages live below the packages directory (node_modules).
struct PackageFiles {
  std::string communes;
  std::string epcis;
  std::string departements;
  std::string regions;
  std::string geonames;
  std::string topojson;
  std::map<std::string, std::string> package_json;  // package name → its package.json
};
PackageFiles package_files(const std::string& dir);

struct Packages {
  geo::BuildInput input;
  std::map<std::string, std::string> versions;  // package name → version
};

// Reads every package below `dir` into build input: communes, EPCI, départements, régions,
// GeoNames rows, the land outline (France, id 250, and the overseas collectivities' own
// features) and the outlines of the territories used as a last resort.
Result<Packages> read_packages(const std::string& dir,
                               const std::function<void(std::string_view stage, std::size_t done,
                                                        std::size_t total)>& progress = {});

}  // namespace maillage::refdata
