// ODT (OpenDocument text, ODF 1.2) writer: the document model (document.hpp) in, the bytes of an
// .odt file out. Light header: no libzip, no XML library; handlers send the returned string as
// application/vnd.oasis.opendocument.text (kOdtMediaType).
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"
#include "office/document.hpp"

namespace maillage::office {

inline constexpr std::string_view kOdtMediaType = "application/vnd.oasis.opendocument.text";

/// Writes the document as an ODF 1.2 package: `mimetype` first and stored uncompressed (so tools
/// recognise the file by its first bytes), META-INF/manifest.xml, content.xml, styles.xml
/// (Liberation Sans 11 pt, A4 with 2 cm margins, heading, contents, caption and footer styles,
/// bordered table cells, the footer on the master page), meta.xml (title, author, creation date)
/// and Pictures/imageN.png for images. Text is escaped and stripped of characters XML forbids.
/// Errors (invalid_input, French message, `field` like "blocks[3]" or "created"): those of the
/// model check shared with write_docx (document.hpp: heading level, table columns and widths,
/// contents levels, image bytes and size) and a malformed `created`.
Result<std::string> write_odt(const Document& document);

}  // namespace maillage::office
