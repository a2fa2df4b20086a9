// Golden scenario: a 4×4 grid of communes with four territories, every figure computed by hand.
//
//   populations (index = 4·row + col)        territories
//   row 0: 10000  5000  2000  1000           A (aci_signe)     {0, 1, 4, 5}        26 000
//   row 1:  8000  3000  1500   500           B (projet_valide) {10, 11, 14, 15}    45 000
//   row 2:  4000  2500  6000  7000           C (pre_projet)    {5, 6, 10}          10 500
//   row 3:  1000   800 12000 20000           D (aci_signe)     {3, 12}              2 000
//
// Neighbours: the 4 cells around (no diagonals). EPCI Ouest = columns 0–1, Est = columns 2–3.
// Covered: {0,1,3,4,5,6,10,11,12,14,15} (74 500); uncovered {2,7,8,9,13} (9 800).
#include <gtest/gtest.h>

#include "coverage/coverage.hpp"
#include "coverage/proposals.hpp"
#include "coverage/report.hpp"
#include "coverage/territory.hpp"
#include "fixtures.hpp"

namespace maillage::coverage {
namespace {

using test::RefBuilder;

const geo::Referentiel& grid() {
  static const geo::Referentiel ref = [] {
    const std::int64_t pops[16] = {10000, 5000, 2000, 1000, 8000, 3000, 1500,  500,
                                   4000,  2500, 6000, 7000, 1000, 800,  12000, 20000};
    RefBuilder b;
    for (int i = 0; i < 16; ++i) {
      const int r = i / 4, c = i % 4;
      char code[8];
      std::snprintf(code, sizeof code, "57%03d", i + 1);
      b.commune(code, "C" + std::to_string(i), "57", "44", c < 2 ? "200000001" : "200000002",
                pops[i], r * 0.25, c * 0.25);
    }
    for (int i = 0; i < 16; ++i) {
      if (i % 4 < 3) b.edge(i, i + 1);
      if (i < 12) b.edge(i, i + 4);
    }
    return b.build();
  }();
  return ref;
}

const UnitGraph& graph() {
  static const UnitGraph g = *UnitGraph::build(grid());
  return g;
}

std::vector<Territory> territories() {
  return {{"a", "CPTS A", "aci_signe", {0, 1, 4, 5}},
          {"b", "CPTS B", "projet_valide", {10, 11, 14, 15}},
          {"c", "CPTS C", "pre_projet", {5, 6, 10}},
          {"d", "CPTS D", "aci_signe", {3, 12}}};
}

std::vector<StageFilter> filters() {
  return {{"aci_signe", "ACI signé", {"aci_signe", "actif"}},
          {"projet_valide",
           "Projet validé ou plus",
           {"projet_valide", "aci_negociation", "aci_signe", "actif"}},
          {"toutes", "Toutes", {}}};
}

Cover cover() {
  auto c = Cover::compute(graph(), territories(), filters());
  EXPECT_TRUE(c) << (c ? "" : c.error().describe());
  return *c;
}

std::vector<CommuneIndex> area(AreaKind kind, const char* code) {
  auto u = area_units(graph(), {kind, code});
  EXPECT_TRUE(u) << code;
  return u.value_or(std::vector<CommuneIndex>{});
}

TEST(Golden, TerritoryFacts) {
  const auto classes = default_size_classes();
  auto a = territory_facts(graph(), territories()[0], classes);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->population, 26000);
  EXPECT_EQ(a->communes, 4u);
  EXPECT_EQ(a->size_class, "T1");
  EXPECT_TRUE(a->contiguous);
  ASSERT_EQ(a->pieces.size(), 1u);

  auto b = territory_facts(graph(), territories()[1], classes);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->population, 45000);
  EXPECT_EQ(b->size_class, "T2");

