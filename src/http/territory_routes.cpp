// Routes of the territory area (territories, coverage map, observatory). Filled in by the area's work; the factory is called by WebApp.
#include <nlohmann/json.hpp>

#include "http/feature.hpp"

namespace maillage::http {
namespace {

class TerritoryFeature final : public Feature {
 public:
  explicit TerritoryFeature(const Site& site) : site_(site) {}
  void add_routes(RouteTable& table) override { (void)table; }

 private:
  [[maybe_unused]] const Site& site_;
};

}  // namespace

std::unique_ptr<Feature> make_territory_feature(const Site& site) {
  return std::make_unique<TerritoryFeature>(site);
}

}  // namespace maillage::http
