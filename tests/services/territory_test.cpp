// Territories service on both backends: read/replace with optimistic versioning, history and
// audit, scopes, CSV preview/confirm/export, coverage of an area and the observatory. The
// référentiel is the small hand-made one of the HTTP tests (Moselle: Aboncourt 350 – Metz 120 000
// – Montigny 21 000, Metz – Saint-Avold 15 000; Nancy 104 000 in 54; Paris and one
// arrondissement in 75).
#include "services/territory.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/test_referentiel.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

using store::Backend;

class TerritoryTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    ref_ = testing::small_referentiel();
    auto s = Territories::create(*db_, ref_);
    ASSERT_TRUE(s) << s.error().describe();
    svc_ = std::move(*s);
    user_id_ = make_user("roc@test", "roc");
    cpts_ = make_structure("CPTS A (test)", "57", "CPTS", "aci_signe");
    other_ = make_structure("CPTS B (test)", "57", "CPTS", "emergence");
    roc_ = Principal{user_id_, "roc@test", "ROC", Role::roc, {"57"}, {}, {}};
  }
  void TearDown() override {
    svc_.reset();
    db_.reset();
    scratch_.reset();
  }

  std::int64_t make_user(const std::string& login, const std::string& role) {
    std::int64_t id = 0;
    EXPECT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
      auto r = tx.query(
          "INSERT INTO users (login, display_name, password_hash, role, created_at, updated_at) "
          "VALUES ($1, $1, 'x', $2, 'T', 'T') RETURNING id",
          {login, role});
      if (!r) return tl::unexpected(r.error());
      id = r->rows.at(0).integer(0);
      return {};
    }));
    return id;
  }

  std::int64_t make_structure(const std::string& name, const std::string& dep,
                              const std::string& kind, const std::string& stage) {
    std::int64_t id = 0;
    auto st = db_->transact([&](store::Tx& tx) -> Status {
      auto r = tx.query(
          "INSERT INTO structures (kind, name, departement, stage, created_at, updated_at) "
          "VALUES ($1, $2, $3, $4, 'T', 'T') RETURNING id",
          {kind, name, dep, stage});
      if (!r) return tl::unexpected(r.error());
      id = r->rows.at(0).integer(0);
      return {};
    });
    EXPECT_TRUE(st) << st.error().describe();
    return id;
  }

  std::int64_t count(const std::string& sql, const store::Params& params = {}) {
    auto r = db_->query(sql, params);
    EXPECT_TRUE(r) << r.error().describe();
    return r ? r->rows.at(0).integer(0) : -1;
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel ref_;
  std::unique_ptr<Territories> svc_;
  std::int64_t user_id_ = 0, cpts_ = 0, other_ = 0;
  Principal roc_;
};

TEST_P(TerritoryTest, ReplaceComputesFactsAndKeepsHistoryAndAudit) {
  auto empty = svc_->get(roc_, cpts_);
  ASSERT_TRUE(empty) << empty.error().describe();
  EXPECT_TRUE(empty->communes.empty());
  EXPECT_EQ(empty->structure.version, 1);
  EXPECT_EQ(empty->structure.stage_label, "ACI signé");

  auto v = svc_->replace(roc_, cpts_, 1, {"57463", "57001", "57001"});
  ASSERT_TRUE(v) << v.error().describe();
  EXPECT_EQ(v->structure.version, 2);
  EXPECT_EQ(v->communes, (std::vector<std::string>{"57001", "57463"}));
  EXPECT_EQ(v->facts.population, 120'350);
  EXPECT_EQ(v->facts.size_class, "T3");  // 80 000 ≤ p < 175 000
  EXPECT_TRUE(v->facts.contiguous);
  EXPECT_EQ(count("SELECT COUNT(*) FROM structure_communes WHERE structure_id = $1", {cpts_}), 2);
  EXPECT_EQ(count("SELECT version FROM structures WHERE id = $1", {cpts_}), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM territory_history WHERE structure_id = $1 AND "
                  "version = 2 AND population = 120350",
                  {cpts_}),
            1);
  auto audit = db_->query(
      "SELECT user_login, after FROM audit_log WHERE action = 'territory.replace' AND "
      "entity_id = $1",
      {std::to_string(cpts_)});
  ASSERT_TRUE(audit && audit->rows.size() == 1);
  EXPECT_EQ(audit->rows[0].text(0), "roc@test");
  auto after = nlohmann::json::parse(audit->rows[0].text(1));
  EXPECT_EQ(after["ajoutees"], nlohmann::json({"57001", "57463"}));

  // Split in two pieces: Aboncourt and Saint-Avold only touch through Metz.
  auto split = svc_->replace(roc_, cpts_, 2, {"57001", "57606"});
  ASSERT_TRUE(split) << split.error().describe();
  EXPECT_FALSE(split->facts.contiguous);
  EXPECT_EQ(split->facts.pieces.size(), 2U);
  EXPECT_EQ(split->facts.size_class, "T1");

  auto outline = svc_->get(roc_, cpts_, true);
  ASSERT_TRUE(outline) << outline.error().describe();
  ASSERT_TRUE(outline->outline.has_value());
  EXPECT_EQ(outline->outline->size(), 2U);  // two separate squares
}

