// The diagnostic service on both backends: selections (communes, EPCI, a structure's territory),
// scope of structures, comparisons with the département / région / France aggregates, the
// national accessibility map, changes between snapshots and the per-snapshot cache. The supply
// comes from a small in-memory source (the RPPS tables are the rpps area's; their adapter is
// tested through the API tests).
#include <gtest/gtest.h>

#include <cmath>

#include "diagnostic/professions.hpp"
#include "http/test_referentiel.hpp"
#include "services/diagnostic.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

using diagnostic::Supply;

// Two snapshots: 2025 (previous) and 2026 (current). Small référentiel: Metz 120 000, Montigny
// 21 000 (both in Metz Métropole), Aboncourt 350, Saint-Avold 15 000 (Moselle, 156 350),
// Nancy 104 000 (Meurthe-et-Moselle; Grand Est = 260 350), Paris 2 100 000 (France = 2 360 350).
class FakeSource final : public SupplySource {
 public:
  std::vector<SnapshotRef> snapshots{{2, "2026-06-01", "2026-06-02T08:00:00.000Z", "b.txt"},
                                     {1, "2025-06-01", "2025-06-02T08:00:00.000Z", "a.txt"}};
  int supply_calls = 0;

  Result<std::vector<SnapshotRef>> latest(int count) override {
    std::vector<SnapshotRef> out(snapshots.begin(),
                                 snapshots.begin() + std::min<std::size_t>(count, snapshots.size()));
    return out;
  }
  Result<std::vector<CommuneSupplyRow>> commune_supply(std::int64_t snapshot) override {
    ++supply_calls;
    const std::string gp(diagnostic::kGeneralPractitioner);
    if (snapshot == 1) {
      return std::vector<CommuneSupplyRow>{{"57463", gp, Supply{3, 3, 0, 0}}};
    }
    return std::vector<CommuneSupplyRow>{
        {"57463", gp, Supply{100, 90, 0, 0}},   {"57480", gp, Supply{10, 10, 0, 0}},
        {"57606", gp, Supply{5, 5, 0, 0}},      {"54395", gp, Supply{50, 50, 0, 0}},
        {"75101", gp, Supply{2000, 2000, 0, 0}},  // an arrondissement: counted in Paris
        {"57463", "infirmier", Supply{40, 40, 0, 0}}};
  }
  Result<std::vector<PersonRow>> people(std::int64_t snapshot,
                                        const std::vector<std::string>& communes) override {
    const std::string gp(diagnostic::kGeneralPractitioner);
    // Filled pair by pair: g++ 12 at -O2 reports a false -Wmaybe-uninitialized on a braced list
    // of these structs inside a conditional expression.
    const std::vector<std::pair<const char*, const char*>> rows =
        snapshot == 1 ? std::vector<std::pair<const char*, const char*>>{{"57463", "10001"},
                                                                         {"57463", "10002"},
                                                                         {"57463", "10003"}}
                      : std::vector<std::pair<const char*, const char*>>{{"57463", "10001"},
                                                                         {"57480", "10004"},
                                                                         {"57606", "10005"}};
    std::vector<PersonRow> all;
    for (const auto& [commune, id] : rows) {
      PersonRow row;
      row.commune = commune;
      row.person.id = id;
      row.person.profession = gp;
      all.push_back(std::move(row));
    }
    std::vector<PersonRow> out;
    for (auto& p : all) {
      if (std::find(communes.begin(), communes.end(), p.commune) != communes.end()) {
        out.push_back(p);
      }
    }
    return out;
  }
};

Principal principal(Role role, std::vector<std::string> deps = {},
                    std::vector<std::int64_t> structures = {}) {
  Principal p;
  p.login = "test";
  p.role = role;
  p.departements = std::move(deps);
  p.structures = std::move(structures);
  if (role == Role::ars) p.regions = {"44"};
  return p;
}

class DiagnosticService : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    ref_ = testing::small_referentiel();
    source_ = std::make_shared<FakeSource>();
    service_ = std::make_unique<Diagnostics>(*db_, ref_, source_);
  }
  void TearDown() override {
    service_.reset();
    db_.reset();
    scratch_.reset();
  }
  // A structure of `kind` in Moselle with a head office and a territory.
  std::int64_t add_structure(const std::string& kind, const std::string& name,
                             const std::string& commune, std::vector<std::string> territory,
                             const std::string& stage = "emergence") {
    std::int64_t id = 0;
    auto s = db_->transact([&](store::Tx& tx) -> Status {
      auto r = tx.query(
          "INSERT INTO structures (kind, name, departement, stage, commune, created_at, "
          "updated_at) VALUES ($1, $2, '57', $3, $4, 'x', 'x') RETURNING id",
          {kind, name, stage, commune});
      if (!r) return tl::unexpected(r.error());
      id = r->rows.at(0).integer(0);
      for (const auto& c : territory) {
        auto e = tx.exec("INSERT INTO structure_communes (structure_id, commune) VALUES ($1, $2)",
                         {id, c});
        if (!e) return tl::unexpected(e.error());
      }
      return {};
    });
    EXPECT_TRUE(s) << s.error().describe();
    return id;
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel ref_;
  std::shared_ptr<FakeSource> source_;
  std::unique_ptr<Diagnostics> service_;
};

