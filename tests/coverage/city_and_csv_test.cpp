// Cities with arrondissements as coverage units, and the territory CSV import/export.
//
// Référentiel: 01004 Ambérieu (dep 01), 13001 Aix (500), 13002 Éguilles (50), 13055 Marseille
// (city, 300) with arrondissements 13201 (100), 13202 (120), 13203 (80), 2A004 Ajaccio.
// Edges in the référentiel: Aix–Marseille, Aix–Éguilles.
#include <gtest/gtest.h>

#include "coverage/coverage.hpp"
#include "coverage/territory_csv.hpp"
#include "fixtures.hpp"

namespace maillage::coverage {
namespace {

using test::RefBuilder;

const geo::Referentiel& ref() {
  static const geo::Referentiel r = [] {
    RefBuilder b;
    b.commune("01004", "Ambérieu-en-Bugey", "01", "84", "200029999", 14000, 45.9, 5.3);
    const auto aix = b.commune("13001", "Aix-en-Provence", "13", "93", "200054807", 500, 43.5, 5.4);
    const auto eg = b.commune("13002", "Éguilles", "13", "93", "200054807", 50, 43.55, 5.35);
    const auto mrs = b.commune("13055", "Marseille", "13", "93", "200054807", 300, 43.3, 5.4);
    b.commune("2A004", "Ajaccio", "2A", "94", "242010056", 70000, 41.9, 8.7);
    b.arrondissement("13201", "Marseille 1er", "13055", 100, 43.30, 5.38);
    b.arrondissement("13202", "Marseille 2e", "13055", 120, 43.31, 5.36);
    b.arrondissement("13203", "Marseille 3e", "13055", 80, 43.31, 5.38);
    b.edge(aix, mrs);
    b.edge(aix, eg);
    return b.build();
  }();
  return r;
}

const UnitGraph& graph() {
  static const UnitGraph g = *UnitGraph::build(ref());
  return g;
}

CommuneIndex idx(const char* code) { return ref().index_of(*ref().commune(code)); }

TEST(City, ArrondissementsAreTheUnits) {
  const UnitGraph& g = graph();
  EXPECT_FALSE(g.is_unit(idx("13055")));
  EXPECT_TRUE(g.is_unit(idx("13201")));
  EXPECT_EQ(g.units().size(), 7u);
  const auto e = g.expand(idx("13055"));
  EXPECT_EQ(std::vector<CommuneIndex>(e.begin(), e.end()),
            (std::vector<CommuneIndex>{idx("13201"), idx("13202"), idx("13203")}));
  // An arrondissement touches its siblings and its city's neighbours; Aix touches every
  // arrondissement.
  const auto n1 = g.neighbours(idx("13201"));
  EXPECT_EQ(std::vector<CommuneIndex>(n1.begin(), n1.end()),
            (std::vector<CommuneIndex>{idx("13001"), idx("13202"), idx("13203")}));
  const auto na = g.neighbours(idx("13001"));
  EXPECT_EQ(std::vector<CommuneIndex>(na.begin(), na.end()),
            (std::vector<CommuneIndex>{idx("13002"), idx("13201"), idx("13202"), idx("13203")}));
  // Areas: arrondissements belong to their city's département and EPCI.
  EXPECT_EQ(g.ref().departements[g.departement_of(idx("13202"))].code, "13");
  EXPECT_EQ(g.ref().epcis[g.epci_of(idx("13202"))].code, "200054807");
}

TEST(City, ATerritoryNamingTheCityCoversEveryArrondissement) {
  const std::vector<Territory> ts = {{"m", "CPTS Marseille", "aci_signe", {idx("13055")}},
                                     {"c", "CPTS Marseille Centre", "pre_projet", {idx("13201")}}};
  auto c = Cover::compute(graph(), ts, {});
  ASSERT_TRUE(c);
  auto units = area_units(graph(), {AreaKind::departement, "13"});
  ASSERT_TRUE(units);
  EXPECT_EQ(units->size(), 5u);  // Aix, Éguilles and three arrondissements
  const AreaCoverage row = summarize(*c, *units);
  EXPECT_EQ(row.total, (Count{5, 850}));
  EXPECT_EQ(row.covered, (Count{3, 300}));
  EXPECT_EQ(row.overlapping, (Count{1, 100}));
  EXPECT_EQ(c->territory_population(0), 300);
  const auto zones = white_zones(*c, *units);
  ASSERT_EQ(zones.size(), 1u);
  EXPECT_EQ(zones[0].units, (std::vector<CommuneIndex>{idx("13001"), idx("13002")}));

  // Only the 1st arrondissement: Aix connects the other two and Éguilles into one white zone.
  auto centre = Cover::compute(graph(), std::span(ts).subspan(1), {});
  ASSERT_TRUE(centre);
  const auto z2 = white_zones(*centre, *units);
  ASSERT_EQ(z2.size(), 1u);
  EXPECT_EQ(z2[0].units.size(), 4u);
  EXPECT_EQ(z2[0].population, 750);
  auto facts = territory_facts(graph(), ts[0], default_size_classes());
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->communes, 3u);
  EXPECT_TRUE(facts->contiguous);
}

TEST(Csv, ReportNamesEveryLine) {
  FormerCodes former;
  former.add({"13900", "Les Milles", "commune-associee", "13001"});
  ImportOptions opt;
  opt.former = &former;
  const std::string text =
      "\xEF\xBB\xBF"
      "Code INSEE;Nom\r\n"
      "13001;Aix\r\n"
      "1004;Ambérieu\r\n"
      "\r\n"
      "13001;Aix encore\r\n"
      "13999;Inconnue\r\n"
      "13O01;Faute de frappe\r\n"
      "13900;Les Milles\r\n"
      "2a004;Ajaccio\r\n"
      "13055;Marseille\r\n"
      ";\r\n";
  auto r = parse_territory_csv(ref(), "cpts.csv", text, opt);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->rows, 9u);
  ASSERT_EQ(r->territories.size(), 1u);
  const ImportedTerritory& t = r->territories[0];
  EXPECT_EQ(t.name, "Territoire importé");
  EXPECT_EQ(t.communes,
            (std::vector<CommuneIndex>{idx("13001"), idx("01004"), idx("2A004"), idx("13055")}));
  EXPECT_EQ(t.lines, (std::vector<std::int64_t>{2, 3, 9, 10}));
  std::vector<std::pair<std::int64_t, IssueKind>> got;
  for (const auto& i : r->issues) got.emplace_back(i.line, i.kind);
  const std::vector<std::pair<std::int64_t, IssueKind>> want = {
      {3, IssueKind::padded_code},    {5, IssueKind::duplicate},   {6, IssueKind::unknown_code},
      {7, IssueKind::malformed_code}, {8, IssueKind::former_code}, {8, IssueKind::duplicate},
      {11, IssueKind::malformed_code}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(r->count(Severity::error), 3u);
  EXPECT_TRUE(r->has_errors());
  EXPECT_EQ(r->issues[0].describe("cpts.csv"),
            "cpts.csv:3: Code INSEE: code « 1004 » à 4 chiffres complété en « 01004 » (zéro "
            "initial perdu par un tableur)");
  EXPECT_EQ(r->issues[1].message, "13001 (Aix-en-Provence) déjà listée ligne 2 : ignorée");
  EXPECT_EQ(r->issues[2].message, "code INSEE « 13999 » inconnu du référentiel");
  EXPECT_EQ(r->issues[4].message,
            "« 13900 » (Les Milles) est une ancienne commune, associée de 13001 "
            "(Aix-en-Provence) : remplacée par 13001");
  EXPECT_EQ(r->issues[6].message, "code INSEE absent");
  const Status first = r->first_error();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::parse_error);
  EXPECT_EQ(first.error().file, "cpts.csv");
  EXPECT_EQ(first.error().line, 6);
  EXPECT_EQ(first.error().field, "Code INSEE");

