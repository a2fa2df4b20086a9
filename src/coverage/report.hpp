// The coverage table of a département as French text (what `maillage coverage --departement 57`
// prints): totals per stage filter, the EPCI of the département, overlaps, white zones and
// proposals. Pure: a Cover in, text out.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "coverage/coverage.hpp"

namespace maillage::coverage {

struct ReportOptions {
  std::int64_t min_population = 40'000;  // proposals
  std::size_t max_zones = 10;            // white zones listed (the others are counted)
  std::size_t max_proposals = 15;
  std::size_t max_names = 5;  // commune names shown per zone or overlap
};

/// `filters` are the ones the Cover was computed with (their labels head the rows); the EPCI
/// table shows the last filter, the most advanced stage by convention of rules/lifecycle.
/// not_found for an unknown département.
[[nodiscard]] Result<std::string> departement_report(const Cover& cover,
                                                     std::span<const Territory> territories,
                                                     std::span<const StageFilter> filters,
                                                     std::string_view departement,
                                                     const ReportOptions& options = {});

/// "1 046 543": thousands separated by a space.
[[nodiscard]] std::string format_int(std::int64_t v);
/// "97,4 %"; "—" when the total is zero.
[[nodiscard]] std::string format_percent(std::int64_t part, std::int64_t total);

}  // namespace maillage::coverage
