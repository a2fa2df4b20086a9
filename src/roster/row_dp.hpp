// Exact best schedule of ONE person given a cost per (day, choice): the work-horse of the search
// (best response of a person to everyone else's schedule, and the Lagrangian subproblem that
// yields the lower bound). Internal to src/roster; the checker does not use it.
//
// Every per-person hard rule is a finite-state rule over the days, except the per-type maxima.
// So the row problem is solved in two steps:
//  1. a backward dynamic programme over the "relaxed" state (last shift, length of the current run
//     of work or rest, whether that run touches day 0, rest owed after a night, minutes worked,
//     weekends worked, shifts in the current month) gives, for every day and state, the exact
//     minimum cost of finishing the horizon when the per-type maxima are ignored;
//  2. an A* search forward over the full state (relaxed state + counts of the types whose maximum
//     can bind) uses that cost-to-go as its heuristic. It is admissible and consistent, so the
//     first complete schedule taken from the queue is optimal; when no maximum can bind the
//     search walks straight down the optimal path.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "common/error.hpp"
#include "roster/model.hpp"

namespace maillage::roster::detail {

inline constexpr double kInfCost = 1e18;

/// Immutable after create(): one instance may serve several threads (solve() is const).
class RowDp {
 public:
  /// Builds the state space of `staff`. `exact_minutes`: keep exact minutes in the state even
  /// when no maximum needs it (the fairness term prices total minutes). Fails when the state
  /// space would be too large for this engine (reported to the caller as invalid input).
  /// `relaxed_target`: above this many relaxed states, weekend and monthly counters move to the
  /// A* (tests lower it to exercise that path).
  static Result<RowDp> create(const Model& model, int staff, bool exact_minutes,
                              long long relaxed_target = 40'000);

  /// Choices per day: shifts 0..S-1, then S = day off. costs[d * (S+1) + k]; kInfCost forbids.
  [[nodiscard]] int choices() const { return n_choice_; }
  /// Unit of the minutes index used by final costs (minutes = index * unit).
  [[nodiscard]] int minutes_unit() const { return unit_; }
  /// Number of minutes indices (final_cost vectors need that many entries).
  [[nodiscard]] int minutes_levels() const { return n_min_; }

  struct Outcome {
    double cost = kInfCost;           ///< optimal cost, kInfCost when no schedule is feasible
    double relaxed = kInfCost;        ///< lower bound from step 1 (equal to cost when exact)
    bool exact = false;               ///< false when the A* budget ran out (row left empty)
  };

  /// Best schedule for the costs; `final_cost` (optional, minutes_levels() entries) is added for
  /// the total minutes worked. `rng` breaks ties between equal schedules (none: lowest index).
  /// `budget`: maximum A* expansions before giving up.
  Outcome solve(const std::vector<double>& costs, const std::vector<double>* final_cost,
                std::vector<int>& row, std::mt19937_64* rng, std::size_t budget = 200000) const;

 private:
  RowDp() = default;
  // Relaxed-state field decoding / encoding.
  struct Fields {
    static constexpr std::size_t kMaxTypes = 6;
    int last = 0, run = 1, flag = 0, rest = 0, minutes = 0, weekends = 0, month = 0;
    int types[kMaxTypes] = {};  // counts of the per-type maxima kept in the relaxed state
  };
  [[nodiscard]] int encode(const Fields& f) const;
  [[nodiscard]] Fields decode(int state) const;
  // Applies choice k on day class `cls` to state `from` (-1: before day 0). -1 if forbidden.
  [[nodiscard]] int step(int from, int k, int cls, bool first_day) const;
  [[nodiscard]] bool final_ok(int state) const;
  // Counters kept by the A* (capped types, and weekends / monthly shifts when they were moved out
  // of the relaxed state) after choice k on `day`; -1 when a maximum would be exceeded.
  [[nodiscard]] std::int64_t add_resources(std::uint64_t counts, int prev_last, int k, int day) const;

  int days_ = 0, n_shift_ = 0, n_choice_ = 0;
  int unit_ = 1, n_min_ = 1, n_run_ = 1, n_rest_ = 1, n_week_ = 1, n_month_ = 1;
  int min_idx_ = 0;        // minutes index needed at the end
  bool exact_minutes_ = false;
  std::vector<int> len_idx_;   // shift length in units
  std::vector<char> forbidden_;  // [s * S + t]
  std::vector<char> night_;
  int min_work_ = 1, max_work_ = kNoLimit, min_off_ = 1, rest_after_night_ = 0;
  int max_weekends_ = kNoLimit, month_cap_ = kNoLimit;
  int n_states_ = 0;
  // Day classes: bit 0 = Saturday of a weekend, bit 1 = Sunday of a weekend, bit 2 = first day
  // of a month (not day 0); day_class_ holds each day's slot in the transition tables.
  std::vector<int> day_class_;
  std::vector<int> next_;   // [(cls * n_states + s) * n_choice + k], -1 = forbidden
  std::vector<int> first_;  // [cls * n_choice + k] state after day 0
  std::vector<char> final_ok_;
  std::vector<char> allowed_;  // [d * n_choice + k] person may take choice k on day d
  // Types whose maximum can bind: their shift index and maximum.
  std::vector<int> capped_type_, capped_max_;
  std::vector<int> capped_slot_;  // per shift: index in capped_type_ or -1
  std::vector<int> state_slot_;   // per shift: index in state_type_max_ or -1
  std::vector<int> state_type_max_;
  int weekend_res_max_ = -1, month_res_max_ = -1;  // >= 0 when counted by the A*
  int weekend_slot_ = -1, month_slot_ = -1;
  std::vector<std::uint64_t> radix_;
  std::vector<int> last_of_, minutes_of_;  // per relaxed state
  std::vector<int> class_bits_;  // day-class slot -> kSat/kSun/kMonth bits
};

}  // namespace maillage::roster::detail
