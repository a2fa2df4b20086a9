// Restricted master (master.hpp): column generation with CLP, integer programme with CBC.
#include "roster/master.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include <CbcEventHandler.hpp>
#include <CbcHeuristic.hpp>
#include <CbcHeuristicLocal.hpp>
#include <CbcHeuristicRINS.hpp>
#include <CbcModel.hpp>
#include <CglClique.hpp>
#include <CglGomory.hpp>
#include <CglKnapsackCover.hpp>
#include <CglMixedIntegerRounding2.hpp>
#include <CglProbing.hpp>
#include <CglZeroHalf.hpp>
#include <ClpSimplex.hpp>
#include <CoinMessageHandler.hpp>
#include <OsiClpSolverInterface.hpp>

namespace maillage::roster::detail {

struct Master::Impl {
  const Problem& p;
  int L = 0;  // cover lines
  ClpSimplex lp;
  // Pool: column k is Clp column 2L + k.
  std::vector<int> person;
  std::vector<std::vector<int>> rows;
  std::vector<std::vector<int>> lines;  // cover lines each column counts towards
  std::vector<double> cost;             // request penalties of the row
  std::vector<std::set<std::vector<int>>> seen;
  // Dive: the choice each (person, day) is fixed to (-1: free; a shift, or S for a day off), how
  // many cells are fixed, and LP rounds since the last fixing.
  std::vector<int> fixed;
  int n_fixed = 0;
  int dive_rounds = 0;
  int partial_streak = 0;  // pricing passes stopped early in a row
  std::vector<double> last_x;  // LP values of the pool columns at the last round
  std::vector<double> best_pi;  // duals with the best Lagrangian bound so far
  double best_bound = -1e300;
  bool lp_dirty = true;

  explicit Impl(const Problem& prob)
      : p(prob), L(static_cast<int>(prob.req.size())), seen(prob.N),
        fixed(static_cast<std::size_t>(prob.N) * prob.D, -1) {
    lp.setLogLevel(0);
    lp.messageHandler()->setLogLevel(0);
    lp.resize(p.N + L, 0);
    for (int i = 0; i < p.N; ++i) lp.setRowBounds(i, 1.0, 1.0);
    for (int c = 0; c < L; ++c) lp.setRowBounds(p.N + c, p.req[c], p.req[c]);
    // Slack columns: u_c (missing people) and o_c (extra people) for every cover line.
    std::vector<double> lo(2 * L, 0.0), up(2 * L, COIN_DBL_MAX), obj(2 * L), el(2 * L);
    std::vector<int> starts(2 * L + 1), idx(2 * L);
    for (int c = 0; c < L; ++c) {
      obj[2 * c] = p.under[c];
      obj[2 * c + 1] = p.over[c];
      idx[2 * c] = idx[2 * c + 1] = p.N + c;
      el[2 * c] = 1.0;
      el[2 * c + 1] = -1.0;
    }
    for (int k = 0; k <= 2 * L; ++k) starts[k] = k;
    // Interleaved u_c, o_c: Clp column 2c is u_c, 2c + 1 is o_c.
    lp.addColumns(2 * L, lo.data(), up.data(), obj.data(), starts.data(), idx.data(), el.data());
    best_pi.assign(L, 0.0);
  }

  [[nodiscard]] int choice(int s) const { return s == kOff ? p.S : s; }
  [[nodiscard]] bool compatible(int i, const std::vector<int>& row) const {
    if (n_fixed == 0) return true;
    for (int d = 0; d < p.D; ++d) {
      const int f = fixed[static_cast<std::size_t>(i) * p.D + d];
      if (f >= 0 && f != choice(row[d])) return false;
    }
    return true;
  }

