#include <gtest/gtest.h>

#include <string>

#include "access/csv.hpp"

namespace maillage::access {
namespace {

DemandTable demand(std::string_view text) {
  auto t = parse_demand_csv(text, "demand.csv");
  EXPECT_TRUE(t) << t.error().describe();
  return t ? std::move(*t) : DemandTable{};
}

// Asserts a parse error and returns it for further checks.
template <class R>
Error error_of(const R& r) {
  EXPECT_FALSE(r.has_value());
  return r.has_value() ? Error{} : r.error();
}

TEST(DemandCsv, ReadsIdsAndPopulationsInFileOrder) {
  const DemandTable t = demand("id,population\n57463,116000\n57672,2500.5\n2A004,70000\n");
  ASSERT_EQ(t.locations.size(), 3U);
  EXPECT_EQ(t.locations.id(2), "2A004");
  EXPECT_EQ(t.locations.find("57672"), 1U);
  EXPECT_EQ(t.locations.find("57"), LocationIndex::npos);
  EXPECT_EQ(t.population, (std::vector<double>{116000, 2500.5, 70000}));
}

TEST(DemandCsv, AcceptsBomCrlfBlankLinesQuotesSpacesAndExtraColumns) {
  const DemandTable t = demand(
      "\xEF\xBB\xBF\r\n Code , nom , POPULATION\r\n"
      "\"57463\",\"Metz, ville\",116000\r\n\r\n"
      "  57672 ,\"Le \"\"Ban\"\"\", 2500 \r\n");
  ASSERT_EQ(t.locations.size(), 2U);
  EXPECT_EQ(t.locations.id(0), "57463");
  EXPECT_EQ(t.locations.id(1), "57672");
  EXPECT_EQ(t.population[1], 2500);
}

TEST(DemandCsv, SemicolonFilesUseTheDecimalComma) {
  const DemandTable t = demand("population;id\n12,5;A\n3;B");  // no final newline
  ASSERT_EQ(t.population, (std::vector<double>{12.5, 3}));
  const DemandTable tabs = demand("id\tpopulation\nA\t7\n");
  EXPECT_EQ(tabs.population[0], 7);
}

TEST(DemandCsv, ErrorsNameFileLineAndColumn) {
  Error e = error_of(parse_demand_csv("id,pop\nA,1\n", "d.csv"));
  EXPECT_EQ(e.code, ErrorCode::parse_error);
  EXPECT_EQ(e.file, "d.csv");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.field, "population");
  EXPECT_NE(e.message.find("id, pop"), std::string::npos) << e.message;  // lists what it read

  e = error_of(parse_demand_csv("id,population\nA,1\nB,2\nA,3\n", "d.csv"));
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.field, "id");
  EXPECT_NE(e.message.find("déjà ligne 2"), std::string::npos) << e.message;

  e = error_of(parse_demand_csv("id,population\n\nA,-1\n", "d.csv"));
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.field, "population");
  EXPECT_EQ(e.describe(), "d.csv:3: population: valeur négative « -1 »");

  e = error_of(parse_demand_csv("id,population\nA,douze\n", "d.csv"));
  EXPECT_EQ(e.describe(), "d.csv:2: population: nombre attendu, lu « douze »");
  e = error_of(parse_demand_csv("id,population\nA,nan\n", "d.csv"));
  EXPECT_EQ(e.line, 2);
  e = error_of(parse_demand_csv("id,population\nA,\n", "d.csv"));
  EXPECT_EQ(e.message, "valeur manquante");
  e = error_of(parse_demand_csv("id,population\n,5\n", "d.csv"));
  EXPECT_EQ(e.field, "id");
  e = error_of(parse_demand_csv("id,population\nA\n", "d.csv"));
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("incomplète"), std::string::npos);
  e = error_of(parse_demand_csv("id,population\n\"A,5\n", "d.csv"));
  EXPECT_NE(e.message.find("guillemet"), std::string::npos);
  e = error_of(parse_demand_csv("id,population\n\"A\"x,5\n", "d.csv"));
  EXPECT_EQ(e.line, 2);
  e = error_of(parse_demand_csv("", "d.csv"));
  EXPECT_NE(e.message.find("vide"), std::string::npos);
  e = error_of(parse_demand_csv("\n\n  \n", "d.csv"));
  EXPECT_NE(e.message.find("vide"), std::string::npos);
  e = error_of(parse_demand_csv("id,population\n", "d.csv"));
  EXPECT_NE(e.message.find("aucune ligne"), std::string::npos);
  e = error_of(parse_demand_csv("id,code,population\nA,B,1\n", "d.csv"));
  EXPECT_NE(e.message.find("double"), std::string::npos);
}