  auto d = territory_facts(graph(), territories()[3], classes);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->contiguous);
  ASSERT_EQ(d->pieces.size(), 2u);
  EXPECT_EQ(d->pieces[0].units,
            (std::vector<CommuneIndex>{3}));  // equal populations: lower index first
  EXPECT_EQ(d->pieces[1].units, (std::vector<CommuneIndex>{12}));
  EXPECT_EQ(d->pieces[1].population, 1000);

  Territory dup{"x", "X", "", {5, 5, 4}};
  auto x = territory_facts(graph(), dup, classes);
  ASSERT_TRUE(x);
  EXPECT_EQ(x->communes, 2u);
  EXPECT_EQ(x->population, 11000);

  Territory bad{"y", "Y", "", {3, 99}};
  auto y = territory_facts(graph(), bad, classes);
  ASSERT_FALSE(y);
  EXPECT_EQ(y.error().field, "communes[1]");
}

TEST(Golden, SizeClassBoundariesAreConfiguration) {
  const auto classes = default_size_classes();
  EXPECT_EQ(size_class(classes, 39'999).id, "T1");
  EXPECT_EQ(size_class(classes, 40'000).id, "T2");
  EXPECT_EQ(size_class(classes, 79'999).id, "T2");
  EXPECT_EQ(size_class(classes, 80'000).id, "T3");
  EXPECT_EQ(size_class(classes, 175'000).id, "T4");
  const std::vector<SizeClass> custom = {{"petite", "", 30'000}, {"grande", "", std::nullopt}};
  ASSERT_TRUE(check_size_classes(custom));
  auto a = territory_facts(graph(), territories()[0], custom);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->size_class, "petite");
  const std::vector<SizeClass> decreasing = {{"a", "", 50}, {"b", "", 40}, {"c", "", std::nullopt}};
  EXPECT_FALSE(check_size_classes(decreasing));
  const std::vector<SizeClass> open_middle = {{"a", "", std::nullopt}, {"b", "", std::nullopt}};
  EXPECT_FALSE(check_size_classes(open_middle));
  EXPECT_FALSE(territory_facts(graph(), territories()[0], decreasing));
}

TEST(Golden, CoverageOfTheDepartementPerFilter) {
  const Cover c = cover();
  const AreaCoverage row = summarize(c, area(AreaKind::departement, "57"));
  EXPECT_EQ(row.total, (Count{16, 84300}));
  EXPECT_EQ(row.covered, (Count{11, 74500}));
  EXPECT_EQ(row.uncovered(), (Count{5, 9800}));
  EXPECT_EQ(row.overlapping, (Count{2, 9000}));  // units 5 (A, C) and 10 (B, C)
  ASSERT_EQ(row.by_filter.size(), 3u);
  EXPECT_EQ(row.by_filter[0], (Count{6, 28000}));   // A and D
  EXPECT_EQ(row.by_filter[1], (Count{10, 73000}));  // A, B and D
  EXPECT_EQ(row.by_filter[2], (Count{11, 74500}));  // every territory
  EXPECT_EQ(row.uncovered(0), (Count{10, 56300}));
  EXPECT_EQ(c.territory_population(2), 10500);
  EXPECT_EQ(std::vector<std::uint32_t>(c.territories_of(5).begin(), c.territories_of(5).end()),
            (std::vector<std::uint32_t>{0, 2}));
}

TEST(Golden, CoverageByEpciInOnePass) {
  const auto rows = summarize_all(cover(), AreaKind::epci);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].area.code, "200000001");
  EXPECT_EQ(rows[0].name, "EPCI 200000001");
  EXPECT_EQ(rows[0].total, (Count{8, 34300}));
  EXPECT_EQ(rows[0].covered, (Count{5, 27000}));
  EXPECT_EQ(rows[0].overlapping, (Count{1, 3000}));
  EXPECT_EQ(rows[0].by_filter[0], (Count{5, 27000}));
  EXPECT_EQ(rows[1].total, (Count{8, 50000}));
  EXPECT_EQ(rows[1].covered, (Count{6, 47500}));
  EXPECT_EQ(rows[1].by_filter[0], (Count{1, 1000}));
  // The same as summarize on each EPCI's units.
  const AreaCoverage est = summarize(cover(), area(AreaKind::epci, "200000002"));
  EXPECT_EQ(est.covered, rows[1].covered);
  const auto france = summarize_all(cover(), AreaKind::france);
  ASSERT_EQ(france.size(), 1u);
  EXPECT_EQ(france[0].name, "France");
  EXPECT_EQ(france[0].covered, (Count{11, 74500}));
}

TEST(Golden, Overlaps) {
  const Overlaps o = overlaps(cover(), area(AreaKind::departement, "57"));
  EXPECT_EQ(o.units, (std::vector<CommuneIndex>{5, 10}));
  EXPECT_EQ(o.population, 9000);
  ASSERT_EQ(o.pairs.size(), 2u);
  EXPECT_EQ(o.pairs[0].a, 1u);  // B × C: 6 000 inhabitants, first
  EXPECT_EQ(o.pairs[0].b, 2u);
  EXPECT_EQ(o.pairs[0].units, (std::vector<CommuneIndex>{10}));
  EXPECT_EQ(o.pairs[0].population, 6000);
  EXPECT_EQ(o.pairs[1].a, 0u);
  EXPECT_EQ(o.pairs[1].b, 2u);
  // Among ACI-signed territories only (A, D), nothing overlaps.
  EXPECT_TRUE(overlaps(cover(), area(AreaKind::departement, "57"), 0).units.empty());
}

TEST(Golden, WhiteZones) {
  const auto zones = white_zones(cover(), area(AreaKind::departement, "57"));
  ASSERT_EQ(zones.size(), 3u);
  EXPECT_EQ(zones[0].units, (std::vector<CommuneIndex>{8, 9, 13}));
  EXPECT_EQ(zones[0].population, 7300);
  EXPECT_EQ(zones[1].units, (std::vector<CommuneIndex>{2}));
  EXPECT_EQ(zones[2].units, (std::vector<CommuneIndex>{7}));
  EXPECT_EQ(zones[2].population, 500);
  // Under "ACI signé" everything but A and D is white, and connected.
  const auto signed_only = white_zones(cover(), area(AreaKind::departement, "57"), 0);
  ASSERT_EQ(signed_only.size(), 1u);
  EXPECT_EQ(signed_only[0].population, 56300);
  EXPECT_EQ(signed_only[0].units.size(), 10u);
  // Zones are cut at the area's border: in EPCI Est, 2 and 7 are two zones.
  const auto est = white_zones(cover(), area(AreaKind::epci, "200000002"));
  ASSERT_EQ(est.size(), 2u);
  EXPECT_EQ(est[0].units, (std::vector<CommuneIndex>{2}));
  EXPECT_EQ(est[1].units, (std::vector<CommuneIndex>{7}));
}

TEST(Golden, ProposalsAttachSmallZonesToTheSmallestNeighbour) {
  auto p = propose(cover(), area(AreaKind::departement, "57"), {5000, std::nullopt});
  ASSERT_TRUE(p) << p.error().describe();
  ASSERT_EQ(p->size(), 3u);
  EXPECT_EQ((*p)[0].kind, ProposalKind::new_territory);
  EXPECT_EQ((*p)[0].units, (std::vector<CommuneIndex>{8, 9, 13}));
  EXPECT_EQ((*p)[0].population, 7300);
  // Zone {2} touches A (26 000), D (2 000) and C (10 500): D, which becomes 4 000.
  EXPECT_EQ((*p)[1].kind, ProposalKind::attach);
  EXPECT_EQ((*p)[1].units, (std::vector<CommuneIndex>{2}));
  EXPECT_EQ((*p)[1].territory, 3u);
  EXPECT_EQ((*p)[1].territory_population_before, 2000);
  EXPECT_EQ((*p)[1].territory_population_after, 4000);
  // Zone {7} touches D (now 4 000), C (10 500) and B (45 000): D again.
  EXPECT_EQ((*p)[2].units, (std::vector<CommuneIndex>{7}));
  EXPECT_EQ((*p)[2].territory, 3u);
  EXPECT_EQ((*p)[2].territory_population_before, 4000);
  EXPECT_EQ((*p)[2].territory_population_after, 4500);
}

TEST(Golden, ProposalsSplitALargeZoneIntoEvenContiguousGroups) {
  // Under "ACI signé", the white zone of 56 300 inhabitants with a minimum of 20 000:
  //  - seed 15 (20 000) is a group on its own;
  //  - the rest (36 300) is seeded at 14 (12 000) and grows to the nearest units: 13 (same row),
  //    10 (above), then 9 and 11 tie (one diagonal step) and 9 wins on index: {9,10,13,14} = 21
  //    300;
  //  - left over {2,6,7,11} (11 000) touches both groups and joins the smaller, {15}: 31 000;
  //  - left over {8} (4 000) touches only {9,10,13,14}: 25 300.
  auto p = propose(cover(), area(AreaKind::departement, "57"), {20000, 0});
  ASSERT_TRUE(p) << p.error().describe();
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].kind, ProposalKind::new_territory);
  EXPECT_EQ((*p)[0].units, (std::vector<CommuneIndex>{2, 6, 7, 11, 15}));
  EXPECT_EQ((*p)[0].population, 31000);
  EXPECT_EQ((*p)[1].units, (std::vector<CommuneIndex>{8, 9, 10, 13, 14}));
  EXPECT_EQ((*p)[1].population, 25300);
}

TEST(Golden, IsolatedWhenNoTerritoryIsAdjacent) {
  auto none = Cover::compute(graph(), {}, filters());
  ASSERT_TRUE(none);
  auto p = propose(*none, area(AreaKind::departement, "57"), {100000, std::nullopt});
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].kind, ProposalKind::isolated);
  EXPECT_EQ((*p)[0].population, 84300);
  EXPECT_FALSE((*p)[0].territory);
  EXPECT_FALSE(propose(*none, area(AreaKind::departement, "57"), {0, std::nullopt}));
  EXPECT_FALSE(propose(*none, area(AreaKind::departement, "57"), {100, 7}));
}

TEST(Golden, BadInputs) {
  std::vector<Territory> bad = territories();
  bad[2].communes.push_back(42);
  auto c = Cover::compute(graph(), bad, filters());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "territories[2].communes[3]");
  EXPECT_NE(c.error().message.find("territoire « CPTS C » (c)"), std::string::npos);
  std::vector<StageFilter> many(33);
  EXPECT_FALSE(Cover::compute(graph(), territories(), many));
  auto unknown = area_units(graph(), {AreaKind::departement, "99"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
  EXPECT_EQ(unknown.error().message, "département « 99 » inconnu");

  geo::Referentiel not_indexed = grid();
  geo::Referentiel copy;
  copy.communes = not_indexed.communes;  // index() not called on this one
  auto g = UnitGraph::build(copy);
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message.find("index()"), std::string::npos);

  geo::Referentiel broken = grid();
  broken.neighbour_list[0] = 1000;
  broken.index();
  EXPECT_FALSE(UnitGraph::build(broken));
}

}  // namespace
}  // namespace maillage::coverage

namespace maillage::coverage {
namespace {

TEST(Golden, DepartementReport) {
  const auto ts = territories();
  const auto fs = filters();
  auto text = departement_report(cover(), ts, fs, "57", {5000, 10, 15, 3});
  ASSERT_TRUE(text) << text.error().describe();
  // Every figure below is one of the hand-computed values of the tests above.
  const std::string want = R"(Couverture CPTS — Département 57 (57)
16 communes, 84 300 habitants ; 4 territoires présents dans le département

                                             communes   population      part
Total                                              16       84 300   100,0 %
Couvert par au moins un territoire                 11       74 500    88,4 %
  dont ACI signé                                    6       28 000    33,2 %
  dont Projet validé ou plus                       10       73 000    86,6 %
  dont Toutes                                      11       74 500    88,4 %
Non couvert                                         5        9 800    11,6 %
Couvert par plusieurs territoires                   2        9 000    10,7 %

EPCI (communes du département)               communes   population   couvert          Toutes  non couvert
EPCI 200000002                                      8       50 000    95,0 %          95,0 %        2 500
EPCI 200000001                                      8       34 300    78,7 %          78,7 %        7 300

Chevauchements : 2 communes, 9 000 habitants
  CPTS B × CPTS C : 1 commune, 6 000 habitants (C10)
  CPTS A × CPTS C : 1 commune, 3 000 habitants (C5)

Zones blanches : 3 zones, 5 communes, 9 800 habitants
  1. 3 communes, 7 300 habitants : C8, C9, C13
  2. 1 commune, 2 000 habitants : C2
  3. 1 commune, 500 habitants : C7

Propositions (seuil de 5 000 habitants) — à examiner, rien n'est appliqué sans validation :
  1. Nouveau territoire : 3 communes, 7 300 habitants (C8, C9, C13)
  2. Rattacher 1 commune, 2 000 habitants (C2) à CPTS D (2 000 → 4 000 habitants)
  3. Rattacher 1 commune, 500 habitants (C7) à CPTS D (4 000 → 4 500 habitants)
)";
  EXPECT_EQ(*text, want);
  EXPECT_EQ(departement_report(cover(), ts, fs, "99").error().code, ErrorCode::not_found);
}

// Square cells of side 0.25° around each point: A's four cells merge into one polygon, D's two
// cells stay apart.
TEST(Golden, Outline) {
  geo::Referentiel ref = grid();
  ref.cells.resize(ref.communes.size());
  for (std::size_t i = 0; i < ref.communes.size(); ++i) {
    const auto [lat, lon] = ref.communes[i].position;
    const double h = 0.125;
    ref.cells[i] = {geo::Polygon{{{lat - h, lon - h},
                                  {lat - h, lon + h},
                                  {lat + h, lon + h},
                                  {lat + h, lon - h},
                                  {lat - h, lon - h}},
                                 {}}};
  }
  auto g = UnitGraph::build(ref);
  ASSERT_TRUE(g);
  const auto a = territory_outline(*g, territories()[0].communes);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_TRUE(a[0].holes.empty());
  double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
  for (const auto& p : a[0].outer) {
    min_lat = std::min(min_lat, p.lat);
    max_lat = std::max(max_lat, p.lat);
    min_lon = std::min(min_lon, p.lon);
    max_lon = std::max(max_lon, p.lon);
  }
  EXPECT_DOUBLE_EQ(min_lat, -0.125);
  EXPECT_DOUBLE_EQ(max_lat, 0.375);
  EXPECT_DOUBLE_EQ(min_lon, -0.125);
  EXPECT_DOUBLE_EQ(max_lon, 0.375);
  EXPECT_EQ(territory_outline(*g, territories()[3].communes).size(), 2u);
  EXPECT_TRUE(territory_outline(*g, std::vector<CommuneIndex>{}).empty());
}

TEST(Golden, NumberFormats) {
  EXPECT_EQ(format_int(0), "0");
  EXPECT_EQ(format_int(999), "999");
  EXPECT_EQ(format_int(1000), "1 000");
  EXPECT_EQ(format_int(68042000), "68 042 000");
  EXPECT_EQ(format_int(-12345), "-12 345");
  EXPECT_EQ(format_percent(1, 8), "12,5 %");  // 12.5 exactly
  EXPECT_EQ(format_percent(1, 3), "33,3 %");
  EXPECT_EQ(format_percent(2, 3), "66,7 %");
  EXPECT_EQ(format_percent(0, 0), "—");
}

}  // namespace
}  // namespace maillage::coverage
