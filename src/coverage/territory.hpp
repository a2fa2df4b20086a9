// A CPTS territory is a set of communes. Derived facts: population, ACI size class, number of
// communes, contiguity (a territory in several pieces is flagged with its pieces) and outline.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "coverage/units.hpp"
#include "geo/referentiel.hpp"

namespace maillage::coverage {

struct Territory {
  std::string id;     // the structure's id
  std::string name;   // "CPTS du Saulnois"
  std::string stage;  // lifecycle state id ("aci_signe"), matched by StageFilter
  /// Commune indices as drawn: a city with arrondissements stands for all of them.
  std::vector<CommuneIndex> communes;
};

/// An ACI size class: population below `population_below` (exclusive; none for the last class).
struct SizeClass {
  std::string id;  // "T1"
  std::string label;
  std::optional<std::int64_t> population_below;
};
/// T1 < 40 000 ≤ T2 < 80 000 ≤ T3 < 175 000 ≤ T4 (domain.md §0). The treatment of a population
/// exactly on a boundary was not found in the sources: the bound belongs to the upper class,
/// as "T2 40 000–80 000" reads. Callers with other boundaries pass their own classes.
[[nodiscard]] std::vector<SizeClass> default_size_classes();
/// Checks that the bounds increase and that only the last class is open-ended.
[[nodiscard]] Status check_size_classes(std::span<const SizeClass> classes);
/// The class of a population; classes must pass check_size_classes.
[[nodiscard]] const SizeClass& size_class(std::span<const SizeClass> classes,
                                          std::int64_t population);

/// The units of a territory: out-of-range indices refused, cities expanded to their
/// arrondissements, duplicates removed, sorted.
[[nodiscard]] Result<std::vector<CommuneIndex>> territory_units(
    const UnitGraph& g, std::span<const CommuneIndex> communes);

struct Piece {
  std::vector<CommuneIndex> units;  // sorted
  std::int64_t population = 0;
};

struct TerritoryFacts {
  std::int64_t population = 0;
  std::size_t communes = 0;  // units (arrondissements count one each)
  std::string size_class;    // SizeClass::id
  bool contiguous = true;
  /// Connected pieces, largest population first (ties: smallest first unit); one when contiguous.
  std::vector<Piece> pieces;
};

[[nodiscard]] Result<TerritoryFacts> territory_facts(const UnitGraph& g, const Territory& t,
                                                     std::span<const SizeClass> classes);

/// Connected components of a set of units in the unit graph (the set need not be sorted),
/// largest population first.
[[nodiscard]] std::vector<Piece> components(const UnitGraph& g,
                                            std::span<const CommuneIndex> units);

/// The territory's outline (union of commune cells, geo::outline). An arrondissement has no
/// cell of its own: it contributes its city's cell, so a territory holding part of a city gets
/// the whole city's outline. Throws std::runtime_error if GEOS fails (geo::outline's contract).
[[nodiscard]] geo::MultiPolygon territory_outline(const UnitGraph& g,
                                                  std::span<const CommuneIndex> units);

}  // namespace maillage::coverage
