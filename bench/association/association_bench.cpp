// Association engine costs, each against a baseline measured in the same run:
// - import: parse_member_csv of a 5 000-member HelloAsso-shaped export (fictitious, generated
//   with a fixed seed; 1 000 stored members for the duplicate check) vs csv::read_records of the
//   same text (the splitting every CSV import pays);
// - XLSX import: parse_member_xlsx of the same 5 000 members as a workbook written by
//   office::write_xlsx (dates, amounts and RPPS ids as typed cells) vs reading the sheet alone
//   (office::read_xlsx_first_sheet: unzip + XML), and vs the CSV import of the same members;
// - AG: tally_attendance + count_votes for 600 voters in 4 weighted collèges vs the same vote
//   counted by head count.
// Peak memory (after the timings), printed against the reading alone (CSV records, XLSX sheet) and
// the CSV import of the same members, two ways: the exact high-water mark of the C++ heap (every
// operator new of this program is counted; libzip and expat use malloc and are left out), and
// the resident set of a forked child that first returns its free heap pages and resets its
// high-water mark (VmHWM − VmRSS: libzip and expat included, but a lower bound, since partly used
// heap pages already resident are reused without counting again).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <new>
#include <random>
#include <string>

#include "association/association.hpp"
#include "association/member_import.hpp"
#include "common/csv_reader.hpp"
#include "office/xlsx.hpp"
#include "office/xlsx_reader.hpp"

// Every C++ allocation of this program is counted (live bytes and their high-water mark) so that
// the peak heap of one import is exact: malloc_usable_size is what each block really takes.
// libzip and expat allocate with malloc and are not in this count; the resident-set figure
// below includes them.
namespace heap {
std::atomic<long long> live{0}, peak{0};
void add(void* p) {
  const long long now = live += static_cast<long long>(malloc_usable_size(p));
  long long seen = peak.load();
  while (now > seen && !peak.compare_exchange_weak(seen, now)) {
  }
}
void remove(void* p) { live -= static_cast<long long>(malloc_usable_size(p)); }
}  // namespace heap

// GCC sees free() on a pointer from operator new once these are inlined into each other; here
// that pairing is the point (both sides are ours).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  heap::add(p);
  return p;
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  void* p = std::aligned_alloc(static_cast<std::size_t>(a), (n + static_cast<std::size_t>(a) - 1) /
                                                                static_cast<std::size_t>(a) *
                                                                static_cast<std::size_t>(a));
  if (p == nullptr) throw std::bad_alloc();
  heap::add(p);
  return p;
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  heap::remove(p);
  std::free(p);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { operator delete(p); }