const diagnostic::ProfessionRow& row(const DiagnosticReport& r, std::string_view key) {
  for (const auto& p : r.result.professions) {
    if (p.key == key) return p;
  }
  throw std::runtime_error("no row " + std::string(key));
}

TEST_P(DiagnosticService, EpciWithComparisonsAndChanges) {
  auto r = service_->diagnose(principal(Role::member), {{}, "200039865", std::nullopt});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->title, "Metz Métropole");
  EXPECT_EQ(r->kind, "epci");
  EXPECT_EQ(r->result.population, 141000);
  EXPECT_EQ(r->result.commune_count, 2U);
  EXPECT_EQ(r->departements, std::vector<std::string>{"57"});
  const auto& gp = row(*r, diagnostic::kGeneralPractitioner);
  EXPECT_DOUBLE_EQ(gp.territory.count, 110);
  EXPECT_NEAR(*gp.territory.per_10000, 110 * 10000.0 / 141000, 1e-9);
  EXPECT_NEAR(*gp.departement->per_10000, 115 * 10000.0 / 156350, 1e-9);
  EXPECT_NEAR(*gp.region->per_10000, 165 * 10000.0 / 260350, 1e-9);
  // Paris's arrondissement supply is in Paris; the arrondissement's population is not counted
  // twice.
  EXPECT_NEAR(*gp.france->per_10000, 2165 * 10000.0 / 2360350, 1e-9);
  EXPECT_EQ(r->result.departement->nom, "Moselle");
  EXPECT_EQ(r->result.region->nom, "Grand Est");
  // Previous snapshot: 3 GPs in Metz (10001..10003); now 10001 (Metz) and 10004 (Montigny).
  ASSERT_TRUE(gp.change);
  EXPECT_DOUBLE_EQ(gp.change->count_before, 3);
  EXPECT_EQ(gp.change->arrived, 1);
  EXPECT_EQ(gp.change->left, 2);
  EXPECT_EQ(r->snapshot->extract_date, "2026-06-01");
  EXPECT_EQ(r->previous->extract_date, "2025-06-01");
  EXPECT_EQ(*r->result.previous_date, "2025-06-01");
  // Accessibility: known for both communes, the mean is their population-weighted mean.
  ASSERT_EQ(r->result.communes.size(), 2U);
  const auto& metz = r->result.communes[0];
  const auto& montigny = r->result.communes[1];
  ASSERT_TRUE(metz.access && montigny.access);
  EXPECT_GT(*metz.access, 0);
  EXPECT_NEAR(*r->result.mean_access,
              (120000 * *metz.access + 21000 * *montigny.access) / 141000, 1e-9);
  EXPECT_GT(r->access_pairs, 0U);
}

// On the small référentiel everything near Metz shares the same doctors, so Metz and Montigny
// (2.6 km apart) have the same supply within reach; Aboncourt (~17 km, 20 min × 1.3 / 50 km/h
// = 12.8 km catchment) reaches none of them and is under-served at 0.
TEST_P(DiagnosticService, UnderServedCommunesAndThreshold) {
  auto r = service_->diagnose(principal(Role::roc, {"54"}), {{"57001", "57463"}, "", {}});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->title, "2 communes");
  ASSERT_EQ(r->result.communes.size(), 2U);
  EXPECT_EQ(r->result.communes[0].code, "57001");
  EXPECT_DOUBLE_EQ(*r->result.communes[0].access, 0);
  EXPECT_TRUE(r->result.communes[0].under_served);
  EXPECT_EQ(r->result.population_under_threshold, 350);
  EXPECT_DOUBLE_EQ(r->threshold, 2.5);
  auto none = service_->diagnose(principal(Role::roc, {"54"}), {{"57001", "57463"}, "", {}}, 0.0);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->result.population_under_threshold, 0);
  EXPECT_EQ(service_->diagnose(principal(Role::admin), {{"57463"}, "", {}}, -1.0).error().field,
            "seuil");
}

