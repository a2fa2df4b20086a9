// OpenDocument text writer. Named styles (fonts, headings, body text, lists, table paragraphs,
// page layout) live in styles.xml so users editing the file find them in LibreOffice's style
// list; per-table styles (widths, bordered cells) are automatic styles in content.xml, which is
// where LibreOffice Writer reliably applies table and cell formatting.
#include "office/odt.hpp"

#include <cmath>

#include "office/layout.hpp"
#include "office/xlsx.hpp"
#include "office/xml_text.hpp"
#include "office/zip_package.hpp"

namespace maillage::office {

namespace {

using detail::append_escaped;
using detail::escaped;

constexpr const char* kXmlDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr const char* kNamespaces =
    " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
    " xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\""
    " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
    " xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\""
    " xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\""
    " xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\""
    " xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\""
    " xmlns:xlink=\"http://www.w3.org/1999/xlink\""
    " office:version=\"1.2\"";
constexpr const char* kFontFaces =
    "<office:font-face-decls>"
    "<style:font-face style:name=\"Liberation Sans\" svg:font-family=\"&apos;Liberation "
    "Sans&apos;\" style:font-family-generic=\"swiss\" style:font-pitch=\"variable\"/>"
    "</office:font-face-decls>";

using detail::kTextWidthCm;

// Writes text into a paragraph with ODF's white-space rules in mind: the consumer collapses runs
// of spaces and drops leading ones, so every space that must survive becomes <text:s/>; tab and
// line feed have their own elements. State carries across runs of one paragraph, because
// collapsing does too.
class TextWriter {
 public:
  explicit TextWriter(std::string& out) : out_(out) {}

  void write(std::string_view text) {
    const std::string clean = detail::clean_text(text);
    std::size_t i = 0;
    while (i < clean.size()) {
      const char c = clean[i];
      if (c == ' ') {
        std::size_t n = 0;
        while (i < clean.size() && clean[i] == ' ') ++n, ++i;
        if (after_space_or_start_) {
          spaces(n);
        } else {
          out_ += ' ';
          if (n > 1) spaces(n - 1);
        }
        after_space_or_start_ = true;
        continue;
      }
      if (c == '\t') {
        out_ += "<text:tab/>";
        after_space_or_start_ = true;
      } else if (c == '\n') {
        out_ += "<text:line-break/>";
        after_space_or_start_ = true;
      } else if (c == '\r') {
        // "\r\n" is one break; a lone "\r" is a break of its own.
        if (i + 1 >= clean.size() || clean[i + 1] != '\n') out_ += "<text:line-break/>";
        after_space_or_start_ = true;
      } else {
        const std::size_t start = i;
        while (i < clean.size() && clean[i] != ' ' && clean[i] != '\t' && clean[i] != '\n' &&
               clean[i] != '\r') {
          ++i;
        }
        append_escaped(out_, std::string_view(clean).substr(start, i - start));
        after_space_or_start_ = false;
        continue;
      }
      ++i;
    }
  }

 private:
  void spaces(std::size_t n) {
    out_ += n == 1 ? "<text:s/>" : "<text:s text:c=\"" + std::to_string(n) + "\"/>";
  }

