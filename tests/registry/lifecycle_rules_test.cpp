// The lifecycle table parser: a broken table is refused when it is read, with file, line and key.
#include <gtest/gtest.h>

#include <string>

#include "registry/lifecycle.hpp"

namespace maillage::registry {
namespace {

// A minimal valid table; each error test changes one thing in it.
const std::string kMinimal = R"(schema = "maillage-lifecycle/1"
[structure]
kind = "test"
label = "Test"
definite = "la structure"

[[states]]
id = "a"
label = "A"
initial = true

[[states]]
id = "b"
label = "B"

[[states]]
id = "fin"
label = "Fin"
terminal = true

[[transitions]]
event = "aller_b"
label = "Aller en B"
from = "a"
to = "b"
decided_by = ["roc"]
source = "test"

[[transitions]]
event = "finir"
label = "Finir"
from = ["a", "b"]
to = "fin"
decided_by = ["coordinator", "roc", "ars"]
source = "test"

[[timers]]
id = "auto"
label = "Fin automatique"
state = "b"
after = { months = 1, days = 2 }
to = "fin"
event = "auto_fin"
source = "test"

[[deadlines]]
id = "jalon"
label = "Jalon"
counted_from = "b"
within = { days = 10 }
milestone = "x.y"
source = "test"

[[anniversaries]]
id = "anniv"
label = "{n} anniversaire"
counted_from = "b"
count = 3
source = "test"
verified = true

[[stage_groups]]
id = "g"
label = "Groupe"
states = ["b"]
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

TEST(LifecycleRules, MinimalTableParses) {
  auto lc = parse_lifecycle("rules/lifecycle/test.toml", kMinimal);
  ASSERT_TRUE(lc) << lc.error().describe();
  EXPECT_EQ(lc->kind, "test");
  EXPECT_EQ(lc->states.size(), 3u);
  EXPECT_EQ(lc->transitions[1].from, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(lc->timers.size(), 1u);
  EXPECT_EQ(lc->timers[0].after.months, 1);
  EXPECT_EQ(lc->timers[0].after.days, 2);
  EXPECT_EQ(lc->timers[0].notice_days, 30);  // default
  EXPECT_FALSE(lc->timers[0].provenance.verified);
  EXPECT_EQ(lc->deadlines[0].within.days, 10);
  EXPECT_EQ(lc->anniversaries[0].every_months, 12);
  EXPECT_TRUE(lc->anniversaries[0].provenance.verified);
  EXPECT_EQ(lc->states[1].line, 12);
  EXPECT_EQ(lc->transitions[0].decided_by, (std::vector<std::string>{"roc"}));
  EXPECT_EQ(lc->transitions[1].decided_by_label, "le coordinateur, le ROC ou l'ARS");
  EXPECT_TRUE(lc->transitions[1].decided_by_role("ars"));
  EXPECT_FALSE(lc->transitions[0].decided_by_role("ars"));
}

TEST(LifecycleRules, AStepRecordedByAContractHasNoDecider) {
  auto lc = parse_lifecycle(
      "t.toml", replace(kMinimal, "decided_by = [\"roc\"]", "via = \"contrat_aci\""));
  ASSERT_TRUE(lc) << lc.error().describe();
  EXPECT_EQ(lc->transitions[0].via, RecordedVia::aci_contract);
  EXPECT_TRUE(lc->transitions[0].decided_by.empty());
  EXPECT_FALSE(lc->transitions[0].decided_by_role("roc"));
}

struct BadCase {
  const char* name;
  std::string from, to;  // one edit of kMinimal
  std::int64_t line;     // expected error line (0: not checked)
  const char* field;
  const char* message_part;
};

class LifecycleRulesErrors : public testing::TestWithParam<BadCase> {};

TEST_P(LifecycleRulesErrors, NamesFileLineAndKey) {
  const BadCase& c = GetParam();
  auto lc = parse_lifecycle("rules/lifecycle/test.toml", replace(kMinimal, c.from, c.to));
  ASSERT_FALSE(lc) << c.name;
  EXPECT_EQ(lc.error().code, ErrorCode::parse_error);
  EXPECT_EQ(lc.error().file, "rules/lifecycle/test.toml");
  if (c.line != 0) {
    EXPECT_EQ(lc.error().line, c.line) << lc.error().describe();
  }
  EXPECT_EQ(lc.error().field, c.field) << lc.error().describe();
  EXPECT_NE(lc.error().message.find(c.message_part), std::string::npos) << lc.error().describe();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LifecycleRulesErrors,
    testing::Values(
        BadCase{"syntax", "label = \"B\"", "label = \"B", 14, "", "TOML invalide"},
        BadCase{"schema", "maillage-lifecycle/1", "maillage-lifecycle/9", 1, "schema", "inconnu"},
        BadCase{"unknown key", "label = \"B\"", "label = \"B\"\nnotice = 3", 15, "states[1].notice",
                "clé inconnue"},
        BadCase{"no initial", "initial = true\n", "\n", 0, "states", "exactement un état initial"},
        BadCase{"initial and terminal", "label = \"A\"\ninitial = true",
                "label = \"A\"\ninitial = true\nterminal = true", 7, "states[0]",
                "initial et terminal"},
        BadCase{"duplicate id", "id = \"b\"", "id = \"a\"", 12, "states[1].id", "déjà utilisé"},
        BadCase{"event equal to a state", "event = \"aller_b\"", "event = \"b\"", 0,
                "transitions[0].event", "déjà utilisé"},
        BadCase{"unknown target", "to = \"b\"", "to = \"c\"", 0, "transitions[0].to",
                "état « c » inconnu"},
        BadCase{"from terminal", "from = [\"a\", \"b\"]", "from = [\"a\", \"fin\"]", 0,
                "transitions[1].from", "terminal"},
        BadCase{"two moves to one target", "from = \"a\"\nto = \"b\"", "from = \"a\"\nto = \"fin\"",
                0, "transitions", "deux transitions"},
        BadCase{"timer without transition", "to = \"fin\"\nevent = \"auto_fin\"",
                "to = \"a\"\nevent = \"auto_fin\"", 0, "timers[0].to", "aucune transition"},
        BadCase{"transition without decider", "decided_by = [\"roc\"]\n", "", 0,
                "transitions[0].decided_by", "quels rôles"},
        BadCase{"unknown decider", "decided_by = [\"roc\"]", "decided_by = [\"maire\"]", 0,
                "transitions[0].decided_by", "rôle inconnu « maire »"},
        BadCase{"contract step with deciders", "decided_by = [\"roc\"]",
                "decided_by = [\"roc\"]\nvia = \"contrat_aci\"", 0, "transitions[0].decided_by",
                "aucun rôle"},
        BadCase{"unknown via", "decided_by = [\"roc\"]", "via = \"courrier\"", 0,
                "transitions[0].via", "valeur inconnue"},
        BadCase{"decision without source", "decided_by = [\"roc\"]\nsource = \"test\"",
                "decided_by = [\"roc\"]", 0, "transitions[0].source", "obligatoire"},
        BadCase{"zero delay", "within = { days = 10 }", "within = { days = 0 }", 0,
                "deadlines[0].within", "délai nul"},
        BadCase{"bad delay key", "within = { days = 10 }", "within = { weeks = 2 }", 0,
                "deadlines[0].within.weeks", "clé inconnue"},
        BadCase{"missing source", "milestone = \"x.y\"\nsource = \"test\"", "milestone = \"x.y\"",
                0, "deadlines[0].source", "obligatoire"},
        BadCase{"count out of range", "count = 3", "count = 0", 0, "anniversaries[0].count",
                "entier entre 1 et 100"},
        BadCase{"group with unknown state", "states = [\"b\"]", "states = [\"z\"]", 0,
                "stage_groups[0].states", "état « z » inconnu"}),
    [](const testing::TestParamInfo<BadCase>& p) {
      std::string n = p.param.name;
      for (char& ch : n) {
        if (ch == ' ') ch = '_';
      }
      return n;
    });

TEST(LifecycleRules, UnreachableStateIsRefused) {
  // A fourth state nobody can reach.
  const std::string text =
      replace(kMinimal, "[[transitions]]",
              "[[states]]\nid = \"orphelin\"\nlabel = \"O\"\nterminal = true\n\n[[transitions]]");
  auto lc = parse_lifecycle("t.toml", text);
  ASSERT_FALSE(lc);
  EXPECT_NE(lc.error().message.find("« orphelin » n'est atteignable"), std::string::npos)
      << lc.error().describe();
}

TEST(LifecycleRules, NonTerminalDeadEndIsRefused) {
  // "c" is reachable from "a" but nothing leaves it.
  const std::string text =
      replace(replace(kMinimal, "[[transitions]]",
                      "[[states]]\nid = \"c\"\nlabel = \"C\"\n\n[[transitions]]"),
              "[[timers]]",
              "[[transitions]]\nevent = \"aller_c\"\nlabel = \"C\"\nfrom = \"a\"\nto = "
              "\"c\"\ndecided_by = \"roc\"\nsource = \"test\"\n\n[[timers]]");
  auto lc = parse_lifecycle("t.toml", text);
  ASSERT_FALSE(lc);
  EXPECT_EQ(lc.error().line, 21);
  EXPECT_NE(lc.error().message.find("« c » n'est pas terminal mais aucune transition n'en part"),
            std::string::npos)
      << lc.error().describe();
}

TEST(LifecycleRules, TwoFilesForOneKindAreRefused) {
  const RulesFile files[] = {{"a.toml", kMinimal}, {"b.toml", kMinimal}};
  auto all = load_lifecycles(files);
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().file, "b.toml");
  EXPECT_NE(all.error().message.find("déjà décrit par a.toml"), std::string::npos);
}

}  // namespace
}  // namespace maillage::registry
