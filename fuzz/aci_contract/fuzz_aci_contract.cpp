// libFuzzer target for ACI contract files: any input must give a contract or an error naming the
// field, never a crash; a contract that parses must also schedule and check its deadlines.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aci/contract.hpp"
#include "aci/deadlines.hpp"
#include "aci/schedule.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace maillage::aci;
  static const RuleBook book = *load_rulebook(builtin_rule_files());
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto contract = parse_contract(text, "fuzz.json", book);
  if (!contract) {
    // Every error carries the file name: a message without it would be a bug.
    if (contract.error().file != "fuzz.json") __builtin_trap();
    return 0;
  }
  auto schedule = compute_schedule(*contract, book);
  if (!schedule) __builtin_trap();  // parse_contract validated it already
  (void)schedule_csv(*schedule, true);
  if (const auto* cpts = std::get_if<CptsContract>(&*contract)) {
    auto deadlines = check_deadlines(*cpts, book, cpts->signature);
    if (!deadlines) __builtin_trap();
  }
  return 0;
}
