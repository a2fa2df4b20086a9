#include "office/docx.hpp"

#include <gtest/gtest.h>

#include <set>

#include "office/odt.hpp"
#include "office/png_decode.hpp"
#include "office/sample_document.hpp"
#include "office/test_support.hpp"

namespace maillage::office {
namespace {

using test::find_entry;
using test::parsed_entry;
using test::unzip;
using test::XmlElement;

std::string map_png() {
  auto png = render_map(test::small_map());
  EXPECT_TRUE(png) << png.error().describe();
  return png ? *png : std::string();
}

const XmlElement* body_of(const XmlElement& document) { return document.child("w:body"); }

std::string style_of(const XmlElement& p) {
  const XmlElement* ppr = p.child("w:pPr");
  const XmlElement* style = ppr ? ppr->child("w:pStyle") : nullptr;
  return style ? *style->attribute("w:val") : std::string();
}

// Text of a paragraph as Word shows it: w:t contents, w:tab as tab, w:br as line feed.
void text_of(const XmlElement& e, std::string& out) {
  if (e.name == "w:t") out += e.text;
  if (e.name == "w:tab") out += '\t';
  if (e.name == "w:br") out += '\n';
  if (e.name == "w:instrText") return;
  for (const auto& c : e.children) text_of(c, out);
}
std::string text_of(const XmlElement& e) {
  std::string out;
  text_of(e, out);
  return out;
}

TEST(Docx, PackagePartsAreWellFormedAndAllDeclared) {
  auto bytes = write_docx(test::projet_sample(map_png()));
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const auto entries = unzip(*bytes);
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.name);
  const std::vector<std::string> expected = {
      "[Content_Types].xml", "_rels/.rels",          "word/document.xml",
      "word/_rels/document.xml.rels", "word/styles.xml", "word/settings.xml",
      "word/numbering.xml",  "word/footer1.xml",     "word/media/image1.png",
      "docProps/core.xml",   "docProps/app.xml"};
  ASSERT_EQ(names, expected);
  for (const auto& e : entries) {
    if (e.name.ends_with(".png")) continue;
    auto doc = test::parse_xml(e.content);
    EXPECT_TRUE(doc.has_value()) << e.name << ": " << (doc ? "" : doc.error());
  }
  // Every part but the relationships and the PNG has an Override with its content type; the
  // PNG's type comes from the png Default.
  const XmlElement types = parsed_entry(entries, "[Content_Types].xml");
  std::set<std::string> overridden;
  for (const XmlElement* o : types.find_all("Override")) {
    overridden.insert(o->attribute("PartName")->substr(1));
    EXPECT_NE(find_entry(entries, o->attribute("PartName")->substr(1)), nullptr)
        << *o->attribute("PartName");
  }
  for (const auto& name : names) {
    if (name.ends_with(".rels") || name.ends_with(".png") || name == "[Content_Types].xml") continue;
    EXPECT_TRUE(overridden.count(name)) << name;
  }
  std::set<std::string> defaults;
  for (const XmlElement* d : types.find_all("Default")) defaults.insert(*d->attribute("Extension"));
  EXPECT_TRUE(defaults.count("png"));
  EXPECT_TRUE(defaults.count("rels"));