TEST(SupplyCsv, MapsSupplyOntoDemandLocations) {
  const DemandTable d = demand("id,population\nA,1\nB,2\nC,3\n");
  auto s = parse_supply_csv("id,supply\nC,2.5\nA,1\n", "s.csv", d.locations);
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(*s, (std::vector<double>{1, 0, 2.5}));

  Error e = error_of(parse_supply_csv("id,supply\nZ,1\n", "s.csv", d.locations));
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("absent du fichier de demande"), std::string::npos);
  e = error_of(parse_supply_csv("id,supply\nA,1\nA,2\n", "s.csv", d.locations));
  EXPECT_EQ(e.line, 3);
  e = error_of(parse_supply_csv("id,supply\nA,-2\n", "s.csv", d.locations));
  EXPECT_EQ(e.field, "supply");
  e = error_of(parse_supply_csv("id,offre\nA,2\n", "s.csv", d.locations));
  EXPECT_EQ(e.field, "supply");
}

TEST(OdCsv, BuildsCsrAddsSelfTimesAndDropsPairsBeyondTheCatchment) {
  const DemandTable d = demand("id,population\nA,1\nB,2\nC,3\n");
  Diagnostics diag;
  OdOptions opt;  // 20 minutes, inclusive, self = 0
  auto od = parse_od_csv("origin,destination,minutes\nA,B,10\nB,A,20\nA,C,20.5\nC,C,4\nC,A,7\n",
                         "od.csv", d.locations, opt, diag);
  ASSERT_TRUE(od) << od.error().describe();
  EXPECT_EQ(od->rows, 5U);
  EXPECT_EQ(od->beyond_catchment, 1U);
  EXPECT_EQ(od->self_added, 2U);  // A and B; C has its own line
  const TravelTimes& t = od->times;
  EXPECT_EQ(t.offsets, (std::vector<std::uint32_t>{0, 2, 4, 6}));
  EXPECT_EQ(t.destinations, (std::vector<LocationId>{0, 1, 1, 0, 2, 0}));
  EXPECT_EQ(t.minutes, (std::vector<double>{0, 10, 0, 20, 4, 7}));
  EXPECT_TRUE(diag.warnings.empty());

  opt.boundary = Boundary::upper_exclusive;
  opt.self_minutes = std::nullopt;
  auto exc = parse_od_csv("origin,destination,minutes\nA,B,10\nB,A,20\n", "od.csv", d.locations,
                          opt, diag);
  ASSERT_TRUE(exc);
  EXPECT_EQ(exc->beyond_catchment, 1U);  // 20 is outside under the exclusive rule
  EXPECT_EQ(exc->times.pairs(), 1U);
}

TEST(OdCsv, UnknownIdsAreSkippedWithOneWarning) {
  const DemandTable d = demand("id,population\nA,1\nB,2\n");
  Diagnostics diag;
  auto od = parse_od_csv("origin,destination,minutes\nA,X,1\nA,B,2\nY,A,3\nZ,Z,1\n", "od.csv",
                         d.locations, OdOptions{}, diag);
  ASSERT_TRUE(od);
  EXPECT_EQ(od->unknown, 3U);
  ASSERT_EQ(diag.warnings.size(), 1U);
  EXPECT_EQ(diag.warnings[0].line, 2);
  EXPECT_EQ(diag.warnings[0].describe(),
            "od.csv:2: 3 ligne(s) ignorée(s) : identifiant absent du fichier de demande "
            "(premier : « X »)");
}

