// Demo data of the sectors area (see demo.hpp): Moselle split into two sectors computed by the
// sectors engine (workload: population and structures followed, equally weighted; ±10 %), the
// sector holding Metz followed by roc2 ("Moselle centre-nord"), the other by roc1 ("Moselle
// est"), each the other's deputy. The solve has a work budget instead of a time limit: the same
// sectors on every load (tests/services/sectors_demo_test.cpp). Saved through services::Sectors
// (validated, versioned, audited). Idempotent: nothing is done when Moselle already has a plan.
#include <fmt/format.h>

#include "demo/demo.hpp"
#include "services/sectors.hpp"
#include "store/database.hpp"

namespace maillage::demo {

namespace {

constexpr const char* kRocEast = "roc1.moselle@demo.maillage.fr";
constexpr const char* kRocNorth = "roc2.moselle@demo.maillage.fr";
constexpr const char* kMetz = "57463";

}  // namespace

Result<DemoLines> load_sectors_demo(store::Database& db, const geo::Referentiel& ref) {
  DemoLines lines;
  if (ref.departement("57") == nullptr || ref.commune(kMetz) == nullptr) return lines;
  auto existing = db.query("SELECT count(*) AS n FROM sector_plans WHERE departement = '57'");
  if (!existing) return tl::unexpected(existing.error());
  if (existing->named(0).integer("n") > 0) return lines;
  auto users = db.query("SELECT id, login FROM users WHERE login IN ($1, $2)",
                        {std::string(kRocEast), std::string(kRocNorth)});
  if (!users) return tl::unexpected(users.error());
  std::int64_t east = 0, north = 0;
  for (store::NamedRow r : users->each()) {
    (r.text("login") == kRocEast ? east : north) = r.integer("id");
  }
  if (east == 0 || north == 0) return lines;  // the demo accounts come first

  auto sectors = services::Sectors::create(db, ref);
  if (!sectors) return tl::unexpected(sectors.error());
  services::Principal admin;
  admin.login = "system";
  admin.role = services::Role::admin;
  services::SectorSettings settings;
  settings.departement = "57";
  settings.k = 2;
  settings.mix = {1.0, 1.0, 0.0};
  settings.tolerance = 0.10;
  // Counted in work, not time, so that every demo load shows the same sectors whatever the
  // machine's load: about 4 annealing runs on Moselle's ~700 units (a second or two in a release
  // build), a few tree nodes for the bound; the time limit is only a safety net.
  settings.work_moves = 12'000'000;
  settings.work_nodes = 20;
  settings.time_limit_seconds = 300;
  auto job = (*sectors)->compute(admin, settings);
  if (!job) return tl::unexpected(job.error());
  if (job->state != "termine") {  // e.g. a test référentiel too small to balance
    lines.push_back("Secteurs : pas de découpage de démonstration (" + job->message + ")");
    return lines;
  }
  const int metz = job->communes.at(kMetz);
  services::SaveSectorPlan plan;
  plan.settings = settings;
  plan.communes = job->communes;
  plan.labels.assign(2, "");
  plan.referents.assign(2, 0);
  plan.deputies.assign(2, 0);
  plan.labels[metz] = "Moselle centre-nord";
  plan.labels[1 - metz] = "Moselle est";
  plan.referents[metz] = north;
  plan.deputies[metz] = east;
  plan.referents[1 - metz] = east;
  plan.deputies[1 - metz] = north;
  if (job->optimal) plan.lower_bound = job->lower_bound;
  plan.note = "Découpage de démonstration calculé par Maillage.";
  auto saved = (*sectors)->save(admin, plan);
  if (!saved) return tl::unexpected(saved.error());
  lines.push_back(fmt::format(
      "Secteurs : Moselle découpée en 2 secteurs calculés ({} paires de communes voisines "
      "séparées{}) ; roc2 suit le centre-nord (Metz), roc1 l'est.",
      saved->evaluation.cut_edges, job->optimal ? ", optimum prouvé" : ""));
  return lines;
}

}  // namespace maillage::demo
