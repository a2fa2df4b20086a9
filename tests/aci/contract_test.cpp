#include "aci/contract.hpp"

#include <gtest/gtest.h>

#include "aci_test_util.hpp"

namespace maillage::aci {
namespace {

using test::builtin_book;

const std::string kValid = R"({
  "id": "C1",
  "accord": "cpts-2019",
  "parties": {
    "cpts": {"name": "CPTS A", "finess": "570000001", "rna": "W572000001"},
    "cpam": {"name": "CPAM de Moselle"},
    "ars": {"name": "ARS Grand Est"}
  },
  "signature": "2020-03-02",
  "size_class": "T2",
  "missions": [
    {"mission": "acces_soins", "start": "2020-06-01",
     "amounts": {"fixed": 17500, "variable": "17500.00"},
     "indicators": [{"id": "i1", "baseline": 0,
        "years": [{"year": 1, "paliers": [10, 20], "measured": 12}]}]}
  ]
}
)";

std::string with(const std::string& from, const std::string& to) {
  std::string text = kValid;
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(AciContract, ParsesAValidContract) {
  auto c = parse_contract(kValid, "c.json", builtin_book());
  ASSERT_TRUE(c) << c.error().describe();
  const auto& k = std::get<CptsContract>(*c);
  EXPECT_EQ(k.id, "C1");
  EXPECT_EQ(k.parties.structure.name, "CPTS A");
  EXPECT_EQ(k.parties.structure.finess, "570000001");
  EXPECT_EQ(k.size_class, "T2");
  ASSERT_EQ(k.missions.size(), 1u);
  EXPECT_EQ(k.missions[0].fixed, 1750000);
  EXPECT_EQ(k.missions[0].variable, 1750000);
  ASSERT_EQ(k.missions[0].indicators.size(), 1u);
  EXPECT_EQ(k.missions[0].indicators[0].years[0].paliers, (std::vector<double>{10, 20}));
  EXPECT_EQ(k.missions[0].indicators[0].years[0].measured, 12);
}

TEST(AciContract, DecimalAmounts) {
  auto c = parse_contract(with("\"fixed\": 17500", "\"fixed\": 17500.5"), "c.json", builtin_book());
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(std::get<CptsContract>(*c).missions[0].fixed, 1750050);
  c = parse_contract(with("\"fixed\": 17500", "\"fixed\": \"17 500,25\""), "c.json",
                     builtin_book());
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(std::get<CptsContract>(*c).missions[0].fixed, 1750025);
}

TEST(AciContract, ShippedExamplesParse) {
  for (const char* file :
       {"rules/aci/examples/contrat_cpts.json", "rules/aci/examples/contrat_msp.json"}) {
    std::string text = test::source_file(file);
    ASSERT_FALSE(text.empty()) << file;
    auto c = parse_contract(text, file, builtin_book());
    ASSERT_TRUE(c) << c.error().describe();
    auto s = compute_schedule(*c, builtin_book());
    ASSERT_TRUE(s) << s.error().describe();
    EXPECT_FALSE(s->payments.empty());
  }
}

struct BadContract {
  std::string name;
  std::string text;
  ErrorCode code;
  std::string field;
  std::int64_t line;
  std::string message_part;
};

// gtest prints the case name instead of the bytes of the struct.
void PrintTo(const BadContract& c, std::ostream* os) { *os << c.name; }

class AciContractErrors : public ::testing::TestWithParam<BadContract> {};

TEST_P(AciContractErrors, NameFileLineAndField) {
  const BadContract& b = GetParam();
  auto c = parse_contract(b.text, "contrat.json", builtin_book());
  ASSERT_FALSE(c) << b.name;
  const Error& e = c.error();
  EXPECT_EQ(e.file, "contrat.json") << b.name;
  EXPECT_EQ(e.code, b.code) << b.name << ": " << e.describe();
  EXPECT_EQ(e.field, b.field) << b.name << ": " << e.describe();
  EXPECT_EQ(e.line, b.line) << b.name << ": " << e.describe();
  EXPECT_NE(e.message.find(b.message_part), std::string::npos) << b.name << ": " << e.describe();
}

using enum ErrorCode;

INSTANTIATE_TEST_SUITE_P(
    Cases, AciContractErrors,
    ::testing::Values(
        BadContract{"missing id", with("\"id\": \"C1\",\n", ""), missing_field, "id", 1,
                    "manquant"},
        BadContract{"missing party name",
                    with("\"cpam\": {\"name\": \"CPAM de Moselle\"}",
                         "\"cpam\": {\"finess\": \"570000002\"}"),
                    missing_field, "parties.cpam.name", 6, "manquant"},
        BadContract{"trailing comma", with("\"ars\": {\"name\": \"ARS Grand Est\"}\n", ""),
                    invalid_json, "", 7, "JSON invalide"},
        BadContract{"missing party", with(",\n    \"ars\": {\"name\": \"ARS Grand Est\"}", ""),
                    missing_field, "parties.ars", 4, "manquant"},
        BadContract{"negative amount", with("\"fixed\": 17500", "\"fixed\": -5"), invalid_input,
                    "missions[0].amounts.fixed", 13, "négatif"},
        BadContract{"negative text amount",
                    with("\"variable\": \"17500.00\"", "\"variable\": \"-17500.00\""),
                    invalid_input, "missions[0].amounts.variable", 13, "négatif"},
        BadContract{"three decimals", with("\"fixed\": 17500", "\"fixed\": 17500.125"),
                    invalid_input, "missions[0].amounts.fixed", 13, "montant invalide"},
        BadContract{"start before signature",
                    with("\"start\": \"2020-06-01\"", "\"start\": \"2020-01-01\""), invalid_input,
                    "missions[0].start", 12, "avant la signature"},
        BadContract{"deployed before start",
                    with("\"start\": \"2020-06-01\"",
                         "\"start\": \"2020-06-01\", \"deployed\": \"2020-05-31\""),
                    invalid_input, "missions[0].deployed", 12, "avant le démarrage"},
        BadContract{"start after the end",
                    with("\"start\": \"2020-06-01\"", "\"start\": \"2025-03-02\""), invalid_input,
                    "missions[0].start", 12, "après la fin"},
        BadContract{"unknown mission", with("\"acces_soins\"", "\"teleconsultation\""),
                    invalid_input, "missions[0].mission", 12, "mission inconnue"},
        BadContract{"mission of a later avenant", with("\"acces_soins\"", "\"crise_sanitaire\""),
                    invalid_input, "missions[0].mission", 12, "mission inconnue"},
        BadContract{"unknown size class", with("\"T2\"", "\"T7\""), invalid_input, "size_class", 10,
                    "taille inconnue"},
        BadContract{"unknown accord", with("\"cpts-2019\"", "\"cpts-2030\""), invalid_input,
                    "accord", 3, "accord inconnu"},
        BadContract{"signature before the accord", with("\"2020-03-02\"", "\"2019-07-01\""),
                    invalid_input, "signature", 9, "avant l'entrée en vigueur"},
        BadContract{"wrong type", with("\"signature\": \"2020-03-02\"", "\"signature\": 20200302"),
                    wrong_type, "signature", 9, "texte attendu"},
        BadContract{"impossible date", with("\"2020-03-02\"", "\"2020-02-30\""), invalid_input,
                    "signature", 9, "date invalide"},
        BadContract{"unknown field", with("\"id\": \"C1\",", "\"id\": \"C1\", \"colour\": 3,"),
                    unknown_field, "colour", 2, "champ inconnu"},
        BadContract{"unknown nested field", with("\"measured\": 12", "\"measure\": 12"),
                    unknown_field, "missions[0].indicators[0].years[0].measure", 15,
                    "champ inconnu"},
        BadContract{
            "duplicate field",
            with("\"size_class\": \"T2\",", "\"size_class\": \"T2\",\n  \"size_class\": \"T3\","),
            invalid_input, "size_class", 11, "en double"},
        BadContract{"syntax error", with("\"size_class\": \"T2\",", "\"size_class\": \"T2\",,"),
                    invalid_json, "", 10, "JSON invalide"},
        BadContract{"paliers out of order", with("[10, 20]", "[20, 10]"), invalid_input,
                    "missions[0].indicators[0].years[0].paliers[1]", 15, "paliers"},
        BadContract{"indicator year outside the contract", with("\"year\": 1", "\"year\": 6"),
                    invalid_input, "missions[0].indicators[0].years[0].year", 15,
                    "hors du contrat"},
        BadContract{"target equal to baseline", with("[10, 20]", "[0]"), invalid_input,
                    "missions[0].indicators[0].years[0].paliers", 15, "direction"},
        BadContract{"negative population",
                    with("\"size_class\": \"T2\",", "\"size_class\": \"T2\", \"population\": -3,"),
                    invalid_input, "population", 10, "hors limites"},
        BadContract{"lettre d'intention after signature",
                    with("\"size_class\": \"T2\",",
                         "\"size_class\": \"T2\", \"lettre_intention\": \"2020-04-01\","),
                    invalid_input, "lettre_intention", 10, "postérieure"},
        BadContract{"avenant before signature",
                    with("\"size_class\": \"T2\",",
                         "\"size_class\": \"T2\", \"avenants\": [{\"accord\": \"cpts-2019-av2\", "
                         "\"from\": \"2020-01-01\"}],"),
                    invalid_input, "avenants[0].from", 10, "après la signature"},
        BadContract{"avenant of another kind",
                    with("\"size_class\": \"T2\",",
                         "\"size_class\": \"T2\", \"avenants\": [{\"accord\": \"msp-2017\", "
                         "\"from\": \"2022-01-01\"}],"),
                    invalid_input, "avenants[0].accord", 10, "accord inconnu"},
        BadContract{"avenant back to an earlier version",
                    with("\"size_class\": \"T2\",",
                         "\"size_class\": \"T2\", \"avenants\": [{\"accord\": \"cpts-2019-av2\", "
                         "\"from\": \"2021-01-01\"}, {\"accord\": \"cpts-2019\", \"from\": "
                         "\"2022-01-01\"}],"),
                    invalid_input, "avenants[1].accord", 10, "ne modifie pas"},
        BadContract{"year amounts outside the contract",
                    with("\"variable\": \"17500.00\"}",
                         "\"variable\": \"17500.00\", \"by_year\": [{\"year\": 9, \"fixed\": 1}]}"),
                    invalid_input, "missions[0].amounts.by_year[0].year", 13, "hors du contrat"},
        BadContract{"invalid FINESS", with("570000001", "57-01"), invalid_input,
                    "parties.cpts.finess", 5, "FINESS"},
        BadContract{"not an object", "[1, 2]", wrong_type, "", 1, "objet JSON"},
        BadContract{"too deep",
                    with("\"id\": \"C1\",", "\"id\": \"C1\", \"x\": " + std::string(40, '[') +
                                                std::string(40, ']') + ","),
                    invalid_json, "", 2, "trop imbriqué"},
        BadContract{"huge measure", with("\"measured\": 12", "\"measured\": 1e300"), invalid_input,
                    "missions[0].indicators[0].years[0].measured", 15, "hors limites"}));

TEST(AciContract, AvenantMissionStartsAfterTheAvenant) {
  std::string text = with("\"size_class\": \"T2\",",
                          "\"size_class\": \"T2\", \"avenants\": [{\"accord\": \"cpts-2019-av2\", "
                          "\"from\": \"2022-04-01\"}],");
  const std::string from = "\"acces_soins\", \"start\": \"2020-06-01\"";
  text.replace(text.find(from), from.size(), "\"crise_sanitaire\", \"start\": \"2022-03-01\"");
  auto c = parse_contract(text, "c.json", builtin_book());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "missions[0].start");
  EXPECT_NE(c.error().message.find("avant l'application de cpts-2019-av2"), std::string::npos)
      << c.error().describe();
  text.replace(text.find("2022-03-01"), 10, "2022-04-01");
  c = parse_contract(text, "c.json", builtin_book());
  EXPECT_TRUE(c) << c.error().describe();
}

