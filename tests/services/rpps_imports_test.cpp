// RPPS imports from the browser, on both backends: queueing an uploaded file (roles, header
// check, one import at a time), the background import (progress, report with the bad lines and
// their numbers, the job and the snapshot in one transaction), failures (no usable line, a server
// stopped mid-import) and the changes between two snapshots by commune and profession, computed
// by hand below.
#include "services/rpps_imports.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "http/test_referentiel.hpp"
#include "rpps/rpps_fixtures.hpp"
#include "services/territory.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

namespace fs = std::filesystem;
using rpps::testing::activity;
using rpps::testing::header_line;
using store::Backend;

const std::string kOld = "PS_LibreAcces_Personne_activite_202411200000.txt";
const std::string kNew = "PS_LibreAcces_Personne_activite_202511200000.txt";

// Old: 1 (GP) in Metz and Montigny, 2 (GP) in 57606, 3 (nurse) in Metz, 4 (GP) in Montigny.
std::string old_extract() {
  return header_line() + activity("10000000001", "10", "SM54", "S1", "57463") +
         activity("10000000001", "10", "SM54", "S2", "57480", "57950") +
         activity("10000000002", "10", "SM26", "S3", "57606", "57000") +
         activity("10000000003", "60", "", "S4", "57463") +
         activity("10000000004", "10", "SM53", "S5", "57480", "57950");
}
// New: 2 left, 4 moved from Montigny to Metz (neither), 5 (GP) arrived in Metz; line 6 is bad
// (commune 99999 unknown).
std::string new_extract() {
  return header_line() + activity("10000000001", "10", "SM54", "S1", "57463") +
         activity("10000000001", "10", "SM54", "S2", "57480", "57950") +
         activity("10000000003", "60", "", "S4", "57463") +
         activity("10000000004", "10", "SM53", "S6", "57463") +
         activity("10000000006", "10", "SM54", "S8", "99999") +
         activity("10000000005", "10", "SM54", "S7", "57463");
}

Principal principal(Role role, std::vector<std::string> deps = {}) {
  Principal p;
  p.login = std::string(role_id(role)) + "@test";
  p.role = role;
  p.departements = std::move(deps);
  return p;
}

class RppsImportsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    ref_ = testing::small_referentiel();
    dir_ = fs::temp_directory_path() /
           ("maillage-rpps-imports-" + std::to_string(::getpid()) + "-" +
            std::string(GetParam() == Backend::sqlite ? "sqlite" : "pg"));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    territories_ = Territories::create(*db_, ref_).value();
    RppsImportSettings s;
    s.folder = (dir_ / "rpps").string();
    s.progress_interval = std::chrono::milliseconds(0);
    imports_ = std::make_unique<RppsImports>(*db_, ref_, *territories_, nullptr, s);
  }
  void TearDown() override {
    imports_.reset();
    territories_.reset();
    db_.reset();
    scratch_.reset();
    fs::remove_all(dir_);
  }

  // A file as the server leaves an upload: somewhere in the upload folder.
  std::string uploaded(const std::string& text) {
    const std::string path = (dir_ / ("upload-" + std::to_string(++uploads_))).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::int64_t done_import(const std::string& name, const std::string& text) {
    auto job = imports_->enqueue(admin_, name, uploaded(text));
    EXPECT_TRUE(job) << job.error().describe();
    auto ran = imports_->run_next();
    EXPECT_TRUE(ran && *ran && **ran == job->id);
    auto after = imports_->job(admin_, job->id);
    EXPECT_TRUE(after && after->status == "done") << (after ? after->message : "");
    return after ? after->snapshot_id : 0;
  }

  geo::Referentiel ref_;
  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Territories> territories_;
  std::unique_ptr<RppsImports> imports_;
  fs::path dir_;
  int uploads_ = 0;
  Principal admin_ = principal(Role::admin);
  Principal roc_ = principal(Role::roc, {"57"});
};

TEST_P(RppsImportsTest, OnlyAdminsAndRocQueueAndReadImports) {
  for (Role r : {Role::observer, Role::ars, Role::charge_de_mission, Role::coordinator,
                 Role::member}) {
    const std::string file = uploaded(new_extract());
    auto job = imports_->enqueue(principal(r), kNew, file);
    ASSERT_FALSE(job) << role_id(r);
    EXPECT_EQ(job.error().code, ErrorCode::forbidden);
    EXPECT_TRUE(fs::exists(file));  // untouched: the server deletes it
    EXPECT_FALSE(imports_->jobs(principal(r)));
    EXPECT_FALSE(imports_->snapshots(principal(r)));
  }
  auto job = imports_->enqueue(roc_, kNew, uploaded(new_extract()));
  ASSERT_TRUE(job) << job.error().describe();
  EXPECT_EQ(job->queued_by, "roc@test");
}

