// libFuzzer target for the member import: any input gives a preview or a whole-file error naming
// the file, never a crash; every issue, row and duplicate names a line of the input; a line is
// either a row or has an error, never both; duplicates point backwards to rows or to the stored
// members; the preview is the same when parsed twice.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

#include "association/member_import.hpp"

namespace {

using namespace maillage::association;

const ImportOptions& options(bool with_mapping) {
  static const ImportOptions plain = [] {
    ImportOptions o;
    o.existing = {{"adh-1", "Martin", "Élodie", "elodie@example.fr", "10101010101"},
                  {"adh-2", "Durand", "", "d@example.fr", ""}};
    return o;
  }();
  static const ImportOptions mapped = [] {
    ImportOptions o = plain;
    o.mapping = {{ImportField::email, "Email payeur"}};
    return o;
  }();
  return with_mapping ? mapped : plain;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::int64_t lines = 1 + std::count(text.begin(), text.end(), '\n');
  for (bool mapped : {false, true}) {
    auto p = parse_member_csv(text, "fuzz.csv", options(mapped));
    if (!p) {
      if (p.error().file != "fuzz.csv" && p.error().field != "mapping") __builtin_trap();
      if (p.error().line < 0 || p.error().line > lines) __builtin_trap();
      continue;
    }
    std::set<std::int64_t> error_lines, row_lines;
    for (const auto& i : p->issues) {
      if (i.line < 2 || i.line > lines || i.message.empty()) __builtin_trap();
      if (i.severity == IssueSeverity::error) error_lines.insert(i.line);
    }
    for (const auto& r : p->rows) {
      if (r.line < 2 || r.line > lines) __builtin_trap();
      if (error_lines.contains(r.line) || !row_lines.insert(r.line).second) __builtin_trap();
      if (r.last_name.empty() && r.organisation.empty()) __builtin_trap();
      if (!r.rpps.empty() && r.rpps.size() != 11) __builtin_trap();
      if (r.amount_cents && *r.amount_cents < 0) __builtin_trap();
    }
    for (const auto& d : p->duplicates) {
      if (!row_lines.contains(d.line)) __builtin_trap();
      const bool in_file = d.first_line != 0;
      if (in_file == !d.existing_id.empty()) __builtin_trap();
      if (in_file && (d.first_line >= d.line || !row_lines.contains(d.first_line)))
        __builtin_trap();
    }
    if (p->rows.size() + error_lines.size() != p->lines_read) __builtin_trap();
    auto again = parse_member_csv(text, "fuzz.csv", options(mapped));
    if (!again || again->rows.size() != p->rows.size() ||
        again->issues.size() != p->issues.size()) {
      __builtin_trap();
    }
  }
  return 0;
}
