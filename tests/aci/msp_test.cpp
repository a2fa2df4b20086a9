// MSP schedules, computed by hand: points × 7 €, variable points scaled by patients / 4 000,
// 60 % advance of the socle at 100 % with a 12 000 € floor, balance on 30 April of the next year.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace maillage::aci
