// Travel times between locations, kept sparse: only the pairs inside the catchment. They come
// from a user OD file (csv.hpp) or from the crow-fly model below.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "access/location_index.hpp"
#include "common/error.hpp"

namespace maillage::access {

/// Pairs (origin i = demand location, destination j = supply location) with their time t_ij in
/// minutes, in CSR form by origin: the destinations of origin i are
/// destinations[offsets[i] .. offsets[i + 1]) with times minutes[same range]. Order inside an
/// origin's range is unspecified; a pair appears at most once.
struct TravelTimes {
  std::vector<std::uint32_t> offsets{0};  ///< locations + 1 entries
  std::vector<LocationId> destinations;
  std::vector<double> minutes;

  [[nodiscard]] std::size_t locations() const noexcept {
    return offsets.empty() ? 0 : offsets.size() - 1;
  }
  [[nodiscard]] std::size_t pairs() const noexcept { return destinations.size(); }
  /// Checks the CSR shape for `location_count` locations: offsets monotone and in range, ids in
  /// range, times finite and >= 0, no pair twice. O(pairs).
  [[nodiscard]] Status validate(std::size_t location_count) const;
};

/// One (origin, destination, minutes) triple, for building TravelTimes from a list.
struct OdPair {
  LocationId origin = 0;
  LocationId destination = 0;
  double minutes = 0;
};

/// Builds the CSR from pairs in any order (kept in input order inside an origin). Pairs must be
/// unique and in range (validate() afterwards if they come from outside). O(pairs + locations).
[[nodiscard]] TravelTimes travel_times_from_pairs(std::size_t location_count,
                                                  std::span<const OdPair> pairs);

struct GeoPoint {
  double lat = 0;  ///< degrees, WGS84
  double lon = 0;  ///< degrees
};

/// Mean Earth radius (IUGG), km.
inline constexpr double kEarthRadiusKm = 6371.0088;

/// Great-circle (haversine) distance in km.
[[nodiscard]] double haversine_km(GeoPoint a, GeoPoint b) noexcept;

/// The road-less travel time model (research/analytics.md §5):
/// t_ij = 60 · detour · d_crow(i, j) / speed_kmh, with t_ii = 0.
struct CrowFlyModel {
  double detour = 1.3;       ///< circuity factor (road distance / crow-fly distance), >= 1
  double speed_kmh = 50;     ///< mean road speed, > 0
  double max_minutes = 20;   ///< only pairs with t <= max_minutes are generated
  unsigned threads = 0;      ///< worker threads; 0 = hardware concurrency

  [[nodiscard]] Status validate() const;
};

/// Generates every pair (i, j) with t_ij <= max_minutes from the points, using a latitude-strip
/// index so that only nearby pairs are looked at (O(n · neighbours), not O(n²)). Origins are all
/// points; destinations are the points with destination_mask[j] set (all when the mask is empty:
/// pass "has supply" to skip pairs that cannot matter). The result does not depend on `threads`.
/// Errors: invalid_input for a bad model, a mask of the wrong size or a coordinate out of range.
[[nodiscard]] Result<TravelTimes> crow_fly_times(std::span<const GeoPoint> points,
                                                 const CrowFlyModel& model,
                                                 std::span<const std::uint8_t> destination_mask = {});

}  // namespace maillage::access
