// XLSX (SpreadsheetML) workbook writer: sheets of typed cells in, the bytes of an .xlsx file out.
// Light header: no libzip, no XML library; handlers send the returned string as
// application/vnd.openxmlformats-officedocument.spreadsheetml.sheet (kXlsxMediaType).
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "common/error.hpp"

namespace maillage::office {

inline constexpr std::string_view kXlsxMediaType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A calendar date (proleptic Gregorian). Written as a spreadsheet serial number shown with the
/// dd/mm/yyyy format; accepted from 1900-03-01 to 9999-12-31.
struct Date {
  int year = 1970;
  int month = 1;  ///< 1..12
  int day = 1;    ///< 1..31
  friend bool operator==(const Date&, const Date&) = default;
};

/// Percentage stored as a fraction (0.125 shows as "12,50 %").
struct Percent {
  double fraction = 0;
  friend bool operator==(const Percent&, const Percent&) = default;
};

/// One cell. How each kind is written:
/// - empty (monostate): no cell at all;
/// - string: inline string (never a formula, so "=..." text cannot run anything); text with
///   line breaks gets a wrapped, top-aligned style;
/// - double: number shown with 2 decimals (#,##0.00); NaN and infinities are refused;
/// - integer: number in the General format (codes, years and counts stay unseparated);
/// - Date: serial number with the date format; Percent: number with the 0.00% format.
/// Implicit constructors let rows be written as `{"Metz", 120000, 12.5, Date{2026, 1, 31}}`.
struct Cell {
  using Value = std::variant<std::monostate, std::string, double, std::int64_t, Date, Percent>;
  Value value;

  Cell() = default;
  Cell(std::string s) : value(std::move(s)) {}             // NOLINT(google-explicit-constructor)
  Cell(std::string_view s) : value(std::string(s)) {}      // NOLINT(google-explicit-constructor)
  Cell(const char* s) : value(std::string(s ? s : "")) {}  // NOLINT(google-explicit-constructor)
  Cell(double d) : value(d) {}                             // NOLINT(google-explicit-constructor)
  Cell(float d) : value(static_cast<double>(d)) {}         // NOLINT(google-explicit-constructor)
  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char>) Cell(I i)
      : value(static_cast<std::int64_t>(i)) {}  // NOLINT(google-explicit-constructor)
  Cell(bool) = delete;           // ambiguous in an export: write "oui"/"non" explicitly
  Cell(Date d) : value(d) {}     // NOLINT(google-explicit-constructor)
  Cell(Percent p) : value(p) {}  // NOLINT(google-explicit-constructor)
  /// Nullable database columns: an empty optional is an empty cell.
  template <class T>
  Cell(const std::optional<T>& v) : Cell(v ? Cell(*v) : Cell()) {}  // NOLINT
};

/// One worksheet. `header` is written as row 1 in bold, frozen, with an auto-filter over the
/// header and data; without a header there is neither. Rows may have different lengths.
/// `column_widths` are in characters (Excel's unit), one per column from A; a missing or
/// non-positive width is estimated from the column's content (between 8 and 60 characters).
struct Sheet {
  std::string name{};  ///< sanitised and made unique, see unique_sheet_names
  std::vector<std::string> header{};
  std::vector<std::vector<Cell>> rows{};
  std::vector<double> column_widths{};
};

/// Document properties (docProps/core.xml).
struct WorkbookInfo {
  std::string title{};
  std::string author = "Maillage";
  /// "YYYY-MM-DDTHH:MM:SSZ" (UTC). Empty means the current time; pass it explicitly when the
  /// output must be reproducible byte for byte.
  std::string created{};
};

/// Writes the workbook. Errors (invalid_input, French message; `field` names the sheet and
/// cell, e.g. "Structures!C12"): no sheet, more than 1 048 576 rows or 16 384 columns, a string
/// longer than 32 767 characters, a non-finite number, a date out of range or impossible, a
/// malformed `created`.
Result<std::string> write_xlsx(const std::vector<Sheet>& sheets, const WorkbookInfo& info = {});

/// The sheet name rule, shared by write_xlsx and callers that need the final names:
/// characters not allowed in XML and []:*?/\ are replaced by '_' (control characters are
/// dropped), leading and trailing apostrophes and spaces are removed, the name is cut to 31
/// characters, an empty name becomes "Feuille N" (N = position from 1), "History" (reserved by
/// Excel) becomes "History_"; then a name equal,
/// ignoring ASCII case, to an earlier one gets the suffix " (2)", " (3)"... with the base cut
/// so the result still fits in 31 characters.
std::vector<std::string> unique_sheet_names(const std::vector<Sheet>& sheets);

/// "A", "B", ..., "Z", "AA"... for a 0-based column index.
std::string column_letters(std::size_t column);

}  // namespace maillage::office
