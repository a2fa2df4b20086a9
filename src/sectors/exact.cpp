#include "sectors/exact.hpp"

// CbcModel.hpp first: CbcCutGenerator.hpp uses CbcNode without declaring it.
// clang-format off
#include <CbcModel.hpp>
#include <CbcCutGenerator.hpp>
// clang-format on
#include <CbcEventHandler.hpp>
#include <CglCutGenerator.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>
#include <OsiCuts.hpp>
#include <OsiRowCut.hpp>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace maillage::sectors::detail {

namespace {

class StopHandler : public CbcEventHandler {
 public:
  StopHandler(const std::atomic<bool>* flag, Clock::time_point deadline)
      : flag_(flag), deadline_(deadline) {}
  CbcAction event(CbcEvent) override {
    const bool told = flag_ && flag_->load(std::memory_order_relaxed);
    return told || Clock::now() >= deadline_ ? stop : noAction;
  }
  CbcEventHandler* clone() const override { return new StopHandler(*this); }

 private:
  const std::atomic<bool>* flag_;
  Clock::time_point deadline_;
};

struct Row {
  std::vector<int> index;
  std::vector<double> value;
  double lower, upper;
};

// The separator rows for a partition with a sector in pieces: for a node a of a smaller piece
// and a node b of the sector's largest piece, any sector holding both holds a node of every
// a-b separator; the piece's neighbourhood, trimmed to the nodes that b's side reaches, is one.
// The row is stated for every sector label (separators do not depend on labels).
void separators(const Graph& g, const std::vector<int>& part, std::set<std::vector<int>>& seen,
                std::vector<Row>& rows) {
  const int k = g.k;
  const auto ps = pieces(g, part);
  for (int j = 0; j < k; ++j) {
    const auto& sector = ps[j];
    if (sector.size() < 2) continue;
    std::size_t largest = 0;
    auto weight_of = [&](const std::vector<int>& piece) {
      std::int64_t w = 0;
      for (int v : piece) w += g.weight[v];
      return w;
    };
    for (std::size_t i = 1; i < sector.size(); ++i)
      if (weight_of(sector[i]) > weight_of(sector[largest])) largest = i;
    const int b = sector[largest].front();
    for (std::size_t i = 0; i < sector.size(); ++i) {
      if (i == largest) continue;
      const auto& piece = sector[i];
      std::vector<char> in_piece(g.n, 0), in_boundary(g.n, 0);
      for (int v : piece) in_piece[v] = 1;
      for (int v : piece)
        for (const auto& [u, e] : g.adj[v])
          if (!in_piece[u]) in_boundary[u] = 1;
      // Nodes of the boundary that b reaches without crossing the piece or the boundary.
      std::vector<char> seen_b(g.n, 0);
      std::vector<int> queue{b};
      seen_b[b] = 1;
      std::vector<int> sep;
      for (std::size_t q = 0; q < queue.size(); ++q)
        for (const auto& [u, e] : g.adj[queue[q]]) {
          if (seen_b[u] || in_piece[u]) continue;
          seen_b[u] = 1;
          if (in_boundary[u])
            sep.push_back(u);
          else
            queue.push_back(u);
        }
      std::sort(sep.begin(), sep.end());
      // A few nodes a of the piece (the whole piece shares the separator).
      std::vector<int> as(piece.begin(), piece.begin() + std::min<std::size_t>(piece.size(), 4));
      for (int a : as) {
        std::vector<int> key{a, b};
        key.insert(key.end(), sep.begin(), sep.end());
        if (!seen.insert(key).second) continue;
        for (int l = 0; l < k; ++l) {
          Row r;
          r.index = {a * k + l, b * k + l};
          r.value = {1.0, 1.0};
          for (int s : sep) {
            r.index.push_back(s * k + l);
            r.value.push_back(-1.0);
          }
          r.lower = -COIN_DBL_MAX;
          r.upper = 1.0;
          rows.push_back(std::move(r));
        }
      }
    }
  }
}

// Separator rows inside the branch and bound: at every LP solution that is integral on the
// labels, the rows its pieces violate (kept in `rows` for the next round too).
class Contiguity : public CglCutGenerator {
 public:
  Contiguity(const Graph& g, std::set<std::vector<int>>& seen, std::vector<Row>& rows)
      : g_(g), seen_(seen), rows_(rows) {}
  CglCutGenerator* clone() const override { return new Contiguity(*this); }
  void generateCuts(const OsiSolverInterface& si, OsiCuts& cs,
                    const CglTreeInfo = CglTreeInfo()) override {
    const double* x = si.getColSolution();
    const int n = g_.n, k = g_.k;
    std::vector<int> part(n, -1);
    for (int v = 0; v < n; ++v)
      for (int j = 0; j < k; ++j) {
        const double value = x[v * k + j];
        if (value > 1e-6 && value < 1 - 1e-6) return;  // fractional: nothing to say
        if (value >= 1 - 1e-6) part[v] = j;
      }
    if (std::find(part.begin(), part.end(), -1) != part.end()) return;
    const std::size_t before = rows_.size();
    separators(g_, part, seen_, rows_);
    for (std::size_t i = before; i < rows_.size(); ++i) {
      OsiRowCut cut;
      cut.setRow(static_cast<int>(rows_[i].index.size()), rows_[i].index.data(),
                 rows_[i].value.data());
      cut.setLb(rows_[i].lower);
      cut.setUb(rows_[i].upper);
      cut.setGloballyValid(true);
      cs.insert(cut);
    }
  }

