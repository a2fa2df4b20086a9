#include "office/odt.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "office/sample_document.hpp"
#include "office/test_support.hpp"

namespace maillage::office {
namespace {

using test::find_entry;
using test::parsed_entry;
using test::unzip;
using test::XmlElement;

Document sample() {
  Document doc;
  doc.title = "Dialogue de gestion 2026 — CPTS du Saulnois";
  doc.author = "Maillage (tests)";
  doc.created = "2026-03-01T09:30:00Z";
  doc.heading(1, "Dialogue de gestion 2026")
      .paragraph({{"Structure : ", true}, {"CPTS du Saulnois"}})
      .heading(2, "Missions")
      .bullets({"Accès aux soins", Paragraph({{"Parcours", true}, {" pluriprofessionnels"}})})
      .table({{"Indicateur", "Cible", "Mesuré"},
              {{"Patients sans médecin traitant", "-10 %", "-12 %"}, {"Délai de RDV"}},
              {3, 1, 1}})
      .page_break()
      .heading(3, "Annexe")
      .paragraph("Fin.");
  return doc;
}

// Every style a content element refers to must be defined somewhere, or LibreOffice silently
// falls back to the default look.
std::set<std::string> defined_styles(const XmlElement& root) {
  std::set<std::string> names;
  for (const char* kind : {"style:style", "text:list-style"}) {
    for (const XmlElement* s : root.find_all(kind)) names.insert(*s->attribute("style:name"));
  }
  return names;
}

void collect_references(const XmlElement& e, std::set<std::string>& out) {
  for (const auto& [k, v] : e.attributes) {
    if (k == "text:style-name" || k == "table:style-name") out.insert(v);
  }
  for (const auto& c : e.children) collect_references(c, out);
}

TEST(Odt, MimetypeFirstStoredThenWellFormedParts) {
  auto bytes = write_odt(sample());
  ASSERT_TRUE(bytes) << bytes.error().describe();
  // The ODF "magic": a local header of 30 bytes, then the name "mimetype" and the media type
  // itself, readable without decompressing anything.
  ASSERT_GT(bytes->size(), 80u);
  EXPECT_EQ(bytes->substr(0, 4), std::string("PK\x03\x04", 4));
  EXPECT_EQ(bytes->substr(30, 8), "mimetype");
  EXPECT_EQ(bytes->substr(38, 39), "application/vnd.oasis.opendocument.text");
  // No extra field after the name (bytes 28-29 of the local header: extra length).
  EXPECT_EQ((*bytes)[28], '\0');
  EXPECT_EQ((*bytes)[29], '\0');

  const auto entries = unzip(*bytes);
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.name);
  const std::vector<std::string> expected = {"mimetype", "META-INF/manifest.xml", "content.xml",
                                             "styles.xml", "meta.xml"};
  ASSERT_EQ(names, expected);
  EXPECT_EQ(entries[0].method, ZIP_CM_STORE);
  EXPECT_EQ(entries[0].content, "application/vnd.oasis.opendocument.text");
  for (std::size_t i = 1; i < entries.size(); ++i) {
    auto doc = test::parse_xml(entries[i].content);
    EXPECT_TRUE(doc.has_value()) << entries[i].name << ": " << (doc ? "" : doc.error());
  }

