// The store suite: every test runs on SQLite and on PostgreSQL (see test_databases.hpp).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <limits>
#include <mutex>
#include <fstream>
#include <thread>

#include "store/backends.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::store {
namespace {

using testing::ScratchDatabase;

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
  }
  void TearDown() override {
    db_.reset();  // close connections before the scratch database goes
    scratch_.reset();
  }

  // A table for value tests, made inside a transaction like any DDL of a migration.
  void make_values_table() {
    ASSERT_TRUE(db_->transact([](Tx& tx) -> Status {
      auto r = tx.exec(
          "CREATE TABLE t_values (id BIGINT PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, s TEXT)");
      if (!r) return tl::unexpected(r.error());
      return {};
    }));
  }

  Status insert_structure(Tx& tx, const std::string& name, const std::string& dep = "57") {
    auto now = timestamp_now();
    auto r = tx.exec(
        "INSERT INTO structures (kind, name, departement, created_at, updated_at) "
        "VALUES ('CPTS', $1, $2, $3, $3)",
        {name, dep, now});
    if (!r) return tl::unexpected(r.error());
    return {};
  }

  std::int64_t count(const std::string& sql, const Params& params = {}) {
    auto r = db_->query(sql, params);
    EXPECT_TRUE(r) << r.error().describe();
    return r ? r->rows.at(0).integer(0) : -1;
  }

  std::unique_ptr<ScratchDatabase> scratch_;
  std::unique_ptr<Database> db_;
};

TEST_P(StoreTest, BackendMatchesUrl) { EXPECT_EQ(db_->backend(), GetParam()); }

TEST_P(StoreTest, MigrationsAreIdempotentAndVersioned) {
  int latest = latest_schema_version(GetParam());
  ASSERT_GE(latest, 1);
  EXPECT_EQ(db_->schema_version().value(), latest);
  auto again = db_->migrate();
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_EQ(*again, latest);
  EXPECT_EQ(count("SELECT count(*) FROM schema_migrations"), latest);
  // A second instance (another server process) finds nothing to do either.
  auto other = testing::open_database(*scratch_, false);
  EXPECT_EQ(other->migrate().value(), latest);
  EXPECT_EQ(count("SELECT count(*) FROM schema_migrations"), latest);
}

TEST_P(StoreTest, FreshDatabaseHasVersionZero) {
  db_.reset();
  auto fresh_scratch = ScratchDatabase::create(GetParam());
  auto fresh = testing::open_database(*fresh_scratch, false);
  EXPECT_EQ(fresh->schema_version().value(), 0);
  EXPECT_EQ(fresh->migrate().value(), latest_schema_version(GetParam()));
  fresh.reset();
}

TEST_P(StoreTest, CommitsOnSuccess) {
  ASSERT_TRUE(db_->transact([&](Tx& tx) { return insert_structure(tx, "CPTS du Saulnois"); }));
  EXPECT_EQ(count("SELECT count(*) FROM structures WHERE name = $1", {"CPTS du Saulnois"}), 1);
}