  // Without the former-codes table, the old code is simply unknown.
  auto plain = parse_territory_csv(ref(), "cpts.csv", text);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->count(Severity::error), 4u);
}

TEST(Csv, HeaderlessAndSeveralTerritoriesWithStages) {
  auto bare = parse_territory_csv(ref(), "a.csv", "13001\n13002\n");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->territories[0].communes.size(), 2u);
  EXPECT_TRUE(bare->issues.empty());

  ImportOptions opt;
  opt.known_stages = {"aci_signe", "pre_projet"};
  const std::string text =
      "cpts,etape,insee\n"
      "\"CPTS Aix, Pays d'Aix\",aci_signe,13001\n"
      "CPTS Marseille,pre_projet,13201\n"
      "\"CPTS Aix, Pays d'Aix\",,13002\n"
      "\"CPTS Aix, Pays d'Aix\",pre_projet,13001\n"
      "CPTS Marseille,signe,13202\n"
      ",aci_signe,13203\n";
  auto r = parse_territory_csv(ref(), "multi.csv", text, opt);
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->territories.size(), 2u);
  EXPECT_EQ(r->territories[0].name, "CPTS Aix, Pays d'Aix");
  EXPECT_EQ(r->territories[0].stage, "aci_signe");
  EXPECT_EQ(r->territories[0].communes.size(), 2u);
  EXPECT_EQ(r->territories[1].stage, "pre_projet");
  EXPECT_EQ(r->territories[1].communes.size(), 2u);  // the unknown stage does not drop the commune
  std::vector<std::pair<std::int64_t, IssueKind>> got;
  for (const auto& i : r->issues) got.emplace_back(i.line, i.kind);
  const std::vector<std::pair<std::int64_t, IssueKind>> want = {{5, IssueKind::stage_conflict},
                                                                {5, IssueKind::duplicate},
                                                                {6, IssueKind::unknown_stage},
                                                                {7, IssueKind::empty_name}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(r->issues[0].field, "etape");
  EXPECT_NE(r->issues[0].message.find("(« aci_signe », ligne 2)"), std::string::npos);
  EXPECT_NE(r->issues[1].message.find("pour « CPTS Aix, Pays d'Aix »"), std::string::npos);
}