TEST_P(RppsImportsTest, AFileThatIsNotAnExtractIsRefusedAtOnce) {
  const std::string file = uploaded("nom;prenom\nDupont;Jean\n");
  auto job = imports_->enqueue(admin_, "liste.csv", file);
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(job.error().field, "fichier");
  EXPECT_NE(job.error().message.find("n'est pas un extrait RPPS"), std::string::npos)
      << job.error().message;
  auto empty = imports_->enqueue(admin_, "vide.txt", uploaded(""));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::invalid_input);
  auto unnamed = imports_->enqueue(admin_, "", uploaded(new_extract()));
  ASSERT_FALSE(unnamed);
  EXPECT_EQ(unnamed.error().field, "nom");
  EXPECT_TRUE(imports_->jobs(admin_)->empty());
}

TEST_P(RppsImportsTest, QueuedThenImportedWithItsReportOneAtATime) {
  const std::string file = uploaded(new_extract());
  auto job = imports_->enqueue(admin_, "C:\\Users\\roc\\" + kNew, file);
  ASSERT_TRUE(job) << job.error().describe();
  EXPECT_EQ(job->status, "queued");
  EXPECT_EQ(job->file_name, kNew);  // the path a browser may send is cut
  EXPECT_EQ(job->bytes_total, static_cast<std::int64_t>(new_extract().size()));
  EXPECT_EQ(job->bytes_read, 0);
  EXPECT_FALSE(fs::exists(file));  // moved into the queue's folder
  ASSERT_EQ(std::distance(fs::directory_iterator(dir_ / "rpps"), fs::directory_iterator()), 1);

  // One import at a time: refused before the bytes (may_upload) and at enqueue.
  EXPECT_EQ(imports_->may_upload(roc_).error().code, ErrorCode::conflict);
  EXPECT_EQ(imports_->may_upload(principal(Role::member)).error().code, ErrorCode::forbidden);
  auto second = imports_->enqueue(admin_, kOld, uploaded(old_extract()));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::conflict);

  auto ran = imports_->run_next();
  ASSERT_TRUE(ran) << ran.error().describe();
  ASSERT_TRUE(*ran);
  EXPECT_EQ(**ran, job->id);
  auto done = imports_->job(admin_, job->id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, "done");
  EXPECT_EQ(done->bytes_read, done->bytes_total);
  EXPECT_GT(done->snapshot_id, 0);
  EXPECT_EQ(done->data_lines, 6);
  EXPECT_EQ(done->activities, 5);
  EXPECT_EQ(done->persons, 4);
  EXPECT_EQ(done->bad_lines, 1);
  ASSERT_EQ(done->bad_by_reason.size(), 1u);
  EXPECT_EQ(done->bad_by_reason[0].reason, "commune_inconnue");
  EXPECT_EQ(done->bad_by_reason[0].count, 1);
  ASSERT_EQ(done->first_bad_lines.size(), 1u);
  EXPECT_EQ(done->first_bad_lines[0].line, 6);  // header = line 1
  EXPECT_NE(done->first_bad_lines[0].detail.find("99999"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "rpps" / fs::path(file).filename()));  // imported: removed

  auto snapshot = rpps_snapshot(*db_, done->snapshot_id);
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->source_file, kNew);  // the user's name, not the stored one
  EXPECT_EQ(snapshot->extract_date, "2025-11-20");
  EXPECT_EQ(snapshot->imported_by, "admin@test");

  auto audit = db_->query(
      "SELECT action FROM audit_log WHERE entity = 'rpps_import' ORDER BY id");
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->rows.size(), 2u);
  EXPECT_EQ(audit->rows[0].text(0), "rpps.import.queue");
  EXPECT_EQ(audit->rows[1].text(0), "rpps.import.done");

  // Nothing left to run; the next upload is accepted.
  auto none = imports_->run_next();
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  EXPECT_TRUE(imports_->may_upload(roc_));
  EXPECT_TRUE(imports_->enqueue(admin_, kOld, uploaded(old_extract())));
}