TEST_P(StoreTest, RollsBackWhenTheFunctionFails) {
  auto st = db_->transact([&](Tx& tx) -> Status {
    if (auto s = insert_structure(tx, "annulée"); !s) return s;
    return fail(ErrorCode::invalid_input, "refusé");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(count("SELECT count(*) FROM structures"), 0);
}

TEST_P(StoreTest, RollsBackWhenAStatementFails) {
  auto st = db_->transact([&](Tx& tx) -> Status {
    if (auto s = insert_structure(tx, "première"); !s) return s;
    auto r = tx.exec("INSERT INTO structures (kind, name, departement, created_at, updated_at) "
                     "VALUES ('XXX', 'x', '57', 'a', 'a')");  // CHECK on kind
    if (!r) return tl::unexpected(r.error());
    return {};
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::invalid_input) << st.error().describe();
  EXPECT_EQ(count("SELECT count(*) FROM structures"), 0);
}

TEST_P(StoreTest, RollsBackWhenTheFunctionThrows) {
  EXPECT_THROW((void)db_->transact([&](Tx& tx) -> Status {
    (void)insert_structure(tx, "lancée");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(count("SELECT count(*) FROM structures"), 0);
  // The database is usable afterwards.
  ASSERT_TRUE(db_->transact([&](Tx& tx) { return insert_structure(tx, "ensuite"); }));
  EXPECT_EQ(count("SELECT count(*) FROM structures"), 1);
}

TEST_P(StoreTest, ConstraintViolationsAreClassified) {
  auto now = timestamp_now();
  auto add_user = [&](const std::string& login) {
    return db_->transact([&](Tx& tx) -> Status {
      auto r = tx.exec(
          "INSERT INTO users (login, display_name, password_hash, role, created_at, updated_at) "
          "VALUES ($1, 'X', 'h', 'member', $2, $2)",
          {login, now});
      if (!r) return tl::unexpected(r.error());
      return {};
    });
  };
  ASSERT_TRUE(add_user("Anne@Example.fr"));
  auto dup = add_user("anne@example.FR");  // unique whatever the case
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::conflict) << dup.error().describe();

  auto fk = db_->transact([&](Tx& tx) -> Status {
    auto r = tx.exec("INSERT INTO user_structures (user_id, structure_id) VALUES (1, 999)");
    if (!r) return tl::unexpected(r.error());
    return {};
  });
  ASSERT_FALSE(fk);
  EXPECT_EQ(fk.error().code, ErrorCode::invalid_input) << fk.error().describe();

  auto syntax = db_->query("SELEKT 1");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().code, ErrorCode::db_error);
}

TEST_P(StoreTest, ParameterTypesAndNullsRoundTrip) {
  make_values_table();
  const std::int64_t big = 9'007'199'254'740'993;  // not representable as a double
  ASSERT_TRUE(db_->transact([&](Tx& tx) -> Status {
    for (const Params& p : std::vector<Params>{
             {std::int64_t{1}, big, 0.1, std::string("texte")},
             {std::int64_t{2}, std::int64_t{-42}, -2.5e300, std::string("")},
             {std::int64_t{3}, nullptr, nullptr, nullptr},
             {std::int64_t{4}, std::numeric_limits<std::int64_t>::min(), 0.0,
              std::string("a'b\"c;--")}}) {
      auto r = tx.exec("INSERT INTO t_values (id, i, r, s) VALUES ($1, $2, $3, $4)", p);
      if (!r) return tl::unexpected(r.error());
    }
    return {};
  }));
  auto rows = db_->query("SELECT id, i, r, s FROM t_values ORDER BY id");
  ASSERT_TRUE(rows) << rows.error().describe();
  ASSERT_EQ(rows->rows.size(), 4u);
  ASSERT_EQ(rows->columns, (std::vector<std::string>{"id", "i", "r", "s"}));
  const auto& r1 = rows->rows[0];
  EXPECT_EQ(std::get<std::int64_t>(r1.values[1]), big);
  EXPECT_EQ(std::get<double>(r1.values[2]), 0.1);
  EXPECT_EQ(std::get<std::string>(r1.values[3]), "texte");
  const auto& r2 = rows->rows[1];
  EXPECT_EQ(r2.integer(1), -42);
  EXPECT_EQ(r2.real(2), -2.5e300);
  EXPECT_FALSE(r2.is_null(3));  // the empty string is not NULL
  EXPECT_EQ(r2.text(3), "");
  const auto& r3 = rows->rows[2];
  EXPECT_TRUE(r3.is_null(1));
  EXPECT_TRUE(r3.is_null(2));
  EXPECT_TRUE(r3.is_null(3));
  EXPECT_EQ(r3.integer(1), 0);
  EXPECT_EQ(r3.text(3), "");
  EXPECT_EQ(rows->rows[3].integer(1), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(rows->rows[3].text(3), "a'b\"c;--");

  // NULL parameters compare as NULL; reused and out-of-order placeholders bind by number.
  EXPECT_EQ(count("SELECT count(*) FROM t_values WHERE s IS NULL AND CAST($1 AS TEXT) IS NULL",
                  {nullptr}),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM t_values WHERE id > $2 AND id < $1 AND id <> $2",
                  {std::int64_t{4}, std::int64_t{1}}),
            2);
  // Aggregates come back as numbers on both backends.
  auto agg = db_->query("SELECT count(*), sum(id), max(r) FROM t_values");
  ASSERT_TRUE(agg);
  EXPECT_EQ(std::get<std::int64_t>(agg->rows[0].values[0]), 4);
  EXPECT_EQ(agg->rows[0].integer(1), 10);
  EXPECT_EQ(agg->rows[0].real(2), 0.1);
}

TEST_P(StoreTest, WrongParameterCountIsAnError) {
  EXPECT_FALSE(db_->query("SELECT count(*) FROM structures WHERE id = $1", {}));
  EXPECT_FALSE(db_->query("SELECT count(*) FROM structures WHERE id = $1",
                          {std::int64_t{1}, std::int64_t{2}}));
}

TEST_P(StoreTest, NulCharactersInTextAreRefused) {
  auto r = db_->query("SELECT count(*) FROM structures WHERE name = $1",
                      {std::string("a\0b", 3)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
}

TEST_P(StoreTest, OneStatementPerCall) {
  auto st = db_->transact([&](Tx& tx) -> Status {
    auto r = tx.exec("DELETE FROM structures; DELETE FROM users");
    if (!r) return tl::unexpected(r.error());
    return {};
  });
  EXPECT_FALSE(st);
}

TEST_P(StoreTest, UnicodeTextRoundTrips) {
  const std::string name = "CPTS Pays de Sarrebourg — Élodie Müller, ключ, 東京, 😀";
  ASSERT_TRUE(db_->transact([&](Tx& tx) { return insert_structure(tx, name, "2A"); }));
  auto rows = db_->query("SELECT name, length(name) FROM structures WHERE name = $1", {name});
  ASSERT_TRUE(rows) << rows.error().describe();
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0].text(0), name);
  EXPECT_EQ(rows->rows[0].integer(1), 52);  // characters, not bytes
}

TEST_P(StoreTest, ExecReturnsChangedRows) {
  ASSERT_TRUE(db_->transact([&](Tx& tx) -> Status {
    for (auto n : {"a", "b", "c"}) {
      if (auto s = insert_structure(tx, n); !s) return s;
    }
    auto r = tx.exec("UPDATE structures SET version = version + 1 WHERE name <> $1", {"a"});
    if (!r) return tl::unexpected(r.error());
    EXPECT_EQ(*r, 2);
    auto none = tx.exec("DELETE FROM structures WHERE name = $1", {"zz"});
    if (!none) return tl::unexpected(none.error());
    EXPECT_EQ(*none, 0);
    return {};
  }));
}

TEST_P(StoreTest, InsertReturningGivesTheNewId) {
  std::int64_t id = 0;
  ASSERT_TRUE(db_->transact([&](Tx& tx) -> Status {
    auto r = tx.query(
        "INSERT INTO structures (kind, name, departement, created_at, updated_at) "
        "VALUES ('MSP', 'MSP de Bitche', '57', $1, $1) RETURNING id",
        {timestamp_now()});
    if (!r) return tl::unexpected(r.error());
    id = r->rows.at(0).integer(0);
    return {};
  }));
  EXPECT_GT(id, 0);
  EXPECT_EQ(count("SELECT count(*) FROM structures WHERE id = $1", {id}), 1);
}

TEST_P(StoreTest, QueryIsReadOnly) {
  auto r = db_->query(
      "INSERT INTO structures (kind, name, departement, created_at, updated_at) "
      "VALUES ('MSP', 'x', '57', 'a', 'a')");
  EXPECT_FALSE(r);
  EXPECT_EQ(count("SELECT count(*) FROM structures"), 0);
}

TEST_P(StoreTest, NestedTransactionsAreRefused) {
  auto st = db_->transact([&](Tx&) -> Status { return db_->transact([](Tx&) -> Status {
    return {};
  }); });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::internal);
  // Reads from inside a transaction are allowed (on another connection).
  ASSERT_TRUE(db_->transact([&](Tx&) -> Status {
    auto r = db_->query("SELECT count(*) FROM structures");
    if (!r) return tl::unexpected(r.error());
    return {};
  }));
}

// Two threads doing read-modify-write on one row: no lost update and no error reaches the caller
// (SQLite: one writer; PostgreSQL: serialisable transactions retried on 40001), while a third
// thread reads.
TEST_P(StoreTest, ConcurrentWritersDoNotLoseUpdates) {
  ASSERT_TRUE(db_->transact([&](Tx& tx) { return insert_structure(tx, "compteur"); }));
  constexpr int kPerThread = 60;
  std::atomic<int> failures{0};
  std::string first_error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (int i = 0; i < kPerThread; ++i) {
      auto st = db_->transact([&](Tx& tx) -> Status {
        auto r = tx.query("SELECT version FROM structures WHERE name = 'compteur'");
        if (!r) return tl::unexpected(r.error());
        std::int64_t v = r->rows.at(0).integer(0);
        auto u = tx.exec("UPDATE structures SET version = $1 WHERE name = 'compteur'", {v + 1});
        if (!u) return tl::unexpected(u.error());
        return audit(tx, {"test", "structure.bump", "structure", "compteur",
                          std::to_string(v), std::to_string(v + 1)});
      });
      if (!st) {
        ++failures;
        std::lock_guard lock(error_mutex);
        if (first_error.empty()) first_error = st.error().describe();
      }
    }
  };
  // A reader alongside: it never fails and never sees the counter go back.
  std::atomic<bool> writers_done{false};
  std::atomic<int> read_failures{0};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    std::int64_t last = 0;
    while (!writers_done.load()) {
      auto r = db_->query("SELECT version FROM structures WHERE name = 'compteur'");
      if (!r || r->rows.at(0).integer(0) < last) {
        ++read_failures;
      } else {
        last = r->rows.at(0).integer(0);
      }
      ++reads;
    }
  });
  std::thread a(worker), b(worker);
  a.join();
  b.join();
  writers_done = true;
  reader.join();
  EXPECT_EQ(read_failures.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(failures.load(), 0) << first_error;
  EXPECT_EQ(count("SELECT version FROM structures WHERE name = 'compteur'"), 1 + 2 * kPerThread);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'structure.bump'"),
            2 * kPerThread);
}

