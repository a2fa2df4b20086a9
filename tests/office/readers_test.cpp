// The DOCX and ODT read back by independent readers: python-docx and odfpy (Debian packages
// python3-docx and python3-odf, installed by scripts/setup.sh) run tests/office/read_back.py on
// the generated files; what they see must be the model: headings, runs and their weight,
// bullets, table cells, the table of contents, the image (its PNG decoded in Python) and its
// caption, page breaks, the footer. Skipped when the readers are missing, failed under CI=true.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "office/docx.hpp"
#include "office/odt.hpp"
#include "office/png_decode.hpp"
#include "office/sample_document.hpp"

namespace maillage::office {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string python() {
  if (const char* p = std::getenv("MAILLAGE_PYTHON"); p != nullptr && *p != '\0') return p;
  // Debian's interpreter, where apt installs python3-docx and python3-odf; a python3 earlier on
  // the PATH (pyenv, a venv) may not see them.
  if (fs::exists("/usr/bin/python3")) return "/usr/bin/python3";
  return "python3";
}

std::string run(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    status = -1;
    return out;
  }
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  status = ::pclose(pipe);
  return out;
}

// The text a reader shows for a string of the model: characters XML forbids dropped, CR LF and
// lone CR as line feeds.
std::string seen(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else if (c >= 0x20 || c == '\t' || c == '\n') {
      out += static_cast<char>(c);
    }
  }
  return out;
}

json runs_of(const Paragraph& p) {
  json runs = json::array();
  for (const Run& r : p.runs) {
    const std::string text = seen(r.text);
    if (text.empty()) continue;
    if (!runs.empty() && runs.back()[1] == r.bold) {
      runs.back()[0] = runs.back()[0].get<std::string>() + text;
    } else {
      runs.push_back({text, r.bold});
    }
  }
  return runs;
}

std::string hex(const std::vector<std::uint8_t>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (const auto b : bytes) out += digits[b >> 4], out += digits[b & 15];
  return out;
}

// What the readers should see, from the model alone.
json expected_blocks(const Document& doc) {
  json blocks = json::array();
  for (const Block& block : doc.blocks) {
    if (const auto* h = std::get_if<Heading>(&block)) {
      blocks.push_back({{"kind", "heading"}, {"level", h->level}, {"text", seen(h->text)}});
    } else if (const auto* p = std::get_if<Paragraph>(&block)) {
      blocks.push_back({{"kind", "paragraph"}, {"runs", runs_of(*p)}});
    } else if (const auto* list = std::get_if<BulletList>(&block)) {
      for (const Paragraph& item : list->items) {
        blocks.push_back({{"kind", "bullet"}, {"runs", runs_of(item)}});
      }
    } else if (const auto* t = std::get_if<Table>(&block)) {
      std::size_t columns = t->header.size();
      for (const auto& r : t->rows) columns = std::max(columns, r.size());
      json rows = json::array();
      auto add = [&](const std::vector<std::string>& cells) {
        json row = json::array();
        for (std::size_t c = 0; c < columns; ++c) row.push_back(c < cells.size() ? seen(cells[c]) : "");
        rows.push_back(row);
      };
      if (!t->header.empty()) add(t->header);
      for (const auto& r : t->rows) add(r);
      blocks.push_back({{"kind", "table"}, {"header_repeats", !t->header.empty()}, {"rows", rows}});
    } else if (const auto* toc = std::get_if<TableOfContents>(&block)) {
      json entries = json::array();
      for (const Block& b : doc.blocks) {
        if (const auto* e = std::get_if<Heading>(&b); e != nullptr && e->level <= toc->levels) {
          entries.push_back({e->level, seen(e->text)});
        }
      }
      blocks.push_back({{"kind", "toc"}, {"title", toc->title}, {"entries", entries}});
    } else if (const auto* image = std::get_if<Image>(&block)) {
      auto decoded = test::decode_png(image->png);
      EXPECT_TRUE(decoded) << decoded.error();
      std::vector<std::uint8_t> rgba = decoded->pixels;
      blocks.push_back({{"kind", "image"},
                        {"alt", image->alt.empty() ? image->caption : image->alt},
                        {"width_cm", image->width_cm},
                        {"height_cm", image->height_cm != 0
                                          ? image->height_cm
                                          : image->width_cm * decoded->height / decoded->width},
                        {"png", {{"width", decoded->width}, {"height", decoded->height},
                                 {"rgba", hex(rgba)}}}});
      if (!image->caption.empty()) {
        blocks.push_back({{"kind", "caption"}, {"text", seen(image->caption)}});
      }
    } else {
      blocks.push_back({{"kind", "page_break"}});
    }
  }
  return blocks;
}

