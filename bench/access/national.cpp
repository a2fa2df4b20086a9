#include "national.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <numbers>
#include <random>

namespace maillage::access::bench {

namespace {

struct City {
  double lat, lon, population;
};

// The 40 largest cities of metropolitan France (approximate), around which suburbs are drawn.
constexpr City kCities[] = {
    {48.857, 2.352, 2.1e6},  {43.296, 5.370, 8.7e5},  {45.764, 4.836, 5.2e5},
    {43.605, 1.444, 4.9e5},  {43.710, 7.262, 3.4e5},  {47.218, -1.554, 3.2e5},
    {43.611, 3.877, 3.0e5},  {48.573, 7.752, 2.9e5},  {44.838, -0.579, 2.6e5},
    {50.629, 3.057, 2.35e5}, {48.117, -1.678, 2.2e5}, {49.258, 4.032, 1.8e5},
    {43.124, 5.928, 1.8e5},  {45.440, 4.387, 1.7e5},  {49.494, 0.108, 1.65e5},
    {45.188, 5.724, 1.58e5}, {47.322, 5.041, 1.58e5}, {47.478, -0.563, 1.55e5},
    {43.837, 4.360, 1.5e5},  {45.778, 3.087, 1.47e5}, {48.006, 0.199, 1.43e5},
    {43.529, 5.447, 1.45e5}, {48.390, -4.486, 1.4e5}, {47.394, 0.685, 1.36e5},
    {49.894, 2.296, 1.33e5}, {45.834, 1.261, 1.3e5},  {49.119, 6.176, 1.18e5},
    {42.699, 2.895, 1.2e5},  {47.238, 6.024, 1.17e5}, {47.903, 1.909, 1.16e5},
    {49.443, 1.100, 1.12e5}, {49.182, -0.370, 1.05e5}, {48.692, 6.184, 1.04e5},
    {47.750, 7.336, 1.08e5}, {43.295, -0.370, 7.6e4},  {46.580, 0.340, 8.8e4},
    {46.160, -1.150, 7.7e4}, {43.949, 4.806, 9.1e4},  {43.490, -1.475, 5.2e4},
    {50.290, 2.780, 4.2e4},
};

// A coarse outline of metropolitan France (lon, lat), enough to keep points off the sea.
constexpr double kOutline[][2] = {
    {-1.8, 43.4}, {-1.2, 46.2}, {-2.5, 47.3}, {-4.7, 48.0}, {-4.6, 48.6}, {-3.0, 48.8},
    {-1.6, 48.65}, {-1.9, 49.7}, {-1.2, 49.7}, {0.1, 49.4}, {1.6, 50.2}, {1.6, 50.95},
    {2.55, 51.1}, {4.2, 49.95}, {4.85, 50.15}, {5.8, 49.55}, {6.4, 49.45}, {8.2, 48.97},
    {7.55, 47.6}, {6.0, 46.15}, {7.0, 45.9}, {6.6, 45.1}, {7.0, 44.2}, {7.5, 43.8},
    {6.2, 43.05}, {4.8, 43.35}, {3.1, 43.1}, {3.15, 42.45}, {1.7, 42.5}, {0.0, 42.7},
};

bool inside_france(double lat, double lon) {
  constexpr std::size_t n = std::size(kOutline);
  bool in = false;
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
    const double xi = kOutline[i][0], yi = kOutline[i][1];
    const double xj = kOutline[j][0], yj = kOutline[j][1];
    if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) in = !in;
  }
  return in;
}

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "access_bench: cannot open MAILLAGE_COMMUNES_CSV=%s\n", path);
    std::exit(2);
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void generate_communes(National& n) {
  constexpr std::size_t kCommunes = 35000;
  std::mt19937_64 rng(20240611);
  std::uniform_real_distribution<double> lat(42.3, 51.1), lon(-4.8, 8.2), unit(0, 1);
  std::lognormal_distribution<double> rural(5.8, 1.0), suburb(7.5, 1.0);
  std::vector<double> city_weight;
  for (const City& c : kCities) city_weight.push_back(std::pow(c.population, 0.7));
  std::discrete_distribution<std::size_t> pick_city(city_weight.begin(), city_weight.end());
  n.source = "generated communes (seed 20240611)";
  for (const City& c : kCities) {
    n.points.push_back({c.lat, c.lon});
    n.population.push_back(c.population);
  }
  while (n.points.size() < kCommunes) {
    if (unit(rng) < 0.3) {  // a suburb: Gaussian around a city, wider for big ones
      const City& c = kCities[pick_city(rng)];
      const double sigma = 0.08 + 0.25 * std::sqrt(c.population / 2.1e6);
      std::normal_distribution<double> d(0, sigma);
      const double la = c.lat + d(rng), lo = c.lon + d(rng) / std::cos(c.lat * std::numbers::pi / 180);
      if (!inside_france(la, lo)) continue;
      n.points.push_back({la, lo});
      n.population.push_back(std::round(suburb(rng)));
    } else {
      const double la = lat(rng), lo = lon(rng);
      if (!inside_france(la, lo)) continue;
      n.points.push_back({la, lo});
      n.population.push_back(std::round(rural(rng)));
    }
  }
  for (std::size_t i = 0; i < n.points.size(); ++i) {
    char id[24];
    std::snprintf(id, sizeof id, "%05zu", i + 1);
    n.ids.emplace_back(id);
  }
}

