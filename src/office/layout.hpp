// Internal: what the ODT and DOCX writers share about the document model (not part of the public
// API): one validation, so both formats refuse the same documents with the same messages, the
// page geometry, table column weights, image sizes and the table of contents entries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "office/document.hpp"

namespace maillage::office::detail {

// A4 portrait with 2 cm margins: 17 cm of text width (tables span it), 25.7 cm of text height.
inline constexpr double kPageWidthCm = 21.0;
inline constexpr double kPageHeightCm = 29.7;
inline constexpr double kMarginCm = 2.0;
inline constexpr double kTextWidthCm = kPageWidthCm - 2 * kMarginCm;
inline constexpr double kTextHeightCm = kPageHeightCm - 2 * kMarginCm;

/// The document's creation time: `created` when valid, the current time when empty; an error
/// (field "created") when malformed.
Result<std::string> creation_time(const Document& document);

/// Checks every block; the first problem as invalid_input with a French message and
/// `field` = "blocks[i]": heading level outside 1..3, a table without columns, a column width
/// that is not positive and finite, a table of contents whose levels are outside 1..3, an image
/// that is not a PNG, or whose size is not positive, or does not fit in the text area.
Status check_blocks(const Document& document);

/// Width and height of a PNG from its IHDR chunk; an error when `png` does not start with the
/// PNG signature and a well-formed IHDR (non-zero dimensions up to 2^31 - 1).
struct PngSize {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};
Result<PngSize> png_size(std::string_view png);

/// Number of columns of a table (the widest of header and rows).
std::size_t column_count(const Table& table);

/// Column weights summing to 1 (`column_widths` normalised, missing ones 1, or equal columns).
/// The table must have passed check_blocks.
std::vector<double> column_weights(const Table& table, std::size_t columns);

/// Printed size of an image that passed check_blocks (height from the aspect ratio when 0).
struct ImageBox {
  double width_cm = 0;
  double height_cm = 0;
};
ImageBox image_box(const Image& image);

/// The headings a table of contents lists, in document order.
std::vector<const Heading*> contents_entries(const Document& document, int levels);

/// The image's text alternative: `alt`, else the caption.
const std::string& image_alt(const Image& image);

/// `v` with at most `decimals` decimals, trailing zeros removed, '.' as the decimal point
/// whatever the locale.
std::string decimal(double v, int decimals = 3);

}  // namespace maillage::office::detail
