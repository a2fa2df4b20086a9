// RPPS import benchmark.
//  * Parse: a generated national-size extract (2 million lines by default, written once to a
//    temporary file) read by rpps::read_extract_file on one core, next to two baselines of the
//    same run: raw read() of the file (the disk/page-cache ceiling) and a plain std::getline +
//    split-on-'|' reader (what a straightforward importer does). Also reader + snapshot builder
//    (dedupe, FTE split, aggregates).
//  * Database: a département-size extract (Moselle-like, ~1 M inhabitants) imported into a
//    scratch SQLite file by services::import_rpps_text (whole import: snapshot, activities,
//    aggregates, labels, audit, one transaction), against a baseline that only inserts the
//    activity rows one statement per row. (Multi-row statements lost on this SQLite backend: see
//    max_parameters in services/rpps.cpp.)
// The summary prints MB/s, rows/s and the ratios; the target is >= 100 MB/s for the parse.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "rpps/extract.hpp"
#include "rpps/generator.hpp"
#include "rpps/snapshot.hpp"
#include "services/rpps.hpp"
#include "store/database.hpp"

namespace {

using namespace maillage;

std::filesystem::path temp_dir() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() /
             ("maillage-rpps-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

// ~35 000 synthetic communes with a skewed population (a few cities, many villages), ~68 M
// inhabitants; codes are well-formed COG codes.
std::vector<rpps::GeneratorCommune> national_communes() {
  std::vector<rpps::GeneratorCommune> out;
  std::uint64_t x = 12345;
  for (int dep = 1; dep <= 95; ++dep) {
    if (dep == 20) continue;
    for (int i = 1; i <= 370; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      const double u = static_cast<double>(x >> 11) * 0x1.0p-53;
      // Pareto-like: median ~450, a few above 100 000.
      const auto pop = static_cast<std::int64_t>(180.0 / std::pow(std::max(u, 1e-4), 0.9));
      char code[6];
      std::snprintf(code, sizeof code, "%02d%03d", dep, i);
      char postcode[6];
      std::snprintf(postcode, sizeof postcode, "%02d%03d", dep, (i % 99) * 10);
      out.push_back({code, "Commune fictive " + std::string(code), postcode, pop});
    }
  }
  return out;
}

std::int64_t wanted_lines() {
  const char* env = std::getenv("MAILLAGE_RPPS_BENCH_LINES");
  return env != nullptr ? std::atoll(env) : 2'000'000;
}

struct Extract {
  std::string path;
  std::uint64_t bytes = 0;
  std::int64_t lines = 0;
  std::vector<rpps::GeneratorCommune> communes;
};

// The national file: the default densities scaled so that the file has the wanted line count
// (the real extract also lists hospital and other professions, ~2 million lines).
const Extract& national() {
  static const Extract e = [] {
    Extract out;
    out.communes = national_communes();
    double population = 0;
    for (const auto& c : out.communes) population += static_cast<double>(c.population);
    rpps::GeneratorOptions o;
    double per_10000 = 0;
    for (const auto& d : o.densities) per_10000 += d.per_10000;
    // Lines per person ~ 1 + multi_site_share + no_address_share.
    const double lines_per_person = 1.0 + o.multi_site_share + o.no_address_share;
    const double scale =
        static_cast<double>(wanted_lines()) / (population * per_10000 / 10000.0 * lines_per_person);
    for (auto& d : o.densities) d.per_10000 *= scale;
    o.bad_lines = 100;
    out.path = (temp_dir() / rpps::fictitious_file_name("202511200000")).string();
    std::ofstream file(out.path, std::ios::binary);
    const auto t0 = std::chrono::steady_clock::now();
    auto s = rpps::generate_extract(out.communes, o, [&](std::string_view chunk) -> Status {
      file.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      return {};
    });
    file.close();
    if (!s) std::abort();
    out.bytes = s->bytes;
    out.lines = s->lines;
    std::printf(
        "National fictitious extract: %lld lines, %.1f MB, %zu communes, %.0f inhabitants "
        "(generated in %.1f s)\n",
        static_cast<long long>(out.lines), static_cast<double>(out.bytes) / 1e6,
        out.communes.size(), population,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return out;
  }();
  return e;
}

rpps::CommuneLookup national_lookup() {
  static const auto* codes = [] {
    auto* set = new std::unordered_set<std::string_view>();
    for (const auto& c : national().communes) set->insert(c.code);
    return set;
  }();
  rpps::CommuneLookup l;
  l.known = [](std::string_view code) { return codes->contains(code); };
  l.by_postcode = [](std::string_view postcode) -> std::string_view {
    // Postcode "DD0NN" of the generator: the commune DD + NN... is a plausible stand-in.
    return codes->contains(postcode) ? postcode : std::string_view{};
  };
  return l;
}

void set_rates(benchmark::State& state, std::uint64_t bytes, std::int64_t lines) {
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
  state.SetItemsProcessed(lines * state.iterations());
}

void BM_RawRead(benchmark::State& state) {
  const Extract& e = national();
  std::vector<char> buf(std::size_t{4} << 20);
  for (auto _ : state) {
    int fd = ::open(e.path.c_str(), O_RDONLY);
    std::uint64_t total = 0;
    std::uint64_t newlines = 0;
    while (true) {
      ssize_t r = ::read(fd, buf.data(), buf.size());
      if (r <= 0) break;
      total += static_cast<std::uint64_t>(r);
      newlines += static_cast<std::uint64_t>(buf[0]);  // touch the data
    }
    ::close(fd);
    benchmark::DoNotOptimize(total);
    benchmark::DoNotOptimize(newlines);
  }
  set_rates(state, e.bytes, e.lines);
}
BENCHMARK(BM_RawRead)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// The straightforward reader: std::getline per line, a std::vector<std::string> of fields.
void BM_GetlineSplit(benchmark::State& state) {
  const Extract& e = national();
  for (auto _ : state) {
    std::ifstream in(e.path, std::ios::binary);
    std::string line;
    std::vector<std::string> fields;
    std::int64_t kept = 0;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      fields.clear();
      std::size_t start = 0;
      while (true) {
        std::size_t bar = line.find('|', start);
        if (bar == std::string::npos) {
          fields.emplace_back(line.substr(start));
          break;
        }
        fields.emplace_back(line.substr(start, bar - start));
        start = bar + 1;
      }
      if (fields.size() == 53 && !fields[1].empty() && !fields[36].empty()) ++kept;
    }
    benchmark::DoNotOptimize(kept);
  }
  set_rates(state, e.bytes, e.lines);
}
BENCHMARK(BM_GetlineSplit)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

void BM_Reader(benchmark::State& state) {
  const Extract& e = national();
  rpps::ReadOptions o;
  o.communes = national_lookup();
  std::int64_t activities = 0;
  for (auto _ : state) {
    std::int64_t n = 0;
    auto s = rpps::read_extract_file(e.path, o, [&](const rpps::Activity& a) {
      n += static_cast<std::int64_t>(a.rpps.size() > 0);
    });
    if (!s) state.SkipWithError(s.error().describe().c_str());
    activities = n;
  }
  state.counters["activities"] = static_cast<double>(activities);
  set_rates(state, e.bytes, e.lines);
}
BENCHMARK(BM_Reader)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_ReaderAndSnapshot(benchmark::State& state) {
  const Extract& e = national();
  rpps::ReadOptions o;
  o.communes = national_lookup();
  for (auto _ : state) {
    rpps::SnapshotBuilder b;
    auto s = rpps::read_extract_file(e.path, o, [&](const rpps::Activity& a) { b.add(a); });
    if (!s) state.SkipWithError(s.error().describe().c_str());
    b.finish();
    benchmark::DoNotOptimize(b.commune_counts().size());
  }
  set_rates(state, e.bytes, e.lines);
}
BENCHMARK(BM_ReaderAndSnapshot)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// ---- database ----------------------------------------------------------------------------------

// A Moselle-sized département: 725 communes, ~1 M inhabitants.
struct Departement {
  geo::Referentiel ref;
  std::string text;
  std::int64_t lines = 0;
};

const Departement& departement() {
  static const Departement d = [] {
    Departement out;
    std::vector<rpps::GeneratorCommune> communes;
    const auto all = national_communes();
    for (const auto& c : all) {
      if (c.code.starts_with("57")) communes.push_back(c);
    }
    // Scale populations to ~1.04 M.
    double population = 0;
    for (const auto& c : communes) population += static_cast<double>(c.population);
    for (auto& c : communes) {
      c.population =
          static_cast<std::int64_t>(static_cast<double>(c.population) * 1.04e6 / population);
      geo::Commune g;
      g.code = c.code;
      g.nom = c.nom;
      g.departement = "57";
      g.postcodes = {c.postcode};
      g.population = c.population;
      out.ref.communes.push_back(g);
    }
    out.ref.index();
    rpps::GeneratorOptions o;
    auto s = rpps::generate_extract(communes, o, [&](std::string_view chunk) -> Status {
      out.text.append(chunk);
      return {};
    });
    if (!s) std::abort();
    out.lines = s->lines;
    std::printf("Département-size extract: %lld lines, %.1f MB\n",
                static_cast<long long>(out.lines), static_cast<double>(out.text.size()) / 1e6);
    return out;
  }();
  return d;
}

std::unique_ptr<store::Database> scratch_sqlite(const std::string& name) {
  auto path = temp_dir() / name;
  std::filesystem::remove(path);
  auto db = store::Database::open("sqlite:" + path.string());
  if (!db || !(*db)->migrate()) std::abort();
  return std::move(*db);
}

std::int64_t g_activities = 0;

void BM_ImportSqlite(benchmark::State& state) {
  const Departement& d = departement();
  int run = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto db = scratch_sqlite("import-" + std::to_string(run++) + ".sqlite");
    state.ResumeTiming();
    auto r =
        services::import_rpps_text(*db, d.ref, rpps::fictitious_file_name("202511200000"), d.text);
    if (!r)
      state.SkipWithError(r.error().describe().c_str());
    else
      g_activities = r->snapshot.activities;
  }
  state.counters["activities"] = static_cast<double>(g_activities);
  set_rates(state, d.text.size(), d.lines);
}
BENCHMARK(BM_ImportSqlite)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// Baseline: the same parse and snapshot, then one INSERT statement per activity row (one
// transaction, prepared statement reused by the store's cache).
void BM_ImportSqliteRowByRow(benchmark::State& state) {
  const Departement& d = departement();
  services::RppsCommuneIndex index(d.ref);
  int run = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto db = scratch_sqlite("rows-" + std::to_string(run++) + ".sqlite");
    state.ResumeTiming();
    rpps::ReadOptions o;
    o.communes = index.lookup();
    rpps::SnapshotBuilder b;
    auto s =
        rpps::read_extract_text("x.txt", d.text, o, [&](const rpps::Activity& a) { b.add(a); });
    if (!s) std::abort();
    b.finish();
    auto st = db->transact([&](store::Tx& tx) -> Status {
      auto id = tx.query(
          "INSERT INTO rpps_snapshots (imported_at, imported_by, source_file, fictitious, bytes, "
          "data_lines, activities, persons, duplicate_lines, skipped_lines, bad_lines, "
          "from_postcode, bad_by_reason) VALUES ('x', 'bench', 'x', 1, 0, 0, 0, 0, 0, 0, 0, 0, "
          "'{}') RETURNING id");
      if (!id) return tl::unexpected(id.error());
      const std::int64_t sid = id->rows.at(0).integer(0);
      for (const rpps::Record& r : b.records()) {
        auto t = [&](std::uint32_t k) { return std::string(b.text(k)); };
        auto x = tx.exec(
            "INSERT INTO rpps_activities (snapshot_id, rpps, profession, site, savoir_faire, "
            "mode, secteur, commune, from_postcode, general_practitioner, ambulatory, siret, "
            "finess, fte, line) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
            "$14, $15)",
            {sid, t(r.rpps), t(r.profession), t(r.site), t(r.savoir_faire), t(r.mode), t(r.secteur),
             t(r.commune), std::int64_t{r.from_postcode}, std::int64_t{r.general_practitioner},
             std::int64_t{r.ambulatory}, t(r.siret), t(r.finess), r.fte, r.line});
        if (!x) return tl::unexpected(x.error());
      }
      return {};
    });
    if (!st) state.SkipWithError(st.error().describe().c_str());
  }
  set_rates(state, d.text.size(), d.lines);
}
BENCHMARK(BM_ImportSqliteRowByRow)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

