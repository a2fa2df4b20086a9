#include "coverage/territory.hpp"

#include <algorithm>
#include <string>

namespace maillage::coverage {

std::vector<SizeClass> default_size_classes() {
  return {{"T1", "Taille 1 (moins de 40 000 habitants)", 40'000},
          {"T2", "Taille 2 (40 000 à 80 000 habitants)", 80'000},
          {"T3", "Taille 3 (80 000 à 175 000 habitants)", 175'000},
          {"T4", "Taille 4 (plus de 175 000 habitants)", std::nullopt}};
}

Status check_size_classes(std::span<const SizeClass> classes) {
  if (classes.empty())
    return fail(ErrorCode::invalid_input, "aucune classe de taille", "size_classes");
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < classes.size(); ++i) {
    const SizeClass& c = classes[i];
    const std::string field = "size_classes[" + std::to_string(i) + "]";
    const bool last = i + 1 == classes.size();
    if (last != !c.population_below.has_value()) {
      return fail(ErrorCode::invalid_input,
                  "seule la dernière classe de taille est sans borne supérieure", field);
    }
    if (c.population_below) {
      if (*c.population_below <= previous) {
        return fail(ErrorCode::invalid_input, "les bornes des classes de taille doivent croître",
                    field);
      }
      previous = *c.population_below;
    }
  }
  return {};
}

const SizeClass& size_class(std::span<const SizeClass> classes, std::int64_t population) {
  for (const SizeClass& c : classes) {
    if (!c.population_below || population < *c.population_below) return c;
  }
  return classes.back();
}

Result<std::vector<CommuneIndex>> territory_units(const UnitGraph& g,
                                                  std::span<const CommuneIndex> communes) {
  std::vector<CommuneIndex> out;
  out.reserve(communes.size());
  for (std::size_t i = 0; i < communes.size(); ++i) {
    if (communes[i] >= g.size()) {
      return fail(ErrorCode::invalid_input,
                  "indice de commune " + std::to_string(communes[i]) + " hors du référentiel",
                  "communes[" + std::to_string(i) + "]");
    }
    for (CommuneIndex u : g.expand(communes[i])) out.push_back(u);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<Piece> components(const UnitGraph& g, std::span<const CommuneIndex> units) {
  // Membership by binary search in the sorted set: no array the size of France per call.
  std::vector<CommuneIndex> set(units.begin(), units.end());
  std::sort(set.begin(), set.end());
  set.erase(std::unique(set.begin(), set.end()), set.end());
  auto position = [&](CommuneIndex u) -> std::size_t {
    const auto it = std::lower_bound(set.begin(), set.end(), u);
    return it != set.end() && *it == u ? static_cast<std::size_t>(it - set.begin()) : set.size();
  };
  std::vector<char> seen(set.size(), 0);
  std::vector<Piece> out;
  std::vector<CommuneIndex> queue;
  for (std::size_t start = 0; start < set.size(); ++start) {
    if (seen[start]) continue;
    Piece piece;
    queue.assign(1, set[start]);
    seen[start] = 1;
    for (std::size_t head = 0; head < queue.size(); ++head) {
      const CommuneIndex u = queue[head];
      piece.units.push_back(u);
      piece.population += g.population(u);
      for (CommuneIndex v : g.neighbours(u)) {
        const std::size_t p = position(v);
        if (p < set.size() && !seen[p]) {
          seen[p] = 1;
          queue.push_back(v);
        }
      }
    }
    std::sort(piece.units.begin(), piece.units.end());
    out.push_back(std::move(piece));
  }
  std::stable_sort(out.begin(), out.end(), [](const Piece& a, const Piece& b) {
    return a.population > b.population;  // pieces were found in order of their first unit
  });
  return out;
}

Result<TerritoryFacts> territory_facts(const UnitGraph& g, const Territory& t,
                                       std::span<const SizeClass> classes) {
  if (auto ok = check_size_classes(classes); !ok) return tl::unexpected(ok.error());
  auto units = territory_units(g, t.communes);
  if (!units) return tl::unexpected(units.error());
  TerritoryFacts f;
  f.communes = units->size();
  for (CommuneIndex u : *units) f.population += g.population(u);
  f.size_class = size_class(classes, f.population).id;
  f.pieces = components(g, *units);
  f.contiguous = f.pieces.size() <= 1;
  return f;
}

geo::MultiPolygon territory_outline(const UnitGraph& g, std::span<const CommuneIndex> units) {
  const geo::Referentiel& ref = g.ref();
  std::vector<CommuneIndex> cells;
  cells.reserve(units.size());
  for (CommuneIndex u : units) {
    if (u >= ref.communes.size()) continue;
    const geo::Commune& c = ref.communes[u];
    if (c.arrondissement) {
      if (const geo::Commune* city = ref.commune(c.parent)) cells.push_back(ref.index_of(*city));
    } else {
      cells.push_back(u);
    }
  }
  std::sort(cells.begin(), cells.end());
  cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
  return geo::outline(ref, cells);
}

}  // namespace maillage::coverage
