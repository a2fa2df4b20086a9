// The engine on the real référentiel (MAILLAGE_REFERENCE, built by `make test` before the tests):
// 800 generated territories over France, compared with the straightforward implementation, and
// the proposal invariants in every département. Skipped when the référentiel is not there. One
// test, because ctest runs each test in its own process and loading takes seconds under ASan.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "coverage/coverage.hpp"
#include "coverage/proposals.hpp"
#include "fixtures.hpp"
#include "naive.hpp"
#include "refdata/reference_file.hpp"

namespace maillage::coverage {
namespace {

class RealReferentiel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* path = std::getenv("MAILLAGE_REFERENCE");
    if (path == nullptr || !std::filesystem::exists(path)) return;
    auto ref = refdata::load_reference(path);
    ASSERT_TRUE(ref) << ref.error().describe();
    ref_ = std::make_unique<geo::Referentiel>(std::move(*ref));
    auto g = UnitGraph::build(*ref_);
    ASSERT_TRUE(g) << g.error().describe();
    graph_ = std::make_unique<UnitGraph>(std::move(*g));
    test::GrowSpec spec;
    spec.count = 800;
    spec.min_target = 35'000;
    spec.max_target = 140'000;
    spec.scatter = 0.05;
    territories_ = test::grow_territories(*graph_, spec);
  }
  static void TearDownTestSuite() {
    territories_.clear();
    graph_.reset();
    ref_.reset();
  }
  void SetUp() override {
    if (!graph_) GTEST_SKIP() << "référentiel absent (MAILLAGE_REFERENCE) : lancez `make test`";
  }

  static inline std::unique_ptr<geo::Referentiel> ref_;
  static inline std::unique_ptr<UnitGraph> graph_;
  static inline std::vector<Territory> territories_;
};

const std::vector<StageFilter> kFilters = {{"aci_signe", "ACI signé", {"aci_signe", "actif"}},
                                           {"toutes", "Toutes", {}}};

void units_and_areas(const geo::Referentiel& ref, const UnitGraph& graph) {
  // Paris, Lyon and Marseille are replaced by their 45 arrondissements.
  for (const char* city : {"75056", "69123", "13055"}) {
    const geo::Commune* c = ref.commune(city);
    ASSERT_NE(c, nullptr) << city;
    EXPECT_FALSE(graph.is_unit(ref.index_of(*c))) << city;
    EXPECT_GE(graph.expand(ref.index_of(*c)).size(), 9u) << city;
  }
  std::size_t without_departement = 0;
  for (CommuneIndex u : graph.units())
    without_departement += graph.departement_of(u) == kNone ? 1 : 0;
  EXPECT_EQ(without_departement, 0u);
  auto moselle = area_units(graph, {AreaKind::departement, "57"});
  ASSERT_TRUE(moselle);
  EXPECT_GT(moselle->size(), 700u);
}

void national(const geo::Referentiel& ref, const UnitGraph& graph,
              const std::vector<Territory>& territories) {
  auto fast = national_coverage(graph, territories, kFilters);
  ASSERT_TRUE(fast) << fast.error().describe();
  const auto naive = test::naive_national(ref, territories, kFilters);
  EXPECT_EQ(fast->france.covered, naive.france.covered);
  EXPECT_EQ(fast->france.by_filter, naive.france.by_filter);
  EXPECT_EQ(fast->france.overlapping, naive.france.overlapping);
  ASSERT_EQ(fast->departements.size(), naive.departements.size());
  for (std::size_t i = 0; i < naive.departements.size(); ++i) {
    EXPECT_EQ(fast->departements[i].total, naive.departements[i].total)
        << naive.departements[i].code;
    EXPECT_EQ(fast->departements[i].covered, naive.departements[i].covered)
        << naive.departements[i].code;
  }
  std::vector<std::vector<CommuneIndex>> zones;
  for (const Piece& p : fast->white_zones) zones.push_back(p.units);
  std::sort(zones.begin(), zones.end());
  EXPECT_EQ(zones, naive.white_zones);
  EXPECT_EQ(fast->france.total.population, [&] {
    std::int64_t p = 0;
    for (CommuneIndex u : graph.units()) p += graph.population(u);
    return p;
  }());
}

void proposals(const geo::Referentiel& ref, const UnitGraph& graph,
               const std::vector<Territory>& territories) {
  auto cover = Cover::compute(graph, territories, kFilters);
  ASSERT_TRUE(cover);
  std::size_t proposals_seen = 0;
  for (const auto& dep : ref.departements) {
    auto units = area_units(graph, {AreaKind::departement, dep.code});
    ASSERT_TRUE(units);
    auto proposals = propose(*cover, *units, {40'000, std::nullopt});
    ASSERT_TRUE(proposals) << dep.code << ": " << proposals.error().describe();
    std::vector<CommuneIndex> all;
    for (const Proposal& p : *proposals) {
      EXPECT_EQ(components(graph, p.units).size(), 1u) << dep.code;
      for (CommuneIndex u : p.units) EXPECT_EQ(cover->count(u), 0u) << dep.code;
      if (p.kind == ProposalKind::new_territory) {
        EXPECT_GE(p.population, 40'000) << dep.code;
      }
      all.insert(all.end(), p.units.begin(), p.units.end());
    }
    proposals_seen += proposals->size();
    std::sort(all.begin(), all.end());
    std::vector<CommuneIndex> uncovered;
    for (CommuneIndex u : *units) {
      if (cover->count(u) == 0) uncovered.push_back(u);
    }
    EXPECT_EQ(all, uncovered) << dep.code;
  }
  EXPECT_GT(proposals_seen, 0u);
}

TEST_F(RealReferentiel, UnitsCoverageAndProposals) {
  {
    SCOPED_TRACE("units and areas");
    units_and_areas(*ref_, *graph_);
  }
  {
    SCOPED_TRACE("national coverage against the straightforward implementation");
    national(*ref_, *graph_, territories_);
  }
  {
    SCOPED_TRACE("proposal invariants in every département");
    proposals(*ref_, *graph_, territories_);
  }
}

}  // namespace
}  // namespace maillage::coverage
