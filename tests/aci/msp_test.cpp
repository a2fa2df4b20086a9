// MSP schedules, computed by hand: points × 7 €, variable points scaled by patients / 4 000,
// 60 % advance of the socle at 100 % with a 12 000 € floor, balance on 30 April of the next year.
#include <gtest/gtest.h>

#include "aci/document.hpp"
#include "aci/schedule.hpp"
#include "aci_test_util.hpp"

namespace maillage::aci {
namespace {

using test::builtin_book;

TEST(AciMsp, ExampleContractByHand) {
  // Signed 2021-05-10: 2021 counts 236 of 365 days.
  // 2021: accès 1 200 pts → 8 400 € × 236/365 = 5 431.23; coordination 1 000 + 1 700 × 4 800 /
  // 4 000 = 3 040 pts → 21 280 € × 236/365 = 13 759.12 at 100 %, × 80 % = 11 007.30; protocoles
  // 0 %. Socle 19 190.35 → 60 % = 11 514.21 < 12 000: advance 12 000. Total 16 438.53 → balance
  // 4 438.53 (the new-structure minimum of 20 000 € applies: total 20 000, balance 8 000).
  // 2022: coordination 1 000 + 1 700 × 5 200 / 4 000 = 3 210 pts = 22 470 €; accès 8 400 €;
  // protocoles unmeasured → 0 %. Socle 30 870 → advance 18 522; total 30 870 → balance 12 348.
  std::string text = test::source_file("rules/aci/examples/contrat_msp.json");
  auto s = compute_schedule(test::msp(text), builtin_book());
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(test::rows(*s),
            (std::vector<std::string>{"2021-07-31,2021,remuneration,avance,12000.00",
                                      "2022-04-30,2021,remuneration,solde,8000.00",
                                      "2022-07-31,2022,remuneration,avance,18522.00",
                                      "2023-04-30,2022,remuneration,solde,12348.00"}));
  EXPECT_TRUE(s->payments[3].estimated);
  EXPECT_FALSE(s->payments[0].verified);  // the advance date is a working value
}

std::string msp_contract(const std::string& years, const std::string& indicators) {
  return R"({"id": "M", "accord": "msp-2017", "parties": {"msp": {"name": "SISA"},
  "cpam": {"name": "CPAM"}, "ars": {"name": "ARS"}}, "signature": "2021-05-10",
  "years": )" +
         years + R"(, "indicators": )" + indicators + "}";
}

TEST(AciMsp, FullYearsWithoutTheNewStructureMinimum) {
  // 2021: 16 438.53 as above (236/365); 2022: accès 8 400 + coordination 22 470 + protocoles
  // 1 400 = 32 270; advance 18 522 → balance 13 748.
  auto c = test::msp(
      msp_contract(R"([{"year": 2021, "patients": 4800}, {"year": 2022, "patients": 5200}])",
                   R"([{"id": "acces", "category": "prerequis", "fixed_points": 1200,
           "achievements": [{"year": 2021, "rate": 100}, {"year": 2022, "rate": 100}]},
          {"id": "coordination", "category": "socle", "fixed_points": 1000, "variable_points": 1700,
           "achievements": [{"year": 2021, "rate": 80}, {"year": 2022, "rate": 100}]},
          {"id": "protocoles", "category": "optionnel", "fixed_points": 200,
           "achievements": [{"year": 2021, "rate": 0}, {"year": 2022, "rate": 100}]}])"));
  auto s = compute_schedule(c, builtin_book());
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(test::rows(*s),
            (std::vector<std::string>{"2021-07-31,2021,remuneration,avance,12000.00",
                                      "2022-04-30,2021,remuneration,solde,4438.53",
                                      "2022-07-31,2022,remuneration,avance,18522.00",
                                      "2023-04-30,2022,remuneration,solde,13748.00"}));
}

