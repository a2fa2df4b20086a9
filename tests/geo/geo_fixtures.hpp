// Small hand-made inputs for the geo engine tests.
#pragma once

#include <string>
#include <vector>

#include "geo/build.hpp"
#include "geo/referentiel.hpp"

namespace maillage::geo::testing {

inline Commune commune(std::string code, std::string dep, std::string epci,
                       std::vector<std::string> postcodes, std::string nom = {}) {
  Commune c;
  c.code = std::move(code);
  c.nom = nom.empty() ? "Commune " + c.code : std::move(nom);
  c.departement = std::move(dep);
  c.region = "84";
  c.epci = std::move(epci);
  c.postcodes = std::move(postcodes);
  return c;
}

inline PlaceRecord place(std::string name, double lat, double lon, std::string admin4,
                         std::int64_t line, std::string country = "FR",
                         std::string feature = "PPL") {
  PlaceRecord p;
  p.name = std::move(name);
  p.lat = lat;
  p.lon = lon;
  p.admin4 = std::move(admin4);
  p.line = line;
  p.country = std::move(country);
  p.feature_code = std::move(feature);
  return p;
}

// A closed axis-aligned rectangle, as a ring in degrees.
inline Ring rect(double lat0, double lon0, double lat1, double lon1) {
  return {{lat0, lon0}, {lat0, lon1}, {lat1, lon1}, {lat1, lon0}, {lat0, lon0}};
}

// Planar area of a MultiPolygon in square degrees (shoelace, holes subtracted).
inline double area_deg2(const MultiPolygon& m) {
  auto ring_area = [](const Ring& r) {
    double a = 0;
    for (std::size_t i = 0; i + 1 < r.size(); ++i) {
      a += r[i].lon * r[i + 1].lat - r[i + 1].lon * r[i].lat;
    }
    return a < 0 ? -a / 2 : a / 2;
  };
  double total = 0;
  for (const Polygon& p : m) {
    total += ring_area(p.outer);
    for (const Ring& h : p.holes) total -= ring_area(h);
  }
  return total;
}

}  // namespace maillage::geo::testing