  bool add(int i, const std::vector<int>& row) {
    if (!seen[i].insert(row).second) return false;
    std::vector<int> ls;
    double c = 0;
    for (int d = 0; d < p.D; ++d) {
      const int s = row[d];
      c += p.base[i][d * p.C + (s == kOff ? p.S : s)];
      if (s == kOff) continue;
      const int x = d * p.S + s;
      for (int e = p.line_off[i][x]; e < p.line_off[i][x + 1]; ++e) ls.push_back(p.line_idx[i][e]);
    }
    std::vector<int> idx{i};
    for (int l : ls) idx.push_back(p.N + l);
    std::vector<double> el(idx.size(), 1.0);
    const int start[2] = {0, static_cast<int>(idx.size())};
    // During a dive a column that contradicts a fixed cell stays at 0.
    const double lo = 0.0, up = compatible(i, row) ? 1.0 : 0.0;
    lp.addColumns(1, &lo, &up, &c, start, idx.data(), el.data());
    person.push_back(i);
    rows.push_back(row);
    lines.push_back(std::move(ls));
    cost.push_back(c);
    lp_dirty = true;
    return true;
  }

  // Cover + request cost of a roster made of pool columns (one per person).
  std::int64_t roster_cost(const std::vector<int>& chosen) const {
    std::vector<int> count(L, 0);
    double total = 0;
    for (int k : chosen) {
      total += cost[k];
      for (int l : lines[k]) ++count[l];
    }
    auto sum = static_cast<std::int64_t>(std::llround(total));
    for (int c = 0; c < L; ++c) sum += p.cover_cost(c, count[c]);
    return sum;
  }
};

Master::Master(const Problem& p) : impl_(std::make_unique<Impl>(p)) {}
Master::~Master() = default;

bool Master::add_row(int i, const std::vector<int>& row) { return impl_->add(i, row); }

void Master::add_roster(const Roster& r) {
  for (int i = 0; i < static_cast<int>(r.size()); ++i) impl_->add(i, r[i]);
}

int Master::columns() const { return static_cast<int>(impl_->rows.size()); }
double Master::best_bound() const { return impl_->best_bound; }

Master::Round Master::round(std::mt19937_64& rng, double smoothing) {
  Impl& m = *impl_;
  const Problem& p = m.p;
  Round out;
  // Warm start: after new columns the previous basis stays primal feasible, so primal simplex.
  m.lp.primal();
  if (!m.lp.isProvenOptimal()) {
    m.lp.dual();
    if (!m.lp.isProvenOptimal()) {
      out.ok = false;
      return out;
    }
  }
  out.lp = m.lp.objectiveValue();
  const double* xs = m.lp.primalColumnSolution();
  m.last_x.assign(xs + 2 * m.L, xs + 2 * m.L + m.rows.size());
  const bool diving = m.n_fixed > 0;
  const double* y = m.lp.dualRowSolution();
  std::vector<double> pi_lp(y + p.N, y + p.N + m.L);
  std::vector<double> costs;
  std::vector<int> row;
  // Prices at duals `pi` (people in random order) and counts the columns with a negative reduced
  // cost at the LP duals. Partial pricing: pricing dominates the time, so the pass stops once
  // enough improving columns are found; only a complete pass gives a Lagrangian bound.
  std::vector<int> order(p.N);
  for (int i = 0; i < p.N; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  // Every few partial passes a complete one, so that the bound keeps improving.
  const bool force_complete = m.partial_streak >= kPartialStreak;
  const int enough = force_complete ? p.N + 1 : std::max(kPartialMin, p.N / kPartialShare);
  auto price = [&](const std::vector<double>& pi, int& improving) {
    double bound = 0;
    for (int c = 0; c < m.L; ++c) bound += pi[c] * p.req[c];
    improving = 0;
    bool complete = true;
    for (int i : order) {
      if (improving >= enough) {
        complete = false;
        break;
      }
      costs = p.base[i];
      for (int d = 0; d < p.D; ++d)
        for (int s = 0; s < p.S; ++s) {
          const int x = d * p.S + s;
          for (int e = p.line_off[i][x]; e < p.line_off[i][x + 1]; ++e) costs[d * p.C + s] -= pi[p.line_idx[i][e]];
        }
      // Cells fixed by a dive: the other choices are forbidden.
      if (diving)
        for (int d = 0; d < p.D; ++d) {
          const int f = m.fixed[static_cast<std::size_t>(i) * p.D + d];
          if (f < 0) continue;
          for (int k = 0; k < p.C; ++k)
            if (k != f) costs[d * p.C + k] = kInfCost;
        }
      const auto res = p.dp[i].solve(costs, nullptr, row, &rng, 400'000);
      bound += res.exact ? res.cost : res.relaxed;
      if (!res.exact || res.cost >= kInfCost / 2) continue;
      // Reduced cost at the LP duals (the row may have been priced at smoothed ones).
      double rc = -y[i];
      for (int d = 0; d < p.D; ++d) {
        const int s = row[d];
        rc += p.base[i][d * p.C + (s == kOff ? p.S : s)];
        if (s == kOff) continue;
        const int x = d * p.S + s;
        for (int e = p.line_off[i][x]; e < p.line_off[i][x + 1]; ++e) rc -= pi_lp[p.line_idx[i][e]];
      }
      if (m.add(i, row)) {
        ++out.added;
        if (rc < -1e-6) ++improving;
      }
    }
    m.partial_streak = complete ? 0 : m.partial_streak + 1;
    // Under fixings the value is no bound of the whole problem.
    if (complete && !diving && bound > m.best_bound) {
      m.best_bound = bound;
      m.best_pi = pi;
    }
    return bound;
  };
  int improving = 0;
  if (smoothing > 0) {
    std::vector<double> pi(m.L);
    for (int c = 0; c < m.L; ++c) pi[c] = smoothing * m.best_pi[c] + (1 - smoothing) * pi_lp[c];
    price(pi, improving);
  }
  if (improving == 0) {
    price(pi_lp, improving);
    out.converged = improving == 0;
  }
  out.bound = m.best_bound;
  return out;
}

namespace {

// Stops CBC when another thread has finished the search, or past its own deadline (CBC checks
// its time limit only between some steps; every event is a chance to stop sooner).
class StopHandler : public CbcEventHandler {
 public:
  StopHandler(const std::atomic<bool>* flag, std::chrono::steady_clock::time_point deadline)
      : flag_(flag), deadline_(deadline) {}
  CbcAction event(CbcEvent) override {
    const bool told = flag_ && flag_->load(std::memory_order_relaxed);
    return told || std::chrono::steady_clock::now() >= deadline_ ? stop : noAction;
  }
  CbcEventHandler* clone() const override { return new StopHandler(*this); }

 private:
  const std::atomic<bool>* flag_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace

Master::Dive Master::dive_step(std::mt19937_64& rng, double cutoff, bool randomise) {
  Impl& m = *impl_;
  const Problem& p = m.p;
  Dive out;
  const auto r = round(rng, 0.0);
  if (!r.ok) {
    reset_dive();
    out.status = Dive::Status::failed;
    return out;
  }
  if (!r.converged && ++m.dive_rounds < kRoundsPerFixing) return out;
  m.dive_rounds = 0;
  // The LP over the fixings is (nearly) solved: stop when it cannot beat the cutoff.
  if (std::ceil(r.lp - 1e-6) >= cutoff) {
    reset_dive();
    out.status = Dive::Status::pruned;
    return out;
  }
  // Integral LP: the dive is complete.
  const int n_cols = static_cast<int>(m.last_x.size());
  std::vector<int> chosen(p.N, -1);
  bool integral = true;
  for (int k = 0; k < n_cols && integral; ++k) {
    const double x = m.last_x[k];
    if (x > 1 - 1e-6) chosen[m.person[k]] = k;
    else if (x > 1e-6) integral = false;
  }
  if (integral && std::all_of(chosen.begin(), chosen.end(), [](int k) { return k >= 0; })) {
    out.status = Dive::Status::complete;
    out.roster.resize(p.N);
    for (int i = 0; i < p.N; ++i) out.roster[i] = m.rows[chosen[i]];
    out.objective = m.roster_cost(chosen);
    reset_dive();
    return out;
  }
  // Otherwise fix cells (person, day, choice): the heaviest fractional one, and every person's
  // heaviest one above kFixAtOnce, at most one per person so that the columns that carried it
  // stay compatible. Weights get a random jitter after the first dive, so that dives differ.
  std::vector<double> value(static_cast<std::size_t>(p.D) * p.C);
  std::uniform_real_distribution<double> jitter(0.0, randomise ? 0.2 : 1e-9);
  struct Cell {
    double score = -1;
    int day = -1, choice = -1;
  };
  std::vector<Cell> best(p.N);
  for (int i = 0; i < p.N; ++i) {
    std::fill(value.begin(), value.end(), 0.0);
    for (int k = 0; k < n_cols; ++k) {
      if (m.person[k] != i || m.last_x[k] <= 1e-9) continue;
      for (int d = 0; d < p.D; ++d) value[d * p.C + m.choice(m.rows[k][d])] += m.last_x[k];
    }
    for (int d = 0; d < p.D; ++d) {
      if (m.fixed[static_cast<std::size_t>(i) * p.D + d] >= 0) continue;
      for (int ch = 0; ch < p.C; ++ch) {
        const double v = value[d * p.C + ch];
        if (v <= 1e-6 || v >= 1 - 1e-6) continue;
        const double score = v + jitter(rng);
        if (score > best[i].score) best[i] = {score, d, ch};
      }
    }
  }
  int top = -1;
  for (int i = 0; i < p.N; ++i)
    if (best[i].day >= 0 && (top < 0 || best[i].score > best[top].score)) top = i;
  if (top < 0) {
    // Fractional columns but no fractional cell (two columns with equal cells): cannot branch.
    reset_dive();
    out.status = Dive::Status::failed;
    return out;
  }
  for (int i = 0; i < p.N; ++i)
    if (i == top || (best[i].day >= 0 && best[i].score >= kFixAtOnce)) fix(i, best[i].day, best[i].choice);
  return out;
}

void Master::fix(int i, int d, int ch) {
  Impl& m = *impl_;
  m.fixed[static_cast<std::size_t>(i) * m.p.D + d] = ch;
  ++m.n_fixed;
  for (int j = 0; j < static_cast<int>(m.rows.size()); ++j)
    if (m.person[j] == i && m.choice(m.rows[j][d]) != ch) m.lp.setColumnUpper(2 * m.L + j, 0.0);
}

void Master::reset_dive() {
  Impl& m = *impl_;
  if (m.n_fixed == 0) return;
  std::fill(m.fixed.begin(), m.fixed.end(), -1);
  m.n_fixed = 0;
  m.dive_rounds = 0;
  for (int j = 0; j < static_cast<int>(m.rows.size()); ++j) m.lp.setColumnUpper(2 * m.L + j, 1.0);
}

Master::Integer Master::solve_integer(double seconds, int nodes, const Roster* start,
                                      const std::atomic<bool>* stop) {
  Impl& m = *impl_;
  const Problem& p = m.p;
  Integer res;
  reset_dive();
  if (start) add_roster(*start);
  const int n_slack = 2 * m.L;
  const int n_cols = n_slack + static_cast<int>(m.rows.size());
  OsiClpSolverInterface si;
  si.messageHandler()->setLogLevel(0);
  si.loadProblem(*m.lp.matrix(), m.lp.columnLower(), m.lp.columnUpper(), m.lp.objective(), m.lp.rowLower(),
                 m.lp.rowUpper());
  for (int j = n_slack; j < n_cols; ++j) si.setInteger(j);
  CbcModel model(si);
  model.setLogLevel(0);
  model.messageHandler()->setLogLevel(0);
  model.solver()->messageHandler()->setLogLevel(0);
  // The usual cut generators for set-partitioning-like models, and local-search heuristics that
  // work from the incumbent (RINS, local swaps).
  CglProbing probing;
  probing.setUsingObjective(1);
  probing.setMaxPass(1);
  probing.setMaxProbe(100);
  probing.setMaxLook(50);
  CglGomory gomory;
  gomory.setLimit(300);
  CglKnapsackCover knapsack;
  CglClique clique;
  clique.setStarCliqueReport(false);
  clique.setRowCliqueReport(false);
  CglMixedIntegerRounding2 mir;
  CglZeroHalf zero_half;
  {
  model.addCutGenerator(&probing, -1, "Probing");
  model.addCutGenerator(&gomory, -1, "Gomory");
  model.addCutGenerator(&knapsack, -1, "Knapsack");
  model.addCutGenerator(&clique, -1, "Clique");
  model.addCutGenerator(&mir, -1, "MIR2");
  model.addCutGenerator(&zero_half, -1, "ZeroHalf");
  }
  CbcRounding rounding(model);
  model.addHeuristic(&rounding);
  CbcHeuristicLocal local(model);
  model.addHeuristic(&local);
  CbcHeuristicRINS rins(model);
  model.addHeuristic(&rins);
  // Wall-clock time: CBC counts process CPU time by default, which includes the other thread.
  model.setUseElapsedTime(true);
  model.setMaximumSeconds(std::max(0.05, seconds));
  model.setMaximumNodes(std::max(1, nodes));
  // Objectives are integers: a gap below one is closed.
  model.setAllowableGap(1.0 - 1e-6);
  model.setNumberThreads(0);
  // Root cut loops are not interrupted by the time limit: keep them short.
  model.setMaximumCutPassesAtRoot(3);
  model.setMaximumCutPasses(1);
  StopHandler handler(stop, std::chrono::steady_clock::now() +
                                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(std::max(0.05, seconds))));
  model.passInEventHandler(&handler);
  std::int64_t start_cost = std::numeric_limits<std::int64_t>::max();
  if (start) {
    // The start as a full solution vector (slacks from the cover counts) so CBC prunes with it.
    std::vector<double> x(n_cols, 0.0);
    std::vector<int> chosen;
    for (int i = 0; i < p.N; ++i) {
      for (int k = 0; k < static_cast<int>(m.rows.size()); ++k)
        if (m.person[k] == i && m.rows[k] == (*start)[i]) {
          x[n_slack + k] = 1.0;
          chosen.push_back(k);
          break;
        }
    }
    std::vector<int> count(m.L, 0);
    for (int k : chosen)
      for (int l : m.lines[k]) ++count[l];
    for (int c = 0; c < m.L; ++c) {
      if (count[c] < p.req[c]) x[2 * c] = p.req[c] - count[c];
      else x[2 * c + 1] = count[c] - p.req[c];
    }
    start_cost = m.roster_cost(chosen);
    model.setBestSolution(x.data(), n_cols, static_cast<double>(start_cost), true);
  }
  model.branchAndBound();
  res.bound = model.getBestPossibleObjValue();
  res.proven = model.isProvenOptimal();
  const double* best = model.bestSolution();
  if (!best) return res;
  std::vector<int> chosen(p.N, -1);
  for (int k = 0; k < static_cast<int>(m.rows.size()); ++k)
    if (best[n_slack + k] > 0.5) chosen[m.person[k]] = k;
  if (std::any_of(chosen.begin(), chosen.end(), [](int k) { return k < 0; })) return res;
  res.objective = m.roster_cost(chosen);
  if (res.objective > start_cost) return res;
  res.found = true;
  res.roster.resize(p.N);
  for (int i = 0; i < p.N; ++i) res.roster[i] = m.rows[chosen[i]];
  return res;
}

}  // namespace maillage::roster::detail