TEST(Csv, FileLevelErrors) {
  auto empty = parse_territory_csv(ref(), "e.csv", "\n  \n");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().file, "e.csv");
  auto no_code = parse_territory_csv(ref(), "h.csv", "nom,population\nAix,500\n");
  ASSERT_FALSE(no_code);
  EXPECT_EQ(no_code.error().line, 1);
  EXPECT_NE(no_code.error().message.find("sans colonne de code INSEE"), std::string::npos);
  auto quote = parse_territory_csv(ref(), "q.csv", "code,nom\n13001,\"Aix\n");
  ASSERT_FALSE(quote);
  EXPECT_EQ(quote.error().line, 2);
}

TEST(Csv, ExportReadsBack) {
  const std::vector<CommuneIndex> communes = {idx("13001"), idx("2A004")};
  const std::string csv = territory_csv(ref(), communes);
  EXPECT_EQ(csv, "code_insee,nom,population\n13001,Aix-en-Provence,500\n2A004,Ajaccio,70000\n");
  auto back = parse_territory_csv(ref(), "x.csv", csv);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->territories[0].communes, communes);
  EXPECT_TRUE(back->issues.empty());

  const std::vector<Territory> ts = {{"1", "CPTS \"Nord\", Aix", "aci_signe", communes},
                                     {"2", "CPTS Sud", "pre_projet", {idx("13055")}}};
  auto multi = parse_territory_csv(ref(), "m.csv", territories_csv(ref(), ts));
  ASSERT_TRUE(multi);
  ASSERT_EQ(multi->territories.size(), 2u);
  EXPECT_EQ(multi->territories[0].name, "CPTS \"Nord\", Aix");
  EXPECT_EQ(multi->territories[0].communes, communes);
  EXPECT_EQ(multi->territories[1].stage, "pre_projet");
}

TEST(FormerCodes, EtalabFile) {
  const std::string json = R"([
    {"code": "13001", "nom": "Aix-en-Provence", "type": "commune-actuelle"},
    {"code": "13001", "nom": "Aix-en-Provence", "type": "commune-deleguee", "chefLieu": "13001"},
    {"code": "13900", "nom": "Les Milles", "type": "commune-associee", "chefLieu": "13001"},
    {"code": "13201", "nom": "Marseille 1er", "type": "arrondissement-municipal", "commune": "13055"}
  ])";
  auto f = parse_etalab_former_communes("communes.json", json);
  ASSERT_TRUE(f) << f.error().describe();
  EXPECT_EQ(f->size(), 1u);  // 13001 keeps its code: not a former code
  ASSERT_NE(f->find("13900"), nullptr);
  EXPECT_EQ(f->find("13900")->current, "13001");
  EXPECT_EQ(f->find("13900")->kind, "commune-associee");

  auto bad = parse_etalab_former_communes("communes.json", "[\n{\"code\": }\n]");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().line, 2);
  auto missing = parse_etalab_former_communes("communes.json",
                                              R"([{"code": "1", "type": "commune-deleguee"}])");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field, "[0]");
}

}  // namespace
}  // namespace maillage::coverage