 private:
  const Graph& g_;
  std::set<std::vector<int>>& seen_;
  std::vector<Row>& rows_;
};

// The base model: labels x (n*k binaries), cut indicators y (one per edge, weighted), and the
// symmetry-breaking prefix counts c (when no node is fixed).
struct Model {
  int x_cols = 0, y_cols = 0, c_cols = 0;
  std::vector<double> col_lower, col_upper, objective;
  std::vector<char> integer;
  std::vector<Row> rows;
};

Model base_model(const Graph& g) {
  const int n = g.n, k = g.k, m = static_cast<int>(g.edges.size());
  Model md;
  md.x_cols = n * k;
  md.y_cols = m;
  const bool symmetric =
      std::all_of(g.fixed.begin(), g.fixed.end(), [](int f) { return f < 0; }) && k > 1;
  md.c_cols = symmetric ? n * k : 0;
  const int cols = md.x_cols + md.y_cols + md.c_cols;
  md.col_lower.assign(cols, 0.0);
  md.col_upper.assign(cols, 1.0);
  md.objective.assign(cols, 0.0);
  md.integer.assign(cols, 0);
  for (int i = 0; i < md.x_cols; ++i) md.integer[i] = 1;
  for (int e = 0; e < m; ++e) md.objective[md.x_cols + e] = g.edges[e].weight;
  for (int v = 0; v < n; ++v)
    if (g.fixed[v] >= 0)
      for (int j = 0; j < k; ++j) {
        const double val = j == g.fixed[v] ? 1.0 : 0.0;
        md.col_lower[v * k + j] = md.col_upper[v * k + j] = val;
      }
  for (int v = 0; v < n; ++v) {
    Row r;
    for (int j = 0; j < k; ++j) {
      r.index.push_back(v * k + j);
      r.value.push_back(1.0);
    }
    r.lower = r.upper = 1.0;
    md.rows.push_back(std::move(r));
  }
  for (int j = 0; j < k; ++j) {
    Row r;
    for (int v = 0; v < n; ++v) {
      r.index.push_back(v * k + j);
      r.value.push_back(static_cast<double>(g.weight[v]));
    }
    r.lower = static_cast<double>(g.lower);
    r.upper = static_cast<double>(g.upper);
    md.rows.push_back(std::move(r));
  }
  // y_e >= |x_uj - x_vj| for every label j (for k = 2 one label says it all).
  const int labels = k == 2 ? 1 : k;
  for (int e = 0; e < m; ++e) {
    const int u = g.edges[e].u, v = g.edges[e].v, y = md.x_cols + e;
    for (int j = 0; j < labels; ++j) {
      md.rows.push_back({{y, u * k + j, v * k + j}, {1.0, -1.0, 1.0}, 0.0, COIN_DBL_MAX});
      md.rows.push_back({{y, u * k + j, v * k + j}, {1.0, 1.0, -1.0}, 0.0, COIN_DBL_MAX});
    }
  }
  if (symmetric) {
    // Sectors labelled in the order of their first node: c_vj = number of nodes 0..v in sector
    // j; node v may be in sector j >= 1 only if sector j-1 has a node before v.
    const int c0 = md.x_cols + md.y_cols;
    auto c = [&](int v, int j) { return c0 + v * k + j; };
    for (int v = 0; v < n; ++v)
      for (int j = 0; j < k; ++j) {
        md.col_upper[c(v, j)] = n;
        if (v == 0)
          md.rows.push_back({{c(v, j), v * k + j}, {1.0, -1.0}, 0.0, 0.0});
        else
          md.rows.push_back({{c(v, j), c(v - 1, j), v * k + j}, {1.0, -1.0, -1.0}, 0.0, 0.0});
        if (j >= 1) {
          if (v == 0)
            md.col_upper[v * k + j] = 0.0;
          else
            md.rows.push_back({{v * k + j, c(v - 1, j - 1)}, {1.0, -1.0}, -COIN_DBL_MAX, 0.0});
        }
      }
  }
  return md;
}

}  // namespace

