// RPPS snapshots on both backends: import (one transaction, bad-line report), re-import keeps the
// previous snapshot, counts per commune, presence, changes between snapshots.
#include "services/rpps.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "demo/demo.hpp"
#include "rpps/generator.hpp"
#include "rpps/rpps_fixtures.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

using rpps::testing::activity;
using rpps::testing::header_line;
using store::Backend;

geo::Referentiel tiny_referentiel() {
  geo::Referentiel ref;
  auto add = [&](std::string code, std::string nom, std::vector<std::string> postcodes,
                 std::int64_t population) {
    geo::Commune c;
    c.code = std::move(code);
    c.nom = std::move(nom);
    c.departement = "57";
    c.region = "44";
    c.postcodes = std::move(postcodes);
    c.population = population;
    ref.communes.push_back(std::move(c));
  };
  add("57463", "Metz", {"57000", "57050"}, 120000);
  add("57480", "Montigny-lès-Metz", {"57950"}, 21000);
  add("57591", "Plappeville", {"57050"}, 2000);  // shares 57050 with Metz, smaller
  add("57751", "Woippy", {"57140"}, 14000);
  ref.departements.push_back(geo::Departement{"57", "Moselle", "44", {0, 1, 2, 3}});
  ref.index();
  return ref;
}

class RppsServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
  }
  void TearDown() override {
    db_.reset();
    scratch_.reset();
  }

  Result<RppsImportReport> import(const std::string& name, const std::string& text) {
    RppsImportOptions o;
    o.user = "admin@test";
    return import_rpps_text(*db_, ref_, name, text, o);
  }

  std::int64_t count(const std::string& table) {
    auto r = db_->query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(r);
    return r ? r->rows.at(0).integer(0) : -1;
  }

  geo::Referentiel ref_ = tiny_referentiel();
  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
};

const std::string kOld = "PS_LibreAcces_Personne_activite_202411200000.txt";
const std::string kNew = "PS_LibreAcces_Personne_activite_202511200000.txt";

std::string old_extract() {
  return header_line() + activity("10000000001", "10", "SM54", "S1", "57463") +
         activity("10000000001", "10", "SM54", "S2", "57480", "57950") +
         activity("10000000002", "10", "SM26", "S3", "57751", "57140") +
         activity("10000000003", "60", "", "S4", "57463") +
         activity("10000000004", "10", "SM53", "S5", "57480", "57950");
}

std::string new_extract() {
  // 2 left (GP in Woippy), 4 moved Montigny → Metz, 5 arrived (GP), 1 keeps both sites; one
  // line with an empty commune placed by postcode 57050 (Metz, the most populated), one bad line.
  return header_line() + activity("10000000001", "10", "SM54", "S1", "57463") +
         activity("10000000001", "10", "SM54", "S2", "57480", "57950") +
         activity("10000000003", "60", "", "S4", "57463") +
         activity("10000000004", "10", "SM53", "S6", "57463") +
         activity("10000000005", "10", "SM54", "S7", "", "57050") +
         activity("10000000006", "10", "SM54", "S8", "99999");
}

TEST_P(RppsServiceTest, ImportWritesOneSnapshotWithItsReport) {
  auto r = import(kNew, new_extract());
  ASSERT_TRUE(r) << r.error().describe();
  const RppsSnapshot& s = r->snapshot;
  EXPECT_GT(s.id, 0);
  EXPECT_EQ(s.source_file, kNew);
  EXPECT_EQ(s.extract_date, "2025-11-20");
  EXPECT_EQ(s.imported_by, "admin@test");
  EXPECT_EQ(s.data_lines, 6);
  EXPECT_EQ(s.activities, 5);
  EXPECT_EQ(s.persons, 4);
  EXPECT_EQ(s.bad_lines, 1);
  EXPECT_EQ(s.from_postcode, 1);
  EXPECT_EQ(s.bad_by_reason, "{\"commune_inconnue\":1}");
  ASSERT_EQ(r->read.bad.size(), 1u);
  EXPECT_EQ(r->read.bad[0].line, 7);
  EXPECT_EQ(r->read.bad[0].reason, rpps::BadReason::unknown_commune);

  auto stored = rpps_snapshot(*db_, s.id);
  ASSERT_TRUE(stored) << stored.error().describe();
  EXPECT_EQ(stored->activities, 5);
  EXPECT_EQ(stored->bad_by_reason, s.bad_by_reason);
  EXPECT_EQ(count("rpps_activities"), 5);
  auto audit = db_->query("SELECT action, entity_id FROM audit_log WHERE action = 'rpps.import'");
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->rows.size(), 1u);
  EXPECT_EQ(audit->rows[0].text(1), std::to_string(s.id));

  auto counts = rpps_counts_by_commune(*db_, s.id, {"57463"});
  ASSERT_TRUE(counts) << counts.error().describe();
  double gp_fte = 0;
  std::int64_t gp_presence = 0;
  for (const auto& c : *counts) {
    EXPECT_EQ(c.commune, "57463");
    if (c.general_practitioner) {
      gp_fte += c.fte;
      gp_presence += c.activities;
    }
  }
  EXPECT_EQ(gp_presence, 3);               // 1 (half), 4, 5
  EXPECT_NEAR(gp_fte, 0.5 + 1 + 1, 1e-9);  // 1 has two sites

  auto labels = rpps_labels(*db_, s.id);
  ASSERT_TRUE(labels);
  EXPECT_TRUE(std::any_of(labels->begin(), labels->end(), [](const RppsLabel& l) {
    return l.kind == "profession" && l.code == "10" && l.label == "Médecin";
  }));
}

