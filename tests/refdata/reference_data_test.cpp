// Checks on the real référentiel, built from the pinned packages by `maillage reference build`.
// The file comes from MAILLAGE_REFERENCE (scripts/test.sh sets it after building it); the
// packages it is compared with from MAILLAGE_SOURCE_DIR/node_modules. Without them the checks are
// skipped with the reason, and fail under CI=true.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>

#include "geo/referentiel.hpp"
#include "refdata/packages.hpp"
#include "refdata/reference_file.hpp"

namespace maillage::refdata {
namespace {

namespace fs = std::filesystem;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ReferenceData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string path = env("MAILLAGE_REFERENCE");
    if (path.empty()) {
      why_ =
          "MAILLAGE_REFERENCE n'est pas défini (scripts/test.sh le définit après avoir construit "
          "le référentiel)";
      return;
    }
    if (!fs::exists(path)) {
      why_ =
          "le référentiel " + path + " n'existe pas (make reference ou maillage reference build)";
      return;
    }
    Result<geo::Referentiel> r = load_reference(path);
    if (!r) {
      why_ = "chargement impossible : " + r.error().describe();
      failed_load_ = true;
      return;
    }
    ref_ = new geo::Referentiel(std::move(*r));
    const std::string source = env("MAILLAGE_SOURCE_DIR");
    communes_json_ = fs::path(source.empty() ? "." : source) / "node_modules" / "@etalab" /
                     "decoupage-administratif" / "data" / "communes.json";
  }
  static void TearDownTestSuite() {
    delete ref_;
    ref_ = nullptr;
  }
  void SetUp() override {
    if (failed_load_) FAIL() << why_;
    if (ref_ == nullptr) {
      if (env("CI") == "true") FAIL() << why_;
      GTEST_SKIP() << why_;
    }
  }

  static const geo::Referentiel& ref() { return *ref_; }

  static inline geo::Referentiel* ref_ = nullptr;
  static inline std::string why_;
  static inline bool failed_load_ = false;
  static inline fs::path communes_json_;
};

TEST_F(ReferenceData, HasEveryCurrentCommuneOfThePackage) {
  // Counted straight from the package text, independently of our reader...
  const std::string text = read_text(communes_json_);
  ASSERT_FALSE(text.empty()) << communes_json_;
  std::size_t in_package = 0;
  for (std::size_t at = text.find("\"commune-actuelle\""); at != std::string::npos;
       at = text.find("\"commune-actuelle\"", at + 1)) {
    ++in_package;
  }
  std::size_t communes = 0;
  std::size_t arrondissements = 0;
  for (const geo::Commune& c : ref().communes) (c.arrondissement ? arrondissements : communes)++;
  EXPECT_EQ(communes, in_package);
  EXPECT_GT(communes, 34000U);
  EXPECT_LT(communes, 36000U);
  EXPECT_EQ(arrondissements, 45U);  // Paris 20, Marseille 16, Lyon 9
  EXPECT_EQ(ref().departements.size(), 109U);
}

TEST_F(ReferenceData, PopulationWithinOnePercentOfThePackage) {
  Result<std::vector<geo::CommuneRecord>> records =
      parse_communes(read_text(communes_json_), communes_json_.string());
  ASSERT_TRUE(records) << records.error().describe();
  std::int64_t package = 0;
  for (const geo::CommuneRecord& c : *records) {
    if (!c.arrondissement) package += c.population;
  }
  std::int64_t ours = 0;
  for (const geo::Commune& c : ref().communes) {
    if (!c.arrondissement) ours += c.population;
  }
  ASSERT_GT(package, 60'000'000);
  EXPECT_LT(std::abs(static_cast<double>(ours - package)), 0.01 * static_cast<double>(package))
      << ours << " vs " << package;
}

