// Demo data of the rpps area (see demo.hpp): two FICTITIOUS extracts of Moselle (57) generated in
// the published format (src/rpps/generator.hpp) and imported as snapshots through the same path
// as a real file: one dated a year before today and one dated today, so that "changes since
// last year" has arrivals and departures to show. Idempotent: nothing is done when fictitious
// snapshots are already there.
#include <ctime>
#include <string>

#include "common/dates.hpp"
#include "demo/demo.hpp"
#include "rpps/generator.hpp"
#include "services/rpps.hpp"
#include "store/database.hpp"

namespace maillage::demo {

using services::import_rpps_text;
using services::rpps_changes_between;
using services::rpps_generator_communes;
using services::RppsImportOptions;
using services::RppsImportReport;
using services::RppsSnapshot;

namespace {

constexpr const char* kDemoDepartement = "57";
constexpr std::uint64_t kDemoSeed = 57;

}  // namespace

Result<DemoLines> load_rpps_demo(store::Database& db, const geo::Referentiel& ref) {
  auto existing = db.query("SELECT COUNT(*) FROM rpps_snapshots WHERE fictitious = 1");
  if (!existing) return tl::unexpected(existing.error());
  if (existing->rows.at(0).integer(0) > 0) {
    return DemoLines{"RPPS : extraits fictifs de Moselle déjà chargés."};
  }
  auto communes = rpps_generator_communes(ref, kDemoDepartement);
  if (!communes) {
    return DemoLines{"RPPS : pas de département 57 dans le référentiel, aucun extrait fictif."};
  }
  DemoLines lines;
  std::vector<RppsImportReport> reports;
  for (int years_back : {1, 0}) {
    rpps::GeneratorOptions options;
    options.seed = kDemoSeed;
    options.vintage = -years_back;
    options.bad_lines = years_back == 0 ? 4 : 0;  // the current one shows the bad-line report
    std::string text;
    auto generated =
        rpps::generate_extract(*communes, options, [&](std::string_view chunk) -> Status {
          text.append(chunk);
          return {};
        });
    if (!generated) return tl::unexpected(generated.error());
    RppsImportOptions import;
    import.user = "demo";
    import.fictitious = true;
    auto report =
        import_rpps_text(db, ref,
                         rpps::fictitious_file_name(
                             format_date_compact(add_years(today_utc(), -years_back)) + "0000"),
                         text, import);
    if (!report) return tl::unexpected(report.error());
    reports.push_back(std::move(*report));
  }
  const RppsSnapshot& before = reports[0].snapshot;
  const RppsSnapshot& now = reports[1].snapshot;
  auto changes = rpps_changes_between(db, before.id, now.id, {}, "MG");
  if (!changes) return tl::unexpected(changes.error());
  lines.push_back("RPPS : extrait FICTIF de Moselle du " + now.date() + " (" +
                  std::to_string(now.activities) + " activités, " + std::to_string(now.persons) +
                  " professionnels, " + std::to_string(now.bad_lines) +
                  " lignes en erreur signalées) et celui du " + before.date() + " (" +
                  std::to_string(before.activities) + " activités).");
  lines.push_back("RPPS : médecins généralistes fictifs partis depuis un an : " +
                  std::to_string(changes->left.size()) +
                  ", arrivés : " + std::to_string(changes->arrived.size()) + ".");
  return lines;
}

}  // namespace maillage::demo
