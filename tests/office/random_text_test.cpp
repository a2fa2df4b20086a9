// Random bytes (any byte value, so invalid UTF-8, controls and markup characters) in every
// place text goes must still give well-formed parts; printable ASCII must come back exactly.
#include <gtest/gtest.h>

#include <random>

#include "office/odt.hpp"
#include "office/test_support.hpp"
#include "office/xlsx.hpp"

namespace maillage::office {
namespace {

using test::parsed_entry;
using test::unzip;
using test::XmlElement;

std::string random_bytes(std::mt19937& rng, bool printable) {
  std::uniform_int_distribution<int> len(1, 40);
  std::uniform_int_distribution<int> any(0, 255);
  std::uniform_int_distribution<int> ascii(0x21, 0x7E);  // no spaces: XLSX/ODT keep them, but
                                                         // the DOM's text joins would blur it
  std::string s;
  const int n = len(rng);
  for (int i = 0; i < n; ++i) s += static_cast<char>(printable ? ascii(rng) : any(rng));
  return s;
}

TEST(RandomText, XlsxPartsStayWellFormed) {
  std::mt19937 rng(20260301);
  for (int round = 0; round < 20; ++round) {
    std::vector<Sheet> sheets(2);
    std::vector<std::string> printable;
    for (auto& sheet : sheets) {
      sheet.name = random_bytes(rng, false);
      for (int c = 0; c < 3; ++c) sheet.header.push_back(random_bytes(rng, false));
      for (int r = 0; r < 10; ++r) {
        printable.push_back(random_bytes(rng, true));
        sheet.rows.push_back({random_bytes(rng, false), printable.back()});
      }
    }
    auto bytes = write_xlsx(sheets, {.title = random_bytes(rng, false),
                                     .author = random_bytes(rng, false),
                                     .created = "2026-03-01T09:30:00Z"});
    ASSERT_TRUE(bytes) << bytes.error().describe();
    const auto entries = unzip(*bytes);
    ASSERT_EQ(entries.size(), 9u);  // 7 fixed parts + 2 sheets
    for (const auto& e : entries) {
      auto doc = test::parse_xml(e.content);
      ASSERT_TRUE(doc.has_value()) << "round " << round << " " << e.name << ": " << doc.error();
    }
    // Printable ASCII comes back exactly, except the "_xHHHH_" protection.
    std::size_t k = 0;
    for (int s = 1; s <= 2; ++s) {
      const XmlElement sheet =
          parsed_entry(entries, "xl/worksheets/sheet" + std::to_string(s) + ".xml");
      for (const XmlElement* c : sheet.find_all("c")) {
        if (c->attribute("r")->front() != 'B' || *c->attribute("r") == "B1") continue;
        const std::string& expected = printable[k++];
        if (expected.find("_x") == std::string::npos) {
          EXPECT_EQ(c->child("is")->child("t")->text, expected);
        }
      }
    }
    EXPECT_EQ(k, printable.size());
  }
}

TEST(RandomText, OdtPartsStayWellFormed) {
  std::mt19937 rng(1789);
  for (int round = 0; round < 20; ++round) {
    Document doc{.title = random_bytes(rng, false),
                 .author = random_bytes(rng, false),
                 .created = "2026-03-01T09:30:00Z"};
    const std::string plain = random_bytes(rng, true);
    doc.heading(1 + round % 3, random_bytes(rng, false))
        .paragraph({{random_bytes(rng, false), true}, {random_bytes(rng, false)}})
        .paragraph(plain)
        .bullets({random_bytes(rng, false), random_bytes(rng, false)})
        .table({.header = {random_bytes(rng, false)},
                .rows = {{random_bytes(rng, false), random_bytes(rng, false)}}});
    auto bytes = write_odt(doc);
    ASSERT_TRUE(bytes) << bytes.error().describe();
    const auto entries = unzip(*bytes);
    for (std::size_t i = 1; i < entries.size(); ++i) {
      auto parsed = test::parse_xml(entries[i].content);
      ASSERT_TRUE(parsed.has_value())
          << "round " << round << " " << entries[i].name << ": " << parsed.error();
    }
    const XmlElement content = parsed_entry(entries, "content.xml");
    EXPECT_EQ(content.child("office:body")->child("office:text")->children[2].text, plain);
  }
}

}  // namespace
}  // namespace maillage::office
