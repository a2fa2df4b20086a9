// The generator writes the published format (the reader accepts it), is deterministic by seed,
// gives plausible densities, differs a little between vintages, and plants the bad lines asked.
#include "rpps/generator.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "rpps/snapshot.hpp"

namespace maillage::rpps {
namespace {

std::vector<GeneratorCommune> communes() {
  std::vector<GeneratorCommune> out;
  out.push_back({"57463", "Metz", "57000", 120000});
  out.push_back({"57751", "Woippy", "57140", 14000});
  for (int i = 0; i < 40; ++i) {
    out.push_back({"57" + std::to_string(100 + i), "Village " + std::to_string(i), "", 800});
  }
  return out;
}

std::string generate(const GeneratorOptions& o, GeneratorSummary* summary = nullptr) {
  std::string text;
  auto s = generate_extract(communes(), o, [&](std::string_view chunk) -> Status {
    text.append(chunk);
    return {};
  });
  EXPECT_TRUE(s);
  if (summary != nullptr && s) *summary = *s;
  return text;
}

ReadOptions lookup() {
  ReadOptions o;
  o.communes.by_postcode = [](std::string_view p) -> std::string_view {
    if (p == "57000") return "57463";
    if (p == "57140") return "57751";
    return {};
  };
  return o;
}

TEST(RppsGenerator, WritesTheFormatTheReaderReads) {
  GeneratorSummary g;
  std::string text = generate(GeneratorOptions{}, &g);
  EXPECT_EQ(g.bytes, text.size());
  // Every line has 52 fields and the trailing '|'.
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string_view line(text.data() + start, end - start);
    EXPECT_EQ(std::count(line.begin(), line.end(), '|'), 52) << line.substr(0, 80);
    EXPECT_EQ(line.back(), '|');
    start = end + 1;
  }
  SnapshotBuilder b;
  auto s = read_extract_text("x.txt", text, lookup(), [&](const Activity& a) { b.add(a); });
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->bad_lines, 0);
  EXPECT_EQ(s->data_lines, g.lines);
  EXPECT_GT(s->skipped_lines, 0);  // people without a declared site
  EXPECT_GT(s->from_postcode, 0);  // empty commune codes
  b.finish();
  // GPs about 9 per 10 000 inhabitants (Poisson noise on 174 000 people: ±25 %).
  double gp_fte = 0;
  for (const auto& c : b.commune_counts()) {
    if (is_general_practitioner(c.profession, c.savoir_faire)) gp_fte += c.fte;
  }
  const double per_10000 = gp_fte / 17.4;
  EXPECT_GT(per_10000, 6.5);
  EXPECT_LT(per_10000, 11.5);
  // Names are visibly fake.
  EXPECT_NE(text.find("FICTIF-"), std::string::npos);
}

TEST(RppsGenerator, DeterministicBySeed) {
  GeneratorOptions a;
  a.seed = 7;
  EXPECT_EQ(generate(a), generate(a));
  GeneratorOptions b = a;
  b.seed = 8;
  EXPECT_NE(generate(a), generate(b));
}

TEST(RppsGenerator, VintagesDifferByAFewPerCent) {
  GeneratorOptions now;
  GeneratorOptions before = now;
  before.vintage = -1;
  auto ids = [](const std::string& text) {
    std::set<std::string> out;
    ReadOptions o = lookup();
    (void)read_extract_text("x.txt", text, o, [&](const Activity& a) { out.emplace(a.rpps); });
    return out;
  };
  auto x = ids(generate(now));
  auto y = ids(generate(before));
  std::size_t common = 0;
  for (const auto& id : x) common += y.count(id);
  const double kept = static_cast<double>(common) / static_cast<double>(x.size());
  EXPECT_GT(kept, 0.85);
  EXPECT_LT(kept, 0.99);
}

TEST(RppsGenerator, PlantsTheBadLinesAsked) {
  GeneratorOptions o;
  o.bad_lines = 8;
  GeneratorSummary g;
  std::string text = generate(o, &g);
  EXPECT_EQ(g.bad_lines, 8);
  ReadOptions r = lookup();
  r.communes.known = [](std::string_view code) { return code != "00000"; };
  auto s = read_extract_text("x.txt", text, r, [](const Activity&) {});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->bad_lines, 8);
  EXPECT_EQ(s->bad_by_reason[static_cast<std::size_t>(BadReason::column_count)], 2);
  EXPECT_EQ(s->bad_by_reason[static_cast<std::size_t>(BadReason::invalid_rpps)], 2);
  EXPECT_EQ(s->bad_by_reason[static_cast<std::size_t>(BadReason::invalid_commune)], 2);
  EXPECT_EQ(s->bad_by_reason[static_cast<std::size_t>(BadReason::unknown_commune)], 2);
}

TEST(RppsGenerator, FileNameCarriesTheDateAndTheMark) {
  EXPECT_EQ(fictitious_file_name("202511200000"),
            "PS_LibreAcces_Personne_activite_202511200000_FICTIF.txt");
}

}  // namespace
}  // namespace maillage::rpps
