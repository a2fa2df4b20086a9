// Search for solve(): preparation, restricted master steps, large neighbourhood search, thread sync and
// open-slot explanations. See solver.hpp for the outline and README.md for the reasoning.
#include "roster/solver.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "roster/master.hpp"
#include "roster/problem.hpp"
#include "roster/row_dp.hpp"

namespace maillage::roster {

const char* open_reason_name(OpenReason reason) {
  switch (reason) {
    case OpenReason::no_one_qualified: return "personne de la profession requise";
    case OpenReason::no_one_available: return "personne de disponible";
    case OpenReason::limits_reached: return "plafonds ou règles de repos atteints";
    case OpenReason::busy_elsewhere: return "disponibles déjà affectés ailleurs";
    case OpenReason::cost_trade_off: return "arbitrage de coût";
  }
  return "?";
}

namespace {

using detail::kInfCost;
using detail::RowDp;
using detail::Problem;
using detail::prepare;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// One search state: the roster, cover counts and the objective kept up to date incrementally.
class State {
 public:
  explicit State(const Problem& p)
      : p_(&p), rows_(p.N, std::vector<int>(p.D, kOff)), count_(p.req.size(), 0), minutes_(p.N, 0) {
    for (std::size_t c = 0; c < p.req.size(); ++c) cost_ += p.cover_cost(static_cast<int>(c), 0);
    for (int i = 0; i < p.N; ++i)
      for (int d = 0; d < p.D; ++d) cost_ += static_cast<std::int64_t>(p.base[i][d * p.C + p.S]);
    refresh_fairness();
  }

  [[nodiscard]] std::int64_t total() const { return cost_ + fairness_; }
  [[nodiscard]] const Roster& roster() const { return rows_; }
  [[nodiscard]] const std::vector<int>& row(int i) const { return rows_[i]; }
  [[nodiscard]] const std::vector<int>& counts() const { return count_; }

  // Replaces person i's row, updating counts and the objective. Fairness is refreshed lazily.
  void set_row(int i, const std::vector<int>& row) {
    apply(i, -1);
    rows_[i] = row;
    apply(i, +1);
    fairness_dirty_ = true;
  }
  void refresh_fairness() {
    fairness_dirty_ = false;
    if (p_->weight == 0) {
      fairness_ = 0;
      return;
    }
    double sum = 0;
    for (const auto& members : p_->groups) {
      double hours = 0, avail = 0, sq = 0;
      for (int i : members) {
        const double h = static_cast<double>(minutes_[i]) / 60.0;
        hours += h;
        avail += p_->avail_days[i];
        sq += h * h / p_->avail_days[i];
      }
      sum += sq - hours * hours / avail;
    }
    fairness_ = std::llround(static_cast<double>(p_->weight) * std::max(0.0, sum));
  }
  [[nodiscard]] bool fairness_dirty() const { return fairness_dirty_; }

  // Costs of each choice for person i given everyone else (row i's own contribution removed).
  void marginal_costs(int i, std::vector<double>& costs) const {
    const Problem& p = *p_;
    costs = p.base[i];
    const auto& off = p.line_off[i];
    const auto& idx = p.line_idx[i];
    for (int d = 0; d < p.D; ++d)
      for (int s = 0; s < p.S; ++s) {
        const int x = d * p.S + s;
        double add = 0;
        for (int e = off[x]; e < off[x + 1]; ++e) {
          const int c = idx[e];
          const int n = count_[c] - (rows_[i][d] == s ? 1 : 0);
          add += static_cast<double>(p.cover_cost(c, n + 1) - p.cover_cost(c, n));
        }
        costs[d * p.C + s] += add;
      }
  }
  // Fairness cost of person i's total minutes, everyone else fixed (empty when no fairness).
  void fairness_costs(int i, std::vector<double>& fc) const {
    const Problem& p = *p_;
    fc.clear();
    if (p.weight == 0 || p.group_of[i] < 0) return;
    double others = 0, avail = 0;
    for (int j : p.groups[p.group_of[i]]) {
      avail += p.avail_days[j];
      if (j != i) others += static_cast<double>(minutes_[j]) / 60.0;
    }
    const RowDp& dp = p.dp[i];
    fc.resize(dp.minutes_levels());
    for (int l = 0; l < dp.minutes_levels(); ++l) {
      const double h = static_cast<double>(l) * dp.minutes_unit() / 60.0;
      fc[l] = static_cast<double>(p.weight) * (h * h / p.avail_days[i] - (others + h) * (others + h) / avail);
    }
  }