  const XmlElement manifest = parsed_entry(entries, "META-INF/manifest.xml");
  EXPECT_EQ(*manifest.attribute("manifest:version"), "1.2");
  std::set<std::string> listed;
  for (const XmlElement* f : manifest.find_all("manifest:file-entry")) {
    listed.insert(*f->attribute("manifest:full-path"));
    if (*f->attribute("manifest:full-path") == "/") {
      EXPECT_EQ(*f->attribute("manifest:media-type"), "application/vnd.oasis.opendocument.text");
    }
  }
  EXPECT_EQ(listed, (std::set<std::string>{"/", "content.xml", "styles.xml", "meta.xml"}));
}

TEST(Odt, ContentHasTheBlocksInOrder) {
  auto bytes = write_odt(sample());
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const auto entries = unzip(*bytes);
  const XmlElement content = parsed_entry(entries, "content.xml");
  EXPECT_EQ(*content.attribute("office:version"), "1.2");
  const XmlElement* text = content.child("office:body")->child("office:text");
  ASSERT_NE(text, nullptr);
  std::vector<std::string> kinds;
  for (const auto& c : text->children) kinds.push_back(c.name);
  const std::vector<std::string> expected = {"text:h",      "text:p", "text:h", "text:list",
                                             "table:table", "text:p", "text:h", "text:p"};
  EXPECT_EQ(kinds, expected);

  const auto& blocks = text->children;
  EXPECT_EQ(*blocks[0].attribute("text:outline-level"), "1");
  EXPECT_EQ(*blocks[0].attribute("text:style-name"), "Heading_20_1");
  EXPECT_EQ(blocks[0].text, "Dialogue de gestion 2026");
  EXPECT_EQ(*blocks[6].attribute("text:outline-level"), "3");

  // Bold run as a span with the bold text style.
  ASSERT_EQ(blocks[1].children.size(), 1u);
  EXPECT_EQ(blocks[1].children[0].name, "text:span");
  EXPECT_EQ(*blocks[1].children[0].attribute("text:style-name"), "Strong_20_Emphasis");
  EXPECT_EQ(blocks[1].children[0].text, "Structure : ");
  EXPECT_EQ(blocks[1].text, "CPTS du Saulnois");

  const auto items = blocks[3].find_all("text:list-item");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]->child("text:p")->text, "Accès aux soins");
  EXPECT_EQ(items[1]->child("text:p")->all_text(), " pluriprofessionnelsParcours");

  const XmlElement& table = blocks[4];
  EXPECT_EQ(*table.attribute("table:name"), "Tableau1");
  EXPECT_EQ(table.find_all("table:table-column").size(), 3u);
  const XmlElement* header = table.child("table:table-header-rows");
  ASSERT_NE(header, nullptr);
  const auto header_cells = header->find_all("table:table-cell");
  ASSERT_EQ(header_cells.size(), 3u);
  EXPECT_EQ(header_cells[2]->child("text:p")->text, "Mesuré");
  EXPECT_EQ(*header_cells[2]->child("text:p")->attribute("text:style-name"), "Table_20_Heading");
  std::vector<const XmlElement*> body_rows;
  for (const auto& c : table.children) {
    if (c.name == "table:table-row") body_rows.push_back(&c);
  }
  ASSERT_EQ(body_rows.size(), 2u);
  ASSERT_EQ(body_rows[1]->children.size(), 3u);  // short row padded to 3 cells
  EXPECT_EQ(body_rows[1]->children[0].child("text:p")->text, "Délai de RDV");
  EXPECT_EQ(body_rows[1]->children[2].child("text:p")->text, "");

  // Page break: an empty paragraph whose automatic style breaks before it.
  EXPECT_EQ(*blocks[5].attribute("text:style-name"), "Saut_de_page");
  bool breaks = false;
  for (const XmlElement* s : content.child("office:automatic-styles")->find_all("style:style")) {
    if (*s->attribute("style:name") == "Saut_de_page") {
      breaks = *s->child("style:paragraph-properties")->attribute("fo:break-before") == "page";
    }
  }
  EXPECT_TRUE(breaks);

  // Column widths follow the 3:1:1 weights over 17 cm, and the cells are bordered.
  double total = 0;
  std::vector<double> widths;
  for (const XmlElement* s : content.child("office:automatic-styles")->find_all("style:style")) {
    if (*s->attribute("style:family") == "table-column") {
      const std::string w =
          *s->child("style:table-column-properties")->attribute("style:column-width");
      widths.push_back(std::stod(w.substr(0, w.size() - 2)));
      total += widths.back();
    }
    if (*s->attribute("style:family") == "table-cell") {
      EXPECT_EQ(*s->child("style:table-cell-properties")->attribute("fo:border"),
                "0.5pt solid #000000");
    }
  }
  ASSERT_EQ(widths.size(), 3u);
  EXPECT_NEAR(total, 17.0, 0.01);
  EXPECT_NEAR(widths[0], 10.2, 0.01);
  EXPECT_NEAR(widths[1], 3.4, 0.01);

  // Every referenced style exists in content.xml or styles.xml.
  std::set<std::string> defined = defined_styles(content);
  const XmlElement styles = parsed_entry(entries, "styles.xml");
  const auto more = defined_styles(styles);
  defined.insert(more.begin(), more.end());
  std::set<std::string> used;
  collect_references(content, used);
  for (const auto& name : used) EXPECT_TRUE(defined.count(name)) << "undefined style " << name;
}

