// Référentiel benchmark: the full build from the registry packages, and lookups per second
// (commune by code, communes of a département, neighbours, name search), each against a
// straightforward baseline measured in the same run; the summary prints the ratios.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>

#include "geo/build.hpp"
#include "geo/referentiel.hpp"
#include "geo/text.hpp"
#include "refdata/packages.hpp"
#include "refdata/reference_file.hpp"

namespace {

using namespace maillage;

std::string packages_dir() {
  const char* env = std::getenv("MAILLAGE_PACKAGES");
  return env != nullptr ? std::string(env) : std::string(MAILLAGE_SOURCE_DIR) + "/node_modules";
}

const refdata::Packages& packages() {
  static const refdata::Packages p = [] {
    Result<refdata::Packages> r = refdata::read_packages(packages_dir());
    if (!r) {
      std::fprintf(stderr, "reference_bench: %s\n", r.error().describe().c_str());
      std::exit(2);
    }
    return std::move(*r);
  }();
  return p;
}

const geo::Referentiel& referentiel() {
  static const geo::Referentiel ref = [] {
    Result<geo::BuildResult> r = geo::build_referentiel(packages().input);
    if (!r) {
      std::fprintf(stderr, "reference_bench: %s\n", r.error().describe().c_str());
      std::exit(2);
    }
    return std::move(r->referentiel);
  }();
  return ref;
}

// Query sets, shuffled once with a fixed seed so that runs are comparable.
const std::vector<std::string>& commune_codes() {
  static const std::vector<std::string> codes = [] {
    std::vector<std::string> out;
    for (const geo::Commune& c : referentiel().communes) out.push_back(c.code);
    std::shuffle(out.begin(), out.end(), std::mt19937(42));
    return out;
  }();
  return codes;
}

// --- Build ---------------------------------------------------------------------------------

void BM_ReadPackages(benchmark::State& state) {
  for (auto _ : state) {
    Result<refdata::Packages> r = refdata::read_packages(packages_dir());
    if (!r) state.SkipWithError(r.error().describe().c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ReadPackages)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_Build(benchmark::State& state) {
  geo::BuildOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    Result<geo::BuildResult> r = geo::build_referentiel(packages().input, options);
    if (!r) state.SkipWithError(r.error().describe().c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Build)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// Packages to SQLite file, as `maillage reference build` does: with the commune polygons
// (state.range(0) = 1, the default build) or cells only (0, the référentiel before polygons, the
// baseline of the same run).
void BM_FullBuild(benchmark::State& state) {
  const std::string out = (std::filesystem::temp_directory_path() /
                           ("maillage-reference-bench-" + std::to_string(::getpid()) + ".sqlite"))
                              .string();
  refdata::BuildReferenceOptions options;
  options.packages_dir = packages_dir();
  options.out = out;
  if (state.range(0) == 1) {
    options.contours =
        std::string(MAILLAGE_SOURCE_DIR) + "/data/contours/communes-2018.topojson.gz";
  }
  for (auto _ : state) {
    Result<refdata::BuildReferenceReport> r = refdata::build_reference(options);
    if (!r) state.SkipWithError(r.error().describe().c_str());
  }
  std::filesystem::remove(out);
}
BENCHMARK(BM_FullBuild)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

void BM_Load(benchmark::State& state) {
  const std::string out =
      (std::filesystem::temp_directory_path() /
       ("maillage-reference-bench-load-" + std::to_string(::getpid()) + ".sqlite"))
          .string();
  Result<geo::BuildResult> built = geo::build_referentiel(packages().input);
  if (!built || !refdata::save_reference(built->referentiel, built->report, {}, out)) {
    state.SkipWithError("build or save failed");
    return;
  }
  for (auto _ : state) {
    Result<geo::Referentiel> r = refdata::load_reference(out);
    if (!r) state.SkipWithError(r.error().describe().c_str());
    benchmark::DoNotOptimize(r);
  }
  std::filesystem::remove(out);
}
BENCHMARK(BM_Load)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();

// --- Lookups -------------------------------------------------------------------------------

void BM_CommuneByCode(benchmark::State& state) {
  const geo::Referentiel& ref = referentiel();
  const auto& codes = commune_codes();
  std::size_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ref.commune(codes[k]));
    k = k + 1 == codes.size() ? 0 : k + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CommuneByCode);

void BM_CommuneByCode_LinearScan(benchmark::State& state) {
  const geo::Referentiel& ref = referentiel();
  const auto& codes = commune_codes();
  std::size_t k = 0;
  for (auto _ : state) {
    const auto it = std::find_if(ref.communes.begin(), ref.communes.end(),
                                 [&](const geo::Commune& c) { return c.code == codes[k]; });
    benchmark::DoNotOptimize(it);
    k = k + 1 == codes.size() ? 0 : k + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CommuneByCode_LinearScan);

void BM_DepartementCommunes(benchmark::State& state) {
  const geo::Referentiel& ref = referentiel();
  std::size_t k = 0;
  for (auto _ : state) {
    const geo::Departement* d = ref.departement(ref.departements[k].code);
    std::int64_t population = 0;
    for (geo::CommuneIndex i : d->communes) population += ref.communes[i].population;
    benchmark::DoNotOptimize(population);
    k = k + 1 == ref.departements.size() ? 0 : k + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DepartementCommunes);

void BM_DepartementCommunes_LinearScan(benchmark::State& state) {
  const geo::Referentiel& ref = referentiel();
  std::size_t k = 0;
  for (auto _ : state) {
    const std::string& code = ref.departements[k].code;
    std::int64_t population = 0;
    for (const geo::Commune& c : ref.communes) {
      if (!c.arrondissement && c.departement == code) population += c.population;
    }
    benchmark::DoNotOptimize(population);
    k = k + 1 == ref.departements.size() ? 0 : k + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DepartementCommunes_LinearScan);

void BM_Neighbours(benchmark::State& state) {
  const geo::Referentiel& ref = referentiel();
  const auto n = static_cast<geo::CommuneIndex>(ref.communes.size());
  geo::CommuneIndex i = 0;
  for (auto _ : state) {
    std::uint64_t sum = 0;
    for (geo::CommuneIndex j : ref.neighbours(i)) sum += j;
    benchmark::DoNotOptimize(sum);
    i = (i + 7919) % n;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Neighbours);

// Baseline: the neighbour pairs as a plain edge list (as stored in the file), scanned.
void BM_Neighbours_EdgeListScan(benchmark::State& state) {
  const geo::Referentiel& ref = referentiel();
  std::vector<std::pair<geo::CommuneIndex, geo::CommuneIndex>> edges;
  for (geo::CommuneIndex a = 0; a < ref.communes.size(); ++a) {
    for (geo::CommuneIndex b : ref.neighbours(a)) {
      if (a < b) edges.emplace_back(a, b);
    }
  }
  const auto n = static_cast<geo::CommuneIndex>(ref.communes.size());
  geo::CommuneIndex i = 0;
  for (auto _ : state) {
    std::uint64_t sum = 0;
    for (const auto& [a, b] : edges) {
      if (a == i) sum += b;
      if (b == i) sum += a;
    }
    benchmark::DoNotOptimize(sum);
    i = (i + 7919) % n;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Neighbours_EdgeListScan);

const std::vector<std::string> kQueries = {"metz",  "saint", "sur mer",   "Saint-Avold", "ville",
                                           "Évian", "les",   "marseille", "bourg",       "val d"};

void BM_Search(benchmark::State& state) {
  const geo::Referentiel& ref = referentiel();
  std::size_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ref.search(kQueries[k], 10));
    k = (k + 1) % kQueries.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Search);

// Baseline: folding every name at query time instead of once at index().
void BM_Search_FoldEachTime(benchmark::State& state) {
  const geo::Referentiel& ref = referentiel();
  std::size_t k = 0;
  for (auto _ : state) {
    const std::string q = geo::fold_name(kQueries[k]);
    std::vector<geo::CommuneIndex> hits;
    for (geo::CommuneIndex i = 0; i < ref.communes.size(); ++i) {
      if (geo::fold_name(ref.communes[i].nom).find(q) != std::string::npos) hits.push_back(i);
    }
    benchmark::DoNotOptimize(hits);
    k = (k + 1) % kQueries.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Search_FoldEachTime);

// Outline of a département (union of its communes' cells), cycling through them. The reference
// point is merely copying the cells (what a map would draw without the union): the ratio says
// what the union costs.
void BM_OutlineDepartement(benchmark::State& state) {
  const geo::Referentiel& ref = referentiel();
  std::size_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(geo::outline(ref, ref.departements[k].communes));
    k = (k + 1) % ref.departements.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OutlineDepartement)->Unit(benchmark::kMillisecond);

void BM_OutlineDepartement_CopyCells(benchmark::State& state) {
  const geo::Referentiel& ref = referentiel();
  std::size_t k = 0;
  for (auto _ : state) {
    geo::MultiPolygon all;
    for (geo::CommuneIndex i : ref.departements[k].communes) {
      all.insert(all.end(), ref.cells[i].begin(), ref.cells[i].end());
    }
    benchmark::DoNotOptimize(all);
    k = (k + 1) % ref.departements.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OutlineDepartement_CopyCells)->Unit(benchmark::kMillisecond);

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
    const auto it = c.seconds.find(name);
    return it == c.seconds.end() ? -1.0 : it->second;
  };
  std::printf("\n%-34s %14s   %-30s %14s   %s\n", "measure", "per call", "baseline (same run)",
              "per call", "speed-up");
  // Times in µs below a millisecond, in ms above.
  auto human = [](double seconds) {
    char buf[32];
    if (seconds < 1e-3) {
      std::snprintf(buf, sizeof buf, "%10.3f us", seconds * 1e6);
    } else {
      std::snprintf(buf, sizeof buf, "%10.1f ms", seconds * 1e3);
    }
    return std::string(buf);
  };
  auto row = [&](const char* what, const char* name, const char* base_what, const char* base) {
    const double t = get(name);
    const double b = get(base);
    if (t <= 0 || b <= 0) return;
    std::printf("%-34s %14s   %-30s %14s   %8.1fx\n", what, human(t).c_str(), base_what,
                human(b).c_str(), b / t);
  };
  row("build, 2 clipping threads", "BM_Build/2/iterations:3/real_time", "build, 1 thread",
      "BM_Build/1/iterations:3/real_time");
  row("commune by code (hash)", "BM_CommuneByCode", "linear scan", "BM_CommuneByCode_LinearScan");
  row("communes of a département", "BM_DepartementCommunes", "linear scan",
      "BM_DepartementCommunes_LinearScan");
  row("neighbours (CSR)", "BM_Neighbours", "edge list scan", "BM_Neighbours_EdgeListScan");
  row("name search (pre-folded)", "BM_Search", "fold names per query", "BM_Search_FoldEachTime");
  const double outline = get("BM_OutlineDepartement");
  const double copy = get("BM_OutlineDepartement_CopyCells");
  if (outline > 0 && copy > 0) {
    std::printf("%-34s %14s   %-30s %14s   %8.1fx slower\n", "outline of a département",
                human(outline).c_str(), "copying its cells", human(copy).c_str(), outline / copy);
  }
  const double full = get("BM_FullBuild/iterations:3/real_time");
  if (full > 0) std::printf("\nfull build, packages to SQLite file: %.2f s\n", full);
  for (const char* name :
       {"BM_CommuneByCode", "BM_DepartementCommunes", "BM_Neighbours", "BM_Search"}) {
    const double t = get(name);
    if (t > 0) std::printf("%-24s %14.0f lookups/s\n", name + 3, 1 / t);
  }
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