 private:
  void apply(int i, int sign) {
    const Problem& p = *p_;
    const auto& r = rows_[i];
    for (int d = 0; d < p.D; ++d) {
      const int s = r[d];
      const int k = s == kOff ? p.S : s;
      cost_ += sign * static_cast<std::int64_t>(p.base[i][d * p.C + k]);
      if (s == kOff) continue;
      minutes_[i] += sign * p.minutes[s];
      const int x = d * p.S + s;
      for (int e = p.line_off[i][x]; e < p.line_off[i][x + 1]; ++e) {
        const int c = p.line_idx[i][e];
        const int n = count_[c];
        count_[c] += sign;
        cost_ += p.cover_cost(c, count_[c]) - p.cover_cost(c, n);
      }
    }
  }

  const Problem* p_;
  Roster rows_;
  std::vector<int> count_;
  std::vector<long long> minutes_;
  std::int64_t cost_ = 0;
  std::int64_t fairness_ = 0;
  bool fairness_dirty_ = false;
};

// ---------------------------------------------------------------------------------------------
// Shared between the threads; written in the barrier's completion step (runs bounded by
// iterations) or under a mutex (runs bounded by time).
struct Shared {
  Roster best;
  std::int64_t best_objective = std::numeric_limits<std::int64_t>::max();
  std::int64_t lower_bound = 0;
  std::atomic<bool> stop{false};
  std::int64_t iterations = 0;
  std::int64_t master_rounds = 0;
};

struct WorkerResult {
  Roster best;
  std::int64_t best_objective = std::numeric_limits<std::int64_t>::max();
  std::int64_t lower_bound = 0;
  std::int64_t iterations = 0;
  std::int64_t master_rounds = 0;  // column-generation rounds and integer solves
  std::optional<Error> error;
};

class Worker {
 public:
  Worker(const Problem& p, const SolveOptions& o, Clock::time_point start, Clock::time_point deadline, int index,
         bool master, const std::atomic<bool>* stop)
      : p_(p), opt_(o), start_(start), deadline_(deadline),
        rng_(o.seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(index) * 7919 + 1), cur_(p),
        master_on_(master), stop_(stop) {
    history_.assign(kHistory, std::numeric_limits<std::int64_t>::max());
  }

  WorkerResult& result() { return res_; }

  // Builds a first roster: everyone's best response, in random order, twice.
  bool construct() {
    std::vector<int> order(p_.N);
    for (int i = 0; i < p_.N; ++i) order[i] = i;
    for (int pass = 0; pass < 2; ++pass) {
      std::shuffle(order.begin(), order.end(), rng_);
      for (int i : order) {
        if (!best_response(i, pass == 0)) return false;
      }
    }
    cur_.refresh_fairness();
    note_current();
    constructed_ = true;
    history_.assign(kHistory, cur_.total());
    return true;
  }

  // One quantum of work between two synchronisations: a step of the restricted master when this
  // worker runs it, then LNS moves (when `lns_too`, or always for a worker without the master).
  void quantum(std::int64_t lns_moves, bool lns_too) {
    if (!constructed_) {
      if (!construct()) return;
    }
    if (master_on_) {
      master_step();
      if (!lns_too) return;
    }
    // Taking turns with the master under a time limit: the LNS gets about as long as a master
    // step (200 moves can take seconds on the larger instances and would starve the master).
    const bool share = master_on_ && opt_.max_iterations == 0;
    const auto until = Clock::now() + std::chrono::milliseconds(300);
    for (std::int64_t it = 0; it < lns_moves && !timed_out(); ++it) {
      if (share && Clock::now() >= until) break;
      lns_move();
    }
  }

  // Takes the shared best roster when it is better than this worker's best.
  void adopt(const Shared& sh) {
    if (sh.best.empty() || sh.best_objective >= res_.best_objective) return;
    for (int i = 0; i < p_.N; ++i) cur_.set_row(i, sh.best[i]);
    cur_.refresh_fairness();
    constructed_ = true;
    note_current();
    history_.assign(kHistory, cur_.total());
  }

 private:
  // Search settings, chosen on instances 5-7 of the benchmark (differences between nearby values
  // were within run-to-run noise).
  static constexpr int kHistory = 60;     // late-acceptance list length
  static constexpr int kWinK = 8;         // people freed by a window move, at most
  static constexpr int kWinLen = 14;      // window length in days, at most
  static constexpr int kFullK = 5;        // people freed over the whole horizon, at most
  static constexpr int kRounds = 2;       // re-planning rounds over the freed people
  static constexpr int kWinPct = 40;      // share of window moves among untargeted moves
  static constexpr int kTargetPct = 40;   // share of moves aimed at a badly covered slot
  static constexpr int kTargetHalf = 4;   // half-width of their window, at most

