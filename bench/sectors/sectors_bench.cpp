// The sectors engine on the districting benchmark (../shared/bench/districting: the instances
// and their README with bounds and proven optima, read from the README's table, not from here),
// then how time grows with the number of units and k on generated planar-like graphs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "sectors/networkx.hpp"
#include "sectors/sectors.hpp"

namespace fs = std::filesystem;
using namespace maillage::sectors;

namespace {

struct Expected {
  int k = 0;
  long long lower = 0, upper = 0;
  int optimum = -1;
};

// "| ME_county.json | 16 | 34 | 2 | 660 860 | 667 501 | 16 | 0.1 s |"
std::map<std::string, Expected> read_readme(const fs::path& readme) {
  std::map<std::string, Expected> out;
  std::ifstream in(readme);
  std::string line;
  auto number = [](std::string cell) {
    std::string digits;
    for (char c : cell)
      if (c >= '0' && c <= '9') digits += c;
    return digits.empty() ? -1LL : std::stoll(digits);
  };
  while (std::getline(in, line)) {
    if (line.rfind("| ", 0) != 0 || line.find(".json") == std::string::npos) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    std::string cell;
    while (std::getline(ss, cell, '|')) cells.push_back(cell);
    if (cells.size() < 7) continue;
    std::string name = cells[0];
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    out[name] = {static_cast<int>(number(cells[3])), number(cells[4]), number(cells[5]),
                 static_cast<int>(number(cells[6]))};
  }
  return out;
}

// A planar-like graph: points in the unit square, each joined to its nearest neighbours while the
// edge crosses no edge kept so far (a greedy planar graph, like communes sharing borders), with
// log-normal weights (commune populations are very skewed).
Problem planar(int n, int k, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::lognormal_distribution<double> pop(7.0, 1.2);
  std::vector<double> x(n), y(n);
  Problem p;
  for (int i = 0; i < n; ++i) {
    x[i] = u(rng);
    y[i] = u(rng);
    p.weight.push_back(static_cast<std::int64_t>(pop(rng)) + 1);
  }
  std::vector<std::tuple<double, int, int>> candidates;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      const double d = std::hypot(x[i] - x[j], y[i] - y[j]);
      if (d < 4.0 / std::sqrt(n)) candidates.emplace_back(d, i, j);
    }
  std::sort(candidates.begin(), candidates.end());
  auto cross = [&](int a, int b, int c, int d) {
    if (a == c || a == d || b == c || b == d) return false;
    auto orient = [&](int p1, int p2, int p3) {
      return (x[p2] - x[p1]) * (y[p3] - y[p1]) - (y[p2] - y[p1]) * (x[p3] - x[p1]);
    };
    return (orient(a, b, c) > 0) != (orient(a, b, d) > 0) &&
           (orient(c, d, a) > 0) != (orient(c, d, b) > 0);
  };
  for (const auto& [d, i, j] : candidates) {
    bool ok = true;
    for (const auto& [a, b] : p.edges)
      if (cross(i, j, a, b)) {
        ok = false;
        break;
      }
    if (ok) p.edges.emplace_back(i, j);
  }
  p.k = k;
  std::int64_t total = 0;
  for (auto w : p.weight) total += w;
  const auto b = bounds_from_deviation(total, k, 0.05);
  p.lower = b.lower;
  p.upper = b.upper;
  return p;
}

std::string gap_text(const Solution& s) {
  if (s.status != SolveStatus::optimal && s.status != SolveStatus::feasible) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d (%.0f %%)", s.cut_edges - s.lower_bound,
                s.cut_edges ? 100.0 * (s.cut_edges - s.lower_bound) / s.cut_edges : 0.0);
  return buf;
}

}  // namespace

// The machine's load (Linux), printed with the results: the 2 cores are often shared.
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five;
  in >> one >> five;
  return one.empty() ? "n/a" : one + " (1 min), " + five + " (5 min)";
}