TEST_P(StoreTest, AuditRowsRecordWhoWhatAndWhen) {
  std::string before_call = timestamp_now();
  ASSERT_TRUE(db_->transact([&](Tx& tx) -> Status {
    if (auto s = insert_structure(tx, "auditée"); !s) return s;
    if (auto s = audit(tx, {"roc57@demo.maillage.fr", "structure.create", "structure", "1", "",
                            R"({"name":"auditée"})"});
        !s) {
      return s;
    }
    return audit(tx, {"", "structure.delete", "structure", "1", R"({"name":"auditée"})", ""});
  }));
  auto rows = db_->query(
      "SELECT at, user_login, action, entity, entity_id, before, after FROM audit_log ORDER BY id");
  ASSERT_TRUE(rows) << rows.error().describe();
  ASSERT_EQ(rows->rows.size(), 2u);
  const auto& create = rows->rows[0];
  EXPECT_GE(create.text(0), before_call);
  EXPECT_EQ(create.text(0).size(), std::string("2026-11-24T16:22:12.123Z").size());
  EXPECT_EQ(create.text(1), "roc57@demo.maillage.fr");
  EXPECT_EQ(create.text(2), "structure.create");
  EXPECT_EQ(create.text(3), "structure");
  EXPECT_EQ(create.text(4), "1");
  EXPECT_TRUE(create.is_null(5));
  EXPECT_EQ(create.text(6), R"({"name":"auditée"})");
  const auto& del = rows->rows[1];
  EXPECT_EQ(del.text(1), "system");
  EXPECT_TRUE(del.is_null(6));

  // An audit row written in a transaction that rolls back disappears with it.
  (void)db_->transact([&](Tx& tx) -> Status {
    (void)audit(tx, {"x", "structure.create", "structure", "2", "", "{}"});
    return fail(ErrorCode::conflict, "non");
  });
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 2);
}

