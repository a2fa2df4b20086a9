#include "office/xlsx.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>

#include "office/test_support.hpp"

namespace maillage::office {
namespace {

using test::find_entry;
using test::parsed_entry;
using test::unzip;
using test::XmlElement;

const WorkbookInfo kInfo{"Portefeuille de test", "Maillage (tests)", "2026-03-01T09:30:00Z"};

// The cell element with reference `ref` in a parsed worksheet, or nullptr.
const XmlElement* find_cell(const XmlElement& sheet, const std::string& ref) {
  for (const XmlElement* c : sheet.find_all("c")) {
    if (const auto* r = c->attribute("r"); r != nullptr && *r == ref) return c;
  }
  return nullptr;
}

std::string cell_text(const XmlElement& sheet, const std::string& ref) {
  const XmlElement* c = find_cell(sheet, ref);
  if (c == nullptr) return "<absent>";
  if (const auto* is = c->child("is")) return is->child("t")->text;
  return c->child("v")->text;
}

std::string cell_style(const XmlElement& sheet, const std::string& ref) {
  const XmlElement* c = find_cell(sheet, ref);
  if (c == nullptr) return "<absent>";
  const auto* s = c->attribute("s");
  return s == nullptr ? "" : *s;
}

TEST(Xlsx, PackageHasEveryPartAndEachIsWellFormed) {
  std::vector<Sheet> sheets(2);
  sheets[0] = {"Structures", {"Nom", "Type"}, {{"CPTS du Saulnois", "CPTS"}}, {}};
  sheets[1] = {"Communes", {"Code", "Population"}, {{"57463", 120000}}, {}};
  auto bytes = write_xlsx(sheets, kInfo);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  ASSERT_EQ(bytes->substr(0, 4), std::string("PK\x03\x04", 4));

  const auto entries = unzip(*bytes);
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.name);
  const std::vector<std::string> expected = {
      "[Content_Types].xml",     "_rels/.rels",
      "docProps/core.xml",       "docProps/app.xml",
      "xl/workbook.xml",         "xl/_rels/workbook.xml.rels",
      "xl/styles.xml",           "xl/worksheets/sheet1.xml",
      "xl/worksheets/sheet2.xml"};
  EXPECT_EQ(names, expected);
  for (const auto& e : entries) {
    auto doc = test::parse_xml(e.content);
    EXPECT_TRUE(doc.has_value()) << e.name << ": " << (doc ? "" : doc.error());
    EXPECT_EQ(e.method, ZIP_CM_DEFLATE) << e.name;
  }

  const XmlElement types = parsed_entry(entries, "[Content_Types].xml");
  std::vector<std::string> overrides;
  for (const XmlElement* o : types.find_all("Override"))
    overrides.push_back(*o->attribute("PartName"));
  EXPECT_NE(std::find(overrides.begin(), overrides.end(), "/xl/worksheets/sheet2.xml"),
            overrides.end());
  EXPECT_NE(std::find(overrides.begin(), overrides.end(), "/xl/styles.xml"), overrides.end());

  const XmlElement workbook = parsed_entry(entries, "xl/workbook.xml");
  const auto sheet_elements = workbook.find_all("sheet");
  ASSERT_EQ(sheet_elements.size(), 2u);
  EXPECT_EQ(*sheet_elements[0]->attribute("name"), "Structures");
  EXPECT_EQ(*sheet_elements[1]->attribute("name"), "Communes");
  EXPECT_EQ(*sheet_elements[1]->attribute("r:id"), "rId2");

  const XmlElement rels = parsed_entry(entries, "xl/_rels/workbook.xml.rels");
  const auto rel = rels.find_all("Relationship");
  ASSERT_EQ(rel.size(), 3u);
  EXPECT_EQ(*rel[1]->attribute("Target"), "worksheets/sheet2.xml");
  EXPECT_EQ(*rel[2]->attribute("Target"), "styles.xml");

  const XmlElement core = parsed_entry(entries, "docProps/core.xml");
  EXPECT_EQ(core.child("dc:title")->text, "Portefeuille de test");
  EXPECT_EQ(core.child("dcterms:created")->text, "2026-03-01T09:30:00Z");

