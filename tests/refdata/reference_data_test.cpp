// Checks on the real référentiel, built from the pinned packages by `maillage reference build`.
// The file comes from MAILLAGE_REFERENCE (scripts/test.sh sets it after building it); the
// packages it is compared with from MAILLAGE_SOURCE_DIR/node_modules. Without them the checks are
// skipped with the reason, and fail under CI=true.
#include <gtest/gtest.h>

#include <algorithm>
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

// Neighbours of a commune, as codes.
std::vector<std::string> neighbour_codes(const geo::Referentiel& ref, std::string_view code) {
  std::vector<std::string> out;
  const geo::Commune* c = ref.commune(code);
  if (c == nullptr) return out;
  for (const geo::CommuneIndex j : ref.neighbours(ref.index_of(*c))) {
    out.push_back(ref.communes[j].code);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(ReferenceData, MetzHasItsFourteenNeighboursFromTheBoundaries) {
  // The 14 communes that share a border with Metz in IGN Admin Express (the cell graph gave 5).
  EXPECT_EQ(
      neighbour_codes(ref(), "57463"),
      (std::vector<std::string>{"57031", "57049", "57145", "57412", "57415", "57447", "57452",
                                "57480", "57534", "57545", "57552", "57616", "57693", "57751"}));
  const geo::Commune* metz = ref().commune("57463");
  ASSERT_NE(metz, nullptr);
  EXPECT_EQ(metz->shape, geo::ShapeSource::polygon);
  EXPECT_NEAR(metz->area_km2, 41.9, 0.5);  // INSEE: 41.94 km²
}

TEST_F(ReferenceData, CommuneNouvelleIsTheUnionOfItsFormerCommunes) {
  // Arboys en Bugey (01015) merged Arbignieu (01015) and Saint-Bois (01340) in 2016: its shape
  // is the union of their two 2018 polygons, and its neighbours those of either.
  const geo::Commune* arboys = ref().commune("01015");
  ASSERT_NE(arboys, nullptr);
  EXPECT_EQ(arboys->shape, geo::ShapeSource::polygon);
  EXPECT_EQ(ref().commune("01340"), nullptr);
  EXPECT_EQ(ref().cells[ref().index_of(*arboys)].size(), 1U);  // one piece, no seam
  EXPECT_EQ(neighbour_codes(ref(), "01015"),
            (std::vector<std::string>{"01009", "01034", "01061", "01110", "01117", "01294", "01310",
                                      "01338", "01358"}));
}

TEST_F(ReferenceData, IslandCommunesHaveNoNeighbour) {
  // No "ferry" neighbour is invented: an island commune alone on its island has none.
  for (const char* code : {"22016", "29155", "29083", "85113"}) {  // Bréhat, Ouessant, Sein, Yeu
    const geo::Commune* c = ref().commune(code);
    ASSERT_NE(c, nullptr) << code;
    EXPECT_TRUE(c->island) << code;
    EXPECT_EQ(c->shape, geo::ShapeSource::polygon) << code;
    EXPECT_TRUE(neighbour_codes(ref(), code).empty()) << code;
  }
  // The four communes of Belle-Île share the island: neighbours of one another, of nobody else.
  EXPECT_EQ(neighbour_codes(ref(), "56241"),  // Sauzon
            (std::vector<std::string>{"56009", "56152"}));
}

TEST_F(ReferenceData, GorzeTouchesMoselle) {
  // The cell graph left Gorze (57254) touching only Meurthe-et-Moselle, a white zone of its own
  // inside Moselle; its border is shared with four Moselle communes.
  const std::vector<std::string> n = neighbour_codes(ref(), "57254");
  for (const char* code : {"57021", "57032", "57515", "57578"}) {
    EXPECT_NE(std::find(n.begin(), n.end(), code), n.end()) << code;
  }
}

TEST_F(ReferenceData, CommunesWithoutPolygonKeepACellAndAreFlagged) {
  // Re-created or split since 2018: no polygon of their own in the COG 2018 file.
  for (const char* code : {"85212", "85165", "15171", "15031", "15035", "15047", "14666"}) {
    const geo::Commune* c = ref().commune(code);
    ASSERT_NE(c, nullptr) << code;
    EXPECT_EQ(c->shape, geo::ShapeSource::cell) << code;
    EXPECT_FALSE(ref().cells[ref().index_of(*c)].empty()) << code;
    EXPECT_FALSE(neighbour_codes(ref(), code).empty()) << code;
  }
  std::size_t polygons = 0;
  for (const geo::Commune& c : ref().communes) {
    if (c.shape == geo::ShapeSource::polygon) ++polygons;
    // A point on the polygon replaces every imputed point of a commune that has one.
    if (c.shape == geo::ShapeSource::polygon) {
      EXPECT_TRUE(c.quality == geo::CoordQuality::exact || c.quality == geo::CoordQuality::surface)
          << c.code;
    }
  }
  // Every commune of metropolitan France and the DROM but those 7: 34 969 communes less the 7
  // and the 94 of the overseas collectivities (4 communes nouvelles created after 2018 have a
  // new code and only their former communes' polygons).
  EXPECT_EQ(polygons, 34'868U);
}

TEST_F(ReferenceData, MoselleAreaWithinOnePercentOfTheOfficialArea) {
  // Moselle covers 6 216 km² (INSEE); its outline is the union of its communes' polygons.
  const geo::Departement* moselle = ref().departement("57");
  ASSERT_NE(moselle, nullptr);
  const geo::MultiPolygon shape = geo::outline(ref(), moselle->communes);
  ASSERT_FALSE(shape.empty());
  const double km2 = geo::area_km2(shape);
  EXPECT_NEAR(km2, 6216, 6216 * 0.01);
  double sum = 0;
  for (const geo::CommuneIndex i : moselle->communes) sum += ref().communes[i].area_km2;
  EXPECT_NEAR(sum, km2, km2 * 0.001);  // the communes tile the département
}

}  // namespace
}  // namespace maillage::refdata
