// Runs the Curtois & Qu instances 1-8 (shared/bench/nrp) at each time limit and prints, per run,
// the objective, the best known value, the gap, the proven lower bound and the independent
// checker's verdict. Usage:
//   roster_nrp_bench [--dir DIR] [--limits 10,60] [--instances 1-8|1,4,7] [--seed N] [--threads N]
//                    [--trace 1]   (the search's progress lines on stderr)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "roster/checker.hpp"
#include "roster/nrp_format.hpp"
#include "roster/solver.hpp"

namespace {

// Best known objective values (proven optimal), from shared/bench/nrp/README.md.
constexpr long long kBestKnown[] = {607, 828, 1001, 1716, 1143, 1950, 1056, 1300};

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto dash = item.find('-');
    if (dash != std::string::npos) {
      for (int v = std::stoi(item.substr(0, dash)); v <= std::stoi(item.substr(dash + 1)); ++v) out.push_back(v);
    } else if (!item.empty()) {
      out.push_back(std::stoi(item));
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = std::string(MAILLAGE_SOURCE_DIR) + "/../shared/bench/nrp";
  std::vector<int> limits{10, 60};
  std::vector<int> instances{1, 2, 3, 4, 5, 6, 7, 8};
  std::uint64_t seed = 1;
  int threads = 2;
  bool trace = false;
  for (int a = 1; a + 1 < argc; a += 2) {
    const std::string key = argv[a], val = argv[a + 1];
    if (key == "--dir") dir = val;
    else if (key == "--limits") limits = parse_list(val);
    else if (key == "--instances") instances = parse_list(val);
    else if (key == "--seed") seed = std::strtoull(val.c_str(), nullptr, 10);
    else if (key == "--threads") threads = std::atoi(val.c_str());
    else if (key == "--trace") trace = val == "1";
    else {
      std::fprintf(stderr, "option inconnue : %s\n", key.c_str());
      return 2;
    }
  }
  std::printf("| instance | limit (s) | objective | best known | gap | lower bound | under / over / requests | time (s) | moves | checker |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  int failures = 0;
  for (int limit : limits) {
    for (int inst : instances) {
      const std::string path = dir + "/Instance" + std::to_string(inst) + ".txt";
      std::ifstream in(path);
      if (!in) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        return 2;
      }
      std::stringstream text;
      text << in.rdbuf();
      auto model = maillage::roster::parse_nrp(text.str(), path);
      if (!model) {
        std::fprintf(stderr, "%s\n", model.error().describe().c_str());
        return 2;
      }
      maillage::roster::SolveOptions opt;
      opt.time_limit_seconds = limit;
      opt.seed = seed;
      opt.threads = threads;
      if (trace) opt.trace = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
      auto sol = maillage::roster::solve(*model, opt);
      if (!sol) {
        std::printf("| %d | %d | error: %s |\n", inst, limit, sol.error().describe().c_str());
        ++failures;
        continue;
      }
      const auto rep = maillage::roster::check(*model, sol->roster);
      const bool agree = rep.feasible() && rep.objective.total == sol->objective;
      if (!agree) ++failures;
      const long long best = inst >= 1 && inst <= 8 ? kBestKnown[inst - 1] : 0;
      const double gap = best > 0 ? 100.0 * static_cast<double>(rep.objective.total - best) / static_cast<double>(best) : 0.0;
      std::printf("| %d | %d | %lld | %lld | %.2f %% | %lld | %lld / %lld / %lld | %.1f | %lld | %s |\n", inst, limit,
                  static_cast<long long>(rep.objective.total), best, gap,
                  static_cast<long long>(sol->lower_bound), static_cast<long long>(rep.objective.under_cover),
                  static_cast<long long>(rep.objective.over_cover),
                  static_cast<long long>(rep.objective.on_requests + rep.objective.off_requests), sol->stats.seconds,
                  static_cast<long long>(sol->stats.iterations),
                  agree ? "valid" : (rep.feasible() ? "objective mismatch" : "INVALID"));
      std::fflush(stdout);
    }
  }
  return failures == 0 ? 0 : 1;
}
