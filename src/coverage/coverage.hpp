// The coverage engine: which units the CPTS territories cover, counted per area (EPCI,
// département, région, France) and per stage filter, the overlaps between territories, and the
// white zones (connected components of uncovered units). Pure: a référentiel and territories in,
// results out.
//
// Cost: Cover::compute is one pass over the territories' units; summaries are one pass over the
// area's units (summarize_all: one pass over France for every area of a kind); white zones are a
// BFS over the uncovered units. Nothing is quadratic in the number of territories.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "coverage/territory.hpp"
#include "coverage/units.hpp"

namespace maillage::coverage {

/// "Covered" counted for the territories whose stage is in `stages` (empty: every territory).
struct StageFilter {
  std::string id;     // "aci_signe"
  std::string label;  // "ACI signé"
  std::vector<std::string> stages;
};
inline constexpr std::size_t kMaxFilters = 32;

/// Which territories cover each unit. Holds a reference to the graph and copies of what it needs
/// from the territories; the graph must outlive it.
class Cover {
 public:
  /// Fails on an out-of-range commune index (naming the territory) or more than kMaxFilters
  /// filters.
  [[nodiscard]] static Result<Cover> compute(const UnitGraph& g,
                                             std::span<const Territory> territories,
                                             std::span<const StageFilter> filters);

  [[nodiscard]] const UnitGraph& graph() const { return *g_; }
  [[nodiscard]] std::size_t territory_count() const { return territory_population_.size(); }
  [[nodiscard]] std::size_t filter_count() const { return filter_count_; }
  /// Number of territories covering unit u.
  [[nodiscard]] std::uint32_t count(CommuneIndex u) const { return offsets_[u + 1] - offsets_[u]; }
  /// Territories (indices in the input span) covering u, increasing.
  [[nodiscard]] std::span<const std::uint32_t> territories_of(CommuneIndex u) const;
  /// Bit f set when a territory passing filter f covers u.
  [[nodiscard]] std::uint32_t mask(CommuneIndex u) const { return mask_[u]; }
  /// Covered by a territory passing `filter` (nullopt: by any territory).
  [[nodiscard]] bool covered(CommuneIndex u, std::optional<std::size_t> filter) const {
    return filter ? ((mask_[u] >> *filter) & 1U) != 0 : count(u) > 0;
  }
  /// Whether territory t passes `filter` (nullopt: always).
  [[nodiscard]] bool passes(std::uint32_t t, std::optional<std::size_t> filter) const {
    return !filter || ((territory_mask_[t] >> *filter) & 1U) != 0;
  }
  /// Units of territory t (expanded, sorted) and its whole population (all its units, in or out
  /// of any area).
  [[nodiscard]] std::span<const CommuneIndex> units_of(std::uint32_t t) const;
  [[nodiscard]] std::int64_t territory_population(std::uint32_t t) const {
    return territory_population_[t];
  }

 private:
  const UnitGraph* g_ = nullptr;
  std::size_t filter_count_ = 0;
  std::vector<std::uint32_t> mask_;     // per commune index
  std::vector<std::uint32_t> offsets_;  // unit → territories, CSR
  std::vector<std::uint32_t> list_;
  std::vector<std::uint32_t> territory_mask_;  // per territory
  std::vector<std::int64_t> territory_population_;
  std::vector<std::uint32_t> unit_offsets_;  // territory → units, CSR
  std::vector<CommuneIndex> unit_list_;
};

struct Count {
  std::int64_t communes = 0;
  std::int64_t population = 0;
  friend bool operator==(const Count&, const Count&) = default;
};

enum class AreaKind { france, region, departement, epci };

struct Area {
  AreaKind kind = AreaKind::france;
  std::string code;  // empty for France
};

/// The units of an area, sorted; not_found for an unknown code.
[[nodiscard]] Result<std::vector<CommuneIndex>> area_units(const UnitGraph& g, const Area& area);
/// "Moselle (57)", "CC du Saulnois", "France".
[[nodiscard]] std::string area_name(const UnitGraph& g, const Area& area);

struct AreaCoverage {
  Area area;
  std::string name;
  Count total;
  Count covered;                 // by at least one territory, whatever its stage
  std::vector<Count> by_filter;  // covered by a territory passing each filter, in filter order
  Count overlapping;             // covered by two territories or more
  [[nodiscard]] Count uncovered() const {
    return {total.communes - covered.communes, total.population - covered.population};
  }
  [[nodiscard]] Count uncovered(std::size_t filter) const {
    return {total.communes - by_filter[filter].communes,
            total.population - by_filter[filter].population};
  }
};

/// Coverage of one set of units (an area, or any selection). `area`/`name` are left empty.
[[nodiscard]] AreaCoverage summarize(const Cover& cover, std::span<const CommuneIndex> units);
/// Coverage of every area of a kind in one pass (France: one row), in the référentiel's order.
[[nodiscard]] std::vector<AreaCoverage> summarize_all(const Cover& cover, AreaKind kind);

struct OverlapPair {
  std::uint32_t a = 0, b = 0;  // territory indices, a < b
  std::vector<CommuneIndex> units;
  std::int64_t population = 0;
};
struct Overlaps {
  std::vector<CommuneIndex> units;  // covered by two territories or more
  std::int64_t population = 0;
  std::vector<OverlapPair> pairs;  // most populated first, then by (a, b)
};
/// Overlaps among the given units, counting only territories passing `filter`.
[[nodiscard]] Overlaps overlaps(const Cover& cover, std::span<const CommuneIndex> units,
                                std::optional<std::size_t> filter = std::nullopt);

/// Connected components of the units not covered by a territory passing `filter` (nullopt: not
/// covered at all), restricted to `units` (a zone is cut at the area's border), largest population
/// first, ties by smallest unit.
[[nodiscard]] std::vector<Piece> white_zones(const Cover& cover,
                                             std::span<const CommuneIndex> units,
                                             std::optional<std::size_t> filter = std::nullopt);

/// Everything a national dashboard shows, in one call: France, every région and département,
/// the white zones of France (under `white_zone_filter`) and the overlap pairs.
struct NationalCoverage {
  AreaCoverage france;
  std::vector<AreaCoverage> regions;
  std::vector<AreaCoverage> departements;
  std::vector<Piece> white_zones;
  Overlaps overlaps;
};
[[nodiscard]] Result<NationalCoverage> national_coverage(
    const UnitGraph& g, std::span<const Territory> territories,
    std::span<const StageFilter> filters,
    std::optional<std::size_t> white_zone_filter = std::nullopt);

}  // namespace maillage::coverage
