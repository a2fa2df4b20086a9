// Proposals to close white zones: candidate territories and attachments, computed for a map and
// never applied without a user's action (the caller only shows them).
//
// Algorithm, per white zone of the area (connected uncovered units, see white_zones):
//  1. A zone of at least `min_population` is cut into contiguous candidate territories by greedy
//     region growing: the seed is the most populated unassigned unit (the local pole; ties: the
//     smallest index); the group grows by the frontier unit nearest to the seed (equirectangular
//     distance between commune points; ties: the smallest index) until it reaches
//     `min_population`. What is left of the zone splits into connected pieces; each piece of at
//     least `min_population` is cut the same way, each smaller piece is set aside.
//  2. A piece set aside always touches a group cut from the same zone (the zone was connected).
//     Pieces are merged, largest first, into the adjacent group with the smallest population at
//     that moment — the choice that keeps the group sizes most even — so every group stays
//     contiguous and above the minimum.
//  3. A zone below `min_population` is attached to the adjacent territory (one covering a unit
//     next to the zone and passing the filter) with the smallest population after the
//     attachments already proposed, zones taken largest first: adding p inhabitants to a
//     territory of t inhabitants raises the sum of squared sizes by 2tp + p², smallest for the
//     smallest t, which keeps sizes most even. A zone with no adjacent territory (an island, a
//     département of white zones) is proposed on its own, flagged as below the minimum.
// Invariants (tested): every uncovered unit of the area is in exactly one proposal; every
// proposal is contiguous and holds no covered unit; a new territory reaches the minimum; an
// attachment touches its territory.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "coverage/coverage.hpp"

namespace maillage::coverage {

struct ProposalSettings {
  std::int64_t min_population = 40'000;  // the T1/T2 boundary: below it an ACI is hard to fund
  /// Uncovered means not covered by a territory passing this filter (nullopt: by any territory).
  /// Attachments go only to territories passing it.
  std::optional<std::size_t> filter;
};

enum class ProposalKind {
  new_territory,  // a contiguous candidate territory of at least min_population
  attach,         // add the zone to an adjacent territory
  isolated,       // below min_population with no adjacent territory
};
[[nodiscard]] std::string_view to_string(ProposalKind k);

struct Proposal {
  ProposalKind kind = ProposalKind::new_territory;
  std::vector<CommuneIndex> units;  // sorted
  std::int64_t population = 0;
  std::size_t zone = 0;  // index in white_zones(cover, units, settings.filter)
  // attach only: the territory (index in the Cover's input) and its population before and after
  // this proposal (earlier attachments to it included).
  std::optional<std::uint32_t> territory;
  std::int64_t territory_population_before = 0;
  std::int64_t territory_population_after = 0;
};

/// Proposals for the white zones among `units` (an area), new territories first (by population,
/// largest first), then attachments and isolated zones in the order they were decided.
[[nodiscard]] Result<std::vector<Proposal>> propose(const Cover& cover,
                                                    std::span<const CommuneIndex> units,
                                                    const ProposalSettings& settings);

}  // namespace maillage::coverage
