// Commune contours served as TopoJSON at a few levels of detail (France, région, département,
// commune scale). The topology of the référentiel's shapes (geo/topology.hpp) is derived once, on
// the first request, then each level's simplified arcs and each (zone, level) body, with its
// ETag and gzip copy, are computed once and kept: the référentiel is read-only.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "geo/referentiel.hpp"
#include "geo/topology.hpp"

namespace maillage::http {

struct ContourLevel {
  std::string_view id;   // "france", "region", "departement", "commune"
  double tolerance_m;    // Douglas–Peucker tolerance of the arcs
  std::int32_t quantum;  // quantization step of the positions, in grid steps (1e-5 degree)
  // Properties of each commune: name, département and population only (the id is the code), or
  // also the area, the density and where the shape comes from.
  bool all_properties;
};
// The levels, coarsest first.
std::span<const ContourLevel> contour_levels();

// TopoJSON, or the same topology in a compact binary layout for the maps (no JSON parse in the
// browser; layout in src/refdata/README.md, "Maps: levels of detail").
enum class ContourFormat { topojson, binary };

class ContourCache {
 public:
  struct Body {
    std::string body;
    std::string etag;
    std::string gzip;
    std::string br;  // empty for large bodies (brotli at quality 11 costs seconds per megabyte)
  };

  explicit ContourCache(const geo::Referentiel& ref);
  ~ContourCache();

  /// The TopoJSON of a zone ("france" or a département code) at a level (an id of
  /// contour_levels(); empty: the zone's default, "france" or "departement"); nullptr for an
  /// unknown zone or level.
  const Body* get(std::string_view zone, std::string_view level,
                  ContourFormat format = ContourFormat::topojson) const;

 private:
  const geo::Topology& topology() const;
  const geo::SimplifiedArcs& arcs(std::size_t level) const;
  // A zone at a level: its communes with a shape, their rings as references to the zone's arcs
  // (renumbered in order of first use), the arcs quantized, and their bounds (in quanta).
  struct Zone {
    std::vector<geo::CommuneIndex> communes;
    std::vector<std::vector<geo::Topology::Polygon>> shapes;
    std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> arcs;
    std::int64_t min_x = 0, min_y = 0, max_x = 0, max_y = 0;
  };
  Zone zone_model(std::span<const geo::CommuneIndex> communes, std::size_t level) const;
  std::string serialise(std::span<const geo::CommuneIndex> communes, std::size_t level) const;
  std::string serialise_binary(std::span<const geo::CommuneIndex> communes,
                               std::size_t level) const;

  const geo::Referentiel& ref_;
  mutable std::once_flag topology_once_;
  mutable std::unique_ptr<geo::Topology> topology_;
  struct LevelSlot {
    std::once_flag once;
    std::unique_ptr<geo::SimplifiedArcs> arcs;
  };
  mutable std::vector<LevelSlot> levels_;
  struct BodySlot {
    std::once_flag once;
    std::unique_ptr<Body> body;
  };
  // (département index, or departements.size() for France) × level × format.
  mutable std::vector<BodySlot> bodies_;
  std::vector<geo::CommuneIndex> france_;  // every commune with a shape, arrondissements aside
};

}  // namespace maillage::http
