// ODT (OpenDocument text, ODF 1.2) writer: a small document model in, the bytes of an .odt file
// out. Light header: no libzip, no XML library; handlers send the returned string as
// application/vnd.oasis.opendocument.text (kOdtMediaType).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/error.hpp"

namespace maillage::office {

inline constexpr std::string_view kOdtMediaType = "application/vnd.oasis.opendocument.text";

/// A piece of text with one formatting. Inside any text of the model, '\n' is a line break,
/// '\t' a tab and runs of spaces are kept.
struct Run {
  std::string text{};
  bool bold = false;
};

/// Heading of level 1 to 3 (styles "Heading 1".."Heading 3", listed in the navigator and usable
/// for a table of contents; not numbered).
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

using Block = std::variant<Heading, Paragraph, BulletList, Table, PageBreak>;

/// The document: metadata and blocks in reading order. The builder methods return *this so a
/// document can be written as a chain.
struct Document {
  std::string title{};  ///< meta.xml dc:title (also shown by LibreOffice in the title bar)
  std::string author = "Maillage";
  /// "YYYY-MM-DDTHH:MM:SSZ" (UTC). Empty means the current time; pass it explicitly when the
  /// output must be reproducible byte for byte.
  std::string created{};
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
};

/// Writes the document as an ODF 1.2 package: `mimetype` first and stored uncompressed (so tools
/// recognise the file by its first bytes), META-INF/manifest.xml, content.xml, styles.xml
/// (Liberation Sans 11 pt, A4 with 2 cm margins, heading styles, bordered table cells) and
/// meta.xml (title, author, creation date). Text is escaped and stripped of characters XML
/// forbids. Errors (invalid_input, French message, `field` like "blocks[3]"): a heading level
/// outside 1..3, a table without any column, a negative or non-finite column width, a
/// malformed `created`.
Result<std::string> write_odt(const Document& document);

}  // namespace maillage::office
