#include "geo/text.hpp"

#include <gtest/gtest.h>

namespace maillage::geo {
namespace {

TEST(FoldName, LowersAndDropsAccents) {
  EXPECT_EQ(fold_name("Metz"), "metz");
  EXPECT_EQ(fold_name("Évian-les-Bains"), "evian les bains");
  EXPECT_EQ(fold_name("Œuilly"), "oeuilly");
  EXPECT_EQ(fold_name("L'Haÿ-les-Roses"), "l hay les roses");
  EXPECT_EQ(fold_name("Ça"), "ca");
  EXPECT_EQ(fold_name("Niederrœdern"), "niederroedern");
}

TEST(FoldName, PunctuationBecomesSingleSpaces) {
  EXPECT_EQ(fold_name("Saint-Avold"), fold_name("saint avold"));
  EXPECT_EQ(fold_name("  Saint--Avold  "), "saint avold");
  EXPECT_EQ(fold_name("Saint’Avold"), "saint avold");  // typographic apostrophe
  EXPECT_EQ(fold_name("Marseille 1er Arrondissement"), "marseille 1er arrondissement");
  EXPECT_EQ(fold_name("--"), "");
}

TEST(FoldName, KeepsOtherScriptsAndDropsInvalidBytes) {
  EXPECT_EQ(fold_name("Пари"), "Пари");
  EXPECT_EQ(fold_name(std::string("a\xff"
                                  "b")),
            "ab");
  EXPECT_EQ(fold_name(std::string("ab\xc3")), "ab");  // truncated sequence
}

}  // namespace
}  // namespace maillage::geo
