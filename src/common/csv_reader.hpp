// Reading CSV records (RFC 4180), the counterpart of csv.hpp's writer, for importers of files that
// people export from spreadsheets and web services: a record may span several lines (a quoted
// field holding a line break), so each record carries the line where it starts and errors can
// name it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace maillage::csv {

struct Record {
  std::int64_t line = 0;  ///< 1-based line of the input where the record starts
  std::vector<std::string> fields;
};

/// The separator a header line uses: ';' or tab when it holds more of them than commas (French
/// spreadsheets and HelloAsso export with ';'), ',' otherwise. Quoted text is not looked at.
[[nodiscard]] char guess_separator(std::string_view header_line);

/// Every record of `text`: a leading UTF-8 BOM is skipped, CRLF and LF end records, blank lines
/// are skipped, "…" quotes a field ("" for a quote). Errors (parse_error, naming `file` and the
/// line): a quote opened and never closed, text after a closing quote.
[[nodiscard]] Result<std::vector<Record>> read_records(std::string_view text, char separator,
                                                       std::string_view file);

}  // namespace maillage::csv
