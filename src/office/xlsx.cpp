// SpreadsheetML writer. The package is the minimal set Excel and LibreOffice open without
// complaint: content types, package and workbook relationships, core/app properties, workbook,
// styles and one worksheet part per sheet. Strings are inline (t="inlineStr"), so there is no
// shared-string table to build.
#include "office/xlsx.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "office/timestamp.hpp"
#include "office/xml_text.hpp"
#include "office/zip_package.hpp"

namespace maillage::office {

namespace {

using detail::append_escaped;
using detail::escaped;

constexpr std::size_t kMaxRows = 1048576;
constexpr std::size_t kMaxColumns = 16384;
constexpr std::size_t kMaxCellChars = 32767;  // Excel's limit, in UTF-16 code units
constexpr std::size_t kMaxSheetName = 31;

// Indices into cellXfs of styles.xml below.
enum Style : int {
  kDefault = 0,
  kHeader = 1,
  kDate = 2,
  kTwoDecimals = 3,
  kPercent = 4,
  kWrapped = 5,  // text with line breaks: shown on several lines, top-aligned
};

constexpr const char* kXmlDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr const char* kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRelNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

// Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool valid_date(const Date& d) { return detail::valid_civil_date(d.year, d.month, d.day); }

// Spreadsheet serial number: days since 1899-12-30. That epoch absorbs Lotus's phantom
// 1900-02-29, which is why dates before 1900-03-01 are refused rather than shifted by one.
std::int64_t serial(const Date& d) {
  return days_from_civil(d.year, static_cast<unsigned>(d.month), static_cast<unsigned>(d.day)) -
         days_from_civil(1899, 12, 30);
}

std::string number_text(double v) {
  char buf[64];
  // Shortest text that reads back as the same double.
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string cell_ref(std::size_t column, std::size_t row) {
  return column_letters(column) + std::to_string(row);
}

// Excel reads "_xHHHH_" inside a string as an escaped character; a literal one must have its
// underscore escaped as "_x005F_" to come back unchanged.
std::string protect_excel_escapes(std::string_view s) {
  auto is_hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X') &&
        is_hex(s[i + 2]) && is_hex(s[i + 3]) && is_hex(s[i + 4]) && is_hex(s[i + 5]) &&
        s[i + 6] == '_') {
      out += "_x005F_";
    } else {
      out += s[i];
    }
  }
  return out;
}

std::size_t utf16_units(std::string_view utf8) {
  std::size_t n = 0;
  detail::for_each_code_point(utf8, [&](char32_t c) { n += c >= 0x10000 ? 2 : 1; });
  return n;
}

// Longest line, in characters, for the width estimate.
std::size_t display_chars(std::string_view s) {
  std::size_t best = 0;
  std::size_t current = 0;
  detail::for_each_code_point(s, [&](char32_t c) {
    if (c == '\n') {
      best = std::max(best, current);
      current = 0;
    } else {
      ++current;
    }
  });
  return std::max(best, current);
}

void append_inline_string(std::string& out, const std::string& ref, std::string_view text,
                          int style) {
  out += "<c r=\"";
  out += ref;
  out += '"';
  if (style != kDefault) {
    out += " s=\"";
    out += std::to_string(style);
    out += '"';
  }
  out += " t=\"inlineStr\"><is><t";
  // Without xml:space="preserve", leading/trailing blanks and line breaks may be dropped.
  const bool preserve = !text.empty() && (text.front() == ' ' || text.back() == ' ' ||
                                          text.find_first_of("\t\n\r") != std::string_view::npos);
  if (preserve) out += " xml:space=\"preserve\"";
  out += '>';
  append_escaped(out, protect_excel_escapes(text));
  out += "</t></is></c>";
}

void append_number(std::string& out, const std::string& ref, std::string_view value, int style) {
  out += "<c r=\"";
  out += ref;
  out += '"';
  if (style != kDefault) {
    out += " s=\"";
    out += std::to_string(style);
    out += '"';
  }
  out += "><v>";
  out += value;
  out += "</v></c>";
}

// "'It''s'!$A$1:$C$10": a sheet reference as workbook.xml's defined names want it.
std::string quoted_sheet(std::string_view name) {
  std::string out = "'";
  for (const char c : name) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string width_text(double w) {
  // Two decimals are plenty for a width in characters; avoids 12.000000001 noise.
  const double rounded = std::round(w * 100) / 100;
  return number_text(rounded);
}

struct SheetXml {
  std::string xml;
  std::string filter_ref;  // "$A$1:$C$10" when the sheet has an auto-filter
};

Result<SheetXml> sheet_xml(const Sheet& sheet, const std::string& name, bool selected) {
  std::size_t columns = sheet.header.size();
  for (const auto& row : sheet.rows) columns = std::max(columns, row.size());
  const std::size_t header_rows = sheet.header.empty() ? 0 : 1;
  if (sheet.rows.size() + header_rows > kMaxRows) {
    return fail(ErrorCode::invalid_input, "La feuille « " + name + " » dépasse 1 048 576 lignes.",
                name);
  }
  if (columns > kMaxColumns) {
    return fail(ErrorCode::invalid_input, "La feuille « " + name + " » dépasse 16 384 colonnes.",
                name);
  }
  const std::size_t last_row = sheet.rows.size() + header_rows;

  auto where = [&](std::size_t col, std::size_t row) { return name + "!" + cell_ref(col, row); };

  // Width estimate from content, used where the caller gave none.
  std::vector<std::size_t> chars(columns, 0);
  for (std::size_t c = 0; c < sheet.header.size(); ++c) {
    chars[c] = display_chars(sheet.header[c]) + 2;  // bold text and the filter button
  }

  std::string data;
  if (header_rows != 0) {
    data += "<row r=\"1\">";
    for (std::size_t c = 0; c < sheet.header.size(); ++c) {
      if (utf16_units(sheet.header[c]) > kMaxCellChars) {
        return fail(ErrorCode::invalid_input,
                    "Texte de plus de 32 767 caractères en " + where(c, 1) + ".", where(c, 1));
      }
      if (!sheet.header[c].empty()) {
        append_inline_string(data, cell_ref(c, 1), sheet.header[c], kHeader);
      }
    }
    data += "</row>";
  }
  for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
    const std::size_t row_number = r + 1 + header_rows;
    const auto& row = sheet.rows[r];
    data += "<row r=\"";
    data += std::to_string(row_number);
    data += "\">";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string ref = cell_ref(c, row_number);
      const auto& v = row[c].value;
      std::size_t width = 0;
      if (const auto* s = std::get_if<std::string>(&v)) {
        if (utf16_units(*s) > kMaxCellChars) {
          return fail(ErrorCode::invalid_input,
                      "Texte de plus de 32 767 caractères en " + where(c, row_number) + ".",
                      where(c, row_number));
        }
        if (!s->empty()) {
          const bool lines = s->find_first_of("\n\r") != std::string::npos;
          append_inline_string(data, ref, *s, lines ? kWrapped : kDefault);
        }
        width = display_chars(*s);
      } else if (const auto* d = std::get_if<double>(&v)) {
        if (!std::isfinite(*d)) {
          return fail(ErrorCode::invalid_input,
                      "Valeur numérique non finie en " + where(c, row_number) + ".",
                      where(c, row_number));
        }
        append_number(data, ref, number_text(*d), kTwoDecimals);
        // Two decimals plus a thousands separator every three digits.
        const auto digits = number_text(std::floor(std::fabs(*d))).size();
        width = digits + digits / 3 + 4;
      } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
        const std::string text = std::to_string(*i);
        append_number(data, ref, text, kDefault);
        width = text.size();
      } else if (const auto* date = std::get_if<Date>(&v)) {
        if (!valid_date(*date) || serial(*date) < 61) {
          return fail(
              ErrorCode::invalid_input,
              "Date invalide ou antérieure au 1er mars 1900 en " + where(c, row_number) + ".",
              where(c, row_number));
        }
        append_number(data, ref, std::to_string(serial(*date)), kDate);
        width = 10;
      } else if (const auto* p = std::get_if<Percent>(&v)) {
        if (!std::isfinite(p->fraction)) {
          return fail(ErrorCode::invalid_input,
                      "Pourcentage non fini en " + where(c, row_number) + ".",
                      where(c, row_number));
        }
        append_number(data, ref, number_text(p->fraction), kPercent);
        width = number_text(std::floor(std::fabs(p->fraction * 100))).size() + 5;
      }
      chars[c] = std::max(chars[c], width);
    }
    data += "</row>";
  }

  SheetXml out;
  std::string& x = out.xml;
  x += kXmlDecl;
  x += "<worksheet xmlns=\"";
  x += kMainNs;
  x += "\" xmlns:r=\"";
  x += kRelNs;
  x += "\">";
  x += "<dimension ref=\"";
  x += columns == 0 || last_row == 0 ? "A1" : "A1:" + cell_ref(columns - 1, last_row);
  x += "\"/>";
  x += "<sheetViews><sheetView";
  if (selected) x += " tabSelected=\"1\"";
  x += " workbookViewId=\"0\">";
  if (header_rows != 0) {
    // Frozen first row: the header stays visible while scrolling.
    x += "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
         "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>";
  }
  x += "</sheetView></sheetViews>";
  x += "<sheetFormatPr defaultRowHeight=\"15\"/>";
  if (columns != 0) {
    x += "<cols>";
    for (std::size_t c = 0; c < columns; ++c) {
      double w = c < sheet.column_widths.size() ? sheet.column_widths[c] : 0.0;
      if (!(w > 0) || !std::isfinite(w)) {
        w = static_cast<double>(std::clamp<std::size_t>(chars[c] + 1, 8, 60));
      }
      w = std::min(w, 255.0);  // Excel's maximum column width
      const std::string n = std::to_string(c + 1);
      x += "<col min=\"" + n + "\" max=\"" + n + "\" width=\"" + width_text(w) +
           "\" customWidth=\"1\"/>";
    }
    x += "</cols>";
  }
  x += "<sheetData>";
  x += data;
  x += "</sheetData>";
  if (header_rows != 0) {
    const std::string last = column_letters(columns - 1);
    const std::string ref = "A1:" + last + std::to_string(last_row);
    x += "<autoFilter ref=\"" + ref + "\"/>";
    out.filter_ref = "$A$1:$" + last + "$" + std::to_string(last_row);
  }
  x += "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" "
       "footer=\"0.3\"/>";
  x += "</worksheet>";
  return out;
}

