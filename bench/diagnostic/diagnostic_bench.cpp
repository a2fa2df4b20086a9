// Territorial diagnostic benchmark: the diagnostic of Metz Métropole (EPCI 200039865, its
// communes as a structure's territory read from structure_communes) on the real référentiel and a
// generated NATIONAL RPPS extract (src/rpps generator, every commune of France, two vintages a
// year apart) imported into a scratch SQLite database through the rpps service.
//
// Measured in the same run:
//   cold      the first diagnostic: reads the national counts, builds the département / région /
//             France aggregates and the national accessibility map, then the territory;
//   warm      the next diagnostics (median): the cache is kept, only the territory is computed;
//   straight  the straightforward way, recomputing everything national for every request
//             (the cache dropped before each call): the baseline of the ratio.
// Target: warm < 100 ms server-side.
//
//   diagnostic_bench [--runs N]     (MAILLAGE_REFERENCE names the référentiel)
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "refdata/reference_file.hpp"
#include "rpps/generator.hpp"
#include "services/diagnostic.hpp"
#include "services/rpps.hpp"
#include "store/database.hpp"

namespace fs = std::filesystem;
using namespace maillage;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

[[noreturn]] void die(const Error& e) {
  std::fprintf(stderr, "diagnostic_bench: %s\n", e.describe().c_str());
  std::exit(1);
}

template <class T>
T check(Result<T> r) {
  if (!r) die(r.error());
  return std::move(*r);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 20;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
  }
  const char* env = std::getenv("MAILLAGE_REFERENCE");
  const std::string reference = env ? env : "var/reference.sqlite";
  if (!fs::exists(reference)) {
    std::fprintf(stderr, "diagnostic_bench: référentiel %s introuvable (MAILLAGE_REFERENCE)\n",
                 reference.c_str());
    return 1;
  }
  auto t0 = Clock::now();
  const geo::Referentiel ref = check(refdata::load_reference(reference));
  std::printf("référentiel: %zu communes (%.0f ms)\n", ref.communes.size(), ms_since(t0));

  const fs::path dir = fs::temp_directory_path() / fmt::format("maillage-diag-bench-{}", ::getpid());
  fs::create_directories(dir);
  auto db = check(store::Database::open("sqlite:" + (dir / "bench.sqlite").string()));
  check(db->migrate());

  // A national extract per vintage, generated from every current commune.
  std::vector<rpps::GeneratorCommune> communes;
  std::int64_t population = 0;
  for (const auto& c : ref.communes) {
    if (c.arrondissement) continue;
    communes.push_back({c.code, c.nom, c.postcodes.empty() ? "" : c.postcodes.front(),
                        c.population});
    population += c.population;
  }
  for (int vintage : {-1, 0}) {
    t0 = Clock::now();
    std::string text;
    rpps::GeneratorOptions options;
    options.seed = 2026;
    options.vintage = vintage;
    auto summary = check(rpps::generate_extract(communes, options, [&](std::string_view chunk) {
      text.append(chunk);
      return Status{};
    }));
    const double gen_ms = ms_since(t0);
    t0 = Clock::now();
    services::RppsImportOptions import;
    import.fictitious = true;
    const std::string name = vintage == 0 ? "PS_LibreAcces_Personne_activite_202606010000.txt"
                                          : "PS_LibreAcces_Personne_activite_202506010000.txt";
    auto report = check(services::import_rpps_text(*db, ref, name, text, import));
    std::printf("national extract %s: %lld lines, %.1f MB, generated in %.0f ms, imported in %.0f "
                "ms (%lld activities)\n",
                name.c_str(), static_cast<long long>(summary.lines), text.size() / 1e6, gen_ms,
                ms_since(t0), static_cast<long long>(report.snapshot.activities));
  }

  // The territory: Metz Métropole's communes as a structure's territory.
  const geo::Epci* metz = ref.epci("200039865");
  if (metz == nullptr) {
    std::fprintf(stderr, "diagnostic_bench: EPCI 200039865 absent du référentiel\n");
    return 1;
  }
  std::int64_t structure = 0;
  auto st = db->transact([&](store::Tx& tx) -> Status {
    auto r = tx.query(
        "INSERT INTO structures (kind, name, departement, created_at, updated_at) VALUES "
        "('CPTS', 'CPTS de banc d''essai (fictive)', '57', 'x', 'x') RETURNING id");
    if (!r) return tl::unexpected(r.error());
    structure = r->rows[0].integer(0);
    for (auto i : metz->members) {
      auto e = tx.exec("INSERT INTO structure_communes (structure_id, commune) VALUES ($1, $2)",
                       {structure, ref.communes[i].code});
      if (!e) return tl::unexpected(e.error());
    }
    return {};
  });
  if (!st) die(st.error());

  services::Principal admin;
  admin.login = "bench";
  admin.role = services::Role::admin;
  services::DiagnosticSettings settings;
  settings.access.threads = 1;
  services::Diagnostics service(*db, ref, services::rpps_supply_source(*db), settings);
  const services::DiagnosticSelection selection{{}, "", structure};

  t0 = Clock::now();
  auto first = check(service.diagnose(admin, selection));
  const double cold = ms_since(t0);
  std::vector<double> warm;
  for (int i = 0; i < runs; ++i) {
    t0 = Clock::now();
    check(service.diagnose(admin, selection));
    warm.push_back(ms_since(t0));
  }
  std::vector<double> straight;
  for (int i = 0; i < std::max(3, runs / 4); ++i) {
    service.invalidate();
    t0 = Clock::now();
    check(service.diagnose(admin, selection));
    straight.push_back(ms_since(t0));
  }
  const auto& d = first.result;
  double gps = 0;
  for (const auto& p : d.professions) {
    if (p.key == "medecin_generaliste") gps = p.territory.count;
  }
  std::printf("territory: %s, %zu communes, %lld inhabitants, %.0f GPs, mean APL %.2f, "
              "%lld inhabitants under %.1f; national map: %zu OD pairs, France %lld inhabitants\n",
              metz->nom.c_str(), d.commune_count, static_cast<long long>(d.population), gps,
              d.mean_access.value_or(0), static_cast<long long>(d.population_under_threshold),
              d.threshold, first.access_pairs, static_cast<long long>(population));
  const double warm_ms = median(warm);
  const double straight_ms = median(straight);
  std::printf("cold (first call, cache built: %.0f ms of it)   %8.1f ms\n", first.cache_build_ms,
              cold);
  std::printf("warm (median of %d)                             %8.2f ms   target < 100 ms: %s\n",
              runs, warm_ms, warm_ms < 100 ? "met" : "NOT met");
  std::printf("straightforward recomputation (median of %zu)    %8.1f ms   ratio %.0fx\n",
              straight.size(), straight_ms, straight_ms / warm_ms);
  db.reset();
  fs::remove_all(dir);
  return 0;
}
