// Association engine costs, each against a baseline measured in the same run:
// - import: parse_member_csv of a 5 000-member HelloAsso-shaped export (fictitious, generated
//   with a fixed seed; 1 000 stored members for the duplicate check) vs csv::read_records of the
//   same text (the splitting every CSV import pays);
// - AG: tally_attendance + count_votes for 600 voters in 4 weighted collèges vs the same vote
//   counted by head count.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>

#include "association/association.hpp"
#include "common/csv_reader.hpp"

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
  ImportOptions options;
};

const ImportCase& import_case() {
  static const ImportCase c = [] {
    std::mt19937 rng(5000);
    ImportCase out;
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
      out.text += std::to_string(100000 + i) + ";" + std::to_string(1 + rng() % 28) + "/0" +
                  std::to_string(1 + rng() % 9) + "/2025 10:32;Validé;" + last + ";" + first + ";" +
                  last + ";" + first + ";" + email + ";" + kTarif[rng() % 5] + ";" +
                  std::to_string(20 + rng() % 80) + ",00 €;" + rpps +
                  ";Metz;\"Oui; MSP des Coteaux\"\r\n";
      if (i % 5 == 0)
        out.options.existing.push_back({"adh-" + std::to_string(i), last, first, email, ""});
    }
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
  row("AG 600 voters, 4 weighted collèges", "BM_Ag_Weighted_600", "same AG by head count",
      "BM_Ag_HeadCount_600");
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
