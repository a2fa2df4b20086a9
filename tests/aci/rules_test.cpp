#include "aci/rules.hpp"

#include <gtest/gtest.h>

#include "aci_test_util.hpp"

namespace maillage::aci {
namespace {

using test::builtin_book;

// A minimal complete CPTS accord, for error tests that change one thing.
const char* kMinimal = R"(schema = "maillage-aci-rules/1"
[accord]
id = "mini"
kind = "cpts"
signed = 2019-06-20
effective = { value = 2019-08-25, verified = true, source = "s" }
contract_years = { value = 5, verified = true, source = "s" }
[sources]
s = { title = "Source", url = "https://example.org" }
[[size_classes]]
id = "T1"
population_below = { value = 40000, verified = true, source = "s" }
[[size_classes]]
id = "T2"
[payment]
advance_percent = { value = 75, verified = true, source = "s" }
variable_prorata_first_year = { value = true, verified = false, source = "s" }
[envelopes.amorcage]
T1 = { value = 50000, verified = true, source = "s" }
T2 = { value = 60000, verified = false, source = "s" }
[envelopes.fonctionnement]
T1 = { value = 50000, verified = true, source = "s" }
T2 = { value = 60000, verified = false, source = "s" }
[achievement]
method = { value = "linear", verified = false, source = "s" }
[[missions]]
id = "acces"
label = "Accès"
category = "socle"
start_within_months = { value = 6, verified = true, source = "s" }
deploy_within_months = { value = 18, verified = true, source = "s" }
fixed.T1 = { value = 15000, verified = false, source = "s" }
fixed.T2 = { value = 17500, verified = false, source = "s" }
variable.T1 = { value = 15000, verified = false, source = "s" }
variable.T2 = { value = 17500, verified = false, source = "s" }
)";

Result<RuleBook> load(std::vector<RulesFile> files) { return load_rulebook(files); }

std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(AciRules, BuiltinRulesLoad) {
  const RuleBook& book = builtin_book();
  ASSERT_NE(book.find("cpts-2019"), nullptr);
  ASSERT_NE(book.find("cpts-2019-av2"), nullptr);
  ASSERT_NE(book.find("msp-2017"), nullptr);
  EXPECT_EQ(builtin_rule_files().size(), 3u);
  EXPECT_EQ(builtin_rule_files()[0].name, "rules/aci/cpts_2019.toml");
}

TEST(AciRules, CptsValuesCarrySourceAndStatus) {
  const Accord& a = *builtin_book().find("cpts-2019");
  EXPECT_EQ(a.kind, AccordKind::cpts);
  EXPECT_EQ(a.contract_years.value, 5);
  EXPECT_EQ(a.advance_rate.value, 750000);
  EXPECT_TRUE(a.advance_rate.provenance.verified);
  const auto& fonct = a.envelope("fonctionnement")->amounts;
  EXPECT_EQ(fonct.at("T1").value, 5000000);
  EXPECT_TRUE(fonct.at("T1").provenance.verified);
  EXPECT_EQ(fonct.at("T2").value, 6000000);
  EXPECT_FALSE(fonct.at("T2").provenance.verified);
  EXPECT_FALSE(fonct.at("T2").provenance.note.empty());
  EXPECT_EQ(fonct.at("T2").provenance.file, "rules/aci/cpts_2019.toml");
  EXPECT_GT(fonct.at("T2").provenance.line, 0);
  EXPECT_EQ(fonct.at("T4").value, 9000000);
  ASSERT_EQ(a.missions.size(), 5u);
  EXPECT_EQ(a.missions[0].id, "acces_soins");
  EXPECT_EQ(a.missions[0].start_within_months->value, 6);
  EXPECT_EQ(a.missions[1].deploy_within_months->value, 24);
  EXPECT_EQ(a.mission("qualite")->category, MissionCategory::optionnelle);
  EXPECT_FALSE(a.mission("qualite")->start_within_months);
  // No per-mission amount could be verified: every one says so.
  for (const auto& m : a.missions) {
    for (const auto& [size, v] : m.fixed) EXPECT_FALSE(v.provenance.verified) << m.id << size;
  }
  EXPECT_EQ(a.mission("crise_sanitaire"), nullptr);
  EXPECT_EQ(a.envelope("lettre_intention"), nullptr);
}

TEST(AciRules, AvenantTwoInheritsAndOverrides) {
  const RuleBook& book = builtin_book();
  const Accord& av2 = *book.find("cpts-2019-av2");
  EXPECT_EQ(av2.extends, "cpts-2019");
  EXPECT_TRUE(book.derives_from(av2, "cpts-2019"));
  EXPECT_FALSE(book.derives_from(*book.find("cpts-2019"), "cpts-2019-av2"));
  EXPECT_EQ(av2.envelope("amorcage")->amounts.at("T3").value, 13125000);
  EXPECT_EQ(av2.envelope("amorcage")->amounts.at("T3").provenance.file,
            "rules/aci/cpts_2019_avenant2.toml");
  // Inherited untouched from 2019, with the 2019 file as provenance.
  EXPECT_EQ(av2.envelope("fonctionnement")->amounts.at("T3").value, 7500000);
  EXPECT_EQ(av2.envelope("fonctionnement")->amounts.at("T3").provenance.file,
            "rules/aci/cpts_2019.toml");
  EXPECT_EQ(av2.envelope("lettre_intention")->amounts.at("T4").value, 3000000);
  ASSERT_EQ(av2.missions.size(), 6u);
  EXPECT_EQ(av2.missions.back().id, "crise_sanitaire");
  EXPECT_EQ(av2.mission("crise_sanitaire")->fixed_year_factors->value,
            (std::vector<Ppm>{kPpmOne, 500000}));
  EXPECT_EQ(av2.size_classes.size(), 4u);
}

TEST(AciRules, MspValues) {
  const Accord& m = *builtin_book().find("msp-2017");
  EXPECT_EQ(m.kind, AccordKind::msp);
  EXPECT_EQ(m.msp.point_value.value, 700);
  EXPECT_TRUE(m.msp.point_value.provenance.verified);
  EXPECT_EQ(m.msp.advance_rate.value, 600000);
  EXPECT_EQ(m.msp.advance_minimum.value, 1200000);
  EXPECT_EQ(m.msp.reference_patients.value, 4000);
  EXPECT_FALSE(m.msp.new_structure_minimum.provenance.verified);
  EXPECT_EQ(m.msp.balance_date.value.month, 4u);
  EXPECT_EQ(m.msp.balance_date.value.day, 30u);
}

TEST(AciRules, SizeClassForPopulation) {
  const Accord& a = *builtin_book().find("cpts-2019");
  EXPECT_EQ(a.size_class_for(0)->id, "T1");
  EXPECT_EQ(a.size_class_for(39999)->id, "T1");
  EXPECT_EQ(a.size_class_for(40000)->id, "T2");  // boundary: upper class (documented assumption)
  EXPECT_EQ(a.size_class_for(174999)->id, "T3");
  EXPECT_EQ(a.size_class_for(2'000'000)->id, "T4");
}

TEST(AciRules, ListValuesShowsEveryValueWithItsStatus) {
  const Accord& a = *builtin_book().find("cpts-2019-av2");
  auto values = list_values(a);
  int unverified = 0;
  bool found = false;
  for (const auto& v : values) {
    ASSERT_NE(v.provenance, nullptr);
    EXPECT_FALSE(v.provenance->sources.empty()) << v.key;
    unverified += !v.provenance->verified;
    // Pages show the label, never the key: French words, no identifier.
    EXPECT_FALSE(v.label.empty()) << v.key;
    EXPECT_EQ(v.label.find('_'), std::string::npos) << v.key << " → " << v.label;
    if (v.key == "envelopes.lettre_intention.T2") {
      found = true;
      EXPECT_EQ(v.value, "17 500,00 €");
      EXPECT_NE(v.label.find("(taille T2)"), std::string::npos) << v.label;
      EXPECT_FALSE(v.provenance->verified);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_GT(unverified, 40);
  // Every source a value cites is declared.
  for (const auto& v : values) {
    for (const auto& s : v.provenance->sources) {
      EXPECT_TRUE(builtin_book().sources.count(s)) << s;
    }
  }
}

TEST(AciRules, MinimalAccordLoads) {
  auto book = load({{"mini.toml", kMinimal}});
  ASSERT_TRUE(book) << book.error().describe();
  EXPECT_EQ(book->find("mini")->missions.size(), 1u);
}

struct BadRules {
  std::string name;
  std::string text;
  std::string field;
  std::int64_t line;
  std::string message_part;
};

// gtest prints the case name instead of the bytes of the struct.
void PrintTo(const BadRules& c, std::ostream* os) { *os << c.name; }

class AciRulesErrors : public ::testing::TestWithParam<BadRules> {};

TEST_P(AciRulesErrors, NameFileLineAndKey) {
  const BadRules& b = GetParam();
  auto book = load({{"bad.toml", b.text}});
  ASSERT_FALSE(book) << b.name;
  EXPECT_EQ(book.error().file, "bad.toml") << b.name;
  EXPECT_EQ(book.error().field, b.field) << b.name << ": " << book.error().describe();
  EXPECT_EQ(book.error().line, b.line) << b.name << ": " << book.error().describe();
  EXPECT_NE(book.error().message.find(b.message_part), std::string::npos)
      << b.name << ": " << book.error().describe();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AciRulesErrors,
    ::testing::Values(
        BadRules{"syntax", replace(kMinimal, "id = \"mini\"", "id = \"mini"), "", 3,
                 "TOML invalide"},
        BadRules{"schema", replace(kMinimal, "rules/1", "rules/9"), "schema", 1,
                 "non pris en charge"},
        BadRules{"unknown key", replace(kMinimal, "[payment]\n", "[payment]\nadvance = 3\n"),
                 "payment.advance", 16, "clé inconnue"},
        BadRules{"negative amount",
                 replace(kMinimal,
                         "T1 = { value = 50000, verified = true, source = \"s\" }\nT2 = "
                         "{ value = 60000, verified = false, source = \"s\" }\n[envelopes."
                         "fonctionnement]",
                         "T1 = { value = -5, verified = true, source = \"s\" }\nT2 = { value = "
                         "60000, verified = false, source = \"s\" }\n[envelopes.fonctionnement]"),
                 "envelopes.amorcage.T1.value", 19, "négatif"},
        BadRules{"three decimals", replace(kMinimal, "value = 17500,", "value = 17500.125,"),
                 "missions.acces.fixed.T2.value", 33, "centime"},
        BadRules{"missing verified",
                 replace(kMinimal, "advance_percent = { value = 75, verified = true,",
                         "advance_percent = { value = 75,"),
                 "payment.advance_percent.verified", 16, "manquante"},
        BadRules{"percent above 100",
                 replace(kMinimal, "advance_percent = { value = 75,",
                         "advance_percent = { value = 175,"),
                 "payment.advance_percent.value", 16, "entre 0 et 100"},
        BadRules{"unknown source",
                 replace(kMinimal, "value = 17500, verified = false, source = \"s\"",
                         "value = 17500, verified = false, source = \"nope\""),
                 "missions.acces.fixed.T2.source", 33, "source inconnue"},
        BadRules{"bounds not increasing",
                 replace(kMinimal, "id = \"T2\"\n",
                         "id = \"T2\"\npopulation_below = { value = 100, verified = true, "
                         "source = \"s\" }\n[[size_classes]]\nid = \"T3\"\n"),
                 "size_classes[1].population_below", 15, "croissantes"},
        BadRules{"amount for unknown size",
                 replace(kMinimal, "fixed.T2 = ",
                         "fixed.T9 = { value = 1, verified = false, "
                         "source = \"s\" }\nfixed.T2 = "),
                 "missions.acces.fixed.T9", 33, "taille inconnue"},
        BadRules{"missing size amount",
                 replace(kMinimal,
                         "variable.T2 = { value = 17500, verified = false, source = "
                         "\"s\" }\n",
                         ""),
                 "missions.acces.variable.T2", 0, "manquant"},
        BadRules{"socle without deadlines",
                 replace(kMinimal,
                         "start_within_months = { value = 6, verified = true, source = "
                         "\"s\" }\n",
                         ""),
                 "missions.acces", 0, "délais"},
        BadRules{"bad method", replace(kMinimal, "\"linear\"", "\"quadratic\""),
                 "achievement.method.value", 25, "méthode inconnue"},
        BadRules{"palier rates count",
                 replace(kMinimal, "[achievement]\n",
                         "[achievement]\npalier_rates.2 = { value = [100], verified = false, "
                         "source = \"s\" }\n"),
                 "achievement.palier_rates.2", 25, "2 taux"},
        BadRules{"wrong type",
                 replace(kMinimal, "value = 5, verified", "value = \"cinq\", verified"),
                 "accord.contract_years.value", 7, "entier attendu"}));

TEST(AciRules, ExtendsErrors) {
  std::string child = R"(schema = "maillage-aci-rules/1"
[accord]
id = "child"
extends = "nope"
)";
  auto book = load({{"mini.toml", kMinimal}, {"child.toml", child}});
  ASSERT_FALSE(book);
  EXPECT_EQ(book.error().file, "child.toml");
  EXPECT_EQ(book.error().field, "accord.extends");
  EXPECT_NE(book.error().message.find("inconnue"), std::string::npos);

  std::string a = "schema = \"maillage-aci-rules/1\"\n[accord]\nid = \"a\"\nextends = \"b\"\n";
  std::string b = "schema = \"maillage-aci-rules/1\"\n[accord]\nid = \"b\"\nextends = \"a\"\n";
  book = load({{"a.toml", a}, {"b.toml", b}});
  ASSERT_FALSE(book);
  EXPECT_NE(book.error().message.find("cycle"), std::string::npos) << book.error().describe();

  book = load({{"mini.toml", kMinimal}, {"again.toml", kMinimal}});
  ASSERT_FALSE(book);
  EXPECT_EQ(book.error().file, "again.toml");
  EXPECT_NE(book.error().message.find("déjà définie"), std::string::npos);
}

TEST(AciRules, ChildChangesOneValueAndAddsAMission) {
  std::string child = R"(schema = "maillage-aci-rules/1"
[accord]
id = "mini-av"
extends = "mini"
effective = { value = 2022-03-31, verified = false, source = "s" }
[envelopes.fonctionnement]
T2 = { value = 65000.5, verified = true, source = "s" }
[[missions]]
id = "crise"
label = "Crise"
category = "optionnelle"
fixed.T1 = { value = 1, verified = false, source = "s" }
fixed.T2 = { value = 2, verified = false, source = "s" }
variable.T1 = { value = 0, verified = false, source = "s" }
variable.T2 = { value = 0, verified = false, source = "s" }
)";
  auto book = load({{"child.toml", child}, {"mini.toml", kMinimal}});
  ASSERT_TRUE(book) << book.error().describe();
  const Accord& a = *book->find("mini-av");
  EXPECT_EQ(a.envelope("fonctionnement")->amounts.at("T2").value, 6500050);
  EXPECT_EQ(a.envelope("fonctionnement")->amounts.at("T1").value, 5000000);
  EXPECT_EQ(a.missions.size(), 2u);
  EXPECT_EQ(book->find("mini")->missions.size(), 1u);
  EXPECT_EQ(format_date(a.effective.value), "2022-03-31");
}

TEST(AciRules, MspIncompleteIsRefused) {
  std::string text = R"(schema = "maillage-aci-rules/1"
[accord]
id = "m"
kind = "msp"
signed = 2017-04-20
effective = { value = 2017-07-24, verified = false, source = "s" }
contract_years = { value = 5, verified = false, source = "s" }
[sources]
s = { title = "Source" }
[msp]
point_value = { value = 7, verified = true, source = "s" }
)";
  auto book = load({{"m.toml", text}});
  ASSERT_FALSE(book);
  EXPECT_EQ(book.error().field, "msp.advance_percent");
  EXPECT_EQ(book.error().code, ErrorCode::missing_field);
}

}  // namespace
}  // namespace maillage::aci
