// WordprocessingML writer. Formatting lives in named styles (styles.xml) wherever Word has a
// built-in style for it ("heading 1", "List Bullet", "caption", "toc 1", "footer"...), so users
// find familiar styles and Word builds the table of contents from the headings' outline levels.
// Element order inside pPr, rPr, tblPr, sectPr and settings follows the ECMA-376 schema
// sequences: Word refuses a file whose children are out of order.
#include "office/docx.hpp"

#include <cmath>

#include "office/layout.hpp"
#include "office/xml_text.hpp"
#include "office/zip_package.hpp"

namespace maillage::office {

namespace {

using detail::append_escaped;
using detail::escaped;

constexpr const char* kXmlDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr const char* kW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
constexpr const char* kR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr const char* kRelTypes = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

// Word measures in twentieths of a point (twips) and drawings in EMU (360 000 per cm).
long twips(double cm) { return std::lround(cm * 1440.0 / 2.54); }
long emu(double cm) { return std::lround(cm * 360000.0); }

const long kTextWidthTwips = twips(detail::kTextWidthCm);

// Text of one run: tabs and line breaks are elements of their own (<w:tab/>, <w:br/>); the rest
// goes in <w:t xml:space="preserve"> so leading, trailing and repeated spaces survive.
void append_run_text(std::string& out, std::string_view text) {
  const std::string clean = detail::clean_text(text);
  std::size_t i = 0;
  while (i < clean.size()) {
    const char c = clean[i];
    if (c == '\t') {
      out += "<w:tab/>";
      ++i;
    } else if (c == '\n') {
      out += "<w:br/>";
      ++i;
    } else if (c == '\r') {
      // "\r\n" is one break; a lone "\r" is a break of its own.
      if (i + 1 >= clean.size() || clean[i + 1] != '\n') out += "<w:br/>";
      ++i;
    } else {
      const std::size_t start = i;
      while (i < clean.size() && clean[i] != '\t' && clean[i] != '\n' && clean[i] != '\r') ++i;
      out += "<w:t xml:space=\"preserve\">";
      append_escaped(out, std::string_view(clean).substr(start, i - start));
      out += "</w:t>";
    }
  }
}

void append_run(std::string& out, std::string_view text, bool bold) {
  if (text.empty()) return;
  out += bold ? "<w:r><w:rPr><w:b/><w:bCs/></w:rPr>" : "<w:r>";
  append_run_text(out, text);
  out += "</w:r>";
}

void open_paragraph(std::string& out, std::string_view style, std::string_view extra = {}) {
  out += "<w:p><w:pPr><w:pStyle w:val=\"";
  out += style;
  out += "\"/>";
  out += extra;
  out += "</w:pPr>";
}

void append_paragraph(std::string& out, const Paragraph& p, std::string_view style,
                      std::string_view extra = {}) {
  open_paragraph(out, style, extra);
  for (const Run& run : p.runs) append_run(out, run.text, run.bold);
  out += "</w:p>";
}

void append_text_paragraph(std::string& out, std::string_view text, std::string_view style) {
  open_paragraph(out, style);
  append_run(out, text, false);
  out += "</w:p>";
}

// The table of contents as a TOC field: instructions (levels 1..n from the heading styles' and
// paragraphs' outline levels, \h hyperlinks, \z \u as Word writes them) and a result pre-filled
// with the heading texts, so readers that do not recompute fields still show the list; Word
// recomputes it, with page numbers, on opening (settings.xml updateFields).
void append_contents(std::string& out, const Document& doc, const TableOfContents& toc) {
  if (!toc.title.empty()) append_text_paragraph(out, toc.title, "TOCHeading");
  const std::string begin =
      "<w:r><w:fldChar w:fldCharType=\"begin\" w:dirty=\"true\"/></w:r>"
      "<w:r><w:instrText xml:space=\"preserve\"> TOC \\o \"1-" +
      std::to_string(toc.levels) +
      "\" \\h \\z \\u </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>";
  const std::string end = "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>";
  const auto entries = detail::contents_entries(doc, toc.levels);
  if (entries.empty()) {
    out += "<w:p><w:pPr><w:pStyle w:val=\"TOC1\"/></w:pPr>" + begin + end + "</w:p>";
    return;
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    open_paragraph(out, "TOC" + std::to_string(entries[i]->level));
    if (i == 0) out += begin;
    append_run(out, entries[i]->text, false);
    if (i + 1 == entries.size()) out += end;
    out += "</w:p>";
  }
}

void append_table(std::string& out, const Table& t) {
  const std::size_t columns = detail::column_count(t);
  const std::vector<double> weights = detail::column_weights(t, columns);
  // Grid widths in twips, rounded cumulatively so that they add up to the text width exactly.
  std::vector<long> widths(columns);
  double cumulative = 0;
  long placed = 0;
  for (std::size_t c = 0; c < columns; ++c) {
    cumulative += weights[c];
    const long edge = std::lround(cumulative * static_cast<double>(kTextWidthTwips));
    widths[c] = edge - placed;
    placed = edge;
  }
  out += "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblBorders>";
  for (const char* side : {"top", "left", "bottom", "right", "insideH", "insideV"}) {
    out += "<w:";
    out += side;
    out += " w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>";
  }
  out += "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>"
         "<w:top w:w=\"57\" w:type=\"dxa\"/><w:left w:w=\"57\" w:type=\"dxa\"/>"
         "<w:bottom w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/>"
         "</w:tblCellMar></w:tblPr><w:tblGrid>";
  for (const long w : widths) out += "<w:gridCol w:w=\"" + std::to_string(w) + "\"/>";
  out += "</w:tblGrid>";
  std::vector<std::string> cell_open(columns);
  std::vector<std::string> header_open(columns);
  for (std::size_t c = 0; c < columns; ++c) {
    const std::string width = "<w:tcW w:w=\"" + std::to_string(widths[c]) + "\" w:type=\"dxa\"/>";
    cell_open[c] = "<w:tc><w:tcPr>" + width + "</w:tcPr>";
    header_open[c] = "<w:tc><w:tcPr>" + width +
                     "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"DDE4EE\"/></w:tcPr>";
  }
  auto row = [&](const std::vector<std::string>& cells, bool header) {
    // The header row repeats at the top of each page; no row is split across pages.
    out += header ? "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
                  : "<w:tr><w:trPr><w:cantSplit/></w:trPr>";
    for (std::size_t c = 0; c < columns; ++c) {
      out += header ? header_open[c] : cell_open[c];
      // A cell needs at least one paragraph, even when empty.
      append_text_paragraph(out, c < cells.size() ? std::string_view(cells[c]) : std::string_view(),
                            header ? "TableHeading" : "TableContents");
      out += "</w:tc>";
    }
    out += "</w:tr>";
  };
  if (!t.header.empty()) row(t.header, true);
  for (const auto& cells : t.rows) row(cells, false);
  out += "</w:tbl>";
  // Two tables in a row would merge into one in Word; an empty paragraph keeps them apart and
  // gives the space after the table.
  out += "<w:p><w:pPr><w:pStyle w:val=\"TableSpacing\"/></w:pPr></w:p>";
}

struct Body {
  std::string xml;
  std::vector<std::string> media;  // word/media/imageN.png, N = index + 1
};

void append_image(Body& b, const Image& image) {
  b.media.push_back(image.png);
  const std::string n = std::to_string(b.media.size());
  const detail::ImageBox box = detail::image_box(image);
  const std::string cx = std::to_string(emu(box.width_cm));
  const std::string cy = std::to_string(emu(box.height_cm));
  const std::string alt = escaped(detail::image_alt(image));
  // An inline picture (DrawingML): flows with the text like a character, in a centred paragraph.
  open_paragraph(b.xml, "ImageCentree");
  b.xml += "<w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">"
           "<wp:extent cx=\"" + cx + "\" cy=\"" + cy + "\"/><wp:docPr id=\"" + n +
           "\" name=\"Image " + n + "\" descr=\"" + alt +
           "\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/>"
           "</wp:cNvGraphicFramePr><a:graphic><a:graphicData "
           "uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic>"
           "<pic:nvPicPr><pic:cNvPr id=\"" + n + "\" name=\"image" + n + ".png\" descr=\"" + alt +
           "\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"rIdImage" + n +
           "\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>"
           "<a:off x=\"0\" y=\"0\"/><a:ext cx=\"" + cx + "\" cy=\"" + cy +
           "\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>"
           "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>";
  if (!image.caption.empty()) append_text_paragraph(b.xml, image.caption, "Caption");
}

bool has_footer(const Document& doc) {
  return !doc.footer.text.empty() || doc.footer.page_numbers;
}

Body body(const Document& doc) {
  Body b;
  b.xml = kXmlDecl;
  b.xml += std::string("<w:document xmlns:w=\"") + kW + "\" xmlns:r=\"" + kR +
           "\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\""
           " xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\""
           " xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><w:body>";
  for (const Block& block : doc.blocks) {
    if (const auto* h = std::get_if<Heading>(&block)) {
      append_text_paragraph(b.xml, h->text, "Heading" + std::to_string(h->level));
    } else if (const auto* p = std::get_if<Paragraph>(&block)) {
      append_paragraph(b.xml, *p, "BodyText");
    } else if (const auto* list = std::get_if<BulletList>(&block)) {
      for (const Paragraph& item : list->items) {
        // The numbering is also in the List Bullet style; repeating it on the paragraph is what
        // Word itself writes and what every reader follows.
        append_paragraph(b.xml, item, "ListBullet",
                         "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>");
      }
    } else if (const auto* t = std::get_if<Table>(&block)) {
      append_table(b.xml, *t);
    } else if (const auto* toc = std::get_if<TableOfContents>(&block)) {
      append_contents(b.xml, doc, *toc);
    } else if (const auto* image = std::get_if<Image>(&block)) {
      append_image(b, *image);
    } else {
      b.xml += "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>";
    }
  }
  // The section: A4 portrait, 2 cm margins, the footer 1 cm from the bottom edge (inside the
  // margin, as Word places footers).
  b.xml += "<w:sectPr>";
  if (has_footer(doc)) b.xml += "<w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>";
  const std::string margin = std::to_string(twips(detail::kMarginCm));
  b.xml += "<w:pgSz w:w=\"" + std::to_string(twips(detail::kPageWidthCm)) + "\" w:h=\"" +
           std::to_string(twips(detail::kPageHeightCm)) + "\"/><w:pgMar w:top=\"" + margin +
           "\" w:right=\"" + margin + "\" w:bottom=\"" + margin + "\" w:left=\"" + margin +
           "\" w:header=\"" + std::to_string(twips(1.0)) + "\" w:footer=\"" +
           std::to_string(twips(1.0)) + "\" w:gutter=\"0\"/><w:cols w:space=\"708\"/></w:sectPr>";
  b.xml += "</w:body></w:document>";
  return b;
}

std::string footer_xml(const Document& doc) {
  std::string x = kXmlDecl;
  x += std::string("<w:ftr xmlns:w=\"") + kW + "\" xmlns:r=\"" + kR + "\">";
  open_paragraph(x, "Footer");
  append_run(x, doc.footer.text, false);
  if (doc.footer.page_numbers) {
    append_run(x, doc.footer.text.empty() ? "Page " : " \xE2\x80\x94 Page ", false);  // em dash
    x += "<w:fldSimple w:instr=\" PAGE \"><w:r><w:t>1</w:t></w:r></w:fldSimple>";
    append_run(x, " sur ", false);
    x += "<w:fldSimple w:instr=\" NUMPAGES \"><w:r><w:t>1</w:t></w:r></w:fldSimple>";
  }
  x += "</w:p></w:ftr>";
  return x;
}

// One paragraph style: <w:style> with its name, parent, next style, paragraph and run properties.
std::string paragraph_style(std::string_view id, std::string_view name, std::string_view based_on,
                            std::string_view next, std::string_view ppr, std::string_view rpr,
                            bool quick = false) {
  std::string x = "<w:style w:type=\"paragraph\" w:styleId=\"";
  x += id;
  x += "\"><w:name w:val=\"";
  x += name;
  x += "\"/>";
  if (!based_on.empty()) x += "<w:basedOn w:val=\"" + std::string(based_on) + "\"/>";
  if (!next.empty()) x += "<w:next w:val=\"" + std::string(next) + "\"/>";
  if (quick) x += "<w:qFormat/>";
  if (!ppr.empty()) x += "<w:pPr>" + std::string(ppr) + "</w:pPr>";
  if (!rpr.empty()) x += "<w:rPr>" + std::string(rpr) + "</w:rPr>";
  x += "</w:style>";
  return x;
}

std::string styles_xml() {
  std::string x = kXmlDecl;
  x += std::string("<w:styles xmlns:w=\"") + kW + "\">";
  // Arial 11 pt (Word's metric twin of LibreOffice's Liberation Sans, which LibreOffice
  // substitutes for it), French for spelling and hyphenation.
  x += "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Arial\" w:eastAsia=\"Arial\" "
       "w:hAnsi=\"Arial\" w:cs=\"Arial\"/><w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/>"
       "<w:lang w:val=\"fr-FR\" w:eastAsia=\"fr-FR\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>"
       "<w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>"
       "</w:pPr></w:pPrDefault></w:docDefaults>";
  x += "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name "
       "w:val=\"Normal\"/><w:qFormat/></w:style>";
  x += paragraph_style("BodyText", "Body Text", "Normal", "",
                       "<w:spacing w:after=\"142\" w:line=\"276\" w:lineRule=\"auto\"/>", "");
  // Headings: the outline level (0-based) is what the TOC field's \o and \u switches collect.
  constexpr const char* kSizes[] = {"36", "30", "26"};
  for (int level = 1; level <= 3; ++level) {
    const std::string n = std::to_string(level);
    x += paragraph_style("Heading" + n, "heading " + n, "Normal", "BodyText",
                         "<w:keepNext/><w:keepLines/><w:spacing w:before=\"238\" w:after=\"119\"/>"
                         "<w:outlineLvl w:val=\"" + std::to_string(level - 1) + "\"/>",
                         std::string("<w:b/><w:bCs/><w:color w:val=\"1F3864\"/><w:sz w:val=\"") +
                             kSizes[level - 1] + "\"/><w:szCs w:val=\"" + kSizes[level - 1] +
                             "\"/>",
                         true);
  }
  x += paragraph_style("ListBullet", "List Bullet", "Normal", "",
                       "<w:numPr><w:numId w:val=\"1\"/></w:numPr><w:spacing w:after=\"57\"/>"
                       "<w:ind w:left=\"360\" w:hanging=\"360\"/>",
                       "");
  x += paragraph_style("TableContents", "Table Contents", "Normal", "", "", "");
  x += paragraph_style("TableHeading", "Table Heading", "TableContents", "", "",
                       "<w:b/><w:bCs/>");
  x += paragraph_style("TableSpacing", "Table Spacing", "Normal", "",
                       "<w:spacing w:after=\"0\" w:line=\"170\" w:lineRule=\"exact\"/>", "");
  x += paragraph_style("TOCHeading", "TOC Heading", "Normal", "Normal",
                       "<w:keepNext/><w:spacing w:before=\"238\" w:after=\"119\"/>",
                       "<w:b/><w:bCs/><w:color w:val=\"1F3864\"/><w:sz w:val=\"32\"/>"
                       "<w:szCs w:val=\"32\"/>");
  for (int level = 1; level <= 3; ++level) {
    const std::string n = std::to_string(level);
    const long indent = twips(0.5 * (level - 1));
    x += paragraph_style("TOC" + n, "toc " + n, "Normal", "Normal",
                         "<w:tabs><w:tab w:val=\"right\" w:leader=\"dot\" w:pos=\"" +
                             std::to_string(kTextWidthTwips) +
                             "\"/></w:tabs><w:spacing w:after=\"57\"/><w:ind w:left=\"" +
                             std::to_string(indent) + "\"/>",
                         level == 1 ? "<w:b/><w:bCs/>" : "");
  }
  x += paragraph_style("ImageCentree", "Image centr\xC3\xA9" "e", "Normal", "",
                       "<w:keepNext/><w:spacing w:before=\"113\" w:after=\"57\"/>"
                       "<w:jc w:val=\"center\"/>",
                       "");
  x += paragraph_style("Caption", "caption", "Normal", "Normal",
                       "<w:spacing w:before=\"57\" w:after=\"170\"/><w:jc w:val=\"center\"/>",
                       "<w:i/><w:iCs/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/>", true);
  x += paragraph_style("Footer", "footer", "Normal", "", "<w:jc w:val=\"center\"/>",
                       "<w:color w:val=\"595959\"/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>");
  x += "</w:styles>";
  return x;
}

std::string numbering_xml() {
  std::string x = kXmlDecl;
  x += std::string("<w:numbering xmlns:w=\"") + kW + "\">";
  x += "<w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"singleLevel\"/>"
       "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/>"
       "<w:lvlText w:val=\"\xE2\x80\xA2\"/><w:lvlJc w:val=\"left\"/>"
       "<w:pPr><w:ind w:left=\"360\" w:hanging=\"360\"/></w:pPr></w:lvl></w:abstractNum>"
       "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>";
  x += "</w:numbering>";
  return x;
}

std::string settings_xml() {
  std::string x = kXmlDecl;
  x += std::string("<w:settings xmlns:w=\"") + kW + "\">";
  // updateFields: Word offers to update the fields on opening, which fills the table of
  // contents' page numbers (LibreOffice ignores it).
  x += "<w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"709\"/>"
       "<w:characterSpacingControl w:val=\"doNotCompress\"/><w:updateFields w:val=\"true\"/>"
       "<w:compat><w:compatSetting w:name=\"compatibilityMode\" "
       "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
       "<w:themeFontLang w:val=\"fr-FR\"/><w:decimalSymbol w:val=\",\"/>"
       "<w:listSeparator w:val=\";\"/>";
  x += "</w:settings>";
  return x;
}

std::string content_types_xml(const Document& doc, bool images) {
  std::string x = kXmlDecl;
  constexpr const char* kMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.";
  x += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
       "<Default Extension=\"rels\" "
       "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
       "<Default Extension=\"xml\" ContentType=\"application/xml\"/>";
  if (images) x += "<Default Extension=\"png\" ContentType=\"image/png\"/>";
  auto part = [&](const char* name, const std::string& type) {
    x += std::string("<Override PartName=\"") + name + "\" ContentType=\"" + type + "\"/>";
  };
  part("/word/document.xml", std::string(kMain) + "document.main+xml");
  part("/word/styles.xml", std::string(kMain) + "styles+xml");
  part("/word/settings.xml", std::string(kMain) + "settings+xml");
  part("/word/numbering.xml", std::string(kMain) + "numbering+xml");
  if (has_footer(doc)) part("/word/footer1.xml", std::string(kMain) + "footer+xml");
  part("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml");
  part("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml");
  x += "</Types>";
  return x;
}

std::string relationship(const std::string& id, const std::string& type,
                         const std::string& target) {
  return "<Relationship Id=\"" + id + "\" Type=\"" + type + "\" Target=\"" + target + "\"/>";
}

std::string package_rels_xml() {
  std::string x = kXmlDecl;
  x += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  x += relationship("rId1", std::string(kRelTypes) + "officeDocument", "word/document.xml");
  x += relationship("rId2",
                    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                    "core-properties",
                    "docProps/core.xml");
  x += relationship("rId3", std::string(kRelTypes) + "extended-properties", "docProps/app.xml");
  x += "</Relationships>";
  return x;
}

std::string document_rels_xml(const Document& doc, std::size_t images) {
  std::string x = kXmlDecl;
  x += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  x += relationship("rIdStyles", std::string(kRelTypes) + "styles", "styles.xml");
  x += relationship("rIdSettings", std::string(kRelTypes) + "settings", "settings.xml");
  x += relationship("rIdNumbering", std::string(kRelTypes) + "numbering", "numbering.xml");
  if (has_footer(doc)) {
    x += relationship("rIdFooter", std::string(kRelTypes) + "footer", "footer1.xml");
  }
  for (std::size_t i = 1; i <= images; ++i) {
    const std::string n = std::to_string(i);
    x += relationship("rIdImage" + n, std::string(kRelTypes) + "image",
                      "media/image" + n + ".png");
  }
  x += "</Relationships>";
  return x;
}

std::string core_xml(const Document& doc, const std::string& created) {
  std::string x = kXmlDecl;
  x += "<cp:coreProperties "
       "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
       "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
       "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" "
       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";
  if (!doc.title.empty()) x += "<dc:title>" + escaped(doc.title) + "</dc:title>";
  if (!doc.author.empty()) x += "<dc:creator>" + escaped(doc.author) + "</dc:creator>";
  x += "<dc:language>fr-FR</dc:language>";
  x += "<dcterms:created xsi:type=\"dcterms:W3CDTF\">" + created + "</dcterms:created>";
  x += "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">" + created + "</dcterms:modified>";
  x += "</cp:coreProperties>";
  return x;
}

std::string app_xml() {
  std::string x = kXmlDecl;
  x += "<Properties "
       "xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
       "<Application>Maillage</Application></Properties>";
  return x;
}

}  // namespace

Result<std::string> write_docx(const Document& document) {
  auto created = detail::creation_time(document);
  if (!created) return tl::unexpected(std::move(created.error()));
  if (auto ok = detail::check_blocks(document); !ok) return tl::unexpected(std::move(ok.error()));
  Body b = body(document);

  detail::ZipPackage zip;
  zip.add("[Content_Types].xml", content_types_xml(document, !b.media.empty()));
  zip.add("_rels/.rels", package_rels_xml());
  zip.add("word/document.xml", std::move(b.xml));
  zip.add("word/_rels/document.xml.rels", document_rels_xml(document, b.media.size()));
  zip.add("word/styles.xml", styles_xml());
  zip.add("word/settings.xml", settings_xml());
  zip.add("word/numbering.xml", numbering_xml());
  if (has_footer(document)) zip.add("word/footer1.xml", footer_xml(document));
  // PNG data is already deflated: stored as is.
  for (std::size_t i = 0; i < b.media.size(); ++i) {
    zip.add("word/media/image" + std::to_string(i + 1) + ".png", std::move(b.media[i]),
            detail::ZipPackage::Compression::store);
  }
  zip.add("docProps/core.xml", core_xml(document, *created));
  zip.add("docProps/app.xml", app_xml());
  return zip.finish();
}

}  // namespace maillage::office