ExactResult exact(const Graph& g, Incumbent& best, Clock::time_point deadline,
                  const std::atomic<bool>& stop, const std::function<void(int)>& on_bound) {
  ExactResult out;
  const int n = g.n, k = g.k;
  Model md = base_model(g);
  std::set<std::vector<int>> seen;
  auto raise = [&](int lb) {
    if (lb > out.lower_bound) {
      out.lower_bound = lb;
      if (on_bound) on_bound(lb);
    }
  };
  while (!stop.load() && Clock::now() < deadline) {
    const std::size_t rows_at_start = md.rows.size();
    const int cols = static_cast<int>(md.col_lower.size());
    CoinPackedMatrix matrix(false, 0, 0);
    matrix.setDimensions(0, cols);
    std::vector<double> row_lower, row_upper;
    for (const auto& r : md.rows) {
      matrix.appendRow(static_cast<int>(r.index.size()), r.index.data(), r.value.data());
      row_lower.push_back(r.lower);
      row_upper.push_back(r.upper);
    }
    OsiClpSolverInterface si;
    si.messageHandler()->setLogLevel(0);
    si.loadProblem(matrix, md.col_lower.data(), md.col_upper.data(), md.objective.data(),
                   row_lower.data(), row_upper.data());
    for (int i = 0; i < cols; ++i)
      if (md.integer[i]) si.setInteger(i);
    // CBC looks at its time limit and event handler only between nodes; a large root LP can take
    // longer than the budget. CLP gets the deadline too, and past the deadline CBC's bound is not
    // trusted (an interrupted LP might have been taken for a pruned node).
    si.getModelPtr()->setMaximumWallSeconds(
        std::max(0.05, std::chrono::duration<double>(deadline - Clock::now()).count()));
    // The LP relaxation alone first: its bound holds whatever happens to the search below.
    si.initialSolve();
    if (si.isProvenOptimal()) raise(static_cast<int>(std::ceil(si.getObjValue() - 1e-6)));
    CbcModel model(si);
    model.setLogLevel(0);
    model.messageHandler()->setLogLevel(0);
    model.solver()->messageHandler()->setLogLevel(0);
    // No generic cut generators: on ME county CBC's root cut loops
    // (probing, Gomory) tripled the time to the proof (measured 6 s without, 18 s with); CBC still
    // fixes variables by reduced cost against the cutoff.
    Contiguity contiguity(g, seen, md.rows);
    model.addCutGenerator(&contiguity, 1, "Contiguity", true, true);
    {
      CbcCutGenerator* gen = model.cutGenerator(model.numberCutGenerators() - 1);
      gen->setMustCallAgain(true);
      gen->setGlobalCuts(true);
    }
    model.setUseElapsedTime(true);
    const double seconds = std::chrono::duration<double>(deadline - Clock::now()).count();
    model.setMaximumSeconds(std::max(0.05, seconds));
    model.setAllowableGap(1.0 - 1e-6);
    model.setNumberThreads(0);
    // No strong branching: CBC does not look at its time limit or event handler while it strong
    // branches at the root, which overran the time limit by tens of seconds on k >= 5.
    model.setNumberStrong(0);
    model.setNumberBeforeTrust(0);
    model.setMaximumCutPassesAtRoot(5);
    const int incumbent = best.cut();
    if (incumbent >= 0) model.setCutoff(incumbent - 0.5);
    StopHandler handler(&stop, deadline);
    model.passInEventHandler(&handler);
    model.branchAndBound();
    ++out.rounds;
    const bool finished = model.status() == 0 && !stop.load() && Clock::now() < deadline;
    const double* sol = model.bestSolution();
    std::vector<int> part;
    if (sol && (incumbent < 0 || model.getObjValue() < incumbent - 0.5)) {
      part.assign(n, -1);
      for (int v = 0; v < n; ++v)
        for (int j = 0; j < k; ++j)
          if (sol[v * k + j] > 0.5) part[v] = j;
      if (std::find(part.begin(), part.end(), -1) != part.end()) part.clear();
    }
    if (finished) {
      if (part.empty()) {
        // Nothing below the cutoff: the incumbent is optimal, or nothing exists at all.
        if (incumbent >= 0)
          raise(incumbent);
        else
          out.infeasible = true;
        out.proven = true;
        return out;
      }
      const int value = cut_of(g, part);
      // The optimum of a relaxation of the problem (fewer contiguity rows): a lower bound.
      raise(value);
      if (feasible(g, part)) {
        best.offer(part, value);
        out.proven = true;
        return out;
      }
    } else {
      const double bound = model.getBestPossibleObjValue();
      if (bound < 1e50 && Clock::now() < deadline) raise(static_cast<int>(std::ceil(bound - 1e-6)));
      if (incumbent >= 0 && out.lower_bound >= incumbent) {
        out.lower_bound = incumbent;
        out.proven = true;
        return out;
      }
      if (part.empty()) return out;
      if (feasible(g, part)) {
        best.offer(part, cut_of(g, part));
        continue;  // a better cutoff for the next round
      }
    }
    separators(g, part, seen, md.rows);
    out.separators += static_cast<int>((md.rows.size() - rows_at_start) / std::max(1, k));
    if (md.rows.size() == rows_at_start) return out;  // nothing new to add: should not happen
  }
  return out;
}

}  // namespace maillage::sectors::detail
