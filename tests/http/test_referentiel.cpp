#include "http/test_referentiel.hpp"

namespace maillage::testing {

namespace {

// A square cell of half-size `h` degrees around a point (closed ring).
geo::MultiPolygon square(geo::LatLon c, double h) {
  geo::Polygon p;
  p.outer = {{c.lat - h, c.lon - h}, {c.lat - h, c.lon + h}, {c.lat + h, c.lon + h},
             {c.lat + h, c.lon - h}, {c.lat - h, c.lon - h}};
  return {p};
}

}  // namespace

geo::Referentiel small_referentiel() {
  using geo::CoordQuality;
  geo::Referentiel r;
  auto commune = [](const char* code, const char* nom, const char* dep, const char* reg,
                    const char* epci, std::int64_t pop, geo::LatLon pos, CoordQuality q) {
    geo::Commune c;
    c.code = code;
    c.nom = nom;
    c.departement = dep;
    c.region = reg;
    c.epci = epci;
    c.population = pop;
    c.position = pos;
    c.quality = q;
    c.postcodes = {std::string(code).substr(0, 2) + "000"};
    return c;
  };
  // Communes sorted by code, then the arrondissements.
  r.communes = {
      commune("54395", "Nancy", "54", "44", "", 104000, {48.69, 6.18}, CoordQuality::exact),
      commune("57001", "Aboncourt", "57", "44", "", 350, {49.26, 6.35},
              CoordQuality::imputed_postcode),
      commune("57463", "Metz", "57", "44", "200039865", 120000, {49.12, 6.18},
              CoordQuality::exact),
      commune("57480", "Montigny-lès-Metz", "57", "44", "200039865", 21000, {49.10, 6.16},
              CoordQuality::exact),
      commune("57606", "Saint-Avold", "57", "44", "", 15000, {49.10, 6.70}, CoordQuality::exact),
      commune("75056", "Paris", "75", "11", "200054781", 2100000, {48.86, 2.35},
              CoordQuality::exact),
      commune("75101", "Paris 1er Arrondissement", "75", "11", "", 16000, {48.86, 2.34},
              CoordQuality::exact),
  };
  r.communes.back().arrondissement = true;
  r.communes.back().parent = "75056";

  geo::Epci metz;
  metz.code = "200039865";
  metz.nom = "Metz Métropole";
  metz.type = "METRO";
  metz.population = 141000;
  metz.members = {2, 3};
  geo::Epci paris;
  paris.code = "200054781";
  paris.nom = "Métropole du Grand Paris";
  paris.type = "METRO";
  paris.population = 2100000;
  paris.members = {5};
  r.epcis = {metz, paris};

  r.departements = {{"54", "Meurthe-et-Moselle", "44", {0}},
                    {"57", "Moselle", "44", {1, 2, 3, 4}},
                    {"75", "Paris", "11", {5}}};
  r.regions = {{"11", "Île-de-France", {"75"}}, {"44", "Grand Est", {"54", "57"}}};

  // Neighbours (sorted): Aboncourt–Metz, Metz–Montigny, Metz–Saint-Avold.
  //             0     1      2          3     4     5     6
  r.neighbour_offsets = {0, 0, 1, 4, 5, 6, 6, 6};
  r.neighbour_list = {2, 1, 3, 4, 2, 2};

  r.cells.resize(r.communes.size());
  for (std::size_t i = 0; i + 1 < r.communes.size(); ++i) {
    r.cells[i] = square(r.communes[i].position, 0.01);
  }
  // Aboncourt's cell has a hole, to exercise the GeoJSON rings.
  r.cells[1][0].holes.push_back({{49.259, 6.349}, {49.259, 6.351}, {49.261, 6.351},
                                 {49.261, 6.349}, {49.259, 6.349}});
  r.index();
  return r;
}

}  // namespace maillage::testing
