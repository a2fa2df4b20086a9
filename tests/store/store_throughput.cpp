// store_throughput [postgresql-url]: a quick measure of the store on this machine (not a test).
// Per backend: single-row write transactions, 100-row transactions and point reads, each over
// ~1 s, printed as operations per second and as a ratio to the single-row baseline of the same
// run. SQLite runs on a temporary file; PostgreSQL on a scratch database of the given server
// (or MAILLAGE_TEST_PG).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>

#include "store/database.hpp"
#include "store/test_databases.hpp"

using namespace maillage;
namespace mt = maillage::testing;
using Clock = std::chrono::steady_clock;

namespace {

// Runs op repeatedly for about a second; returns operations (as counted by op) per second.
double rate(const std::function<int()>& op) {
  auto start = Clock::now();
  long done = 0;
  while (Clock::now() - start < std::chrono::seconds(1)) done += op();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(done) / secs;
}

void measure(store::Backend backend) {
  auto scratch = mt::ScratchDatabase::create(backend);
  auto db = mt::open_database(*scratch);
  const char* name = backend == store::Backend::sqlite ? "SQLite" : "PostgreSQL";
  std::int64_t n = 0;
  auto insert = [&](store::Tx& tx) -> Status {
    auto r = tx.exec(
        "INSERT INTO audit_log (at, user_login, action, entity, entity_id) "
        "VALUES ($1, 'bench', 'bench.insert', 'bench', $2)",
        {store::timestamp_now(), std::to_string(++n)});
    if (!r) return tl::unexpected(r.error());
    return {};
  };
  double single = rate([&] {
    if (!db->transact(insert)) std::abort();
    return 1;
  });
  double batch = rate([&] {
    auto st = db->transact([&](store::Tx& tx) -> Status {
      for (int i = 0; i < 100; ++i) {
        if (auto s = insert(tx); !s) return s;
      }
      return {};
    });
    if (!st) std::abort();
    return 100;
  });
  std::int64_t k = 0;
  double reads = rate([&] {
    auto r = db->query("SELECT action FROM audit_log WHERE id = $1", {1 + (k++ % n)});
    if (!r || r->rows.size() != 1) std::abort();
    return 1;
  });
  std::printf("%-10s  1-row transactions %9.0f/s (1.00)  100-row transactions %9.0f rows/s (%.1fx)"
              "  point reads %9.0f/s (%.1fx)\n",
              name, single, batch, batch / single, reads, reads / single);
  db.reset();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) setenv("MAILLAGE_TEST_PG", argv[1], 1);
  try {
    measure(store::Backend::sqlite);
    if (mt::postgres_unavailable_reason().empty()) {
      measure(store::Backend::postgresql);
    } else {
      std::cout << "PostgreSQL skipped: " << mt::postgres_unavailable_reason() << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "store_throughput: " << e.what() << "\n";
    return 1;
  }
}
