// One accessibility run from file contents to the output table: what `maillage access compute`
// does between reading its files and writing its result, split in the stages it times.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/csv.hpp"
#include "access/decay.hpp"
#include "access/e2sfca.hpp"
#include "access/travel_times.hpp"
#include "common/error.hpp"

namespace maillage::access {

/// A file's name (for messages) and its content.
struct InputText {
  std::string name;
  std::string_view text;
};

struct RunInputs {
  InputText demand;                 ///< id,population
  InputText supply;                 ///< id,supply
  std::optional<InputText> od;      ///< origin,destination,minutes; or else
  std::optional<InputText> coords;  ///< id,lat,lon for the crow-fly model
  std::optional<InputText> age;     ///< id,<band>,... : age-standardised demand
};

struct RunOptions {
  std::string weights;                ///< parse_decay() syntax; empty = APL bands (apl_decay())
  std::optional<double> max_minutes;  ///< catchment; default from the weights
  Boundary boundary = Boundary::upper_inclusive;
  double detour = 1.3;                ///< crow-fly model
  double speed_kmh = 50;              ///< crow-fly model
  std::optional<double> self_minutes = 0.0;  ///< t_ii added to OD files that omit it
  std::string age_weights;            ///< parse_age_weights() syntax; required with an age file
  unsigned threads = 0;               ///< 0 = all cores
};

/// Everything parsed and checked, ready to compute.
struct PreparedRun {
  DemandTable demand;
  std::vector<double> population;  ///< P used by the computation (standardised with an age file)
  std::vector<double> supply;
  Decay decay;
  std::optional<OdTable> od;        ///< from the OD file
  std::vector<GeoPoint> points;     ///< from the coordinates file (when no OD file)
  CrowFlyModel model;
  bool standardised = false;
  Diagnostics diagnostics;
};

/// Parses and cross-checks the inputs ("read" stage). Exactly one of od / coords is needed.
[[nodiscard]] Result<PreparedRun> prepare_run(const RunInputs& inputs, const RunOptions& options);

struct RunOutput {
  AccessResult result;
  std::size_t pairs = 0;  ///< OD pairs inside the catchment that the computation used
};

/// Builds the crow-fly times when needed and computes the accessibility ("compute" stage).
[[nodiscard]] Result<RunOutput> compute_run(const PreparedRun& run);

/// What the user should know about a run, in French: one summary line, then warnings (input
/// problems, supply that no demand can reach).
[[nodiscard]] std::vector<std::string> run_report(const PreparedRun& run, const RunOutput& out);

}  // namespace maillage::access