void read_communes(National& n, const char* path) {
  const std::string text = read_file(path);
  auto demand = parse_demand_csv(text, path);
  if (!demand) {
    std::fprintf(stderr, "access_bench: %s\n", demand.error().describe().c_str());
    std::exit(2);
  }
  Diagnostics diag;
  auto points = parse_coords_csv(text, path, demand->locations, diag);
  if (!points) {
    std::fprintf(stderr, "access_bench: %s\n", points.error().describe().c_str());
    std::exit(2);
  }
  n.source = path;
  n.ids = demand->locations.ids();
  n.population = std::move(demand->population);
  n.points = std::move(*points);
}

void append_number(std::string& out, double v, int decimals) {
  char buf[40];
  auto r = decimals < 0 ? std::to_chars(buf, buf + sizeof buf, v)
                        : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  out.append(buf, r.ptr);
}

}  // namespace

National load_national() {
  National n;
  if (const char* path = std::getenv("MAILLAGE_COMMUNES_CSV"); path && *path) {
    read_communes(n, path);
  } else {
    generate_communes(n);
  }
  // The generated GP extract: one line per doctor (commune drawn in proportion to
  // population^1.1, as doctors concentrate in towns; yearly consultations ~ N(4800, 1500)),
  // aggregated by commune as the RPPS import will.
  constexpr std::size_t kDoctors = 55000;
  std::mt19937_64 rng(42);
  std::vector<double> w;
  for (double p : n.population) w.push_back(std::pow(std::max(p, 0.0), 1.1));
  std::discrete_distribution<std::size_t> pick(w.begin(), w.end());
  std::normal_distribution<double> acts(4800, 1500);
  n.supply.assign(n.points.size(), 0.0);
  for (std::size_t k = 0; k < kDoctors; ++k) {
    n.supply[pick(rng)] += std::round(std::clamp(acts(rng), 300.0, 12000.0));
  }
  n.doctors = kDoctors;

  n.demand_csv = "id,population\n";
  n.coords_csv = "id,lat,lon\n";
  n.supply_csv = "id,supply\n";
  for (std::size_t i = 0; i < n.ids.size(); ++i) {
    n.demand_csv += n.ids[i] + ",";
    append_number(n.demand_csv, n.population[i], -1);
    n.demand_csv += '\n';
    n.coords_csv += n.ids[i] + ",";
    append_number(n.coords_csv, n.points[i].lat, 5);
    n.coords_csv += ',';
    append_number(n.coords_csv, n.points[i].lon, 5);
    n.coords_csv += '\n';
    if (n.supply[i] > 0) {
      n.supply_csv += n.ids[i] + ",";
      append_number(n.supply_csv, n.supply[i], -1);
      n.supply_csv += '\n';
    }
  }
  return n;
}

std::string od_csv(const National& n, const TravelTimes& times) {
  std::string out = "origin,destination,minutes\n";
  out.reserve(times.pairs() * 20);
  for (std::size_t i = 0; i + 1 < times.offsets.size(); ++i) {
    for (auto k = times.offsets[i]; k < times.offsets[i + 1]; ++k) {
      out += n.ids[i];
      out += ',';
      out += n.ids[times.destinations[k]];
      out += ',';
      append_number(out, times.minutes[k], 2);  // distanciers give minutes to 0.01 at best
      out += '\n';
    }
  }
  return out;
}

}  // namespace maillage::access::bench
