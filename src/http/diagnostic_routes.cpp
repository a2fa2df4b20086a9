// Routes of the diagnostic area. Filled in by the area's work; the factory is called by WebApp.
#include <nlohmann/json.hpp>

#include "http/feature.hpp"

namespace maillage::http {
namespace {

class DiagnosticFeature final : public Feature {
 public:
  explicit DiagnosticFeature(const Site& site) : site_(site) {}
  void add_routes(RouteTable& table) override { (void)table; }

 private:
  [[maybe_unused]] const Site& site_;
};

}  // namespace

std::unique_ptr<Feature> make_diagnostic_feature(const Site& site) {
  return std::make_unique<DiagnosticFeature>(site);
}

}  // namespace maillage::http
