// Hand-built and generated référentiels for the coverage tests and benchmark. Header-only so that
// bench/coverage can use the same generator as the tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "coverage/coverage.hpp"
#include "geo/referentiel.hpp"

namespace maillage::coverage::test {

// Builds a Referentiel from communes and edges; départements, régions and EPCI are derived from
// the communes' codes. Communes must be added sorted by code, arrondissements after them.
class RefBuilder {
 public:
  CommuneIndex commune(std::string code, std::string nom, std::string dep, std::string region,
                       std::string epci, std::int64_t pop, double lat, double lon) {
    geo::Commune c;
    c.code = std::move(code);
    c.nom = std::move(nom);
    c.departement = std::move(dep);
    c.region = std::move(region);
    c.epci = std::move(epci);
    c.population = pop;
    c.position = {lat, lon};
    ref_.communes.push_back(std::move(c));
    return static_cast<CommuneIndex>(ref_.communes.size() - 1);
  }
  CommuneIndex arrondissement(std::string code, std::string nom, const std::string& parent,
                              std::int64_t pop, double lat, double lon) {
    const geo::Commune* p = nullptr;
    for (const auto& c : ref_.communes) {
      if (c.code == parent) p = &c;
    }
    if (p == nullptr) throw std::logic_error("unknown parent " + parent);
    const std::string dep = p->departement, region = p->region;
    const CommuneIndex i = commune(std::move(code), std::move(nom), dep, region, "", pop, lat, lon);
    ref_.communes[i].arrondissement = true;
    ref_.communes[i].parent = parent;
    return i;
  }
  [[nodiscard]] const geo::Commune& get(CommuneIndex i) const { return ref_.communes[i]; }
  void edge(CommuneIndex a, CommuneIndex b) { edges_.emplace(std::min(a, b), std::max(a, b)); }

  geo::Referentiel build() {
    geo::Referentiel ref = ref_;
    const std::size_t n = ref.communes.size();
    std::vector<std::vector<CommuneIndex>> adj(n);
    for (auto [a, b] : edges_) {
      adj[a].push_back(b);
      adj[b].push_back(a);
    }
    ref.neighbour_offsets.assign(1, 0);
    for (auto& row : adj) {
      std::sort(row.begin(), row.end());
      ref.neighbour_list.insert(ref.neighbour_list.end(), row.begin(), row.end());
      ref.neighbour_offsets.push_back(static_cast<std::uint32_t>(ref.neighbour_list.size()));
    }
    std::map<std::string, std::size_t> dep_index, region_index, epci_index;
    for (std::size_t i = 0; i < n; ++i) {
      const geo::Commune& c = ref.communes[i];
      if (!region_index.contains(c.region)) {
        region_index[c.region] = ref.regions.size();
        ref.regions.push_back({c.region, "Région " + c.region, {}});
      }
      if (!dep_index.contains(c.departement)) {
        dep_index[c.departement] = ref.departements.size();
        ref.departements.push_back({c.departement, "Département " + c.departement, c.region, {}});
        ref.regions[region_index[c.region]].departements.push_back(c.departement);
      }
      if (c.arrondissement) continue;
      ref.departements[dep_index[c.departement]].communes.push_back(static_cast<CommuneIndex>(i));
      if (!c.epci.empty()) {
        if (!epci_index.contains(c.epci)) {
          epci_index[c.epci] = ref.epcis.size();
          ref.epcis.push_back({c.epci, "EPCI " + c.epci, "CC", 0, {}});
        }
        auto& e = ref.epcis[epci_index[c.epci]];
        e.members.push_back(static_cast<CommuneIndex>(i));
        e.population += c.population;
      }
    }
    ref.index();
    return ref;
  }

 private:
  geo::Referentiel ref_;
  std::set<std::pair<CommuneIndex, CommuneIndex>> edges_;
};

// Deterministic generator (splitmix64): the same numbers on every platform and library version.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t s_;
};

struct GridSpec {
  int rows = 10;
  int cols = 10;
  int dep_rows = 5;  // département blocks
  int dep_cols = 5;
  int region_deps = 2;    // départements per région row/column block
  int epci_size = 3;      // EPCI blocks
  bool diagonals = true;  // one diagonal per cell: six neighbours like a triangulation
  bool city = false;      // the commune at the centre becomes a city with 4 arrondissements
  std::uint64_t seed = 1;
};

