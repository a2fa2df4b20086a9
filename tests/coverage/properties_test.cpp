// Random instances: the engine against the straightforward implementations (naive.hpp,
// naive_proposals.hpp), and the invariants of coverage, white zones, territory pieces and proposals.
#include <gtest/gtest.h>

#include <set>

#include "coverage/coverage.hpp"
#include "coverage/proposals.hpp"
#include "fixtures.hpp"
#include "naive.hpp"
#include "naive_proposals.hpp"

namespace maillage::coverage {
namespace {

using test::GridSpec;
using test::GrowSpec;

const std::vector<StageFilter> kFilters = {
    {"aci_signe", "ACI signé", {"aci_signe", "actif"}},
    {"projet_valide",
     "Projet validé ou plus",
     {"projet_valide", "aci_negociation", "aci_signe", "actif"}},
    {"toutes", "Toutes", {}}};

// The référentiel lives on the heap: the graph points to it, and the Instance is moved around.
struct Instance {
  std::unique_ptr<geo::Referentiel> ref_storage;
  const geo::Referentiel& ref() const { return *ref_storage; }
  std::unique_ptr<UnitGraph> graph;
  std::vector<Territory> territories;
};

Instance make(std::uint64_t seed) {
  Instance in;
  GridSpec gs;
  gs.rows = 20;
  gs.cols = 25;
  gs.dep_rows = 10;
  gs.dep_cols = 10;
  gs.region_deps = 2;
  gs.epci_size = 4;
  gs.city = seed % 2 == 0;
  gs.diagonals = seed % 3 != 0;
  gs.seed = seed;
  in.ref_storage = std::make_unique<geo::Referentiel>(test::make_grid(gs));
  auto g = UnitGraph::build(in.ref());
  EXPECT_TRUE(g) << (g ? "" : g.error().describe());
  in.graph = std::make_unique<UnitGraph>(std::move(*g));
  GrowSpec ts;
  ts.count = 12;
  ts.min_target = 5'000;
  ts.max_target = 40'000;
  ts.overlap = 0.05;
  ts.scatter = 0.2;
  ts.seed = seed * 31 + 1;
  in.territories = test::grow_territories(*in.graph, ts);
  return in;
}

void expect_row(const AreaCoverage& fast, const test::NaiveRow& naive) {
  EXPECT_EQ(fast.area.code, naive.code);
  EXPECT_EQ(fast.total, naive.total) << naive.code;
  EXPECT_EQ(fast.covered, naive.covered) << naive.code;
  EXPECT_EQ(fast.overlapping, naive.overlapping) << naive.code;
  EXPECT_EQ(fast.by_filter, naive.by_filter) << naive.code;
}

bool connected(const UnitGraph& g, const std::vector<CommuneIndex>& units) {
  return components(g, units).size() == 1;
}

class Properties : public testing::TestWithParam<std::uint64_t> {};

TEST_P(Properties, EngineMatchesTheStraightforwardImplementation) {
  const Instance in = make(GetParam());
  auto fast = national_coverage(*in.graph, in.territories, kFilters);
  ASSERT_TRUE(fast) << fast.error().describe();
  const auto naive = test::naive_national(in.ref(), in.territories, kFilters);
  expect_row(fast->france, naive.france);
  ASSERT_EQ(fast->regions.size(), naive.regions.size());
  for (std::size_t i = 0; i < naive.regions.size(); ++i)
    expect_row(fast->regions[i], naive.regions[i]);
  ASSERT_EQ(fast->departements.size(), naive.departements.size());
  for (std::size_t i = 0; i < naive.departements.size(); ++i) {
    expect_row(fast->departements[i], naive.departements[i]);
  }
  std::vector<std::vector<CommuneIndex>> zones;
  for (const Piece& p : fast->white_zones) zones.push_back(p.units);
  std::sort(zones.begin(), zones.end());
  EXPECT_EQ(zones, naive.white_zones);
  std::map<std::pair<std::uint32_t, std::uint32_t>, Count> pairs;
  for (const OverlapPair& p : fast->overlaps.pairs) {
    pairs[{p.a, p.b}] = {static_cast<std::int64_t>(p.units.size()), p.population};
  }
  EXPECT_EQ(pairs, naive.overlap_pairs);
  // The instance is not degenerate: some coverage, some white, some overlap.
  EXPECT_GT(fast->france.covered.communes, 0);
  EXPECT_GT(fast->france.uncovered().communes, 0);
}

TEST_P(Properties, WhiteZonesPartitionTheUncoveredUnits) {
  const Instance in = make(GetParam());
  auto cover = Cover::compute(*in.graph, in.territories, kFilters);
  ASSERT_TRUE(cover);
  for (const auto& dep : in.ref().departements) {
    auto units = area_units(*in.graph, {AreaKind::departement, dep.code});
    ASSERT_TRUE(units);
    for (std::optional<std::size_t> f :
         {std::optional<std::size_t>{}, std::optional<std::size_t>{0}}) {
      const AreaCoverage row = summarize(*cover, *units);
      const Count uncovered = f ? row.uncovered(*f) : row.uncovered();
      const auto zones = white_zones(*cover, *units, f);
      std::vector<int> zone_of(in.ref().communes.size(), -1);
      Count sum;
      for (std::size_t z = 0; z < zones.size(); ++z) {
        EXPECT_TRUE(connected(*in.graph, zones[z].units));
        std::int64_t pop = 0;
        for (CommuneIndex u : zones[z].units) {
          EXPECT_EQ(zone_of[u], -1) << "unit in two zones";
          zone_of[u] = static_cast<int>(z);
          EXPECT_FALSE(cover->covered(u, f));
          pop += in.graph->population(u);
        }
        EXPECT_EQ(pop, zones[z].population);
        if (z > 0) {
          EXPECT_GE(zones[z - 1].population, zones[z].population);
        }
        sum.communes += static_cast<std::int64_t>(zones[z].units.size());
        sum.population += pop;
      }
      EXPECT_EQ(sum, uncovered);  // covered + uncovered = total, and zones cover all uncovered
      // Maximal: no edge inside the area joins two different zones.
      std::set<CommuneIndex> in_area(units->begin(), units->end());
      for (CommuneIndex u : *units) {
        if (zone_of[u] < 0) continue;
        for (CommuneIndex v : in.graph->neighbours(u)) {
          if (in_area.contains(v) && zone_of[v] >= 0) {
            EXPECT_EQ(zone_of[u], zone_of[v]);
          }
        }
      }
    }
  }
}

TEST_P(Properties, TerritoryPiecesPartitionTheTerritory) {
  const Instance in = make(GetParam());
  const auto classes = default_size_classes();
  for (const Territory& t : in.territories) {
    auto f = territory_facts(*in.graph, t, classes);
    ASSERT_TRUE(f);
    auto units = territory_units(*in.graph, t.communes);
    ASSERT_TRUE(units);
    std::vector<CommuneIndex> all;
    std::int64_t pop = 0;
    for (const Piece& p : f->pieces) {
      EXPECT_TRUE(connected(*in.graph, p.units));
      all.insert(all.end(), p.units.begin(), p.units.end());
      pop += p.population;
    }
    std::sort(all.begin(), all.end());
    EXPECT_EQ(all, *units);
    EXPECT_EQ(pop, f->population);
    EXPECT_EQ(f->contiguous, f->pieces.size() == 1);
    EXPECT_EQ(f->size_class, size_class(classes, f->population).id);
  }
}

void expect_same_proposals(const std::vector<Proposal>& fast, const std::vector<Proposal>& naive,
                           const std::string& what) {
  ASSERT_EQ(fast.size(), naive.size()) << what;
  for (std::size_t i = 0; i < fast.size(); ++i) {
    EXPECT_EQ(fast[i].kind, naive[i].kind) << what << " #" << i;
    EXPECT_EQ(fast[i].units, naive[i].units) << what << " #" << i;
    EXPECT_EQ(fast[i].population, naive[i].population) << what << " #" << i;
    EXPECT_EQ(fast[i].zone, naive[i].zone) << what << " #" << i;
    EXPECT_EQ(fast[i].territory, naive[i].territory) << what << " #" << i;
    EXPECT_EQ(fast[i].territory_population_before, naive[i].territory_population_before) << what;
    EXPECT_EQ(fast[i].territory_population_after, naive[i].territory_population_after) << what;
  }
}

// The incremental cut gives exactly the proposals of the version that splits the rest of a piece
// from scratch after every group: France, every département, several minimums, with the
// instance's territories and with none (one white zone over the whole grid, cut into many
// groups, which is where the remainder is split the most).
TEST_P(Properties, ProposalsMatchTheFullPassVersion) {
  const Instance in = make(GetParam());
  const std::vector<Territory> none;
  std::size_t groups = 0;
  for (const auto* territories : {&in.territories, &none}) {
    auto cover = Cover::compute(*in.graph, *territories, kFilters);
    ASSERT_TRUE(cover);
    std::vector<Area> areas{{AreaKind::france, ""}};
    for (const auto& dep : in.ref().departements) areas.push_back({AreaKind::departement, dep.code});
    for (const Area& area : areas) {
      auto units = area_units(*in.graph, area);
      ASSERT_TRUE(units);
      for (std::int64_t min_pop : {2'000, 10'000, 40'000}) {
        for (std::optional<std::size_t> f :
             {std::optional<std::size_t>{}, std::optional<std::size_t>{0}}) {
          auto fast = propose(*cover, *units, {min_pop, f});
          auto naive = test::naive_propose(*cover, *units, {min_pop, f});
          ASSERT_TRUE(fast && naive);
          expect_same_proposals(*fast, *naive,
                                area.code + " min " + std::to_string(min_pop) +
                                    (territories == &none ? " no territory" : ""));
          for (const Proposal& p : *fast) groups += p.kind == ProposalKind::new_territory;
        }
      }
    }
  }
  EXPECT_GT(groups, 100u);
}

// A larger grid without any territory: a single white zone of 1 200 units cut into hundreds of
// groups, with towns (ties in population everywhere else).
TEST(ProposalsScale, LargeWhiteZoneMatchesTheFullPassVersion) {
  for (std::uint64_t seed : {3u, 8u}) {
    GridSpec gs;
    gs.rows = 30;
    gs.cols = 40;
    gs.dep_rows = 15;
    gs.dep_cols = 20;
    gs.region_deps = 2;
    gs.epci_size = 4;
    gs.diagonals = seed % 2 == 0;
    gs.seed = seed;
    const geo::Referentiel ref = test::make_grid(gs);
    auto g = UnitGraph::build(ref);
    ASSERT_TRUE(g);
    auto cover = Cover::compute(*g, {}, kFilters);
    ASSERT_TRUE(cover);
    auto units = area_units(*g, {AreaKind::france, ""});
    ASSERT_TRUE(units);
    for (std::int64_t min_pop : {3'000, 40'000}) {
      auto fast = propose(*cover, *units, {min_pop, std::nullopt});
      auto naive = test::naive_propose(*cover, *units, {min_pop, std::nullopt});
      ASSERT_TRUE(fast && naive);
      EXPECT_GT(fast->size(), 10u);
      expect_same_proposals(*fast, *naive, "grid " + std::to_string(seed) + " min " +
                                               std::to_string(min_pop));
    }
  }
}

TEST_P(Properties, ProposalsAreContiguousDisjointAndAvoidCoveredUnits) {
  const Instance in = make(GetParam());
  auto cover = Cover::compute(*in.graph, in.territories, kFilters);
  ASSERT_TRUE(cover);
  std::map<ProposalKind, int> kinds;
  for (const auto& dep : in.ref().departements) {
    auto units = area_units(*in.graph, {AreaKind::departement, dep.code});
    ASSERT_TRUE(units);
    for (std::int64_t min_pop : {3'000, 10'000, 40'000}) {
      for (std::optional<std::size_t> f :
           {std::optional<std::size_t>{}, std::optional<std::size_t>{0}}) {
        auto proposals = propose(*cover, *units, {min_pop, f});
        ASSERT_TRUE(proposals) << proposals.error().describe();
        std::vector<CommuneIndex> all;
        for (const Proposal& p : *proposals) {
          ASSERT_FALSE(p.units.empty());
          EXPECT_TRUE(connected(*in.graph, p.units));
          std::int64_t pop = 0;
          for (CommuneIndex u : p.units) {
            EXPECT_FALSE(cover->covered(u, f)) << "proposal touches a covered unit";
            pop += in.graph->population(u);
          }
          EXPECT_EQ(pop, p.population);
          std::set<CommuneIndex> around;
          for (CommuneIndex u : p.units) {
            for (CommuneIndex v : in.graph->neighbours(u)) around.insert(v);
          }
          ++kinds[p.kind];
          switch (p.kind) {
            case ProposalKind::new_territory:
              EXPECT_GE(p.population, min_pop);
              break;
            case ProposalKind::attach: {
              ASSERT_TRUE(p.territory);
              EXPECT_TRUE(cover->passes(*p.territory, f));
              EXPECT_LT(p.population, min_pop);
              bool touches = false;
              for (CommuneIndex v : cover->units_of(*p.territory))
                touches = touches || around.contains(v);
              EXPECT_TRUE(touches);
              EXPECT_EQ(p.territory_population_after, p.territory_population_before + p.population);
              break;
            }
            case ProposalKind::isolated:
              EXPECT_LT(p.population, min_pop);
              for (CommuneIndex v : around) {
                for (std::uint32_t t : cover->territories_of(v)) EXPECT_FALSE(cover->passes(t, f));
              }
              break;
          }
          all.insert(all.end(), p.units.begin(), p.units.end());
        }
        std::sort(all.begin(), all.end());
        EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "unit in two proposals";
        std::vector<CommuneIndex> uncovered;
        for (CommuneIndex u : *units) {
          if (!cover->covered(u, f)) uncovered.push_back(u);
        }
        EXPECT_EQ(all, uncovered);
      }
    }
  }
  // The instances exercise both ways of closing a white zone.
  EXPECT_GT(kinds[ProposalKind::new_territory], 0);
  EXPECT_GT(kinds[ProposalKind::attach], 0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, Properties, testing::Range<std::uint64_t>(1, 13));

}  // namespace
}  // namespace maillage::coverage
