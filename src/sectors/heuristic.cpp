#include "sectors/heuristic.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>

namespace maillage::sectors::detail {

bool Incumbent::offer(const std::vector<int>& part, int cut) {
  std::lock_guard lock(mutex_);
  const int current = cut_.load();
  if (current >= 0 && cut >= current) return false;
  part_ = part;
  cut_.store(cut);
  return true;
}

std::vector<int> Incumbent::part() const {
  std::lock_guard lock(mutex_);
  return part_;
}

namespace {

// Distinct sectors fixed inside each component; -2 in `home` when a sector is fixed in two.
std::vector<int> fixed_home(const Graph& g, const std::vector<int>& comp) {
  std::vector<int> home(g.k, -1);
  for (int v = 0; v < g.n; ++v) {
    const int s = g.fixed[v];
    if (s < 0) continue;
    if (home[s] == -1)
      home[s] = comp[v];
    else if (home[s] != comp[v])
      home[s] = -2;
  }
  return home;
}

}  // namespace

std::vector<int> sectors_per_component(const Graph& g, const std::vector<int>& comp, int count) {
  const auto home = fixed_home(g, comp);
  std::vector<int> at_least(count, 1);
  std::vector<int> fixed_in(count, 0);
  for (int s = 0; s < g.k; ++s) {
    if (home[s] == -2) return {};
    if (home[s] >= 0) ++fixed_in[home[s]];
  }
  std::vector<std::int64_t> load(count, 0);
  for (int v = 0; v < g.n; ++v) load[comp[v]] += g.weight[v];
  // reachable[c][t]: components 0..c-1 can take exactly t sectors. Small: count <= n, k <= n.
  const int k = g.k;
  std::vector<std::vector<int>> choice(count + 1, std::vector<int>(k + 1, -1));
  std::vector<char> can(k + 1, 0), next(k + 1, 0);
  can[0] = 1;
  for (int c = 0; c < count; ++c) {
    std::fill(next.begin(), next.end(), 0);
    for (int t = 0; t <= k; ++t) {
      if (!can[t]) continue;
      for (int m = std::max(at_least[c], fixed_in[c]); t + m <= k; ++m) {
        if (load[c] < m * g.lower) break;
        if (load[c] > m * g.upper) continue;
        if (!next[t + m]) {
          next[t + m] = 1;
          choice[c + 1][t + m] = m;
        }
      }
    }
    can.swap(next);
  }
  if (!can[k]) return {};
  std::vector<int> out(count);
  for (int c = count, t = k; c > 0; --c) {
    out[c - 1] = choice[c][t];
    t -= out[c - 1];
  }
  return out;
}

namespace {

std::int64_t violation(const Graph& g, std::int64_t load) {
  if (load > g.upper) return load - g.upper;
  if (load < g.lower) return g.lower - load;
  return 0;
}

// Random region growing from one seed per sector (or the sector's fixed nodes), the lightest
// sector growing first. Empty when it fails (a sector cut in pieces by fixed nodes, nodes no
// sector can reach); the caller tries again.
std::optional<std::vector<int>> grow(const Graph& g, const std::vector<int>& comp,
                                     const std::vector<int>& counts, std::mt19937_64& rng) {
  const int k = g.k;
  const auto home = fixed_home(g, comp);
  // Sectors to components: fixed sectors to their home, the others to fill the counts.
  std::vector<int> sector_comp(k, -1);
  std::vector<int> left = counts;
  for (int s = 0; s < k; ++s)
    if (home[s] >= 0) {
      sector_comp[s] = home[s];
      --left[home[s]];
    }
  {
    int c = 0;
    for (int s = 0; s < k; ++s) {
      if (sector_comp[s] >= 0) continue;
      while (c < static_cast<int>(left.size()) && left[c] <= 0) ++c;
      if (c >= static_cast<int>(left.size())) return std::nullopt;
      sector_comp[s] = c;
      --left[c];
    }
  }
  std::vector<int> part(g.n, -1);
  std::vector<std::int64_t> load(k, 0);
  std::vector<std::vector<int>> frontier(k);
  auto take = [&](int v, int s) {
    part[v] = s;
    load[s] += g.weight[v];
    for (const auto& [u, e] : g.adj[v])
      if (part[u] < 0 && (g.fixed[u] < 0 || g.fixed[u] == s)) frontier[s].push_back(u);
  };
  for (int v = 0; v < g.n; ++v)
    if (g.fixed[v] >= 0) take(v, g.fixed[v]);
  for (int s = 0; s < k; ++s) {
    if (home[s] >= 0) continue;
    std::vector<int> candidates;
    for (int v = 0; v < g.n; ++v)
      if (part[v] < 0 && g.fixed[v] < 0 && comp[v] == sector_comp[s]) candidates.push_back(v);
    if (candidates.empty()) return std::nullopt;
    take(candidates[rng() % candidates.size()], s);
  }
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (;;) {
    int s = -1;
    for (int t = 0; t < k; ++t) {
      auto& f = frontier[t];
      while (!f.empty() && part[f.back()] >= 0) f.pop_back();
      if (f.empty()) continue;
      if (s < 0 || load[t] < load[s]) s = t;
    }
    if (s < 0) break;
    if (unit(rng) < 0.3) {  // now and then a random sector, for variety
      const int t = static_cast<int>(rng() % k);
      if (!frontier[t].empty()) s = t;
    }
    auto& f = frontier[s];
    const std::size_t i = rng() % f.size();
    const int v = f[i];
    f[i] = f.back();
    f.pop_back();
    if (part[v] >= 0) continue;
    take(v, s);
  }
  for (int v = 0; v < g.n; ++v)
    if (part[v] < 0) return std::nullopt;
  for (const auto& sector : pieces(g, part))
    if (sector.size() != 1) return std::nullopt;
  return part;
}

class Annealer {
 public:
  Annealer(const Graph& g, std::vector<int> part)
      : g_(g), part_(std::move(part)), load_(g.k, 0), size_(g.k, 0) {
    for (int v = 0; v < g.n; ++v) {
      load_[part_[v]] += g.weight[v];
      ++size_[part_[v]];
    }
    for (std::int64_t l : load_) viol_ += violation(g, l);
    cut_ = cut_of(g, part_);
    mark_.assign(g.n, 0);
  }

