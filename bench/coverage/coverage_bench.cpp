// National coverage benchmark (Google Benchmark): ~800 CPTS territories over France, computed by
// the engine (src/coverage) and by the straightforward implementation (tests/coverage/naive.hpp)
// in the same run; the summary prints the ratio and the < 50 ms target. Proposals for the whole
// of France (the observatory's `propositions=1`), with the territories and with none (every
// commune white), against the version that re-splits the rest after each group
// (tests/coverage/naive_proposals.hpp), same run, same answer checked.
//
// Data: the real référentiel when MAILLAGE_REFERENCE names an existing file (and the build has
// src/refdata), otherwise a synthetic 175 × 200 grid of 35 000 communes. Territories are grown
// by BFS from random seeds (fixtures.hpp, fixed seed), so every run measures the same instance.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "coverage/coverage.hpp"
#include "coverage/proposals.hpp"
#include "coverage/territory_csv.hpp"
#include "fixtures.hpp"
#include "naive.hpp"
#include "naive_proposals.hpp"
#ifdef MAILLAGE_BENCH_HAS_REFDATA
#include "refdata/reference_file.hpp"
#endif

namespace maillage::coverage::bench {

namespace {

const std::vector<StageFilter> kFilters = {
    {"toutes", "Toutes les CPTS", {}},
    {"projet_valide",
     "Projet de santé validé ou plus",
     {"projet_valide", "aci_negociation", "aci_signe", "actif"}},
    {"aci_signe", "ACI signé", {"aci_signe", "actif"}}};

// The référentiel lives on the heap: the graph points to it, and Data may be moved.
struct Data {
  std::string source;
  std::unique_ptr<geo::Referentiel> ref = std::make_unique<geo::Referentiel>();
  std::unique_ptr<UnitGraph> graph;
  std::vector<Territory> territories;
};

const Data& data() {
  static const Data d = [] {
    Data out;
    const char* path = std::getenv("MAILLAGE_REFERENCE");
#ifdef MAILLAGE_BENCH_HAS_REFDATA
    if (path != nullptr && std::filesystem::exists(path)) {
      auto ref = refdata::load_reference(path);
      if (!ref) {
        std::fprintf(stderr, "référentiel illisible : %s\n", ref.error().describe().c_str());
        std::exit(1);
      }
      *out.ref = std::move(*ref);
      out.source = std::string("référentiel ") + path;
    }
#else
    if (path != nullptr) std::fprintf(stderr, "built without src/refdata: synthetic grid used\n");
#endif
    if (out.source.empty()) {
      test::GridSpec s;
      s.rows = 175;
      s.cols = 200;
      s.dep_rows = 18;  // 10 × 10 départements of ~360 communes
      s.dep_cols = 20;
      s.region_deps = 3;
      s.epci_size = 6;
      s.city = true;
      s.seed = 2024;
      *out.ref = test::make_grid(s);
      out.source = "synthetic 175 × 200 grid";
    }
    auto g = UnitGraph::build(*out.ref);
    if (!g) {
      std::fprintf(stderr, "%s\n", g.error().describe().c_str());
      std::exit(1);
    }
    out.graph = std::make_unique<UnitGraph>(std::move(*g));
    // Targets sized so that ~800 territories cover ~85 % of the population, as in France in
    // 2024-2025 (research/domain.md §0); BFS growth boxed in by neighbours ends a bit lower.
    std::int64_t total = 0;
    for (CommuneIndex u : out.graph->units()) total += out.graph->population(u);
    const std::int64_t mean = total * 85 / 100 / 800;
    test::GrowSpec spec;
    spec.count = 800;
    spec.min_target = mean / 2;
    spec.max_target = mean * 19 / 10;
    spec.overlap = 0.02;
    spec.scatter = 0.05;
    spec.seed = 42;
    out.territories = test::grow_territories(*out.graph, spec);
    return out;
  }();
  return d;
}

void BM_UnitGraphBuild(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    auto g = UnitGraph::build(*d.ref);
    benchmark::DoNotOptimize(g);
  }
}
BENCHMARK(BM_UnitGraphBuild)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_National(benchmark::State& state) {
  const Data& d = data();
  std::size_t zones = 0;
  for (auto _ : state) {
    auto n = national_coverage(*d.graph, d.territories, kFilters);
    zones = n->white_zones.size();
    benchmark::DoNotOptimize(n);
  }
  state.counters["white_zones"] = static_cast<double>(zones);
}
BENCHMARK(BM_National)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_National_Naive(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    auto n = test::naive_national(*d.ref, d.territories, kFilters);
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_National_Naive)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CoverOnly(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    auto c = Cover::compute(*d.graph, d.territories, kFilters);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_CoverOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ProposalsEveryDepartement(benchmark::State& state) {
  const Data& d = data();
  auto cover = Cover::compute(*d.graph, d.territories, kFilters);
  std::vector<std::vector<CommuneIndex>> deps;
  for (const auto& dep : d.ref->departements) {
    deps.push_back(*area_units(*d.graph, {AreaKind::departement, dep.code}));
  }
  std::size_t count = 0;
  for (auto _ : state) {
    count = 0;
    for (const auto& units : deps) {
      auto p = propose(*cover, units, {40'000, std::nullopt});
      count += p->size();
    }
  }
  state.counters["proposals"] = static_cast<double>(count);
}
BENCHMARK(BM_ProposalsEveryDepartement)->Unit(benchmark::kMillisecond)->UseRealTime();

// France's proposals: arg 0 with the instance's territories, 1 with none (all of France white).
const Cover& france_cover(bool empty) {
  static const Cover with = *Cover::compute(*data().graph, data().territories, kFilters);
  static const Cover without = *Cover::compute(*data().graph, {}, kFilters);
  return empty ? without : with;
}

void BM_ProposalsFrance(benchmark::State& state) {
  const Cover& cover = france_cover(state.range(0) == 1);
  std::size_t count = 0;
  for (auto _ : state) {
    auto p = propose(cover, data().graph->units(), {40'000, std::nullopt});
    count = p->size();
  }
  state.counters["proposals"] = static_cast<double>(count);
}
BENCHMARK(BM_ProposalsFrance)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ProposalsFrance_FullPasses(benchmark::State& state) {
  const Cover& cover = france_cover(state.range(0) == 1);
  std::size_t count = 0;
  for (auto _ : state) {
    auto p = test::naive_propose(cover, data().graph->units(), {40'000, std::nullopt});
    count = p->size();
  }
  state.counters["proposals"] = static_cast<double>(count);
}
BENCHMARK(BM_ProposalsFrance_FullPasses)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

void BM_TerritoryFactsAll(benchmark::State& state) {
  const Data& d = data();
  const auto classes = default_size_classes();
  for (auto _ : state) {
    for (const Territory& t : d.territories) {
      auto f = territory_facts(*d.graph, t, classes);
      benchmark::DoNotOptimize(f);
    }
  }
}
BENCHMARK(BM_TerritoryFactsAll)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ImportCsvAll(benchmark::State& state) {
  const Data& d = data();
  const std::string csv = territories_csv(*d.ref, d.territories);
  for (auto _ : state) {
    auto r = parse_territory_csv(*d.ref, "territoires.csv", csv);
    benchmark::DoNotOptimize(r);
  }
  state.counters["lines"] = static_cast<double>(std::count(csv.begin(), csv.end(), '\n'));
}
BENCHMARK(BM_ImportCsvAll)->Unit(benchmark::kMillisecond)->UseRealTime();

class Collector : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      const double unit = benchmark::GetTimeUnitMultiplier(r.time_unit);
      times[r.benchmark_name()] = r.GetAdjustedRealTime() / unit;
      cpu_times[r.benchmark_name()] = r.GetAdjustedCPUTime() / unit;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  double get(const std::string& prefix, bool cpu = false) const {
    for (const auto& [name, t] : cpu ? cpu_times : times) {
      if (name.rfind(prefix, 0) == 0) return t;
    }
    return -1;
  }
  std::map<std::string, double> times;
  std::map<std::string, double> cpu_times;  // this thread's CPU: less affected by the load
};

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five;
  in >> one >> five;
  return one + " (1 min), " + five + " (5 min)";
}

void summary(const Collector& c) {
  const Data& d = data();
  auto fast = national_coverage(*d.graph, d.territories, kFilters);
  const auto naive = test::naive_national(*d.ref, d.territories, kFilters);
  // Same answer, or the comparison means nothing.
  bool same = fast->france.covered == naive.france.covered &&
              fast->france.by_filter == naive.france.by_filter &&
              fast->white_zones.size() == naive.white_zones.size();
  for (std::size_t i = 0; i < naive.departements.size(); ++i) {
    same = same && fast->departements[i].covered == naive.departements[i].covered;
  }
  std::size_t units = 0;
  for (const Territory& t : d.territories) units += t.communes.size();
  std::printf(
      "\nData: %s; %zu coverage units, %lld inhabitants; %zu territories (%zu commune "
      "entries); covered %.1f %% of the population, %zu white zones, %zu overlapping "
      "units\n",
      d.source.c_str(), d.graph->units().size(),
      static_cast<long long>(fast->france.total.population), d.territories.size(), units,
      100.0 * static_cast<double>(fast->france.covered.population) /
          static_cast<double>(std::max<std::int64_t>(1, fast->france.total.population)),
      fast->white_zones.size(), fast->overlaps.units.size());
  std::printf("Check: engine and straightforward implementation agree: %s\n", same ? "yes" : "NO");
  std::printf("Load average at the end: %s\n", load_average().c_str());
  for (int empty = 0; empty <= 1; ++empty) {
    const Cover& cover = france_cover(empty == 1);
    auto a = propose(cover, d.graph->units(), {40'000, std::nullopt});
    auto b = test::naive_propose(cover, d.graph->units(), {40'000, std::nullopt});
    bool equal = a && b && a->size() == b->size();
    std::size_t groups = 0;
    for (std::size_t i = 0; equal && i < a->size(); ++i) {
      equal = (*a)[i].units == (*b)[i].units && (*a)[i].kind == (*b)[i].kind &&
              (*a)[i].territory == (*b)[i].territory;
      groups += (*a)[i].kind == ProposalKind::new_territory;
    }
    const std::string arg = empty == 1 ? "/1" : "/0";
    const double pf = c.get("BM_ProposalsFrance" + arg);
    const double ps = c.get("BM_ProposalsFrance_FullPasses" + arg);
    std::printf(
        "Proposals for France (%s): %zu proposals, %zu new territories; same as the full-pass "
        "version: %s\n",
        empty == 1 ? "no territory: all of France white" : "with the territories",
        a ? a->size() : 0, groups, equal ? "yes" : "NO");
    const double cf = c.get("BM_ProposalsFrance" + arg, true);
    const double cs = c.get("BM_ProposalsFrance_FullPasses" + arg, true);
    if (pf > 0 && ps > 0 && cf > 0 && cs > 0) {
      std::printf(
          "  engine %.1f ms (CPU %.1f ms), full passes %.1f ms (CPU %.1f ms); ratio %.1fx wall, "
          "%.1fx CPU\n",
          pf * 1e3, cf * 1e3, ps * 1e3, cs * 1e3, ps / pf, cs / cf);
    }
  }
  const double f = c.get("BM_National/"), s = c.get("BM_National_Naive");
  if (f > 0 && s > 0) {
    std::printf(
        "National coverage (France + régions + départements + white zones + overlaps):\n"
        "  engine %.2f ms, straightforward %.1f ms, ratio %.0fx; target < 50 ms: %s\n",
        f * 1e3, s * 1e3, s / f, f < 0.050 ? "met" : "NOT met");
  }
}

}  // namespace
}  // namespace maillage::coverage::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::printf("Load average at the start: %s\n", maillage::coverage::bench::load_average().c_str());
  maillage::coverage::bench::data();  // build the instance outside the measured runs
  maillage::coverage::bench::Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  maillage::coverage::bench::summary(collector);
  benchmark::Shutdown();
  return 0;
}