class Collector : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      seconds[r.run_name.function_name] =
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
  std::printf("\nSummary (one core, wall time, same run)\n");
  if (get("BM_Reader") > 0) {
    const Extract& e = national();
    auto rate = [&](const char* label, double s) {
      if (s <= 0) return;
      std::printf("  %-34s %8.0f MB/s %10.0f rows/s  (%.2f s)\n", label,
                  static_cast<double>(e.bytes) / 1e6 / s, static_cast<double>(e.lines) / s, s);
    };
    rate("raw read() of the file", get("BM_RawRead"));
    rate("getline + split baseline", get("BM_GetlineSplit"));
    rate("rpps reader", get("BM_Reader"));
    rate("rpps reader + snapshot builder", get("BM_ReaderAndSnapshot"));
    if (get("BM_GetlineSplit") > 0) {
      std::printf("  reader vs getline+split: %.1fx faster; reader at %.0f %% of raw read speed\n",
                  get("BM_GetlineSplit") / get("BM_Reader"),
                  100.0 * get("BM_RawRead") / get("BM_Reader"));
    }
    std::printf("  target >= 100 MB/s: %s\n",
                static_cast<double>(e.bytes) / 1e6 / get("BM_Reader") >= 100 ? "met" : "NOT met");
  }
  if (get("BM_ImportSqlite") > 0) {
    const Departement& d = departement();
    std::printf(
        "  SQLite import, département (%lld lines, %lld activity rows): %.0f rows/s "
        "(%.2f s); one INSERT per row: %.0f rows/s; ratio %.1fx\n",
        static_cast<long long>(d.lines), static_cast<long long>(g_activities),
        static_cast<double>(g_activities) / get("BM_ImportSqlite"), get("BM_ImportSqlite"),
        static_cast<double>(g_activities) / get("BM_ImportSqliteRowByRow"),
        get("BM_ImportSqliteRowByRow") / get("BM_ImportSqlite"));
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::ifstream load("/proc/loadavg");
  std::string one, five;
  load >> one >> five;
  std::printf("Load average at the start: %s (1 min), %s (5 min)\n", one.c_str(), five.c_str());
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  summary(collector);
  benchmark::Shutdown();
  std::filesystem::remove_all(temp_dir());  // the 2-million-line file and the databases
  return 0;
}