  // Every relationship points at a part of the package.
  const XmlElement rels = parsed_entry(entries, "_rels/.rels");
  for (const XmlElement* r : rels.find_all("Relationship")) {
    EXPECT_NE(find_entry(entries, *r->attribute("Target")), nullptr) << *r->attribute("Target");
  }
  const XmlElement doc_rels = parsed_entry(entries, "word/_rels/document.xml.rels");
  std::set<std::string> ids;
  for (const XmlElement* r : doc_rels.find_all("Relationship")) {
    ids.insert(*r->attribute("Id"));
    EXPECT_NE(find_entry(entries, "word/" + *r->attribute("Target")), nullptr)
        << *r->attribute("Target");
  }
  // ... and every r:id / r:embed used by the document and footer is declared.
  const XmlElement document = parsed_entry(entries, "word/document.xml");
  for (const XmlElement* blip : document.find_all("a:blip")) {
    EXPECT_TRUE(ids.count(*blip->attribute("r:embed")));
  }
  for (const XmlElement* f : document.find_all("w:footerReference")) {
    EXPECT_TRUE(ids.count(*f->attribute("r:id")));
  }
  // The embedded PNG is the map, byte for byte, stored (already compressed).
  const auto* media = find_entry(entries, "word/media/image1.png");
  EXPECT_EQ(media->content, map_png());
  EXPECT_EQ(media->method, ZIP_CM_STORE);
}

TEST(Docx, BodyHasTheBlocksInOrder) {
  auto bytes = write_docx(test::projet_sample(map_png()));
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const XmlElement document = parsed_entry(unzip(*bytes), "word/document.xml");
  const XmlElement* body = body_of(document);
  ASSERT_NE(body, nullptr);
  std::vector<std::string> seen;
  for (const auto& c : body->children) {
    if (c.name == "w:tbl") {
      seen.push_back("table");
    } else if (c.name == "w:p") {
      seen.push_back(style_of(c) + ":" + text_of(c));
    } else {
      seen.push_back(c.name);
    }
  }
  const std::vector<std::string> expected = {
      "TOCHeading:Table des matières",
      "TOC1:Le territoire",
      "TOC2:Communes & <voisins>",
      "TOC3:Annexe",
      "TOC1:Gouvernance",
      "Heading1:Le territoire",
      "BodyText:Population : 31 245 habitants (INSEE 2021)",
      "ImageCentree:",
      "Caption:Carte 1 — Communes du territoire",
      "Heading2:Communes & <voisins>",
      "ListBullet:Château-Salins",
      "ListBullet:Dieuze (chef-lieu de canton)",
      "table",
      "TableSpacing:",
      ":\n",  // the page break
      "Heading3:Annexe",
      "BodyText:  deux  espaces\tpuis\nligne\nfin ",
      "Heading1:Gouvernance",
      "w:sectPr"};
  EXPECT_EQ(seen, expected);

  // Bold runs carry w:b; the others do not.
  const XmlElement& population = body->children[6];
  const auto runs = population.find_all("w:r");
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_NE(runs[0]->child("w:rPr"), nullptr);
  EXPECT_NE(runs[0]->child("w:rPr")->child("w:b"), nullptr);
  EXPECT_EQ(runs[1]->child("w:rPr"), nullptr);
  // Spaces survive: every w:t preserves them.
  for (const XmlElement* t : document.find_all("w:t")) {
    EXPECT_EQ(*t->attribute("xml:space"), "preserve");
  }
  // Page break.
  EXPECT_EQ(*body->children[14].find_all("w:br")[0]->attribute("w:type"), "page");
  // Bullets point at the bullet numbering.
  const auto num = body->children[10].find_all("w:numId");
  ASSERT_EQ(num.size(), 1u);
  EXPECT_EQ(*num[0]->attribute("w:val"), "1");
}

TEST(Docx, TableHasRepeatedHeaderBordersAndRelativeWidths) {
  auto bytes = write_docx(test::projet_sample(map_png()));
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const XmlElement document = parsed_entry(unzip(*bytes), "word/document.xml");
  const auto tables = document.find_all("w:tbl");
  ASSERT_EQ(tables.size(), 1u);
  const XmlElement& table = *tables[0];
  // 3:1:1 over 17 cm = 9638 twips: 5783 + 1927 + 1928 (cumulative rounding sums exactly).
  std::vector<long> grid;
  for (const XmlElement* g : table.find_all("w:gridCol")) grid.push_back(std::stol(*g->attribute("w:w")));
  EXPECT_EQ(grid, (std::vector<long>{5783, 1927, 1928}));
  EXPECT_EQ(*table.child("w:tblPr")->child("w:tblW")->attribute("w:type"), "pct");
  const XmlElement* borders = table.child("w:tblPr")->child("w:tblBorders");
  ASSERT_NE(borders, nullptr);
  std::vector<std::string> sides;
  for (const auto& b : borders->children) {
    sides.push_back(b.name);
    EXPECT_EQ(*b.attribute("w:val"), "single");
  }
  EXPECT_EQ(sides, (std::vector<std::string>{"w:top", "w:left", "w:bottom", "w:right",
                                             "w:insideH", "w:insideV"}));
  const auto rows = table.find_all("w:tr");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_NE(rows[0]->child("w:trPr")->child("w:tblHeader"), nullptr);
  EXPECT_EQ(rows[1]->child("w:trPr")->child("w:tblHeader"), nullptr);
  std::vector<std::vector<std::string>> cells;
  for (const XmlElement* row : rows) {
    auto& r = cells.emplace_back();
    for (const XmlElement* tc : row->find_all("w:tc")) {
      r.push_back(text_of(*tc));
      EXPECT_EQ(tc->find_all("w:p").size(), 1u);  // even empty cells hold a paragraph
    }
  }
  const std::vector<std::vector<std::string>> expected = {
      {"Commune", "Population", "Médecins"},
      {"Château-Salins", "2 400", "3"},
      {"Dieuze", "2 900", ""},
      {"Vic-sur-Seille", "", ""}};
  EXPECT_EQ(cells, expected);
  EXPECT_EQ(style_of(*rows[0]->find_all("w:p")[0]), "TableHeading");
  EXPECT_EQ(*rows[0]->find_all("w:shd")[0]->attribute("w:fill"), "DDE4EE");
}

TEST(Docx, TableOfContentsIsAFieldPrefilledWithTheHeadings) {
  auto bytes = write_docx(test::projet_sample(map_png()));
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const auto entries = unzip(*bytes);
  const XmlElement document = parsed_entry(entries, "word/document.xml");
  const auto chars = document.find_all("w:fldChar");
  ASSERT_EQ(chars.size(), 3u);
  EXPECT_EQ(*chars[0]->attribute("w:fldCharType"), "begin");
  EXPECT_EQ(*chars[1]->attribute("w:fldCharType"), "separate");
  EXPECT_EQ(*chars[2]->attribute("w:fldCharType"), "end");
  const auto instr = document.find_all("w:instrText");
  ASSERT_EQ(instr.size(), 1u);
  EXPECT_EQ(instr[0]->text, " TOC \\o \"1-3\" \\h \\z \\u ");
  // Word fills the page numbers on opening.
  const XmlElement settings = parsed_entry(entries, "word/settings.xml");
  EXPECT_EQ(*settings.child("w:updateFields")->attribute("w:val"), "true");

  // Levels limit the entries; no heading leaves an empty field.
  Document two;
  two.created = "2026-03-01T09:30:00Z";
  two.table_of_contents({"Sommaire", 1}).heading(1, "Un").heading(2, "Un.un");
  const XmlElement d2 = parsed_entry(unzip(*write_docx(two)), "word/document.xml");
  std::vector<std::string> styles;
  for (const auto& p : body_of(d2)->children) styles.push_back(style_of(p) + ":" + text_of(p));
  EXPECT_EQ(styles, (std::vector<std::string>{"TOCHeading:Sommaire", "TOC1:Un", "Heading1:Un",
                                              "Heading2:Un.un", ":"}));
  EXPECT_EQ(d2.find_all("w:instrText")[0]->text, " TOC \\o \"1-1\" \\h \\z \\u ");
  Document none;
  none.table_of_contents();
  const XmlElement d3 = parsed_entry(unzip(*write_docx(none)), "word/document.xml");
  EXPECT_EQ(d3.find_all("w:fldChar").size(), 3u);
}

TEST(Docx, StylesSettingsNumberingAndSection) {
  auto bytes = write_docx(test::projet_sample(map_png()));
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const auto entries = unzip(*bytes);
  const XmlElement styles = parsed_entry(entries, "word/styles.xml");
  const XmlElement* defaults = styles.child("w:docDefaults")->child("w:rPrDefault")->child("w:rPr");
  EXPECT_EQ(*defaults->child("w:rFonts")->attribute("w:ascii"), "Arial");
  EXPECT_EQ(*defaults->child("w:sz")->attribute("w:val"), "22");  // 11 pt in half-points
  EXPECT_EQ(*defaults->child("w:lang")->attribute("w:val"), "fr-FR");
  std::set<std::string> defined;
  for (const XmlElement* s : styles.find_all("w:style")) {
    const std::string id = *s->attribute("w:styleId");
    defined.insert(id);
    if (id.starts_with("Heading")) {
      const int level = id.back() - '0';
      EXPECT_EQ(*s->child("w:pPr")->child("w:outlineLvl")->attribute("w:val"),
                std::to_string(level - 1));
      EXPECT_EQ(*s->child("w:name")->attribute("w:val"), "heading " + std::to_string(level));
    }
  }
  for (const char* id : {"Normal", "Heading1", "Heading2", "Heading3", "BodyText", "ListBullet",
                         "TOCHeading", "TOC1", "TOC2", "TOC3", "Caption", "Footer",
                         "TableHeading", "TableContents"}) {
    EXPECT_TRUE(defined.count(id)) << id;
  }
  // Every style the document and the footer use is defined.
  for (const char* part : {"word/document.xml", "word/footer1.xml"}) {
    const XmlElement x = parsed_entry(entries, part);
    for (const XmlElement* s : x.find_all("w:pStyle")) {
      EXPECT_TRUE(defined.count(*s->attribute("w:val"))) << part << ": " << *s->attribute("w:val");
    }
  }
  const XmlElement numbering = parsed_entry(entries, "word/numbering.xml");
  EXPECT_EQ(*numbering.find_all("w:numFmt")[0]->attribute("w:val"), "bullet");
  EXPECT_EQ(*numbering.child("w:num")->attribute("w:numId"), "1");

  // A4 portrait, 2 cm margins (1134 twips), footer 1 cm from the edge.
  const XmlElement document = parsed_entry(entries, "word/document.xml");
  const XmlElement* sect = body_of(document)->child("w:sectPr");
  EXPECT_EQ(*sect->child("w:pgSz")->attribute("w:w"), "11906");
  EXPECT_EQ(*sect->child("w:pgSz")->attribute("w:h"), "16838");
  for (const char* side : {"w:top", "w:bottom", "w:left", "w:right"}) {
    EXPECT_EQ(*sect->child("w:pgMar")->attribute(side), "1134") << side;
  }
  EXPECT_EQ(*sect->child("w:pgMar")->attribute("w:footer"), "567");

  const XmlElement core = parsed_entry(entries, "docProps/core.xml");
  EXPECT_EQ(core.child("dc:title")->text, "Projet de santé — CPTS du Saulnois");
  EXPECT_EQ(core.child("dc:creator")->text, "Maillage (tests)");
  EXPECT_EQ(core.child("dcterms:created")->text, "2026-03-01T09:30:00Z");
  EXPECT_EQ(parsed_entry(entries, "docProps/app.xml").child("Application")->text, "Maillage");
}

TEST(Docx, FooterHasTextAndPageFields) {
  auto bytes = write_docx(test::projet_sample(map_png()));
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const XmlElement footer = parsed_entry(unzip(*bytes), "word/footer1.xml");
  EXPECT_EQ(text_of(footer), "Projet de santé — CPTS du Saulnois — Page 1 sur 1");
  const auto fields = footer.find_all("w:fldSimple");
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(*fields[0]->attribute("w:instr"), " PAGE ");
  EXPECT_EQ(*fields[1]->attribute("w:instr"), " NUMPAGES ");

  // No footer asked: no footer part, no reference.
  Document plain;
  plain.paragraph("x");
  const auto entries = unzip(*write_docx(plain));
  EXPECT_EQ(find_entry(entries, "word/footer1.xml"), nullptr);
  EXPECT_TRUE(parsed_entry(entries, "word/document.xml").find_all("w:footerReference").empty());
  EXPECT_EQ(parsed_entry(entries, "[Content_Types].xml").find_all("Override").size(), 6u);
}

TEST(Docx, ImageIsAnInlineDrawingOfTheGivenSize) {
  const std::string png = map_png();
  auto bytes = write_docx(test::projet_sample(png));
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const XmlElement document = parsed_entry(unzip(*bytes), "word/document.xml");
  const auto extents = document.find_all("wp:extent");
  ASSERT_EQ(extents.size(), 1u);
  // 12 cm wide; 40 × 30 pixels keep their 4:3 ratio: 9 cm high. 360 000 EMU a centimetre.
  EXPECT_EQ(*extents[0]->attribute("cx"), "4320000");
  EXPECT_EQ(*extents[0]->attribute("cy"), "3240000");
  EXPECT_EQ(*document.find_all("wp:docPr")[0]->attribute("descr"), "Carte des 128 communes");
  EXPECT_EQ(*document.find_all("a:blip")[0]->attribute("r:embed"), "rIdImage1");
}

TEST(Docx, EscapesLikeTheOdtWriter) {
  Document doc;
  doc.title = "<titre & \"co\">";
  doc.created = "2026-03-01T09:30:00Z";
  doc.heading(2, std::string("a<b&c>\"d'e") + '\x02' + "f");
  doc.table({{"<&>"}, {{std::string("x") + '\x1B' + "y" + "\xC3"}}, {}});
  auto bytes = write_docx(doc);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const auto entries = unzip(*bytes);
  const XmlElement document = parsed_entry(entries, "word/document.xml");
  EXPECT_EQ(text_of(body_of(document)->children[0]), "a<b&c>\"d'ef");
  const auto cells = document.find_all("w:tc");
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(text_of(*cells[0]), "<&>");
  EXPECT_EQ(text_of(*cells[1]), "xy\xEF\xBF\xBD");  // invalid UTF-8 becomes U+FFFD
  EXPECT_EQ(parsed_entry(entries, "docProps/core.xml").child("dc:title")->text, "<titre & \"co\">");
}

TEST(Docx, RefusesWhatTheOdtWriterRefusesWithTheSameError) {
  const std::string png = map_png();
  std::vector<Document> bad(8);
  bad[0].paragraph("ok").heading(4, "Trop profond");
  bad[1].table({});
  bad[2].table({{"a", "b"}, {}, {1, -1}});
  bad[3].created = "2026-02-30T00:00:00Z";
  bad[4].table_of_contents({"Sommaire", 4});
  bad[5].image({"pas un png", 10, 0, "", ""});
  bad[6].image({png, 18, 0, "", ""});  // wider than the 17 cm text width
  bad[7].image({png, 17, 30, "", ""});  // taller than the 25.7 cm text height
  for (std::size_t i = 0; i < bad.size(); ++i) {
    auto docx = write_docx(bad[i]);
    auto odt = write_odt(bad[i]);
    ASSERT_FALSE(docx) << i;
    ASSERT_FALSE(odt) << i;
    EXPECT_EQ(docx.error().code, ErrorCode::invalid_input) << i;
    EXPECT_EQ(docx.error().message, odt.error().message) << i;
    EXPECT_EQ(docx.error().field, odt.error().field) << i;
  }
  EXPECT_EQ(write_docx(bad[0]).error().field, "blocks[1]");
  EXPECT_NE(write_docx(bad[0]).error().message.find("Niveau de titre 4"), std::string::npos);
  EXPECT_EQ(write_docx(bad[3]).error().field, "created");
  EXPECT_NE(write_docx(bad[6]).error().message.find("Largeur d'image invalide"), std::string::npos);
  EXPECT_NE(write_docx(bad[7]).error().message.find("trop haute"), std::string::npos);
}

TEST(Docx, SameInputSameBytesAndAnEmptyDocumentIsValid) {
  const std::string png = map_png();
  auto a = write_docx(test::projet_sample(png));
  auto b = write_docx(test::projet_sample(png));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  Document empty;
  empty.bullets({});
  auto e = write_docx(empty);
  ASSERT_TRUE(e) << e.error().describe();
  const XmlElement document = parsed_entry(unzip(*e), "word/document.xml");
  ASSERT_EQ(body_of(document)->children.size(), 1u);
  EXPECT_EQ(body_of(document)->children[0].name, "w:sectPr");
}

}  // namespace
}  // namespace maillage::office
