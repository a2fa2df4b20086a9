#include "coverage/coverage.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace maillage::coverage {

Result<Cover> Cover::compute(const UnitGraph& g, std::span<const Territory> territories,
                             std::span<const StageFilter> filters) {
  if (filters.size() > kMaxFilters) {
    return fail(ErrorCode::invalid_input,
                "au plus " + std::to_string(kMaxFilters) + " filtres d'étape par calcul",
                "filters");
  }
  if (territories.size() >= kNone) return fail(ErrorCode::invalid_input, "trop de territoires");
  Cover c;
  c.g_ = &g;
  c.filter_count_ = filters.size();
  const std::size_t n = g.size();
  c.territory_mask_.resize(territories.size());
  c.territory_population_.resize(territories.size());
  c.unit_offsets_.assign(1, 0);
  std::vector<std::uint32_t> counts(n + 1, 0);
  for (std::size_t t = 0; t < territories.size(); ++t) {
    const Territory& terr = territories[t];
    auto units = territory_units(g, terr.communes);
    if (!units) {
      Error e = units.error();
      e.message = "territoire « " + terr.name + " » (" + terr.id + ") : " + e.message;
      e.field = "territories[" + std::to_string(t) + "]." + e.field;
      return tl::unexpected(std::move(e));
    }
    std::uint32_t m = 0;
    for (std::size_t f = 0; f < filters.size(); ++f) {
      const auto& st = filters[f].stages;
      if (st.empty() || std::find(st.begin(), st.end(), terr.stage) != st.end()) m |= 1U << f;
    }
    c.territory_mask_[t] = m;
    std::int64_t pop = 0;
    for (CommuneIndex u : *units) {
      pop += g.population(u);
      ++counts[u];
    }
    c.territory_population_[t] = pop;
    c.unit_list_.insert(c.unit_list_.end(), units->begin(), units->end());
    c.unit_offsets_.push_back(static_cast<std::uint32_t>(c.unit_list_.size()));
  }
  // Unit → territories by counting sort: territories are visited in order, so each list is
  // increasing.
  c.offsets_.assign(n + 1, 0);
  for (std::size_t u = 0; u < n; ++u) c.offsets_[u + 1] = c.offsets_[u] + counts[u];
  c.list_.resize(c.offsets_[n]);
  std::vector<std::uint32_t> fill(c.offsets_.begin(), c.offsets_.end() - 1);
  c.mask_.assign(n, 0);
  for (std::uint32_t t = 0; t < territories.size(); ++t) {
    for (CommuneIndex u : c.units_of(t)) {
      c.list_[fill[u]++] = t;
      c.mask_[u] |= c.territory_mask_[t];
    }
  }
  return c;
}

std::span<const std::uint32_t> Cover::territories_of(CommuneIndex u) const {
  return std::span<const std::uint32_t>(list_).subspan(offsets_[u], count(u));
}

std::span<const CommuneIndex> Cover::units_of(std::uint32_t t) const {
  return std::span<const CommuneIndex>(unit_list_)
      .subspan(unit_offsets_[t], unit_offsets_[t + 1] - unit_offsets_[t]);
}

namespace {

std::uint32_t area_of(const UnitGraph& g, AreaKind kind, CommuneIndex u) {
  switch (kind) {
    case AreaKind::france:
      return 0;
    case AreaKind::region:
      return g.region_of(u);
    case AreaKind::departement:
      return g.departement_of(u);
    case AreaKind::epci:
      return g.epci_of(u);
  }
  return kNone;
}

// Index of the area in the référentiel's vector, or kNone.
std::uint32_t find_area(const UnitGraph& g, const Area& area) {
  const geo::Referentiel& ref = g.ref();
  switch (area.kind) {
    case AreaKind::france:
      return 0;
    case AreaKind::region: {
      const geo::Region* r = ref.region(area.code);
      return r ? static_cast<std::uint32_t>(r - ref.regions.data()) : kNone;
    }
    case AreaKind::departement: {
      const geo::Departement* d = ref.departement(area.code);
      return d ? static_cast<std::uint32_t>(d - ref.departements.data()) : kNone;
    }
    case AreaKind::epci: {
      const geo::Epci* e = ref.epci(area.code);
      return e ? static_cast<std::uint32_t>(e - ref.epcis.data()) : kNone;
    }
  }
  return kNone;
}

void add(AreaCoverage& row, const Cover& cover, CommuneIndex u) {
  const std::int64_t pop = cover.graph().population(u);
  row.total.communes += 1;
  row.total.population += pop;
  const std::uint32_t n = cover.count(u);
  if (n == 0) return;
  row.covered.communes += 1;
  row.covered.population += pop;
  if (n >= 2) {
    row.overlapping.communes += 1;
    row.overlapping.population += pop;
  }
  for (std::uint32_t m = cover.mask(u); m != 0; m &= m - 1) {
    Count& c = row.by_filter[static_cast<std::size_t>(__builtin_ctz(m))];
    c.communes += 1;
    c.population += pop;
  }
}

}  // namespace

