// Reading CSV records: quoting, line counting across quoted line breaks, blank lines, BOM, CRLF,
// and the two malformed cases named by line.
#include "common/csv_reader.hpp"

#include <gtest/gtest.h>

namespace maillage::csv {
namespace {

TEST(CsvReader, GuessesTheSeparatorFromTheHeader) {
  EXPECT_EQ(guess_separator("Nom;Prénom;Email"), ';');
  EXPECT_EQ(guess_separator("nom,prenom"), ',');
  EXPECT_EQ(guess_separator("nom\tprenom\tville"), '\t');
  EXPECT_EQ(guess_separator("\"a;b;c\",d"), ',');  // quoted separators do not count
  EXPECT_EQ(guess_separator("nom"), ',');
}

TEST(CsvReader, RecordsWithTheirStartingLine) {
  auto r = read_records(
      "\xEF\xBB\xBFnom;note\r\n\r\nA;\"un ; deux\"\r\nB;\"sur\ndeux lignes\"\nC;\"dit "
      "\"\"oui\"\"\"\nD;",
      ';', "f.csv");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 5U);
  EXPECT_EQ((*r)[0].fields, (std::vector<std::string>{"nom", "note"}));
  EXPECT_EQ((*r)[1].line, 3);
  EXPECT_EQ((*r)[1].fields[1], "un ; deux");
  EXPECT_EQ((*r)[2].line, 4);
  EXPECT_EQ((*r)[2].fields[1], "sur\ndeux lignes");
  EXPECT_EQ((*r)[3].line, 6);
  EXPECT_EQ((*r)[3].fields[1], "dit \"oui\"");
  EXPECT_EQ((*r)[4].line, 7);
  EXPECT_EQ((*r)[4].fields, (std::vector<std::string>{"D", ""}));
}

TEST(CsvReader, MalformedQuotesNameTheirLine) {
  auto open = read_records("a,b\n1,\"never\nclosed\n", ',', "f.csv");
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().describe(), "f.csv:2: guillemet ouvert et jamais refermé");
  auto after = read_records("a,b\n1,2\n3,\"x\"y\n", ',', "f.csv");
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().line, 3);
  EXPECT_EQ(after.error().code, ErrorCode::parse_error);
}

}  // namespace
}  // namespace maillage::csv