TEST_P(StoreTest, BackupAndRestoreRoundTrip) {
  ASSERT_TRUE(db_->transact([&](Tx& tx) { return insert_structure(tx, "gardée — é"); }));
  std::string file = scratch_->temp_path("sauvegarde.bak");
  auto st = db_->backup(file);
  ASSERT_TRUE(st) << st.error().describe();
  ASSERT_TRUE(std::filesystem::exists(file));

  // Change everything after the backup...
  ASSERT_TRUE(db_->transact([&](Tx& tx) -> Status {
    if (auto s = insert_structure(tx, "ajoutée après"); !s) return s;
    auto r = tx.exec("DELETE FROM structures WHERE name = $1", {"gardée — é"});
    if (!r) return tl::unexpected(r.error());
    return {};
  }));
  // ... and restore: back to the state of the backup, schema included.
  st = db_->restore(file);
  ASSERT_TRUE(st) << st.error().describe();
  EXPECT_EQ(count("SELECT count(*) FROM structures WHERE name = $1", {"gardée — é"}), 1);
  EXPECT_EQ(count("SELECT count(*) FROM structures WHERE name = $1", {"ajoutée après"}), 0);
  EXPECT_EQ(db_->schema_version().value(), latest_schema_version(GetParam()));
  // Still writable, with the identity/rowid sequence past the restored rows.
  ASSERT_TRUE(db_->transact([&](Tx& tx) { return insert_structure(tx, "après restauration"); }));
  EXPECT_EQ(count("SELECT count(DISTINCT id) FROM structures"), 2);

  // The backup restores into another, empty database as well (moving a server).
  auto other_scratch = ScratchDatabase::create(GetParam());
  auto other = testing::open_database(*other_scratch, false);
  st = other->restore(file);
  ASSERT_TRUE(st) << st.error().describe();
  auto names = other->query("SELECT name FROM structures");
  ASSERT_TRUE(names);
  ASSERT_EQ(names->rows.size(), 1u);
  EXPECT_EQ(names->rows[0].text(0), "gardée — é");
  other.reset();
}