std::string content_types(std::size_t sheets) {
  std::string x = kXmlDecl;
  x += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
       "<Default Extension=\"rels\" "
       "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
       "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
       "<Override PartName=\"/xl/workbook.xml\" "
       "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/"
       ">";
  for (std::size_t i = 1; i <= sheets; ++i) {
    x += "<Override PartName=\"/xl/worksheets/sheet" + std::to_string(i) +
         ".xml\" "
         "ContentType=\"application/"
         "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
  }
  x += "<Override PartName=\"/xl/styles.xml\" "
       "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
       "<Override PartName=\"/docProps/core.xml\" "
       "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
       "<Override PartName=\"/docProps/app.xml\" "
       "ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
       "</Types>";
  return x;
}

std::string package_rels() {
  std::string x = kXmlDecl;
  x += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId1\" "
       "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
       "officeDocument\" Target=\"xl/workbook.xml\"/>"
       "<Relationship Id=\"rId2\" "
       "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
       "core-properties\" Target=\"docProps/core.xml\"/>"
       "<Relationship Id=\"rId3\" "
       "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
       "extended-properties\" Target=\"docProps/app.xml\"/>"
       "</Relationships>";
  return x;
}

std::string core_xml(const WorkbookInfo& info, const std::string& created) {
  std::string x = kXmlDecl;
  x += "<cp:coreProperties "
       "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
       "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
       "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" "
       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";
  if (!info.title.empty()) x += "<dc:title>" + escaped(info.title) + "</dc:title>";
  if (!info.author.empty()) x += "<dc:creator>" + escaped(info.author) + "</dc:creator>";
  x += "<dcterms:created xsi:type=\"dcterms:W3CDTF\">" + created + "</dcterms:created>";
  x += "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">" + created + "</dcterms:modified>";
  x += "</cp:coreProperties>";
  return x;
}

