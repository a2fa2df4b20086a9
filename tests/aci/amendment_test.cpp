// Contractual avenants of a CPTS contract (ContractAmendment): each contract year follows the size
// class in force on its first day; a mission an avenant adds is paid from its start. Expected
// amounts computed by hand from rules/aci/cpts_2019.toml.
#include <gtest/gtest.h>

#include "aci/deadlines.hpp"
#include "aci/document.hpp"
#include "aci/schedule.hpp"
#include "aci_test_util.hpp"

namespace maillage::aci {
namespace {

using test::builtin_book;

std::string contract(const std::string& body) {
  return R"({"id": "AV", "accord": "cpts-2019", "parties": {"cpts": {"name": "CPTS"},
  "cpam": {"name": "CPAM"}, "ars": {"name": "ARS"}}, "signature": "2021-03-01",
  "size_class": "T1", "duration_years": 3, )" +
         body + "}";
}

std::vector<std::string> csv(const std::string& body) {
  ScheduleOptions full;
  full.unmeasured_rate = kPpmOne;  // variable parts at 100 %, to see their size class
  auto s = compute_schedule(test::cpts(contract(body)), builtin_book(), full);
  if (!s) {
    ADD_FAILURE() << s.error().describe();
    return {};
  }
  return test::lines(schedule_csv(*s));
}

TEST(AciAmendment, SizeClassChangeMidContractAppliesFromTheNextContractYear) {
  // Avenant on 2022-09-01 (in year 2, which runs 2022-03-01 → 2023-03-01): T1 → T2, and adds
  // the prévention mission from that day.
  auto lines = csv(R"("missions": [{"mission": "acces_soins", "start": "2021-03-01"},
      {"mission": "prevention", "start": "2022-09-01"}],
      "amendments": [{"from": "2022-09-01", "size_class": "T2", "missions": ["prevention"],
                      "reason": "population au-delà de 40 000"}])");
  // By hand. Year 1 (365 days) and year 2 (365 days) began under T1; year 3 (2023-03-01 →
  // 2024-03-01, 366 days) under T2.
  //   amorçage T1 50 000; fonctionnement y2 T1 50 000 = 37 500 + 12 500;
  //   fonctionnement y3 T2 60 000 = 45 000 + 15 000.
  //   accès aux soins fixe: y1, y2 T1 15 000 = 11 250 + 3 750; y3 T2 17 500 = 13 125 + 4 375;
  //   variable at 100 %: 15 000, 15 000, 17 500.
  //   prévention (added by the avenant, T2 on its start): y2 from 2022-09-01, 181/365 days:
  //   15 000 × 181/365 = 7 438.356… → 7 438.36; advance 75 % = 5 578.767… → 5 578.77;
  //   balance 7 438.36 − 5 578.77 = 1 859.59; variable 15 000 × 181/365 = 7 438.36.
  //   y3: 15 000 = 11 250 + 3 750; variable 15 000.
  std::vector<std::string> expected{
      "date,contract_year,envelope,kind,amount",
      "2021-03-01,1,amorcage,versement,50000.00",
      "2021-03-01,1,acces_soins.fixe,avance,11250.00",
      "2022-03-01,1,acces_soins.fixe,solde,3750.00",
      "2022-03-01,1,acces_soins.variable,versement,15000.00",
      "2022-03-01,2,fonctionnement,avance,37500.00",
      "2022-03-01,2,acces_soins.fixe,avance,11250.00",
      "2022-09-01,2,prevention.fixe,avance,5578.77",
      "2023-03-01,2,fonctionnement,solde,12500.00",
      "2023-03-01,2,acces_soins.fixe,solde,3750.00",
      "2023-03-01,2,acces_soins.variable,versement,15000.00",
      "2023-03-01,2,prevention.fixe,solde,1859.59",
      "2023-03-01,2,prevention.variable,versement,7438.36",
      "2023-03-01,3,fonctionnement,avance,45000.00",
      "2023-03-01,3,acces_soins.fixe,avance,13125.00",
      "2023-03-01,3,prevention.fixe,avance,11250.00",
      "2024-03-01,3,fonctionnement,solde,15000.00",
      "2024-03-01,3,acces_soins.fixe,solde,4375.00",
      "2024-03-01,3,acces_soins.variable,versement,17500.00",
      "2024-03-01,3,prevention.fixe,solde,3750.00",
      "2024-03-01,3,prevention.variable,versement,15000.00",
  };
  EXPECT_EQ(lines, expected);
}

TEST(AciAmendment, AnAvenantOnAnAnniversaryCountsForTheYearItOpens) {
  auto lines = csv(R"("amendments": [{"from": "2022-03-01", "size_class": "T4"}])");
  // Year 2 begins on 2022-03-01, the avenant's date: T4 fonctionnement 90 000 = 67 500 + 22 500.
  EXPECT_EQ(lines[2], "2022-03-01,2,fonctionnement,avance,67500.00");
  EXPECT_EQ(lines[3], "2023-03-01,2,fonctionnement,solde,22500.00");
}