Result<std::vector<CommuneIndex>> area_units(const UnitGraph& g, const Area& area) {
  const std::uint32_t a = find_area(g, area);
  if (a == kNone) {
    static constexpr const char* kKinds[] = {"France", "région", "département", "EPCI"};
    return fail(ErrorCode::not_found,
                std::string(kKinds[static_cast<int>(area.kind)]) + " « " + area.code + " » inconnu",
                "area");
  }
  std::vector<CommuneIndex> out;
  for (CommuneIndex u : g.units()) {
    if (area_of(g, area.kind, u) == a) out.push_back(u);
  }
  return out;
}

std::string area_name(const UnitGraph& g, const Area& area) {
  const geo::Referentiel& ref = g.ref();
  switch (area.kind) {
    case AreaKind::france:
      return "France";
    case AreaKind::region:
      if (const geo::Region* r = ref.region(area.code)) return r->nom;
      break;
    case AreaKind::departement:
      if (const geo::Departement* d = ref.departement(area.code))
        return d->nom + " (" + d->code + ")";
      break;
    case AreaKind::epci:
      if (const geo::Epci* e = ref.epci(area.code)) return e->nom;
      break;
  }
  return area.code;
}

AreaCoverage summarize(const Cover& cover, std::span<const CommuneIndex> units) {
  AreaCoverage row;
  row.by_filter.resize(cover.filter_count());
  for (CommuneIndex u : units) {
    if (cover.graph().is_unit(u)) add(row, cover, u);
  }
  return row;
}

std::vector<AreaCoverage> summarize_all(const Cover& cover, AreaKind kind) {
  const UnitGraph& g = cover.graph();
  const geo::Referentiel& ref = g.ref();
  std::vector<AreaCoverage> rows;
  switch (kind) {
    case AreaKind::france:
      rows.resize(1);
      break;
    case AreaKind::region:
      rows.resize(ref.regions.size());
      break;
    case AreaKind::departement:
      rows.resize(ref.departements.size());
      break;
    case AreaKind::epci:
      rows.resize(ref.epcis.size());
      break;
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    AreaCoverage& r = rows[i];
    r.by_filter.resize(cover.filter_count());
    r.area.kind = kind;
    switch (kind) {
      case AreaKind::france:
        break;
      case AreaKind::region:
        r.area.code = ref.regions[i].code;
        break;
      case AreaKind::departement:
        r.area.code = ref.departements[i].code;
        break;
      case AreaKind::epci:
        r.area.code = ref.epcis[i].code;
        break;
    }
    r.name = area_name(g, r.area);
  }
  for (CommuneIndex u : g.units()) {
    const std::uint32_t a = area_of(g, kind, u);
    if (a < rows.size()) add(rows[a], cover, u);
  }
  return rows;
}

Overlaps overlaps(const Cover& cover, std::span<const CommuneIndex> units,
                  std::optional<std::size_t> filter) {
  Overlaps out;
  std::map<std::pair<std::uint32_t, std::uint32_t>, OverlapPair> pairs;
  std::vector<std::uint32_t> ts;
  for (CommuneIndex u : units) {
    if (!cover.graph().is_unit(u) || cover.count(u) < 2) continue;
    ts.clear();
    for (std::uint32_t t : cover.territories_of(u)) {
      if (cover.passes(t, filter)) ts.push_back(t);
    }
    if (ts.size() < 2) continue;
    const std::int64_t pop = cover.graph().population(u);
    out.units.push_back(u);
    out.population += pop;
    for (std::size_t i = 0; i < ts.size(); ++i) {
      for (std::size_t j = i + 1; j < ts.size(); ++j) {
        OverlapPair& p = pairs[{ts[i], ts[j]}];
        p.a = ts[i];
        p.b = ts[j];
        p.units.push_back(u);
        p.population += pop;
      }
    }
  }
  std::sort(out.units.begin(), out.units.end());
  for (auto& [key, p] : pairs) {
    std::sort(p.units.begin(), p.units.end());
    out.pairs.push_back(std::move(p));
  }
  std::stable_sort(out.pairs.begin(), out.pairs.end(),
                   [](const OverlapPair& x, const OverlapPair& y) {
                     return x.population > y.population;  // the map already ordered them by (a, b)
                   });
  return out;
}

std::vector<Piece> white_zones(const Cover& cover, std::span<const CommuneIndex> units,
                               std::optional<std::size_t> filter) {
  std::vector<CommuneIndex> uncovered;
  for (CommuneIndex u : units) {
    if (cover.graph().is_unit(u) && !cover.covered(u, filter)) uncovered.push_back(u);
  }
  return components(cover.graph(), uncovered);
}

Result<NationalCoverage> national_coverage(const UnitGraph& g,
                                           std::span<const Territory> territories,
                                           std::span<const StageFilter> filters,
                                           std::optional<std::size_t> white_zone_filter) {
  if (white_zone_filter && *white_zone_filter >= filters.size()) {
    return fail(ErrorCode::invalid_input, "filtre des zones blanches inconnu", "white_zone_filter");
  }
  auto cover = Cover::compute(g, territories, filters);
  if (!cover) return tl::unexpected(cover.error());
  NationalCoverage out;
  out.france = std::move(summarize_all(*cover, AreaKind::france).front());
  out.regions = summarize_all(*cover, AreaKind::region);
  out.departements = summarize_all(*cover, AreaKind::departement);
  out.white_zones = white_zones(*cover, g.units(), white_zone_filter);
  out.overlaps = overlaps(*cover, g.units());
  return out;
}

}  // namespace maillage::coverage