std::string app_xml(const std::vector<std::string>& names) {
  std::string x = kXmlDecl;
  x += "<Properties "
       "xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" "
       "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
       "<Application>Maillage</Application>";
  const std::string n = std::to_string(names.size());
  x += "<HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>Feuilles"
       "</vt:lpstr></vt:variant><vt:variant><vt:i4>" +
       n + "</vt:i4></vt:variant></vt:vector></HeadingPairs>";
  x += "<TitlesOfParts><vt:vector size=\"" + n + "\" baseType=\"lpstr\">";
  for (const auto& name : names) x += "<vt:lpstr>" + escaped(name) + "</vt:lpstr>";
  x += "</vt:vector></TitlesOfParts></Properties>";
  return x;
}

std::string workbook_xml(const std::vector<std::string>& names,
                         const std::vector<std::string>& filters) {
  std::string x = kXmlDecl;
  x += "<workbook xmlns=\"";
  x += kMainNs;
  x += "\" xmlns:r=\"";
  x += kRelNs;
  x += "\"><bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>";
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    x += "<sheet name=\"" + escaped(names[i]) + "\" sheetId=\"" + n + "\" r:id=\"rId" + n + "\"/>";
  }
  x += "</sheets>";
  // Excel records each auto-filter range as this hidden name; LibreOffice reads it as well.
  std::string defined;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (filters[i].empty()) continue;
    defined += "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"" + std::to_string(i) +
               "\" hidden=\"1\">" + escaped(quoted_sheet(names[i]) + "!" + filters[i]) +
               "</definedName>";
  }
  if (!defined.empty()) x += "<definedNames>" + defined + "</definedNames>";
  x += "</workbook>";
  return x;
}