void operator delete(void* p, std::align_val_t) noexcept { operator delete(p); }
void operator delete[](void* p, std::align_val_t) noexcept { operator delete(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { operator delete(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { operator delete(p); }
#pragma GCC diagnostic pop

namespace {

using namespace maillage::association;

const char* kLast[] = {"Martin",  "Bernard", "Thomas", "Petit",   "Robert", "Richard",
                       "Durand",  "Dubois",  "Moreau", "Laurent", "Simon",  "Michel",
                       "Lefèvre", "Leroy",   "Roux",   "Müller"};
const char* kFirst[] = {"Élodie", "Luc", "Anne", "Paul", "Zoé",
                        "Hugo",   "Léa", "Marc", "Nina", "Jules"};
const char* kTarif[] = {"Médecin", "Infirmier", "Pharmacie", "Kinésithérapeute", "EHPAD"};

struct ImportCase {
  std::string text;
  std::string xlsx;  // the same members as a workbook
  ImportOptions options;
};

const ImportCase& import_case() {
  static const ImportCase c = [] {
    std::mt19937 rng(5000);
    ImportCase out;
    maillage::office::Sheet sheet;
    sheet.name = "Adhésions";
    sheet.header = {"Référence commande",
                    "Date",
                    "Statut",
                    "Nom adhérent",
                    "Prénom adhérent",
                    "Nom payeur",
                    "Prénom payeur",
                    "Email",
                    "Tarif",
                    "Montant",
                    "Numéro RPPS",
                    "Commune d'exercice",
                    "Êtes-vous installé(e) en MSP ?"};
    out.text =
        "Référence commande;Date;Statut;Nom adhérent;Prénom adhérent;Nom payeur;Prénom "
        "payeur;Email;"
        "Tarif;Montant;Numéro RPPS;Commune d'exercice;Êtes-vous installé(e) en MSP ?\r\n";
    for (int i = 0; i < 5000; ++i) {
      const std::string last = kLast[rng() % 16];
      const std::string first = kFirst[rng() % 10];
      const std::string email = "membre" + std::to_string(i) + "@example.fr";
      const std::string rpps =
          std::to_string(10000000000LL + static_cast<long long>(rng() % 90000000000LL));
      const int day = static_cast<int>(1 + rng() % 28), month = static_cast<int>(1 + rng() % 9);
      const char* tarif = kTarif[rng() % 5];
      const int euros = static_cast<int>(20 + rng() % 80);
      out.text += std::to_string(100000 + i) + ";" + std::to_string(day) + "/0" +
                  std::to_string(month) + "/2025 10:32;Validé;" + last + ";" + first + ";" + last +
                  ";" + first + ";" + email + ";" + tarif + ";" + std::to_string(euros) + ",00 €;" +
                  rpps + ";Metz;\"Oui; MSP des Coteaux\"\r\n";
      sheet.rows.push_back({100000 + i, maillage::office::Date{2025, month, day}, "Validé", last,
                            first, last, first, email, tarif, static_cast<double>(euros),
                            std::stoll(rpps), "Metz", "Oui; MSP des Coteaux"});
      if (i % 5 == 0)
        out.options.existing.push_back({"adh-" + std::to_string(i), last, first, email, ""});
    }
    auto bytes = maillage::office::write_xlsx({sheet}, {"", "bench", "2025-01-01T00:00:00Z"});
    if (!bytes) std::abort();
    out.xlsx = std::move(*bytes);
    return out;
  }();
  return c;
}

void BM_Import_5000(benchmark::State& state) {
  const auto& c = import_case();
  std::size_t rows = 0, duplicates = 0;
  for (auto _ : state) {
    auto p = parse_member_csv(c.text, "adhesions.csv", c.options);
    rows = p->rows.size();
    duplicates = p->duplicates.size();
    benchmark::DoNotOptimize(p);
  }
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["duplicates"] = static_cast<double>(duplicates);
  state.counters["bytes"] = static_cast<double>(c.text.size());
}
BENCHMARK(BM_Import_5000)->Unit(benchmark::kMillisecond);

void BM_Records_5000(benchmark::State& state) {
  const auto& c = import_case();
  for (auto _ : state)
    benchmark::DoNotOptimize(maillage::csv::read_records(c.text, ';', "adhesions.csv"));
}
BENCHMARK(BM_Records_5000)->Unit(benchmark::kMillisecond);

void BM_ImportXlsx_5000(benchmark::State& state) {
  const auto& c = import_case();
  std::size_t rows = 0, duplicates = 0;
  for (auto _ : state) {
    auto p = parse_member_xlsx(c.xlsx, "adhesions.xlsx", c.options);
    rows = p->rows.size();
    duplicates = p->duplicates.size();
    benchmark::DoNotOptimize(p);
  }
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["duplicates"] = static_cast<double>(duplicates);
  state.counters["bytes"] = static_cast<double>(c.xlsx.size());
}
BENCHMARK(BM_ImportXlsx_5000)->Unit(benchmark::kMillisecond);

void BM_ReadXlsx_5000(benchmark::State& state) {
  const auto& c = import_case();
  for (auto _ : state) {
    benchmark::DoNotOptimize(maillage::office::read_xlsx_first_sheet(c.xlsx, "adhesions.xlsx"));
  }
}
BENCHMARK(BM_ReadXlsx_5000)->Unit(benchmark::kMillisecond);

struct AgCase {
  Statuts statuts;
  AttendanceInput input;
  std::vector<Vote> votes;
};

const AgCase& ag_case() {
  static const AgCase c = [] {
    AgCase out;
    out.statuts.weight_mode = WeightMode::fixed_share;
    out.statuts.colleges = {{"med", "Médecins", Ratio(3, 10)},
                            {"ps", "Autres professionnels de santé", Ratio(3, 10)},
                            {"etab", "Établissements", Ratio(1, 5)},
                            {"usagers", "Usagers", Ratio(1, 5)}};
    out.statuts.proxies.max_per_holder = 2;
    std::mt19937 rng(600);
    const char* ids[] = {"med", "ps", "etab", "usagers"};
    for (int i = 0; i < 600; ++i) {
      const std::string id = "m" + std::to_string(i);
      out.input.roll.push_back({id, ids[rng() % 4]});
      if (i % 3 != 2) out.input.marks.push_back({id, Presence::present});
    }
    for (int i = 2; i < 600; i += 3)
      out.input.proxies.push_back({"m" + std::to_string(i), "m" + std::to_string(i - 2)});
    for (const auto& v : out.input.roll)
      out.votes.push_back({v.id, static_cast<Ballot>(rng() % 3)});
    return out;
  }();
  return c;
}

void run_ag(benchmark::State& state, WeightMode mode) {
  auto c = ag_case();
  c.statuts.weight_mode = mode;
  for (auto _ : state) {
    auto att = tally_attendance(c.statuts, c.input);
    auto r = count_votes(c.statuts, *att, "ordinaire", c.votes);
    benchmark::DoNotOptimize(r);
  }
}
void BM_Ag_Weighted_600(benchmark::State& state) { run_ag(state, WeightMode::fixed_share); }
void BM_Ag_HeadCount_600(benchmark::State& state) { run_ag(state, WeightMode::head_count); }
BENCHMARK(BM_Ag_Weighted_600)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Ag_HeadCount_600)->Unit(benchmark::kMicrosecond);

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
  std::printf("\n%-40s %12s   %-30s %12s   %s\n", "stage", "time", "baseline (same run)", "time",
              "ratio");
  auto row = [&](const char* what, const char* name, const char* base_what, const char* base) {
    const double t = get(name), b = get(base);
    if (t < 0 || b < 0) return;
    std::printf("%-40s %9.1f us   %-30s %9.1f us   %5.2fx\n", what, t * 1e6, base_what, b * 1e6,
                t / b);
  };
  row("import 5 000 members (preview)", "BM_Import_5000", "CSV records only", "BM_Records_5000");
  row("import 5 000 members from XLSX", "BM_ImportXlsx_5000", "XLSX sheet read only",
      "BM_ReadXlsx_5000");
  row("import 5 000 members from XLSX", "BM_ImportXlsx_5000", "same members from CSV",
      "BM_Import_5000");
  row("AG 600 voters, 4 weighted collèges", "BM_Ag_Weighted_600", "same AG by head count",
      "BM_Ag_HeadCount_600");
}

// Kernel figure (KiB) of /proc/self/status: "VmRSS" or "VmHWM"; -1 when unreadable.
long status_kib(const char* key) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return -1;
  char line[256];
  long value = -1;
  const std::size_t n = std::strlen(key);
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::strncmp(line, key, n) == 0 && line[n] == ':') value = std::atol(line + n + 1);
  }
  std::fclose(f);
  return value;
}