TEST_P(StoreTest, RestoreRefusesABadFileAndKeepsTheData) {
  ASSERT_TRUE(db_->transact([&](Tx& tx) { return insert_structure(tx, "intacte"); }));
  std::string file = scratch_->temp_path("pas-une-sauvegarde.bak");
  std::ofstream(file) << "ceci n'est pas une sauvegarde\n";
  auto st = db_->restore(file);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().describe(), "");
  EXPECT_FALSE(db_->restore(scratch_->temp_path("absente.bak")));
  EXPECT_EQ(count("SELECT count(*) FROM structures WHERE name = 'intacte'"), 1);
}

TEST_P(StoreTest, RestoreRefusesABackupFromANewerSchema) {
  auto set_future = [&](bool on) {
    ASSERT_TRUE(db_->transact([&](Tx& tx) -> Status {
      auto r = on ? tx.exec("INSERT INTO schema_migrations (version, name, applied_at) "
                            "VALUES (999, 'future', 'x')")
                  : tx.exec("DELETE FROM schema_migrations WHERE version = 999");
      if (!r) return tl::unexpected(r.error());
      return {};
    }));
  };
  set_future(true);
  EXPECT_FALSE(db_->migrate());  // this program does not know schema 999
  std::string file = scratch_->temp_path("future.bak");
  ASSERT_TRUE(db_->backup(file));
  set_future(false);
  ASSERT_TRUE(db_->transact([&](Tx& tx) { return insert_structure(tx, "présente"); }));
  auto st = db_->restore(file);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("999"), std::string::npos) << st.error().describe();
  EXPECT_EQ(count("SELECT count(*) FROM structures WHERE name = 'présente'"), 1);
  EXPECT_EQ(db_->schema_version().value(), latest_schema_version(GetParam()));
}

// Two Database objects on one database (two server instances) see each other's commits.
TEST_P(StoreTest, InstancesShareTheDatabase) {
  auto second = testing::open_database(*scratch_);
  ASSERT_TRUE(second->transact([&](Tx& tx) { return insert_structure(tx, "partagée"); }));
  EXPECT_EQ(count("SELECT count(*) FROM structures WHERE name = 'partagée'"), 1);
  second.reset();
}

