// Golden contracts: each schedule below was computed by hand from the rules files (amounts in
// rules/aci/*.toml, 75 % advances, pro rata by days, one half-up rounding per amount) and is
// written out line by line: date, contract year, envelope, kind, amount. The arithmetic of the
// non-trivial lines is given in comments.
#include <gtest/gtest.h>

#include "aci/schedule.hpp"
#include "aci_test_util.hpp"

namespace maillage::aci {
namespace {

using test::builtin_book;

// Parties are the same in every golden contract; only the economics change.
std::string contract(const std::string& body) {
  return R"({"id": "G", "parties": {"cpts": {"name": "CPTS test"}, "cpam": {"name": "CPAM"},
  "ars": {"name": "ARS"}}, )" +
         body + "}";
}

struct Golden {
  std::string name;
  std::string json;
  std::vector<std::string> expected;
  Ppm unmeasured_rate = 0;
};

// gtest prints the case name instead of the bytes of the struct.
void PrintTo(const Golden& c, std::ostream* os) { *os << c.name; }

class AciGolden : public ::testing::TestWithParam<Golden> {};

// A fictitious avenant that raises fonctionnement and the T1 prevention fixed part, to check that
// each contract year takes the amounts of the version in force when it begins.
const char* kTestAvenant = R"(schema = "maillage-aci-rules/1"
[accord]
id = "test-avenant"
extends = "cpts-2019"
effective = { value = 2022-01-01, verified = false, source = "formule-non-trouvee" }
[envelopes.fonctionnement]
T1 = { value = 80000, verified = false, source = "formule-non-trouvee" }
[[missions]]
id = "prevention"
fixed.T1 = { value = 12000, verified = false, source = "formule-non-trouvee" }
)";

const RuleBook& book_with_test_avenant() {
  static const RuleBook book = [] {
    std::vector<RulesFile> files(builtin_rule_files().begin(), builtin_rule_files().end());
    files.push_back({"test_avenant.toml", kTestAvenant});
    auto b = load_rulebook(files);
    EXPECT_TRUE(b) << b.error().describe();
    return b ? *b : RuleBook{};
  }();
  return book;
}