TEST(OdCsv, QuotedIdsAndWarningsKeepLineOrder) {
  const DemandTable d = demand("id,population\nA,1\nB,2\n\"Q\"\"\",3\n");
  Diagnostics diag;
  OdOptions opt;
  opt.self_minutes = std::nullopt;
  // Line 2: unknown destination (looked up late), line 3: unknown origin (looked up at once).
  auto od = parse_od_csv(
      "origin,destination,minutes\nA,X,1\nY,A,1\nA,\"B\",1\nA,\"Q\"\"\",2\nA,Z,3\nB,A,4\n",
      "od.csv", d.locations, opt, diag);
  ASSERT_TRUE(od) << od.error().describe();
  EXPECT_EQ(od->times.destinations, (std::vector<LocationId>{1, 2, 0}));
  EXPECT_EQ(od->times.minutes, (std::vector<double>{1, 2, 4}));
  EXPECT_EQ(od->unknown, 3U);
  ASSERT_EQ(diag.warnings.size(), 1U);
  EXPECT_EQ(diag.warnings[0].line, 2);
  EXPECT_NE(diag.warnings[0].message.find("« X »"), std::string::npos);
  Error e = error_of(parse_od_csv("origin,destination,minutes\nA,,1\n", "od.csv", d.locations,
                                  opt, diag));
  EXPECT_EQ(e.field, "destination");
}

TEST(OdCsv, RejectsDuplicatePairsAndBadTimes) {
  const DemandTable d = demand("id,population\nA,1\nB,2\n");
  Diagnostics diag;
  Error e = error_of(parse_od_csv("origin,destination,minutes\nA,B,1\nB,A,2\nA,B,3\n", "od.csv",
                                  d.locations, OdOptions{}, diag));
  EXPECT_EQ(e.line, 4);
  EXPECT_NE(e.message.find("déjà ligne 2"), std::string::npos) << e.message;
  e = error_of(parse_od_csv("origin,destination,minutes\nA,B,-1\n", "od.csv", d.locations,
                            OdOptions{}, diag));
  EXPECT_EQ(e.describe(), "od.csv:2: minutes: valeur négative « -1 »");
  e = error_of(parse_od_csv("origin,destination\nA,B\n", "od.csv", d.locations, OdOptions{}, diag));
  EXPECT_EQ(e.field, "minutes");
  OdOptions bad;
  bad.self_minutes = -1;
  EXPECT_FALSE(parse_od_csv("origin,destination,minutes\n", "od.csv", d.locations, bad, diag));
}

// A file big enough to be cut in parts: the result and the line numbers of errors must not
// depend on the thread count.
TEST(OdCsv, ParallelParsingGivesTheSameResultAndLineNumbers) {
  std::string demand_text = "id,population\n";
  for (int i = 0; i < 400; ++i) demand_text += "L" + std::to_string(i) + ",1\n";
  const DemandTable d = demand(demand_text);
  std::string od = "origin,destination,minutes\n";
  int lines = 1;
  for (int i = 0; i < 400; ++i) {
    for (int j = 0; j < 400; j += 3) {
      od += "L" + std::to_string(i) + ",L" + std::to_string(j) + "," + std::to_string((i + j) % 30) +
            (j % 2 ? ".5" : "") + "\n";
      ++lines;
      if (i == 0 && j == 0) {
        od += "\n";  // blank lines still count
        ++lines;
      }
    }
  }
  ASSERT_GT(od.size(), 4 * 65536U);
  Diagnostics diag;
  OdOptions one;
  one.threads = 1;
  OdOptions four;
  four.threads = 4;
  auto a = parse_od_csv(od, "od.csv", d.locations, one, diag);
  auto b = parse_od_csv(od, "od.csv", d.locations, four, diag);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->times.offsets, b->times.offsets);
  EXPECT_EQ(a->times.destinations, b->times.destinations);
  EXPECT_EQ(a->times.minutes, b->times.minutes);
  EXPECT_EQ(a->beyond_catchment, b->beyond_catchment);
  EXPECT_EQ(a->rows, b->rows);

  const std::string broken = od + "L5,L6,abc\n" + od.substr(od.find('\n') + 1);
  auto e1 = parse_od_csv(broken, "od.csv", d.locations, one, diag);
  auto e4 = parse_od_csv(broken, "od.csv", d.locations, four, diag);
  ASSERT_FALSE(e1);
  ASSERT_FALSE(e4);
  EXPECT_EQ(e1.error().line, lines + 1);
  EXPECT_EQ(e4.error().line, lines + 1);
  // The first duplicate pair is on the first repeated line.
  const std::string twice = od + od.substr(od.find('\n') + 1);
  auto d4 = parse_od_csv(twice, "od.csv", d.locations, four, diag);
  ASSERT_FALSE(d4);
  EXPECT_EQ(d4.error().line, lines + 1);
  EXPECT_NE(d4.error().message.find("déjà ligne 2"), std::string::npos) << d4.error().message;
}