std::string workbook_rels(std::size_t sheets) {
  std::string x = kXmlDecl;
  x += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  for (std::size_t i = 1; i <= sheets; ++i) {
    const std::string n = std::to_string(i);
    x += "<Relationship Id=\"rId" + n +
         "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
         "worksheet\" Target=\"worksheets/sheet" +
         n + ".xml\"/>";
  }
  x += "<Relationship Id=\"rId" + std::to_string(sheets + 1) +
       "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
       "Target=\"styles.xml\"/>";
  x += "</Relationships>";
  return x;
}

// cellXfs order must match enum Style.
std::string styles_xml() {
  std::string x = kXmlDecl;
  x += "<styleSheet xmlns=\"";
  x += kMainNs;
  x += "\">"
       "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/></numFmts>"
       "<fonts count=\"2\">"
       "<font><sz val=\"11\"/><name val=\"Arial\"/><family val=\"2\"/></font>"
       "<font><b/><sz val=\"11\"/><name val=\"Arial\"/><family val=\"2\"/></font>"
       "</fonts>"
       "<fills count=\"3\">"
       "<fill><patternFill patternType=\"none\"/></fill>"
       "<fill><patternFill patternType=\"gray125\"/></fill>"
       "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFDDE4EE\"/>"
       "<bgColor indexed=\"64\"/></patternFill></fill>"
       "</fills>"
       "<borders count=\"2\">"
       "<border><left/><right/><top/><bottom/><diagonal/></border>"
       "<border><left/><right/><top/><bottom style=\"thin\"><color auto=\"1\"/></bottom>"
       "<diagonal/></border>"
       "</borders>"
       "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>"
       "</cellStyleXfs>"
       "<cellXfs count=\"6\">"
       "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
       "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" "
       "applyFill=\"1\" applyBorder=\"1\"/>"
       "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
       "applyNumberFormat=\"1\"/>"
       "<xf numFmtId=\"4\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
       "applyNumberFormat=\"1\"/>"
       "<xf numFmtId=\"10\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
       "applyNumberFormat=\"1\"/>"
       "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
       "applyAlignment=\"1\"><alignment vertical=\"top\" wrapText=\"1\"/></xf>"
       "</cellXfs>"
       "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/>"
       "</cellStyles>"
       "</styleSheet>";
  return x;
}

}  // namespace