TEST_P(RppsImportsTest, AFileWithoutAUsableLineFailsWithItsReason) {
  auto job = imports_->enqueue(admin_, kNew, uploaded(header_line()));
  ASSERT_TRUE(job) << job.error().describe();
  auto ran = imports_->run_next();
  ASSERT_TRUE(ran && *ran);
  auto failed = imports_->job(admin_, job->id);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, "failed");
  EXPECT_NE(failed->message.find("aucune ligne utilisable"), std::string::npos) << failed->message;
  EXPECT_EQ(failed->message.find(dir_.string()), std::string::npos);  // no server path
  EXPECT_EQ(failed->snapshot_id, 0);
  EXPECT_TRUE(list_rpps_snapshots(*db_)->empty());
  EXPECT_TRUE(imports_->enqueue(admin_, kNew, uploaded(new_extract())));  // no longer active
}

TEST_P(RppsImportsTest, AJobLeftRunningByAStoppedServerFailsAtRecovery) {
  auto job = imports_->enqueue(admin_, kNew, uploaded(new_extract()));
  ASSERT_TRUE(job);
  ASSERT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
    auto n = tx.exec("UPDATE rpps_imports SET status = 'running' WHERE id = $1", {job->id});
    if (!n) return tl::unexpected(n.error());
    return {};
  }));
  ASSERT_TRUE(imports_->recover());
  auto after = imports_->job(admin_, job->id);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, "failed");
  EXPECT_NE(after->message.find("arrêt du serveur"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(dir_ / "rpps"));
  EXPECT_TRUE(imports_->enqueue(admin_, kOld, uploaded(old_extract())));
}

TEST_P(RppsImportsTest, ChangesByCommuneAndProfessionComputedByHand) {
  const std::int64_t old_id = done_import(kOld, old_extract());
  const std::int64_t new_id = done_import(kNew, new_extract());
  ASSERT_GT(old_id, 0);
  ASSERT_GT(new_id, 0);
  auto r = imports_->changes(roc_, old_id, new_id, RppsTerritoryChoice{"57", 0});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->old_snapshot.date(), "2024-11-20");
  EXPECT_EQ(r->new_snapshot.date(), "2025-11-20");
  // 5 arrived (GP, Metz); 2 left (GP, 57606); 4 moved inside the département: neither.
  EXPECT_EQ(r->arrived, 1);
  EXPECT_EQ(r->left, 1);
  const std::string metz = ref_.commune("57463")->nom;
  const std::string other = ref_.commune("57606")->nom;
  ASSERT_EQ(r->counts.size(), 2u);
  std::map<std::string, RppsChangeCount> by_commune;
  for (const auto& c : r->counts) by_commune[c.commune] = c;
  EXPECT_EQ(by_commune["57463"].commune_name, metz);
  EXPECT_EQ(by_commune["57463"].profession, "MG");
  EXPECT_EQ(by_commune["57463"].profession_label, "Médecin généraliste");
  EXPECT_EQ(by_commune["57463"].arrived, 1);
  EXPECT_EQ(by_commune["57463"].left, 0);
  EXPECT_EQ(by_commune["57606"].arrived, 0);
  EXPECT_EQ(by_commune["57606"].left, 1);
  ASSERT_EQ(r->people.size(), 2u);
  for (const auto& p : r->people) {
    EXPECT_EQ(p.rpps, p.arrived ? "10000000005" : "10000000002");
    EXPECT_EQ(p.commune_names.front(), p.arrived ? metz : other);
    EXPECT_DOUBLE_EQ(p.fte, 1.0);
  }
  // The nurses only: nobody moved.
  auto nurses = imports_->changes(admin_, old_id, new_id, RppsTerritoryChoice{"57", 0}, "60");
  ASSERT_TRUE(nurses);
  EXPECT_EQ(nurses->arrived + nurses->left, 0);
  // Metz alone would see 4 arrive from Montigny: the territory decides (here Montigny is in it).
  // Bad choices.
  auto same = imports_->changes(admin_, new_id, new_id, RppsTerritoryChoice{"57", 0});
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().code, ErrorCode::invalid_input);
  auto nowhere = imports_->changes(admin_, old_id, new_id, RppsTerritoryChoice{"", 0});
  ASSERT_FALSE(nowhere);
  EXPECT_EQ(nowhere.error().field, "departement");
  auto unknown = imports_->changes(admin_, old_id, new_id, RppsTerritoryChoice{"99", 0});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_input);
  auto missing = imports_->changes(admin_, old_id, 999999, RppsTerritoryChoice{"57", 0});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  auto member = imports_->changes(principal(Role::member), old_id, new_id,
                                  RppsTerritoryChoice{"57", 0});
  ASSERT_FALSE(member);
  EXPECT_EQ(member.error().code, ErrorCode::forbidden);
}

INSTANTIATE_TEST_SUITE_P(Backends, RppsImportsTest, testing::all_backends(),
                         testing::backend_name);

}  // namespace
}  // namespace maillage::services