class Readers : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* ci = std::getenv("CI");
    const bool in_ci = ci != nullptr && std::string(ci) == "true";
    int status = 0;
    run(python() + " -c 'import docx, odf' 2>&1", status);
    if (status != 0) {
      const std::string why = python() +
                              " cannot import docx and odf (Debian: apt-get install python3-docx "
                              "python3-odf, listed in scripts/setup.sh)";
      if (in_ci) FAIL() << why;
      GTEST_SKIP() << why;
    }
    dir_ = fs::temp_directory_path() /
           ("maillage-office-readers-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Writes the file and returns what read_back.py reports about it.
  json read_back(const std::string& kind, const std::string& bytes) {
    const fs::path file = dir_ / ("document." + kind);
    std::ofstream(file, std::ios::binary) << bytes;
    const fs::path script = fs::path(MAILLAGE_SOURCE_DIR) / "tests" / "office" / "read_back.py";
    int status = 0;
    const std::string out =
        run(python() + " " + script.string() + " " + kind + " " + file.string(), status);
    EXPECT_EQ(status, 0) << kind << " reader failed: " << out;
    auto parsed = json::parse(out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << out;
    return parsed.is_discarded() ? json::object() : parsed;
  }

  // Compares one file's reading with the model; image sizes to the hundredth of a millimetre.
  void expect_model(const std::string& kind, json got, const Document& doc) {
    json want = expected_blocks(doc);
    ASSERT_TRUE(got.contains("blocks")) << kind;
    ASSERT_EQ(got["blocks"].size(), want.size()) << kind << ": " << got["blocks"].dump();
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (want[i]["kind"] == "image" && got["blocks"][i]["kind"] == "image") {
        for (const char* k : {"width_cm", "height_cm"}) {
          EXPECT_NEAR(got["blocks"][i][k].get<double>(), want[i][k].get<double>(), 1e-3)
              << kind << " " << k;
          got["blocks"][i].erase(k);
          want[i].erase(k);
        }
      }
      EXPECT_EQ(got["blocks"][i], want[i]) << kind << " block " << i;
    }
    EXPECT_EQ(got["title"], doc.title) << kind;
  }

  fs::path dir_;
};

TEST_F(Readers, DocxAndOdtShowTheModel) {
  auto png = render_map(test::small_map());
  ASSERT_TRUE(png) << png.error().describe();
  const Document doc = test::projet_sample(*png);
  auto docx = write_docx(doc);
  auto odt = write_odt(doc);
  ASSERT_TRUE(docx) << docx.error().describe();
  ASSERT_TRUE(odt) << odt.error().describe();

  const json from_docx = read_back("docx", *docx);
  const json from_odt = read_back("odt", *odt);
  expect_model("docx", from_docx, doc);
  expect_model("odt", from_odt, doc);

  // Footer: the text, then the page number and page count fields (their cached values 1 / 1
  // until the word processor lays the pages out).
  EXPECT_EQ(from_docx["footer"]["text"], "Projet de santé — CPTS du Saulnois — Page 1 sur 1");
  EXPECT_EQ(from_docx["footer"]["fields"], json({"PAGE", "NUMPAGES"}));
  EXPECT_EQ(from_odt["footer"]["text"], "Projet de santé — CPTS du Saulnois — Page 1 sur 1");
  EXPECT_EQ(from_odt["footer"]["fields"], json({"page-number", "page-count"}));
}

TEST_F(Readers, LongTableAndAwkwardText) {
  Document doc;
  doc.title = "Annexe — liste des communes";
  doc.created = "2026-03-01T09:30:00Z";
  Table table{{"Code", "Commune", "Population"}, {}, {1, 3, 1}};
  for (int i = 0; i < 300; ++i) {
    table.rows.push_back({std::to_string(57000 + i), "Commune n° " + std::to_string(i) + " <&> ' \"",
                          std::to_string(i * 37)});
  }
  table.rows.push_back({"57999"});  // short row
  doc.heading(1, "Annexe")
      .table(table)
      .paragraph({{"  espaces  en tête", true}, {"\ttab", false}, {std::string("ctl\x01") + "x", true}})
      .bullets({"é à ç — «guillemets»", {{"gras", true}}});
  auto docx = write_docx(doc);
  auto odt = write_odt(doc);
  ASSERT_TRUE(docx && odt);
  expect_model("docx", read_back("docx", *docx), doc);
  expect_model("odt", read_back("odt", *odt), doc);
}

}  // namespace
}  // namespace maillage::office
