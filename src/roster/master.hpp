// Restricted master over whole-person schedules (Dantzig-Wolfe by person): price-and-branch.
//
// A roster chooses one schedule ("column") per person; the cover lines link them. The master LP
//   min Σ cost_j x_j + Σ_c (under_c u_c + over_c o_c)
//   s.t. Σ_{j of person i} x_j = 1 (dual μ_i),  Σ_j a_jc x_j + u_c − o_c = req_c (dual π_c)
// is solved with CLP over the columns found so far; the row programme (row_dp.hpp) prices every
// person exactly under the duals (cover lines cost −π_c), which adds the improving columns and
// gives a proven lower bound (LP value + Σ_i min(0, reduced cost_i)) at every round. The same
// columns, plus every row the local search sends, then form an integer programme solved by CBC
// (one column per person), started from the best known roster. Fairness, a non-negative term,
// is left out of the master: its rosters are re-evaluated by the caller, and its bound stays valid.
//
// CLP and CBC stay inside master.cpp (their headers are heavy and this header is included by
// the search only). Internal to src/roster.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "roster/model.hpp"
#include "roster/problem.hpp"

namespace maillage::roster::detail {

class Master {
 public:
  explicit Master(const Problem& p);
  ~Master();
  Master(const Master&) = delete;
  Master& operator=(const Master&) = delete;

  /// Adds person i's schedule as a column; false when it is already in the pool.
  bool add_row(int i, const std::vector<int>& row);
  /// Adds every row of a roster.
  void add_roster(const Roster& r);

  struct Round {
    double lp = 0;          ///< LP value over the current pool (before the new columns)
    double bound = 0;       ///< proven lower bound on any roster's cover + request cost
    int added = 0;          ///< columns added
    bool converged = false; ///< no improving column: the LP value is the bound of the full LP
    bool ok = true;         ///< false when the LP solver failed (the pool is left as it was)
  };
  /// One column-generation round: solve the LP, price every person, add improving columns.
  /// `smoothing` in [0, 1): weight of the best-bound duals mixed into the LP duals (stabilisation).
  /// Pricing may stop early once max(kPartialMin, people / kPartialShare) improving columns are
  /// found; `converged` and the bound come from complete passes only.
  Round round(std::mt19937_64& rng, double smoothing);

  struct Integer {
    bool found = false;     ///< a roster at least as good as the start was found
    Roster roster;
    std::int64_t objective = 0;  ///< cover + request cost of `roster`
    double bound = 0;       ///< CBC's bound over the pool (not a bound on the full problem)
    bool proven = false;    ///< optimal over the pool
  };
  /// Solves the pool as an integer programme (CBC), from `start` (its rows are added to the pool
  /// first) when given. Stops after `seconds` or `nodes` branch-and-bound nodes, whichever first.
  /// `stop`, when set during the solve, interrupts it (another thread reached the optimum).
  Integer solve_integer(double seconds, int nodes, const Roster* start, const std::atomic<bool>* stop);

  struct Dive {
    enum class Status { running, complete, pruned, failed } status = Status::running;
    Roster roster;               ///< when complete
    std::int64_t objective = 0;  ///< cover + request cost of `roster`
  };
  /// One step of a dive (a primal heuristic with column generation): a column-generation round
  /// under the cells fixed so far; once the LP is solved (or after a few rounds), it is complete
  /// when the LP is integral, else the heaviest fractional (person, day, choice) cells are fixed
  /// (that person works that shift, or rests, that day). A dive whose LP cannot beat
  /// `cutoff` stops (pruned); a complete one returns its roster. The next call starts a new dive.
  Dive dive_step(std::mt19937_64& rng, double cutoff, bool randomise);
  /// Frees everyone fixed by a dive.
  void reset_dive();

  [[nodiscard]] int columns() const;
  [[nodiscard]] double best_bound() const;

 private:
  static constexpr int kPartialMin = 4, kPartialShare = 3, kPartialStreak = 3;
  static constexpr int kRoundsPerFixing = 4;    // LP rounds before fixing even if not converged
  static constexpr double kFixAtOnce = 0.9;     // cells at least this heavy are fixed together
  void fix(int i, int d, int choice);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace maillage::roster::detail
