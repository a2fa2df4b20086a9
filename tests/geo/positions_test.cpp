#include "geo/positions.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "geo_fixtures.hpp"

namespace maillage::geo {
namespace {

using testing::commune;
using testing::place;

const Commune& find(const std::vector<Commune>& cs, std::string_view code) {
  for (const Commune& c : cs) {
    if (c.code == code) return c;
  }
  throw std::runtime_error("no commune " + std::string(code));
}

TEST(Positions, ImputationFollowsPostcodeThenEpciThenDepartementThenTerritory) {
  std::vector<Commune> cs = {
      commune("01001", "01", "E1", {"01400"}),  // exact
      commune("01002", "01", "E2", {"01400"}),  // shares 01400 with 01001
      commune("01003", "01", "E1", {"01700"}),  // no exact postcode; E1 has exact members
      commune("01004", "01", "E1", {"01600"}),  // exact
      commune("01005", "01", "E3", {"01800"}),  // nothing but its département
      commune("01006", "01", "E4", {"01900"}),  // exact
      commune("98411", "984", "", {}),          // a territory with no point at all
  };
  const std::vector<PlaceRecord> places = {place("Commune 01001", 46.0, 5.0, "01001", 10),
                                           place("Commune 01004", 46.2, 5.2, "01004", 11),
                                           place("Commune 01006", 46.3, 5.6, "01006", 12)};
  const std::vector<TerritoryOutline> territories = {
      {"984", {{testing::rect(-49.6, 69.0, -49.0, 70.0), {}}}}};
  BuildOptions options;
  Result<PositionReport> r = assign_positions(cs, places, territories, {}, options);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->places_matched, 3U);
  EXPECT_EQ(find(cs, "01001").quality, CoordQuality::exact);
  EXPECT_DOUBLE_EQ(find(cs, "01001").position.lat, 46.0);
  EXPECT_EQ(find(cs, "01002").quality, CoordQuality::imputed_postcode);
  EXPECT_EQ(find(cs, "01003").quality, CoordQuality::imputed_epci);
  EXPECT_EQ(find(cs, "01005").quality, CoordQuality::imputed_departement);
  EXPECT_EQ(find(cs, "98411").quality, CoordQuality::imputed_territory);
  // Each imputed point sits near its mean: within the first spiral slot (2 km × √0.5).
  const double slot0 = options.spread_km * std::sqrt(0.5) + 1e-6;
  EXPECT_NEAR(distance_km(find(cs, "01002").position, {46.0, 5.0}), slot0, 1e-3);
  EXPECT_NEAR(distance_km(find(cs, "01003").position, {46.1, 5.1}), slot0, 1e-3);
  const LatLon dep_mean{(46.0 + 46.2 + 46.3) / 3, (5.0 + 5.2 + 5.6) / 3};
  EXPECT_NEAR(distance_km(find(cs, "01005").position, dep_mean), slot0, 1e-3);
  const LatLon kerguelen = find(cs, "98411").position;
  EXPECT_GT(kerguelen.lat, -49.7);
  EXPECT_LT(kerguelen.lat, -48.9);
}

TEST(Positions, FailsWhenACommuneCannotBePlaced) {
  std::vector<Commune> cs = {commune("98901", "989", "", {})};
  Result<PositionReport> r = assign_positions(cs, {}, {}, {}, BuildOptions{});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("98901"), std::string::npos);
}

TEST(Positions, RejectsAPointFarOutsideItsEpciAndImputesIt) {
  std::vector<Commune> cs = {
      commune("57001", "57", "E1", {"57100"}), commune("57002", "57", "E1", {"57200"}),
      commune("57003", "57", "E1", {"57300"}), commune("57004", "57", "E1", {"57400"}),
      commune("57005", "57", "E1", {"57100"}),  // its point is a degree east
      commune("57006", "57", "E1", {"57600"}),  // 20 km outside: kept
  };
  const std::vector<PlaceRecord> places = {place("Commune 57001", 48.00, 6.00, "57001", 1),
                                           place("Commune 57002", 48.05, 6.05, "57002", 2),
                                           place("Commune 57003", 48.02, 6.10, "57003", 3),
                                           place("Commune 57004", 48.06, 5.98, "57004", 4),
                                           place("Commune 57005", 48.03, 7.05, "57005", 5),
                                           place("Commune 57006", 48.03, 6.37, "57006", 6)};
  Result<PositionReport> r = assign_positions(cs, places, {}, {}, BuildOptions{});
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->rejected.size(), 1U);
  const RejectedPoint& bad = r->rejected.front();
  EXPECT_EQ(bad.code, "57005");
  EXPECT_EQ(bad.check, "epci");
  EXPECT_EQ(bad.line, 5);
  EXPECT_GT(bad.distance_km, 45);
  EXPECT_DOUBLE_EQ(bad.threshold_km, 35);
  // Imputed from the exact commune sharing its postcode instead.
  EXPECT_EQ(find(cs, "57005").quality, CoordQuality::imputed_postcode);
  EXPECT_LT(distance_km(find(cs, "57005").position, {48.00, 6.00}), 3);
  EXPECT_EQ(find(cs, "57006").quality, CoordQuality::exact);
}

