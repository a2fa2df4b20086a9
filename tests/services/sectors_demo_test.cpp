// The demo's computed split of Moselle (src/demo/sectors_demo.cpp) on the real référentiel
// (MAILLAGE_REFERENCE) and the demo data, SQLite: loaded twice into two fresh databases, once
// while another thread keeps a core busy, it gives the same two sectors (a work budget, not the
// clock, ends the solve). Skipped without the référentiel.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "demo/demo.hpp"
#include "refdata/reference_file.hpp"
#include "services/sectors.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

SectorPlan demo_plan(const geo::Referentiel& ref) {
  auto scratch = testing::ScratchDatabase::create(store::Backend::sqlite);
  auto db = testing::open_database(*scratch);
  AccountSettings cheap;
  cheap.argon2_memory_kib = 64;
  cheap.argon2_passes = 1;
  EXPECT_TRUE(demo::load_demo_accounts(*db, cheap));
  EXPECT_TRUE(demo::load_registry_demo(*db, ref));
  auto lines = demo::load_sectors_demo(*db, ref);
  EXPECT_TRUE(lines) << (lines ? "" : lines.error().describe());
  auto sectors = Sectors::create(*db, ref);
  EXPECT_TRUE(sectors);
  Principal admin;
  admin.login = "system";
  admin.role = Role::admin;
  auto plan = (*sectors)->plan(admin, "57", std::nullopt);
  EXPECT_TRUE(plan) << (plan ? "" : plan.error().describe());
  return plan ? *plan : SectorPlan{};
}

TEST(SectorsDemo, TheComputedSplitOfMoselleIsTheSameOnEveryLoad) {
  const char* path = std::getenv("MAILLAGE_REFERENCE");
  if (path == nullptr || !std::filesystem::exists(path)) {
    GTEST_SKIP() << "référentiel absent (MAILLAGE_REFERENCE)";
  }
  auto ref = refdata::load_reference(path);
  ASSERT_TRUE(ref) << ref.error().describe();
  const SectorPlan first = demo_plan(*ref);
  std::atomic<bool> busy{true};
  std::thread load([&] {
    volatile std::uint64_t x = 0;
    while (busy.load()) x = x * 6364136223846793005ULL + 1;
  });
  const SectorPlan second = demo_plan(*ref);
  busy = false;
  load.join();
  // Moselle has about 725 communes, every one in a sector, both sectors used.
  ASSERT_GT(first.communes.size(), 700U);
  int in_first = 0;
  for (const auto& [code, s] : first.communes) in_first += s == 0;
  EXPECT_GT(in_first, 0);
  EXPECT_LT(in_first, static_cast<int>(first.communes.size()));
  EXPECT_EQ(first.communes, second.communes);
  EXPECT_EQ(first.lower_bound, second.lower_bound);
  EXPECT_EQ(first.evaluation.cut_edges, second.evaluation.cut_edges);
  RecordProperty("cut_edges", first.evaluation.cut_edges);
}

}  // namespace
}  // namespace maillage::services
