// Private to the registry feature (registry_*.cpp of src/http): the feature class, whose handlers
// are defined by resource (registry_api.cpp: structures, lifecycle, documents, referents;
// registry_portfolio.cpp: the portfolio JSON and its CSV/XLSX exports; registry_pages.cpp: the
// French pages), and the JSON of its answers (registry_json.cpp).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/answers.hpp"
#include "http/feature.hpp"
#include "services/registry.hpp"

namespace maillage::http {

namespace registry_http {

using nlohmann::json;

// JSON of the answers (registry_json.cpp).
json structure_json(const services::Structure& s);
json alert_json(const services::PortfolioAlert& a);
json document_json(const services::DocumentInfo& d);
json referents_json(const std::vector<services::Referent>& refs);
json portfolio_json(const services::Portfolio& p);

// Request helpers (registry_api.cpp).
Result<registry::Date> date_field(const json& body, const char* key, registry::Date fallback);
services::StructureFields fields_from(const json& body);
/// Maps the French field names of the API back onto the service's errors.
Error api_field(Error e);

// Labels (registry_portfolio.cpp).
std::string severity_label(const std::string& s);
std::string kind_label(const std::string& k);

}  // namespace registry_http

class RegistryFeature final : public Feature {
 public:
  explicit RegistryFeature(const Site& site);

  void add_routes(RouteTable& table) override;
  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override;

 private:
  using Method = Result<Response> (RegistryFeature::*)(const RequestContext&);
  Handler bind(Method m) {
    return [this, m](const RequestContext& ctx) { return (this->*m)(ctx); };
  }

  // API
  Result<Response> api_list(const RequestContext& ctx);
  Result<Response> api_create(const RequestContext& ctx);
  Result<Response> api_get(const RequestContext& ctx);
  Result<Response> api_update(const RequestContext& ctx);
  Result<Response> api_delete(const RequestContext& ctx);
  Result<Response> api_archive(const RequestContext& ctx);
  Result<Response> api_restore(const RequestContext& ctx);
  Result<Response> api_history(const RequestContext& ctx);
  Result<Response> api_transition(const RequestContext& ctx);
  Result<Response> api_milestone(const RequestContext& ctx);
  Result<Response> api_documents(const RequestContext& ctx);
  Result<Response> api_add_document(const RequestContext& ctx);
  Result<Response> api_document(const RequestContext& ctx);
  Result<Response> api_structure_referents(const RequestContext& ctx);
  Result<Response> api_referents(const RequestContext& ctx);
  Result<Response> api_portfolio(const RequestContext& ctx);
  Result<Response> api_portfolio_csv(const RequestContext& ctx);
  Result<Response> api_portfolio_xlsx(const RequestContext& ctx);
  // Pages
  Result<Response> page_portfolio_home(const RequestContext& ctx);
  Result<Response> page_portfolio(const RequestContext& ctx);
  Result<Response> page_archives(const RequestContext& ctx);
  Result<Response> page_structure(const RequestContext& ctx);
  Result<Response> page_transition(const RequestContext& ctx);
  Result<Response> page_notes(const RequestContext& ctx);
  Result<Response> page_who_is_my_roc(const RequestContext& ctx);
  // Structure forms (registry_forms.cpp): creation with a starting stage and the duplicates
  // warning, edit with the version read.
  Result<Response> page_new_structure(const RequestContext& ctx);
  Result<Response> page_create_structure(const RequestContext& ctx);
  Result<Response> page_edit_structure(const RequestContext& ctx);
  Result<Response> page_update_structure(const RequestContext& ctx);
  Result<Response> structure_form(const RequestContext& ctx, registry_http::json data,
                                  const Error* error, int status);
  /// The type and starting-stage choices of the form, the typed ones selected.
  [[nodiscard]] registry_http::json add_choices(registry_http::json data) const;

  Result<services::Portfolio> portfolio_of(const RequestContext& ctx, const std::string& dep);
  /// The portfolio filters of the query string (type, etape, alerte, secteur) and its day.
  Result<std::pair<services::PortfolioFilter, registry::Date>> portfolio_filter_of(
      const RequestContext& ctx) const;
  // The regional view and the network of coordinators (registry_region.cpp).
  Result<Response> page_region(const RequestContext& ctx);
  Result<Response> api_region_csv(const RequestContext& ctx);
  Result<Response> page_network(const RequestContext& ctx);
  Result<Response> api_network_csv(const RequestContext& ctx);
  /// The région shown by default to this user: their first, else the one of their département.
  [[nodiscard]] std::string default_region(const services::Principal& who) const;
  /// The portfolio page's table rows and pipeline boxes.
  registry_http::json portfolio_rows(const services::Portfolio& p) const;
  registry_http::json pipeline_boxes(const services::Portfolio& p, const std::string& type,
                                     const std::string& stage) const;
  /// The "Qui est mon ROC ?" answer for a commune code or name (page data).
  Status who_is_my_roc_commune(const std::string& q, registry_http::json& data);

  // The portfolio JSON, kept per (département, filters, day, caller's scope) with the write
  // stamp it was computed at (the audit log's high-water mark: every write of every area and
  // instance moves it). A hit costs one indexed read instead of the ~8 queries and the alert
  // computation. Entries also expire after kPortfolioTtl: on PostgreSQL, audit ids are not
  // committed in id order, so a write committing late behind a higher id could go unseen by the
  // stamp; the TTL bounds that staleness.
  struct CachedPortfolio {
    std::int64_t stamp = 0;
    std::chrono::steady_clock::time_point at;
    std::string body, etag, gzip;
  };
  static constexpr std::chrono::seconds kPortfolioTtl{5};
  static constexpr std::size_t kPortfolioCacheEntries = 512;
  std::mutex cache_mutex_;
  std::map<std::string, std::shared_ptr<const CachedPortfolio>> cache_;

  const Site& site_;
  services::Registry& registry_;
  // Request bodies: the same schema checks the body and documents the route (OpenAPI).
  std::shared_ptr<const JsonSchema> create_schema_, update_schema_, transition_schema_,
      milestone_schema_, document_schema_, archive_schema_, restore_schema_;
};

}  // namespace maillage::http
