// Search for solve(): preparation, Lagrangian bound, large neighbourhood search, thread sync and
// open-slot explanations. See solver.hpp for the outline and README.md for the reasoning.
#include "roster/solver.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <thread>

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
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Read-only data shared by the search threads.
struct Problem {
  const Model* m = nullptr;
  int D = 0, S = 0, C = 0, N = 0;
  std::vector<RowDp> dp;
  std::vector<std::vector<double>> base;  // per staff, [d*C + k]: request penalties of choice k
  // Cover lines counting staff i on (d, s): CSR per staff over cells d*S + s.
  std::vector<std::vector<int>> line_off, line_idx;
  std::vector<int> req, under, over;
  std::vector<int> minutes;  // per shift
  // Fairness: groups in profession order, members in index order (same as the checker's formula).
  std::vector<std::vector<int>> groups;
  std::vector<int> group_of;  // -1: never available
  std::vector<int> avail_days;
  std::int64_t weight = 0;

  [[nodiscard]] std::int64_t cover_cost(int c, int n) const {
    return n < req[c] ? static_cast<std::int64_t>(req[c] - n) * under[c]
                      : static_cast<std::int64_t>(n - req[c]) * over[c];
  }
};

Result<std::shared_ptr<Problem>> prepare(const Model& m) {
  auto p = std::make_shared<Problem>();
  p->m = &m;
  p->D = m.days;
  p->S = static_cast<int>(m.shifts.size());
  p->C = p->S + 1;
  p->N = static_cast<int>(m.staff.size());
  p->weight = m.fairness_weight;
  for (const auto& s : m.shifts) p->minutes.push_back(s.minutes);
  for (int i = 0; i < p->N; ++i) {
    auto dp = RowDp::create(m, i, m.fairness_weight > 0);
    if (!dp) return tl::unexpected(dp.error());
    p->dp.push_back(std::move(*dp));
  }
  p->base.assign(p->N, std::vector<double>(static_cast<std::size_t>(p->D) * p->C, 0.0));
  for (const auto& q : m.on_requests)
    for (int k = 0; k < p->C; ++k)
      if (k != q.shift) p->base[q.staff][q.day * p->C + k] += q.weight;
  for (const auto& q : m.off_requests)
    for (int k = 0; k < p->S; ++k)
      if (q.shift == kAnyShift || q.shift == k) p->base[q.staff][q.day * p->C + k] += q.weight;
  for (const auto& c : m.cover) {
    p->req.push_back(c.requirement);
    p->under.push_back(c.under_weight);
    p->over.push_back(c.over_weight);
  }
  const int cells = p->D * p->S;
  p->line_off.assign(p->N, std::vector<int>(cells + 1, 0));
  p->line_idx.assign(p->N, {});
  for (int i = 0; i < p->N; ++i) {
    std::vector<std::vector<int>> per_cell(cells);
    for (int c = 0; c < static_cast<int>(m.cover.size()); ++c) {
      const auto& cv = m.cover[c];
      if (cv.profession.empty() || cv.profession == m.staff[i].profession)
        per_cell[cv.day * p->S + cv.shift].push_back(c);
    }
    for (int x = 0; x < cells; ++x) {
      p->line_off[i][x] = static_cast<int>(p->line_idx[i].size());
      p->line_idx[i].insert(p->line_idx[i].end(), per_cell[x].begin(), per_cell[x].end());
    }
    p->line_off[i][cells] = static_cast<int>(p->line_idx[i].size());
  }
  // Availability in days (some shift possible that day), computed here from the raw model rules.
  p->avail_days.assign(p->N, 0);
  std::map<std::string, std::vector<int>> by_prof;
  for (int i = 0; i < p->N; ++i) {
    const Staff& st = m.staff[i];
    for (int d = 0; d < p->D; ++d) {
      if (std::find(st.days_off.begin(), st.days_off.end(), d) != st.days_off.end()) continue;
      bool any = st.availability.empty();
      for (const auto& w : st.availability)
        if (d >= w.first_day && d <= w.last_day) any = true;
      if (any) ++p->avail_days[i];
    }
    if (p->avail_days[i] > 0) by_prof[st.profession].push_back(i);
  }
  p->group_of.assign(p->N, -1);
  for (auto& [prof, members] : by_prof) {
    for (int i : members) p->group_of[i] = static_cast<int>(p->groups.size());
    p->groups.push_back(members);
  }
  return p;
}

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
// Shared between the threads; written only in the barrier's completion step.
struct Shared {
  Roster best;
  std::int64_t best_objective = std::numeric_limits<std::int64_t>::max();
  std::int64_t lower_bound = 0;
  bool stop = false;
  std::int64_t iterations = 0;
  std::int64_t lagrangian_rounds = 0;
};