  std::string& out_;
  bool after_space_or_start_ = true;
};

void append_paragraph(std::string& out, const Paragraph& p, std::string_view style) {
  out += "<text:p text:style-name=\"";
  out += style;
  out += "\">";
  TextWriter writer(out);
  for (const Run& run : p.runs) {
    if (run.text.empty()) continue;
    if (run.bold) out += "<text:span text:style-name=\"Strong_20_Emphasis\">";
    writer.write(run.text);
    if (run.bold) out += "</text:span>";
  }
  out += "</text:p>";
}

void append_text_paragraph(std::string& out, std::string_view text, std::string_view style) {
  out += "<text:p text:style-name=\"";
  out += style;
  out += "\">";
  TextWriter(out).write(text);
  out += "</text:p>";
}

std::string number(double v) { return detail::decimal(v, 3); }

struct Body {
  std::string automatic_styles;
  std::string text;
  std::vector<std::string> pictures;  // Pictures/imageN.png, N = index + 1
};

// A table of contents: the index source (what LibreOffice regenerates it from: headings of
// levels 1..n, entry = text, dotted tab, page number) and its body, pre-filled with the heading
// texts so the document reads right before any update (page numbers need a layout pass).
void append_contents(std::string& out, const Document& doc, const TableOfContents& toc) {
  const std::string levels = std::to_string(toc.levels);
  out += "<text:table-of-content text:protected=\"true\" text:name=\"";
  append_escaped(out, toc.title.empty() ? std::string("Table des matières") : toc.title);
  out += "\"><text:table-of-content-source text:outline-level=\"" + levels + "\">";
  out += "<text:index-title-template text:style-name=\"Contents_20_Heading\">";
  append_escaped(out, toc.title);
  out += "</text:index-title-template>";
  for (int level = 1; level <= toc.levels; ++level) {
    const std::string n = std::to_string(level);
    out += "<text:table-of-content-entry-template text:outline-level=\"" + n +
           "\" text:style-name=\"Contents_20_" + n +
           "\"><text:index-entry-text/><text:index-entry-tab-stop style:type=\"right\" "
           "style:leader-char=\".\"/><text:index-entry-page-number/>"
           "</text:table-of-content-entry-template>";
  }
  out += "</text:table-of-content-source><text:index-body>";
  if (!toc.title.empty()) {
    out += "<text:index-title text:name=\"";
    append_escaped(out, toc.title);
    out += "_Head\">";
    append_text_paragraph(out, toc.title, "Contents_20_Heading");
    out += "</text:index-title>";
  }
  for (const Heading* h : detail::contents_entries(doc, toc.levels)) {
    append_text_paragraph(out, h->text, "Contents_20_" + std::to_string(h->level));
  }
  out += "</text:index-body></text:table-of-content>";
}

void append_image(Body& b, const Image& image) {
  b.pictures.push_back(image.png);
  const std::string n = std::to_string(b.pictures.size());
  const detail::ImageBox box = detail::image_box(image);
  // As a character in a centred paragraph: it flows with the text like a big letter, the
  // simplest anchoring that both LibreOffice and Word keep in place.
  b.text += "<text:p text:style-name=\"Image_centree\"><draw:frame draw:style-name=\"Cadre_image\" "
            "draw:name=\"Image" + n + "\" text:anchor-type=\"as-char\" svg:width=\"" +
            number(box.width_cm) + "cm\" svg:height=\"" + number(box.height_cm) +
            "cm\" draw:z-index=\"0\"><draw:image xlink:href=\"Pictures/image" + n +
            ".png\" xlink:type=\"simple\" xlink:show=\"embed\" xlink:actuate=\"onLoad\"/>";
  // svg:title is what LibreOffice shows and exports as the image's alternative text.
  if (const std::string& alt = detail::image_alt(image); !alt.empty()) {
    b.text += "<svg:title>";
    append_escaped(b.text, alt);
    b.text += "</svg:title>";
  }
  b.text += "</draw:frame></text:p>";
  if (!image.caption.empty()) append_text_paragraph(b.text, image.caption, "Caption");
}

Result<Body> body(const Document& doc) {
  if (auto ok = detail::check_blocks(doc); !ok) return tl::unexpected(std::move(ok.error()));
  Body b;
  b.automatic_styles +=
      "<style:style style:name=\"Saut_de_page\" style:family=\"paragraph\" "
      "style:parent-style-name=\"Standard\"><style:paragraph-properties "
      "fo:break-before=\"page\"/></style:style>"
      "<style:style style:name=\"Cellule\" style:family=\"table-cell\">"
      "<style:table-cell-properties fo:padding=\"0.1cm\" fo:border=\"0.5pt solid #000000\"/>"
      "</style:style>"
      "<style:style style:name=\"Cellule_en-tete\" style:family=\"table-cell\">"
      "<style:table-cell-properties fo:background-color=\"#dde4ee\" fo:padding=\"0.1cm\" "
      "fo:border=\"0.5pt solid #000000\"/></style:style>";
  bool image_styles = false;
  int tables = 0;
  for (const Block& block : doc.blocks) {
    if (const auto* h = std::get_if<Heading>(&block)) {
      const std::string level = std::to_string(h->level);
      b.text += "<text:h text:style-name=\"Heading_20_" + level + "\" text:outline-level=\"" +
                level + "\">";
      TextWriter(b.text).write(h->text);
      b.text += "</text:h>";
    } else if (const auto* p = std::get_if<Paragraph>(&block)) {
      append_paragraph(b.text, *p, "Text_20_body");
    } else if (const auto* list = std::get_if<BulletList>(&block)) {
      if (list->items.empty()) continue;  // an empty text:list is invalid ODF; nothing to show
      b.text += "<text:list text:style-name=\"Puces\">";
      for (const Paragraph& item : list->items) {
        b.text += "<text:list-item>";
        append_paragraph(b.text, item, "Liste_20_a_20_puces");
        b.text += "</text:list-item>";
      }
      b.text += "</text:list>";
    } else if (const auto* t = std::get_if<Table>(&block)) {
      const std::size_t columns = detail::column_count(*t);
      const std::vector<double> weights = detail::column_weights(*t, columns);
      const std::string name = "Tableau" + std::to_string(++tables);
      b.automatic_styles += "<style:style style:name=\"" + name +
                            "\" style:family=\"table\"><style:table-properties style:width=\"" +
                            number(kTextWidthCm) +
                            "cm\" table:align=\"margins\" table:border-model=\"collapsing\" "
                            "fo:margin-top=\"0.2cm\" fo:margin-bottom=\"0.3cm\"/></style:style>";
      for (std::size_t c = 0; c < columns; ++c) {
        b.automatic_styles += "<style:style style:name=\"" + name + "." + column_letters(c) +
                              "\" style:family=\"table-column\"><style:table-column-properties "
                              "style:column-width=\"" +
                              number(kTextWidthCm * weights[c]) + "cm\" style:rel-column-width=\"" +
                              std::to_string(static_cast<long>(std::lround(weights[c] * 65535))) +
                              "*\"/></style:style>";
      }
      b.text += "<table:table table:name=\"" + name + "\" table:style-name=\"" + name + "\">";
      for (std::size_t c = 0; c < columns; ++c) {
        b.text +=
            "<table:table-column table:style-name=\"" + name + "." + column_letters(c) + "\"/>";
      }
      auto row = [&](const std::vector<std::string>& cells, bool header) {
        b.text += "<table:table-row>";
        for (std::size_t c = 0; c < columns; ++c) {
          b.text += header ? "<table:table-cell table:style-name=\"Cellule_en-tete\" "
                             "office:value-type=\"string\">"
                           : "<table:table-cell table:style-name=\"Cellule\" "
                             "office:value-type=\"string\">";
          append_text_paragraph(b.text, c < cells.size() ? cells[c] : std::string(),
                                header ? "Table_20_Heading" : "Table_20_Contents");
          b.text += "</table:table-cell>";
        }
        b.text += "</table:table-row>";
      };
      if (!t->header.empty()) {
        // Header rows repeat at the top of each page the table spans.
        b.text += "<table:table-header-rows>";
        row(t->header, true);
        b.text += "</table:table-header-rows>";
      }
      for (const auto& cells : t->rows) row(cells, false);
      b.text += "</table:table>";
    } else if (const auto* toc = std::get_if<TableOfContents>(&block)) {
      append_contents(b.text, doc, *toc);
    } else if (const auto* image = std::get_if<Image>(&block)) {
      if (!image_styles) {
        image_styles = true;
        b.automatic_styles +=
            "<style:style style:name=\"Image_centree\" style:family=\"paragraph\" style:parent-style-name=\"Standard\">"
            "<style:paragraph-properties fo:text-align=\"center\" fo:margin-top=\"0.2cm\" "
            "fo:margin-bottom=\"0.1cm\" fo:keep-with-next=\"always\"/></style:style>"
            "<style:style style:name=\"Cadre_image\" style:family=\"graphic\">"
            "<style:graphic-properties style:vertical-pos=\"top\" "
            "style:vertical-rel=\"baseline\" fo:border=\"none\"/></style:style>";
      }
      append_image(b, *image);
    } else {
      b.text += "<text:p text:style-name=\"Saut_de_page\"/>";
    }
  }
  return b;
}

std::string content_xml(const Body& b) {
  std::string x = kXmlDecl;
  x += "<office:document-content";
  x += kNamespaces;
  x += ">";
  x += kFontFaces;
  x += "<office:automatic-styles>" + b.automatic_styles + "</office:automatic-styles>";
  x += "<office:body><office:text>" + b.text + "</office:text></office:body>";
  x += "</office:document-content>";
  return x;
}

std::string styles_xml(const Document& doc) {
  std::string x = kXmlDecl;
  x += "<office:document-styles";
  x += kNamespaces;
  x += ">";
  x += kFontFaces;
  constexpr const char* kBold =
      "fo:font-weight=\"bold\" style:font-weight-asian=\"bold\" "
      "style:font-weight-complex=\"bold\"";
  x += "<office:styles>";
  // Default paragraph look: Liberation Sans 11 pt (metric-compatible with Arial, installed with
  // LibreOffice), French hyphenation and spelling.
  x += "<style:default-style style:family=\"paragraph\">"
       "<style:paragraph-properties fo:hyphenation-ladder-count=\"no-limit\" "
       "style:writing-mode=\"lr-tb\"/>"
       "<style:text-properties style:font-name=\"Liberation Sans\" fo:font-size=\"11pt\" "
       "fo:language=\"fr\" fo:country=\"FR\" fo:hyphenate=\"false\"/>"
       "</style:default-style>"
       "<style:style style:name=\"Standard\" style:family=\"paragraph\" style:class=\"text\"/>"
       "<style:style style:name=\"Text_20_body\" style:display-name=\"Text body\" "
       "style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:class=\"text\">"
       "<style:paragraph-properties fo:margin-top=\"0cm\" fo:margin-bottom=\"0.25cm\" "
       "fo:line-height=\"115%\"/></style:style>";
  x += "<style:style style:name=\"Heading\" style:family=\"paragraph\" "
       "style:parent-style-name=\"Standard\" style:next-style-name=\"Text_20_body\" "
       "style:class=\"text\"><style:paragraph-properties fo:margin-top=\"0.42cm\" "
       "fo:margin-bottom=\"0.21cm\" fo:keep-with-next=\"always\"/>"
       "<style:text-properties fo:color=\"#1f3864\" ";
  x += kBold;
  x += "/></style:style>";
  constexpr const char* kSizes[] = {"18pt", "15pt", "13pt"};
  for (int level = 1; level <= 3; ++level) {
    const std::string n = std::to_string(level);
    x += "<style:style style:name=\"Heading_20_" + n + "\" style:display-name=\"Heading " + n +
         "\" style:family=\"paragraph\" style:parent-style-name=\"Heading\" "
         "style:next-style-name=\"Text_20_body\" style:default-outline-level=\"" +
         n + "\" style:class=\"text\"><style:text-properties fo:font-size=\"" + kSizes[level - 1] +
         "\"/></style:style>";
  }
  x += "<style:style style:name=\"Liste_20_a_20_puces\" style:display-name=\"Liste à puces\" "
       "style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:class=\"list\">"
       "<style:paragraph-properties fo:margin-bottom=\"0.1cm\"/></style:style>"
       "<style:style style:name=\"Table_20_Contents\" style:display-name=\"Table Contents\" "
       "style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:class=\"extra\"/>"
       "<style:style style:name=\"Table_20_Heading\" style:display-name=\"Table Heading\" "
       "style:family=\"paragraph\" style:parent-style-name=\"Table_20_Contents\" "
       "style:class=\"extra\"><style:text-properties ";
  x += kBold;
  x += "/></style:style>"
       "<style:style style:name=\"Strong_20_Emphasis\" style:display-name=\"Strong Emphasis\" "
       "style:family=\"text\"><style:text-properties ";
  x += kBold;
  x += "/></style:style>";
  x += "<text:list-style style:name=\"Puces\">"
       "<text:list-level-style-bullet text:level=\"1\" text:bullet-char=\"\xE2\x80\xA2\">"
       "<style:list-level-properties text:list-level-position-and-space-mode=\"label-alignment\">"
       "<style:list-level-label-alignment text:label-followed-by=\"listtab\" "
       "text:list-tab-stop-position=\"0.635cm\" fo:text-indent=\"-0.635cm\" "
       "fo:margin-left=\"0.635cm\"/></style:list-level-properties>"
       "</text:list-level-style-bullet></text:list-style>";
  // Table of contents: a title, then one style per level with a dotted right tab at the text
  // width for the page number.
  x += "<style:style style:name=\"Contents_20_Heading\" style:display-name=\"Contents Heading\" "
       "style:family=\"paragraph\" style:parent-style-name=\"Heading\" "
       "style:class=\"index\"><style:text-properties fo:font-size=\"16pt\"/></style:style>";
  for (int level = 1; level <= 3; ++level) {
    const std::string n = std::to_string(level);
    x += "<style:style style:name=\"Contents_20_" + n + "\" style:display-name=\"Contents " + n +
         "\" style:family=\"paragraph\" style:parent-style-name=\"Standard\" "
         "style:class=\"index\"><style:paragraph-properties fo:margin-left=\"" +
         number(0.5 * (level - 1)) +
         "cm\" fo:margin-bottom=\"0.1cm\"><style:tab-stops><style:tab-stop style:position=\"" +
         number(kTextWidthCm - 0.5 * (level - 1)) +
         "cm\" style:type=\"right\" style:leader-style=\"dotted\" style:leader-text=\".\"/>"
         "</style:tab-stops></style:paragraph-properties>";
    x += level == 1 ? std::string("<style:text-properties ") + kBold + "/>" : std::string();
    x += "</style:style>";
  }
  x += "<style:style style:name=\"Caption\" style:family=\"paragraph\" "
       "style:parent-style-name=\"Standard\" style:class=\"extra\">"
       "<style:paragraph-properties fo:text-align=\"center\" fo:margin-top=\"0.1cm\" "
       "fo:margin-bottom=\"0.3cm\"/><style:text-properties fo:font-size=\"10pt\" "
       "fo:font-style=\"italic\"/></style:style>"
       "<style:style style:name=\"Footer\" style:family=\"paragraph\" "
       "style:parent-style-name=\"Standard\" style:class=\"extra\">"
       "<style:paragraph-properties fo:text-align=\"center\"/>"
       "<style:text-properties fo:font-size=\"9pt\" fo:color=\"#595959\"/></style:style>";
  x += "</office:styles>";
  // With a footer, the bottom margin shrinks to 1 cm and the footer (1 cm, 0.5 cm of it spacing)
  // sits in the freed space: the text area stays 2 cm from the page's bottom edge, as in DOCX
  // where the footer lives inside the margin.
  const bool footer = !doc.footer.text.empty() || doc.footer.page_numbers;
  x += "<office:automatic-styles><style:page-layout style:name=\"A4\">"
       "<style:page-layout-properties fo:page-width=\"21cm\" fo:page-height=\"29.7cm\" "
       "style:print-orientation=\"portrait\" fo:margin-top=\"2cm\" fo:margin-bottom=\"";
  x += footer ? "1cm" : "2cm";
  x += "\" fo:margin-left=\"2cm\" fo:margin-right=\"2cm\"/>";
  if (footer) {
    x += "<style:footer-style><style:header-footer-properties fo:min-height=\"1cm\" "
         "fo:margin-top=\"0.5cm\"/></style:footer-style>";
  }
  x += "</style:page-layout></office:automatic-styles>"
       "<office:master-styles><style:master-page style:name=\"Standard\" "
       "style:page-layout-name=\"A4\"";
  if (footer) {
    x += "><style:footer><text:p text:style-name=\"Footer\">";
    TextWriter writer(x);
    writer.write(doc.footer.text);
    if (doc.footer.page_numbers) {
      if (!doc.footer.text.empty()) writer.write(" \xE2\x80\x94 ");  // em dash
      writer.write("Page ");
      x += "<text:page-number text:select-page=\"current\">1</text:page-number>";
      x += " sur ";  // one space between two fields: kept as is
      x += "<text:page-count>1</text:page-count>";
    }
    x += "</text:p></style:footer></style:master-page>";
  } else {
    x += "/>";
  }
  x += "</office:master-styles>";
  x += "</office:document-styles>";
  return x;
}

std::string meta_xml(const Document& doc, const std::string& created) {
  std::string x = kXmlDecl;
  x += "<office:document-meta xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
       "xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" "
       "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" office:version=\"1.2\"><office:meta>"
       "<meta:generator>Maillage</meta:generator>";
  if (!doc.title.empty()) x += "<dc:title>" + escaped(doc.title) + "</dc:title>";
  if (!doc.author.empty()) {
    x += "<meta:initial-creator>" + escaped(doc.author) + "</meta:initial-creator>";
    x += "<dc:creator>" + escaped(doc.author) + "</dc:creator>";
  }
  x += "<meta:creation-date>" + created + "</meta:creation-date>";
  x += "<dc:date>" + created + "</dc:date>";
  x += "<dc:language>fr-FR</dc:language>";
  x += "</office:meta></office:document-meta>";
  return x;
}

std::string manifest_xml(const Body& b) {
  std::string x = kXmlDecl;
  x += "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
       "manifest:version=\"1.2\">"
       "<manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.2\" "
       "manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
       "<manifest:file-entry manifest:full-path=\"content.xml\" "
       "manifest:media-type=\"text/xml\"/>"
       "<manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>"
       "<manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>";
  for (std::size_t i = 0; i < b.pictures.size(); ++i) {
    x += "<manifest:file-entry manifest:full-path=\"Pictures/image" + std::to_string(i + 1) +
         ".png\" manifest:media-type=\"image/png\"/>";
  }
  x += "</manifest:manifest>";
  return x;
}

}  // namespace

Result<std::string> write_odt(const Document& document) {
  auto created = detail::creation_time(document);
  if (!created) return tl::unexpected(std::move(created.error()));
  auto b = body(document);
  if (!b) return tl::unexpected(std::move(b.error()));

  detail::ZipPackage zip;
  // ODF 1.2 part 3, 3.3: "mimetype" first, uncompressed, so the type shows at byte 38.
  zip.add("mimetype", std::string(kOdtMediaType), detail::ZipPackage::Compression::store);
  zip.add("META-INF/manifest.xml", manifest_xml(*b));
  zip.add("content.xml", content_xml(*b));
  zip.add("styles.xml", styles_xml(document));
  zip.add("meta.xml", meta_xml(document, *created));
  // PNG data is already deflated: stored as is.
  for (std::size_t i = 0; i < b->pictures.size(); ++i) {
    zip.add("Pictures/image" + std::to_string(i + 1) + ".png", std::move(b->pictures[i]),
            detail::ZipPackage::Compression::store);
  }
  return zip.finish();
}

}  // namespace maillage::office
