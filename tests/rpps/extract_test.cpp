// Golden lines of the reader: header matched case-insensitively, trailing '|', postcode fallback,
// bad-line report (line number + reason), blocks smaller than a line, progress.
#include "rpps/extract.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "rpps_fixtures.hpp"

namespace maillage::rpps {
namespace {

using testing::activity;
using testing::data_line;
using testing::header_line;

struct Kept {
  std::int64_t line;
  std::string rpps, profession, savoir_faire, commune, site;
  bool from_postcode;
};

ReadOptions moselle_options() {
  ReadOptions o;
  // A tiny référentiel: Metz (57463, postcode 57000) and Woippy (57751, 57140).
  o.communes.known = [](std::string_view code) {
    return code == "57463" || code == "57751" || code == "2A004";
  };
  o.communes.by_postcode = [](std::string_view postcode) -> std::string_view {
    if (postcode == "57000") return "57463";
    if (postcode == "57140") return "57751";
    return {};
  };
  return o;
}

Result<ReadSummary> read(const std::string& text, std::vector<Kept>& kept,
                         ReadOptions options = moselle_options()) {
  return read_extract_text(
      "PS_LibreAcces_Personne_activite_202511200000.txt", text, options, [&](const Activity& a) {
        kept.push_back(Kept{a.line, std::string(a.rpps), std::string(a.profession_code),
                            std::string(a.savoir_faire_code), std::string(a.commune),
                            std::string(a.site), a.commune_from_postcode});
      });
}

TEST(RppsExtract, ColumnsAreThePublished52) {
  ASSERT_EQ(column_names().size(), 52u);
  EXPECT_EQ(column_names()[1], "Identifiant PP");
  EXPECT_EQ(column_names()[static_cast<std::size_t>(Column::code_commune)],
            "Code commune (coord. structure)");
  EXPECT_EQ(column_names()[static_cast<std::size_t>(Column::code_secteur)],
            "Code secteur d'activité");
}

TEST(RppsExtract, ReadsGoldenLines) {
  std::string text = header_line() + activity("10000000001", "10", "SM54", "S1", "57463") +
                     activity("10000000002", "60", "", "S2", "57751", "57140");
  std::vector<Kept> kept;
  auto s = read(text, kept);
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->data_lines, 2);
  EXPECT_EQ(s->activities, 2);
  EXPECT_EQ(s->bad_lines, 0);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].line, 2);
  EXPECT_EQ(kept[0].rpps, "10000000001");
  EXPECT_EQ(kept[0].profession, "10");
  EXPECT_EQ(kept[0].savoir_faire, "SM54");
  EXPECT_EQ(kept[0].commune, "57463");
  EXPECT_EQ(kept[0].site, "S1");
  EXPECT_FALSE(kept[0].from_postcode);
  EXPECT_EQ(kept[1].line, 3);
  EXPECT_EQ(kept[1].commune, "57751");
}

TEST(RppsExtract, HeaderIsMatchedCaseInsensitively) {
  std::string header = header_line();
  // As one published fixture writes it, and everything upper-cased ASCII-wise.
  auto pos = header.find("Indice répétition voie (coord. structure)");
  ASSERT_NE(pos, std::string::npos);
  header.replace(pos, std::string("Indice répétition voie (coord. structure)").size(),
                 "Indice répétition voie (coord. Structure)");
  std::transform(header.begin(), header.begin() + 20, header.begin(),
                 [](char ch) { return ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 32) : ch; });
  std::vector<Kept> kept;
  auto s = read(header + activity("10000000001", "10", "SM54", "S1", "57463"), kept);
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->activities, 1);
}

TEST(RppsExtract, WrongHeaderNamesFileLineAndColumn) {
  std::string header = header_line();
  header.replace(header.find("Code profession"), 15, "Code metier");
  std::vector<Kept> kept;
  auto s = read(header, kept);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::parse_error);
  EXPECT_EQ(s.error().line, 1);
  EXPECT_EQ(s.error().field, "Code profession");
  EXPECT_EQ(s.error().file, "PS_LibreAcces_Personne_activite_202511200000.txt");
  EXPECT_NE(s.error().message.find("colonne 10"), std::string::npos);

  auto empty = read("", kept);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().line, 1);
}