  bool timed_out() const { return Clock::now() >= deadline_; }

  void note_current() {
    if (cur_.total() < res_.best_objective) {
      res_.best_objective = cur_.total();
      res_.best = cur_.roster();
    }
  }

  // Replaces person i's row by its exact best response; false (with error set) when the person has
  // no feasible schedule at all.
  bool best_response(int i, bool first) {
    cur_.marginal_costs(i, costs_);
    cur_.fairness_costs(i, fc_);
    auto out = p_.dp[i].solve(costs_, fc_.empty() ? nullptr : &fc_, row_, &rng_);
    if (out.cost >= kInfCost / 2 && out.exact) {
      res_.error = Error{ErrorCode::invalid_input,
                         "aucun planning ne respecte les règles de « " + p_.m->staff[i].id +
                             " » (jours de repos, durées minimales et maximales, plafonds incompatibles)",
                         "staff[" + std::to_string(i) + "]", {}, 0};
      return false;
    }
    if (!out.exact) {
      if (!first) return true;  // keep the current row
      // No schedule within the search budget under these costs: look for any feasible one.
      std::vector<double> zero(costs_.size(), 0.0);
      out = p_.dp[i].solve(zero, nullptr, row_, nullptr, 5'000'000);
      if (!out.exact || out.cost >= kInfCost / 2) {
        res_.error = Error{ErrorCode::invalid_input,
                           "le solveur n'a pas trouvé de planning respectant les règles de « " +
                               p_.m->staff[i].id + " »",
                           "staff[" + std::to_string(i) + "]", {}, 0};
        return false;
      }
    }
    cur_.set_row(i, row_);
    return true;
  }

  // Large neighbourhood move: free a few people (whole horizon, or a window of days for more
  // people), re-plan them one by one with the exact row programme, then accept or undo (late
  // acceptance hill climbing).
  void lns_move() {
    ++res_.iterations;
    const std::int64_t before = cur_.total();
    std::uniform_int_distribution<int> coin(0, 99);
    bool window = p_.N > 1 && coin(rng_) < kWinPct;
    int k, a = 0, b = p_.D - 1;
    picked_.clear();
    const int bad = coin(rng_) < kTargetPct ? pick_bad_cover() : -1;
    if (bad >= 0 && p_.N > 1) {
      // Targeted: a window around a slot with too few or too many people, and people who could
      // take it or who hold it.
      window = true;
      const auto& cv = p_.m->cover[bad];
      const int half = std::uniform_int_distribution<int>(1, kTargetHalf)(rng_);
      a = std::max(0, cv.day - half);
      b = std::min(p_.D - 1, cv.day + half);
      k = std::uniform_int_distribution<int>(2, std::min(p_.N, kWinK))(rng_);
      std::vector<int> cand;
      for (int i = 0; i < p_.N; ++i)
        if (cv.profession.empty() || cv.profession == p_.m->staff[i].profession) cand.push_back(i);
      std::shuffle(cand.begin(), cand.end(), rng_);
      for (int i : cand) {
        if (static_cast<int>(picked_.size()) >= k) break;
        picked_.push_back(i);
      }
      for (int i = 0; static_cast<int>(picked_.size()) < k && i < p_.N; ++i) {
        const int j = std::uniform_int_distribution<int>(0, p_.N - 1)(rng_);
        if (std::find(picked_.begin(), picked_.end(), j) == picked_.end()) picked_.push_back(j);
      }
      saved_people_ = picked_;
    } else if (window) {
      k = std::uniform_int_distribution<int>(2, std::min(p_.N, kWinK))(rng_);
      const int len = std::uniform_int_distribution<int>(std::min(p_.D, 3), std::min(p_.D, kWinLen))(rng_);
      a = std::uniform_int_distribution<int>(0, p_.D - len)(rng_);
      b = a + len - 1;
      choose_people(k, a, b);
    } else {
      k = std::uniform_int_distribution<int>(1, std::min(p_.N, kFullK))(rng_);
      choose_people(k, a, b);
    }
    saved_.clear();
    for (int i : picked_) saved_.push_back(cur_.row(i));
    // Take them out of the cover first so each re-planned row sees the holes left by the others.
    std::vector<int> off_row(p_.D, kOff);
    for (std::size_t x = 0; x < picked_.size(); ++x) {
      const int i = picked_[x];
      if (window) {
        std::vector<int> r = cur_.row(i);
        for (int d = a; d <= b; ++d) r[d] = kOff;
        cur_.set_row(i, r);
      } else {
        cur_.set_row(i, off_row);
      }
    }
    std::shuffle(picked_.begin(), picked_.end(), rng_);
    for (int round = 0; round < kRounds; ++round) {
      for (std::size_t x = 0; x < picked_.size(); ++x) {
        const int i = picked_[x];
        cur_.marginal_costs(i, costs_);
        cur_.fairness_costs(i, fc_);
        if (window) {
          const auto& old = saved_row(i);
          for (int d = 0; d < p_.D; ++d) {
            if (d >= a && d <= b) continue;
            const int keep = old[d] == kOff ? p_.S : old[d];
            for (int c = 0; c < p_.C; ++c)
              if (c != keep) costs_[d * p_.C + c] = kInfCost;
          }
        }
        auto out = p_.dp[i].solve(costs_, fc_.empty() ? nullptr : &fc_, row_, &rng_);
        if (out.exact && out.cost < kInfCost / 2) {
          cur_.set_row(i, row_);
        } else if (round == 0) {
          cur_.set_row(i, saved_row(i));
        }
      }
    }
    cur_.refresh_fairness();
    const std::int64_t after = cur_.total();
    const std::int64_t late = history_[res_.iterations % kHistory];
    if (after <= before || after < late) {
      note_current();
    } else {
      for (int i : picked_) cur_.set_row(i, saved_row(i));
      cur_.refresh_fairness();
    }
    history_[res_.iterations % kHistory] = cur_.total();
  }