  [[nodiscard]] int cut() const { return cut_; }
  [[nodiscard]] std::int64_t viol() const { return viol_; }
  [[nodiscard]] const std::vector<int>& part() const { return part_; }

  // One attempted move; true when made.
  bool step(std::mt19937_64& rng, double temperature, double penalty) {
    const int v = static_cast<int>(rng() % g_.n);
    if (g_.fixed[v] >= 0) return false;
    const int from = part_[v];
    if (size_[from] <= 1) return false;
    const auto& adj = g_.adj[v];
    if (adj.empty()) return false;
    int differing = 0;
    for (const auto& [u, e] : adj) differing += part_[u] != from;
    if (differing == 0) return false;
    int pick = static_cast<int>(rng() % differing);
    int to = -1;
    for (const auto& [u, e] : adj)
      if (part_[u] != from && pick-- == 0) {
        to = part_[u];
        break;
      }
    int delta_cut = 0;
    int from_neighbours = 0;
    for (const auto& [u, e] : adj) {
      if (part_[u] == from) {
        delta_cut += g_.edges[e].weight;
        ++from_neighbours;
      } else if (part_[u] == to) {
        delta_cut -= g_.edges[e].weight;
      }
    }
    const std::int64_t w = g_.weight[v];
    const std::int64_t delta_viol = violation(g_, load_[from] - w) + violation(g_, load_[to] + w) -
                                    violation(g_, load_[from]) - violation(g_, load_[to]);
    const double delta = delta_cut + penalty * static_cast<double>(delta_viol);
    if (delta > 0) {
      if (temperature <= 0) return false;
      std::uniform_real_distribution<double> unit(0.0, 1.0);
      if (unit(rng) >= std::exp(-delta / temperature)) return false;
    }
    if (from_neighbours > 1 && !stays_connected(v, from, from_neighbours)) return false;
    part_[v] = to;
    load_[from] -= w;
    load_[to] += w;
    --size_[from];
    ++size_[to];
    cut_ += delta_cut;
    viol_ += delta_viol;
    return true;
  }

