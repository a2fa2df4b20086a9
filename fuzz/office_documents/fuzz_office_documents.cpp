// libFuzzer target for the office writers: the input is cut into pieces that become block texts,
// image bytes and sizes, table cells and map coordinates. Whatever the pieces, write_docx and
// write_odt agree (both succeed, or both refuse with the same invalid_input error naming the same
// field), a success is a zip package, and render_map gives a PNG or an invalid_input error;
// never a crash, an exception or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "office/docx.hpp"
#include "office/odt.hpp"
#include "office/raster.hpp"

using namespace maillage;
using namespace maillage::office;

namespace {

// Pieces separated by 0xFF bytes; the first byte of each piece says what it becomes.
std::vector<std::string_view> pieces(std::string_view in) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= in.size(); ++i) {
    if (i == in.size() || static_cast<unsigned char>(in[i]) == 0xFF) {
      out.push_back(in.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

double number_from(std::string_view s, std::size_t at) {
  if (s.size() < at + 2) return 0;
  std::int16_t v = 0;
  std::memcpy(&v, s.data() + at, 2);
  return v / 100.0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  Document doc;
  doc.created = "2026-03-01T09:30:00Z";
  MapImage map;
  map.width = 64;
  map.height = 48;
  for (std::string_view piece : pieces(in)) {
    if (piece.empty()) continue;
    const auto kind = static_cast<unsigned char>(piece[0]) % 12;
    const std::string text(piece.substr(1));
    switch (kind) {
      case 0: doc.heading(static_cast<int>(text.size() % 5), text); break;
      case 1: doc.paragraph({{text, true}, {text, false}}); break;
      case 2: doc.bullets({text, Paragraph(text)}); break;
      case 3: doc.table({{text}, {{text, text}, {}}, {number_from(text, 0)}}); break;
      case 4: doc.page_break(); break;
      case 5: doc.table_of_contents({text, static_cast<int>(text.size() % 5)}); break;
      case 6:  // arbitrary bytes as an image, sizes from the bytes
        doc.image({text, number_from(text, 16), number_from(text, 18), text.substr(0, 8), ""});
        break;
      case 7: doc.footer = {text, (text.size() & 1) != 0}; break;
      case 8: doc.title = text; break;
      case 9: {  // a ring from pairs of int16 (hundredths of a degree)
        MapShape shape;
        LonLatRing ring;
        for (std::size_t at = 0; at + 4 <= text.size(); at += 4) {
          ring.push_back({number_from(text, at), number_from(text, at + 2)});
        }
        shape.rings.push_back(ring);
        shape.outline_px = text.empty() ? 1 : (static_cast<unsigned char>(text[0]) % 8) / 2.0;
        map.shapes.push_back(shape);
        break;
      }
      case 10: {  // a map drawn from the rings so far, as an image of the document
        auto png = render_map(map);
        if (png) doc.image({*png, 10, 0, text, ""});
        break;
      }
      default: doc.created = text; break;
    }
  }
  auto docx = write_docx(doc);
  auto odt = write_odt(doc);
  if (docx.has_value() != odt.has_value()) __builtin_trap();
  if (docx) {
    if (docx->substr(0, 2) != "PK" || odt->substr(0, 2) != "PK") __builtin_trap();
  } else if (docx.error().code != ErrorCode::invalid_input ||
             docx.error().field != odt.error().field ||
             docx.error().message != odt.error().message || docx.error().message.empty()) {
    __builtin_trap();
  }
  auto png = render_map(map);
  if (png) {
    if (png->substr(1, 3) != "PNG") __builtin_trap();
  } else if (png.error().code != ErrorCode::invalid_input) {
    __builtin_trap();
  }
  return 0;
}
