// The text document model shared by the ODT and DOCX writers (one model, two writers): headings,
// paragraphs of runs, bullet lists, tables, page breaks, a table of contents and PNG images, plus
// the metadata and footer. Light header: no libzip, no XML library.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace maillage::office {

/// A piece of text with one formatting. Inside any text of the model, '\n' is a line break,
/// '\t' a tab and runs of spaces are kept.
struct Run {
  std::string text{};
  bool bold = false;
};

/// Heading of level 1 to 3 (styles "Heading 1".."Heading 3" with outline levels 1..3, listed in
/// the navigator and in the table of contents; not numbered).
struct Heading {
  int level = 1;
  std::string text{};
};

/// A body paragraph made of runs, e.g. {{"Montant : ", true}, {"12 000 €"}}.
struct Paragraph {
  std::vector<Run> runs;
  Paragraph() = default;
  Paragraph(std::string text) : runs{Run{std::move(text), false}} {}  // NOLINT
  Paragraph(const char* text) : Paragraph(std::string(text)) {}       // NOLINT
  Paragraph(std::vector<Run> r) : runs(std::move(r)) {}               // NOLINT
  Paragraph(std::initializer_list<Run> r) : runs(r) {}                // NOLINT
};

/// A bullet list; each item is a paragraph (so items may have bold runs):
/// `doc.bullets({"plain item", {{"Bold", true}, {" then plain"}}, {{"all bold", true}}})`.
/// Mind the braces: one pair per run inside one pair per item; an extra pair around a single
/// run ({{{"x", true}}}) silently makes std::string("x", 1) and loses the bold flag.
struct BulletList {
  std::vector<Paragraph> items{};
};

/// A table with a header row (bold, repeated on each page) and rows of text, all cells bordered.
/// Rows shorter than the widest row are padded with empty cells. `column_widths` are relative
/// weights (e.g. {3, 1, 1}); empty means equal columns. The table spans the text width.
struct Table {
  std::vector<std::string> header{};
  std::vector<std::vector<std::string>> rows{};
  std::vector<double> column_widths{};
};

/// Starts a new page.
struct PageBreak {};

/// A table of contents listing the headings of levels 1..`levels` (the headings anywhere in the
/// document, before or after it). The writers fill it with the heading texts; the page numbers
/// are computed by the word processor (Word updates the field on opening; LibreOffice on
/// Outils > Mettre à jour > Tout mettre à jour), since only it knows where pages break.
struct TableOfContents {
  std::string title = "Table des matières";
  int levels = 3;  ///< 1..3
};

/// A PNG image on its own centred line, e.g. the territory map (`render_map` in raster.hpp).
/// `png` holds the bytes of a PNG file (signature and IHDR are checked; the rest is embedded
/// as is). `width_cm` is the printed width, at most the text width (17 cm); `height_cm` 0 means
/// "keep the image's aspect ratio". `caption` is shown under the image (style "Caption" /
/// "Légende") unless empty; `alt` is the text alternative for screen readers (the caption when
/// empty).
struct Image {
  std::string png{};
  double width_cm = 0;
  double height_cm = 0;
  std::string caption{};
  std::string alt{};
};

using Block = std::variant<Heading, Paragraph, BulletList, Table, PageBreak, TableOfContents, Image>;

/// Page footer: `text` (e.g. "Projet de santé — CPTS du Saulnois") then, with `page_numbers`,
/// "Page N sur M" filled by the word processor. Both empty/false: no footer.
struct Footer {
  std::string text{};
  bool page_numbers = false;
};

/// The document: metadata and blocks in reading order. The builder methods return *this so a
/// document can be written as a chain.
struct Document {
  std::string title{};  ///< dc:title (also shown by LibreOffice and Word in the title bar)
  std::string author = "Maillage";
  /// "YYYY-MM-DDTHH:MM:SSZ" (UTC). Empty means the current time; pass it explicitly when the
  /// output must be reproducible byte for byte.
  std::string created{};
  Footer footer{};
  std::vector<Block> blocks{};

  Document& heading(int level, std::string text) {
    blocks.emplace_back(Heading{level, std::move(text)});
    return *this;
  }
  Document& paragraph(Paragraph p) {
    blocks.emplace_back(std::move(p));
    return *this;
  }
  Document& bullets(std::vector<Paragraph> items) {
    blocks.emplace_back(BulletList{std::move(items)});
    return *this;
  }
  Document& table(Table t) {
    blocks.emplace_back(std::move(t));
    return *this;
  }
  Document& page_break() {
    blocks.emplace_back(PageBreak{});
    return *this;
  }
  Document& table_of_contents(TableOfContents toc = {}) {
    blocks.emplace_back(std::move(toc));
    return *this;
  }
  Document& image(Image i) {
    blocks.emplace_back(std::move(i));
    return *this;
  }
};

}  // namespace maillage::office
