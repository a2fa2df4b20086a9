// Fuzzes the RPPS extract reader and the snapshot builder. The first byte picks the block size
// (256 bytes to 64 KiB, so that lines straddle blocks and some exceed them) and whether the
// commune lookup knows nothing or everything; the rest is the file. Beyond "no crash, no sanitizer
// report" it checks what must hold for any accepted input: every data line is kept, skipped or
// reported bad exactly once; reported bad lines are increasing; the FTE of the kept activities
// adds up to one per person and profession.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "rpps/extract.hpp"
#include "rpps/snapshot.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using namespace maillage::rpps;
  const std::uint8_t mode = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  ReadOptions o;
  o.block_bytes = std::size_t{256} << (mode % 9);
  o.max_reported_bad_lines = 100;
  if (mode & 0x80) {
    o.communes.known = [](std::string_view code) { return code[0] != '0'; };
    o.communes.by_postcode = [](std::string_view postcode) -> std::string_view {
      return postcode == "57000" ? "57463" : "";
    };
  }
  SnapshotBuilder b;
  std::int64_t last_line = 0;
  auto s = read_extract_text("fuzz.txt", text, o, [&](const Activity& a) {
    check(a.line > last_line);
    last_line = a.line;
    check(!a.rpps.empty() && !a.commune.empty() && !a.site.empty());
    check(valid_commune_code(a.commune));
    b.add(a);
  });
  if (!s) {
    check(s.error().line == 1);  // only the header is fatal
    return 0;
  }
  check(s->data_lines == s->activities + s->bad_lines + s->skipped_lines);
  check(s->bytes == text.size());
  for (std::size_t i = 1; i < s->bad.size(); ++i) check(s->bad[i].line > s->bad[i - 1].line);
  b.finish();
  double fte = 0;
  std::set<std::pair<std::uint32_t, std::uint32_t>> people;
  for (const Record& r : b.records()) {
    fte += r.fte;
    people.emplace(r.rpps, r.profession);
  }
  check(std::fabs(fte - static_cast<double>(people.size())) < 1e-6 * (1.0 + fte));
  return 0;
}