int main(int argc, char** argv) {
  std::string dir = "../shared/bench/districting";
  std::string out_dir;  // --out: one node,sector CSV per instance
  double limit = 60;
  int threads = 2;
  bool growth = true, mip = false;
  double growth_limit = 20;
  std::vector<int> growth_n{100, 300, 600, 900}, growth_k{2, 3, 4, 6};
  std::set<std::string> only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--time-limit" && i + 1 < argc)
      limit = std::atof(argv[++i]);
    else if (a == "--threads" && i + 1 < argc)
      threads = std::atoi(argv[++i]);
    else if (a == "--mip")
      mip = true;
    else if (a == "--out" && i + 1 < argc)
      out_dir = argv[++i];
    else if (a == "--no-growth")
      growth = false;
    else if (a == "--growth-limit" && i + 1 < argc)
      growth_limit = std::atof(argv[++i]);
    else if (a == "--growth-n" && i + 1 < argc)
      growth_n = {std::atoi(argv[++i])};
    else if (a == "--growth-k" && i + 1 < argc)
      growth_k = {std::atoi(argv[++i])};
    else if (a == "--only" && i + 1 < argc) {
      std::stringstream ss(argv[++i]);
      std::string name;
      while (std::getline(ss, name, ',')) only.insert(name);
    } else
      dir = a;
  }
  Options options;
  options.time_limit = std::chrono::milliseconds(static_cast<long long>(limit * 1000));
  options.threads = threads;
  if (mip) options.exact = ExactMethod::mip;
  if (!fs::exists(fs::path(dir) / "README.md")) {
    std::printf("districting instances not found in %s (pass their folder as argument): skipped\n",
                dir.c_str());
  } else {
    const auto expected = read_readme(fs::path(dir) / "README.md");
    std::printf(
        "Districting benchmark (%s), time limit %.0f s, %d thread(s), exact side %s, deviation "
        "0.01 "
        "(±0.5 %%), load average %s\n",
        dir.c_str(), limit, threads, mip ? "MIP (CBC)" : "tree search", load_average().c_str());
    std::printf(
        "| instance | n | edges | k | status | checker | cut | optimum (README) | gap to bound | "
        "proven bound | time (s) | tree nodes |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const auto& [name, exp] : expected) {
      if (!only.empty() && !only.count(name.substr(0, name.find('.')))) continue;
      auto file = read_networkx((fs::path(dir) / name).string());
      if (!file) {
        std::printf("| %s | error: %s |\n", name.c_str(), file.error().describe().c_str());
        continue;
      }
      Problem p;
      p.weight = file->weight;
      p.edges = file->edges;
      p.k = exp.k;
      std::int64_t total = 0;
      for (auto w : p.weight) total += w;
      const auto b = bounds_from_deviation(total, p.k, 0.01);
      p.lower = b.lower;
      p.upper = b.upper;
      if (b.lower != exp.lower || b.upper != exp.upper)
        std::printf("(%s: bounds [%lld, %lld] differ from the README's [%lld, %lld])\n",
                    name.c_str(), static_cast<long long>(b.lower), static_cast<long long>(b.upper),
                    exp.lower, exp.upper);
      auto s = solve(p, options);
      if (!s) {
        std::printf("| %s | error: %s |\n", name.c_str(), s.error().describe().c_str());
        continue;
      }
      if (!out_dir.empty() && !s->sector.empty()) {  // node,sector as the CLI writes it
        std::ofstream out(fs::path(out_dir) / (name + ".csv"));
        for (std::size_t v = 0; v < s->sector.size(); ++v) out << v << ',' << s->sector[v] << '\n';
      }
      std::string verdict = "-";
      if (!s->sector.empty()) {
        const auto c = check(p, s->sector);
        verdict = c ? "ok" : "FAIL: " + c.error().message;
      }
      std::string cut = s->sector.empty() ? "-" : std::to_string(s->cut_edges);
      if (!s->sector.empty() && exp.optimum >= 0 && s->cut_edges != exp.optimum)
        cut += " (" + std::string(s->cut_edges > exp.optimum ? "+" : "") +
               std::to_string(s->cut_edges - exp.optimum) + ")";
      std::printf("| %s | %zu | %zu | %d | %s | %s | %s | %d | %s | %d | %.1f | %ld |\n",
                  name.c_str(), p.weight.size(), p.edges.size(), p.k, status_name(s->status),
                  verdict.c_str(), cut.c_str(), exp.optimum, gap_text(*s).c_str(), s->lower_bound,
                  s->seconds, s->tree_nodes);
      std::fflush(stdout);
    }
  }
  std::printf("load average after: %s\n", load_average().c_str());
  if (!growth) return 0;
  Options g_options = options;
  g_options.time_limit = std::chrono::milliseconds(static_cast<long long>(growth_limit * 1000));
  std::printf(
      "\nGrowth: generated planar graphs (greedy planar, log-normal weights), deviation 0.05 (±2.5 "
      "%%), "
      "time limit %.0f s; time to the final status (s) and status (o optimal, f feasible with "
      "gap)\n",
      growth_limit);
  std::printf("| units |");
  for (int k : growth_k) std::printf(" k=%d |", k);
  std::printf("\n|---|");
  for (std::size_t i = 0; i < growth_k.size(); ++i) std::printf("---|");
  std::printf("\n");
  for (int n : growth_n) {
    std::printf("| %d |", n);
    for (int k : growth_k) {
      const auto p = planar(n, k, 1000 + n + k);
      auto s = solve(p, g_options);
      if (!s) {
        std::printf(" error |");
        continue;
      }
      const bool ok = s->sector.empty() || check(p, s->sector);
      std::printf(
          " %.1f %s%s%s |", s->seconds,
          s->status == SolveStatus::optimal    ? "o"
          : s->status == SolveStatus::feasible ? "f"
                                               : status_name(s->status),
          s->status == SolveStatus::feasible
              ? (" " + std::to_string(s->cut_edges) + "/" + std::to_string(s->lower_bound)).c_str()
              : "",
          ok ? "" : " CHECK FAILED");
      std::fflush(stdout);
    }
    std::printf("\n");
  }
  std::printf("load average after: %s\n", load_average().c_str());
  return 0;
}
