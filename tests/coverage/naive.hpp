// The straightforward implementation of national coverage, written the way one would first write
// it: an index from INSEE code to the territories listing it, every area row computed by scanning
// the communes for those of the area (by code) and looking each one up, white zones by a BFS over
// sets of codes. The tests use it as an oracle for the engine on random instances; the benchmark
// measures the engine against it.
#pragma once

#include <algorithm>
#include <map>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "coverage/coverage.hpp"

namespace maillage::coverage::test {

struct NaiveRow {
  std::string code;
  Count total, covered, overlapping;
  std::vector<Count> by_filter;
};

struct NaiveNational {
  NaiveRow france;
  std::vector<NaiveRow> regions, departements;
  std::vector<std::vector<CommuneIndex>> white_zones;  // each sorted; zones in canonical order
  std::map<std::pair<std::uint32_t, std::uint32_t>, Count> overlap_pairs;
};

inline NaiveNational naive_national(const geo::Referentiel& ref,
                                    std::span<const Territory> territories,
                                    std::span<const StageFilter> filters) {
  std::map<std::string, std::vector<std::string>> children;
  for (const auto& c : ref.communes) {
    if (c.arrondissement) children[c.parent].push_back(c.code);
  }
  // code → territories listing it (once per territory).
  std::unordered_map<std::string, std::vector<std::size_t>> covering;
  for (std::size_t t = 0; t < territories.size(); ++t) {
    std::set<std::string> codes;
    for (CommuneIndex i : territories[t].communes) {
      const std::string& code = ref.communes[i].code;
      const auto it = children.find(code);
      if (it == children.end()) {
        codes.insert(code);
      } else {
        codes.insert(it->second.begin(), it->second.end());
      }
    }
    for (const std::string& code : codes) covering[code].push_back(t);
  }
  auto territories_of = [&](const std::string& code) {
    const auto it = covering.find(code);
    return it == covering.end() ? std::vector<std::size_t>{} : it->second;
  };
  auto passes = [&](std::size_t t, std::size_t f) {
    const auto& st = filters[f].stages;
    return st.empty() || std::find(st.begin(), st.end(), territories[t].stage) != st.end();
  };
  std::vector<CommuneIndex> units;
  for (std::size_t i = 0; i < ref.communes.size(); ++i) {
    if (!children.contains(ref.communes[i].code)) units.push_back(static_cast<CommuneIndex>(i));
  }

  auto row_of = [&](const std::string& code, auto in_area) {
    NaiveRow row;
    row.code = code;
    row.by_filter.resize(filters.size());
    for (CommuneIndex u : units) {
      const geo::Commune& c = ref.communes[u];
      if (!in_area(c)) continue;
      row.total.communes++;
      row.total.population += c.population;
      const std::vector<std::size_t> ts = territories_of(c.code);
      const std::size_t n = ts.size();
      std::vector<bool> in_filter(filters.size(), false);
      for (std::size_t t : ts) {
        for (std::size_t f = 0; f < filters.size(); ++f) {
          if (passes(t, f)) in_filter[f] = true;
        }
      }
      if (n >= 1) {
        row.covered.communes++;
        row.covered.population += c.population;
      }
      if (n >= 2) {
        row.overlapping.communes++;
        row.overlapping.population += c.population;
      }
      for (std::size_t f = 0; f < filters.size(); ++f) {
        if (in_filter[f]) {
          row.by_filter[f].communes++;
          row.by_filter[f].population += c.population;
        }
      }
    }
    return row;
  };

  NaiveNational out;
  out.france = row_of("", [](const geo::Commune&) { return true; });
  for (const auto& r : ref.regions) {
    out.regions.push_back(
        row_of(r.code, [&](const geo::Commune& c) { return c.region == r.code; }));
  }
  for (const auto& d : ref.departements) {
    out.departements.push_back(
        row_of(d.code, [&](const geo::Commune& c) { return c.departement == d.code; }));
  }

  // Uncovered units and their components, by code.
  std::set<std::string> uncovered;
  for (CommuneIndex u : units) {
    const std::string& code = ref.communes[u].code;
    if (territories_of(code).empty()) uncovered.insert(code);
  }
  auto neighbour_codes = [&](const std::string& code) {
    std::vector<std::string> out_codes;
    const geo::Commune* c = ref.commune(code);
    const geo::Commune* base = c->arrondissement ? ref.commune(c->parent) : c;
    for (CommuneIndex v : ref.neighbours(ref.index_of(*base))) {
      const std::string& vc = ref.communes[v].code;
      const auto it = children.find(vc);
      if (it == children.end()) {
        out_codes.push_back(vc);
      } else {
        out_codes.insert(out_codes.end(), it->second.begin(), it->second.end());
      }
    }
    if (c->arrondissement) {
      for (const auto& s : children[c->parent]) {
        if (s != code) out_codes.push_back(s);
      }
    }
    return out_codes;
  };
  std::set<std::string> visited;
  for (const std::string& start : uncovered) {
    if (visited.contains(start)) continue;
    std::vector<std::string> queue{start};
    visited.insert(start);
    std::vector<CommuneIndex> zone;
    for (std::size_t h = 0; h < queue.size(); ++h) {
      zone.push_back(ref.index_of(*ref.commune(queue[h])));
      for (const std::string& v : neighbour_codes(queue[h])) {
        if (uncovered.contains(v) && !visited.contains(v)) {
          visited.insert(v);
          queue.push_back(v);
        }
      }
    }
    std::sort(zone.begin(), zone.end());
    out.white_zones.push_back(std::move(zone));
  }
  std::sort(out.white_zones.begin(), out.white_zones.end());

  for (CommuneIndex u : units) {
    const std::string& code = ref.communes[u].code;
    const std::vector<std::size_t> ts = territories_of(code);
    for (std::size_t i = 0; i < ts.size(); ++i) {
      for (std::size_t j = i + 1; j < ts.size(); ++j) {
        Count& c = out.overlap_pairs[{static_cast<std::uint32_t>(ts[i]),
                                      static_cast<std::uint32_t>(ts[j])}];
        c.communes++;
        c.population += ref.communes[u].population;
      }
    }
  }
  return out;
}

}  // namespace maillage::coverage::test
