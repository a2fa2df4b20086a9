// Reading a list of members from a CSV or XLSX file: a HelloAsso membership export (';', French
// headers "Nom", "Prénom", "Email", "Date", "Tarif", "Montant", custom fields) or a plain
// spreadsheet. Both formats become a MemberTable; one function reads the table.
// Pure: text in, a preview out; nothing is stored — the caller writes the rows only when the user
// confirms the preview.
//
// Columns are mapped from the header (accents, case, punctuation and the words "adhérent",
// "participant", "du", "de" … ignored; the first matching column wins), or as the caller says
// (ImportOptions::mapping, e.g. after the user corrected the preview). Columns mapped to no field
// are kept per row as custom fields. Each line is checked; every problem names the line and the
// column as written in the header. Duplicates — same RPPS id, or same name and e-mail — are
// reported within the file (naming the first line) and against the existing members.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/dates.hpp"
#include "common/error.hpp"

namespace maillage::association {

enum class ImportField : std::uint8_t {
  last_name,
  first_name,
  email,
  phone,
  rpps,
  profession,
  commune,
  organisation,
  date,
  tariff,
  amount,
  count_  // keep last
};
[[nodiscard]] std::string_view field_key(ImportField f);    ///< "last_name"
[[nodiscard]] std::string_view field_label(ImportField f);  ///< "Nom"

struct ColumnMapping {
  ImportField field = ImportField::last_name;
  std::size_t column = 0;  ///< 0-based column of the file
  std::string header;      ///< as written in the file
};

struct ImportedMember {
  std::int64_t line = 0;
  std::string last_name;
  std::string first_name;
  std::string email;  ///< lower-cased
  std::string phone;
  std::string rpps;  ///< 11 digits, or empty
  std::string profession;
  std::string commune;
  std::string organisation;  ///< legal person (raison sociale), or the payer's company
  std::optional<Date> date;
  std::string tariff;
  std::optional<std::int64_t> amount_cents;
  std::vector<std::pair<std::string, std::string>> custom;  ///< unmapped columns: header, value
};

enum class IssueSeverity : std::uint8_t { warning, error };

struct ImportIssue {
  std::int64_t line = 0;  ///< the CSV line, or the sheet row of a spreadsheet
  std::string field;      ///< the column's header in the file
  std::string value;
  IssueSeverity severity = IssueSeverity::error;
  std::string message;  ///< French, without the line
  std::string column;   ///< spreadsheet column letters ("C"); empty for CSV
  /// "file:line: field: message", or "file:line: field (colonne C): message" for a spreadsheet.
  [[nodiscard]] std::string describe(std::string_view file) const;
};

/// A member already stored, for duplicate detection.
struct ExistingMember {
  std::string id;
  std::string last_name;
  std::string first_name;
  std::string email;
  std::string rpps;
};

enum class DuplicateReason : std::uint8_t { same_rpps, same_name_and_email };

struct Duplicate {
  std::int64_t line = 0;        ///< the later line
  std::int64_t first_line = 0;  ///< within the file: the first line; 0 when against `existing`
  std::string existing_id;      ///< against the existing members
  DuplicateReason reason = DuplicateReason::same_rpps;
  std::string message;
};

struct ImportOptions {
  /// Overrides: field → header as written in the file (replaces the detected column).
  std::vector<std::pair<ImportField, std::string>> mapping;
  std::vector<ExistingMember> existing;
};

struct ImportPreview {
  char separator = ',';                ///< CSV only
  std::string sheet;                   ///< XLSX: the sheet read (the workbook's first)
  std::vector<ColumnMapping> columns;  ///< fields found, in field order
  std::vector<std::string> unmapped;   ///< headers kept as custom fields
  std::vector<ImportedMember> rows;    ///< lines without an error, file order
  std::vector<ImportIssue> issues;     ///< file order
  std::vector<Duplicate> duplicates;   ///< file order
  std::size_t lines_read = 0;          ///< data records
  [[nodiscard]] std::size_t errors() const;
};

/// Whole-file errors (parse_error naming `file`): empty file, an unterminated quote, a header
/// with neither a name, an organisation nor an RPPS column, an override naming a header the file
/// does not have. Line problems go to ImportPreview::issues: a line with more cells than the
/// header, no name and no organisation, a malformed e-mail, an RPPS id that is not 11 digits, a
/// date or an amount that cannot be read, text that is not UTF-8. Such lines are not in `rows`.
[[nodiscard]] Result<ImportPreview> parse_member_csv(std::string_view text, std::string_view file,
                                                     const ImportOptions& options = {});

/// The same from an XLSX workbook's first sheet (office/xlsx_reader.hpp): the first non-empty row
/// is the header, line numbers are the sheet's row numbers and issues also name the column
/// letter. Numbers stored as numbers are read as such: in the date column a serial number is a
/// date even without a date format (1900 or 1904 system, as the workbook says), in the amount
/// column a number is euros (at most two decimals). Whole-file errors also cover what the reader
/// refuses (not an XLSX, malformed XML, zip bomb…), naming the file and the row or cell.
[[nodiscard]] Result<ImportPreview> parse_member_xlsx(std::string_view bytes, std::string_view file,
                                                      const ImportOptions& options = {});

/// What both readers hand to the checks: the header row first, then the data rows.
struct TableCell {
  std::string text;
  std::optional<double> number;  ///< a spreadsheet cell stored as a number
};
struct TableRow {
  std::int64_t line = 0;
  std::vector<TableCell> cells;
};
struct MemberTable {
  std::vector<TableRow> rows;
  bool spreadsheet = false;  ///< column letters in issues; numbers in date and amount columns
  bool date1904 = false;
  std::string sheet;
  char separator = ',';
};
[[nodiscard]] Result<ImportPreview> parse_member_table(const MemberTable& table,
                                                       std::string_view file,
                                                       const ImportOptions& options = {});

}  // namespace maillage::association
