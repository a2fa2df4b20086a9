// The référentiel on disk (a SQLite file, var/reference.sqlite by default): built from the registry
// packages by `maillage reference build`, loaded whole into memory by the server and the CLI.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "geo/build.hpp"
#include "geo/referentiel.hpp"

namespace maillage::refdata {

// Bumped whenever the tables change; load_reference refuses other versions.
inline constexpr int kReferenceSchemaVersion = 2;  // 2: commune shapes from polygons

// Loads the whole référentiel (indexes rebuilt). io_error when the file is missing, db_error
// when it is not a référentiel of this schema version or is inconsistent.
Result<geo::Referentiel> load_reference(const std::string& path);

// Writes `ref`, the rejected GeoNames points of `report` and `meta` (key → value) into a new
// SQLite file at `path`, replacing it atomically (written beside it, then renamed).
// Cells are stored as BLOBs (see README.md for the layout) so that loading needs no parsing.
Status save_reference(const geo::Referentiel& ref, const geo::BuildReport& report,
                      const std::map<std::string, std::string>& meta, const std::string& path);

// What `maillage reference info` prints, read with SQL (without loading the cells).
struct ReferenceInfo {
  std::vector<std::pair<std::string, std::int64_t>> tables;  // table name → row count
  std::map<std::string, std::string> meta;
  std::int64_t communes = 0;  // arrondissements excluded
  std::int64_t population = 0;
  std::array<std::int64_t, geo::kCoordQualityCount> quality_communes{};
  std::array<std::int64_t, geo::kCoordQualityCount> quality_population{};
};
Result<ReferenceInfo> reference_info(const std::string& path);

struct BuildReferenceOptions {
  std::string packages_dir = "node_modules";
  std::string out = "var/reference.sqlite";
  // The commune polygons (data/contours/communes-2018.topojson.gz); empty: none, every commune
  // keeps its approximate cell.
  std::string contours;
  geo::BuildOptions build;  // build.progress also receives the reading and writing stages
};

struct BuildReferenceReport {
  geo::BuildReport build;
  std::map<std::string, std::string> versions;  // package → version
  double read_seconds = 0;
  double build_seconds = 0;
  double write_seconds = 0;
};

// Reads the packages, builds the référentiel and saves it to options.out.
Result<BuildReferenceReport> build_reference(const BuildReferenceOptions& options);

}  // namespace maillage::refdata