std::string column_letters(std::size_t column) {
  std::string out;
  std::size_t n = column + 1;
  while (n > 0) {
    const std::size_t rem = (n - 1) % 26;
    out.insert(out.begin(), static_cast<char>('A' + rem));
    n = (n - 1) / 26;
  }
  return out;
}

std::vector<std::string> unique_sheet_names(const std::vector<Sheet>& sheets) {
  std::vector<std::string> names;
  std::vector<std::string> folded;
  for (std::size_t i = 0; i < sheets.size(); ++i) {
    std::string name;
    detail::for_each_code_point(sheets[i].name, [&](char32_t c) {
      if (c < 0x20 || c == 0x7F) return;  // control characters: dropped
      if (!detail::is_xml_char(c) || c == '[' || c == ']' || c == ':' || c == '*' || c == '?' ||
          c == '/' || c == '\\') {
        name += '_';
      } else {
        detail::append_utf8(name, c);
      }
    });
    auto trim = [](std::string& s) {
      const auto first = s.find_first_not_of("' ");
      if (first == std::string::npos) {
        s.clear();
        return;
      }
      s = s.substr(first, s.find_last_not_of("' ") - first + 1);
    };
    trim(name);
    name = std::string(detail::first_code_points(name, kMaxSheetName));
    trim(name);  // the cut may expose a trailing apostrophe or space
    if (name.empty()) name = "Feuille " + std::to_string(i + 1);
    if (lower_ascii(name) == "history") name += "_";

    std::string candidate = name;
    for (int k = 2; std::find(folded.begin(), folded.end(), lower_ascii(candidate)) != folded.end();
         ++k) {
      const std::string suffix = " (" + std::to_string(k) + ")";
      std::string base(
          detail::first_code_points(name, kMaxSheetName - detail::code_points(suffix)));
      trim(base);
      candidate = base + suffix;
    }
    folded.push_back(lower_ascii(candidate));
    names.push_back(std::move(candidate));
  }
  return names;
}

Result<std::string> write_xlsx(const std::vector<Sheet>& sheets, const WorkbookInfo& info) {
  if (sheets.empty()) {
    return fail(ErrorCode::invalid_input, "Le classeur ne contient aucune feuille.", "sheets");
  }
  std::string created = info.created;
  if (created.empty()) {
    created = detail::now_utc();
  } else if (!detail::valid_utc_timestamp(created)) {
    return fail(ErrorCode::invalid_input,
                "Date de création invalide (attendu AAAA-MM-JJTHH:MM:SSZ) : « " +
                    detail::clean_text(created) + " ».",
                "created");
  }
  const std::vector<std::string> names = unique_sheet_names(sheets);

  detail::ZipPackage zip;
  zip.add("[Content_Types].xml", content_types(sheets.size()));
  zip.add("_rels/.rels", package_rels());
  zip.add("docProps/core.xml", core_xml(info, created));
  zip.add("docProps/app.xml", app_xml(names));
  std::vector<std::string> filters;
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < sheets.size(); ++i) {
    auto part = sheet_xml(sheets[i], names[i], i == 0);
    if (!part) return tl::unexpected(std::move(part.error()));
    filters.push_back(std::move(part->filter_ref));
    parts.push_back(std::move(part->xml));
  }
  zip.add("xl/workbook.xml", workbook_xml(names, filters));
  zip.add("xl/_rels/workbook.xml.rels", workbook_rels(sheets.size()));
  zip.add("xl/styles.xml", styles_xml());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    zip.add("xl/worksheets/sheet" + std::to_string(i + 1) + ".xml", std::move(parts[i]));
  }
  return zip.finish();
}

}  // namespace maillage::office
