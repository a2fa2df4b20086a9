// Territories in and out as CSV files of INSEE codes. Import produces a preview — the communes
// found and a report naming every line with a problem — and saves nothing: the caller stores the
// territory only when the user confirms the preview.
//
// Accepted input: one INSEE code per line (optionally a header), or a header naming the code
// column (code_insee, insee, code, code_commune, codgeo, com, depcom) and optionally a territory
// column (territoire, cpts, territory) and a stage column (etape, stage, statut) for files holding
// several territories. Separator ',', ';' or tab (the header decides); UTF-8 BOM, CRLF, blank
// lines and double-quoted fields accepted. Per line:
//   - unknown code → error; malformed code → error;
//   - a 4-digit code ("1004", the leading zero lost by a spreadsheet) → completed ("01004"),
//   warning;
//   - a former commune (commune déléguée or associée) → replaced by its current commune when the
//     FormerCodes table knows it, warning;
//   - the same commune twice in one territory → kept once, warning naming the first line.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.hpp"
#include "coverage/territory.hpp"
#include "geo/referentiel.hpp"

namespace maillage::coverage {

/// A commune that no longer exists on its own: a commune déléguée or associée of a current
/// commune (its chef-lieu).
struct FormerCommune {
  std::string code;
  std::string nom;
  std::string kind;     // "commune-deleguee" or "commune-associee"
  std::string current;  // INSEE code of the current commune
};

class FormerCodes {
 public:
  void add(FormerCommune f);
  [[nodiscard]] const FormerCommune* find(std::string_view code) const;
  [[nodiscard]] std::size_t size() const { return by_code_.size(); }

 private:
  std::unordered_map<std::string, FormerCommune> by_code_;
};

/// Reads the former communes of @etalab/decoupage-administratif's data/communes.json: entries of
/// type commune-deleguee / commune-associee with a chefLieu, except those whose code is also a
/// current commune's (the chef-lieu often keeps its own code). Communes merged without keeping a
/// delegated commune are not in that file and stay unknown codes.
[[nodiscard]] Result<FormerCodes> parse_etalab_former_communes(std::string_view file,
                                                               std::string_view json);

enum class IssueKind {
  malformed_code,  // not an INSEE code
  unknown_code,    // not in the référentiel nor a known former commune
  padded_code,     // 4 digits completed with a leading zero
  former_code,     // replaced by its current commune
  duplicate,       // already listed for the same territory
  empty_name,      // territory column empty
  stage_conflict,  // two stages for one territory
  unknown_stage,   // not in ImportOptions::known_stages
  invalid_text,    // a NUL byte or bytes that are not UTF-8 in the territory name or stage
};
[[nodiscard]] std::string_view to_string(IssueKind k);

enum class Severity { warning, error };

struct ImportIssue {
  std::int64_t line = 0;
  std::string field;  // column name as in the header ("code_insee" without header)
  std::string value;
  IssueKind kind = IssueKind::unknown_code;
  Severity severity = Severity::error;
  std::string message;  // French, without the line: "code INSEE « 57999 » inconnu"
  [[nodiscard]] std::string describe(std::string_view file) const;  // "file:line: field: message"
};

struct ImportedTerritory {
  std::string name;
  std::string stage;
  std::vector<CommuneIndex> communes;  // in file order, no duplicates
  std::vector<std::int64_t> lines;     // line of each commune
};

struct TerritoryImport {
  std::string file;
  std::size_t rows = 0;                        // data lines read
  std::vector<ImportedTerritory> territories;  // in order of first appearance
  std::vector<ImportIssue> issues;             // in line order
  [[nodiscard]] std::size_t count(Severity s) const;
  /// An import with errors must not be confirmed as is.
  [[nodiscard]] bool has_errors() const { return count(Severity::error) > 0; }
  /// The first error as an Error (parse_error with file, line, field), for callers that refuse.
  [[nodiscard]] Status first_error() const;
};

struct ImportOptions {
  std::string default_name = "Territoire importé";  // when the file has no territory column
  std::string default_stage;                        // when it has no stage column
  std::vector<std::string> known_stages;            // empty: any stage accepted
  const FormerCodes* former = nullptr;              // nullptr: former codes are unknown codes
};

/// Fails only when the file as a whole cannot be read (empty, no code column in the header, a
/// quote left open); everything about individual lines goes to the report.
[[nodiscard]] Result<TerritoryImport> parse_territory_csv(const geo::Referentiel& ref,
                                                          std::string_view file,
                                                          std::string_view text,
                                                          const ImportOptions& options = {});

/// "code_insee,nom,population" then one line per commune (in the given order).
[[nodiscard]] std::string territory_csv(const geo::Referentiel& ref,
                                        std::span<const CommuneIndex> communes);
/// "territoire,etape,code_insee,nom" for several territories; parse_territory_csv reads it back.
[[nodiscard]] std::string territories_csv(const geo::Referentiel& ref,
                                          std::span<const Territory> territories);

}  // namespace maillage::coverage
