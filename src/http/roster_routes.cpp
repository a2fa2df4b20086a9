// Routes of the roster area. Filled in by the area's work; the factory is called by WebApp.
#include <nlohmann/json.hpp>

#include "http/feature.hpp"

namespace maillage::http {
namespace {

class RosterFeature final : public Feature {
 public:
  explicit RosterFeature(const Site& site) : site_(site) {}
  void add_routes(RouteTable& table) override { (void)table; }

 private:
  [[maybe_unused]] const Site& site_;
};

}  // namespace

std::unique_ptr<Feature> make_roster_feature(const Site& site) {
  return std::make_unique<RosterFeature>(site);
}

}  // namespace maillage::http