// Peak resident memory (KiB) that `work` adds, measured in a forked child: the child gives its
// free heap pages back (malloc_trim, so reused pages count), resets its high-water mark (writing
// 5 to /proc/self/clear_refs), runs `work` once and reports VmHWM − VmRSS before the work. -1
// when the fork or the kernel interface fails.
long peak_kib(const std::function<void()>& work) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    close(fds[0]);
    malloc_trim(0);
    long result = -1;
    if (std::FILE* c = std::fopen("/proc/self/clear_refs", "w")) {
      const bool reset = std::fputs("5", c) >= 0;
      if (std::fclose(c) == 0 && reset) {
        const long before = status_kib("VmRSS");
        work();
        const long peak = status_kib("VmHWM");
        if (before >= 0 && peak >= 0) result = peak - before;
      }
    }
    if (write(fds[1], &result, sizeof result) != sizeof result) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  long result = -1;
  if (read(fds[0], &result, sizeof result) != sizeof result) result = -1;
  close(fds[0]);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return result;
}

// Peak C++ heap (KiB) that `work` adds, in this process.
long heap_peak_kib(const std::function<void()>& work) {
  const long long before = heap::live.load();
  heap::peak = before;
  work();
  return static_cast<long>((heap::peak.load() - before) / 1024);
}

