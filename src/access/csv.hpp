// Readers for the CSV inputs of an accessibility run and the writer of its output. They parse a
// text buffer (the caller reads the file) and name file, line and column in every error.
//
// Common rules: a header line names the columns (any order, case-insensitive, extra columns
// ignored; "code" is accepted for "id" so the référentiel export can be used as is). The separator
// is ',' unless the header has ';' and no ',' (then ',' is also the decimal mark), or tabs only.
// A UTF-8 BOM, CRLF line ends, blank lines and double-quoted fields ("" for a quote) are accepted.
// Numbers are finite decimals; negative values are errors. Ids are compared exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "access/age.hpp"
#include "access/decay.hpp"
#include "access/location_index.hpp"
#include "access/travel_times.hpp"
#include "common/error.hpp"

namespace maillage::access {

/// A problem in an input that does not stop the run (shown to the user, in French).
struct Warning {
  std::string file;
  std::int64_t line = 0;  ///< 0 when it concerns the whole file
  std::string message;
  [[nodiscard]] std::string describe() const;  ///< "file:line: message"
};

/// Warnings of a run, at most kMaxKept kept (the rest counted), so that a file with a million bad
/// lines does not produce a million messages.
struct Diagnostics {
  static constexpr std::size_t kMaxKept = 100;
  std::vector<Warning> warnings;
  std::size_t suppressed = 0;
  void warn(std::string file, std::int64_t line, std::string message);
};

/// The demand file `id,population`: it defines the locations of the run, in file order.
/// Errors: missing column, empty or duplicate id, bad or negative number, no data line.
struct DemandTable {
  LocationIndex locations;
  std::vector<double> population;  ///< P_i, by location
};
[[nodiscard]] Result<DemandTable> parse_demand_csv(std::string_view text, std::string_view file);

/// The supply file `id,supply`: S_j by location, 0 for locations it does not list.
/// Errors: an id unknown to the demand file (its supply would silently vanish from the totals),
/// a duplicate id (aggregate the lines first), a bad or negative number.
[[nodiscard]] Result<std::vector<double>> parse_supply_csv(std::string_view text,
                                                           std::string_view file,
                                                           const LocationIndex& locations);

struct OdOptions {
  double max_minutes = 20;  ///< lines beyond the catchment are dropped (counted)
  Boundary boundary = Boundary::upper_inclusive;
  /// t_ii for locations whose (i, i) line is absent; nullopt adds none. Most distanciers omit
  /// the intra-commune time, and 0 (weight 1) is the usual choice (analytics.md §1.3).
  std::optional<double> self_minutes = 0.0;
  /// Threads reading the text (0 = all cores): with more than one, the text is cut at line ends
  /// into 4 parts per thread, handed out in order, and the table is assembled by origin ranges,
  /// one per thread. The result does not depend on the thread count.
  unsigned threads = 1;
  /// Smallest part worth a thread (below it, starting threads costs more than it saves; the
  /// assembly's ranges hold at least min_part_bytes / 16 pairs); tests and the fuzzer lower it
  /// to cut small texts.
  std::size_t min_part_bytes = 65536;
};

struct OdTable {
  TravelTimes times;
  std::size_t rows = 0;              ///< data lines read
  std::size_t beyond_catchment = 0;  ///< lines dropped as outside the catchment
  std::size_t unknown = 0;           ///< lines dropped as naming an id unknown to the demand file
  std::size_t self_added = 0;        ///< (i, i) pairs added with OdOptions::self_minutes
};

/// The OD file `origin,destination,minutes` (origin = demand, destination = supply).
/// Lines naming an unknown id are skipped with one summary warning (a national distancier serves
/// a département run). Errors: bad or negative minutes, the same pair on two kept lines.
[[nodiscard]] Result<OdTable> parse_od_csv(std::string_view text, std::string_view file,
                                           const LocationIndex& locations, const OdOptions& options,
                                           Diagnostics& diagnostics);

/// The same reader without its hot path: one thread, every line split by the general splitter and
/// its number read by parse_decimal(). It defines what parse_od_csv() must return (the tests and
/// the fuzzer compare them) and is the baseline of bench/access.
[[nodiscard]] Result<OdTable> parse_od_csv_reference(std::string_view text, std::string_view file,
                                                     const LocationIndex& locations,
                                                     const OdOptions& options,
                                                     Diagnostics& diagnostics);

/// The coordinates file `id,lat,lon` (degrees WGS84; "latitude"/"longitude" accepted).
/// Lines for unknown ids are skipped with one summary warning. Errors: a demand location without
/// coordinates, a duplicate id, a latitude outside [-90, 90] or longitude outside [-180, 180].
[[nodiscard]] Result<std::vector<GeoPoint>> parse_coords_csv(std::string_view text,
                                                             std::string_view file,
                                                             const LocationIndex& locations,
                                                             Diagnostics& diagnostics);

/// The age table `id,<band>,<band>,...`: every column but the id is an age band whose values are
/// populations (e.g. `id,0-14,15-29,30-44,45-59,60-74,75-89,90+` from INSEE's base-cc tables).
/// Lines for unknown ids are skipped with one summary warning. Errors: a demand location without
/// a line, a duplicate id, no band column, a bad or negative number.
[[nodiscard]] Result<AgeTable> parse_age_csv(std::string_view text, std::string_view file,
                                             const LocationIndex& locations,
                                             Diagnostics& diagnostics);

/// The output `id,access`, one line per location in order, numbers in shortest round-trip form.
[[nodiscard]] std::string format_access_csv(const LocationIndex& locations,
                                            std::span<const double> access);

}  // namespace maillage::access