TEST(RppsExtract, HeaderWithTooFewColumnsIsAnError) {
  std::vector<Kept> kept;
  auto s = read("Type d'identifiant PP|Identifiant PP|\n", kept);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("2 colonnes"), std::string::npos) << s.error().message;
}

TEST(RppsExtract, EmptyCommuneFallsBackToPostcode) {
  std::string text = header_line() + activity("10000000001", "10", "SM26", "S1", "", "57140");
  std::vector<Kept> kept;
  auto s = read(text, kept);
  ASSERT_TRUE(s) << s.error().describe();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].commune, "57751");
  EXPECT_TRUE(kept[0].from_postcode);
  EXPECT_EQ(s->from_postcode, 1);
}

TEST(RppsExtract, BadLinesAreReportedByLineAndReason) {
  std::string short_line = activity("10000000003", "10", "SM54", "S1", "57463");
  short_line.erase(0, short_line.find('|') + 1);  // 51 fields
  std::string no_trailing = activity("10000000004", "10", "SM54", "S1", "57463");
  no_trailing.erase(no_trailing.size() - 2, 1);  // drop the last '|' (before '\n')
  std::string text = header_line() +             // 1
                     activity("10000000001", "10", "SM54", "S1", "57463") +      // 2 ok
                     short_line +                                                // 3
                     activity("", "10", "SM54", "S1", "57463") +                 // 4
                     activity("1234", "10", "SM54", "S1", "57463") +             // 5 (type 8)
                     activity("10000000005", "10", "SM54", "S1", "5X463") +      // 6
                     activity("10000000006", "10", "SM54", "S1", "99999") +      // 7
                     activity("10000000007", "10", "SM54", "S1", "", "5700") +   // 8
                     activity("10000000008", "10", "SM54", "S1", "", "75001") +  // 9
                     activity("10000000009", "XX", "SM54", "S1", "57463") +      // 10
                     no_trailing +                                               // 11
                     activity("10000000010", "10", "SM54", "S1", "", "") +       // 12 skipped
                     "\n" +                                                      // blank
                     activity("10000000011", "10", "SM54", "S1", "2A004");       // 14 ok
  std::vector<Kept> kept;
  auto s = read(text, kept);
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->data_lines, 12);
  EXPECT_EQ(s->activities, 2);
  EXPECT_EQ(s->skipped_lines, 1);
  EXPECT_EQ(s->bad_lines, 9);
  ASSERT_EQ(s->bad.size(), 9u);
  const std::vector<std::pair<std::int64_t, BadReason>> expected = {
      {3, BadReason::column_count},    {4, BadReason::invalid_rpps},
      {5, BadReason::invalid_rpps},    {6, BadReason::invalid_commune},
      {7, BadReason::unknown_commune}, {8, BadReason::invalid_postcode},
      {9, BadReason::unknown_commune}, {10, BadReason::invalid_profession},
      {11, BadReason::column_count}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(s->bad[i].line, expected[i].first) << i;
    EXPECT_EQ(s->bad[i].reason, expected[i].second) << i << " " << s->bad[i].detail;
    EXPECT_FALSE(s->bad[i].detail.empty());
  }
  EXPECT_NE(s->bad[0].detail.find("51 champs"), std::string::npos) << s->bad[0].detail;
  EXPECT_NE(s->bad[3].detail.find("5X463"), std::string::npos);
  EXPECT_EQ(s->bad_by_reason[static_cast<std::size_t>(BadReason::column_count)], 2);
  EXPECT_EQ(kept.back().line, 14);
  EXPECT_EQ(kept.back().commune, "2A004");
}