void memory_summary() {
  const auto& c = import_case();  // built before forking: every child starts with it
  const long base = peak_kib([] {});
  const long records = peak_kib([&] {
    auto r = maillage::csv::read_records(c.text, ';', "adhesions.csv");
    benchmark::DoNotOptimize(r);
  });
  const long csv = peak_kib([&] {
    auto p = parse_member_csv(c.text, "adhesions.csv", c.options);
    benchmark::DoNotOptimize(p);
  });
  const long sheet = peak_kib([&] {
    auto r = maillage::office::read_xlsx_first_sheet(c.xlsx, "adhesions.xlsx");
    benchmark::DoNotOptimize(r);
  });
  const long xlsx = peak_kib([&] {
    auto p = parse_member_xlsx(c.xlsx, "adhesions.xlsx", c.options);
    benchmark::DoNotOptimize(p);
  });
  std::printf(
      "\npeak resident memory added by one run (forked child, VmHWM - VmRSS before; an "
      "empty run adds %ld KiB; a lower bound, since heap pages still resident are reused "
      "without counting again):\n",
      base);
  auto row = [](const char* what, long kib, const char* base_what, long base_kib) {
    std::printf("%-40s %9ld KiB   %-30s %9ld KiB   %5.2fx\n", what, kib, base_what, base_kib,
                base_kib > 0 ? static_cast<double>(kib) / static_cast<double>(base_kib) : 0.0);
  };
  row("import 5 000 members from CSV", csv, "CSV records only", records);
  row("import 5 000 members from XLSX", xlsx, "XLSX sheet read only", sheet);
  row("import 5 000 members from XLSX", xlsx, "same members from CSV", csv);
  std::printf("(input: CSV %zu KiB, XLSX %zu KiB)\n", c.text.size() / 1024, c.xlsx.size() / 1024);
  auto run_csv = [&] {
    auto p = parse_member_csv(c.text, "adhesions.csv", c.options);
    benchmark::DoNotOptimize(p);
  };
  auto run_records = [&] {
    auto r = maillage::csv::read_records(c.text, ';', "adhesions.csv");
    benchmark::DoNotOptimize(r);
  };
  auto run_xlsx = [&] {
    auto p = parse_member_xlsx(c.xlsx, "adhesions.xlsx", c.options);
    benchmark::DoNotOptimize(p);
  };
  auto run_sheet = [&] {
    auto r = maillage::office::read_xlsx_first_sheet(c.xlsx, "adhesions.xlsx");
    benchmark::DoNotOptimize(r);
  };
  const long hcsv = heap_peak_kib(run_csv), hrec = heap_peak_kib(run_records);
  const long hxlsx = heap_peak_kib(run_xlsx), hsheet = heap_peak_kib(run_sheet);
  std::printf(
      "\npeak C++ heap of one run (operator new high-water mark; libzip and expat use "
      "malloc and are not counted here):\n");
  row("import 5 000 members from CSV", hcsv, "CSV records only", hrec);
  row("import 5 000 members from XLSX", hxlsx, "XLSX sheet read only", hsheet);
  row("import 5 000 members from XLSX", hxlsx, "same members from CSV", hcsv);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  summary(collector);
  memory_summary();
  benchmark::Shutdown();
  return 0;
}