  // A random cover line that is currently under- or over-covered, -1 if none.
  int pick_bad_cover() {
    const auto& cnt = cur_.counts();
    int chosen = -1, seen = 0;
    for (int c = 0; c < static_cast<int>(cnt.size()); ++c) {
      const bool under = cnt[c] < p_.req[c] && p_.under[c] > 0;
      const bool over = cnt[c] > p_.req[c] && p_.over[c] > 0;
      if (!under && !over) continue;
      // Reservoir sampling, under-cover counted three times: it usually costs far more.
      const int w = under ? 3 : 1;
      for (int t = 0; t < w; ++t)
        if (std::uniform_int_distribution<int>(0, seen++)(rng_) == 0) chosen = c;
    }
    return chosen;
  }

  const std::vector<int>& saved_row(int i) const {
    for (std::size_t x = 0; x < saved_people_.size(); ++x)
      if (saved_people_[x] == i) return saved_[x];
    return saved_[0];
  }

  // Picks k people: a random first one, then mostly people who work (or could work) the same
  // shifts on the same days, so that re-planning them together can exchange work.
  void choose_people(int k, int a, int b) {
    std::uniform_int_distribution<int> any(0, p_.N - 1);
    const int first = any(rng_);
    picked_.push_back(first);
    std::vector<double> score(p_.N, 0);
    const auto& r0 = cur_.row(first);
    for (int j = 0; j < p_.N; ++j) {
      if (j == first) continue;
      const auto& rj = cur_.row(j);
      double sc = 0;
      for (int d = a; d <= b; ++d)
        if ((r0[d] == kOff) != (rj[d] == kOff)) sc += 1;  // one works when the other rests
      score[j] = sc + std::uniform_real_distribution<double>(0, 3)(rng_);
    }
    std::vector<int> others;
    for (int j = 0; j < p_.N; ++j)
      if (j != first) others.push_back(j);
    std::sort(others.begin(), others.end(), [&](int x, int y) { return score[x] > score[y] || (score[x] == score[y] && x < y); });
    for (int j : others) {
      if (static_cast<int>(picked_.size()) >= k) break;
      if (std::uniform_int_distribution<int>(0, 3)(rng_) == 0) {
        picked_.push_back(any(rng_));  // sometimes anyone, for diversity
        std::sort(picked_.begin(), picked_.end());
        picked_.erase(std::unique(picked_.begin(), picked_.end()), picked_.end());
      } else if (std::find(picked_.begin(), picked_.end(), j) == picked_.end()) {
        picked_.push_back(j);
      }
    }
    saved_people_ = picked_;
  }