TEST(AciMsp, UnmetPrerequisiteCancelsTheYear) {
  // Prérequis at 90 %: nothing is due for 2023; the advance (60 % of 8 400 + 21 280 = 17 808)
  // is paid back with the balance.
  auto c = test::msp(msp_contract(R"([{"year": 2023, "patients": 4800}])",
                                  R"([{"id": "acces", "category": "prerequis", "fixed_points": 1200,
           "achievements": [{"year": 2023, "rate": 90}]},
          {"id": "coordination", "category": "socle", "fixed_points": 1000, "variable_points": 1700,
           "achievements": [{"year": 2023, "rate": 100}]}])"));
  auto s = compute_schedule(c, builtin_book());
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(test::rows(*s),
            (std::vector<std::string>{"2023-07-31,2023,remuneration,avance,17808.00",
                                      "2024-04-30,2023,remuneration,solde,-17808.00"}));
  bool noted = false;
  for (const auto& n : s->notes)
    noted = noted || n.find("prérequis « acces »") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(AciMsp, SignatureAfterTheAdvanceDate) {
  // Signed 2021-10-01: 92 of 365 days in 2021; the advance is paid at signature.
  // 1 200 pts = 8 400 € × 92/365 = 2 117.26 at 100 % → 60 % = 1 270.36 < 12 000.
  std::string text = msp_contract(R"([{"year": 2021, "patients": 0}])",
                                  R"([{"id": "acces", "category": "prerequis", "fixed_points": 1200,
           "achievements": [{"year": 2021, "rate": 100}]}])");
  text.replace(text.find("2021-05-10"), 10, "2021-10-01");
  auto s = compute_schedule(test::msp(text), builtin_book());
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(test::rows(*s),
            (std::vector<std::string>{"2021-10-01,2021,remuneration,avance,12000.00",
                                      "2022-04-30,2021,remuneration,solde,-9882.74"}));
}

TEST(AciMsp, PointsAndEurosOfEachIndicatorByHand) {
  // Signed 2022-01-01: 2022 is a full year under contract. 2 000 patients (half the 4 000 of
  // reference), so variable points count half.
  //   accès (prérequis) 1 200 pts → 8 400 €, 100 % → 8 400 €;
  //   coordination (prérequis) 1 000 + 1 700 × 2 000 / 4 000 = 1 850 pts → 12 950 €, 100 %;
  //   concertation (socle) 1 000 × 2 000 / 4 000 = 500 pts → 3 500 €, 50 % → 1 750 €;
  //   qualité (optionnel) 100 pts → 700 €, not measured → 0 % → 0 €.
  //   Socle at 100 % = 8 400 + 12 950 + 3 500 = 24 850 € → advance 60 % = 14 910 € (> 12 000);
  //   total 8 400 + 12 950 + 1 750 = 23 100 € → balance 8 190 €.
  std::string text = R"({"id": "M", "accord": "msp-2017", "parties": {"msp": {"name": "SISA"},
  "cpam": {"name": "CPAM"}, "ars": {"name": "ARS"}}, "signature": "2022-01-01",
  "years": [{"year": 2022, "patients": 2000}],
  "indicators": [
    {"id": "acces_soins", "category": "prerequis", "fixed_points": 1200,
     "achievements": [{"year": 2022, "rate": 100}]},
    {"id": "coordination", "category": "prerequis", "fixed_points": 1000, "variable_points": 1700,
     "achievements": [{"year": 2022, "rate": 100}]},
    {"id": "concertation", "category": "socle", "variable_points": 1000,
     "achievements": [{"year": 2022, "rate": 50}]},
    {"id": "demarche_qualite", "category": "optionnel", "fixed_points": 100}]})";
  auto years = msp_years(test::msp(text), builtin_book());
  ASSERT_TRUE(years) << years.error().describe();
  ASSERT_EQ(years->size(), 1u);
  const MspYearResult& y = (*years)[0];
  EXPECT_FALSE(y.partial);
  ASSERT_EQ(y.indicators.size(), 4u);
  std::vector<std::int64_t> points, full, earned;
  for (const auto& i : y.indicators) {
    EXPECT_EQ(i.reference, 4000);
    points.push_back(i.points_x_ref / i.reference);
    full.push_back(i.at_full);
    earned.push_back(i.earned);
  }
  EXPECT_EQ(points, (std::vector<std::int64_t>{1200, 1850, 500, 100}));
  EXPECT_EQ(full, (std::vector<std::int64_t>{840000, 1295000, 350000, 70000}));
  EXPECT_EQ(earned, (std::vector<std::int64_t>{840000, 1295000, 175000, 0}));
  EXPECT_FALSE(y.indicators[3].measured);
  EXPECT_TRUE(y.estimated);
  EXPECT_EQ(y.socle_full, 2485000);
  EXPECT_EQ(y.advance, 1491000);
  EXPECT_EQ(y.total, 2310000);
  EXPECT_EQ(y.balance, 819000);
  EXPECT_TRUE(y.unmet_prerequisite.empty());
  // The schedule pays exactly these amounts.
  auto s = compute_schedule(test::msp(text), builtin_book());
  ASSERT_TRUE(s);
  EXPECT_EQ(test::rows(*s),
            (std::vector<std::string>{"2022-07-31,2022,remuneration,avance,14910.00",
                                      "2023-04-30,2022,remuneration,solde,8190.00"}));
}