// A PostgreSQL restart (or an idle-connection timeout) kills pooled connections: the next read
// and the next transaction go through on fresh ones instead of failing once per dead connection.
TEST_P(StoreTest, ReconnectsAfterTheServerDropsItsConnections) {
  if (GetParam() != Backend::postgresql) GTEST_SKIP() << "PostgreSQL only (SQLite has no server)";
  ASSERT_TRUE(db_->query("SELECT count(*) FROM structures"));
  ASSERT_TRUE(db_->transact([&](Tx& tx) { return insert_structure(tx, "avant"); }));
  auto killer = testing::open_database(*scratch_, false);
  auto others = [&]() -> std::int64_t {
    std::int64_t n = -1;
    EXPECT_TRUE(killer->transact([&](Tx& tx) -> Status {
      auto r = tx.query(
          "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
          "WHERE datname = current_database() AND pid <> pg_backend_pid() "
          "AND application_name = 'maillage'");
      if (!r) return tl::unexpected(r.error());
      n = r->rows.at(0).integer(0);
      return {};
    }));
    return n;
  };
  // Terminate until every other connection is gone (termination is asynchronous).
  for (int i = 0; i < 500 && others() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  killer.reset();
  auto r = db_->query("SELECT count(*) FROM structures");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->rows[0].integer(0), 1);
  auto st = db_->transact([&](Tx& tx) { return insert_structure(tx, "après"); });
  ASSERT_TRUE(st) << st.error().describe();
  EXPECT_EQ(count("SELECT count(*) FROM structures"), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, testing::all_backends(), testing::backend_name);

// A full disk is "retry later" (503), rolls the transaction back, and writes work again once there
// is room. Here the room is the file's page limit, which SQLite reports as SQLITE_FULL exactly
// like a full filesystem; tests/fault/ fills a real one under the running server.
TEST(SqliteStore, AFullDiskIsUnavailableAndWritesResumeOnceThereIsRoom) {
  auto scratch = ScratchDatabase::create(Backend::sqlite);
  auto db = testing::open_database(*scratch);
  auto limit = [&](const std::string& pages) {
    ASSERT_TRUE(db->transact([&](Tx& tx) -> Status {
      auto r = tx.query(pages.empty() ? "PRAGMA page_count" : "PRAGMA max_page_count = " + pages);
      if (!r) return tl::unexpected(r.error());
      if (pages.empty()) {  // no room beyond the pages in use
        auto set = tx.query("PRAGMA max_page_count = " + std::to_string(r->rows.at(0).integer(0)));
        if (!set) return tl::unexpected(set.error());
      }
      return {};
    }));
  };
  auto insert_many = [&]() {
    return db->transact([&](Tx& tx) -> Status {
      for (int i = 0; i < 50; ++i) {
        auto r = tx.exec(
            "INSERT INTO structures (kind, name, departement, created_at, updated_at) "
            "VALUES ('CPTS', $1, '57', 'a', 'a')",
            {std::string(2000, 'x') + std::to_string(i)});
        if (!r) return tl::unexpected(r.error());
      }
      return {};
    });
  };
  limit("");
  auto full = insert_many();
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, ErrorCode::unavailable) << full.error().describe();
  EXPECT_NE(full.error().message.find("Disque plein"), std::string::npos) << full.error().message;
  auto n = db->query("SELECT count(*) FROM structures");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->rows.at(0).integer(0), 0);
  limit("1000000");
  ASSERT_TRUE(insert_many());
  n = db->query("SELECT count(*) FROM structures");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->rows.at(0).integer(0), 50);
  auto check = db->query("PRAGMA integrity_check");
  ASSERT_TRUE(check);
  EXPECT_EQ(check->rows.at(0).text(0), "ok");
}

TEST(StoreUrl, RejectsAnEmptySqlitePath) {
  auto db = Database::open("sqlite:");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::invalid_input);
}

TEST(StoreUrl, ReportsAnUnreachablePostgres) {
  auto db = Database::open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::unavailable) << db.error().describe();
}

TEST(Placeholders, HighestNumberOutsideQuotesAndComments) {
  EXPECT_EQ(detail::max_placeholder("SELECT 1"), 0);
  EXPECT_EQ(detail::max_placeholder("SELECT $2, $1, $10"), 10);
  EXPECT_EQ(detail::max_placeholder("SELECT '$3', \"$4\", $1 -- $5\n + $2"), 2);
  EXPECT_EQ(detail::max_placeholder("SELECT 'it''s $9', $1"), 1);
}

TEST(Timestamps, HaveAFixedWidthUtcFormat) {
  using namespace std::chrono;
  EXPECT_EQ(format_timestamp(system_clock::time_point{milliseconds{0}}),
            "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp(system_clock::time_point{milliseconds{1795883532123}}),
            "2026-11-28T16:32:12.123Z");
  EXPECT_EQ(format_timestamp(system_clock::time_point{milliseconds{-1}}),
            "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace maillage::store