struct WorkerResult {
  Roster best;
  std::int64_t best_objective = std::numeric_limits<std::int64_t>::max();
  std::int64_t lower_bound = 0;
  bool lagrangian_done = false;
  std::int64_t iterations = 0;
  std::int64_t lagrangian_rounds = 0;
  std::optional<Error> error;
};

class Worker {
 public:
  Worker(const Problem& p, const SolveOptions& o, Clock::time_point deadline, int index, bool lagrangian)
      : p_(p), deadline_(deadline), rng_(o.seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(index) * 7919 + 1),
        cur_(p), pi_(p.req.size()) {
    for (std::size_t c = 0; c < pi_.size(); ++c) pi_[c] = 0.5 * p.under[c];
    res_.lagrangian_done = !lagrangian;
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

  // One quantum of work between two synchronisations.
  void quantum(std::int64_t lns_moves, int lag_rounds, bool lns_too) {
    if (!res_.lagrangian_done) {
      for (int r = 0; r < lag_rounds && !res_.lagrangian_done && !timed_out(); ++r) lagrangian_round();
      if (!lns_too) return;
    }
    if (!constructed_) {
      if (!construct()) return;
    }
    for (std::int64_t it = 0; it < lns_moves && !timed_out(); ++it) lns_move();
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

  // One subgradient round of the Lagrangian relaxation of the cover: every person takes their best
  // row priced with multipliers pi (exact row programme), which gives a lower bound and a feasible
  // roster to evaluate.
  void lagrangian_round() {
    ++res_.lagrangian_rounds;
    const Problem& p = p_;
    double bound = 0;
    for (std::size_t c = 0; c < pi_.size(); ++c) bound += pi_[c] * p.req[c];
    std::vector<double> subgrad(pi_.size());
    for (std::size_t c = 0; c < pi_.size(); ++c) subgrad[c] = p.req[c];
    if (lag_rows_.empty()) {
      lag_rows_.assign(p.N, std::vector<int>(p.D, kOff));
      lag_valid_.assign(p.N, 0);
    }
    for (int i = 0; i < p.N; ++i) {
      costs_ = p.base[i];
      for (int d = 0; d < p.D; ++d)
        for (int s = 0; s < p.S; ++s) {
          const int x = d * p.S + s;
          for (int e = p.line_off[i][x]; e < p.line_off[i][x + 1]; ++e) costs_[d * p.C + s] -= pi_[p.line_idx[i][e]];
        }
      auto out = p.dp[i].solve(costs_, nullptr, row_, &rng_, 50'000);
      if (out.relaxed >= kInfCost / 2) {
        res_.lagrangian_done = true;  // infeasible person: reported by the LNS construction
        return;
      }
      bound += out.exact ? out.cost : out.relaxed;
      if (out.exact) {
        lag_rows_[i] = row_;
        lag_valid_[i] = 1;
      }
      for (int d = 0; d < p.D; ++d) {
        const int s = lag_rows_[i][d];
        if (s == kOff) continue;
        const int x = d * p.S + s;
        for (int e = p.line_off[i][x]; e < p.line_off[i][x + 1]; ++e) subgrad[p.line_idx[i][e]] -= 1;
      }
    }
    const auto lb = static_cast<std::int64_t>(std::ceil(bound - 1e-6));
    if (lb > res_.lower_bound) {
      res_.lower_bound = lb;
      stall_ = 0;
    } else if (++stall_ >= 12) {
      theta_ /= 2;
      stall_ = 0;
    }
    // The relaxed rows are each feasible, so together they form a roster worth evaluating.
    if (std::all_of(lag_valid_.begin(), lag_valid_.end(), [](char v) { return v != 0; })) {
      State st(p);
      for (int i = 0; i < p.N; ++i) st.set_row(i, lag_rows_[i]);
      st.refresh_fairness();
      if (st.total() < lag_best_) lag_best_ = st.total();
      if (st.total() < res_.best_objective) {
        res_.best_objective = st.total();
        res_.best = st.roster();
      }
    }
    const double ub = static_cast<double>(std::min(lag_best_, res_.best_objective));
    double norm = 0;
    for (double g : subgrad) norm += g * g;
    if (norm == 0 || theta_ < 1e-4 || static_cast<double>(res_.lower_bound) >= ub) {
      res_.lagrangian_done = true;
      return;
    }
    const double step = theta_ * std::max(1.0, ub - bound) / norm;
    for (std::size_t c = 0; c < pi_.size(); ++c)
      pi_[c] = std::clamp(pi_[c] + step * subgrad[c], -static_cast<double>(p.over[c]), static_cast<double>(p.under[c]));
  }

  const Problem& p_;
  Clock::time_point deadline_;
  std::mt19937_64 rng_;
  State cur_;
  bool constructed_ = false;
  WorkerResult res_;
  std::vector<std::int64_t> history_;
  std::vector<double> costs_, fc_;
  std::vector<int> row_;
  std::vector<int> picked_, saved_people_;
  std::vector<std::vector<int>> saved_;
  // Lagrangian state.
  std::vector<double> pi_;
  std::vector<std::vector<int>> lag_rows_;
  std::vector<char> lag_valid_;
  double theta_ = 1.0;
  int stall_ = 0;
  std::int64_t lag_best_ = std::numeric_limits<std::int64_t>::max();
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
  std::vector<std::unique_ptr<Worker>> workers;
  for (int w = 0; w < n_threads; ++w)
    workers.push_back(std::make_unique<Worker>(p, options, deadline, w, w == n_threads - 1));

  Shared shared;
  constexpr std::int64_t kEpoch = 200;  // LNS moves per worker between synchronisations
  constexpr int kLagChunk = 10;         // Lagrangian rounds per quantum
  auto sync = [&]() noexcept {
    for (auto& w : workers) {
      auto& r = w->result();
      if (r.best_objective < shared.best_objective) {
        shared.best_objective = r.best_objective;
        shared.best = r.best;
      }
      shared.lower_bound = std::max(shared.lower_bound, r.lower_bound);
    }
    std::int64_t iters = 0, lag = 0;
    bool error = false;
    for (auto& w : workers) {
      iters += w->result().iterations;
      lag += w->result().lagrangian_rounds;
      error = error || w->result().error.has_value();
    }
    shared.iterations = iters;
    shared.lagrangian_rounds = lag;
    const bool per_thread_done = options.max_iterations > 0 && iters >= options.max_iterations * n_threads;
    shared.stop = error || Clock::now() >= deadline || per_thread_done ||
                  (!shared.best.empty() && shared.best_objective <= shared.lower_bound) ||
                  (!shared.best.empty() && options.target_objective >= 0 && shared.best_objective <= options.target_objective);
    if (!shared.stop)
      for (auto& w : workers) w->adopt(shared);
  };
  std::barrier barrier(n_threads, sync);
  auto run = [&](int w) {
    Worker& me = *workers[w];
    while (true) {
      // With one thread the Lagrangian rounds and the LNS take turns; with two, the last thread
      // computes the bound while the first searches.
      const bool lns_too = n_threads == 1;
      std::int64_t moves = kEpoch;
      if (options.max_iterations > 0) moves = std::min<std::int64_t>(moves, options.max_iterations - me.result().iterations);
      me.quantum(std::max<std::int64_t>(moves, 0), kLagChunk, lns_too);
      barrier.arrive_and_wait();
      if (shared.stop) break;
    }
  };
  if (n_threads == 1) {
    run(0);
  } else {
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
  sol.stats.lagrangian_rounds = shared.lagrangian_rounds;
  sol.stats.threads = n_threads;
  sol.stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return sol;
}

}  // namespace maillage::roster