TEST_P(TerritoryTest, StaleVersionIsAConflictAndNothingIsLost) {
  ASSERT_TRUE(svc_->replace(roc_, cpts_, 1, {"57463"}));
  // A second user read version 1 too and saves after the first one.
  auto stale = svc_->replace(roc_, cpts_, 1, {"57606"});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  auto now = svc_->get(roc_, cpts_);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->communes, std::vector<std::string>{"57463"});
  EXPECT_EQ(now->structure.version, 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM territory_history"), 1);
}

TEST_P(TerritoryTest, BadCodesAndKindsAreRefusedWithTheirField) {
  auto bad = svc_->replace(roc_, cpts_, 1, {"57463", "57999"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(bad.error().field, "communes[1]");
  EXPECT_NE(bad.error().message.find("57999"), std::string::npos);
  auto msp = make_structure("MSP (test)", "57", "MSP", "projet");
  auto m = svc_->replace(roc_, msp, 1, {"57463"});
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::invalid_input);
  auto missing = svc_->get(roc_, 999'999);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_EQ(count("SELECT COUNT(*) FROM structure_communes"), 0);
}

TEST_P(TerritoryTest, ScopesDecideWhoReadsAndWhoWrites) {
  Principal roc54{user_id_, "roc54", "", Role::roc, {"54"}, {}, {}};
  Principal observer{user_id_, "obs", "", Role::observer, {}, {}, {}};
  Principal cdm{user_id_, "cdm", "", Role::charge_de_mission, {}, {"44"}, {}};
  Principal coord{user_id_, "coord", "", Role::coordinator, {}, {}, {cpts_}};
  Principal member{user_id_, "member", "", Role::member, {}, {}, {cpts_}};
  Principal other_coord{user_id_, "coord2", "", Role::coordinator, {}, {}, {other_}};

  EXPECT_EQ(svc_->get(roc54, cpts_).error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->get(other_coord, cpts_).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(svc_->get(observer, cpts_));
  EXPECT_TRUE(svc_->get(cdm, cpts_));
  EXPECT_TRUE(svc_->get(member, cpts_));
  for (const Principal* p : {&roc54, &observer, &cdm, &member, &other_coord}) {
    auto r = svc_->replace(*p, cpts_, 1, {"57463"});
    ASSERT_FALSE(r) << p->login;
    EXPECT_EQ(r.error().code, ErrorCode::forbidden) << p->login;
  }
  auto ok = svc_->replace(coord, cpts_, 1, {"57463"});
  EXPECT_TRUE(ok) << ok.error().describe();

  // Coverage: a ROC sees its départements only; France is for admin and observer.
  EXPECT_TRUE(svc_->coverage(roc_, "departement", "57", "", false));
  EXPECT_EQ(svc_->coverage(roc54, "departement", "57", "", false).error().code,
            ErrorCode::forbidden);
  EXPECT_EQ(svc_->coverage(roc_, "france", "", "", false).error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->coverage(roc_, "region", "44", "", false).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(svc_->coverage(cdm, "region", "44", "", false));
  EXPECT_TRUE(svc_->coverage(roc_, "epci", "200039865", "", false));
  EXPECT_EQ(svc_->coverage(coord, "departement", "57", "", false).error().code,
            ErrorCode::forbidden);
  EXPECT_TRUE(svc_->coverage(observer, "france", "", "", false));
  EXPECT_EQ(svc_->observatory(member).error().code, ErrorCode::forbidden);
}

TEST_P(TerritoryTest, CsvPreviewSavesNothingUntilConfirmed) {
  // Errors: no token, nothing saved, every line named.
  auto bad = svc_->preview_csv(roc_, cpts_, "cpts.csv", "code_insee\n57463\n57463\n57999\nxyz\n");
  ASSERT_TRUE(bad) << bad.error().describe();
  EXPECT_TRUE(bad->has_errors);
  EXPECT_TRUE(bad->token.empty());
  ASSERT_EQ(bad->issues.size(), 3U);
  EXPECT_EQ(bad->issues[0].line, 3);  // the duplicate
  EXPECT_EQ(bad->issues[0].kind, coverage::IssueKind::duplicate);
  EXPECT_EQ(bad->issues[1].line, 4);
  EXPECT_EQ(bad->issues[1].kind, coverage::IssueKind::unknown_code);
  EXPECT_EQ(bad->issues[2].kind, coverage::IssueKind::malformed_code);
  EXPECT_EQ(count("SELECT COUNT(*) FROM territory_imports"), 0);

  // A clean file (a 4-digit code is completed, a warning): a token, still nothing saved.
  auto good = svc_->preview_csv(roc_, cpts_, "cpts.csv", "57463;x\n57480;y\n");
  ASSERT_TRUE(good) << good.error().describe();
  EXPECT_FALSE(good->has_errors);
  ASSERT_FALSE(good->token.empty());
  EXPECT_EQ(good->communes, (std::vector<std::string>{"57463", "57480"}));
  EXPECT_EQ(good->facts.population, 141'000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM structure_communes"), 0);
  EXPECT_EQ(count("SELECT version FROM structures WHERE id = $1", {cpts_}), 1);

  // Someone else's token, or the token for another structure, reads as unknown.
  Principal admin{user_id_ + 1000, "admin", "", Role::admin, {}, {}, {}};
  EXPECT_EQ(svc_->confirm_csv(admin, cpts_, good->token, 1).error().code, ErrorCode::not_found);
  EXPECT_EQ(svc_->confirm_csv(roc_, other_, good->token, 1).error().code, ErrorCode::not_found);

  auto saved = svc_->confirm_csv(roc_, cpts_, good->token, 1);
  ASSERT_TRUE(saved) << saved.error().describe();
  EXPECT_EQ(saved->structure.version, 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM structure_communes WHERE structure_id = $1", {cpts_}), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM territory_history WHERE source = 'csv'"), 1);
  // Used once.
  EXPECT_EQ(svc_->confirm_csv(roc_, cpts_, good->token, 2).error().code, ErrorCode::not_found);

  auto csv = svc_->export_csv(roc_, cpts_);
  ASSERT_TRUE(csv);
  EXPECT_EQ(*csv, "code_insee,nom,population\n57463,Metz,120000\n57480,Montigny-lès-Metz,21000\n");

  // Several territories in one file are refused as a whole.
  auto many =
      svc_->preview_csv(roc_, cpts_, "deux.csv", "territoire,code_insee\nA,57463\nB,57001\n");
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().code, ErrorCode::invalid_input);
}

TEST_P(TerritoryTest, CoverageCountsOverlapsWhiteZonesAndStageFilters) {
  // A (ACI signé): Aboncourt + Metz; B (émergence): Metz + Montigny. Saint-Avold uncovered.
  ASSERT_TRUE(svc_->replace(roc_, cpts_, 1, {"57001", "57463"}));
  ASSERT_TRUE(svc_->replace(roc_, other_, 1, {"57463", "57480"}));
  auto all = svc_->coverage(roc_, "departement", "57", "", true);
  ASSERT_TRUE(all) << all.error().describe();
  const auto& c = *all;
  EXPECT_EQ(c.total.communes, 4);
  EXPECT_EQ(c.total.population, 156'350);
  EXPECT_EQ(c.covered.communes, 3);
  EXPECT_EQ(c.uncovered.population, 15'000);
  EXPECT_EQ(c.overlaps.commune_count, 1);
  EXPECT_EQ(c.overlaps.population, 120'000);
  ASSERT_EQ(c.overlaps.pairs.size(), 1U);
  ASSERT_EQ(c.white_zones.size(), 1U);
  EXPECT_EQ(c.white_zones[0].group.communes, std::vector<std::string>({"57606"}));
  EXPECT_EQ(c.communes.at("57463"), std::vector<std::int64_t>({cpts_, other_}));
  // The white zone (15 000 < 40 000) is proposed as an attachment, never applied.
  ASSERT_TRUE(c.proposals);
  ASSERT_EQ(c.proposals->list.size(), 1U);
  EXPECT_EQ(c.proposals->list[0].kind, "attach");
  EXPECT_EQ(count("SELECT COUNT(*) FROM structure_communes WHERE commune = '57606'"), 0);

  // Counting only ACI signé: B drops out, Montigny becomes white, no overlap.
  auto aci = svc_->coverage(roc_, "departement", "57", "aci_signe", false);
  ASSERT_TRUE(aci) << aci.error().describe();
  EXPECT_EQ(aci->covered.communes, 2);
  EXPECT_EQ(aci->overlaps.commune_count, 0);
  EXPECT_EQ(aci->white_zone_count, 2);
  EXPECT_FALSE(aci->proposals);

  auto unknown = svc_->coverage(roc_, "departement", "57", "nimporte", false);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "etape");
  EXPECT_EQ(svc_->coverage(roc_, "departement", "99", "", false).error().code,
            ErrorCode::not_found);

  // The cache follows writes: removing Montigny from B changes the answer at once.
  ASSERT_TRUE(svc_->replace(roc_, other_, 2, {"57463"}));
  auto after = svc_->coverage(roc_, "departement", "57", "", false);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->covered.communes, 2);
}

TEST_P(TerritoryTest, ObservatoryCountsStagesAndCoveredPopulation) {
  make_structure("MSP (test)", "57", "MSP", "projet");
  make_structure("CPTS Nancy (test)", "54", "CPTS", "actif");
  ASSERT_TRUE(svc_->replace(roc_, cpts_, 1, {"57463"}));
  Principal observer{user_id_, "obs", "", Role::observer, {}, {}, {}};
  auto o = svc_->observatory(observer);
  ASSERT_TRUE(o) << o.error().describe();
  ASSERT_TRUE(o->france);
  const auto& fr = *o->france;
  EXPECT_EQ(fr.cpts, 3);
  EXPECT_EQ(fr.structures.at("MSP"), 1);
  EXPECT_EQ(fr.cpts_by_stage.at("aci_signe"), 1);
  EXPECT_EQ(fr.cpts_by_stage.at("actif"), 1);
  // Metz's 120 000 of France's 2 376 350 (units: Paris counts through its arrondissement).
  EXPECT_GT(fr.covered_share.at("aci_signe"), 0.0);
  bool found = false;
  for (const auto& d : o->departements) {
    if (d.code != "57") continue;
    found = true;
    EXPECT_EQ(d.cpts, 2);
    // 120 000 / 156 350 = 76.7 %
    EXPECT_DOUBLE_EQ(d.covered_share.at("aci_signe"), 76.7);
    EXPECT_DOUBLE_EQ(d.covered_share.at("toutes"), 76.7);
  }
  EXPECT_TRUE(found);
}

INSTANTIATE_TEST_SUITE_P(Backends, TerritoryTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