TEST(AciContract, ValidateWorksWithoutAFile) {
  CptsContract c = test::cpts(kValid);
  c.missions[0].fixed = -100;
  auto ok = validate(c, builtin_book());
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().field, "missions[0].amounts.fixed");
  EXPECT_EQ(ok.error().line, 0);
  EXPECT_EQ(ok.error().describe(), "missions[0].amounts.fixed: montant négatif : -1,00 €");
}

TEST(AciContract, MspContractErrors) {
  std::string text = test::source_file("rules/aci/examples/contrat_msp.json");
  auto bad = text;
  bad.replace(bad.find("\"rate\": 80"), 10, "\"rate\": 180");
  auto c = parse_contract(bad, "msp.json", builtin_book());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "indicators[1].achievements[0].rate");
  EXPECT_GT(c.error().line, 0);
  bad = text;
  bad.replace(bad.find("\"year\": 2022, \"patients\""), 13, "\"year\": 2029,");
  c = parse_contract(bad, "msp.json", builtin_book());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "years[1].year");
  EXPECT_NE(c.error().message.find("hors du contrat"), std::string::npos) << c.error().describe();
  bad = text;
  bad.replace(bad.find("\"prerequis\""), 11, "\"premium\"");
  c = parse_contract(bad, "msp.json", builtin_book());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "indicators[0].category");
}

}  // namespace
}  // namespace maillage::aci

namespace maillage::aci {
namespace {

// Found by the fuzzer: a number no double holds made nlohmann throw out_of_range.
TEST(AciContractJson, HugeNumberIsAnErrorNotAnException) {
  auto c = parse_contract(R"({"id": 5e5555})", "x.json", test::builtin_book());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::invalid_json);
  EXPECT_EQ(c.error().file, "x.json");
}

}  // namespace
}  // namespace maillage::aci
