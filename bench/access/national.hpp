// A national test bed for the accessibility benchmark: ~35 000 communes with populations and
// coordinates (generated with a fixed seed, or read from the référentiel export named by
// MAILLAGE_COMMUNES_CSV), GP supply aggregated from a generated per-doctor extract, and the CSV
// texts the CLI would read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "access/csv.hpp"
#include "access/travel_times.hpp"

namespace maillage::access::bench {

struct National {
  std::string source;                // "generated (seed …)" or the file name
  std::vector<std::string> ids;
  std::vector<double> population;
  std::vector<GeoPoint> points;
  std::vector<double> supply;        // consultations per year, by commune
  std::size_t doctors = 0;
  // The same data as the CLI's input files.
  std::string demand_csv, supply_csv, coords_csv;
};

/// Generated communes (fixed seed) unless MAILLAGE_COMMUNES_CSV names a
/// `code,…,population,lat,lon` file. Exits with a message when that file cannot be used.
National load_national();

/// "origin,destination,minutes" lines for every pair of `times`.
std::string od_csv(const National& n, const TravelTimes& times);

}  // namespace maillage::access::bench
