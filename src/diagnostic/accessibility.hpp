// Accessibility of every commune for the diagnostic: the APL-style E2SFCA of src/access over a
// set of communes given by their coordinates, with the supply in full-time equivalents turned
// into consultations so that the result reads in the DREES unit (consultations per inhabitant and
// year) and compares with the 2.5 under-served threshold.
//
// Catchment choice: the service runs this over ALL communes of France (the crow-fly pairs and the
// two passes take tens of milliseconds nationally, see src/access/README.md) once per RPPS
// snapshot and keeps the result. A territory's accessibility therefore counts the doctors of
// neighbouring communes outside the territory, and even outside its département or région, and the
// demand that competes for them, exactly as a national APL does; a territory-only or
// département-only run would under-state access at every border.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "access/decay.hpp"
#include "access/travel_times.hpp"
#include "common/error.hpp"

namespace maillage::diagnostic {

struct AccessParameters {
  std::string weights{access::kAplWeights};  ///< access::parse_decay() syntax
  double max_minutes = 20;                    ///< catchment
  double detour = 1.3;                        ///< crow-fly model: road / crow-fly distance
  double speed_kmh = 50;                      ///< crow-fly model: mean road speed
  /// Yearly consultations of one GP full-time equivalent. The DREES APL counts acts; the open
  /// RPPS extract has none, so FTE are converted with this factor: 5 400 is the convention of an
  /// ARS note (research/analytics.md §1.4), not a DREES figure, hence a parameter.
  double consultations_per_fte = 5400;
  unsigned threads = 1;

  /// The same parameters written for a report ("step:10=1,... ; 20 min ; 1.3 ; 50 km/h ; ...").
  [[nodiscard]] std::string describe() const;
};

struct AccessMap {
  std::vector<double> access;         ///< per location, consultations per inhabitant and year
  std::size_t pairs = 0;              ///< OD pairs inside the catchment
  double total_supply = 0;            ///< consultations
  double stranded_supply = 0;         ///< supply no demand can reach (reported, not dropped)
  std::vector<std::uint32_t> stranded_locations;
};

/// Runs E2SFCA over `points` with demand `population` and supply `fte` (one value per point).
/// Errors: invalid_input for bad parameters or inputs of different sizes.
[[nodiscard]] Result<AccessMap> compute_access_map(std::span<const access::GeoPoint> points,
                                                   std::span<const double> population,
                                                   std::span<const double> fte,
                                                   const AccessParameters& parameters);

}  // namespace maillage::diagnostic