TEST_P(RppsServiceTest, ReimportKeepsThePreviousSnapshotAndShowsChanges) {
  auto a = import(kOld, old_extract());
  ASSERT_TRUE(a) << a.error().describe();
  auto b = import(kNew, new_extract());
  ASSERT_TRUE(b) << b.error().describe();
  auto list = list_rpps_snapshots(*db_);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, b->snapshot.id);  // newest first
  EXPECT_EQ((*list)[1].id, a->snapshot.id);
  EXPECT_EQ((*list)[1].date(), "2024-11-20");
  auto latest = latest_rpps_snapshots(*db_, 1);
  ASSERT_TRUE(latest);
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ(latest->front().id, b->snapshot.id);
  // The old snapshot's rows are still there.
  auto old_counts = rpps_counts_by_commune(*db_, a->snapshot.id, {"57751"});
  ASSERT_TRUE(old_counts);
  ASSERT_EQ(old_counts->size(), 1u);
  EXPECT_EQ(old_counts->front().persons, 1);

  // The territory Metz + Montigny + Woippy, GPs only.
  const std::vector<std::string> territory = {"57463", "57480", "57751"};
  auto changes = rpps_changes_between(*db_, a->snapshot.id, b->snapshot.id, territory, "MG");
  ASSERT_TRUE(changes) << changes.error().describe();
  ASSERT_EQ(changes->left.size(), 1u);
  EXPECT_EQ(changes->left[0].rpps, "10000000002");
  EXPECT_EQ(changes->left[0].communes, std::vector<std::string>{"57751"});
  ASSERT_EQ(changes->arrived.size(), 1u);
  EXPECT_EQ(changes->arrived[0].rpps, "10000000005");
  // Seen from Montigny alone, 4 left (moved to Metz).
  auto montigny = rpps_changes_between(*db_, a->snapshot.id, b->snapshot.id, {"57480"}, "10");
  ASSERT_TRUE(montigny);
  ASSERT_EQ(montigny->left.size(), 1u);
  EXPECT_EQ(montigny->left[0].rpps, "10000000004");
  EXPECT_TRUE(montigny->arrived.empty());

  auto missing = rpps_changes_between(*db_, a->snapshot.id, 999999, territory);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_P(RppsServiceTest, NothingValidOrWrongHeaderWritesNothing) {
  auto none = import(kNew, header_line() + activity("", "10", "SM54", "S1", "57463"));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(none.error().file, kNew);
  auto header = import(kNew, "Identifiant|\n");
  ASSERT_FALSE(header);
  EXPECT_EQ(header.error().code, ErrorCode::parse_error);
  EXPECT_EQ(header.error().line, 1);
  EXPECT_EQ(count("rpps_snapshots"), 0);
  EXPECT_EQ(count("rpps_activities"), 0);
}

TEST_P(RppsServiceTest, GeneratedExtractOverManyChunks) {
  // Enough rows for several multi-row INSERT statements.
  std::vector<rpps::GeneratorCommune> communes;
  for (const auto& c : ref_.communes) {
    communes.push_back({c.code, c.nom, c.postcodes.front(), c.population * 2});
  }
  std::string text;
  auto g = rpps::generate_extract(communes, rpps::GeneratorOptions{},
                                  [&](std::string_view chunk) -> Status {
                                    text.append(chunk);
                                    return {};
                                  });
  ASSERT_TRUE(g);
  auto r = import(rpps::fictitious_file_name("202511200000"), text);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_GT(r->snapshot.activities, 1100);  // more than one PostgreSQL chunk
  EXPECT_EQ(count("rpps_activities"), r->snapshot.activities);
  auto all = rpps_counts_by_commune(*db_, r->snapshot.id);
  ASSERT_TRUE(all);
  double fte = 0;
  for (const auto& c : *all) fte += c.fte;
  EXPECT_NEAR(fte, static_cast<double>(r->snapshot.persons), 1e-6);
  auto presence = rpps_presence(*db_, r->snapshot.id, {"57463"}, "MG");
  ASSERT_TRUE(presence);
  EXPECT_GT(presence->size(), 100u);
  for (const auto& p : *presence) EXPECT_TRUE(p.general_practitioner);
}

TEST_P(RppsServiceTest, DemoLoadsTwoDatedFictitiousSnapshotsOnce) {
  auto first = demo::load_rpps_demo(*db_, ref_);
  ASSERT_TRUE(first) << first.error().describe();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_NE((*first)[0].find("FICTIF"), std::string::npos);
  auto list = list_rpps_snapshots(*db_);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  const RppsSnapshot& now = (*list)[0];
  const RppsSnapshot& before = (*list)[1];
  EXPECT_TRUE(now.fictitious);
  EXPECT_EQ(now.bad_lines, 4);
  EXPECT_EQ(before.bad_lines, 0);
  // A year apart (same month and day).
  ASSERT_EQ(now.extract_date.size(), 10u);
  EXPECT_EQ(std::stoi(now.extract_date.substr(0, 4)) - std::stoi(before.extract_date.substr(0, 4)),
            1);
  EXPECT_EQ(now.extract_date.substr(4), before.extract_date.substr(4));
  auto changes = rpps_changes_between(*db_, before.id, now.id, {}, "");
  ASSERT_TRUE(changes);
  EXPECT_FALSE(changes->left.empty());
  EXPECT_FALSE(changes->arrived.empty());

  auto again = demo::load_rpps_demo(*db_, ref_);
  ASSERT_TRUE(again);
  EXPECT_EQ(count("rpps_snapshots"), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, RppsServiceTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