  // The restricted master (master.hpp), in three phases: column generation until the LP is
  // solved (the proven bound), an integer programme over the pool from the best roster, then
  // alternately more columns (pricing under perturbed duals, plus the rows of every better roster
  // the local search sends) and another integer programme.
  void master_step() {
    const bool by_iterations = opt_.max_iterations > 0;
    const double limit = opt_.time_limit_seconds;
    if (!master_) {
      master_ = std::make_unique<detail::Master>(p_);
      phase_ = Phase::generate;
    }
    if (!res_.best.empty()) master_->add_roster(res_.best);
    const double elapsed = seconds_since_start();
    switch (phase_) {
      case Phase::generate: {
        const auto until = Clock::now() + std::chrono::milliseconds(300);
        for (int r = 0; by_iterations ? r < kGenerateRounds : Clock::now() < until; ++r) {
          if (timed_out() || stopped()) return;
          const auto round = master_->round(rng_, kSmoothing);
          ++res_.master_rounds;
          ++generate_rounds_;
          trace("génération de colonnes : PL %.2f, borne %.2f, %d colonnes (+%d)", round.lp, round.bound,
                master_->columns(), round.added);
          if (round.ok) {
            res_.lower_bound = std::max(res_.lower_bound, static_cast<std::int64_t>(std::ceil(round.bound - 1e-6)));
          }
          // Enough: the LP is solved, the bound meets the best roster, the LP failed, or the
          // phase has used its share (half the time, or a round count when bounded by iterations).
          const bool spent = by_iterations ? generate_rounds_ >= kMaxGenerateRounds : elapsed > 0.5 * limit;
          if (!round.ok || round.converged || res_.lower_bound >= res_.best_objective || spent) {
            phase_ = Phase::dive;
            break;
          }
        }
        break;
      }
      case Phase::integer: {
        const double remaining = std::chrono::duration<double>(deadline_ - Clock::now()).count();
        // CBC may overrun its limit (its root processing is not interrupted), by up to a second or
        // two on a loaded machine: keep a margin, and no integer solve in the last seconds.
        const double margin = std::max(1.0, 0.05 * limit);
        const double seconds = by_iterations ? remaining
                                             : std::min(remaining - margin, std::max(1.0, kIntegerShare * limit));
        if (!by_iterations && seconds < 1.0) {
          phase_ = Phase::dive;
          break;
        }
        const int nodes = by_iterations ? kIntegerNodes : std::numeric_limits<int>::max();
        auto ip = master_->solve_integer(seconds, nodes, res_.best.empty() ? nullptr : &res_.best, stop_);
        ++res_.master_rounds;
        trace("programme en nombres entiers (%d colonnes, %.1f s) : %s %lld, borne %.2f%s", master_->columns(), seconds,
              ip.found ? "planning" : "rien de mieux que", static_cast<long long>(ip.found ? ip.objective : res_.best_objective),
              ip.bound, ip.proven ? " (optimal sur les colonnes)" : "");
        if (ip.found) offer(ip.roster);
        phase_ = Phase::dive;
        break;
      }
      case Phase::dive: {
        const auto until = Clock::now() + std::chrono::milliseconds(300);
        for (int r = 0; by_iterations ? r < kGenerateRounds : Clock::now() < until; ++r) {
          if (timed_out() || stopped()) return;
          const auto step = master_->dive_step(rng_, static_cast<double>(res_.best_objective), dives_ > 0);
          ++res_.master_rounds;
          if (step.status == detail::Master::Dive::Status::running) continue;
          ++dives_;
          trace("plongée %d : %s %lld (%d colonnes)", dives_,
                step.status == detail::Master::Dive::Status::complete ? "planning"
                : step.status == detail::Master::Dive::Status::pruned ? "abandonnée, borne ≥" : "échec,",
                static_cast<long long>(step.status == detail::Master::Dive::Status::complete ? step.objective : res_.best_objective),
                master_->columns());
          if (step.status == detail::Master::Dive::Status::complete) offer(step.roster);
          if (dives_ % kDivesPerInteger == 0) {
            phase_ = Phase::integer;
            break;
          }
        }
        break;
      }
    }
  }

  // Takes a roster found by the master when it beats this worker's best (objective recomputed
  // with fairness) and continues the local search from it.
  void offer(const Roster& r) {
    State st(p_);
    for (int i = 0; i < p_.N; ++i) st.set_row(i, r[i]);
    st.refresh_fairness();
    if (st.total() >= res_.best_objective) return;
    res_.best_objective = st.total();
    res_.best = st.roster();
    for (int i = 0; i < p_.N; ++i) cur_.set_row(i, res_.best[i]);
    cur_.refresh_fairness();
    history_.assign(kHistory, cur_.total());
  }