// A rows × cols grid of communes at quarter-degree steps near the equator (exact binary
// coordinates), populations skewed like French communes (many villages, a few towns).
inline geo::Referentiel make_grid(const GridSpec& s) {
  Rng rng(s.seed);
  RefBuilder b;
  const int dbc = (s.cols + s.dep_cols - 1) / s.dep_cols;
  // Communes sorted by code: code = département (2 digits) + rank in the département (3 digits);
  // collect first, then add in code order.
  struct Cell {
    std::string code;
    int r, c;
    std::string dep, region, epci;
    std::int64_t pop;
  };
  std::vector<Cell> cells;
  std::map<int, int> rank_in_dep;
  for (int r = 0; r < s.rows; ++r) {
    for (int c = 0; c < s.cols; ++c) {
      const int d = (r / s.dep_rows) * dbc + c / s.dep_cols;
      const int reg = (r / s.dep_rows / s.region_deps) * 100 + (c / s.dep_cols / s.region_deps);
      const int e = (r / s.epci_size) * 1000 + c / s.epci_size;
      char code[16], dep[8], region[8], epci[16];
      std::snprintf(dep, sizeof dep, "%02d", d % 100);
      std::snprintf(code, sizeof code, "%s%03d", dep, rank_in_dep[d]++ % 1000);
      std::snprintf(region, sizeof region, "%02d", reg % 100);
      std::snprintf(epci, sizeof epci, "2%08d", e);
      const std::uint64_t h = rng.below(1000);
      std::int64_t pop = 50 + static_cast<std::int64_t>((h % 60) * (h % 60));
      if (h < 10) pop = 20'000 + static_cast<std::int64_t>(rng.below(80'000));  // 1 % towns
      cells.push_back({code, r, c, dep, region, epci, pop});
    }
  }
  std::vector<int> order(cells.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::sort(order.begin(), order.end(),
            [&](int x, int y) { return cells[x].code < cells[y].code; });
  std::vector<CommuneIndex> at(cells.size());
  for (int i : order) {
    const Cell& c = cells[i];
    at[i] = b.commune(c.code, "Commune " + c.code, c.dep, c.region, c.epci, c.pop, c.r * 0.25,
                      c.c * 0.25);
  }
  auto id = [&](int r, int c) { return at[static_cast<std::size_t>(r * s.cols + c)]; };
  for (int r = 0; r < s.rows; ++r) {
    for (int c = 0; c < s.cols; ++c) {
      if (c + 1 < s.cols) b.edge(id(r, c), id(r, c + 1));
      if (r + 1 < s.rows) b.edge(id(r, c), id(r + 1, c));
      if (s.diagonals && r + 1 < s.rows && c + 1 < s.cols) b.edge(id(r, c), id(r + 1, c + 1));
    }
  }
  if (s.city) {
    const CommuneIndex centre = id(s.rows / 2, s.cols / 2);
    const std::string parent = b.get(centre).code;
    const double lat = b.get(centre).position.lat, lon = b.get(centre).position.lon;
    for (int k = 1; k <= 4; ++k) {
      char code[16];
      std::snprintf(code, sizeof code, "ZZ%03d", k);
      b.arrondissement(code, "Arrondissement " + std::to_string(k), parent, 5'000 * k,
                       lat + 0.01 * k, lon);
    }
  }
  return b.build();
}

struct GrowSpec {
  std::size_t count = 10;
  std::int64_t min_target = 20'000;
  std::int64_t max_target = 150'000;
  double overlap = 0.03;  // chance to take a unit another territory already holds
  double scatter = 0.0;   // chance for a territory to get one far-away unit (a second piece)
  std::uint64_t seed = 7;
  std::vector<std::string> stages = {"aci_signe",       "actif",          "projet_valide",
                                     "aci_negociation", "lettre_validee", "pre_projet"};
};

// Territories grown by BFS from random free seeds until a random target population; most do not
// overlap, a few take units of their neighbours, some get a detached piece.
inline std::vector<Territory> grow_territories(const UnitGraph& g, const GrowSpec& s) {
  Rng rng(s.seed);
  const auto units = g.units();
  std::vector<std::uint32_t> owner(g.size(), kNone);
  // Seeds in a shuffled order (Fisher-Yates), skipping units already taken.
  std::vector<CommuneIndex> seeds(units.begin(), units.end());
  for (std::size_t i = seeds.size(); i > 1; --i) std::swap(seeds[i - 1], seeds[rng.below(i)]);
  std::size_t next_seed = 0;
  std::vector<Territory> out;
  for (std::size_t t = 0; t < s.count; ++t) {
    while (next_seed < seeds.size() && owner[seeds[next_seed]] != kNone) ++next_seed;
    if (next_seed == seeds.size()) break;  // the map is full
    const CommuneIndex seed = seeds[next_seed];
    const std::int64_t target =
        s.min_target + static_cast<std::int64_t>(
                           rng.below(static_cast<std::uint64_t>(s.max_target - s.min_target + 1)));
    Territory terr;
    terr.id = "t" + std::to_string(t);
    terr.name = "CPTS " + std::to_string(t);
    terr.stage = s.stages[rng.below(s.stages.size())];
    std::vector<CommuneIndex> queue{seed};
    std::vector<char> queued(g.size(), 0);
    queued[seed] = 1;
    std::int64_t pop = 0;
    for (std::size_t head = 0; head < queue.size() && pop < target; ++head) {
      const CommuneIndex u = queue[head];
      if (owner[u] == kNone) owner[u] = static_cast<std::uint32_t>(t);
      terr.communes.push_back(u);
      pop += g.population(u);
      for (CommuneIndex v : g.neighbours(u)) {
        if (queued[v]) continue;
        if (owner[v] == kNone || rng.unit() < s.overlap) {
          queued[v] = 1;
          queue.push_back(v);
        }
      }
    }
    if (rng.unit() < s.scatter) terr.communes.push_back(units[rng.below(units.size())]);
    out.push_back(std::move(terr));
  }
  return out;
}

}  // namespace maillage::coverage::test