 private:
  // Whether sector `from` stays connected without v: a search from one of v's neighbours in it
  // that stops as soon as it has met all of them.
  bool stays_connected(int v, int from, int from_neighbours) {
    ++stamp_;
    if (stamp_ == 0) {
      std::fill(mark_.begin(), mark_.end(), 0);
      stamp_ = 1;
    }
    mark_[v] = stamp_;
    int start = -1;
    for (const auto& [u, e] : g_.adj[v])
      if (part_[u] == from) {
        start = u;
        break;
      }
    queue_.assign(1, start);
    mark_[start] = stamp_;
    // Count v's sector neighbours met (start is one).
    std::vector<char>& is_target = target_;
    is_target.resize(g_.n, 0);
    for (const auto& [u, e] : g_.adj[v])
      if (part_[u] == from) is_target[u] = 1;
    int met = 1;
    bool ok = false;
    for (std::size_t i = 0; i < queue_.size() && !ok; ++i)
      for (const auto& [u, e] : g_.adj[queue_[i]]) {
        if (part_[u] != from || mark_[u] == stamp_) continue;
        mark_[u] = stamp_;
        if (is_target[u] && ++met == from_neighbours) {
          ok = true;
          break;
        }
        queue_.push_back(u);
      }
    for (const auto& [u, e] : g_.adj[v]) is_target[u] = 0;
    return ok;
  }

  const Graph& g_;
  std::vector<int> part_;
  std::vector<std::int64_t> load_;
  std::vector<int> size_;
  std::int64_t viol_ = 0;
  int cut_ = 0;
  std::vector<unsigned> mark_;
  unsigned stamp_ = 0;
  std::vector<int> queue_;
  std::vector<char> target_;
};

}  // namespace

std::int64_t anneal(const Graph& g, std::uint64_t seed, Clock::time_point deadline,
                    const std::atomic<bool>& stop, Incumbent& best, int target,
                    std::int64_t max_moves) {
  std::mt19937_64 rng(seed);
  int count = 0;
  const auto comp = components(g, &count);
  const auto counts = sectors_per_component(g, comp, count);
  std::int64_t moves = 0;
  if (counts.empty()) return moves;
  // Penalty per unit of workload outside the bounds, in cut edges: one average node's weight
  // outside costs about one edge at first, more while the walk stays outside.
  const double average = std::max(1.0, static_cast<double>(g.total) / g.n);
  const std::int64_t run_length = std::max<std::int64_t>(200000, 4000LL * g.n);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto done = [&] {
    return stop.load(std::memory_order_relaxed) || Clock::now() >= deadline ||
           (max_moves > 0 && moves >= max_moves) ||
           (target >= 0 && best.cut() >= 0 && best.cut() <= target);
  };
  int failures = 0;
  while (!done()) {
    std::optional<std::vector<int>> start;
    bool from_best = false;
    if (best.cut() >= 0 && unit(rng) < 0.5) {
      start = best.part();
      from_best = true;
    } else {
      start = grow(g, comp, counts, rng);
    }
    if (!start) {
      if (++failures > 1000)
        return moves;  // fixed nodes the growth cannot honour: leave it to the exact model
      continue;
    }
    Annealer a(g, std::move(*start));
    double penalty = 1.0 / average;
    const double t0 = from_best ? 0.8 : 2.0, t1 = 0.05;
    int run_best = a.viol() == 0 ? a.cut() : -1;
    for (std::int64_t it = 0; it < run_length; ++it, ++moves) {
      if ((it & 4095) == 0) {
        if (done()) return moves;
        // Out of bounds for a while: make it dearer; inside: relax slowly.
        if (a.viol() > 0)
          penalty *= 1.1;
        else
          penalty = std::max(0.3 / average, penalty / 1.02);
      }
      const double temperature = t0 * std::pow(t1 / t0, static_cast<double>(it) / run_length);
      if (!a.step(rng, temperature, penalty)) continue;
      if (a.viol() == 0 && (run_best < 0 || a.cut() < run_best)) {
        run_best = a.cut();
        const int current = best.cut();
        if (current < 0 || a.cut() < current) {
          if (feasible(g, a.part())) best.offer(a.part(), a.cut());
        }
      }
    }
    // A greedy descent at zero temperature to finish.
    for (int it = 0; it < 20 * g.n; ++it, ++moves) a.step(rng, 0.0, penalty);
    if (a.viol() == 0 && feasible(g, a.part())) best.offer(a.part(), a.cut());
  }
  return moves;
}

}  // namespace maillage::sectors::detail