TEST(CoordsCsv, ReadsDegreesAndChecksRanges) {
  const DemandTable d = demand("id,population\nA,1\nB,2\n");
  Diagnostics diag;
  auto p = parse_coords_csv("code,latitude,longitude,quality\nB,49.1,6.2,exact\nA,-21.1,55.5,x\nQ,1,1,x\n",
                            "c.csv", d.locations, diag);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ((*p)[0].lat, -21.1);
  EXPECT_EQ((*p)[1].lon, 6.2);
  ASSERT_EQ(diag.warnings.size(), 1U);
  EXPECT_EQ(diag.warnings[0].line, 4);

  Error e = error_of(parse_coords_csv("id,lat,lon\nA,91,0\nB,0,0\n", "c.csv", d.locations, diag));
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.field, "lat");
  e = error_of(parse_coords_csv("id,lat,lon\nA,1,-181\n", "c.csv", d.locations, diag));
  EXPECT_EQ(e.field, "lon");
  e = error_of(parse_coords_csv("id,lat,lon\nA,1,2\n", "c.csv", d.locations, diag));
  EXPECT_NE(e.message.find("absentes pour 1 lieu(x)"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("B"), std::string::npos);
  e = error_of(parse_coords_csv("id,lat,lon\nA,1,2\nB,1,2\nA,1,2\n", "c.csv", d.locations, diag));
  EXPECT_EQ(e.line, 4);
}

TEST(AgeCsv, EveryColumnButTheIdIsAnAgeBand) {
  const DemandTable d = demand("id,population\nA,1\nB,2\n");
  Diagnostics diag;
  auto t = parse_age_csv("0-59,id,60+\n10,B,20\n30,A,40\n", "age.csv", d.locations, diag);
  ASSERT_TRUE(t) << t.error().describe();
  EXPECT_EQ(t->bands, (std::vector<std::string>{"0-59", "60+"}));
  EXPECT_EQ(t->population, (std::vector<double>{30, 40, 10, 20}));
  EXPECT_EQ(t->locations(), 2U);

  Error e = error_of(parse_age_csv("id,0-59,60+\nA,1,x\nB,1,1\n", "age.csv", d.locations, diag));
  EXPECT_EQ(e.field, "60+");
  EXPECT_EQ(e.line, 2);
  e = error_of(parse_age_csv("id\nA\nB\n", "age.csv", d.locations, diag));
  EXPECT_NE(e.message.find("aucune colonne"), std::string::npos);
  e = error_of(parse_age_csv("id,a,a\nA,1,1\n", "age.csv", d.locations, diag));
  EXPECT_NE(e.message.find("double"), std::string::npos);
  e = error_of(parse_age_csv("id,a\nA,1\n", "age.csv", d.locations, diag));
  EXPECT_NE(e.message.find("absente pour 1 lieu(x)"), std::string::npos);
}

TEST(AccessCsv, WritesEveryLocationWithRoundTripNumbers) {
  const DemandTable d = demand("id,population\nA,1\n\"x,y\",2\n\"q\"\"\",3\n");
  const std::vector<double> access{0.1 + 0.2, 0, 1.0 / 3};
  const std::string out = format_access_csv(d.locations, access);
  EXPECT_EQ(out, "id,access\nA,0.30000000000000004\n\"x,y\",0\n\"q\"\"\",0.3333333333333333\n");
  // What we write reads back as the same ids and the same doubles.
  auto back = parse_demand_csv(std::string(out).replace(3, 6, "population"), "out.csv");
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(back->locations.ids(), d.locations.ids());
  EXPECT_EQ(back->population, access);
}

TEST(LocationIndex, FindsEveryInsertedIdAcrossRehashes) {
  LocationIndex index;
  for (int i = 0; i < 5000; ++i) {
    ASSERT_EQ(index.insert(std::to_string(i * 7)), static_cast<LocationId>(i));
  }
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(index.find(std::to_string(i * 7)), static_cast<LocationId>(i));
  EXPECT_EQ(index.insert("14"), LocationIndex::npos);
  EXPECT_EQ(index.find("15"), LocationIndex::npos);
  EXPECT_EQ(LocationIndex{}.find("x"), LocationIndex::npos);
}

}  // namespace
}  // namespace maillage::access