  const XmlElement second = parsed_entry(entries, "xl/worksheets/sheet2.xml");
  EXPECT_EQ(cell_text(second, "A2"), "57463");
  EXPECT_EQ(cell_text(second, "B2"), "120000");
  EXPECT_EQ(cell_style(second, "B2"), "");  // integers: General format
}

// Golden: the worksheet part of a 2x2 sheet, written out by hand from the SpreadsheetML schema
// (element order of CT_Worksheet: dimension, sheetViews, sheetFormatPr, cols, sheetData,
// autoFilter, pageMargins).
TEST(Xlsx, GoldenTwoByTwoSheet) {
  const std::vector<Sheet> sheets = {
      {"Montants", {"Commune", "Montant"}, {{"Metz", 1234.5}}, {20, 12}}};
  auto bytes = write_xlsx(sheets, kInfo);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const auto entries = unzip(*bytes);
  const auto* sheet = find_entry(entries, "xl/worksheets/sheet1.xml");
  ASSERT_NE(sheet, nullptr);
  const std::string expected =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
      "<dimension ref=\"A1:B2\"/>"
      "<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">"
      "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
      "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>"
      "</sheetView></sheetViews>"
      "<sheetFormatPr defaultRowHeight=\"15\"/>"
      "<cols><col min=\"1\" max=\"1\" width=\"20\" customWidth=\"1\"/>"
      "<col min=\"2\" max=\"2\" width=\"12\" customWidth=\"1\"/></cols>"
      "<sheetData>"
      "<row r=\"1\"><c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>Commune</t></is></c>"
      "<c r=\"B1\" s=\"1\" t=\"inlineStr\"><is><t>Montant</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>Metz</t></is></c>"
      "<c r=\"B2\" s=\"3\"><v>1234.5</v></c></row>"
      "</sheetData>"
      "<autoFilter ref=\"A1:B2\"/>"
      "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" "
      "footer=\"0.3\"/>"
      "</worksheet>";
  EXPECT_EQ(sheet->content, expected);

  // The workbook names the filter range, as Excel does.
  const XmlElement workbook = parsed_entry(entries, "xl/workbook.xml");
  const auto names = workbook.find_all("definedName");
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(*names[0]->attribute("name"), "_xlnm._FilterDatabase");
  EXPECT_EQ(*names[0]->attribute("localSheetId"), "0");
  EXPECT_EQ(names[0]->text, "'Montants'!$A$1:$B$2");
}

TEST(Xlsx, TypedCellsGetTheirValuesAndStyles) {
  const std::vector<Sheet> sheets = {
      {"Types",
       {"Texte", "Entier", "Décimal", "Date", "Taux"},
       {{"Sarreguemines", -42, 0.1, Date{2026, 1, 31}, Percent{0.125}},
        {Cell{}, std::int64_t{9007199254740993}, 1e-7, Date{1900, 3, 1}, Percent{1}},
        {"", 0, -2.5, Date{2000, 1, 1}}},
       {}}};
  auto bytes = write_xlsx(sheets, kInfo);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const XmlElement sheet = parsed_entry(unzip(*bytes), "xl/worksheets/sheet1.xml");

  EXPECT_EQ(cell_text(sheet, "C1"), "Décimal");
  EXPECT_EQ(cell_style(sheet, "C1"), "1");
  EXPECT_EQ(cell_text(sheet, "A2"), "Sarreguemines");
  EXPECT_EQ(cell_text(sheet, "B2"), "-42");
  EXPECT_EQ(cell_text(sheet, "C2"), "0.1");  // shortest round-trip text
  EXPECT_EQ(cell_style(sheet, "C2"), "3");
  // 2026-01-31: 2024-01-01 is serial 45292 (Excel), + 366 + 365 + 30 days.
  EXPECT_EQ(cell_text(sheet, "D2"), "46053");
  EXPECT_EQ(cell_style(sheet, "D2"), "2");
  EXPECT_EQ(cell_text(sheet, "E2"), "0.125");
  EXPECT_EQ(cell_style(sheet, "E2"), "4");
  // Empty cells are not written at all.
  EXPECT_EQ(find_cell(sheet, "A3"), nullptr);
  EXPECT_EQ(find_cell(sheet, "A4"), nullptr);
  EXPECT_EQ(cell_text(sheet, "B3"), "9007199254740993");  // no double rounding for integers
  EXPECT_EQ(cell_text(sheet, "C3"), "1e-07");
  EXPECT_EQ(cell_text(sheet, "D3"), "61");        // first date after the phantom 1900-02-29
  EXPECT_EQ(cell_text(sheet, "D4"), "36526");     // 2000-01-01
  EXPECT_EQ(cell_text(sheet, "E4"), "<absent>");  // short row: nothing beyond its end
  EXPECT_EQ(*sheet.child("dimension")->attribute("ref"), "A1:E4");
  EXPECT_EQ(*sheet.child("autoFilter")->attribute("ref"), "A1:E4");

  // The styles referenced exist, with the promised formats.
  const XmlElement styles = parsed_entry(unzip(*bytes), "xl/styles.xml");
  const auto xfs = styles.child("cellXfs")->children;
  ASSERT_EQ(xfs.size(), 6u);
  EXPECT_EQ(*xfs[1].attribute("fontId"), "1");
  EXPECT_NE(styles.child("fonts")->children[1].child("b"), nullptr);  // bold header font
  EXPECT_EQ(*xfs[2].attribute("numFmtId"), "164");
  EXPECT_EQ(*styles.child("numFmts")->children[0].attribute("formatCode"), "dd/mm/yyyy");
  EXPECT_EQ(*xfs[3].attribute("numFmtId"), "4");   // built-in #,##0.00
  EXPECT_EQ(*xfs[4].attribute("numFmtId"), "10");  // built-in 0.00%
  EXPECT_EQ(*xfs[5].child("alignment")->attribute("wrapText"), "1");
  EXPECT_EQ(*styles.child("cellXfs")->attribute("count"), "6");
}

TEST(Xlsx, EscapesMarkupAndDropsForbiddenCharacters) {
  const std::string nasty = std::string("a<b&c>\"d'e") + '\x01' + '\x1F' + "\x7F" + "f\tg\nh\ri";
  const std::vector<Sheet> sheets = {
      {"Échappement",
       {"<&>\"'"},
       {{nasty}, {"_x0041_ reste"}, {"=SOMME(A1:A2)"}, {"bad \xC3\x28 utf8"}, {" espaces "}},
       {}}};
  auto bytes = write_xlsx(sheets, kInfo);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const auto entries = unzip(*bytes);
  const auto* raw = find_entry(entries, "xl/worksheets/sheet1.xml");
  ASSERT_NE(raw, nullptr);
  EXPECT_NE(raw->content.find("<t>&lt;&amp;&gt;&quot;&apos;</t>"), std::string::npos);
  const XmlElement sheet = parsed_entry(entries, "xl/worksheets/sheet1.xml");
  EXPECT_EQ(cell_text(sheet, "A1"), "<&>\"'");
  // U+0001 and U+001F are not XML 1.0 characters: dropped. DEL is allowed and kept. Tab, line
  // feed and carriage return survive as character references.
  EXPECT_EQ(cell_text(sheet, "A2"),
            "a<b&c>\"d'e\x7F"
            "f\tg\nh\ri");
  EXPECT_EQ(*find_cell(sheet, "A2")->child("is")->child("t")->attribute("xml:space"), "preserve");
  EXPECT_EQ(cell_style(sheet, "A2"), "5");  // line breaks: wrapped text
  EXPECT_EQ(cell_style(sheet, "A3"), "");
  // A literal "_x0041_" would read as "A" in Excel: its underscore is escaped.
  EXPECT_EQ(cell_text(sheet, "A3"), "_x005F_x0041_ reste");
  // Text that looks like a formula stays text.
  EXPECT_EQ(*find_cell(sheet, "A4")->attribute("t"), "inlineStr");
  EXPECT_EQ(find_cell(sheet, "A4")->child("f"), nullptr);
  EXPECT_EQ(cell_text(sheet, "A5"), "bad \xEF\xBF\xBD( utf8");  // invalid byte -> U+FFFD
  EXPECT_EQ(cell_text(sheet, "A6"), " espaces ");
  EXPECT_EQ(*parsed_entry(entries, "xl/workbook.xml").find_all("sheet")[0]->attribute("name"),
            "Échappement");
}

TEST(Xlsx, SheetNamesAreSanitisedTruncatedAndUnique) {
  std::vector<Sheet> sheets(8);
  sheets[0].name = "Données [2026]: a/b?";
  sheets[1].name = "DONNÉES [2026]: A/B?";  // differs only by case outside ASCII: kept apart
  sheets[2].name = "données [2026]: a/b?";  // same ignoring ASCII case as sheet 0
  sheets[3].name = "";
  sheets[4].name = "Une feuille dont le nom dépasse trente et un caractères";
  sheets[5].name = "Une feuille dont le nom dépasse trente et un caractères";
  sheets[6].name = "'Citée'\x01";
  sheets[7].name = "history";
  const auto names = unique_sheet_names(sheets);
  ASSERT_EQ(names.size(), 8u);
  EXPECT_EQ(names[0], "Données _2026__ a_b_");
  EXPECT_EQ(names[1], "DONNÉES _2026__ A_B_");
  EXPECT_EQ(names[2], "données _2026__ a_b_ (2)");
  EXPECT_EQ(names[3], "Feuille 4");
  EXPECT_EQ(names[4], "Une feuille dont le nom dépasse");  // 31 characters, not bytes
  EXPECT_EQ(names[5], "Une feuille dont le nom dép (2)");
  EXPECT_EQ(names[6], "Citée");
  EXPECT_EQ(names[7], "history_");
  for (const auto& n : names) {
    std::size_t chars = 0;
    for (const char c : n) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    EXPECT_LE(chars, 31u) << n;
  }

  auto bytes = write_xlsx(sheets, kInfo);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const XmlElement workbook = parsed_entry(unzip(*bytes), "xl/workbook.xml");
  const auto elements = workbook.find_all("sheet");
  ASSERT_EQ(elements.size(), 8u);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(*elements[i]->attribute("name"), names[i]);
}

TEST(Xlsx, RefusesBadInputWithAClearError) {
  auto empty = write_xlsx({}, kInfo);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(empty.error().message, "Le classeur ne contient aucune feuille.");

  auto nan = write_xlsx({{"Calculs", {"A", "B"}, {{1, 2.0}, {3, std::nan("")}}, {}}}, kInfo);
  ASSERT_FALSE(nan);
  EXPECT_EQ(nan.error().field, "Calculs!B3");
  EXPECT_NE(nan.error().message.find("Calculs!B3"), std::string::npos);

  auto inf =
      write_xlsx({{"Taux", {}, {{Percent{std::numeric_limits<double>::infinity()}}}, {}}}, kInfo);
  ASSERT_FALSE(inf);
  EXPECT_EQ(inf.error().field, "Taux!A1");  // no header: data starts on row 1

  auto feb30 = write_xlsx({{"Dates", {"Date"}, {{Date{2026, 2, 30}}}, {}}}, kInfo);
  ASSERT_FALSE(feb30);
  EXPECT_EQ(feb30.error().field, "Dates!A2");
  auto old = write_xlsx({{"Dates", {"Date"}, {{Date{1900, 2, 28}}}, {}}}, kInfo);
  ASSERT_FALSE(old);
  auto leap = write_xlsx({{"Dates", {"Date"}, {{Date{2024, 2, 29}}}, {}}}, kInfo);
  EXPECT_TRUE(leap);
  auto not_leap = write_xlsx({{"Dates", {"Date"}, {{Date{2100, 2, 29}}}, {}}}, kInfo);
  EXPECT_FALSE(not_leap);

  auto long_text = write_xlsx({{"Long", {}, {{std::string(32768, 'x')}}, {}}}, kInfo);
  ASSERT_FALSE(long_text);
  EXPECT_EQ(long_text.error().field, "Long!A1");
  EXPECT_TRUE(write_xlsx({{"Long", {}, {{std::string(32767, 'x')}}, {}}}, kInfo));

  WorkbookInfo bad_time = kInfo;
  bad_time.created = "2026-03-01 09:30";
  auto t = write_xlsx({{"A", {}, {}, {}}}, bad_time);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().field, "created");
}

