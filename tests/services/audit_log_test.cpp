// The audit log viewer on both backends: each row gets the structure and département it
// concerns (found from the entity, or given by a caller that deletes the record), an admin reads
// everything, a ROC the rows of their départements only, other roles nothing; the filters
// (author, entity, action prefix, structure, dates), keyset paging and the export.
#include "services/audit_log.hpp"

#include <gtest/gtest.h>

#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

using store::Backend;

class AuditLogTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    log_ = std::make_unique<AuditLog>(*db_);
    metz_ = structure("57", "CPTS de Metz (test)");
    nancy_ = structure("54", "CPTS de Nancy (test)");
    ASSERT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
      auto r = tx.query(
          "INSERT INTO association_groups (structure_id, name, version, created_by, created_at, "
          "updated_by, updated_at) VALUES ($1, 'Soins non programmés', 1, 'x', 'T', 'x', 'T') "
          "RETURNING id",
          {metz_});
      if (!r) return tl::unexpected(r.error());
      group_ = r->rows.at(0).integer(0);
      return {};
    }));
  }
  void TearDown() override {
    log_.reset();
    db_.reset();
    scratch_.reset();
  }

  std::int64_t structure(const std::string& dep, const std::string& name) {
    std::int64_t id = 0;
    EXPECT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
      auto r = tx.query(
          "INSERT INTO structures (kind, name, departement, stage, created_at, updated_at) "
          "VALUES ('CPTS', $1, $2, 'projet', 'T', 'T') RETURNING id",
          {name, dep});
      if (!r) return tl::unexpected(r.error());
      id = r->rows.at(0).integer(0);
      return {};
    }));
    return id;
  }

  void audit(store::AuditEntry e) {
    ASSERT_TRUE(db_->transact([&](store::Tx& tx) { return store::audit(tx, e); }));
  }

  // Every row as "action@departement#structure", newest first, as `who` sees it.
  std::vector<std::string> seen(const Principal& who, AuditFilter f = {}) {
    auto page = log_->search(who, f);
    EXPECT_TRUE(page) << page.error().describe();
    std::vector<std::string> out;
    if (!page) return out;
    for (const auto& r : page->rows) {
      out.push_back(r.action + "@" + r.departement + "#" +
                    (r.structure_id == 0 ? "" : r.structure_name));
    }
    return out;
  }

  void write_sample() {
    audit({"roc@test", "structure.update", "structure", std::to_string(metz_), "{\"a\":1}",
           "{\"a\":2}"});
    audit({"coord@test", "association.group.create", "association_group", std::to_string(group_),
           "", "{}"});
    audit({"roc54@test", "structure.update", "structure", std::to_string(nancy_), "", "{}"});
    audit({"admin@test", "user.create", "user", "7", "", "{}"});
    // A deletion: the record is gone, the caller gives the scope.
    audit({"roc@test", "structure.delete", "structure", "999", "{}", "", 999, "57"});
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<AuditLog> log_;
  std::int64_t metz_ = 0, nancy_ = 0, group_ = 0;
  Principal admin_{1, "admin@test", "Admin", Role::admin, {}, {}, {}};
  Principal roc57_{2, "roc@test", "ROC 57", Role::roc, {"57"}, {}, {}};
  Principal coordinator_{3, "coord@test", "Coord", Role::coordinator, {}, {}, {1}};
};

TEST_P(AuditLogTest, EachRowKnowsItsStructureAndDepartement) {
  write_sample();
  EXPECT_EQ(seen(admin_), (std::vector<std::string>{
                              "structure.delete@57#",  // structure 999 no longer exists: no name
                              "user.create@#",
                              "structure.update@54#CPTS de Nancy (test)",
                              "association.group.create@57#CPTS de Metz (test)",
                              "structure.update@57#CPTS de Metz (test)",
                          }));
}

TEST_P(AuditLogTest, ARocReadsTheRowsOfTheirDepartementsOnly) {
  write_sample();
  EXPECT_EQ(seen(roc57_), (std::vector<std::string>{
                              "structure.delete@57#",
                              "association.group.create@57#CPTS de Metz (test)",
                              "structure.update@57#CPTS de Metz (test)",
                          }));
  AuditFilter other;
  other.departement = "54";
  auto refused = log_->search(roc57_, other);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::forbidden);
  auto coordinator = log_->search(coordinator_, {});
  ASSERT_FALSE(coordinator);
  EXPECT_EQ(coordinator.error().code, ErrorCode::forbidden);
  EXPECT_FALSE(log_->export_rows(coordinator_, {}));
}

TEST_P(AuditLogTest, FiltersByAuthorEntityActionPrefixAndStructure) {
  write_sample();
  AuditFilter by_user;
  by_user.user = "roc54";
  EXPECT_EQ(seen(admin_, by_user),
            (std::vector<std::string>{"structure.update@54#CPTS de Nancy (test)"}));
  AuditFilter prefix;
  prefix.action = "association";
  EXPECT_EQ(seen(admin_, prefix),
            (std::vector<std::string>{"association.group.create@57#CPTS de Metz (test)"}));
  AuditFilter not_a_prefix;
  not_a_prefix.action = "assoc";  // a prefix stops at a dot: "assoc" is no action
  EXPECT_TRUE(seen(admin_, not_a_prefix).empty());
  AuditFilter entity;
  entity.entity = "structure";
  entity.entity_id = std::to_string(metz_);
  EXPECT_EQ(seen(admin_, entity),
            (std::vector<std::string>{"structure.update@57#CPTS de Metz (test)"}));
  AuditFilter structure;
  structure.structure_id = metz_;
  EXPECT_EQ(seen(roc57_, structure).size(), 2U);
  AuditFilter like_chars;
  like_chars.user = "%";  // a wildcard typed by the user matches itself, not everything
  EXPECT_TRUE(seen(admin_, like_chars).empty());
}

TEST_P(AuditLogTest, DatesIncludeTheWholeLastDayAndBadDatesNameTheirField) {
  write_sample();
  const std::string today = store::timestamp_now().substr(0, 10);
  AuditFilter f;
  f.from = today;
  f.to = today;
  EXPECT_EQ(seen(admin_, f).size(), 5U);
  f.from = "2001-01-01";
  f.to = "2001-12-31";
  EXPECT_TRUE(seen(admin_, f).empty());
  AuditFilter bad;
  bad.from = "2026-02-30";
  auto r = log_->search(admin_, bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(r.error().field, "du");
  AuditFilter reversed;
  reversed.from = "2026-02-02";
  reversed.to = "2026-02-01";
  r = log_->search(admin_, reversed);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "au");
}

TEST_P(AuditLogTest, PagesFollowEachOtherWithoutGapOrRepeat) {
  for (int i = 0; i < 7; ++i) {
    audit({"roc@test", "structure.update", "structure", std::to_string(metz_), "",
           "{\"n\":" + std::to_string(i) + "}"});
  }
  AuditFilter f;
  f.limit = 3;
  std::vector<std::string> afters;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = log_->search(roc57_, f);
    ASSERT_TRUE(page);
    for (const auto& r : page->rows) afters.push_back(r.after);
    if (page->next_before_id == 0) break;
    f.before_id = page->next_before_id;
  }
  ASSERT_EQ(afters.size(), 7U);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(afters[i], "{\"n\":" + std::to_string(6 - i) + "}");
  auto all = log_->export_rows(roc57_, {});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 7U);
  auto choices = log_->choices(roc57_);
  ASSERT_TRUE(choices);
  EXPECT_EQ(choices->actions, (std::vector<std::string>{"structure.update"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