TEST(RppsExtract, ReportKeepsTheFirstBadLinesButCountsAll) {
  std::string text = header_line();
  for (int i = 0; i < 20; ++i) text += activity("", "10", "SM54", "S1", "57463");
  ReadOptions o = moselle_options();
  o.max_reported_bad_lines = 5;
  std::vector<Kept> kept;
  auto s = read(text, kept, o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->bad_lines, 20);
  ASSERT_EQ(s->bad.size(), 5u);
  EXPECT_EQ(s->bad[4].line, 6);
}

TEST(RppsExtract, ForeignAddressIsSkippedNotBad) {
  // Put a foreign country code in "Code pays (coord. structure)".
  std::map<std::size_t, std::string> v = {
      {0, "8"}, {1, "10000000001"}, {9, "10"}, {35, "12345"}, {38, "99109"}};
  std::vector<Kept> kept;
  auto s = read(header_line() + data_line(v), kept);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->skipped_lines, 1);
  EXPECT_EQ(s->skipped_by_reason[static_cast<std::size_t>(SkipReason::abroad)], 1);
  EXPECT_EQ(s->bad_lines, 0);
}

TEST(RppsExtract, SmallBlocksCrlfBomAndMissingFinalNewlineGiveTheSameResult) {
  std::string text = header_line();
  for (int i = 0; i < 50; ++i) {
    text += activity("100000000" + std::to_string(10 + i), "10", "SM54", "S" + std::to_string(i),
                     i % 2 ? "57463" : "57751");
  }
  std::vector<Kept> big, small, crlf;
  auto a = read(text, big);
  ASSERT_TRUE(a);
  ReadOptions o = moselle_options();
  o.block_bytes = 1600;  // just above the header: data lines straddle blocks
  std::vector<std::uint64_t> progress;
  o.progress = [&](std::uint64_t b) { progress.push_back(b); };
  std::string unterminated = text;
  unterminated.pop_back();
  auto b = read(unterminated, small, o);
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ(b->activities, 50);
  EXPECT_EQ(small.size(), big.size());
  for (std::size_t i = 0; i < big.size(); ++i) {
    EXPECT_EQ(small[i].rpps, big[i].rpps);
    EXPECT_EQ(small[i].line, big[i].line);
  }
  ASSERT_FALSE(progress.empty());
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_EQ(progress.back(), unterminated.size());

  std::string dos = "\xEF\xBB\xBF";
  for (char ch : text) {
    if (ch == '\n') dos += '\r';
    dos += ch;
  }
  auto d = read(dos, crlf);
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_EQ(d->activities, 50);
  EXPECT_EQ(crlf.back().commune, big.back().commune);
}

TEST(RppsExtract, LineLongerThanTheBufferIsReportedAndSkipped) {
  ReadOptions o = moselle_options();
  o.block_bytes = 2048;
  std::string header = header_line();
  ASSERT_LT(header.size(), 2048u);
  std::map<std::size_t, std::string> v = {
      {0, "8"}, {1, "10000000001"}, {24, std::string(3000, 'x')}};
  std::string text = header + data_line(v) + activity("10000000002", "10", "SM54", "S1", "57463");
  std::vector<Kept> kept;
  auto s = read(text, kept, o);
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->bad_lines, 1);
  ASSERT_EQ(s->bad.size(), 1u);
  EXPECT_EQ(s->bad[0].line, 2);
  EXPECT_EQ(s->bad[0].reason, BadReason::line_too_long);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].line, 3);
}

TEST(RppsExtract, Latin1LabelsAreRefused) {
  std::map<std::size_t, std::string> v = {{0, "8"},
                                          {1, "10000000001"},
                                          {9, "10"},
                                          {10,
                                           "M\xE9"
                                           "decin"},
                                          {36, "57463"}};
  std::vector<Kept> kept;
  auto s = read(header_line() + data_line(v), kept);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->bad.size(), 1u);
  EXPECT_EQ(s->bad[0].reason, BadReason::invalid_utf8);
}

