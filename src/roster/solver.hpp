// The permanences solver: builds a roster that respects every hard rule of the model and
// minimises the weighted objective (requests, cover, fairness). Pure computation: no I/O, no
// global state; several solves may run at once.
//
// Search (details in README.md): every person's best schedule under given costs is computed
// exactly by a dynamic programme (row_dp.hpp). A restricted master over whole-person schedules
// (master.hpp: column generation with CLP priced by that programme, dives, CBC integer
// programmes) gives a proven lower bound and rosters; a large neighbourhood search frees a few
// people (over the whole horizon or a window of days) and re-plans them one after the other.
// Both exchange their best rosters. A run with an iteration limit is reproducible from its seed;
// a run cut by the time limit depends on machine speed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "roster/checker.hpp"
#include "roster/model.hpp"

namespace maillage::roster {

struct SolveOptions {
  double time_limit_seconds = 10.0;  ///< wall-clock budget, > 0
  std::uint64_t seed = 1;            ///< same seed + same iteration limit = same roster
  int threads = 2;                   ///< 1 or 2 search threads
  /// Stop after this many neighbourhood moves per thread (0: only the time limit). Tests use it
  /// to get results that do not depend on machine speed.
  std::int64_t max_iterations = 0;
  /// Stop as soon as the roster's objective is at most this value (e.g. a known optimum).
  std::int64_t target_objective = -1;
  /// Progress lines of the search (French), e.g. for a job log; called from the search threads,
  /// one call at a time per thread. Empty: none.
  std::function<void(const std::string&)> trace;
};

/// Why some cover stays unmet.
enum class OpenReason {
  no_one_qualified,  ///< nobody of the required profession
  no_one_available,  ///< everyone qualified is off or outside their availability that day
  limits_reached,    ///< those available would break a hard rule (caps, rest, successions...)
  busy_elsewhere,    ///< those available are needed on another shift that day
  cost_trade_off,    ///< someone could be added, but the solver found it costlier overall
};

struct OpenSlot {
  int cover = 0;    ///< index in Model::cover
  int day = 0;
  int shift = 0;
  int missing = 0;  ///< people missing
  OpenReason reason = OpenReason::no_one_available;
  std::string explanation;  ///< French, e.g. "Dr B : plafond mensuel atteint ; Dr C : repos après nuit"
};

struct SolveStats {
  std::int64_t iterations = 0;        ///< neighbourhood moves, all threads
  std::int64_t lagrangian_rounds = 0;  ///< master steps (column generation, dives, integer solves)
  double seconds = 0;
  int threads = 1;
};

struct Solution {
  Roster roster;
  std::int64_t objective = 0;    ///< as computed by the search (the checker recomputes it)
  std::int64_t lower_bound = 0;  ///< proven: no roster has a smaller objective
  bool optimal = false;          ///< objective == lower_bound
  std::vector<OpenSlot> open_slots;
  SolveStats stats;
};

/// Solves `model`. Errors: invalid model or options (invalid_input, with the field), or a person
/// for whom no schedule satisfies their own hard rules (invalid_input naming the person) — cover
/// shortfalls are never errors, they are reported in open_slots.
[[nodiscard]] Result<Solution> solve(const Model& model, const SolveOptions& options);

[[nodiscard]] const char* open_reason_name(OpenReason reason);

}  // namespace maillage::roster
