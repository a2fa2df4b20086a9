#include "coverage/units.hpp"

#include <algorithm>
#include <string>

namespace maillage::coverage {

namespace {

// CSR from per-row vectors.
void to_csr(const std::vector<std::vector<CommuneIndex>>& rows, std::vector<std::uint32_t>& offsets,
            std::vector<CommuneIndex>& list) {
  offsets.assign(rows.size() + 1, 0);
  std::size_t total = 0;
  for (const auto& r : rows) total += r.size();
  list.clear();
  list.reserve(total);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    list.insert(list.end(), rows[i].begin(), rows[i].end());
    offsets[i + 1] = static_cast<std::uint32_t>(list.size());
  }
}

}  // namespace

std::span<const CommuneIndex> UnitGraph::expand(CommuneIndex c) const {
  if (c >= size()) return {};
  return std::span<const CommuneIndex>(expand_list_)
      .subspan(expand_offsets_[c], expand_offsets_[c + 1] - expand_offsets_[c]);
}

std::span<const CommuneIndex> UnitGraph::neighbours(CommuneIndex u) const {
  if (u >= size()) return {};
  return std::span<const CommuneIndex>(list_).subspan(offsets_[u], offsets_[u + 1] - offsets_[u]);
}

Result<UnitGraph> UnitGraph::build(const geo::Referentiel& ref) {
  const std::size_t n = ref.communes.size();
  if (n >= kNone) return fail(ErrorCode::invalid_input, "référentiel trop grand");
  if (n > 0 && ref.commune(ref.communes.front().code) != &ref.communes.front()) {
    return fail(ErrorCode::internal,
                "le référentiel n'est pas indexé : Referentiel::index() doit être appelé avant le "
                "calcul de couverture");
  }
  if (!ref.neighbour_offsets.empty()) {
    if (ref.neighbour_offsets.size() != n + 1 ||
        ref.neighbour_offsets.back() != ref.neighbour_list.size()) {
      return fail(ErrorCode::invalid_input, "table d'adjacence du référentiel incohérente",
                  "neighbour_offsets");
    }
    for (CommuneIndex v : ref.neighbour_list) {
      if (v >= n) {
        return fail(ErrorCode::invalid_input,
                    "table d'adjacence du référentiel : indice de commune " + std::to_string(v) +
                        " hors limites",
                    "neighbour_list");
      }
    }
  }

  UnitGraph g;
  g.ref_ = &ref;
  std::vector<std::vector<CommuneIndex>> children(n);
  std::vector<CommuneIndex> parent(n, kNone);
  for (std::size_t i = 0; i < n; ++i) {
    const geo::Commune& c = ref.communes[i];
    if (!c.arrondissement) continue;
    const geo::Commune* p = ref.commune(c.parent);
    if (p == nullptr || p->arrondissement) {
      return fail(ErrorCode::invalid_input,
                  "arrondissement " + c.code + " : commune parente « " + c.parent + " » inconnue",
                  "communes[" + std::to_string(i) + "].parent");
    }
    parent[i] = ref.index_of(*p);
    children[parent[i]].push_back(static_cast<CommuneIndex>(i));
  }

  g.is_unit_.assign(n, 0);
  std::vector<std::vector<CommuneIndex>> expand(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (children[i].empty()) {
      g.is_unit_[i] = 1;
      g.units_.push_back(static_cast<CommuneIndex>(i));
      expand[i] = {static_cast<CommuneIndex>(i)};
    } else {
      expand[i] = children[i];  // already sorted: communes are scanned in index order
    }
  }
  to_csr(expand, g.expand_offsets_, g.expand_list_);

  std::vector<std::vector<CommuneIndex>> adj(n);
  for (CommuneIndex u : g.units_) {
    auto& row = adj[u];
    const CommuneIndex base = parent[u] != kNone ? parent[u] : u;
    for (CommuneIndex v : ref.neighbours(base)) {
      for (CommuneIndex w : g.expand(v)) row.push_back(w);
    }
    if (parent[u] != kNone) {
      for (CommuneIndex s : children[parent[u]]) row.push_back(s);
    }
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    row.erase(std::remove(row.begin(), row.end(), u), row.end());
  }
  to_csr(adj, g.offsets_, g.list_);

  // Areas from their member lists (the référentiel's authority), falling back on the commune's own
  // codes for communes a list forgets.
  g.departement_.assign(n, kNone);
  g.region_.assign(n, kNone);
  g.epci_.assign(n, kNone);
  std::vector<std::uint32_t> region_of_dep(ref.departements.size(), kNone);
  for (std::size_t d = 0; d < ref.departements.size(); ++d) {
    const geo::Departement& dep = ref.departements[d];
    if (const geo::Region* r = ref.region(dep.region)) {
      region_of_dep[d] = static_cast<std::uint32_t>(r - ref.regions.data());
    }
    for (CommuneIndex c : dep.communes) {
      for (CommuneIndex u : g.expand(c)) g.departement_[u] = static_cast<std::uint32_t>(d);
    }
  }
  for (std::size_t e = 0; e < ref.epcis.size(); ++e) {
    for (CommuneIndex c : ref.epcis[e].members) {
      for (CommuneIndex u : g.expand(c)) g.epci_[u] = static_cast<std::uint32_t>(e);
    }
  }
  for (CommuneIndex u : g.units_) {
    // An arrondissement takes its city's areas when its own codes are not set.
    const geo::Commune& c = ref.communes[u];
    const geo::Commune& home = parent[u] != kNone ? ref.communes[parent[u]] : c;
    if (g.departement_[u] == kNone) {
      const geo::Departement* d =
          ref.departement(c.departement.empty() ? home.departement : c.departement);
      if (d != nullptr) g.departement_[u] = static_cast<std::uint32_t>(d - ref.departements.data());
    }
    if (g.departement_[u] != kNone) g.region_[u] = region_of_dep[g.departement_[u]];
    if (g.region_[u] == kNone) {
      const geo::Region* r = ref.region(c.region.empty() ? home.region : c.region);
      if (r != nullptr) g.region_[u] = static_cast<std::uint32_t>(r - ref.regions.data());
    }
    if (g.epci_[u] == kNone) {
      const geo::Epci* e = ref.epci(c.epci.empty() ? home.epci : c.epci);
      if (e != nullptr) g.epci_[u] = static_cast<std::uint32_t>(e - ref.epcis.data());
    }
  }
  return g;
}

}  // namespace maillage::coverage
