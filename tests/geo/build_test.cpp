#include "geo/build.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "geo_fixtures.hpp"

namespace maillage::geo {
namespace {

using testing::place;
using testing::rect;

CommuneRecord record(std::string code, std::string dep, std::string region, std::string zone,
                     std::int64_t population, std::vector<std::string> postcodes,
                     std::size_t item) {
  CommuneRecord c;
  c.code = std::move(code);
  c.nom = "Commune " + c.code;
  c.departement = std::move(dep);
  c.region = std::move(region);
  c.zone = std::move(zone);
  c.population = population;
  c.postcodes = std::move(postcodes);
  c.item = item;
  return c;
}

// Nine communes of département 57 on a 3 × 3 grid (one with two arrondissements), two EPCI,
// and two communes of Guadeloupe on their own island.
BuildInput sample() {
  BuildInput in;
  in.regions = {{"44", "Grand Est", 0}, {"01", "Guadeloupe", 1}};
  in.departements = {{"57", "Moselle", "44", "metro", 0}, {"971", "Guadeloupe", "01", "drom", 1}};
  std::size_t item = 0;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      const std::string code = "5700" + std::to_string(1 + 3 * i + j);
      in.communes.push_back(record(code, "57", "44", "metro", 1000 * (1 + 3 * i + j),
                                   {"57" + std::to_string(100 + i) + "0"}, item++));
      if ((i + j) % 2 == 0) {
        in.places.push_back(place(in.communes.back().nom, 49.0 + 0.1 * i, 6.0 + 0.1 * j, code,
                                  static_cast<std::int64_t>(item)));
      }
    }
  }
  CommuneRecord arr1 = record("57101", "57", "44", "metro", 400, {"57100"}, item++);
  arr1.arrondissement = true;
  arr1.parent = "57001";
  CommuneRecord arr2 = record("57102", "57", "44", "metro", 600, {"57100"}, item++);
  arr2.arrondissement = true;
  arr2.parent = "57001";
  in.communes.push_back(arr2);  // out of order on purpose
  in.communes.push_back(arr1);
  in.communes.push_back(record("97101", "971", "01", "drom", 500, {"97100"}, item++));
  in.communes.push_back(record("97102", "971", "01", "drom", 700, {"97110"}, item++));
  in.places.push_back(place("Commune 97101", 16.00, -61.70, "97101", 50, "GP"));
  in.places.push_back(place("Commune 97102", 16.05, -61.65, "97102", 51, "GP"));
  in.epcis = {
      {"200000001", "CC Est", "CC", {"57003", "57006", "57009"}, 0},
      {"200000002", "CA Ouest", "CA", {"57001", "57002", "57004", "57005", "57007", "57008"}, 1}};
  in.land = {{rect(48.95, 5.95, 49.25, 6.25), {}}, {rect(15.95, -61.75, 16.10, -61.60), {}}};
  return in;
}

TEST(Build, AssemblesCommunesEpciDepartementsAndRegions) {
  BuildOptions options;
  options.land_simplify_deg = 0;
  Result<BuildResult> r = build_referentiel(sample(), options);
  ASSERT_TRUE(r) << r.error().describe();
  const Referentiel& ref = r->referentiel;
  ASSERT_EQ(ref.communes.size(), 13U);
  // Communes by code, then arrondissements by code.
  EXPECT_EQ(ref.communes[0].code, "57001");
  EXPECT_EQ(ref.communes[10].code, "97102");
  EXPECT_EQ(ref.communes[11].code, "57101");
  EXPECT_EQ(ref.communes[12].code, "57102");
  EXPECT_TRUE(ref.communes[11].arrondissement);
  EXPECT_EQ(ref.commune("57101")->epci, "200000002");  // its commune's EPCI
  EXPECT_EQ(ref.commune("57003")->epci, "200000001");
  EXPECT_EQ(ref.commune("97101")->epci, "");

  const Epci* est = ref.epci("200000001");
  ASSERT_NE(est, nullptr);
  EXPECT_EQ(est->population, 3000 + 6000 + 9000);
  EXPECT_EQ(est->members.size(), 3U);
  const Departement* moselle = ref.departement("57");
  ASSERT_NE(moselle, nullptr);
  EXPECT_EQ(moselle->communes.size(), 9U);  // arrondissements excluded
  EXPECT_TRUE(std::is_sorted(moselle->communes.begin(), moselle->communes.end()));
  EXPECT_EQ(ref.region("01")->departements, (std::vector<std::string>{"971"}));

  // Every commune placed, cells for communes only, CSR symmetric.
  ASSERT_EQ(ref.cells.size(), ref.communes.size());
  ASSERT_EQ(ref.neighbour_offsets.size(), ref.communes.size() + 1);
  for (CommuneIndex i = 0; i < ref.communes.size(); ++i) {
    const Commune& c = ref.communes[i];
    EXPECT_EQ(ref.cells[i].empty(), c.arrondissement) << c.code;
    for (CommuneIndex j : ref.neighbours(i)) {
      const auto back = ref.neighbours(j);
      EXPECT_NE(std::find(back.begin(), back.end(), i), back.end()) << c.code;
      // Guadeloupe and Moselle never touch.
      EXPECT_EQ(c.departement, ref.communes[j].departement);
    }
  }
  EXPECT_EQ(ref.neighbours(11).size(), 0U);  // arrondissement
  EXPECT_GE(ref.neighbours(ref.index_of(*ref.commune("97101"))).size(), 1U);

  const BuildReport& rep = r->report;
  EXPECT_EQ(rep.communes, 11U);
  EXPECT_EQ(rep.arrondissements, 2U);
  EXPECT_EQ(rep.population, 45000 + 1200);
  EXPECT_EQ(rep.quality_communes[static_cast<int>(CoordQuality::exact)], 7U);
  EXPECT_EQ(rep.places_matched, 7U);
  EXPECT_GT(rep.neighbour_pairs, 10U);
}

TEST(Build, RefusesInconsistentRecordsNamingFileAndField) {
  {
    BuildInput in = sample();
    in.communes[3].departement = "99";
    Result<BuildResult> r = build_referentiel(in);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::parse_error);
    EXPECT_EQ(r.error().file, "communes.json");
    EXPECT_EQ(r.error().field, "[3].departement");
  }
  {
    BuildInput in = sample();
    in.epcis[0].members[1] = "57999";
    Result<BuildResult> r = build_referentiel(in);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().file, "epci.json");
    EXPECT_EQ(r.error().field, "[0].membres[1]");
  }
  {
    BuildInput in = sample();
    in.epcis[1].members.push_back("57003");  // already in CC Est
    Result<BuildResult> r = build_referentiel(in);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("deux EPCI"), std::string::npos);
  }
  {
    BuildInput in = sample();
    in.communes.push_back(in.communes[0]);
    Result<BuildResult> r = build_referentiel(in);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("double"), std::string::npos);
  }
  {
    BuildInput in = sample();
    in.communes[9].parent = "57999";
    Result<BuildResult> r = build_referentiel(in);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().field, "[10].commune");
  }
  {
    BuildInput in = sample();
    in.departements[1].region = "02";
    Result<BuildResult> r = build_referentiel(in);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().file, "departements.json");
    EXPECT_EQ(r.error().field, "[1].region");
  }
}

}  // namespace
}  // namespace maillage::geo
