// libFuzzer target for the XLSX member import. Mutating a whole zip mostly breaks its checksums,
// so the first byte chooses what the rest of the input is:
//   0: the whole .xlsx file;
//   1: the sheet XML, packed with a fixed workbook, relationships, shared strings and styles;
//   2: the shared strings XML, with a fixed sheet that refers to them;
//   3: the styles XML, with a fixed sheet of numbers in styled cells.
// Any input gives a preview or a whole-file error naming the file, never a crash; rows, issues
// and duplicates name sheet rows in order (from 2 to 1 048 576); a row is either kept or has an
// error; the preview is the same when read twice.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "association/member_import.hpp"
#include "office/zip_package.hpp"

namespace {

using namespace maillage::association;
using maillage::office::detail::ZipPackage;

const char* const kContentTypes =
    R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>)";
const char* const kRootRels =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)";
const char* const kWorkbook =
    R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Adhérents" sheetId="1" r:id="rId1"/></sheets></workbook>)";
const char* const kWorkbookRels =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>)";
const char* const kStrings =
    R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Nom</t></si><si><t>Email</t></si><si><t>Date</t></si><si><t>Montant</t></si><si><t>Martin</t></si><si><t>a@example.fr</t></si></sst>)";
const char* const kStyles =
    R"(<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>)";
const char* const kSheet =
    R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row><row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2" s="1"><v>45672</v></c><c r="D2"><v>30.5</v></c></row></sheetData></worksheet>)";

std::string package(std::string_view sheet, std::string_view strings, std::string_view styles) {
  ZipPackage z;
  z.add("[Content_Types].xml", kContentTypes);
  z.add("_rels/.rels", kRootRels);
  z.add("xl/workbook.xml", kWorkbook);
  z.add("xl/_rels/workbook.xml.rels", kWorkbookRels);
  z.add("xl/sharedStrings.xml", std::string(strings));
  z.add("xl/styles.xml", std::string(styles));
  z.add("xl/worksheets/sheet1.xml", std::string(sheet));
  auto bytes = z.finish();
  if (!bytes) __builtin_trap();
  return *bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string file;
  switch (data[0] % 4) {
    case 0:
      file = std::string(rest);
      break;
    case 1:
      file = package(rest, kStrings, kStyles);
      break;
    case 2:
      file = package(kSheet, rest, kStyles);
      break;
    default:
      file = package(kSheet, kStrings, rest);
      break;
  }
  ImportOptions options;
  options.existing = {{"adh-1", "Martin", "", "a@example.fr", ""}};
  auto p = parse_member_xlsx(file, "fuzz.xlsx", options);
  if (!p) {
    if (p.error().file != "fuzz.xlsx" || p.error().message.empty()) __builtin_trap();
    if (p.error().line < 0 || p.error().line > 1'048'576) __builtin_trap();
    return 0;
  }
  std::set<std::int64_t> error_lines, row_lines;
  for (const auto& i : p->issues) {
    if (i.line < 2 || i.line > 1'048'576 || i.message.empty()) __builtin_trap();
    if (i.severity == IssueSeverity::error) error_lines.insert(i.line);
  }
  std::int64_t previous = 0;
  for (const auto& r : p->rows) {
    if (r.line <= previous || r.line > 1'048'576) __builtin_trap();
    previous = r.line;
    if (error_lines.contains(r.line) || !row_lines.insert(r.line).second) __builtin_trap();
    if (r.last_name.empty() && r.organisation.empty()) __builtin_trap();
    if (r.amount_cents && *r.amount_cents < 0) __builtin_trap();
  }
  for (const auto& d : p->duplicates) {
    if (!row_lines.contains(d.line)) __builtin_trap();
  }
  if (p->rows.size() + error_lines.size() != p->lines_read) __builtin_trap();
  auto again = parse_member_xlsx(file, "fuzz.xlsx", options);
  if (!again || again->rows.size() != p->rows.size() || again->issues.size() != p->issues.size())
    __builtin_trap();
  return 0;
}