TEST_P(AciGolden, ScheduleMatchesTheHandComputation) {
  const Golden& g = GetParam();
  const RuleBook& book = book_with_test_avenant();
  auto c = parse_contract(contract(g.json), g.name + ".json", book);
  ASSERT_TRUE(c) << c.error().describe();
  ScheduleOptions options;
  options.unmeasured_rate = g.unmeasured_rate;
  auto s = compute_schedule(*c, book, options);
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(test::rows(*s), g.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Contracts, AciGolden,
    ::testing::Values(
        // G1. T1, no mission: amorçage at signature, then fonctionnement 75 % / 25 %.
        Golden{"G1_T1_fonctionnement_seul",
               R"("accord": "cpts-2019", "signature": "2020-01-15", "size_class": "T1")",
               {"2020-01-15,1,amorcage,versement,50000.00",
                "2021-01-15,2,fonctionnement,avance,37500.00",
                "2022-01-15,2,fonctionnement,solde,12500.00",
                "2022-01-15,3,fonctionnement,avance,37500.00",
                "2023-01-15,3,fonctionnement,solde,12500.00",
                "2023-01-15,4,fonctionnement,avance,37500.00",
                "2024-01-15,4,fonctionnement,solde,12500.00",
                "2024-01-15,5,fonctionnement,avance,37500.00",
                "2025-01-15,5,fonctionnement,solde,12500.00"}},

        // G2. T2, prevention from the signature (whole years), linear indicator 80 %, 75 %,
        // 100 %. Fixed 15 000: 11 250 + 3 750; variable 15 000 × rate.
        Golden{"G2_T2_mission_des_la_signature",
               R"("accord": "cpts-2019", "signature": "2021-03-01", "size_class": "T2",
               "duration_years": 3,
               "missions": [{"mission": "prevention", "start": "2021-03-01",
                 "indicators": [{"id": "depistage", "baseline": 0, "years": [
                   {"year": 1, "paliers": [100], "measured": 80},
                   {"year": 2, "paliers": [200], "measured": 150},
                   {"year": 3, "paliers": [300], "measured": 300}]}]}])",
               {"2021-03-01,1,amorcage,versement,60000.00",
                "2021-03-01,1,prevention.fixe,avance,11250.00",
                "2022-03-01,1,prevention.fixe,solde,3750.00",
                "2022-03-01,1,prevention.variable,versement,12000.00",
                "2022-03-01,2,fonctionnement,avance,45000.00",
                "2022-03-01,2,prevention.fixe,avance,11250.00",
                "2023-03-01,2,fonctionnement,solde,15000.00",
                "2023-03-01,2,prevention.fixe,solde,3750.00",
                "2023-03-01,2,prevention.variable,versement,11250.00",
                "2023-03-01,3,fonctionnement,avance,45000.00",
                "2023-03-01,3,prevention.fixe,avance,11250.00",
                "2024-03-01,3,fonctionnement,solde,15000.00",
                "2024-03-01,3,prevention.fixe,solde,3750.00",
                "2024-03-01,3,prevention.variable,versement,15000.00"}},

        // G3. T3 signed mid-year (2019-09-16), access mission started 2020-02-01: year 1 has 366
        // days, the mission 228 of them. Fixed 25 000 × 228/366 = 15 573.77 (rounded once);
        // advance 75 % × 25 000 × 228/366 = 11 680.33; balance 3 893.44. Paliers 50 % / 100 %:
        // year 1 one palier of two reached → 25 000 × 228/366 × 50 % = 7 786.89.
        Golden{"G3_T3_signature_en_cours_d_annee",
               R"("accord": "cpts-2019", "signature": "2019-09-16", "size_class": "T3",
               "missions": [{"mission": "acces_soins", "start": "2020-02-01",
                 "indicators": [{"id": "patients_mt", "baseline": 0, "method": "paliers",
                   "years": [{"year": 1, "paliers": [50, 100], "measured": 70},
                             {"year": 2, "paliers": [100, 200], "measured": 250},
                             {"year": 3, "paliers": [150, 300], "measured": 100},
                             {"year": 4, "paliers": [200, 400], "measured": 200},
                             {"year": 5, "paliers": [250, 500], "measured": 500}]}]}])",
               {"2019-09-16,1,amorcage,versement,75000.00",
                "2020-02-01,1,acces_soins.fixe,avance,11680.33",
                "2020-09-16,1,acces_soins.fixe,solde,3893.44",
                "2020-09-16,1,acces_soins.variable,versement,7786.89",
                "2020-09-16,2,fonctionnement,avance,56250.00",
                "2020-09-16,2,acces_soins.fixe,avance,18750.00",
                "2021-09-16,2,fonctionnement,solde,18750.00",
                "2021-09-16,2,acces_soins.fixe,solde,6250.00",
                "2021-09-16,2,acces_soins.variable,versement,25000.00",
                "2021-09-16,3,fonctionnement,avance,56250.00",
                "2021-09-16,3,acces_soins.fixe,avance,18750.00",
                "2022-09-16,3,fonctionnement,solde,18750.00",
                "2022-09-16,3,acces_soins.fixe,solde,6250.00",
                "2022-09-16,3,acces_soins.variable,versement,0.00",
                "2022-09-16,4,fonctionnement,avance,56250.00",
                "2022-09-16,4,acces_soins.fixe,avance,18750.00",
                "2023-09-16,4,fonctionnement,solde,18750.00",
                "2023-09-16,4,acces_soins.fixe,solde,6250.00",
                "2023-09-16,4,acces_soins.variable,versement,12500.00",
                "2023-09-16,5,fonctionnement,avance,56250.00",
                "2023-09-16,5,acces_soins.fixe,avance,18750.00",
                "2024-09-16,5,fonctionnement,solde,18750.00",
                "2024-09-16,5,acces_soins.fixe,solde,6250.00",
                "2024-09-16,5,acces_soins.variable,versement,25000.00"}},

        // G4. T4, two missions. Prevention from 2020-12-01: 211 of 365 days, fixed 20 000 →
        // 11 561.64 of which advance 8 671.23; decreasing indicator 1 000 → 900, measured 950:
        // 50 % → 20 000 × 211/365 × 50 % = 5 780.82. Parcours started late (2021-08-02, year 2):
        // 332 of 365 days, fixed 50 000 → 45 479.45, advance 34 109.59; two indicators 75 %
        // (weight 2) and 50 % (weight 1) → 666 667 ppm → 50 000 × 332/365 × 0.666667 = 30 319.65.
        Golden{"G4_T4_mission_demarree_en_retard",
               R"("accord": "cpts-2019", "signature": "2020-06-30", "size_class": "T4",
               "duration_years": 2,
               "missions": [
                 {"mission": "parcours", "start": "2021-08-02",
                  "indicators": [
                    {"id": "protocoles", "weight": 2, "baseline": 0,
                     "years": [{"year": 2, "paliers": [4], "measured": 3}]},
                    {"id": "patients_inclus", "baseline": 0,
                     "years": [{"year": 2, "paliers": [10], "measured": 5}]}]},
                 {"mission": "prevention", "start": "2020-12-01",
                  "indicators": [{"id": "passages_urgences", "baseline": 1000,
                    "years": [{"year": 1, "paliers": [900], "measured": 950},
                              {"year": 2, "paliers": [800], "measured": 700}]}]}])",
               {"2020-06-30,1,amorcage,versement,90000.00",
                "2020-12-01,1,prevention.fixe,avance,8671.23",
                "2021-06-30,1,prevention.fixe,solde,2890.41",
                "2021-06-30,1,prevention.variable,versement,5780.82",
                "2021-06-30,2,fonctionnement,avance,67500.00",
                "2021-06-30,2,prevention.fixe,avance,15000.00",
                "2021-08-02,2,parcours.fixe,avance,34109.59",
                "2022-06-30,2,fonctionnement,solde,22500.00",
                "2022-06-30,2,parcours.fixe,solde,11369.86",
                "2022-06-30,2,parcours.variable,versement,30319.65",
                "2022-06-30,2,prevention.fixe,solde,5000.00",
                "2022-06-30,2,prevention.variable,versement,20000.00"}},

        // G5. Signed under avenant 2 (T2): lettre d'intention money before the contract (17 500),
        // amorçage +75 % (105 000), crisis mission from 2022-11-10: 181 of 365 days, fixed
        // 30 000 → 14 876.71 (advance 11 157.53), then 50 % (15 000) for the plan updates. No
        // variable part (0 in the rules). Year 2 has 366 days (29 February 2024).
        Golden{"G5_avenant2_lettre_intention_et_crise",
               R"("accord": "cpts-2019-av2", "signature": "2022-05-10", "size_class": "T2",
               "duration_years": 3, "lettre_intention": "2021-11-20",
               "missions": [{"mission": "crise_sanitaire", "start": "2022-11-10"}])",
               {"2021-11-20,0,lettre_intention,versement,17500.00",
                "2022-05-10,1,amorcage,versement,105000.00",
                "2022-11-10,1,crise_sanitaire.fixe,avance,11157.53",
                "2023-05-10,1,crise_sanitaire.fixe,solde,3719.18",
                "2023-05-10,2,fonctionnement,avance,45000.00",
                "2023-05-10,2,crise_sanitaire.fixe,avance,11250.00",
                "2024-05-10,2,fonctionnement,solde,15000.00",
                "2024-05-10,2,crise_sanitaire.fixe,solde,3750.00",
                "2024-05-10,3,fonctionnement,avance,45000.00",
                "2024-05-10,3,crise_sanitaire.fixe,avance,11250.00",
                "2025-05-10,3,fonctionnement,solde,15000.00",
                "2025-05-10,3,crise_sanitaire.fixe,solde,3750.00"}},

        // G6. Avenant during the contract: signed under 2019 (T1, amorçage 50 000 of 2019, not
        // the avenant's 87 500), avenant 2 applied from 2022-04-01, which brings the crisis
        // mission, started 2022-09-01: 30 of 365 days of year 2 → 25 000 × 30/365 = 2 054.79,
        // advance 1 541.10; then 12 500 a year (50 %).
        Golden{"G6_avenant_en_cours_de_contrat",
               R"("accord": "cpts-2019", "signature": "2020-10-01", "size_class": "T1",
               "avenants": [{"accord": "cpts-2019-av2", "from": "2022-04-01"}],
               "missions": [{"mission": "crise_sanitaire", "start": "2022-09-01"}])",
               {"2020-10-01,1,amorcage,versement,50000.00",
                "2021-10-01,2,fonctionnement,avance,37500.00",
                "2022-09-01,2,crise_sanitaire.fixe,avance,1541.10",
                "2022-10-01,2,fonctionnement,solde,12500.00",
                "2022-10-01,2,crise_sanitaire.fixe,solde,513.69",
                "2022-10-01,3,fonctionnement,avance,37500.00",
                "2022-10-01,3,crise_sanitaire.fixe,avance,9375.00",
                "2023-10-01,3,fonctionnement,solde,12500.00",
                "2023-10-01,3,crise_sanitaire.fixe,solde,3125.00",
                "2023-10-01,4,fonctionnement,avance,37500.00",
                "2023-10-01,4,crise_sanitaire.fixe,avance,9375.00",
                "2024-10-01,4,fonctionnement,solde,12500.00",
                "2024-10-01,4,crise_sanitaire.fixe,solde,3125.00",
                "2024-10-01,5,fonctionnement,avance,37500.00",
                "2024-10-01,5,crise_sanitaire.fixe,avance,9375.00",
                "2025-10-01,5,fonctionnement,solde,12500.00",
                "2025-10-01,5,crise_sanitaire.fixe,solde,3125.00"}},

        // G7. Avenant changing amounts (fictitious test-avenant, from 2022-03-15): year 2 began
        // on 2021-10-01 under 2019 (fonctionnement 50 000, prevention 10 000); years 3 and 4
        // begin under the avenant (80 000 and 12 000). Prevention from 2021-01-01: 273 of 365
        // days → 7 479.45, advance 5 609.59. Variable part set to 0 in the contract.
        Golden{"G7_avenant_qui_change_les_montants",
               R"("accord": "cpts-2019", "signature": "2020-10-01", "size_class": "T1",
               "duration_years": 4,
               "avenants": [{"accord": "test-avenant", "from": "2022-03-15"}],
               "missions": [{"mission": "prevention", "start": "2021-01-01",
                             "amounts": {"variable": 0}}])",
               {"2020-10-01,1,amorcage,versement,50000.00",
                "2021-01-01,1,prevention.fixe,avance,5609.59",
                "2021-10-01,1,prevention.fixe,solde,1869.86",
                "2021-10-01,2,fonctionnement,avance,37500.00",
                "2021-10-01,2,prevention.fixe,avance,7500.00",
                "2022-10-01,2,fonctionnement,solde,12500.00",
                "2022-10-01,2,prevention.fixe,solde,2500.00",
                "2022-10-01,3,fonctionnement,avance,60000.00",
                "2022-10-01,3,prevention.fixe,avance,9000.00",
                "2023-10-01,3,fonctionnement,solde,20000.00",
                "2023-10-01,3,prevention.fixe,solde,3000.00",
                "2023-10-01,4,fonctionnement,avance,60000.00",
                "2023-10-01,4,prevention.fixe,avance,9000.00",
                "2024-10-01,4,fonctionnement,solde,20000.00",
                "2024-10-01,4,prevention.fixe,solde,3000.00"}},

        // G8. Amounts negotiated in the contract (T2 signed on 31 January): amorçage 55 000.50,
        // fonctionnement 58 000 (61 000 in year 3); optional quality mission from 2023-07-31
        // (184 of 365 days) at 11 111.11 fixed (12 000 in year 2) and 9 000 variable; negotiated
        // palier rates 30/60/100 %. Year 1: 11 111.11 × 184/365 = 5 601.22, advance 4 200.91;
        // variable 9 000 × 184/365 × 60 % = 2 722.19. Year 3: 75 % × 11 111.11 = 8 333.3325 →
        // 8 333.33, balance 2 777.78.
        Golden{
            "G8_montants_negocies",
            R"("accord": "cpts-2019", "signature": "2023-01-31", "size_class": "T2",
               "duration_years": 3,
               "amounts": {"amorcage": "55000.50", "fonctionnement": 58000,
                           "fonctionnement_by_year": [{"year": 3, "amount": 61000}]},
               "missions": [{"mission": "qualite", "start": "2023-07-31",
                 "amounts": {"fixed": "11111.11", "variable": 9000,
                             "by_year": [{"year": 2, "fixed": 12000}]},
                 "indicators": [{"id": "revues_pertinence", "baseline": 0, "method": "paliers",
                   "palier_rates": [30, 60, 100],
                   "years": [{"year": 1, "paliers": [1, 2, 3], "measured": 2},
                             {"year": 2, "paliers": [2, 4, 6], "measured": 6},
                             {"year": 3, "paliers": [3, 6, 9], "measured": 2}]}]}])",
            {"2023-01-31,1,amorcage,versement,55000.50", "2023-07-31,1,qualite.fixe,avance,4200.91",
             "2024-01-31,1,qualite.fixe,solde,1400.31",
             "2024-01-31,1,qualite.variable,versement,2722.19",
             "2024-01-31,2,fonctionnement,avance,43500.00",
             "2024-01-31,2,qualite.fixe,avance,9000.00",
             "2025-01-31,2,fonctionnement,solde,14500.00",
             "2025-01-31,2,qualite.fixe,solde,3000.00",
             "2025-01-31,2,qualite.variable,versement,9000.00",
             "2025-01-31,3,fonctionnement,avance,45750.00",
             "2025-01-31,3,qualite.fixe,avance,8333.33",
             "2026-01-31,3,fonctionnement,solde,15250.00",
             "2026-01-31,3,qualite.fixe,solde,2777.78",
             "2026-01-31,3,qualite.variable,versement,0.00"}},

        // G9. Signed on 29 February: anniversaries fall on 28 February in common years. The
        // support mission starts exactly on the first anniversary, so year 2 is whole: 5 000 →
        // 3 750 + 1 250; indicator 4 of 10 → 40 % of 5 000 = 2 000.
        Golden{"G9_signature_29_fevrier",
               R"("accord": "cpts-2019", "signature": "2024-02-29", "size_class": "T1",
               "duration_years": 2,
               "missions": [{"mission": "accompagnement", "start": "2025-02-28",
                 "indicators": [{"id": "etudiants_accueillis", "baseline": 0,
                   "years": [{"year": 2, "paliers": [10], "measured": 4}]}]}])",
               {"2024-02-29,1,amorcage,versement,50000.00",
                "2025-02-28,2,fonctionnement,avance,37500.00",
                "2025-02-28,2,accompagnement.fixe,avance,3750.00",
                "2026-02-28,2,fonctionnement,solde,12500.00",
                "2026-02-28,2,accompagnement.fixe,solde,1250.00",
                "2026-02-28,2,accompagnement.variable,versement,2000.00"}},

        // G10. Partial achievement: in year 1 one indicator at 40 %, the other not measured
        // (prudent forecast: 0 %) → 20 % of 35 000 = 7 000; year 2 has no indicator → 0.
        Golden{"G10_atteinte_partielle_prudente",
               R"("accord": "cpts-2019", "signature": "2021-06-15", "size_class": "T3",
               "duration_years": 2,
               "missions": [{"mission": "parcours", "start": "2021-06-15",
                 "indicators": [
                   {"id": "a", "baseline": 0, "years": [{"year": 1, "paliers": [100], "measured": 40}]},
                   {"id": "b", "baseline": 0, "years": [{"year": 1, "paliers": [10]}]}]}])",
               {"2021-06-15,1,amorcage,versement,75000.00",
                "2021-06-15,1,parcours.fixe,avance,26250.00",
                "2022-06-15,1,parcours.fixe,solde,8750.00",
                "2022-06-15,1,parcours.variable,versement,7000.00",
                "2022-06-15,2,fonctionnement,avance,56250.00",
                "2022-06-15,2,parcours.fixe,avance,26250.00",
                "2023-06-15,2,fonctionnement,solde,18750.00",
                "2023-06-15,2,parcours.fixe,solde,8750.00",
                "2023-06-15,2,parcours.variable,versement,0.00"}},

        // G11. Same contract, ceiling forecast (unmeasured counted at 100 %): (40 + 100) / 2 =
        // 70 % → 24 500 in year 1, 100 % → 35 000 in year 2.
        Golden{"G11_atteinte_partielle_plafond",
               R"("accord": "cpts-2019", "signature": "2021-06-15", "size_class": "T3",
               "duration_years": 2,
               "missions": [{"mission": "parcours", "start": "2021-06-15",
                 "indicators": [
                   {"id": "a", "baseline": 0, "years": [{"year": 1, "paliers": [100], "measured": 40}]},
                   {"id": "b", "baseline": 0, "years": [{"year": 1, "paliers": [10]}]}]}])",
               {"2021-06-15,1,amorcage,versement,75000.00",
                "2021-06-15,1,parcours.fixe,avance,26250.00",
                "2022-06-15,1,parcours.fixe,solde,8750.00",
                "2022-06-15,1,parcours.variable,versement,24500.00",
                "2022-06-15,2,fonctionnement,avance,56250.00",
                "2022-06-15,2,parcours.fixe,avance,26250.00",
                "2023-06-15,2,fonctionnement,solde,18750.00",
                "2023-06-15,2,parcours.fixe,solde,8750.00",
                "2023-06-15,2,parcours.variable,versement,35000.00"},
               kPpmOne},

        // G12. Half-cent rounding: 75 % of 10 000.02 = 7 500.015 → 7 500.02 (half up), balance
        // 2 500.00; 50 % of 100.01 = 50.005 → 50.01. One-year contract: no fonctionnement.
        Golden{"G12_arrondi_au_demi_centime",
               R"("accord": "cpts-2019", "signature": "2022-01-03", "size_class": "T1",
               "duration_years": 1,
               "missions": [{"mission": "prevention", "start": "2022-01-03",
                 "amounts": {"fixed": "10000.02", "variable": "100.01"},
                 "indicators": [{"id": "x", "baseline": 0,
                   "years": [{"year": 1, "paliers": [2], "measured": 1}]}]}])",
               {"2022-01-03,1,amorcage,versement,50000.00",
                "2022-01-03,1,prevention.fixe,avance,7500.02",
                "2023-01-03,1,prevention.fixe,solde,2500.00",
                "2023-01-03,1,prevention.variable,versement,50.01"}},

        // G13. Late access mission (T2): signed 2021-02-15, started 2021-11-15 (92 of 365 days):
        // 17 500 × 92/365 = 4 410.96, advance 3 308.22; no indicator yet (0 %). The parcours
        // mission has no start date: nothing scheduled for it.
        Golden{"G13_T2_acces_en_retard",
               R"("accord": "cpts-2019", "signature": "2021-02-15", "size_class": "T2",
               "duration_years": 2,
               "missions": [{"mission": "acces_soins", "start": "2021-11-15",
                             "deployed": "2023-01-10"},
                            {"mission": "parcours"}])",
               {"2021-02-15,1,amorcage,versement,60000.00",
                "2021-11-15,1,acces_soins.fixe,avance,3308.22",
                "2022-02-15,1,acces_soins.fixe,solde,1102.74",
                "2022-02-15,1,acces_soins.variable,versement,0.00",
                "2022-02-15,2,fonctionnement,avance,45000.00",
                "2022-02-15,2,acces_soins.fixe,avance,13125.00",
                "2023-02-15,2,fonctionnement,solde,15000.00",
                "2023-02-15,2,acces_soins.fixe,solde,4375.00",
                "2023-02-15,2,acces_soins.variable,versement,0.00"}}),
    [](const ::testing::TestParamInfo<Golden>& p) { return p.param.name; });

}  // namespace
}  // namespace maillage::aci
