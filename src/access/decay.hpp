// Distance-decay weights w(t) of the floating catchment methods: APL step bands (E2SFCA), a single
// catchment (plain 2SFCA) and gravity weights. Same w in both passes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace maillage::access {

/// How a time exactly on a threshold is classed. Distanciers give whole minutes, so ties with the
/// 10/15/20-minute thresholds are frequent and the choice changes results.
enum class Boundary : std::uint8_t {
  /// t <= threshold belongs to the band ending at the threshold (PySAL `step_fn`): t = 10 gets the
  /// 0-10 weight, t = 20 is still inside a 20-minute catchment. The default.
  upper_inclusive,
  /// t < threshold (R `accessibility::decay_stepped`): t = 10 gets the 10-15 weight, and t = 20 is
  /// outside a 20-minute catchment.
  upper_exclusive,
};

enum class DecayKind : std::uint8_t {
  step,     ///< E2SFCA: a weight per time band
  uniform,  ///< plain 2SFCA: weight 1 inside the catchment
  gravity,  ///< w = (max(t, min) / scale)^-beta inside the catchment
};

struct StepBand {
  double upper_minutes = 0;  ///< band end; bands are listed by increasing end
  double weight = 0;         ///< weight of times after the previous end up to this one
};

/// A validated decay function. Build it with apl_decay() or parse_decay(); weight() assumes
/// validate() passed.
struct Decay {
  DecayKind kind = DecayKind::step;
  std::vector<StepBand> bands;  ///< step only
  Boundary boundary = Boundary::upper_inclusive;
  /// Catchment: times beyond it weigh 0 (under the same boundary rule). For step weights it is
  /// at most the last band end.
  double max_minutes = 20;
  double gravity_beta = 1;         ///< gravity only, >= 0
  double gravity_min_minutes = 1;  ///< gravity only: floor on t so that t = 0 stays finite, > 0
  double gravity_scale = 1;        ///< gravity only, > 0

  [[nodiscard]] Status validate() const;
  /// w(t) for t in minutes (t >= 0).
  [[nodiscard]] double weight(double minutes) const noexcept;
  /// True when t is inside the catchment.
  [[nodiscard]] bool within(double minutes) const noexcept {
    return boundary == Boundary::upper_inclusive ? minutes <= max_minutes : minutes < max_minutes;
  }
  /// The decay written back in the syntax parse_decay() reads (for logs and reports).
  [[nodiscard]] std::string describe() const;
};

/// The APL default: 0-10 min -> 1, 10-15 -> 2/3, 15-20 -> 1/3, beyond -> 0 (upper bounds
/// inclusive). These band weights are the widely quoted ones, not confirmed verbatim in DREES
/// texts (research/analytics.md §1.3): they are a default, not a constant.
[[nodiscard]] Decay apl_decay();
/// The same in parse_decay() syntax.
inline constexpr std::string_view kAplWeights = "step:10=1,15=2/3,20=1/3";

/// Parses a weight specification:
///   "step:10=1,15=0.6667,20=0.3333"   bands (end=weight), ends increasing; weights may be
///                                     fractions ("2/3"); default catchment = last end
///   "uniform" (or "2sfca")           plain 2SFCA, default catchment 20 minutes
///   "gravity:beta=1.5,min=1,scale=1" gravity weights, default catchment 20 minutes
/// `max_minutes`, when set, overrides the default catchment (for step it cannot extend it past the
/// last band, where the weight is 0 anyway). Errors are invalid_input with field "weights".
[[nodiscard]] Result<Decay> parse_decay(std::string_view spec,
                                        std::optional<double> max_minutes = std::nullopt,
                                        Boundary boundary = Boundary::upper_inclusive);

}  // namespace maillage::access