TEST(Xlsx, NoHeaderMeansNoFreezeNoFilter) {
  auto bytes = write_xlsx({{"Brut", {}, {{"a", "b"}}, {}}, {"Vide", {}, {}, {}}}, kInfo);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const auto entries = unzip(*bytes);
  const XmlElement sheet = parsed_entry(entries, "xl/worksheets/sheet1.xml");
  EXPECT_EQ(sheet.find_all("pane").size(), 0u);
  EXPECT_EQ(sheet.child("autoFilter"), nullptr);
  EXPECT_EQ(cell_text(sheet, "B1"), "b");
  const XmlElement empty = parsed_entry(entries, "xl/worksheets/sheet2.xml");
  EXPECT_EQ(*empty.child("dimension")->attribute("ref"), "A1");
  EXPECT_TRUE(empty.child("sheetData")->children.empty());
  EXPECT_EQ(parsed_entry(entries, "xl/workbook.xml").find_all("definedName").size(), 0u);
}

TEST(Xlsx, ColumnWidthsGivenOrEstimated) {
  const std::vector<Sheet> sheets = {{"Largeurs",
                                      {"Nom", "Code"},
                                      {{std::string(100, 'x'), "57"}, {"court", "57463"}},
                                      {0, 0, 0}}};  // zero: estimate
  auto bytes = write_xlsx(sheets, kInfo);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const XmlElement sheet = parsed_entry(unzip(*bytes), "xl/worksheets/sheet1.xml");
  const auto cols = sheet.find_all("col");
  ASSERT_EQ(cols.size(), 2u);                     // as many as the sheet has columns
  EXPECT_EQ(*cols[0]->attribute("width"), "60");  // capped
  EXPECT_EQ(*cols[1]->attribute("width"), "8");   // floor ("Code" + filter button is 6)
}

