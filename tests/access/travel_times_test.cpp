#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <tuple>

#include "access/travel_times.hpp"

namespace maillage::access {
namespace {

using Triple = std::tuple<LocationId, LocationId, double>;

std::vector<Triple> triples(const TravelTimes& t) {
  std::vector<Triple> out;
  for (LocationId i = 0; i + 1 < t.offsets.size(); ++i) {
    for (auto k = t.offsets[i]; k < t.offsets[i + 1]; ++k) {
      out.emplace_back(i, t.destinations[k], t.minutes[k]);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The O(n²) reference the index must agree with: every pair with its time, then filtered.
std::vector<Triple> all_pairs(const std::vector<GeoPoint>& pts, const CrowFlyModel& m) {
  std::vector<Triple> out;
  for (LocationId i = 0; i < pts.size(); ++i) {
    for (LocationId j = 0; j < pts.size(); ++j) {
      out.emplace_back(i, j, 60 * m.detour * haversine_km(pts[i], pts[j]) / m.speed_kmh);
    }
  }
  return out;
}

std::vector<Triple> within(const std::vector<Triple>& all, double max_minutes,
                           const std::vector<std::uint8_t>& mask = {}) {
  std::vector<Triple> out;
  for (const Triple& t : all) {
    if (std::get<2>(t) <= max_minutes && (mask.empty() || mask[std::get<1>(t)])) out.push_back(t);
  }
  return out;  // all_pairs() is sorted by (origin, destination) already
}

void expect_same_pairs(const std::vector<Triple>& got, const std::vector<Triple>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t k = 0; k < got.size(); ++k) {
    EXPECT_EQ(std::get<0>(got[k]), std::get<0>(want[k]));
    EXPECT_EQ(std::get<1>(got[k]), std::get<1>(want[k]));
    EXPECT_NEAR(std::get<2>(got[k]), std::get<2>(want[k]), 1e-9);
  }
}

TEST(Haversine, KnownDistances) {
  // A quarter meridian, and one degree of the equator, on the mean sphere.
  EXPECT_NEAR(haversine_km({0, 0}, {90, 0}), kEarthRadiusKm * std::numbers::pi / 2, 1e-9);
  EXPECT_NEAR(haversine_km({0, 10}, {0, 11}), kEarthRadiusKm * std::numbers::pi / 180, 1e-9);
  // Paris (Notre-Dame) - Lyon (Bellecour): about 392 km as the crow flies.
  EXPECT_NEAR(haversine_km({48.8530, 2.3498}, {45.7578, 4.8320}), 392, 2);
  EXPECT_EQ(haversine_km({45, 5}, {45, 5}), 0.0);
  EXPECT_NEAR(haversine_km({0, 179.95}, {0, -179.95}), haversine_km({0, 0}, {0, 0.1}), 1e-9);
}

TEST(CrowFly, MatchesBruteForceOnRandomPoints) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lat(42.3, 51.1), lon(-4.8, 8.2);
  std::vector<GeoPoint> pts;
  for (int k = 0; k < 1500; ++k) pts.push_back({lat(rng), lon(rng)});
  // A dense cluster, exact duplicates, points near the antimeridian and near the pole.
  std::normal_distribution<double> jitter(0, 0.05);
  for (int k = 0; k < 300; ++k) pts.push_back({48.85 + jitter(rng), 2.35 + jitter(rng)});
  pts.push_back(pts[0]);
  pts.push_back(pts[1500]);
  for (double lo : {179.9, 179.99, -179.95, -179.8}) pts.push_back({-13.3, lo});
  for (double lo : {0.0, 90.0, 180.0, -120.0}) pts.push_back({89.95, lo});
  pts.push_back({90, 0});

  CrowFlyModel m;
  const auto all = all_pairs(pts, m);
  for (double max_minutes : {0.0, 5.0, 20.0, 45.0}) {
    m.max_minutes = max_minutes;
    auto t = crow_fly_times(pts, m);
    ASSERT_TRUE(t) << t.error().describe();
    ASSERT_TRUE(t->validate(pts.size()));
    expect_same_pairs(triples(*t), within(all, max_minutes));
  }
}

TEST(CrowFly, MaskRestrictsDestinationsAndKeepsEveryOrigin) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> lat(44, 46), lon(4, 7);
  std::vector<GeoPoint> pts;
  std::vector<std::uint8_t> mask;
  for (int k = 0; k < 800; ++k) {
    pts.push_back({lat(rng), lon(rng)});
    mask.push_back(rng() % 4 == 0);
  }
  CrowFlyModel m;
  m.detour = 1.4;
  m.speed_kmh = 40;
  auto t = crow_fly_times(pts, m, mask);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->locations(), pts.size());
  expect_same_pairs(triples(*t), within(all_pairs(pts, m), m.max_minutes, mask));
}

TEST(CrowFly, ResultDoesNotDependOnThreadCount) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> lat(43, 49), lon(-1, 7);
  std::vector<GeoPoint> pts;
  for (int k = 0; k < 3000; ++k) pts.push_back({lat(rng), lon(rng)});
  CrowFlyModel m;
  m.threads = 1;
  auto one = crow_fly_times(pts, m);
  m.threads = 3;
  auto three = crow_fly_times(pts, m);
  ASSERT_TRUE(one && three);
  EXPECT_EQ(one->offsets, three->offsets);
  EXPECT_EQ(one->destinations, three->destinations);
  EXPECT_EQ(one->minutes, three->minutes);
}