  // Progress line for SolveOptions::trace (French: it may be shown to the coordinator).
  template <typename... Args>
  void trace(const char* format, Args... args) const {
    if (!opt_.trace) return;
    char line[256];
    const int n = std::snprintf(line, sizeof line, "[%.2f s] ", seconds_since_start());
    std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n), format, args...);
    opt_.trace(line);
  }

  double seconds_since_start() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  bool stopped() const { return stop_ && stop_->load(std::memory_order_relaxed); }

  // Master settings.
  static constexpr double kSmoothing = 0.5;    // dual smoothing of the column generation
  static constexpr int kGenerateRounds = 5;    // rounds per quantum when bounded by iterations
  static constexpr int kMaxGenerateRounds = 60;
  static constexpr int kDivesPerInteger = 3;   // dives between two integer solves
  static constexpr int kIntegerNodes = 200;    // node limit when bounded by iterations
  static constexpr double kIntegerShare = 0.2; // time of one integer solve, share of the limit
  enum class Phase { generate, dive, integer };

  const Problem& p_;
  const SolveOptions& opt_;
  Clock::time_point start_, deadline_;
  std::mt19937_64 rng_;
  State cur_;
  bool constructed_ = false;
  WorkerResult res_;
  std::vector<std::int64_t> history_;
  std::vector<double> costs_, fc_;
  std::vector<int> row_;
  std::vector<int> picked_, saved_people_;
  std::vector<std::vector<int>> saved_;
  // Restricted master (the worker that runs it).
  bool master_on_ = false;
  const std::atomic<bool>* stop_ = nullptr;
  std::unique_ptr<detail::Master> master_;
  Phase phase_ = Phase::generate;
  int generate_rounds_ = 0, dives_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Open slots: why each unmet cover stays open (computed on the final roster, search-side rules).

std::vector<std::string> blocking_rules(const Problem& p, int i, const std::vector<int>& r) {
  const Model& m = *p.m;
  const Staff& st = m.staff[i];
  std::vector<std::string> out;
  std::vector<int> per_type(p.S, 0);
  long long minutes = 0;
  for (int d = 0; d < p.D; ++d)
    if (r[d] != kOff) {
      ++per_type[r[d]];
      minutes += p.minutes[r[d]];
    }
  for (int s = 0; s < p.S; ++s)
    if (!st.max_shifts_per_type.empty() && per_type[s] > st.max_shifts_per_type[s]) {
      out.push_back("maximum de postes " + m.shifts[s].id + " atteint");
      break;
    }
  if (minutes > st.max_total_minutes) out.push_back("durée totale maximale atteinte");
  int run = 0;
  for (int d = 0; d < p.D; ++d) {
    run = r[d] == kOff ? 0 : run + 1;
    if (run > st.max_consecutive_shifts) {
      out.push_back("trop de postes consécutifs");
      break;
    }
  }
  for (int d = 0; d + 1 < p.D; ++d)
    if (r[d] != kOff && r[d + 1] != kOff) {
      const auto& fn = m.shifts[r[d]].forbidden_next;
      if (std::find(fn.begin(), fn.end(), r[d + 1]) != fn.end()) {
        out.push_back("enchaînement interdit");
        break;
      }
    }
  for (int d = 0; d < p.D; ++d)
    if (r[d] != kOff && m.shifts[r[d]].night) {
      bool broken = false;
      for (int e = d + 1; e <= std::min(p.D - 1, d + st.min_days_off_after_night); ++e) broken = broken || r[e] != kOff;
      if (broken) {
        out.push_back("repos après une nuit");
        break;
      }
    }
  int weekends = 0;
  for (int d = 0; d + 1 < p.D; ++d)
    if (weekday_of(m, d) == 5 && (r[d] != kOff || r[d + 1] != kOff)) ++weekends;
  if (weekends > st.max_weekends) out.push_back("maximum de week-ends atteint");
  if (st.max_shifts_per_month != kNoLimit && m.start_date) {
    std::map<int, int> per_month;
    for (int d = 0; d < p.D; ++d)
      if (r[d] != kOff) {
        const std::chrono::year_month_day ymd{std::chrono::sys_days{*m.start_date} + std::chrono::days{d}};
        const int key = static_cast<int>(ymd.year()) * 12 + static_cast<int>(static_cast<unsigned>(ymd.month()));
        if (++per_month[key] > st.max_shifts_per_month) {
          out.push_back("plafond mensuel atteint");
          break;
        }
      }
  }
  // Short blocks inside the horizon.
  for (int a = 0; a < p.D;) {
    int b = a;
    const bool w = r[a] != kOff;
    while (b + 1 < p.D && (r[b + 1] != kOff) == w) ++b;
    if (a > 0 && b < p.D - 1) {
      if (w && b - a + 1 < st.min_consecutive_shifts) {
        out.push_back("série de postes trop courte");
        break;
      }
      if (!w && b - a + 1 < st.min_consecutive_days_off) {
        out.push_back("repos trop court");
        break;
      }
    }
    a = b + 1;
  }
  return out;
}

std::vector<OpenSlot> explain_open_slots(const Problem& p, const Roster& r) {
  const Model& m = *p.m;
  std::vector<OpenSlot> out;
  for (int c = 0; c < static_cast<int>(m.cover.size()); ++c) {
    const auto& cv = m.cover[c];
    int n = 0;
    for (int i = 0; i < p.N; ++i)
      if (r[i][cv.day] == cv.shift && (cv.profession.empty() || cv.profession == m.staff[i].profession)) ++n;
    if (n >= cv.requirement) continue;
    OpenSlot slot;
    slot.cover = c;
    slot.day = cv.day;
    slot.shift = cv.shift;
    slot.missing = cv.requirement - n;
    int qualified = 0, available = 0, busy = 0, free_ok = 0;
    std::string expl;
    for (int i = 0; i < p.N; ++i) {
      if (!(cv.profession.empty() || cv.profession == m.staff[i].profession)) continue;
      if (r[i][cv.day] == cv.shift) continue;
      ++qualified;
      // Availability of this exact (day, shift), from the raw rules.
      const Staff& st = m.staff[i];
      bool avail = std::find(st.days_off.begin(), st.days_off.end(), cv.day) == st.days_off.end();
      if (avail && !st.availability.empty()) {
        bool in = false;
        for (const auto& w : st.availability)
          if (cv.day >= w.first_day && cv.day <= w.last_day &&
              (w.shifts.empty() || std::find(w.shifts.begin(), w.shifts.end(), cv.shift) != w.shifts.end()))
            in = true;
        avail = in;
      }
      if (avail && !st.max_shifts_per_type.empty() && st.max_shifts_per_type[cv.shift] == 0) avail = false;
      if (!avail) continue;
      ++available;
      if (!expl.empty()) expl += " ; ";
      if (r[i][cv.day] != kOff) {
        ++busy;
        expl += st.id + " : déjà sur " + m.shifts[r[i][cv.day]].id;
        continue;
      }
      std::vector<int> trial = r[i];
      trial[cv.day] = cv.shift;
      const auto rules = blocking_rules(p, i, trial);
      if (rules.empty()) {
        ++free_ok;
        expl += st.id + " : possible mais plus coûteux ailleurs";
      } else {
        expl += st.id + " : " + rules.front();
      }
    }
    if (qualified == 0 && n == 0) {
      slot.reason = OpenReason::no_one_qualified;
      slot.explanation = cv.profession.empty() ? "aucun personnel" : "aucun professionnel « " + cv.profession + " »";
    } else if (available == 0) {
      slot.reason = OpenReason::no_one_available;
      slot.explanation = "tous sont en repos ou hors de leurs disponibilités ce jour-là";
    } else if (free_ok > 0) {
      slot.reason = OpenReason::cost_trade_off;
      slot.explanation = expl;
    } else if (busy > 0 && busy == available) {
      slot.reason = OpenReason::busy_elsewhere;
      slot.explanation = expl;
    } else {
      slot.reason = OpenReason::limits_reached;
      slot.explanation = expl;
    }
    out.push_back(std::move(slot));
  }
  return out;
}

}  // namespace

