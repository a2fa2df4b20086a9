// libFuzzer target for the NRP instance parser and the roster-file reader: any input must give a
// model or an error with a line, never a crash; a parsed model must survive the checker and a
// format/parse round trip of a roster.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "roster/checker.hpp"
#include "roster/nrp_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto model = maillage::roster::parse_nrp(text, "fuzz.txt");
  if (!model) {
    if (model.error().file != "fuzz.txt") __builtin_trap();
    return 0;
  }
  if (model->days > 400 || model->staff.size() > 200) return 0;  // keep each run short
  // A roster with everyone on their first shift every day: usually invalid, must be checked
  // without crashing, and must read back identically.
  maillage::roster::Roster roster(model->staff.size(), std::vector<int>(model->days, 0));
  (void)maillage::roster::check(*model, roster);
  const auto text_roster = maillage::roster::format_roster(*model, roster);
  auto back = maillage::roster::parse_roster(*model, text_roster, "roster.txt");
  if (!back || *back != roster) __builtin_trap();
  // The text itself read as a roster file: errors only.
  (void)maillage::roster::parse_roster(*model, text, "fuzz.txt");
  return 0;
}