TEST(AciMsp, TheCatalogueIsRulesDataWithSources) {
  const Accord* a = builtin_book().find("msp-2017");
  ASSERT_NE(a, nullptr);
  ASSERT_GE(a->msp.indicators.size(), 10u);
  const MspIndicatorRule& access = a->msp.indicators[0];
  EXPECT_EQ(access.id, "acces_soins");
  EXPECT_EQ(access.category, "prerequis");
  EXPECT_EQ(access.fixed_points.value, 1200);
  EXPECT_TRUE(access.fixed_points.provenance.verified);
  EXPECT_EQ(access.fixed_points.provenance.sources, std::vector<std::string>{"annexe7-fiches"});
  int prerequis = 0, socle = 0, optionnel = 0, unverified = 0;
  for (const auto& i : a->msp.indicators) {
    prerequis += i.category == "prerequis";
    socle += i.category == "socle";
    optionnel += i.category == "optionnel";
    unverified += !i.fixed_points.provenance.verified;
    EXPECT_FALSE(i.fixed_points.provenance.sources.empty()) << i.id;
    EXPECT_FALSE(i.variable_points.provenance.sources.empty()) << i.id;
  }
  EXPECT_GT(prerequis, 0);
  EXPECT_GT(socle, 0);
  EXPECT_GT(optionnel, 0);
  EXPECT_GT(unverified, 0);  // what the research did not give is flagged
  // Listed with provenance like every rule value.
  bool listed = false;
  for (const auto& v : list_values(*a)) {
    if (v.key == "msp_indicators.coordination.variable_points") {
      listed = true;
      EXPECT_EQ(v.value, "1\u202f700 points");  // narrow no-break space
    }
  }
  EXPECT_TRUE(listed);
}

TEST(AciMsp, CatalogueErrorsNameFileLineAndKey) {
  std::string base = test::source_file("rules/aci/msp_2017.toml");
  auto load = [&](const std::string& extra) {
    std::vector<RulesFile> files{{"msp.toml", base + extra}};
    auto b = load_rulebook(files);
    return b ? std::string("ok") : b.error().describe();
  };
  EXPECT_NE(load(R"(
[[msp_indicators]]
id = "x"
label = "X"
axis = "A"
category = "facultatif"
fixed_points = { value = 1, verified = false, source = "points-non-trouves" }
variable_points = { value = 0, verified = false, source = "points-non-trouves" }
)").find("catégorie inconnue « facultatif »"),
            std::string::npos);
  EXPECT_NE(load(R"(
[[msp_indicators]]
id = "y"
label = "Y"
axis = "A"
category = "socle"
fixed_points = { value = 1, verified = false, source = "points-non-trouves" }
)").find("variable_points"),
            std::string::npos);
}

TEST(AciMsp, MeasuresOfTheYearsAreMergedIntoTheDocument) {
  std::string terms = R"({"id": "M", "accord": "msp-2017", "parties": {"msp": {"name": "SISA"},
  "cpam": {"name": "CPAM"}, "ars": {"name": "ARS"}}, "signature": "2022-01-01",
  "years": [{"year": 2022, "patients": 1000}],
  "indicators": [{"id": "a", "category": "socle", "fixed_points": 100,
                  "achievements": [{"year": 2022, "rate": 10}]}]})";
  std::vector<DocumentMeasure> measures{{"msp", "patientele", 2022, 3000},
                                        {"msp", "a", 2022, 80},
                                        {"msp", "a", 2023, 50},
                                        {"msp", "inconnu", 2022, 1},
                                        {"acces_soins", "a", 2022, 99}};
  MspContract c = test::msp(merge_msp_measures(terms, measures));
  ASSERT_EQ(c.years.size(), 2u);
  EXPECT_EQ(c.years[0].year, 2022);
  EXPECT_EQ(c.years[0].patients, 3000);  // the measure replaces the terms' patientèle
  EXPECT_EQ(c.years[1].year, 2023);      // a year with a rate and no patientèle yet
  EXPECT_EQ(c.years[1].patients, 0);
  ASSERT_EQ(c.indicators.size(), 1u);
  ASSERT_EQ(c.indicators[0].achievements.size(), 2u);
  EXPECT_EQ(c.indicators[0].achievements[0].year, 2022);
  EXPECT_EQ(c.indicators[0].achievements[0].rate, 800000);  // 80 %, not the terms' 10 %
  EXPECT_EQ(c.indicators[0].achievements[1].rate, 500000);
}

}  // namespace
}  // namespace maillage::aci