TEST(Odt, StylesAndMeta) {
  auto bytes = write_odt(sample());
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const auto entries = unzip(*bytes);
  const XmlElement styles = parsed_entry(entries, "styles.xml");
  const XmlElement* def = styles.child("office:styles")->child("style:default-style");
  ASSERT_NE(def, nullptr);
  EXPECT_EQ(*def->child("style:text-properties")->attribute("style:font-name"), "Liberation Sans");
  EXPECT_EQ(*def->child("style:text-properties")->attribute("fo:font-size"), "11pt");
  // The font is declared.
  EXPECT_EQ(
      *styles.child("office:font-face-decls")->child("style:font-face")->attribute("style:name"),
      "Liberation Sans");
  std::set<std::string> names = defined_styles(styles);
  for (const char* n : {"Heading_20_1", "Heading_20_2", "Heading_20_3", "Text_20_body",
                        "Strong_20_Emphasis", "Table_20_Heading", "Puces"}) {
    EXPECT_TRUE(names.count(n)) << n;
  }
  const XmlElement* layout = styles.child("office:automatic-styles")->child("style:page-layout");
  ASSERT_NE(layout, nullptr);
  EXPECT_EQ(*layout->child("style:page-layout-properties")->attribute("fo:page-width"), "21cm");
  EXPECT_EQ(*styles.child("office:master-styles")
                 ->child("style:master-page")
                 ->attribute("style:page-layout-name"),
            "A4");

  const XmlElement meta = parsed_entry(entries, "meta.xml");
  const XmlElement* m = meta.child("office:meta");
  EXPECT_EQ(m->child("dc:title")->text, "Dialogue de gestion 2026 — CPTS du Saulnois");
  EXPECT_EQ(m->child("meta:creation-date")->text, "2026-03-01T09:30:00Z");
  EXPECT_EQ(m->child("dc:creator")->text, "Maillage (tests)");
}

TEST(Odt, WhiteSpaceTabsAndLineBreaksSurvive) {
  Document doc;
  doc.created = "2026-03-01T09:30:00Z";
  doc.paragraph("  deux  espaces\tpuis\nligne\r\nfin ");
  doc.paragraph({{"gras ", true}, {" suite"}});
  auto bytes = write_odt(doc);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const auto entries = unzip(*bytes);
  const auto* content = find_entry(entries, "content.xml");
  ASSERT_NE(content, nullptr);
  EXPECT_NE(content->content.find(
                "<text:p text:style-name=\"Text_20_body\"><text:s text:c=\"2\"/>deux "
                "<text:s/>espaces<text:tab/>puis<text:line-break/>ligne<text:line-break/>fin "
                "</text:p>"),
            std::string::npos)
      << content->content;
  // The space that ends the bold run makes the next run's leading space a protected one.
  EXPECT_NE(content->content.find("<text:span text:style-name=\"Strong_20_Emphasis\">gras "
                                  "</text:span><text:s/>suite</text:p>"),
            std::string::npos);
}

TEST(Odt, EscapesMarkupAndDropsForbiddenCharacters) {
  Document doc;
  doc.title = "<titre & \"co\">";
  doc.created = "2026-03-01T09:30:00Z";
  doc.heading(2, std::string("a<b&c>\"d'e") + '\x02' + "f");
  doc.table({{"<&>"}, {{std::string("x") + '\x1B' + "y"}}, {}});
  auto bytes = write_odt(doc);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const auto entries = unzip(*bytes);
  const XmlElement content = parsed_entry(entries, "content.xml");
  const XmlElement* text = content.child("office:body")->child("office:text");
  EXPECT_EQ(text->children[0].text, "a<b&c>\"d'ef");
  const auto cells = text->find_all("table:table-cell");
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0]->child("text:p")->text, "<&>");
  EXPECT_EQ(cells[1]->child("text:p")->text, "xy");
  EXPECT_EQ(parsed_entry(entries, "meta.xml").child("office:meta")->child("dc:title")->text,
            "<titre & \"co\">");
}