TEST(Xlsx, SameInputSameBytes) {
  const std::vector<Sheet> sheets = {{"A", {"x"}, {{1}, {2.5}}, {}}};
  auto a = write_xlsx(sheets, kInfo);
  auto b = write_xlsx(sheets, kInfo);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

TEST(Xlsx, CurrentTimeWhenCreatedIsEmpty) {
  auto bytes = write_xlsx({{"A", {}, {}, {}}}, WorkbookInfo{});
  ASSERT_TRUE(bytes);
  const XmlElement core = parsed_entry(unzip(*bytes), "docProps/core.xml");
  const std::string created = core.child("dcterms:created")->text;
  ASSERT_EQ(created.size(), 20u);
  EXPECT_EQ(created[10], 'T');
  EXPECT_EQ(created.back(), 'Z');
  EXPECT_EQ(core.child("dc:creator")->text, "Maillage");
}

TEST(Xlsx, OptionalValuesBecomeEmptyCells) {
  const std::optional<double> none;
  const std::optional<std::int64_t> some = 57;
  const std::optional<std::string> name = "Metz";
  auto bytes = write_xlsx({{"Opt", {}, {{none, some, name}}, {}}}, kInfo);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const XmlElement sheet = parsed_entry(unzip(*bytes), "xl/worksheets/sheet1.xml");
  EXPECT_EQ(find_cell(sheet, "A1"), nullptr);
  EXPECT_EQ(cell_text(sheet, "B1"), "57");
  EXPECT_EQ(cell_style(sheet, "B1"), "");
  EXPECT_EQ(cell_text(sheet, "C1"), "Metz");
}

// Callers build sheets with designated initializers; the test build's -Wextra -Werror keeps that
// free of missing-field-initializer warnings.
TEST(Xlsx, DesignatedInitializers) {
  const Sheet sheet{.name = "Désignés", .header = {"Nom"}};
  auto bytes = write_xlsx({sheet}, {.title = "Essai", .created = "2026-03-01T09:30:00Z"});
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const XmlElement core = parsed_entry(unzip(*bytes), "docProps/core.xml");
  EXPECT_EQ(core.child("dc:creator")->text, "Maillage");  // default kept
}

TEST(Xlsx, ColumnLetters) {
  EXPECT_EQ(column_letters(0), "A");
  EXPECT_EQ(column_letters(25), "Z");
  EXPECT_EQ(column_letters(26), "AA");
  EXPECT_EQ(column_letters(701), "ZZ");
  EXPECT_EQ(column_letters(702), "AAA");
  EXPECT_EQ(column_letters(16383), "XFD");
}

}  // namespace
}  // namespace maillage::office