TEST(AciAmendment, SizeClassOnADate) {
  CptsContract c = test::cpts(contract(
      R"("amendments": [{"from": "2022-01-10", "size_class": "T2"},
                        {"from": "2023-01-10", "size_class": "T3"}])"));
  EXPECT_EQ(size_class_on(c, *parse_date("2022-01-09")), "T1");
  EXPECT_EQ(size_class_on(c, *parse_date("2022-01-10")), "T2");
  EXPECT_EQ(size_class_on(c, *parse_date("2024-02-01")), "T3");
}

TEST(AciAmendment, ValidationNamesTheField) {
  auto error = [](const std::string& body) {
    auto c = parse_contract(contract(body), "c.json", builtin_book());
    return c ? std::string("ok") : c.error().field + ": " + c.error().message;
  };
  EXPECT_EQ(error(R"("amendments": [{"from": "2021-03-01", "size_class": "T2"}])"),
            "amendments[0].from: date d'effet (2021-03-01) à placer après la signature et les "
            "avenants précédents");
  EXPECT_EQ(error(R"("amendments": [{"from": "2025-01-01", "size_class": "T2"}])"),
            "amendments[0].from: date d'effet après la fin du contrat (2024-03-01)");
  EXPECT_EQ(error(R"("amendments": [{"from": "2022-05-01", "size_class": "T9"}])"),
            "amendments[0].size_class: taille inconnue « T9 »");
  EXPECT_EQ(error(R"("amendments": [{"from": "2022-05-01"}])"),
            "amendments[0]: avenant sans changement (taille ou missions)");
  EXPECT_EQ(error(R"("amendments": [{"from": "2022-05-01", "missions": ["qualite"]}])"),
            "amendments[0].missions[0]: mission « qualite » ajoutée par l'avenant mais absente "
            "du contrat");
  EXPECT_EQ(error(R"("missions": [{"mission": "qualite", "start": "2022-01-01"}],
                     "amendments": [{"from": "2022-05-01", "missions": ["qualite"]}])"),
            "amendments[0].missions[0]: mission « qualite » démarrée (2022-01-01) avant la date "
            "d'effet de l'avenant qui l'ajoute (2022-05-01)");
  EXPECT_EQ(error(R"("amendments": [{"from": "2022-05-01", "size_class": "T2", "x": 1}])"),
            "amendments[0].x: champ inconnu « x »");
}

TEST(AciAmendment, DeadlinesOfAnAddedMissionRunFromTheAvenant) {
  CptsContract c = test::cpts(contract(
      R"("missions": [{"mission": "prevention"}],
         "amendments": [{"from": "2022-05-01", "missions": ["prevention"]}])"));
  auto d = check_deadlines(c, builtin_book(), *parse_date("2022-06-01"));
  ASSERT_TRUE(d) << d.error().describe();
  bool found = false;
  for (const auto& m : *d) {
    if (m.mission != "prevention") continue;
    found = true;
    // prévention: start within 12 months, counted from the avenant (2022-05-01).
    EXPECT_EQ(format_date(m.counted_from), "2022-05-01");
    ASSERT_TRUE(m.start.deadline);
    EXPECT_EQ(format_date(*m.start.deadline), "2023-05-01");
  }
  EXPECT_TRUE(found);
}

TEST(AciAmendment, DocumentEditsKeepWhatTheyDoNotChange) {
  const std::string terms =
      R"({"id":"X","signature":"2021-03-01","size_class":"T1","missions":[{"mission":"acces_soins","start":"2021-04-01","amounts":{"fixed":1000}},{"mission":"parcours"}]})";
  TermsEdit e;
  e.signature = "2021-03-15";
  e.missions = std::vector<std::pair<std::string, std::string>>{{"acces_soins", "2021-05-01"},
                                                                {"qualite", ""}};
  auto edited = edit_terms(terms, e);
  ASSERT_TRUE(edited);
  auto o = outline_document(*edited);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->signature, "2021-03-15");
  EXPECT_EQ(o->size_class, "T1");
  ASSERT_EQ(o->mission_starts.size(), 2u);
  EXPECT_EQ(o->mission_starts[0], (std::pair<std::string, std::string>{"acces_soins", "2021-05-01"}));
  EXPECT_EQ(o->mission_starts[1], (std::pair<std::string, std::string>{"qualite", ""}));
  ASSERT_EQ(o->amounts.size(), 1u);  // the kept mission keeps its amounts
  EXPECT_EQ(o->amounts[0].first, "acces_soins");

  auto amended = add_amendment(*edited, {"2022-06-01", "T2", {"parcours"}, "motif"}, {});
  ASSERT_TRUE(amended);
  o = outline_document(*amended);
  ASSERT_EQ(o->amendments.size(), 1u);
  EXPECT_EQ(o->amendments[0].from, "2022-06-01");
  EXPECT_EQ(o->amendments[0].size_class, "T2");
  EXPECT_EQ(o->amendments[0].missions, std::vector<std::string>{"parcours"});
  EXPECT_EQ(o->mission_starts.back(),
            (std::pair<std::string, std::string>{"parcours", "2022-06-01"}));
}

}  // namespace
}  // namespace maillage::aci