// A NUL byte or bytes that are not UTF-8 in any field refuse the line, naming the field.
TEST(RppsExtract, NulBytesAndInvalidUtf8AreRefusedWithTheFieldNamed) {
  const auto line = [](std::size_t column, std::string value) {
    std::map<std::size_t, std::string> v = {{0, "8"}, {1, "10000000001"}, {9, "10"}, {36, "57463"}};
    v[column] = std::move(value);
    return data_line(v);
  };
  std::vector<Kept> kept;
  auto s = read(header_line() + line(7, std::string("DUP\0ONT", 7)) +  // line 2: NUL in a name
                    line(10,
                         "M\xC3\xA9"
                         "decin") +  // line 3: fine
                    line(10,
                         "M\xE9"
                         "decin") +                   // line 4: Latin-1
                    line(25, "rue \xC0\xAF") +        // line 5: overlong
                    line(25, "\xED\xA0\x80") +        // line 6: surrogate
                    line(25, "\xF4\x90\x80\x80") +    // line 7: > U+10FFFF
                    line(25, "caf\xC3") +             // line 8: cut short
                    line(47, std::string("a\0", 2)),  // line 9: NUL, e-mail
                kept);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->bad.size(), 7u);
  EXPECT_EQ(kept.size(), 1u);
  EXPECT_EQ(s->bad[0].line, 2);
  EXPECT_EQ(s->bad[0].reason, BadReason::nul_byte);
  EXPECT_NE(s->bad[0].detail.find("champ « Nom d'exercice » (colonne 8, octet 4) : octet nul"),
            std::string::npos)
      << s->bad[0].detail;
  EXPECT_EQ(s->bad[1].line, 4);
  EXPECT_EQ(s->bad[1].reason, BadReason::invalid_utf8);
  EXPECT_NE(s->bad[1].detail.find("colonne 11, octet 2"), std::string::npos) << s->bad[1].detail;
  for (std::size_t k = 2; k <= 5; ++k) {
    EXPECT_EQ(s->bad[k].line, static_cast<std::int64_t>(k + 3));
    EXPECT_EQ(s->bad[k].reason, BadReason::invalid_utf8) << k;
    EXPECT_NE(s->bad[k].detail.find("colonne 26"), std::string::npos) << s->bad[k].detail;
  }
  EXPECT_EQ(s->bad[6].line, 9);
  EXPECT_EQ(s->bad[6].reason, BadReason::nul_byte);
  EXPECT_EQ(s->bad_by_reason[static_cast<std::size_t>(BadReason::nul_byte)], 2);
  EXPECT_EQ(s->bad_by_reason[static_cast<std::size_t>(BadReason::invalid_utf8)], 5);
}

TEST(RppsExtract, DateFromTheFileName) {
  EXPECT_EQ(extract_date_from_name("/tmp/PS_LibreAcces_Personne_activite_202511200000.txt"),
            "2025-11-20");
  EXPECT_EQ(extract_date_from_name("PS_LibreAcces_Personne_activite_202511200000_FICTIF.txt"),
            "2025-11-20");
  EXPECT_EQ(extract_date_from_name("extraction.txt"), "");
  EXPECT_EQ(extract_date_from_name("PS_202513200000.txt"), "");  // month 13
}

TEST(RppsExtract, CodeShapes) {
  EXPECT_TRUE(valid_commune_code("57463"));
  EXPECT_TRUE(valid_commune_code("2B033"));
  EXPECT_FALSE(valid_commune_code("2C033"));
  EXPECT_FALSE(valid_commune_code("5746"));
  EXPECT_TRUE(valid_postcode("57000"));
  EXPECT_FALSE(valid_postcode("5700A"));
  EXPECT_TRUE(is_general_practitioner("10", "SM26"));
  EXPECT_TRUE(is_general_practitioner("10", "SM53"));
  EXPECT_TRUE(is_general_practitioner("10", "SM54"));
  EXPECT_FALSE(is_general_practitioner("10", "SM02"));
  EXPECT_FALSE(is_general_practitioner("60", "SM54"));
}

}  // namespace
}  // namespace maillage::rpps
