// Templates of the projet de santé: the national default parses and places every data block;
// templates with a missing or unknown data block (and other mistakes) are refused with the
// chapter named, the file and the line.
#include "projet/template.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "projet/draft.hpp"

namespace maillage::projet {
namespace {

constexpr const char* kHead = R"(schema = "maillage-projet-de-sante/1"
[template]
id = "essai"
title = "Projet de santé"
)";

Result<Template> parse_with(const std::string& chapters) {
  return parse_template(std::string(kHead) + chapters, "essai.toml");
}

TEST(Template, NationalDefaultHasEveryDataBlockAndUniquePrompts) {
  auto t = default_template();
  ASSERT_TRUE(t) << t.error().describe();
  std::set<std::string> data;
  for (const auto& c : t->chapters) {
    for (const auto& b : c.blocks) {
      if (b.kind == BlockKind::data) data.insert(b.value);
    }
  }
  for (const auto& name : data_block_names()) EXPECT_TRUE(data.count(name)) << name;
  auto ids = prompt_ids(*t, {"acces_soins", "parcours"});
  std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), ids.size());
  EXPECT_TRUE(unique.count("mission.acces_soins.actions"));
  EXPECT_TRUE(unique.count("gouvernance.colleges"));
  // The governance chapter opens with the association's data, then leaves the rest to the
  // porteurs; the working-groups chapter likewise.
  auto chapter = [&](const std::string& id) {
    auto it = std::find_if(t->chapters.begin(), t->chapters.end(),
                           [&](const auto& c) { return c.id == id; });
    EXPECT_NE(it, t->chapters.end()) << id;
    return it;
  };
  auto gov = chapter("gouvernance");
  ASSERT_NE(gov, t->chapters.end());
  EXPECT_EQ(gov->blocks.front().kind, BlockKind::data);
  EXPECT_EQ(gov->blocks.front().value, "gouvernance");
  auto groups = chapter("groupes");
  ASSERT_NE(groups, t->chapters.end());
  EXPECT_EQ(groups->blocks.front().value, "groupes_de_travail");
  // Every data block has a French description for the template page.
  for (const auto& name : data_block_names()) EXPECT_FALSE(data_block_label(name).empty()) << name;
}

TEST(Template, UnknownDataBlockIsRefusedNamingTheChapter) {
  auto t = parse_with(R"(
[[chapters]]
id = "diagnostic"
title = "Diagnostic"
[[chapters.blocks]]
data = "professionels"
)");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::parse_error);
  EXPECT_NE(t.error().message.find("chapitre « diagnostic »"), std::string::npos)
      << t.error().message;
  EXPECT_NE(t.error().message.find("inconnu « professionels »"), std::string::npos);
  EXPECT_EQ(t.error().file, "essai.toml");
  EXPECT_EQ(t.error().line, 9);
  EXPECT_EQ(t.error().field, "chapters[diagnostic].blocks[0]");
}

TEST(Template, EmptyDataBlockIsRefusedNamingTheChapter) {
  auto t = parse_with(R"(
[[chapters]]
id = "territoire"
title = "Territoire"
[[chapters.blocks]]
text = "Intro"
[[chapters.blocks]]
data = ""
)");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("chapitre « territoire » : bloc de données sans nom"),
            std::string::npos)
      << t.error().message;
  EXPECT_EQ(t.error().field, "chapters[territoire].blocks[1]");
}

TEST(Template, OtherMistakesAreRefused) {
  // Two kinds in one block.
  EXPECT_FALSE(parse_with(R"(
[[chapters]]
id = "a"
title = "A"
[[chapters.blocks]]
text = "x"
data = "carte"
)"));
  // A prompt without its invitation.
  auto no_text = parse_with(R"(
[[chapters]]
id = "a"
title = "A"
[[chapters.blocks]]
prompt = "p"
label = "P"
)");
  ASSERT_FALSE(no_text);
  EXPECT_NE(no_text.error().message.find("chapitre « a »"), std::string::npos);
  // The same prompt twice.
  auto twice = parse_with(R"(
[[chapters]]
id = "a"
title = "A"
[[chapters.blocks]]
prompt = "p"
label = "P"
text = "Décrivez ici"
[[chapters]]
id = "b"
title = "B"
[[chapters.blocks]]
prompt = "p"
label = "P"
text = "Décrivez ici"
)");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("chapitre « b »"), std::string::npos);
  // Unknown key, unknown schema, no chapter.
  EXPECT_FALSE(parse_with("[[chapters]]\nid = \"a\"\ntitle = \"A\"\ncouleur = 1\n"));
  EXPECT_FALSE(parse_template("schema = \"autre\"\n", "x.toml"));
  EXPECT_FALSE(parse_with(""));
  EXPECT_FALSE(parse_with("[[chapters]]\nid = \"a\"\ntitle = \"A\"\n"));
}

TEST(Template, TextParagraphsSplitOnBlankLines) {
  EXPECT_EQ(text_paragraphs("Un\ndeux\n\n  \ntrois\r\n"),
            (std::vector<std::string>{"Un\ndeux", "trois"}));
  EXPECT_TRUE(text_paragraphs(" \n\n").empty());
}

}  // namespace
}  // namespace maillage::projet
