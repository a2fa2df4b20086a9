// ACI engine costs, each against a baseline measured in the same run:
// - rules: load_rulebook (parse + extends + checks) vs toml++ parsing the same files;
// - one contract: parse_contract (lines, typed reading, validation) vs nlohmann::json::parse;
// - one schedule: compute_schedule of the example contract vs parsing it;
// - a national portfolio (700 generated CPTS contracts, the order of magnitude of signed ACI):
//   parse + schedule of all vs plain JSON parsing of all.
#include <benchmark/benchmark.h>
#include <toml++/toml.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "aci/contract.hpp"
#include "aci/schedule.hpp"

namespace {

using namespace maillage::aci;

std::string read(const std::string& relative) {
  std::ifstream in(std::string(MAILLAGE_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const RuleBook& book() {
  static const RuleBook b = *load_rulebook(builtin_rule_files());
  return b;
}

const std::string& example() {
  static const std::string text = read("rules/aci/examples/contrat_cpts.json");
  return text;
}

// Fictitious contracts with varied sizes, dates, avenants, missions and indicators.
const std::vector<std::string>& portfolio() {
  static const std::vector<std::string> contracts = [] {
    std::mt19937 rng(700);
    std::vector<std::string> out;
    const char* missions[] = {"acces_soins", "parcours", "prevention", "qualite", "accompagnement"};
    for (int i = 0; i < 700; ++i) {
      nlohmann::json c;
      c["id"] = "CPTS-" + std::to_string(i);
      c["accord"] = "cpts-2019";
      c["parties"] = {{"cpts", {{"name", "CPTS " + std::to_string(i)}}},
                      {"cpam", {{"name", "CPAM"}}},
                      {"ars", {{"name", "ARS"}}}};
      Date sig = add_months(*parse_date("2019-09-02"), static_cast<int>(rng() % 60));
      c["signature"] = format_date(sig);
      c["size_class"] = "T" + std::to_string(1 + rng() % 4);
      if (rng() % 2)
        c["avenants"] = {{{"accord", "cpts-2019-av2"}, {"from", format_date(add_months(sig, 13))}}};
      nlohmann::json ms = nlohmann::json::array();
      for (const char* m : missions) {
        nlohmann::json mj{{"mission", m}, {"start", format_date(add_months(sig, 1 + rng() % 11))}};
        nlohmann::json years = nlohmann::json::array();
        for (int y = 1; y <= 5; ++y) {
          years.push_back({{"year", y}, {"paliers", {10 * y, 20 * y}}, {"measured", rng() % 100}});
        }
        mj["indicators"] = {{{"id", "a"}, {"baseline", 0}, {"years", years}},
                            {{"id", "b"}, {"baseline", 0}, {"weight", 2}, {"years", years}}};
        ms.push_back(mj);
      }
      c["missions"] = ms;
      out.push_back(c.dump(2));
    }
    return out;
  }();
  return contracts;
}

void BM_Rules_Load(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(load_rulebook(builtin_rule_files()));
}
BENCHMARK(BM_Rules_Load)->Unit(benchmark::kMicrosecond);

void BM_Rules_TomlOnly(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& f : builtin_rule_files())
      benchmark::DoNotOptimize(toml::parse(f.text, f.name));
  }
}
BENCHMARK(BM_Rules_TomlOnly)->Unit(benchmark::kMicrosecond);

void BM_Contract_Parse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(parse_contract(example(), "c.json", book()));
}
BENCHMARK(BM_Contract_Parse)->Unit(benchmark::kMicrosecond);

void BM_Contract_JsonOnly(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(nlohmann::json::parse(example()));
}
BENCHMARK(BM_Contract_JsonOnly)->Unit(benchmark::kMicrosecond);

void BM_Contract_Schedule(benchmark::State& state) {
  Contract c = *parse_contract(example(), "c.json", book());
  for (auto _ : state) benchmark::DoNotOptimize(compute_schedule(c, book()));
}
BENCHMARK(BM_Contract_Schedule)->Unit(benchmark::kMicrosecond);

void BM_Portfolio_ParseAndSchedule(benchmark::State& state) {
  std::size_t payments = 0;
  for (auto _ : state) {
    payments = 0;
    for (const auto& text : portfolio()) {
      auto c = parse_contract(text, "c.json", book());
      auto s = compute_schedule(*c, book());
      payments += s->payments.size();
    }
  }
  state.counters["payments"] = static_cast<double>(payments);
}
BENCHMARK(BM_Portfolio_ParseAndSchedule)->Unit(benchmark::kMillisecond);

void BM_Portfolio_JsonOnly(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& text : portfolio()) benchmark::DoNotOptimize(nlohmann::json::parse(text));
  }
}
BENCHMARK(BM_Portfolio_JsonOnly)->Unit(benchmark::kMillisecond);

class Collector : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      seconds[r.benchmark_name()] =
          r.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(r.time_unit);
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> seconds;
};

void summary(const Collector& c) {
  auto get = [&](const std::string& name) {
    auto it = c.seconds.find(name);
    return it == c.seconds.end() ? -1.0 : it->second;
  };
  std::printf("\n%-36s %12s   %-30s %12s   %s\n", "stage", "time", "baseline (same run)", "time",
              "ratio");
  auto row = [&](const char* what, const char* name, const char* base_what, const char* base) {
    double t = get(name);
    double b = get(base);
    if (t < 0 || b < 0) return;
    std::printf("%-36s %9.1f us   %-30s %9.1f us   %5.2fx\n", what, t * 1e6, base_what, b * 1e6,
                t / b);
  };
  row("rules: load_rulebook", "BM_Rules_Load", "toml++ parse only", "BM_Rules_TomlOnly");
  row("contract: parse_contract", "BM_Contract_Parse", "nlohmann parse only",
      "BM_Contract_JsonOnly");
  row("contract: compute_schedule", "BM_Contract_Schedule", "parse_contract", "BM_Contract_Parse");
  row("700 contracts: parse + schedule", "BM_Portfolio_ParseAndSchedule", "nlohmann parse only",
      "BM_Portfolio_JsonOnly");
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  summary(collector);
  benchmark::Shutdown();
  return 0;
}