TEST_F(ReferenceData, EveryCommuneHasCoordinatesInItsTerritory) {
  for (const geo::Commune& c : ref().communes) {
    ASSERT_TRUE(std::isfinite(c.position.lat) && std::isfinite(c.position.lon)) << c.code;
    EXPECT_FALSE(c.position.lat == 0 && c.position.lon == 0) << c.code;
    const bool overseas = c.departement.size() == 3;
    if (!overseas) {  // metropolitan France with Corsica
      EXPECT_TRUE(c.position.lat > 41.3 && c.position.lat < 51.2 && c.position.lon > -5.3 &&
                  c.position.lon < 9.7)
          << c.code << " " << c.position.lat << "," << c.position.lon;
    }
  }
  // Overseas communes lie within 1 000 km of their département's first commune (TAAF aside:
  // its districts span the southern Indian Ocean and Antarctica).
  for (const geo::Departement& d : ref().departements) {
    if (d.code.size() != 3 || d.code == "984" || d.communes.empty()) continue;
    const geo::LatLon first = ref().communes[d.communes.front()].position;
    for (geo::CommuneIndex i : d.communes) {
      const geo::LatLon p = ref().communes[i].position;
      const double dy = (p.lat - first.lat) * 111.2;
      const double dx = (p.lon - first.lon) * 111.2 * std::cos(first.lat * std::numbers::pi / 180);
      EXPECT_LT(std::hypot(dx, dy), 1000) << ref().communes[i].code;
    }
  }
}

TEST_F(ReferenceData, EveryNonIslandCommuneHasANeighbourAndACell) {
  std::size_t islands = 0;
  for (geo::CommuneIndex i = 0; i < ref().communes.size(); ++i) {
    const geo::Commune& c = ref().communes[i];
    if (c.arrondissement) continue;
    EXPECT_FALSE(ref().cells[i].empty()) << c.code;
    if (c.island) {
      ++islands;
      continue;
    }
    EXPECT_GE(ref().neighbours(i).size(), 1U) << c.code << " " << c.nom;
  }
  // Islands are the exception (Ouessant, Groix, Saint-Pierre, the Loyalty Islands...).
  EXPECT_LT(islands, 100U);
}

TEST_F(ReferenceData, MetzIsInMoselleWithMetzMetropole) {
  const geo::Commune* metz = ref().commune("57463");
  ASSERT_NE(metz, nullptr);
  EXPECT_EQ(metz->nom, "Metz");
  EXPECT_EQ(metz->departement, "57");
  ASSERT_NE(ref().departement("57"), nullptr);
  EXPECT_EQ(ref().departement("57")->nom, "Moselle");
  const geo::Epci* epci = ref().epci(metz->epci);
  ASSERT_NE(epci, nullptr);
  EXPECT_EQ(epci->nom, "Metz Métropole");
  EXPECT_EQ(metz->quality, geo::CoordQuality::exact);
  EXPECT_NEAR(metz->position.lat, 49.12, 0.05);
  EXPECT_NEAR(metz->position.lon, 6.18, 0.05);
  const std::vector<geo::CommuneIndex> hits = ref().search("metz", 3);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(ref().communes[hits.front()].code, "57463");
}

TEST_F(ReferenceData, MoselleOutlineHasAboutItsArea) {
  // Moselle covers 6 216 km²; cells are Voronoi approximations, so allow a quarter off.
  const geo::Departement* moselle = ref().departement("57");
  ASSERT_NE(moselle, nullptr);
  const geo::MultiPolygon shape = geo::outline(ref(), moselle->communes);
  ASSERT_FALSE(shape.empty());
  double km2 = 0;
  for (const geo::Polygon& p : shape) {
    // Shoelace in an equirectangular projection at Moselle's latitude.
    auto ring_km2 = [](const geo::Ring& r) {
      const double cos_lat = std::cos(49.0 * std::numbers::pi / 180);
      double a = 0;
      for (std::size_t k = 0; k + 1 < r.size(); ++k) {
        a += r[k].lon * r[k + 1].lat - r[k + 1].lon * r[k].lat;
      }
      return std::abs(a) / 2 * cos_lat * 111.2 * 111.2;
    };
    km2 += ring_km2(p.outer);
    for (const geo::Ring& h : p.holes) km2 -= ring_km2(h);
  }
  EXPECT_GT(km2, 6216 * 0.75);
  EXPECT_LT(km2, 6216 * 1.25);
}

}  // namespace
}  // namespace maillage::refdata
