// Projet de santé benchmark: the pre-draft of the demo CPTS ("CPTS de démonstration du Pays
// messin (fictive)", Metz Métropole, 46 communes) for its coordinator, on the real référentiel
// and the demo data (`maillage demo load`: registry, two generated RPPS extracts of Moselle, the
// association's statuts, members and working groups) in a scratch SQLite database.
//
// Measured in the same run (wall clock, medians of --runs):
//   diagnostic   Diagnostics::diagnose of the structure's territory, cache warm: the baseline;
//   draft        ProjetsDeSante::view (the editing page's data: diagnostic + draft, no map);
//   docx, odt    ProjetsDeSante::file: diagnostic, map (1200 × 900 PNG), draft, document;
//   cold docx    the same right after Diagnostics::invalidate() (national aggregates and
//                accessibility map rebuilt), once: what the first user after a restart waits.
// Target (issue 15): the coordinator has the pre-draft in under 5 s.
//
//   projet_bench [--runs N]     (MAILLAGE_REFERENCE names the référentiel)
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "demo/demo.hpp"
#include "refdata/reference_file.hpp"
#include "services/association.hpp"
#include "services/association_work.hpp"
#include "services/diagnostic.hpp"
#include "services/projet_sante.hpp"
#include "services/registry.hpp"
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
  std::fprintf(stderr, "projet_bench: %s\n", e.describe().c_str());
  std::exit(1);
}

template <class T>
T check(Result<T> r) {
  if (!r) die(r.error());
  return std::move(*r);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 7;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
  }
  const char* env = std::getenv("MAILLAGE_REFERENCE");
  const std::string reference = env ? env : "var/reference.sqlite";
  if (!fs::exists(reference)) {
    std::fprintf(stderr, "projet_bench: référentiel %s introuvable (MAILLAGE_REFERENCE)\n",
                 reference.c_str());
    return 1;
  }
  auto t0 = Clock::now();
  const geo::Referentiel ref = check(refdata::load_reference(reference));
  std::printf("référentiel : %zu communes (%.0f ms)\n", ref.communes.size(), ms_since(t0));

  const fs::path dir =
      fs::temp_directory_path() / fmt::format("maillage-projet-bench-{}", ::getpid());
  fs::create_directories(dir);
  auto db = check(store::Database::open("sqlite:" + (dir / "bench.sqlite").string()));
  check(db->migrate());
  t0 = Clock::now();
  services::AccountSettings cheap;
  cheap.argon2_memory_kib = 64;
  cheap.argon2_passes = 1;
  check(demo::load_demo_accounts(*db, cheap));
  check(demo::load_registry_demo(*db, ref));
  check(demo::load_rpps_demo(*db, ref));
  check(demo::load_association_demo(*db, ref));
  check(demo::load_association_work_demo(*db, ref));
  std::printf("démo chargée (%.0f ms)\n", ms_since(t0));

  auto demo_id = check(db->query(
      "SELECT id FROM structures WHERE name = 'CPTS de démonstration du Pays messin (fictive)'"));
  const std::int64_t id = demo_id.rows.at(0).integer(0);
  services::Principal coordinator;
  coordinator.login = "coordination@demo.maillage.fr";
  coordinator.display_name = "Coordinatrice";
  coordinator.role = services::Role::coordinator;
  coordinator.structures = {id};

  services::Registry registry = check(services::Registry::create(*db, ref));
  services::Diagnostics diagnostics(*db, ref, services::rpps_supply_source(*db));
  services::Association association(*db, ref, &diagnostics, services::rpps_supply_source(*db));
  services::AssociationWork work(*db, association);
  auto projets = check(services::ProjetsDeSante::create(*db, ref, registry, diagnostics, {},
                                                        &association, &work));
  services::DiagnosticSelection sel;
  sel.structure = id;

  t0 = Clock::now();
  auto first = check(diagnostics.diagnose(coordinator, sel));
  std::printf("premier diagnostic (cache national construit) : %.0f ms — %zu communes, %lld hab.\n",
              ms_since(t0), first.result.commune_count,
              static_cast<long long>(first.result.population));

  std::vector<double> diag, view, docx, odt;
  std::size_t docx_bytes = 0, odt_bytes = 0;
  for (int r = 0; r < runs; ++r) {
    t0 = Clock::now();
    check(diagnostics.diagnose(coordinator, sel));
    diag.push_back(ms_since(t0));
    t0 = Clock::now();
    check(projets->view(coordinator, id));
    view.push_back(ms_since(t0));
    t0 = Clock::now();
    docx_bytes = check(projets->file(coordinator, id, services::ProjetFormat::docx)).bytes.size();
    docx.push_back(ms_since(t0));
    t0 = Clock::now();
    odt_bytes = check(projets->file(coordinator, id, services::ProjetFormat::odt)).bytes.size();
    odt.push_back(ms_since(t0));
  }
  diagnostics.invalidate();
  t0 = Clock::now();
  check(projets->file(coordinator, id, services::ProjetFormat::docx));
  const double cold = ms_since(t0);

  const double base = median(diag);
  std::printf("\nmédianes sur %d essais (horloge murale)\n", runs);
  std::printf("  diagnostic seul (cache chaud)   %8.1f ms   1.00×\n", base);
  std::printf("  brouillon (page, sans carte)    %8.1f ms   %.2f×\n", median(view),
              median(view) / base);
  std::printf("  DOCX complet (carte comprise)   %8.1f ms   %.2f×   %zu octets\n", median(docx),
              median(docx) / base, docx_bytes);
  std::printf("  ODT complet (carte comprise)    %8.1f ms   %.2f×   %zu octets\n", median(odt),
              median(odt) / base, odt_bytes);
  std::printf("  DOCX à froid (cache reconstruit) %7.1f ms   %.2f×\n", cold, cold / base);
  std::printf("objectif : pré-rédaction en moins de 5 s — %s\n",
              std::max(cold, median(docx)) < 5000 ? "atteint" : "NON atteint");
  db.reset();
  fs::remove_all(dir);
  return 0;
}
