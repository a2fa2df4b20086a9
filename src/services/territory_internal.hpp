// Private to the territories service (territory.cpp, territory_coverage.cpp): the coverage
// snapshot and small helpers.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "coverage/coverage.hpp"
#include "services/territory.hpp"

namespace maillage::services {

// The CPTS territories as loaded from the store and their cover, for one state of the store
// (identified by `fingerprint`): shared by every request until a write changes the fingerprint.
struct Territories::Snapshot {
  std::string fingerprint;
  std::vector<coverage::Territory> territories;
  std::vector<TerritoryStructure> meta;  // same order
  std::optional<coverage::Cover> cover;
};

namespace territory_detail {

inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Percent of `part` in `total` with one decimal, 0 for an empty total.
inline double percent(std::int64_t part, std::int64_t total) {
  if (total <= 0) return 0.0;
  return static_cast<double>(part * 1000 / total) / 10.0;
}

}  // namespace territory_detail
}  // namespace maillage::services