TEST(CrowFly, AntimeridianNeighboursAreFound) {
  // 0.1° of longitude at the equator: 11.1 km, 17.3 minutes with the defaults.
  const std::vector<GeoPoint> pts{{0, 179.95}, {0, -179.95}};
  auto t = crow_fly_times(pts, CrowFlyModel{});
  ASSERT_TRUE(t);
  const auto got = triples(*t);
  ASSERT_EQ(got.size(), 4U);
  EXPECT_NEAR(std::get<2>(got[1]), 60 * 1.3 * haversine_km(pts[0], pts[1]) / 50, 1e-9);
}

TEST(CrowFly, SelfPairsAreGeneratedAtZeroMinutes) {
  const std::vector<GeoPoint> pts{{45, 5}, {47, 5}};
  auto t = crow_fly_times(pts, CrowFlyModel{});
  ASSERT_TRUE(t);
  EXPECT_EQ(triples(*t), (std::vector<Triple>{{0, 0, 0.0}, {1, 1, 0.0}}));
}

TEST(CrowFly, RejectsBadModelsAndCoordinates) {
  const std::vector<GeoPoint> pts{{45, 5}};
  CrowFlyModel m;
  m.detour = 0.9;
  EXPECT_EQ(crow_fly_times(pts, m).error().field, "detour");
  m = {};
  m.speed_kmh = 0;
  EXPECT_EQ(crow_fly_times(pts, m).error().field, "speed");
  m = {};
  m.max_minutes = std::numeric_limits<double>::infinity();
  EXPECT_EQ(crow_fly_times(pts, m).error().field, "max-minutes");
  EXPECT_FALSE(crow_fly_times(std::vector<GeoPoint>{{91, 0}}, CrowFlyModel{}));
  EXPECT_FALSE(crow_fly_times(std::vector<GeoPoint>{{0, std::nan("")}}, CrowFlyModel{}));
  EXPECT_EQ(crow_fly_times(pts, CrowFlyModel{}, std::vector<std::uint8_t>{1, 1}).error().field,
            "mask");
  auto empty = crow_fly_times({}, CrowFlyModel{});
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->pairs(), 0U);
}

TEST(TravelTimes, FromPairsKeepsInputOrderInsideAnOrigin) {
  const std::vector<OdPair> pairs{{1, 0, 3}, {0, 2, 1}, {1, 2, 4}, {0, 1, 2}};
  const TravelTimes t = travel_times_from_pairs(3, pairs);
  EXPECT_EQ(t.offsets, (std::vector<std::uint32_t>{0, 2, 4, 4}));
  EXPECT_EQ(t.destinations, (std::vector<LocationId>{2, 1, 0, 2}));
  EXPECT_EQ(t.minutes, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_TRUE(t.validate(3));
  EXPECT_FALSE(t.validate(4));
}

}  // namespace
}  // namespace maillage::access
