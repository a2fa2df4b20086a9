#include "geo/build.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include "geo/cells.hpp"
#include "geo/positions.hpp"
#include "geo/shapes.hpp"

namespace maillage::geo {
namespace {

using Clock = std::chrono::steady_clock;

std::string item_field(std::size_t item, std::string_view field) {
  return "[" + std::to_string(item) + "]." + std::string(field);
}

struct Box {
  double lat_min = std::numeric_limits<double>::max();
  double lon_min = std::numeric_limits<double>::max();
  double lat_max = std::numeric_limits<double>::lowest();
  double lon_max = std::numeric_limits<double>::lowest();
  void add(LatLon p) {
    lat_min = std::min(lat_min, p.lat);
    lon_min = std::min(lon_min, p.lon);
    lat_max = std::max(lat_max, p.lat);
    lon_max = std::max(lon_max, p.lon);
  }
  [[nodiscard]] bool intersects(const Box& o) const {
    return lat_min <= o.lat_max && o.lat_min <= lat_max && lon_min <= o.lon_max &&
           o.lon_min <= lon_max;
  }
};

// Communes, arrondissements, EPCI, départements and régions with their links checked.
Status assemble(const BuildInput& in, Referentiel& ref) {
  std::unordered_map<std::string_view, std::size_t> regions;
  for (const RegionRecord& r : in.regions) {
    if (!regions.emplace(r.code, ref.regions.size()).second) {
      return fail_at(in.regions_file, 0, item_field(r.item, "code"),
                     "code de région en double « " + r.code + " »");
    }
    ref.regions.push_back({r.code, r.nom, {}});
  }
  std::unordered_map<std::string_view, const DepartementRecord*> departements;
  for (const DepartementRecord& d : in.departements) {
    const auto region = regions.find(d.region);
    if (region == regions.end()) {
      return fail_at(in.departements_file, 0, item_field(d.item, "region"),
                     "région inconnue « " + d.region + " » pour le département " + d.code);
    }
    if (!departements.emplace(d.code, &d).second) {
      return fail_at(in.departements_file, 0, item_field(d.item, "code"),
                     "code de département en double « " + d.code + " »");
    }
    ref.regions[region->second].departements.push_back(d.code);
  }

  std::vector<const CommuneRecord*> communes;
  std::vector<const CommuneRecord*> arrondissements;
  std::unordered_map<std::string_view, const CommuneRecord*> by_code;
  for (const CommuneRecord& c : in.communes) {
    if (!by_code.emplace(c.code, &c).second) {
      return fail_at(in.communes_file, 0, item_field(c.item, "code"),
                     "code de commune en double « " + c.code + " »");
    }
    if (departements.find(c.departement) == departements.end()) {
      return fail_at(in.communes_file, 0, item_field(c.item, "departement"),
                     "département inconnu « " + c.departement + " » pour la commune " + c.code);
    }
    if (regions.find(c.region) == regions.end()) {
      return fail_at(in.communes_file, 0, item_field(c.item, "region"),
                     "région inconnue « " + c.region + " » pour la commune " + c.code);
    }
    (c.arrondissement ? arrondissements : communes).push_back(&c);
  }
  for (const CommuneRecord* a : arrondissements) {
    const auto parent = by_code.find(a->parent);
    if (parent == by_code.end() || parent->second->arrondissement) {
      return fail_at(in.communes_file, 0, item_field(a->item, "commune"),
                     "commune de rattachement inconnue « " + a->parent +
                         " » pour l'arrondissement " + a->code);
    }
  }
  auto by_code_order = [](const CommuneRecord* a, const CommuneRecord* b) {
    return a->code < b->code;
  };
  std::sort(communes.begin(), communes.end(), by_code_order);
  std::sort(arrondissements.begin(), arrondissements.end(), by_code_order);
  ref.communes.reserve(communes.size() + arrondissements.size());
  std::unordered_map<std::string_view, CommuneIndex> index;
  for (const auto* list : {&communes, &arrondissements}) {
    for (const CommuneRecord* c : *list) {
      Commune out;
      out.code = c->code;
      out.nom = c->nom;
      out.departement = c->departement;
      out.region = c->region;
      out.population = c->population;
      out.postcodes = c->postcodes;
      out.arrondissement = c->arrondissement;
      out.parent = c->parent;
      index.emplace(c->code, static_cast<CommuneIndex>(ref.communes.size()));
      ref.communes.push_back(std::move(out));
    }
  }

  std::unordered_map<std::string_view, std::string_view> epci_of;
  for (const EpciRecord& e : in.epcis) {
    Epci out{e.code, e.nom, e.type, 0, {}};
    for (std::size_t m = 0; m < e.members.size(); ++m) {
      const auto it = index.find(e.members[m]);
      if (it == index.end() || ref.communes[it->second].arrondissement) {
        return fail_at(in.epcis_file, 0, item_field(e.item, "membres[" + std::to_string(m) + "]"),
                       "membre inconnu « " + e.members[m] + " » de l'EPCI " + e.code);
      }
      const auto [prev, inserted] = epci_of.emplace(e.members[m], e.code);
      if (!inserted) {
        return fail_at(in.epcis_file, 0, item_field(e.item, "membres[" + std::to_string(m) + "]"),
                       "la commune " + e.members[m] + " est membre de deux EPCI (" +
                           std::string(prev->second) + " et " + e.code + ")");
      }
      Commune& c = ref.communes[it->second];
      c.epci = e.code;
      out.population += c.population;
      out.members.push_back(it->second);
    }
    std::sort(out.members.begin(), out.members.end());
    ref.epcis.push_back(std::move(out));
  }
  std::sort(ref.epcis.begin(), ref.epcis.end(),
            [](const Epci& a, const Epci& b) { return a.code < b.code; });
  for (Commune& c : ref.communes) {
    if (c.arrondissement) c.epci = ref.communes[index.at(c.parent)].epci;
  }

  std::map<std::string_view, std::vector<CommuneIndex>> members_of_dep;
  for (CommuneIndex i = 0; i < ref.communes.size(); ++i) {
    if (!ref.communes[i].arrondissement) members_of_dep[ref.communes[i].departement].push_back(i);
  }
  for (const auto& [code, d] : departements) {
    Departement out{d->code, d->nom, d->region, {}};
    if (const auto it = members_of_dep.find(code); it != members_of_dep.end()) {
      out.communes = it->second;
    }
    ref.departements.push_back(std::move(out));
  }
  std::sort(ref.departements.begin(), ref.departements.end(),
            [](const Departement& a, const Departement& b) { return a.code < b.code; });
  for (Region& r : ref.regions) std::sort(r.departements.begin(), r.departements.end());
  std::sort(ref.regions.begin(), ref.regions.end(),
            [](const Region& a, const Region& b) { return a.code < b.code; });
  return {};
}

std::vector<std::size_t> degree_histogram(const std::vector<std::vector<CommuneIndex>>& adjacency,
                                          const Referentiel& ref) {
  constexpr std::size_t kBuckets = 21;  // 0 .. 19, then 20 and more
  std::vector<std::size_t> h(kBuckets, 0);
  for (CommuneIndex i = 0; i < ref.communes.size(); ++i) {
    if (ref.communes[i].arrondissement) continue;
    ++h[std::min(adjacency[i].size(), kBuckets - 1)];
  }
  return h;
}

// Shapes from the polygons: each current commune gets the union of the polygons of its code and
// former codes; a commune without any keeps its cell, clipped to the polygon that holds its point
// (the commune it was carved from, which loses that piece).
void assign_shapes(const BuildInput& input, Referentiel& ref, BuildReport& report) {
  std::unordered_map<std::string_view, CommuneIndex> current;
  std::unordered_map<std::string_view, CommuneIndex> former;
  for (CommuneIndex i = 0; i < ref.communes.size(); ++i) {
    if (!ref.communes[i].arrondissement) current.emplace(ref.communes[i].code, i);
  }
  for (const CommuneRecord& c : input.communes) {
    if (c.arrondissement) continue;
    const auto it = current.find(c.code);
    if (it == current.end()) continue;
    for (const std::string& f : c.former_codes) {
      if (!current.contains(f)) former.emplace(f, it->second);
    }
  }
  std::vector<std::vector<const MultiPolygon*>> sources(ref.communes.size());
  for (const auto& [code, shape] : input.boundaries) {
    ++report.polygons_read;
    if (const auto it = current.find(code); it != current.end()) {
      ++report.polygons_current;
      sources[it->second].push_back(&shape);
    } else if (const auto f = former.find(code); f != former.end()) {
      ++report.polygons_former;
      sources[f->second].push_back(&shape);
    } else {
      ++report.polygons_unmatched;
      report.unmatched_polygons.push_back(code);
    }
  }
  std::vector<CommuneIndex> fallback;
  for (CommuneIndex i = 0; i < ref.communes.size(); ++i) {
    Commune& c = ref.communes[i];
    if (c.arrondissement) continue;
    if (sources[i].empty()) {
      c.shape = ShapeSource::cell;
      fallback.push_back(i);
      continue;
    }
    c.shape = ShapeSource::polygon;
    if (sources[i].size() == 1) {
      ref.cells[i] = *sources[i].front();
    } else {
      std::vector<MultiPolygon> parts;
      for (const MultiPolygon* p : sources[i]) parts.push_back(*p);
      ref.cells[i] = union_of(parts);
      ++report.communes_nouvelles;
    }
  }
  // The fallback only matters where polygons exist around (metropolitan France and the DROM);
  // the overseas collectivities have no polygon at all and keep their cells whole.
  for (const CommuneIndex i : fallback) {
    const Commune& c = ref.communes[i];
    const Departement* dep = ref.departement(c.departement);
    if (dep == nullptr) continue;
    if (std::none_of(dep->communes.begin(), dep->communes.end(), [&](CommuneIndex h) {
          return ref.communes[h].shape == ShapeSource::polygon;
        })) {
      ++report.collectivity_cells;  // an overseas collectivity: no polygon at all
      continue;
    }
    for (const CommuneIndex h : dep->communes) {
      if (ref.communes[h].shape != ShapeSource::polygon || !contains(ref.cells[h], c.position)) {
        continue;
      }
      MultiPolygon piece = intersection_of(ref.cells[i], ref.cells[h]);
      if (piece.empty()) break;
      ref.cells[h] = difference_of(ref.cells[h], piece);
      ref.cells[i] = std::move(piece);
      break;
    }
    report.cell_fallback.push_back(c.code);
  }
}

}  // namespace

Result<BuildResult> build_referentiel(const BuildInput& input, const BuildOptions& options) {
  BuildResult out;
  Referentiel& ref = out.referentiel;
  BuildReport& report = out.report;
  auto stage_start = Clock::now();
  auto end_stage = [&](std::string name) {
    const auto now = Clock::now();
    report.stage_seconds.emplace_back(std::move(name),
                                      std::chrono::duration<double>(now - stage_start).count());
    stage_start = now;
  };
  auto progress = [&](std::string_view stage, std::size_t done, std::size_t total) {
    if (options.progress) options.progress(stage, done, total);
  };

  progress("assemblage", 0, 1);
  if (Status s = assemble(input, ref); !s) return tl::unexpected(s.error());
  end_stage("assemblage");

  progress("positions", 0, 1);
  Result<PositionReport> positions =
      assign_positions(ref.communes, input.places, input.territories, input.land, options);
  if (!positions) return tl::unexpected(positions.error());
  end_stage("positions");

  // Cells and adjacency, territory by territory: metropolitan France (with Corsica) is one,
  // each overseas département or collectivity another.
  std::map<std::string, std::vector<CommuneIndex>> territories;
  std::unordered_map<std::string_view, std::string_view> zone_of;
  for (const CommuneRecord& c : input.communes) zone_of.emplace(c.code, c.zone);
  for (CommuneIndex i = 0; i < ref.communes.size(); ++i) {
    const Commune& c = ref.communes[i];
    if (c.arrondissement) continue;
    territories[zone_of[c.code] == "metro" ? std::string("metro") : c.departement].push_back(i);
  }
  std::vector<Box> land_boxes;
  for (const Polygon& p : input.land) {
    Box b;
    for (const LatLon& q : p.outer) b.add(q);
    land_boxes.push_back(b);
  }
  ref.cells.assign(ref.communes.size(), {});
  std::vector<std::vector<CommuneIndex>> adjacency(ref.communes.size());
  const std::size_t total =
      ref.communes.size() -
      static_cast<std::size_t>(std::count_if(ref.communes.begin(), ref.communes.end(),
                                             [](const Commune& c) { return c.arrondissement; }));
  std::size_t offset = 0;
  for (const auto& [key, members] : territories) {
    std::vector<LatLon> points;
    Box box;
    for (CommuneIndex i : members) {
      points.push_back(ref.communes[i].position);
      box.add(ref.communes[i].position);
    }
    box.lat_min -= options.territory_margin_deg;
    box.lon_min -= options.territory_margin_deg;
    box.lat_max += options.territory_margin_deg;
    box.lon_max += options.territory_margin_deg;
    MultiPolygon land;
    for (std::size_t p = 0; p < input.land.size(); ++p) {
      if (land_boxes[p].intersects(box)) land.push_back(input.land[p]);
    }
    CellOptions cell_options;
    cell_options.land_simplify_deg = options.land_simplify_deg;
    cell_options.offshore_cell_km = options.offshore_cell_km;
    cell_options.bridge_km = options.bridge_km;
    cell_options.threads = options.threads;
    cell_options.progress = [&](std::size_t done, std::size_t) {
      progress("cellules", offset + done, total);
    };
    CellResult cells;
    try {
      cells = compute_cells(points, land, cell_options);
    } catch (const std::exception& e) {
      return fail(ErrorCode::internal,
                  "calcul des cellules du territoire " + key + " : " + e.what());
    }
    for (std::size_t k = 0; k < members.size(); ++k) {
      Commune& c = ref.communes[members[k]];
      c.island = cells.island[k] != 0;
      report.islands += cells.island[k] != 0 ? 1 : 0;
      report.offshore += cells.offshore[k] != 0 ? 1 : 0;
      for (const Polygon& poly : cells.cells[k]) {
        report.cell_vertices += poly.outer.size();
        for (const Ring& h : poly.holes) report.cell_vertices += h.size();
      }
      ref.cells[members[k]] = std::move(cells.cells[k]);
    }
    for (const auto& [a, b] : cells.edges) {
      adjacency[members[a]].push_back(members[b]);
      adjacency[members[b]].push_back(members[a]);
    }
    report.delaunay_edges += cells.delaunay_edges;
    report.neighbour_pairs += cells.edges.size();
    offset += members.size();
  }
  report.cell_neighbour_pairs = report.neighbour_pairs;
  end_stage("cellules et voisinage");

  if (!input.boundaries.empty()) {
    ref.index();  // département lookups for the fallback
    progress("contours", 0, 1);
    try {
      assign_shapes(input, ref, report);
    } catch (const std::exception& e) {
      return fail(ErrorCode::internal, std::string("contours des communes : ") + e.what());
    }
    end_stage("contours");
    report.cell_vertices = 0;
    for (const MultiPolygon& m : ref.cells) {
      for (const Polygon& poly : m) {
        report.cell_vertices += poly.outer.size();
        for (const Ring& h : poly.holes) report.cell_vertices += h.size();
      }
    }
    // Positions: a point on the polygon's surface replaces an imputed point.
    for (Commune& c : ref.communes) {
      if (c.arrondissement || c.shape != ShapeSource::polygon || c.quality == CoordQuality::exact) {
        continue;
      }
      c.position = point_on_surface(ref.cells[ref.index_of(c)]);
      c.quality = CoordQuality::surface;
    }
    // Adjacency from shared borders, territory by territory.
    std::vector<std::vector<CommuneIndex>> borders(ref.communes.size());
    std::set<std::pair<CommuneIndex, CommuneIndex>> cell_pairs;
    for (CommuneIndex i = 0; i < adjacency.size(); ++i) {
      for (const CommuneIndex j : adjacency[i]) {
        if (i < j) cell_pairs.emplace(i, j);
      }
    }
    report.cell_degree_histogram = degree_histogram(adjacency, ref);
    report.neighbour_pairs = 0;
    report.islands = 0;
    std::size_t done = 0;
    for (const auto& [key, members] : territories) {
      std::vector<MultiPolygon> shapes;
      shapes.reserve(members.size());
      for (const CommuneIndex i : members) shapes.push_back(ref.cells[i]);
      AdjacencyOptions adj;
      adj.snap_m = options.snap_m;
      adj.min_shared_m = options.min_shared_m;
      adj.point_contact = options.point_contact;
      adj.threads = options.threads;
      std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
      try {
        pairs = shared_borders(shapes, adj);
      } catch (const std::exception& e) {
        return fail(ErrorCode::internal,
                    "voisinage par les frontières du territoire " + key + " : " + e.what());
      }
      for (const auto& [a, b] : pairs) {
        const CommuneIndex i = members[a];
        const CommuneIndex j = members[b];
        borders[i].push_back(j);
        borders[j].push_back(i);
        report.pairs_in_both += cell_pairs.contains({std::min(i, j), std::max(i, j)}) ? 1 : 0;
      }
      report.neighbour_pairs += pairs.size();
      done += members.size();
      progress("frontières", done, total);
    }
    adjacency = std::move(borders);
    for (CommuneIndex i = 0; i < ref.communes.size(); ++i) {
      Commune& c = ref.communes[i];
      if (c.arrondissement) continue;
      c.island = adjacency[i].empty();
      report.islands += c.island ? 1 : 0;
    }
    report.degree_histogram = degree_histogram(adjacency, ref);
    end_stage("frontières");
  } else {
    report.cell_degree_histogram = degree_histogram(adjacency, ref);
    report.degree_histogram = report.cell_degree_histogram;
    for (Commune& c : ref.communes) {
      if (!c.arrondissement) c.shape = ShapeSource::cell;
    }
  }
  ref.neighbour_offsets.assign(1, 0);
  ref.neighbour_offsets.reserve(ref.communes.size() + 1);
  for (std::vector<CommuneIndex>& list : adjacency) {
    std::sort(list.begin(), list.end());
    ref.neighbour_list.insert(ref.neighbour_list.end(), list.begin(), list.end());
    ref.neighbour_offsets.push_back(static_cast<std::uint32_t>(ref.neighbour_list.size()));
  }

  ref.index();
  report.communes = total;
  report.arrondissements = ref.communes.size() - total;
  report.epcis = ref.epcis.size();
  report.departements = ref.departements.size();
  report.regions = ref.regions.size();
  for (const Commune& c : ref.communes) {
    if (c.arrondissement) continue;
    const auto q = static_cast<std::size_t>(c.quality);
    ++report.quality_communes[q];
    report.quality_population[q] += c.population;
    report.population += c.population;
  }
  report.places_read = input.places.size();
  report.places_matched = positions->places_matched;
  report.places_unmatched = positions->places_unmatched;
  report.rejected = std::move(positions->rejected);
  end_stage("index");
  return out;
}

}  // namespace maillage::geo
