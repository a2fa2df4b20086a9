// Referent management on both backends (small référentiel of the API tests: Moselle with Metz
// Métropole = Metz + Montigny, Aboncourt and Saint-Avold outside any EPCI): designate on each
// kind of area, change a fonction (the old one goes to the history), end a designation, scopes,
// and what "Qui est mon ROC ?" answers from it.
#include "services/referents.hpp"

#include <gtest/gtest.h>

#include "http/test_referentiel.hpp"
#include "services/registry.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"
#include "user_fixture.hpp"

namespace maillage::services {
namespace {

using store::Backend;

class ReferentsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    ref_ = testing::small_referentiel();
    svc_ = std::make_unique<Referents>(*db_, ref_);
    roc_id_ = make_user("roc@test", "ROC Moselle", "roc", "57", "");
    ars_id_ = make_user("ars@test", "ARS Grand Est", "ars", "", "44");
    other_id_ = make_user("roc54@test", "ROC 54", "roc", "54", "");
    roc_ = Principal{roc_id_, "roc@test", "ROC Moselle", Role::roc, {"57"}, {}, {}};
    EXPECT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
      auto r = tx.query(
          "INSERT INTO structures (kind, name, departement, stage, created_at, updated_at) "
          "VALUES ('MSP', 'MSP de Metz (test)', '57', 'projet', 'T', 'T') RETURNING id");
      if (!r) return tl::unexpected(r.error());
      msp_ = r->rows.at(0).integer(0);
      return {};
    }));
  }
  void TearDown() override {
    svc_.reset();
    db_.reset();
    scratch_.reset();
  }

  std::int64_t make_user(const std::string& login, const std::string& name, const std::string& role,
                         const std::string& dep, const std::string& region) {
    return testing::insert_user(*db_, login, name, role, dep, region);
  }

  Status assign(std::int64_t user, const std::string& fonction, const std::string& kind,
                const std::string& code) {
    return svc_->assign(roc_, "57", {user, fonction, kind, code});
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel ref_;
  std::unique_ptr<Referents> svc_;
  std::int64_t roc_id_ = 0, ars_id_ = 0, other_id_ = 0, msp_ = 0;
  Principal roc_;
};

TEST_P(ReferentsTest, DesignatesOnEveryKindOfAreaAndKeepsTheHistory) {
  ASSERT_TRUE(assign(roc_id_, "roc", "epci", "200039865")) << "EPCI";
  ASSERT_TRUE(assign(ars_id_, "contact_ars", "departement", "57"));
  ASSERT_TRUE(assign(roc_id_, "praticien_conseil", "commune", "57606"));
  ASSERT_TRUE(assign(roc_id_, "roc", "structure", std::to_string(msp_)));
  auto d = svc_->directory(roc_, "57");
  ASSERT_TRUE(d) << d.error().describe();
  ASSERT_EQ(d->current.size(), 4U);
  std::map<std::string, ReferentAssignment> by_kind;
  for (const auto& a : d->current) by_kind[a.area_kind] = a;
  EXPECT_EQ(by_kind["epci"].area_label, "EPCI Metz Métropole");
  EXPECT_EQ(by_kind["commune"].area_label, "commune Saint-Avold");
  EXPECT_EQ(by_kind["commune"].fonction_label, "Praticien-conseil");
  EXPECT_EQ(by_kind["structure"].area_label, "MSP de Metz (test)");
  EXPECT_EQ(by_kind["departement"].display_name, "ARS Grand Est");
  EXPECT_EQ(by_kind["epci"].since, format_date(today_utc()));
  EXPECT_EQ(by_kind["epci"].created_by, "roc@test");
  // The people who may be designated: the ROC of 57 and the ARS of its région, not the ROC of 54.
  for (const auto& p : d->people) EXPECT_NE(p.user_id, other_id_);
  EXPECT_EQ(d->people.size(), 2U);
  EXPECT_TRUE(d->history.empty());

  // The same designation twice is a conflict; a new fonction ends the old one.
  EXPECT_EQ(assign(roc_id_, "roc", "epci", "200039865").error().code, ErrorCode::conflict);
  ASSERT_TRUE(assign(roc_id_, "delegue", "epci", "200039865"));
  ASSERT_TRUE(svc_->retire(roc_, "57", roc_id_, "commune", "57606"));
  d = svc_->directory(roc_, "57");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->current.size(), 3U);
  ASSERT_EQ(d->history.size(), 2U);
  EXPECT_EQ(d->history[0].area_kind, "commune");  // most recent first
  EXPECT_EQ(d->history[0].ended_by, "roc@test");
  EXPECT_EQ(d->history[1].fonction, "roc");
  EXPECT_EQ(svc_->retire(roc_, "57", roc_id_, "commune", "57606").error().code,
            ErrorCode::not_found);

  // "Qui est mon ROC ?" reads the designations: Montigny through Metz Métropole.
  auto reg = Registry::create(*db_, ref_);
  ASSERT_TRUE(reg);
  auto who = reg->referents_of_commune("57480");
  ASSERT_TRUE(who);
  ASSERT_EQ(who->size(), 1U);
  EXPECT_EQ((*who)[0].user_id, roc_id_);
  EXPECT_EQ(db_->query("SELECT count(*) FROM audit_log WHERE action LIKE 'referent.%'")
                ->rows[0]
                .integer(0),
            6);
}

TEST_P(ReferentsTest, RefusesAreasOutsideTheDepartementAndOtherScopes) {
  EXPECT_EQ(assign(roc_id_, "roc", "commune", "54395").error().field, "code");   // Nancy, 54
  EXPECT_EQ(assign(roc_id_, "roc", "epci", "200054781").error().field, "code");  // Grand Paris
  EXPECT_EQ(assign(roc_id_, "roc", "departement", "54").error().field, "code");
  EXPECT_EQ(assign(roc_id_, "roc", "structure", "999").error().field, "code");
  EXPECT_EQ(assign(roc_id_, "roc", "region", "44").error().field, "area_kind");
  EXPECT_EQ(assign(roc_id_, "chef", "commune", "57463").error().field, "fonction");
  EXPECT_EQ(assign(other_id_, "roc", "commune", "57463").error().field, "user");
  Principal ars{ars_id_, "ars@test", "ARS", Role::ars, {}, {"44"}, {}};
  EXPECT_TRUE(svc_->directory(ars, "57"));
  EXPECT_FALSE(svc_->directory(ars, "57")->may_edit);
  EXPECT_EQ(svc_->assign(ars, "57", {ars_id_, "contact_ars", "departement", "57"}).error().code,
            ErrorCode::forbidden);
  Principal roc54{other_id_, "roc54@test", "ROC 54", Role::roc, {"54"}, {}, {}};
  EXPECT_EQ(svc_->directory(roc54, "57").error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->directory(roc_, "99").error().code, ErrorCode::not_found);
  EXPECT_EQ(db_->query("SELECT count(*) FROM referent_areas")->rows[0].integer(0), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReferentsTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
