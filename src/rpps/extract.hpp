// Streaming reader of the RPPS open extract `PS_LibreAcces_Personne_activite_<ts>.txt` (Annuaire
// Santé, ANS): `|`-separated UTF-8 text, one header line naming 52 columns, every line ending with
// a trailing `|`. One line is one activity of one professional at one site.
//
// The reader works on large blocks (bounded memory: one buffer, lines longer than it are reported
// as bad), splits fields with memchr and hands string_views into its buffer to the callback, so
// nothing is allocated per line in the hot path. Lines it cannot use are reported with their
// number and a reason; the check "is this a known commune" is a lookup the caller provides.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace maillage::rpps {

// The 52 columns of Personne_activite in file order, as published (accents included). Headers
// are matched ASCII-case-insensitively (one published fixture writes "(coord. Structure)").
inline constexpr std::size_t kColumnCount = 52;
std::span<const std::string_view> column_names();

// The columns the reader keeps, by position in column_names().
enum class Column : std::uint8_t {
  type_identifiant = 0,  // Type d'identifiant PP: 8 = RPPS, 0 = ADELI
  identifiant = 1,       // Identifiant PP
  nom = 7,               // Nom d'exercice (not kept: names are not needed)
  code_profession = 9,
  libelle_profession = 10,
  code_savoir_faire = 15,
  libelle_savoir_faire = 16,
  code_mode_exercice = 17,  // L libéral, S salarié, B bénévole
  siret_site = 19,
  finess_site = 21,
  identifiant_structure = 23,  // Identifiant technique de la structure
  code_postal = 35,
  code_commune = 36,
  code_pays = 38,
  code_secteur = 48,  // Code secteur d'activité (SA05 centre de santé, SA07 cabinet...)
};

// One activity line, as views into the reader's buffer: valid only during the callback.
struct Activity {
  std::int64_t line = 0;  // 1-based line number in the file (the header is line 1)
  std::string_view type_identifiant;
  std::string_view rpps;  // Identifiant PP (11 digits for RPPS, 9 characters for ADELI)
  std::string_view profession_code;
  std::string_view profession_label;
  std::string_view savoir_faire_code;
  std::string_view savoir_faire_label;
  std::string_view mode_code;
  std::string_view secteur_code;
  // INSEE code of the commune of the site: "Code commune (coord. structure)", or when that is
  // empty the commune the caller's lookup gives for "Code postal (coord. structure)".
  std::string_view commune;
  bool commune_from_postcode = false;
  std::string_view postcode;
  std::string_view siret;
  std::string_view finess;
  // What identifies the site for the "once per site" rule: the technical structure id, else the
  // SIRET, else the FINESS, else the commune (see snapshot.hpp).
  std::string_view site;
};

enum class BadReason : std::uint8_t {
  column_count,        // not 52 fields (+ the trailing empty one)
  line_too_long,       // longer than the read buffer
  invalid_rpps,        // empty identifier, or not the shape of its type
  invalid_profession,  // empty or non-numeric profession code
  invalid_commune,     // commune code present but not a COG code (5 chars, 2A/2B for Corsica)
  invalid_postcode,    // commune empty and postcode not 5 digits
  unknown_commune,     // well-formed code (or postcode) the référentiel does not know
  invalid_utf8,        // bytes that are not UTF-8 in a field
  nul_byte,            // a NUL byte in a field
  count_
};
std::string_view bad_reason_id(BadReason r);     // "colonnes", "rpps", ... (stable, for JSON)
std::string_view bad_reason_label(BadReason r);  // French sentence for reports

struct BadLine {
  std::int64_t line = 0;
  BadReason reason = BadReason::column_count;
  std::string detail;  // French, names the field and the offending value (truncated)
};

// Lines that are not errors but carry no site in France: no address at all (the extract lists
// every registered professional, also those without a declared site), or a foreign address.
enum class SkipReason : std::uint8_t { no_address, abroad, count_ };

// The caller's view of the référentiel. Both may be empty functions: then every well-formed code
// is accepted and an empty commune with a postcode is a bad line (unknown_commune).
struct CommuneLookup {
  std::function<bool(std::string_view code)> known;
  // The commune to count a site under when only its postcode is known ("" when none). A postcode
  // may serve several communes: the caller decides (the service takes the most populated one).
  std::function<std::string_view(std::string_view postcode)> by_postcode;
};

struct ReadOptions {
  std::size_t block_bytes = std::size_t{4} << 20;  // read buffer (also the longest accepted line)
  std::size_t max_reported_bad_lines = 1000;       // details kept; counts are always complete
  CommuneLookup communes;
  std::function<void(std::uint64_t bytes_read)> progress;  // after each block
};

struct ReadSummary {
  std::string file;
  std::uint64_t bytes = 0;
  std::int64_t data_lines = 0;  // lines after the header (blank lines not counted)
  std::int64_t activities = 0;  // lines handed to the callback
  std::int64_t bad_lines = 0;
  std::int64_t skipped_lines = 0;
  std::array<std::int64_t, static_cast<std::size_t>(BadReason::count_)> bad_by_reason{};
  std::array<std::int64_t, static_cast<std::size_t>(SkipReason::count_)> skipped_by_reason{};
  std::int64_t from_postcode = 0;  // activities whose commune came from the postcode
  std::vector<BadLine> bad;        // the first max_reported_bad_lines, by line number
};

// Where the bytes come from: fills buf, returns the count (0 at the end) or an io_error.
using ByteSource = std::function<Result<std::size_t>(char* buf, std::size_t capacity)>;

// Reads a whole extract. A wrong or missing header is an error (parse_error naming the file, line
// 1 and the column); bad data lines are counted and reported, never fatal.
Result<ReadSummary> read_extract(const std::string& file_name, const ByteSource& source,
                                 const ReadOptions& options,
                                 const std::function<void(const Activity&)>& on_activity);
// Same, from a file on disk (io_error naming it when it cannot be opened or read).
Result<ReadSummary> read_extract_file(const std::string& path, const ReadOptions& options,
                                      const std::function<void(const Activity&)>& on_activity);
// Same, from text in memory (tests, fuzzing).
Result<ReadSummary> read_extract_text(const std::string& file_name, std::string_view text,
                                      const ReadOptions& options,
                                      const std::function<void(const Activity&)>& on_activity);

// Extract date from a published name "…Personne_activite_202511200000.txt" → "2025-11-20"
// (the 12-digit timestamp, checked for a plausible date); "" when the name carries none.
std::string extract_date_from_name(std::string_view file_name);

// Field shapes, exposed for the generator's tests.
bool valid_commune_code(std::string_view code);  // "57463", "2A004"
bool valid_postcode(std::string_view code);      // 5 digits

// General practitioner: profession 10 (médecin) with savoir-faire SM26 (qualifié en médecine
// générale), SM53 (spécialiste en médecine générale) or SM54 (médecine générale).
bool is_general_practitioner(std::string_view profession_code, std::string_view savoir_faire);

}  // namespace maillage::rpps