TEST(Odt, RefusesBadInputWithAClearError) {
  Document doc;
  doc.created = "2026-03-01T09:30:00Z";
  doc.paragraph("ok").heading(4, "Trop profond");
  auto r = write_odt(doc);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(r.error().field, "blocks[1]");
  EXPECT_NE(r.error().message.find("Niveau de titre 4"), std::string::npos);

  Document zero;
  zero.heading(0, "x");
  EXPECT_FALSE(write_odt(zero));

  Document empty_table;
  empty_table.table({});
  auto t = write_odt(empty_table);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().field, "blocks[0]");

  Document bad_width;
  bad_width.table({{"a", "b"}, {}, {1, -1}});
  EXPECT_FALSE(write_odt(bad_width));

  Document bad_time;
  bad_time.created = "2026-02-30T00:00:00Z";
  auto c = write_odt(bad_time);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "created");
}

TEST(Odt, EmptyDocumentAndEmptyListAreValid) {
  Document doc;
  doc.created = "2026-03-01T09:30:00Z";
  doc.bullets({});
  auto bytes = write_odt(doc);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const XmlElement content = parsed_entry(unzip(*bytes), "content.xml");
  EXPECT_TRUE(content.child("office:body")->child("office:text")->children.empty());
}

TEST(Odt, DesignatedInitializers) {
  Document doc{.title = "Désignés", .created = "2026-03-01T09:30:00Z"};
  doc.table({.header = {"a", "b"}, .rows = {{"1", "2"}}});
  doc.bullets({"a", {{"b", true}, {" suite"}}, {{"c", true}}});
  auto bytes = write_odt(doc);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const XmlElement content = parsed_entry(unzip(*bytes), "content.xml");
  EXPECT_EQ(content.find_all("table:table-cell").size(), 4u);
  EXPECT_EQ(content.find_all("text:span").size(), 2u);
  EXPECT_EQ(content.find_all("text:list-item").size(), 3u);
}

TEST(Odt, SameInputSameBytes) {
  auto a = write_odt(sample());
  auto b = write_odt(sample());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

}  // namespace
}  // namespace maillage::office

namespace maillage::office {
namespace {

using test::find_entry;
using test::parsed_entry;
using test::unzip;
using test::XmlElement;

std::string small_map_png() {
  auto png = render_map(test::small_map());
  EXPECT_TRUE(png) << png.error().describe();
  return png ? *png : std::string();
}

TEST(OdtBlocks, TableOfContentsHasItsSourceAndThePrefilledHeadings) {
  auto bytes = write_odt(test::projet_sample(small_map_png()));
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const auto entries = unzip(*bytes);
  const XmlElement content = parsed_entry(entries, "content.xml");
  const auto tocs = content.find_all("text:table-of-content");
  ASSERT_EQ(tocs.size(), 1u);
  const XmlElement* source = tocs[0]->child("text:table-of-content-source");
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(*source->attribute("text:outline-level"), "3");
  EXPECT_EQ(source->find_all("text:table-of-content-entry-template").size(), 3u);
  EXPECT_EQ(source->find_all("text:index-entry-page-number").size(), 3u);
  std::vector<std::string> lines;
  for (const auto& c : tocs[0]->child("text:index-body")->children) {
    if (c.name == "text:index-title") {
      lines.push_back("title:" + c.child("text:p")->all_text());
    } else {
      lines.push_back(*c.attribute("text:style-name") + ":" + c.all_text());
    }
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"title:Table des matières", "Contents_20_1:Le territoire",
                                             "Contents_20_2:Communes & <voisins>",
                                             "Contents_20_3:Annexe", "Contents_20_1:Gouvernance"}));
  // The entry styles exist, with a right tab at the text width for the page numbers.
  const XmlElement styles = parsed_entry(entries, "styles.xml");
  bool found = false;
  for (const XmlElement* s : styles.find_all("style:style")) {
    if (*s->attribute("style:name") == "Contents_20_1") {
      found = true;
      EXPECT_EQ(*s->find_all("style:tab-stop")[0]->attribute("style:position"), "17cm");
    }
  }
  EXPECT_TRUE(found);
}

