// XLSX (SpreadsheetML) reader: the first worksheet of an uploaded workbook as rows of typed cells.
// Written for imports (a HelloAsso export saved as .xlsx, a plain spreadsheet): values only, no
// formulas evaluated (the cached value is read), no formatting beyond "is this number a date".
// Light header: neither libzip nor expat leaks out of xlsx_reader.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "office/xlsx.hpp"

namespace maillage::office {

/// One cell as the workbook stores it.
struct ReadCell {
  enum class Kind : std::uint8_t { empty, text, number, date, boolean, error };
  Kind kind = Kind::empty;
  /// What a user sees, roughly: text as stored; numbers in the shortest form that reads back
  /// ("30", "30.5", "10001234567"); a number whose style is a date format as "15/03/2024" (with
  /// " 10:32" when it has a time of day); booleans "oui"/"non"; errors as stored ("#N/A").
  std::string text;
  /// The value of number and date cells (dates as the workbook's serial number).
  double number = 0;
};

struct ReadRow {
  std::int64_t row = 0;         ///< 1-based sheet row, as the spreadsheet shows it
  std::vector<ReadCell> cells;  ///< from column A; missing cells are empty
};

struct ReadSheet {
  std::string name;           ///< the sheet's name in the workbook
  bool date1904 = false;      ///< the workbook counts serial dates from 1904-01-01
  std::vector<ReadRow> rows;  ///< non-empty rows only, in row order
};

struct ReadLimits {
  std::uint64_t max_part_bytes = std::uint64_t{64} << 20;  ///< per XML part, uncompressed
  std::uint64_t max_cells = 2'000'000;
};

/// Reads the first worksheet (workbook order) of `bytes`. Errors are parse_error naming `file`
/// and, for a bad cell, its row (`line`) and reference (`field`, e.g. "C4"), in French: not a
/// zip (or an old .xls), a missing workbook or sheet part, malformed XML, a DOCTYPE (refused: no
/// entity tricks), a shared string index out of range, a part larger than the limit (zip bomb),
/// more cells than the limit, a cell reference beyond XFD1048576.
[[nodiscard]] Result<ReadSheet> read_xlsx_first_sheet(std::string_view bytes, std::string_view file,
                                                      const ReadLimits& limits = {});

/// The calendar date of a serial number (its integer part) in the 1900 or 1904 system; nullopt
/// outside 1900-01-01 .. 9999-12-31 and for the 1900 system's non-existent 29 February 1900
/// (serial 60, kept by spreadsheets for Lotus compatibility).
[[nodiscard]] std::optional<Date> serial_to_date(double serial, bool date1904);

}  // namespace maillage::office
