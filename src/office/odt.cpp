// OpenDocument text writer. Named styles (fonts, headings, body text, lists, table paragraphs,
// page layout) live in styles.xml so users editing the file find them in LibreOffice's style
// list; per-table styles (widths, bordered cells) are automatic styles in content.xml, which is
// where LibreOffice Writer reliably applies table and cell formatting.
#include "office/odt.hpp"

#include <charconv>
#include <cmath>

#include "office/timestamp.hpp"
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
    " office:version=\"1.2\"";
constexpr const char* kFontFaces =
    "<office:font-face-decls>"
    "<style:font-face style:name=\"Liberation Sans\" svg:font-family=\"&apos;Liberation "
    "Sans&apos;\" style:font-family-generic=\"swiss\" style:font-pitch=\"variable\"/>"
    "</office:font-face-decls>";

// A4 portrait with 2 cm margins: 17 cm of text width, which tables span.
constexpr double kTextWidthCm = 17.0;

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

std::string number(double v) {
  // Three decimals of a centimetre is finer than any printer; to_chars ignores the C locale,
  // which could otherwise turn the decimal point into a comma.
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 3);
  std::string s(buf, r.ptr);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

struct Body {
  std::string automatic_styles;
  std::string text;
};

Result<Body> body(const Document& doc) {
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
  int tables = 0;
  for (std::size_t i = 0; i < doc.blocks.size(); ++i) {
    const std::string field = "blocks[" + std::to_string(i) + "]";
    const Block& block = doc.blocks[i];
    if (const auto* h = std::get_if<Heading>(&block)) {
      if (h->level < 1 || h->level > 3) {
        return fail(
            ErrorCode::invalid_input,
            "Niveau de titre " + std::to_string(h->level) + " invalide (1 à 3) en " + field + ".",
            field);
      }
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
      std::size_t columns = t->header.size();
      for (const auto& row : t->rows) columns = std::max(columns, row.size());
      if (columns == 0) {
        return fail(ErrorCode::invalid_input, "Tableau sans aucune colonne en " + field + ".",
                    field);
      }
      std::vector<double> weights(columns, 1.0);
      if (!t->column_widths.empty()) {
        double total = 0;
        for (std::size_t c = 0; c < columns; ++c) {
          const double w = c < t->column_widths.size() ? t->column_widths[c] : 1.0;
          if (!std::isfinite(w) || w <= 0) {
            return fail(ErrorCode::invalid_input,
                        "Largeur de colonne invalide (doit être positive) en " + field + ".",
                        field);
          }
          weights[c] = w;
          total += w;
        }
        for (double& w : weights) w /= total;
      } else {
        for (double& w : weights) w = 1.0 / static_cast<double>(columns);
      }
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

std::string styles_xml() {
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
  x += "</office:styles>";
  x += "<office:automatic-styles><style:page-layout style:name=\"A4\">"
       "<style:page-layout-properties fo:page-width=\"21cm\" fo:page-height=\"29.7cm\" "
       "style:print-orientation=\"portrait\" fo:margin-top=\"2cm\" fo:margin-bottom=\"2cm\" "
       "fo:margin-left=\"2cm\" fo:margin-right=\"2cm\"/></style:page-layout>"
       "</office:automatic-styles>"
       "<office:master-styles><style:master-page style:name=\"Standard\" "
       "style:page-layout-name=\"A4\"/></office:master-styles>";
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

std::string manifest_xml() {
  std::string x = kXmlDecl;
  x += "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
       "manifest:version=\"1.2\">"
       "<manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.2\" "
       "manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
       "<manifest:file-entry manifest:full-path=\"content.xml\" "
       "manifest:media-type=\"text/xml\"/>"
       "<manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>"
       "<manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>"
       "</manifest:manifest>";
  return x;
}

}  // namespace

Result<std::string> write_odt(const Document& document) {
  std::string created = document.created;
  if (created.empty()) {
    created = detail::now_utc();
  } else if (!detail::valid_utc_timestamp(created)) {
    return fail(ErrorCode::invalid_input,
                "Date de création invalide (attendu AAAA-MM-JJTHH:MM:SSZ) : « " +
                    detail::clean_text(created) + " ».",
                "created");
  }
  auto b = body(document);
  if (!b) return tl::unexpected(std::move(b.error()));

  detail::ZipPackage zip;
  // ODF 1.2 part 3, 3.3: "mimetype" first, uncompressed, so the type shows at byte 38.
  zip.add("mimetype", std::string(kOdtMediaType), detail::ZipPackage::Compression::store);
  zip.add("META-INF/manifest.xml", manifest_xml());
  zip.add("content.xml", content_xml(*b));
  zip.add("styles.xml", styles_xml());
  zip.add("meta.xml", meta_xml(document, created));
  return zip.finish();
}

}  // namespace maillage::office
