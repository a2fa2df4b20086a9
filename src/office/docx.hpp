// DOCX (Office Open XML WordprocessingML) writer over the same document model as the ODT writer
// (document.hpp): one model, two files. Light header: no libzip, no XML library; handlers send
// the returned string as kDocxMediaType.
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"
#include "office/document.hpp"

namespace maillage::office {

inline constexpr std::string_view kDocxMediaType =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Writes the document as a minimal WordprocessingML package: [Content_Types].xml, _rels/.rels,
/// word/document.xml, word/styles.xml (Arial 11 pt in French, Heading 1..3 with outline levels,
/// List Bullet, table, caption, TOC and footer styles), word/settings.xml (updateFields, so Word
/// fills the table of contents and page numbers on opening), word/numbering.xml (bullets),
/// word/_rels/document.xml.rels, word/footer1.xml when the document has a footer,
/// word/media/imageN.png for images, docProps/core.xml and app.xml. A4 portrait with 2 cm
/// margins. Text is escaped and stripped of characters XML forbids, like the ODT writer.
/// Errors: the same as write_odt (document.hpp's model is checked once, in both writers alike).
Result<std::string> write_docx(const Document& document);

}  // namespace maillage::office
