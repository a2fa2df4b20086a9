// The proposals as first written (src/coverage/proposals.cpp before the incremental cut): after
// each group is grown, the rest of its piece is stamped, listed and split into connected pieces
// again from scratch, so cutting a white zone of N units into G groups costs about G × N log N
// (France with no territory: some 1 700 groups over 35 000 units). The tests check the engine
// gives exactly the same proposals; the benchmark measures the engine against it.
#pragma once

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <queue>
#include <span>
#include <tuple>
#include <vector>

#include "coverage/proposals.hpp"

namespace maillage::coverage::test {

// Squared equirectangular distance in degrees of latitude (as in proposals.cpp).
inline double naive_distance2(const geo::LatLon& a, const geo::LatLon& b) {
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double x = (b.lon - a.lon) * std::cos((a.lat + b.lat) * 0.5 * kRad);
  const double y = b.lat - a.lat;
  return x * x + y * y;
}

struct NaiveGroup {
  std::vector<CommuneIndex> units;
  std::int64_t population = 0;
  std::size_t zone = 0;
};

inline Result<std::vector<Proposal>> naive_propose(const Cover& cover,
                                                   std::span<const CommuneIndex> units,
                                                   const ProposalSettings& settings) {
  if (settings.min_population <= 0) {
    return fail(ErrorCode::invalid_input, "la population minimale doit être positive",
                "min_population");
  }
  if (settings.filter && *settings.filter >= cover.filter_count()) {
    return fail(ErrorCode::invalid_input, "filtre d'étape inconnu", "filter");
  }
  const UnitGraph& g = cover.graph();
  const auto& communes = g.ref().communes;
  const std::int64_t min_pop = settings.min_population;
  const std::vector<Piece> zones = white_zones(cover, units, settings.filter);

  std::vector<std::uint32_t> group_of(g.size(), kNone);
  // stamp[u] == current piece id marks the units of the piece being cut.
  std::vector<std::uint32_t> stamp(g.size(), kNone);
  std::uint32_t piece_id = 0;
  std::vector<NaiveGroup> groups;
  std::vector<std::size_t> small_zones;

  for (std::size_t z = 0; z < zones.size(); ++z) {
    if (zones[z].population < min_pop) {
      small_zones.push_back(z);
      continue;
    }
    const std::size_t first_group = groups.size();
    std::deque<Piece> todo{zones[z]};
    std::vector<Piece> set_aside;
    while (!todo.empty()) {
      Piece piece = std::move(todo.front());
      todo.pop_front();
      if (piece.population < min_pop) {
        set_aside.push_back(std::move(piece));
        continue;
      }
      const std::uint32_t id = piece_id++;
      CommuneIndex seed = piece.units.front();
      for (CommuneIndex u : piece.units) {
        stamp[u] = id;
        if (g.population(u) > g.population(seed))
          seed = u;  // units are sorted: ties keep the smallest
      }
      const auto gid = static_cast<std::uint32_t>(groups.size());
      NaiveGroup group;
      group.zone = z;
      using Item = std::tuple<double, CommuneIndex>;
      std::priority_queue<Item, std::vector<Item>, std::greater<>> frontier;
      frontier.emplace(0.0, seed);
      while (group.population < min_pop && !frontier.empty()) {
        const CommuneIndex u = std::get<1>(frontier.top());
        frontier.pop();
        if (group_of[u] != kNone) continue;  // queued twice
        group_of[u] = gid;
        group.units.push_back(u);
        group.population += g.population(u);
        for (CommuneIndex v : g.neighbours(u)) {
          if (stamp[v] == id && group_of[v] == kNone) {
            frontier.emplace(naive_distance2(communes[seed].position, communes[v].position), v);
          }
        }
      }
      std::vector<CommuneIndex> rest;
      for (CommuneIndex u : piece.units) {
        if (group_of[u] == kNone) rest.push_back(u);
      }
      groups.push_back(std::move(group));
      for (Piece& p : components(g, rest)) todo.push_back(std::move(p));
    }
    // Merge the pieces set aside, largest first, into the smallest adjacent group of this zone.
    std::stable_sort(set_aside.begin(), set_aside.end(),
                     [](const Piece& a, const Piece& b) { return a.population > b.population; });
    for (const Piece& p : set_aside) {
      std::uint32_t best = kNone;
      for (CommuneIndex u : p.units) {
        for (CommuneIndex v : g.neighbours(u)) {
          const std::uint32_t gid = group_of[v];
          if (gid == kNone || gid < first_group) continue;
          if (best == kNone || groups[gid].population < groups[best].population ||
              (groups[gid].population == groups[best].population && gid < best)) {
            best = gid;
          }
        }
      }
      if (best == kNone) {
        // A piece of a connected zone always touches a group cut from it: a bug otherwise.
        return fail(ErrorCode::internal, "découpage d'une zone blanche incohérent");
      }
      for (CommuneIndex u : p.units) group_of[u] = best;
      groups[best].units.insert(groups[best].units.end(), p.units.begin(), p.units.end());
      groups[best].population += p.population;
    }
  }

  std::vector<Proposal> out;
  for (NaiveGroup& gr : groups) {
    Proposal p;
    p.kind = ProposalKind::new_territory;
    std::sort(gr.units.begin(), gr.units.end());
    p.units = std::move(gr.units);
    p.population = gr.population;
    p.zone = gr.zone;
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(), [](const Proposal& a, const Proposal& b) {
    return a.population > b.population;
  });

  // Small zones, largest first (zones are already sorted that way), to the smallest adjacent
  // territory counting earlier attachments.
  std::map<std::uint32_t, std::int64_t> attached;
  for (std::size_t z : small_zones) {
    const Piece& zone = zones[z];
    std::uint32_t best = kNone;
    std::int64_t best_pop = 0;
    for (CommuneIndex u : zone.units) {
      for (CommuneIndex v : g.neighbours(u)) {
        for (std::uint32_t t : cover.territories_of(v)) {
          if (!cover.passes(t, settings.filter)) continue;
          const std::int64_t pop = cover.territory_population(t) + attached[t];
          if (best == kNone || pop < best_pop || (pop == best_pop && t < best)) {
            best = t;
            best_pop = pop;
          }
        }
      }
    }
    Proposal p;
    p.units = zone.units;
    p.population = zone.population;
    p.zone = z;
    if (best == kNone) {
      p.kind = ProposalKind::isolated;
    } else {
      p.kind = ProposalKind::attach;
      p.territory = best;
      p.territory_population_before = best_pop;
      p.territory_population_after = best_pop + zone.population;
      attached[best] += zone.population;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace maillage::coverage::test