TEST(OdtBlocks, FooterHasTextAndPageFields) {
  auto bytes = write_odt(test::projet_sample(small_map_png()));
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const XmlElement styles = parsed_entry(unzip(*bytes), "styles.xml");
  const XmlElement* footer = styles.child("office:master-styles")
                                 ->child("style:master-page")
                                 ->child("style:footer");
  ASSERT_NE(footer, nullptr);
  const XmlElement* p = footer->child("text:p");
  EXPECT_EQ(*p->attribute("text:style-name"), "Footer");
  EXPECT_EQ(p->find_all("text:page-number").size(), 1u);
  EXPECT_EQ(p->find_all("text:page-count").size(), 1u);
  // Character data around the two fields (the XML checker keeps no interleaving).
  EXPECT_EQ(p->text, "Projet de santé — CPTS du Saulnois — Page  sur ");
  // The page layout makes room for it (footer style present).
  EXPECT_NE(styles.child("office:automatic-styles")->child("style:page-layout")->child(
                "style:footer-style"),
            nullptr);

  Document plain;
  plain.paragraph("x");
  const XmlElement s2 = parsed_entry(unzip(*write_odt(plain)), "styles.xml");
  EXPECT_TRUE(s2.find_all("style:footer").empty());
}

TEST(OdtBlocks, ImageIsEmbeddedListedAndFramed) {
  const std::string png = small_map_png();
  auto bytes = write_odt(test::projet_sample(png));
  ASSERT_TRUE(bytes) << bytes.error().describe();
  const auto entries = unzip(*bytes);
  const auto* picture = find_entry(entries, "Pictures/image1.png");
  ASSERT_NE(picture, nullptr);
  EXPECT_EQ(picture->content, png);
  EXPECT_EQ(picture->method, ZIP_CM_STORE);
  std::set<std::string> listed;
  const XmlElement manifest = parsed_entry(entries, "META-INF/manifest.xml");
  for (const XmlElement* f : manifest.find_all("manifest:file-entry")) {
    listed.insert(*f->attribute("manifest:full-path"));
    if (*f->attribute("manifest:full-path") == "Pictures/image1.png") {
      EXPECT_EQ(*f->attribute("manifest:media-type"), "image/png");
    }
  }
  EXPECT_TRUE(listed.count("Pictures/image1.png"));
  const XmlElement content = parsed_entry(entries, "content.xml");
  const auto frames = content.find_all("draw:frame");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(*frames[0]->attribute("svg:width"), "12cm");
  EXPECT_EQ(*frames[0]->attribute("svg:height"), "9cm");  // 40 × 30 pixels: 4:3
  EXPECT_EQ(*frames[0]->attribute("text:anchor-type"), "as-char");
  EXPECT_EQ(*frames[0]->child("draw:image")->attribute("xlink:href"), "Pictures/image1.png");
  EXPECT_EQ(frames[0]->child("svg:title")->text, "Carte des 128 communes");
  // The caption follows the image's paragraph.
  const XmlElement* text = content.child("office:body")->child("office:text");
  for (std::size_t i = 0; i + 1 < text->children.size(); ++i) {
    if (!text->children[i].find_all("draw:frame").empty()) {
      EXPECT_EQ(*text->children[i + 1].attribute("text:style-name"), "Caption");
      EXPECT_EQ(text->children[i + 1].text, "Carte 1 — Communes du territoire");
    }
  }
}

TEST(OdtBlocks, ImageSizeGivenExplicitlyIsKept) {
  Document doc;
  doc.created = "2026-03-01T09:30:00Z";
  doc.image({small_map_png(), 10, 5, "", ""});
  const XmlElement content = parsed_entry(unzip(*write_odt(doc)), "content.xml");
  const auto frames = content.find_all("draw:frame");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(*frames[0]->attribute("svg:height"), "5cm");
  EXPECT_EQ(frames[0]->child("svg:title"), nullptr);  // no caption, no alt: no title
}

}  // namespace
}  // namespace maillage::office
