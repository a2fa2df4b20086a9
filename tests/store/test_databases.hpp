// Scratch databases for suites that run on both backends (store, services, http API tests).
// SQLite: a file in a fresh temporary directory. PostgreSQL: a database `m_<random>` created on
// the server named by env MAILLAGE_TEST_PG (scripts/test.sh starts one) and dropped afterwards.
//
//   class MySuite : public ::testing::TestWithParam<maillage::store::Backend> { ... };
//   void SetUp() override {
//     MAILLAGE_REQUIRE_BACKEND(GetParam());   // skips (or fails under CI=true) without PostgreSQL
//     scratch_ = maillage::testing::ScratchDatabase::create(GetParam());
//   }
//   INSTANTIATE_TEST_SUITE_P(Backends, MySuite, maillage::testing::all_backends(),
//                            maillage::testing::backend_name);
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/database.hpp"

namespace maillage::testing {

// Why PostgreSQL suites cannot run here; empty when MAILLAGE_TEST_PG is set.
std::string postgres_unavailable_reason();
// True under CI=true, where a skipped PostgreSQL suite is a failure.
bool running_in_ci();

inline auto all_backends() {
  return ::testing::Values(store::Backend::sqlite, store::Backend::postgresql);
}
inline std::string backend_name(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::sqlite ? "SQLite" : "PostgreSQL";
}

// An empty database for one test, removed by the destructor (close every Database on it first
// for SQLite; PostgreSQL drops with FORCE).
class ScratchDatabase {
 public:
  // Throws std::runtime_error when the database cannot be made (a test failure, not a skip).
  static std::unique_ptr<ScratchDatabase> create(store::Backend backend);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  [[nodiscard]] const std::string& url() const { return url_; }
  [[nodiscard]] store::Backend backend() const { return backend_; }
  // A fresh path in the same temporary directory (for backups and other files of the test).
  [[nodiscard]] std::string temp_path(const std::string& name) const;

 private:
  ScratchDatabase() = default;
  store::Backend backend_ = store::Backend::sqlite;
  std::string url_;
  std::string dir_;      // temporary directory of the test
  std::string pg_name_;  // PostgreSQL database to drop
};

// Opens (and migrates, unless told not to) a Database on a scratch database; aborts the test
// with a readable message when it fails.
std::unique_ptr<store::Database> open_database(const ScratchDatabase& scratch, bool migrate = true,
                                               store::DatabaseOptions options = {});

}  // namespace maillage::testing

// Skips a PostgreSQL-parameterised test when no server is configured, saying why; fails instead
// under CI=true, where PostgreSQL must not be skipped.
#define MAILLAGE_REQUIRE_BACKEND(backend)                                                \
  do {                                                                                   \
    if ((backend) == ::maillage::store::Backend::postgresql) {                           \
      std::string why_ = ::maillage::testing::postgres_unavailable_reason();             \
      if (!why_.empty()) {                                                               \
        if (::maillage::testing::running_in_ci()) {                                      \
          FAIL() << "CI=true and PostgreSQL is not available: " << why_;                 \
        }                                                                                \
        GTEST_SKIP() << "PostgreSQL test SKIPPED: " << why_;                             \
      }                                                                                  \
    }                                                                                    \
  } while (false)
