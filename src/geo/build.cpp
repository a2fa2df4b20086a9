#include "geo/build.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <limits>
#include <map>
#include <unordered_map>

#include "geo/cells.hpp"
#include "geo/positions.hpp"

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
  ref.neighbour_offsets.assign(1, 0);
  ref.neighbour_offsets.reserve(ref.communes.size() + 1);
  for (std::vector<CommuneIndex>& list : adjacency) {
    std::sort(list.begin(), list.end());
    ref.neighbour_list.insert(ref.neighbour_list.end(), list.begin(), list.end());
    ref.neighbour_offsets.push_back(static_cast<std::uint32_t>(ref.neighbour_list.size()));
  }
  end_stage("cellules et voisinage");

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
