// The application's routes: the JSON API under /api/v1 (session, users, référentiel), the French
// HTML pages (login, home, map, commune, users) and the static assets, all declared in one table
// (WebApp::WebApp, web_app.cpp) with their access rule. Handlers parse, call one service (the
// Accounts service, or a read of the in-memory référentiel) and render.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "geo/referentiel.hpp"
#include "http/assets.hpp"
#include "http/feature.hpp"
#include "http/router.hpp"
#include "http/templates.hpp"
#include "services/accounts.hpp"
#include "services/services.hpp"

namespace maillage::http {

class ContourCache;

struct SiteOptions {
  bool secure_cookies = false;                   // add Secure to cookies (HTTPS deployments)
  std::chrono::seconds reference_max_age{3600};  // Cache-Control max-age of référentiel answers
  std::size_t max_body_bytes = 1 << 20;
  std::string home_departement = "57";  // map shown to roles without a territory of their own
};

inline constexpr const char* kSessionCookie = "maillage_session";
inline constexpr const char* kLoginCsrfCookie = "maillage_login_csrf";

class WebApp {
 public:
  /// Everything passed by reference must outlive the WebApp.
  WebApp(services::Services& services, const geo::Referentiel& referentiel,
         const Templates& templates, const AssetStore& assets, SiteOptions options);
  WebApp(const WebApp&) = delete;
  WebApp& operator=(const WebApp&) = delete;
  ~WebApp();

  [[nodiscard]] const Router& router() const { return router_; }

  /// The GeoJSON FeatureCollection of a département's commune cells, serialised once and kept.
  /// nullptr when the département does not exist.
  struct CachedBody {
    std::string body;
    std::string etag;
    std::string gzip;  // compressed once, with the body
    std::string br;
  };
  const CachedBody* departement_cells(const std::string& code) const;

 private:
  void add_routes();

  // API: session and accounts (api_accounts.cpp)
  Result<Response> api_login(const RequestContext& ctx);
  Result<Response> api_logout(const RequestContext& ctx);
  Result<Response> api_me(const RequestContext& ctx);
  Result<Response> api_list_users(const RequestContext& ctx);
  Result<Response> api_create_user(const RequestContext& ctx);
  Result<Response> api_change_me(const RequestContext& ctx);
  Result<Response> api_update_user(const RequestContext& ctx);
  // API: référentiel (api_referentiel.cpp)
  Result<Response> api_commune(const RequestContext& ctx);
  Result<Response> api_search_communes(const RequestContext& ctx);
  Result<Response> api_departement_cells(const RequestContext& ctx);
  Result<Response> api_contours(const RequestContext& ctx);
  Result<Response> api_epci(const RequestContext& ctx);
  // Operations (web_app.cpp)
  Result<Response> healthz(const RequestContext& ctx);
  Result<Response> openapi(const RequestContext& ctx);
  Result<Response> asset(const RequestContext& ctx);
  // Pages (pages.cpp)
  Result<Response> page_login(const RequestContext& ctx);
  Result<Response> page_login_submit(const RequestContext& ctx);
  Result<Response> page_logout(const RequestContext& ctx);
  Result<Response> page_home(const RequestContext& ctx);
  Result<Response> page_map(const RequestContext& ctx);
  Result<Response> page_commune(const RequestContext& ctx);
  Result<Response> page_search(const RequestContext& ctx);
  Response error_page(const Error& error, const RequestContext& ctx) const;

  // Helpers shared by the handler files.
  [[nodiscard]] std::string session_cookie(const std::string& token) const;
  [[nodiscard]] std::string cleared_cookie(const std::string& name) const;
  [[nodiscard]] Result<std::string> render_page(const std::string& name, nlohmann::json data,
                                                const RequestContext& ctx) const;
  [[nodiscard]] std::string default_departement(const services::Principal* who) const;
  [[nodiscard]] bool may_open(const services::Principal* who, const std::string& path) const;
  [[nodiscard]] nlohmann::json commune_json(const geo::Commune& c) const;
  [[nodiscard]] nlohmann::json commune_summary(geo::CommuneIndex i) const;
  Response reference_answer(const RequestContext& ctx, std::string body) const;
  Result<Response> login_form(const RequestContext& ctx, int status, const std::string& message,
                              const std::string& login, const std::string& next);

  services::Services& services_;
  services::Accounts& accounts_;
  const geo::Referentiel& ref_;
  const Templates& templates_;
  const AssetStore& assets_;
  SiteOptions options_;
  Router router_;
  std::unique_ptr<Site> site_;                      // what the features share with WebApp
  std::vector<std::unique_ptr<Feature>> features_;  // registry, diagnostics, ACI, permanences

  // One slot per département (same order as ref_.departements), filled on first use.
  struct CellsSlot {
    std::once_flag once;
    std::unique_ptr<CachedBody> cached;
  };
  mutable std::vector<CellsSlot> cells_;
  // TopoJSON contours per zone and level of detail (contours.hpp), derived on first use.
  std::unique_ptr<ContourCache> contours_;
};

/// French number formatting for pages: 125 000 (narrow no-break space as thousands separator).
std::string format_count(std::int64_t n);

}  // namespace maillage::http
