// A feature area of the web application (registry and coverage, diagnostics, ACI and dialogue de
// gestion, permanences). Each area lives in its own files (src/http/<area>_routes.cpp and the
// services it calls) and plugs into the one route table through this interface, so that the
// table stays whole (one router, one authorisation matrix) while areas stay apart.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "geo/referentiel.hpp"
#include "http/router.hpp"
#include "http/templates.hpp"
#include "services/services.hpp"

namespace maillage::http {

struct SiteOptions;

/// What WebApp shares with the features. References outlive every feature.
struct Site {
  services::Services& services;  // built once by the composition root (src/app)
  const geo::Referentiel& ref;
  const Templates& templates;
  const SiteOptions& options;
  /// Renders web/templates/<name>.mustache inside the layout (navigation, user, CSRF, assets).
  std::function<Result<std::string>(const std::string& name, nlohmann::json data,
                                    const RequestContext& ctx)>
      render_page;
  /// The département shown by default to this user (their own, else the site's home one).
  std::function<std::string(const services::Principal* who)> default_departement;
  /// Whether the route of GET `path` lets this user in: a page links only where it may (no
  /// link may end on a 403).
  std::function<bool(const services::Principal* who, const std::string& path)> may_open;
};

/// Collects the routes of one feature; WebApp adds them to the router in one table.
class RouteTable {
 public:
  /// Adds a route and returns it so that optional members (body, query, status) can be set at
  /// once, before the next add.
  Route& add(std::string method, std::string pattern, AccessRule access, RouteKind kind,
             Handler handler, std::string summary);
  [[nodiscard]] std::vector<Route>& routes() { return routes_; }

 private:
  std::vector<Route> routes_;
};

/// An entry of the main navigation: shown to a user when the route of `href` lets them in.
struct NavEntry {
  std::string label;  // French
  std::string href;
};

class Feature {
 public:
  virtual ~Feature() = default;
  virtual void add_routes(RouteTable& table) = 0;
  /// Entries this feature adds to the navigation for this user (after Accueil and Carte).
  [[nodiscard]] virtual std::vector<NavEntry> navigation(const services::Principal& who) const {
    (void)who;
    return {};
  }
};

// One factory per area, each defined in its own src/http/<area>_routes.cpp.
std::unique_ptr<Feature> make_registry_feature(const Site& site);     // registry_routes.cpp
std::unique_ptr<Feature> make_territory_feature(const Site& site);    // territory_routes.cpp
std::unique_ptr<Feature> make_diagnostic_feature(const Site& site);   // diagnostic_routes.cpp
std::unique_ptr<Feature> make_aci_feature(const Site& site);          // aci_routes.cpp
std::unique_ptr<Feature> make_roster_feature(const Site& site);       // roster_routes.cpp
std::unique_ptr<Feature> make_sectors_feature(const Site& site);      // sectors_routes.cpp
std::unique_ptr<Feature> make_referents_feature(const Site& site);    // referents_routes.cpp
std::unique_ptr<Feature> make_association_feature(const Site& site);  // association_routes.cpp
std::unique_ptr<Feature> make_association_ag_feature(
    const Site& site);  // association_ag_routes.cpp
std::unique_ptr<Feature> make_association_work_feature(
    const Site& site);                                             // association_work_routes.cpp
std::unique_ptr<Feature> make_accounts_feature(const Site& site);  // accounts_pages.cpp
std::unique_ptr<Feature> make_projet_feature(const Site& site);    // projet_routes.cpp
std::unique_ptr<Feature> make_audit_feature(const Site& site);     // audit_routes.cpp
std::unique_ptr<Feature> make_animation_feature(const Site& site);  // animation_routes.cpp
std::unique_ptr<Feature> make_survey_feature(const Site& site);    // survey_routes.cpp
std::unique_ptr<Feature> make_newsletter_feature(const Site& site);  // newsletter_routes.cpp
std::unique_ptr<Feature> make_rpps_feature(const Site& site);        // rpps_routes.cpp
std::unique_ptr<Feature> make_crisis_feature(const Site& site);  // crisis_routes.cpp

}  // namespace maillage::http
