// solve(): the heuristic and the exact model side by side (README.md, "Method").
#include <algorithm>
#include <cmath>
#include <mutex>
#include <thread>

#include "common/try.hpp"
#include "sectors/bnb.hpp"
#include "sectors/exact.hpp"
#include "sectors/graph.hpp"
#include "sectors/heuristic.hpp"
#include "sectors/sectors.hpp"

namespace maillage::sectors {

namespace {

using detail::Clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The deviation (as in bounds_from_deviation) of a partition: twice the largest relative gap
// between a sector's workload and the mean, rounded up to 1e-6.
double deviation_of(const std::vector<std::int64_t>& load, std::int64_t total, int k) {
  const double mean = static_cast<double>(total) / k;
  double worst = 0;
  for (std::int64_t l : load)
    worst = std::max(worst, std::abs(static_cast<double>(l) - mean) / mean);
  return std::ceil(2 * worst * 1e6) / 1e6;
}

}  // namespace

Result<Solution> solve(const Problem& problem, const Options& options) {
  const auto start = Clock::now();
  const auto deadline = start + options.time_limit;
  detail::Graph g = MAILLAGE_TRY(detail::contract(problem));
  if (options.threads < 1)
    return fail(ErrorCode::invalid_input, "threads must be at least 1", "threads");
  std::atomic<bool> stop{false};
  detail::Incumbent best;
  std::mutex progress_mutex;
  std::atomic<int> lower_bound{0};
  auto report = [&](const char* phase) {
    if (!options.on_progress) return;
    std::lock_guard lock(progress_mutex);
    options.on_progress(Progress{best.cut(), lower_bound.load(), seconds_since(start), phase});
  };
  // Stop the other side when told to from outside.
  auto cancelled = [&] { return options.cancel && options.cancel->load(); };
  std::atomic<bool> proven{false}, infeasible{false};

  int count = 0;
  const auto comp = detail::components(g, &count);
  const bool impossible =
      g.n < g.k || g.lower > g.upper || detail::sectors_per_component(g, comp, count).empty();
  if (impossible) infeasible = proven = true;

  bool timed_out = false;
  long tree_nodes = 0;
  if (!impossible && options.work_limit) {
    // Reproducible: one thread, a budget of moves then of tree nodes; the clock only as a
    // safety net (timed_out says when it struck).
    const WorkLimit& work = *options.work_limit;
    std::thread watcher([&] {
      while (!stop.load()) {
        if (cancelled()) stop = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    const std::int64_t moves = detail::anneal(g, work.seed, deadline, stop, best, -1,
                                              std::max<std::int64_t>(1, work.anneal_moves));
    timed_out = moves < work.anneal_moves && (stop.load() || Clock::now() >= deadline);
    report("heuristic");
    if (!timed_out && work.tree_nodes > 0) {
      detail::TreeSearch tree(g, best, deadline, stop, 1, work.tree_nodes);
      tree.work();
      const auto r = tree.result();
      timed_out = tree.timed_out();
      tree_nodes = tree.nodes();
      lower_bound = std::max(lower_bound.load(), r.lower_bound);
      if (r.proven) {
        proven = true;
        infeasible = r.infeasible;
      }
      report("exact");
    }
    stop = true;
    watcher.join();
  } else if (!impossible) {
    // Thread 1 anneals for a short warm-up to get a cutoff, then searches the tree (or runs the
    // MIP). Thread 2 (if any) anneals for a quarter of the budget or more, then joins the tree
    // search. A watcher turns an outside cancel into `stop` and ends the helper's annealing.
    const auto total = options.time_limit;
    const auto warmup = Clock::now() + std::min<Clock::duration>(
                                           total / 10, std::chrono::milliseconds(200 + 10LL * g.n));
    const bool mip = options.exact == ExactMethod::mip;
    detail::TreeSearch tree(g, best, deadline, stop);
    std::atomic<bool> helper_stop{false};
    std::thread helper;
    if (options.threads >= 2)
      helper = std::thread([&] {
        detail::anneal(g, 0x5eed2, deadline, helper_stop, best);
        if (!mip && !stop.load()) tree.work();
      });
    std::thread watcher([&] {
      int last_cut = -1;
      auto last_change = Clock::now();
      // (At most 100 ms per unit: a small graph's annealing converges fast, and its tree search
      // is worth the thread.)
      const auto least = std::min<Clock::duration>(
          {total / 4, std::chrono::seconds(30), std::chrono::milliseconds(100LL * g.n)});
      const auto quiet = std::min<Clock::duration>(total / 10, std::chrono::seconds(10));
      while (!stop.load()) {
        if (cancelled()) stop = true;
        const auto now = Clock::now();
        if (best.cut() != last_cut) {
          last_cut = best.cut();
          last_change = now;
        }
        // The helper anneals for at least a quarter of the budget (at most 30 s, and at most
        // 100 ms per unit), and on while
        // it still improves the incumbent (within a tenth of the budget, at most 10 s): the tree
        // search needs a good cutoff, and on large graphs it cannot finish anyway.
        if (!mip && now - start >= least && now - last_change >= quiet) helper_stop = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      helper_stop = true;
    });
    detail::anneal(g, 0x5eed1, std::min(warmup, deadline), stop, best);
    report("heuristic");
    if (!stop.load() && Clock::now() < deadline) {
      detail::ExactResult r;
      if (mip) {
        r = detail::exact(g, best, deadline, stop, [&](int lb) {
          lower_bound = std::max(lower_bound.load(), lb);
          report("exact");
        });
      } else {
        tree.work();
      }
      stop = true;
      if (helper.joinable()) helper.join();
      if (!mip) {
        r = tree.result();
        tree_nodes = tree.nodes();
      }
      timed_out = !r.proven;
      lower_bound = std::max(lower_bound.load(), r.lower_bound);
      if (r.proven) {
        proven = true;
        infeasible = r.infeasible;
      }
      report("exact");
    } else {
      timed_out = true;
    }
    stop = true;
    if (helper.joinable()) helper.join();
    watcher.join();
  }

  Solution out;
  out.seconds = seconds_since(start);
  out.timed_out = timed_out || cancelled();
  out.tree_nodes = tree_nodes;
  out.lower_bound = lower_bound.load();
  const int cut = best.cut();
  if (cut >= 0) {
    const auto part = best.part();
    out.sector = detail::expand(g, part);
    out.cut_edges = cut;
    out.workload.assign(g.k, 0);
    for (int v = 0; v < g.n; ++v) out.workload[part[v]] += g.weight[v];
    if (proven) out.lower_bound = std::max(out.lower_bound, cut);
    out.lower_bound = std::min(out.lower_bound, cut);
    out.status = out.lower_bound == cut ? SolveStatus::optimal : SolveStatus::feasible;
  } else if (proven && infeasible) {
    out.status = SolveStatus::infeasible;
  } else {
    out.status = SolveStatus::unknown;
  }
  if (out.status == SolveStatus::infeasible && g.k >= 1 && g.n >= g.k) {
    // The most balanced partition a short anneal finds with the bounds widened step by step.
    const auto left = deadline - Clock::now();
    double deviation =
        2.0 *
        std::max(static_cast<double>(g.upper) / (static_cast<double>(g.total) / g.k) - 1.0, 0.005);
    for (int step = 0; step < 12 && Clock::now() < deadline && !cancelled();
         ++step, deviation *= 2) {
      detail::Graph wide = g;
      const auto b = bounds_from_deviation(g.total, g.k, deviation);
      wide.lower = b.lower;
      wide.upper = b.upper;
      int wc = 0;
      const auto wcomp = detail::components(wide, &wc);
      if (detail::sectors_per_component(wide, wcomp, wc).empty()) continue;
      detail::Incumbent found;
      std::atomic<bool> never{false};
      // Stops at the first partition within the widened bounds (any cut will do).
      const auto budget =
          std::min<Clock::duration>(left / 12, std::chrono::milliseconds(500 + 10LL * g.n));
      detail::anneal(wide, 0x5eed3 + step, std::min(deadline, Clock::now() + budget), never, found,
                     static_cast<int>(wide.edges.size()) * 1000000);
      if (found.cut() >= 0) {
        std::vector<std::int64_t> load(g.k, 0);
        const auto part = found.part();
        for (int v = 0; v < g.n; ++v) load[part[v]] += g.weight[v];
        out.smallest_feasible_deviation = deviation_of(load, g.total, g.k);
        break;
      }
    }
    out.seconds = seconds_since(start);
  }
  return out;
}

}  // namespace maillage::sectors