TEST_P(DiagnosticService, SelectionErrors) {
  const auto who = principal(Role::admin);
  EXPECT_EQ(service_->diagnose(who, {}).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(service_->diagnose(who, {{"57463"}, "200039865", {}}).error().code,
            ErrorCode::invalid_input);
  auto unknown = service_->diagnose(who, {{"57463", "99999"}, "", {}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "communes");
  EXPECT_NE(unknown.error().message.find("99999"), std::string::npos);
  EXPECT_EQ(service_->diagnose(who, {{}, "123456789", {}}).error().code, ErrorCode::not_found);
  EXPECT_EQ(service_->diagnose(who, {{}, "", 999}).error().code, ErrorCode::not_found);
  // An arrondissement stands for its commune; duplicates count once.
  auto paris = service_->diagnose(who, {{"75101", "75056"}, "", {}});
  ASSERT_TRUE(paris) << paris.error().describe();
  EXPECT_EQ(paris->result.commune_count, 1U);
  EXPECT_EQ(paris->title, "Paris");
  EXPECT_EQ(paris->result.population, 2100000);
}

TEST_P(DiagnosticService, StructureTerritoryFollowsTheRegistryScope) {
  const auto cpts = add_structure("CPTS", "CPTS test (fictive)", "57463", {"57463", "57480"},
                                  "aci_signe");
  const auto msp = add_structure("MSP", "MSP de Montigny (fictive)", "57480", {}, "active");
  add_structure("MSP", "MSP de Saint-Avold (fictive)", "57606", {});
  // The coordinator of the CPTS, a ROC of Moselle, the observer: allowed.
  for (const auto& who : {principal(Role::coordinator, {}, {cpts}), principal(Role::roc, {"57"}),
                          principal(Role::observer), principal(Role::ars)}) {
    auto r = service_->diagnose(who, {{}, "", cpts});
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->title, "CPTS test (fictive)");
    EXPECT_EQ(r->result.population, 141000);
    // The CPTS itself (territory) and the MSP of Montigny (head office); not Saint-Avold's.
    ASSERT_EQ(r->result.structures.size(), 2U);
    EXPECT_EQ(r->result.structures_by_kind.at("CPTS"), 1);
    EXPECT_EQ(r->result.structures_by_kind.at("MSP"), 1);
  }
  // Another coordinator, a ROC of another département: forbidden.
  EXPECT_EQ(service_->diagnose(principal(Role::coordinator, {}, {cpts + 100}), {{}, "", cpts})
                .error()
                .code,
            ErrorCode::forbidden);
  EXPECT_EQ(service_->diagnose(principal(Role::roc, {"54"}), {{}, "", cpts}).error().code,
            ErrorCode::forbidden);
  // A structure without territory.
  EXPECT_EQ(service_->diagnose(principal(Role::admin), {{}, "", msp}).error().code,
            ErrorCode::invalid_input);
  // Stages are shown only within the caller's scope.
  auto r = service_->diagnose(principal(Role::coordinator, {}, {cpts}), {{}, "", cpts});
  ASSERT_TRUE(r);
  for (const auto& s : r->result.structures) {
    EXPECT_EQ(s.stage.empty(), s.id == msp) << s.name;
    // In scope: the stage with its label from the lifecycle tables.
    if (s.id == cpts) {
      EXPECT_EQ(s.stage_label, "ACI signé");
    }
  }
  // The form's list: structures with a territory, in scope.
  auto mine = service_->structures(principal(Role::coordinator, {}, {cpts}));
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 1U);
  EXPECT_EQ((*mine)[0].name, "CPTS test (fictive)");
  EXPECT_TRUE(service_->structures(principal(Role::coordinator, {}, {cpts + 100}))->empty());
  EXPECT_EQ(service_->structures(principal(Role::admin))->size(), 1U);
}

TEST_P(DiagnosticService, CacheIsKeptPerSnapshotAndRebuiltOnANewOne) {
  const auto who = principal(Role::admin);
  ASSERT_TRUE(service_->diagnose(who, {{"57463"}, "", {}}));
  EXPECT_EQ(source_->supply_calls, 2);  // current and previous snapshots
  auto again = service_->diagnose(who, {{}, "200039865", {}});
  ASSERT_TRUE(again);
  EXPECT_EQ(source_->supply_calls, 2);  // warm: nothing national re-read
  // A newer snapshot: the cache follows.
  source_->snapshots.insert(source_->snapshots.begin(),
                            SnapshotRef{3, "2026-12-01", "2026-12-02T08:00:00.000Z", "c.txt"});
  auto newer = service_->diagnose(who, {{"57463"}, "", {}});
  ASSERT_TRUE(newer);
  EXPECT_EQ(source_->supply_calls, 4);
  EXPECT_EQ(newer->snapshot->id, 3);
  EXPECT_EQ(newer->previous->id, 2);
  service_->invalidate();
  ASSERT_TRUE(service_->diagnose(who, {{"57463"}, "", {}}));
  EXPECT_EQ(source_->supply_calls, 6);
}

TEST_P(DiagnosticService, WithoutAnySnapshotPopulationOnly) {
  source_->snapshots.clear();
  auto r = service_->diagnose(principal(Role::admin), {{}, "200039865", {}});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_FALSE(r->snapshot);
  EXPECT_EQ(r->result.population, 141000);
  EXPECT_FALSE(r->result.mean_access);  // no supply imported: accessibility unknown, not 0
  EXPECT_DOUBLE_EQ(row(*r, diagnostic::kGeneralPractitioner).territory.count, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DiagnosticService, testing::all_backends(),
                         testing::backend_name);

}  // namespace
}  // namespace maillage::services