Result<Solution> solve(const Model& model, const SolveOptions& options) {
  const auto start = Clock::now();
  if (auto st = validate(model); !st) return tl::unexpected(st.error());
  if (!(options.time_limit_seconds > 0) || options.time_limit_seconds > 7 * 24 * 3600.0)
    return fail(ErrorCode::invalid_input, "la limite de temps doit être positive", "time_limit");
  if (options.threads < 1 || options.threads > 2)
    return fail(ErrorCode::invalid_input, "1 ou 2 fils de calcul", "threads");
  if (options.max_iterations < 0) return fail(ErrorCode::invalid_input, "nombre d'itérations négatif", "max_iterations");
  auto prepared = prepare(model);
  if (!prepared) return tl::unexpected(prepared.error());
  const Problem& p = **prepared;
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(options.time_limit_seconds));

  const int n_threads = options.threads;
  Shared shared;
  std::vector<std::unique_ptr<Worker>> workers;
  for (int w = 0; w < n_threads; ++w)
    workers.push_back(
        std::make_unique<Worker>(p, options, start, deadline, w, w == n_threads - 1, &shared.stop));

  constexpr std::int64_t kEpoch = 200;  // LNS moves per worker between synchronisations
  // Merges the workers' results into `shared` and decides whether to stop; `who` lists the
  // workers whose results may be read (all at a barrier, only the caller otherwise).
  std::vector<std::int64_t> iterations(n_threads, 0), rounds(n_threads, 0);
  bool error = false;
  auto merge = [&](int w) {
    auto& r = workers[w]->result();
    if (r.best_objective < shared.best_objective) {
      shared.best_objective = r.best_objective;
      shared.best = r.best;
    }
    shared.lower_bound = std::max(shared.lower_bound, r.lower_bound);
    iterations[w] = r.iterations;
    rounds[w] = r.master_rounds;
    error = error || r.error.has_value();
  };
  auto decide = [&]() {
    std::int64_t iters = 0, master = 0;
    for (int w = 0; w < n_threads; ++w) {
      iters += iterations[w];
      master += rounds[w];
    }
    shared.iterations = iters;
    shared.master_rounds = master;
    const bool per_thread_done = options.max_iterations > 0 && iters >= options.max_iterations * n_threads;
    const bool stop = error || Clock::now() >= deadline || per_thread_done ||
                      (!shared.best.empty() && shared.best_objective <= shared.lower_bound) ||
                      (!shared.best.empty() && options.target_objective >= 0 &&
                       shared.best_objective <= options.target_objective);
    if (stop) shared.stop.store(true);
    return stop;
  };
  // With one thread, or when bounded by iterations (moves per thread), the master steps and the
  // LNS moves take turns; with two threads bounded by time, the last thread runs only the master
  // while the first searches.
  const bool lns_too = n_threads == 1 || options.max_iterations > 0;
  auto moves_left = [&](Worker& me) {
    std::int64_t moves = kEpoch;
    if (options.max_iterations > 0) moves = std::min<std::int64_t>(moves, options.max_iterations - me.result().iterations);
    return std::max<std::int64_t>(moves, 0);
  };
  if (options.max_iterations > 0 || n_threads == 1) {
    // Bounded by iterations: the threads meet at a barrier after every quantum, so the exchange
    // of rosters (and the result) depends only on the seed.
    auto sync = [&]() noexcept {
      for (int w = 0; w < n_threads; ++w) merge(w);
      if (!decide())
        for (auto& w : workers) w->adopt(shared);
    };
    std::barrier barrier(n_threads, sync);
    auto run = [&](int w) {
      Worker& me = *workers[w];
      while (true) {
        me.quantum(moves_left(me), lns_too);
        barrier.arrive_and_wait();
        if (shared.stop.load()) break;
      }
    };
    if (n_threads == 1) {
      run(0);
    } else {
      std::thread other(run, 1);
      run(0);
      other.join();
    }
  } else {
    // Bounded by time: no barrier, so that a long integer solve of the master does not hold up
    // the local search; each thread posts its best and takes the other's under a mutex.
    std::mutex mu;
    auto run = [&](int w) {
      Worker& me = *workers[w];
      while (true) {
        me.quantum(moves_left(me), lns_too);
        std::lock_guard lock(mu);
        merge(w);
        if (shared.stop.load() || decide()) break;
        me.adopt(shared);
      }
    };
    std::thread other(run, 1);
    run(0);
    other.join();
  }
  for (auto& w : workers)
    if (w->result().error) return tl::unexpected(*w->result().error);
  if (shared.best.empty())
    return fail(ErrorCode::unavailable, "aucun planning trouvé dans le temps imparti : augmentez la limite de temps",
                "time_limit");

  Solution sol;
  sol.roster = shared.best;
  // Recompute the objective from scratch (not the incremental value) before reporting it.
  State final_state(p);
  for (int i = 0; i < p.N; ++i) final_state.set_row(i, sol.roster[i]);
  final_state.refresh_fairness();
  sol.objective = final_state.total();
  sol.lower_bound = std::min(shared.lower_bound, sol.objective);
  sol.optimal = sol.objective == shared.lower_bound;
  sol.open_slots = explain_open_slots(p, sol.roster);
  sol.stats.iterations = shared.iterations;
  sol.stats.lagrangian_rounds = shared.master_rounds;
  sol.stats.threads = n_threads;
  sol.stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return sol;
}

}  // namespace maillage::roster
