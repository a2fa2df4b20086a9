// The coverage units of a référentiel and their adjacency. A unit is a commune, except in Paris,
// Lyon and Marseille where the units are the municipal arrondissements (CPTS there are drawn by
// arrondissement). Built once per référentiel; every coverage computation reads it.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "common/error.hpp"
#include "geo/referentiel.hpp"

namespace maillage::coverage {

using geo::CommuneIndex;

inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

class UnitGraph {
 public:
  /// Checks the référentiel (index() called, arrondissements with a known parent, adjacency in
  /// range) and builds the unit adjacency. `ref` must outlive the graph.
  ///
  /// Adjacency: two ordinary communes are neighbours as in the référentiel. The référentiel gives
  /// arrondissements no neighbours, so here every arrondissement is adjacent to the other
  /// arrondissements of its city and to every neighbour of its city: an approximation (the 1st
  /// arrondissement of Paris is not on the ring road) that keeps a city's arrondissements
  /// connected to each other and to the suburbs.
  [[nodiscard]] static Result<UnitGraph> build(const geo::Referentiel& ref);

  [[nodiscard]] const geo::Referentiel& ref() const { return *ref_; }
  [[nodiscard]] std::size_t size() const { return ref_->communes.size(); }
  /// Every unit, by index.
  [[nodiscard]] std::span<const CommuneIndex> units() const { return units_; }
  [[nodiscard]] bool is_unit(CommuneIndex c) const { return c < is_unit_.size() && is_unit_[c]; }
  /// The units a commune stands for: its arrondissements for Paris, Lyon and Marseille, itself
  /// otherwise (empty for an out-of-range index).
  [[nodiscard]] std::span<const CommuneIndex> expand(CommuneIndex c) const;
  [[nodiscard]] std::span<const CommuneIndex> neighbours(CommuneIndex u) const;
  [[nodiscard]] std::int64_t population(CommuneIndex u) const {
    return ref_->communes[u].population;
  }

  /// Index in ref().departements / regions / epcis of the area a unit belongs to, kNone if none.
  [[nodiscard]] std::uint32_t departement_of(CommuneIndex u) const { return departement_[u]; }
  [[nodiscard]] std::uint32_t region_of(CommuneIndex u) const { return region_[u]; }
  [[nodiscard]] std::uint32_t epci_of(CommuneIndex u) const { return epci_[u]; }

 private:
  const geo::Referentiel* ref_ = nullptr;
  std::vector<CommuneIndex> units_;
  std::vector<char> is_unit_;
  // expand(): CSR over communes.
  std::vector<std::uint32_t> expand_offsets_;
  std::vector<CommuneIndex> expand_list_;
  // Unit adjacency: CSR over communes (empty lists for non-units), sorted, no duplicates.
  std::vector<std::uint32_t> offsets_;
  std::vector<CommuneIndex> list_;
  std::vector<std::uint32_t> departement_, region_, epci_;
};

}  // namespace maillage::coverage
