// The pre-draft of the demo CPTS ("CPTS de démonstration du Pays messin (fictive)", territory:
// the communes of Metz Métropole) on the real référentiel (MAILLAGE_REFERENCE) and the demo data
// (`maillage demo load`: registry, generated RPPS extracts of Moselle), SQLite. Commune count,
// population and size class are recomputed here from the référentiel (the EPCI's members) and
// the rules' thresholds; the professionals table must carry, for every profession, the figures
// of the diagnostic the same coordinator gets on the diagnostic page (formatted the French way).
// Skipped without the référentiel.
#include "demo/demo.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <variant>

#include "common/french.hpp"
#include "refdata/reference_file.hpp"
#include "services/diagnostic.hpp"
#include "services/projet_sante.hpp"
#include "services/registry.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

std::vector<std::vector<std::string>> rows_after(const office::Document& doc,
                                                 const std::string& first_header) {
  for (const auto& b : doc.blocks) {
    const auto* t = std::get_if<office::Table>(&b);
    if (t && !t->header.empty() && t->header[0] == first_header) return t->rows;
  }
  return {};
}

TEST(ProjetDemo, FiguresOfTheDemoCpts) {
  const char* path = std::getenv("MAILLAGE_REFERENCE");
  if (path == nullptr || !std::filesystem::exists(path)) {
    GTEST_SKIP() << "référentiel absent (MAILLAGE_REFERENCE)";
  }
  auto ref = refdata::load_reference(path);
  ASSERT_TRUE(ref) << ref.error().describe();
  auto scratch = testing::ScratchDatabase::create(store::Backend::sqlite);
  auto db = testing::open_database(*scratch);
  AccountSettings cheap;
  cheap.argon2_memory_kib = 64;
  cheap.argon2_passes = 1;
  ASSERT_TRUE(demo::load_demo_accounts(*db, cheap));
  ASSERT_TRUE(demo::load_registry_demo(*db, *ref));
  ASSERT_TRUE(demo::load_rpps_demo(*db, *ref));
  auto id_row = db->query(
      "SELECT id FROM structures WHERE name = 'CPTS de démonstration du Pays messin (fictive)'");
  ASSERT_TRUE(id_row && !id_row->rows.empty());
  const std::int64_t id = id_row->rows[0].integer(0);

  auto registry = Registry::create(*db, *ref);
  ASSERT_TRUE(registry);
  Diagnostics diagnostics(*db, *ref, rpps_supply_source(*db));
  auto projets = ProjetsDeSante::create(*db, *ref, *registry, diagnostics);
  ASSERT_TRUE(projets);
  Principal coordinator;
  coordinator.login = "coordination@demo.maillage.fr";
  coordinator.role = Role::coordinator;
  coordinator.structures = {id};

  auto doc = (*projets)->document(coordinator, id, "2026-12-07T10:00:00Z");
  ASSERT_TRUE(doc) << doc.error().describe();

  // The territory is Metz Métropole: its members in the référentiel.
  const geo::Epci* epci = ref->epci("200039865");
  ASSERT_NE(epci, nullptr);
  std::int64_t population = 0;
  for (auto i : epci->members) population += ref->communes[i].population;
  auto population_rows = rows_after(*doc, "Zone");
  ASSERT_FALSE(population_rows.empty());
  EXPECT_EQ(population_rows[0][1], fr::integer(population));
  EXPECT_EQ(population_rows[0][2], fr::integer(static_cast<std::int64_t>(epci->members.size())));
  EXPECT_EQ(rows_after(*doc, "Code INSEE").size(), epci->members.size());
  // Size class: T1 < 40 000 ≤ T2 < 80 000 ≤ T3 < 175 000 ≤ T4 (rules/aci/cpts_2019.toml).
  const std::string size = population < 40000    ? "T1"
                           : population < 80000  ? "T2"
                           : population < 175000 ? "T3"
                                                 : "T4";
  bool size_shown = false;
  for (const auto& b : doc->blocks) {
    const auto* p = std::get_if<office::Paragraph>(&b);
    if (p && p->runs.size() == 2 && p->runs[0].text == "Taille au sens de l'ACI : ") {
      size_shown = p->runs[1].text.rfind(size + " — ", 0) == 0;
    }
  }
  EXPECT_TRUE(size_shown) << size;

  // Professionals: the diagnostic's figures, one row per profession.
  DiagnosticSelection sel;
  sel.structure = id;
  auto diag = diagnostics.diagnose(coordinator, sel);
  ASSERT_TRUE(diag);
  auto pros = rows_after(*doc, "Profession");
  ASSERT_EQ(pros.size(), diag->result.professions.size());
  std::int64_t total = 0;
  for (std::size_t i = 0; i < pros.size(); ++i) {
    const auto& p = diag->result.professions[i];
    EXPECT_EQ(pros[i][0], p.label);
    EXPECT_EQ(pros[i][1], fr::integer(std::llround(p.territory.count)));
    EXPECT_EQ(pros[i][3], p.territory.per_10000 ? fr::decimal(*p.territory.per_10000, 1) : "—");
    // Density = count × 10 000 / population, recomputed here.
    if (population > 0) {
      EXPECT_EQ(pros[i][3], fr::decimal(p.territory.count * 10000.0 / population, 1)) << p.label;
    }
    total += std::llround(p.territory.count);
  }
  EXPECT_GT(total, 0) << "the demo RPPS extracts put professionals in Metz Métropole";
}

}  // namespace
}  // namespace maillage::services
