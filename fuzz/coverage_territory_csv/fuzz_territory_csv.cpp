// libFuzzer target for the territory CSV importer: any input gives a report or a whole-file error
// naming the file, never a crash; every line of the report names a line of the input; the
// communes found export and read back to the same communes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "coverage/territory_csv.hpp"

namespace {

using maillage::geo::Referentiel;

// Five communes of two départements with a city and one arrondissement: enough for every branch
// of the importer (known, unknown, 4-digit, former, arrondissement codes).
const Referentiel& referentiel() {
  static const Referentiel ref = [] {
    Referentiel r;
    auto commune = [](const char* code, const char* nom, const char* dep, std::int64_t pop) {
      maillage::geo::Commune c;
      c.code = code;
      c.nom = nom;
      c.departement = dep;
      c.region = "44";
      c.population = pop;
      c.position = {49.0, 6.0};
      return c;
    };
    r.communes = {commune("01004", "Ambérieu-en-Bugey", "01", 14000),
                  commune("57463", "Metz", "57", 120000),
                  commune("57480", "Montigny-lès-Metz", "57", 21000),
                  commune("75056", "Paris", "75", 2100000),
                  commune("75101", "Paris 1er Arrondissement", "75", 16000)};
    r.communes.back().arrondissement = true;
    r.communes.back().parent = "75056";
    r.departements = {{"01", "Ain", "84", {0}}, {"57", "Moselle", "44", {1, 2}},
                      {"75", "Paris", "11", {3}}};
    r.neighbour_offsets = {0, 0, 1, 2, 2, 2};
    r.neighbour_list = {2, 1};
    r.cells.resize(r.communes.size());
    r.index();
    return r;
  }();
  return ref;
}

const maillage::coverage::FormerCodes& former() {
  static const maillage::coverage::FormerCodes f = [] {
    maillage::coverage::FormerCodes codes;
    codes.add({"57001", "Ancienne commune", "commune-deleguee", "57463"});
    return codes;
  }();
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  maillage::coverage::ImportOptions options;
  options.former = &former();
  options.known_stages = {"emergence", "aci_signe"};
  auto import = maillage::coverage::parse_territory_csv(referentiel(), "fuzz.csv", text, options);
  if (!import) {
    if (import.error().file != "fuzz.csv") __builtin_trap();
    return 0;
  }
  for (const auto& issue : import->issues) {
    if (issue.line < 1) __builtin_trap();
  }
  for (const auto& t : import->territories) {
    if (t.communes.size() != t.lines.size()) __builtin_trap();
    for (auto c : t.communes) {
      if (c >= referentiel().communes.size()) __builtin_trap();
    }
    // Export, read back: the same communes in the same order, without a single issue.
    const auto csv = maillage::coverage::territory_csv(referentiel(), t.communes);
    auto back = maillage::coverage::parse_territory_csv(referentiel(), "back.csv", csv);
    if (!back || !back->issues.empty() || back->territories.size() != (t.communes.empty() ? 0U : 1U)) {
      __builtin_trap();
    }
    if (!t.communes.empty() && back->territories[0].communes != t.communes) __builtin_trap();
  }
  return 0;
}