TEST(Positions, RejectsAgainstTheDepartementWhenThereIsNoEpciToCompare) {
  std::vector<Commune> cs;
  std::vector<PlaceRecord> places;
  for (int i = 0; i < 12; ++i) {
    const std::string code = "290" + std::to_string(10 + i);
    cs.push_back(commune(code, "29", "", {"29000"}));
    places.push_back(place("x", 48.0 + 0.05 * (i % 4), -4.0 + 0.05 * (i / 4), code, i + 1));
  }
  cs.push_back(commune("29099", "29", "", {"29999"}));
  places.push_back(place("far", 49.0, -4.0, "29099", 99));  // ~100 km north of the others
  Result<PositionReport> r = assign_positions(cs, places, {}, {}, BuildOptions{});
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->rejected.size(), 1U);
  EXPECT_EQ(r->rejected.front().code, "29099");
  EXPECT_EQ(r->rejected.front().check, "departement");
  EXPECT_EQ(find(cs, "29099").quality, CoordQuality::imputed_departement);
}

TEST(Positions, MatchesArrondissementsOverseasCodesAndNames) {
  std::vector<Commune> cs = {
      commune("13055", "13", "E", {"13001", "13002"}, "Marseille"),
      commune("97611", "976", "", {"97600"}, "Mamoudzou"),
      commune("97701", "977", "", {"97133"}, "Saint-Barthélemy"),
      commune("98735", "987", "", {"98714"}, "Papeete"),
      commune("98715", "987", "", {"98704"}, "Faaa"),
      commune("13201", "13", "E", {"13001"}, "Marseille 1er Arrondissement"),
      commune("13202", "13", "E", {"13002"}, "Marseille 2e Arrondissement"),
  };
  for (std::size_t i = 5; i < cs.size(); ++i) {
    cs[i].arrondissement = true;
    cs[i].parent = "13055";
  }
  std::vector<PlaceRecord> places = {
      place("Vieille Chapelle", 43.25, 5.38, "13055", 1, "FR", "PPLX"),
      place("Marseille", 43.29695, 5.38107, "13055", 2, "FR", "PPLA"),
      place("Marseille 01", 43.29814, 5.38407, "13055", 3, "FR", "PPLA5"),
      place("Mamoudzou", -12.78, 45.23, "", 4, "YT"),
      place("Gustavia", 17.896, -62.850, "", 5, "BL"),
      place("Papeete", -17.535, -149.569, "", 6, "PF"),
      place("Atuona", -9.80, -139.04, "", 7, "PF"),  // no commune of that name: unmatched
      place("Ancienne commune", 47.0, 3.0, "99999", 8),
  };
  places[3].admin1 = "97611";  // Mayotte carries the INSEE code in admin1
  places[4].admin1 = "00";
  places[5].admin2 = "10295183";  // a GeoNames id, not a code
  Result<PositionReport> r = assign_positions(cs, places, {}, {}, BuildOptions{});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->places_matched, 6U);
  EXPECT_EQ(r->places_unmatched, 2U);
  EXPECT_EQ(find(cs, "13055").quality, CoordQuality::exact);
  EXPECT_DOUBLE_EQ(find(cs, "13055").position.lat, 43.29695);  // its own name beats PPLX
  EXPECT_EQ(find(cs, "13201").quality, CoordQuality::exact);
  EXPECT_DOUBLE_EQ(find(cs, "13201").position.lat, 43.29814);
  EXPECT_EQ(find(cs, "13202").quality, CoordQuality::imputed_postcode);
  EXPECT_EQ(find(cs, "97611").quality, CoordQuality::exact);
  EXPECT_EQ(find(cs, "97701").quality, CoordQuality::exact);  // the only commune of BL
  EXPECT_EQ(find(cs, "98735").quality, CoordQuality::exact);  // matched by name in PF
  EXPECT_EQ(find(cs, "98715").quality, CoordQuality::imputed_departement);
}

TEST(Positions, SpreadsImputedPointsOnLandOnly) {
  // A coastal exact commune on the northern edge of a square "land": its mean is on the coast,
  // so half of the spiral around it lies in the sea.
  std::vector<Commune> cs = {commune("01001", "01", "", {"01000"})};
  for (int i = 2; i <= 9; ++i)
    cs.push_back(commune("0100" + std::to_string(i), "01", "", {"01000"}));
  const std::vector<PlaceRecord> places = {place("Commune 01001", 46.499, 5.5, "01001", 1)};
  const MultiPolygon land = {{testing::rect(45.5, 5.0, 46.5, 6.0), {}}};
  Result<PositionReport> r = assign_positions(cs, places, {}, land, BuildOptions{});
  ASSERT_TRUE(r) << r.error().describe();
  for (const Commune& c : cs) {
    EXPECT_LT(c.position.lat, 46.5) << c.code;
    EXPECT_GT(c.position.lat, 45.5) << c.code;
  }
  // And the imputed points are distinct.
  for (std::size_t i = 0; i < cs.size(); ++i) {
    for (std::size_t j = i + 1; j < cs.size(); ++j) {
      EXPECT_GT(distance_km(cs[i].position, cs[j].position), 0.1)
          << cs[i].code << " " << cs[j].code;
    }
  }
}

}  // namespace
}  // namespace maillage::geo
