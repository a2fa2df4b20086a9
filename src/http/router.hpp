// The router: ONE table of routes, each declaring its method, path pattern, access rule, kind
// (JSON API, HTML page or static asset) and handler. Router::handle runs the whole pipeline for a
// request: match → session → access rule → CSRF → query/body limits → handler → error rendering,
// cache and security headers. The authorisation matrix test walks routes() with every role.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "http/json_request.hpp"
#include "http/message.hpp"
#include "services/accounts.hpp"
#include "services/auth.hpp"

namespace maillage::http {

enum class Access : std::uint8_t {
  anyone,         // no session needed (login, health, assets, OpenAPI)
  authenticated,  // any signed-in user, whatever the role
  roles,          // only the listed roles
};

struct AccessRule {
  Access kind = Access::authenticated;
  std::vector<services::Role> roles;  // for Access::roles

  static AccessRule anyone();
  static AccessRule authenticated();
  static AccessRule only(std::vector<services::Role> roles);
  /// Whether `who` (nullptr: anonymous) passes the rule.
  [[nodiscard]] bool allows(const services::Principal* who) const;
  /// "public", "authenticated", "roles: admin, roc" (OpenAPI x-access and the docs).
  [[nodiscard]] std::string describe() const;
};

/// How errors of a route are rendered: JSON from the catalogue, or an HTML page in French.
enum class RouteKind : std::uint8_t { api, page, asset };

struct QueryParam {
  std::string name;
  std::string description;  // French
  bool required = false;
  bool integer = false;  // the router refuses a value that is not an integer
};

/// What a handler sees: the request and the caller's session, if any.
struct RequestContext {
  const Request& request;
  std::optional<services::Session> session;

  [[nodiscard]] const services::Principal* principal() const {
    return session ? &session->principal : nullptr;
  }
};

using Handler = std::function<Result<Response>(const RequestContext&)>;

struct Route {
  std::string method;   // GET, POST, PUT, PATCH, DELETE
  std::string pattern;  // "/api/v1/communes/{code}"; a last segment "{name*}" takes the rest
  AccessRule access;
  RouteKind kind = RouteKind::api;
  Handler handler;
  std::string summary;                      // French, for the OpenAPI document
  std::shared_ptr<const JsonSchema> body;   // the JSON body it reads, if any (OpenAPI)
  std::vector<QueryParam> query;            // accepted query parameters (API: others refused)
  int success_status = 200;
  /// An upload route: the server checks the session, the access rule, the CSRF token and the
  /// query before reading a byte of the body, then streams the body to a temporary file under
  /// its upload folder (Request::body_file) with its own size cap (ServerOptions), instead of
  /// holding it in memory under max_body_bytes.
  bool upload = false;
  /// Upload routes: a check of the route's own, run by Router::admit after the access rule and
  /// the CSRF token, before the body is read (e.g. « an import is already running »: refused at
  /// once rather than after hundreds of MB). Unset: none.
  std::function<Status(const RequestContext&)> before_body = nullptr;
};

struct RouterOptions {
  std::string session_cookie = "maillage_session";
  std::size_t max_body_bytes = 1 << 20;
  /// Cookie token → session; unauthenticated when the token is unknown or expired.
  std::function<Result<services::Session>(const std::string& token)> session;
  /// Renders an error of a page route as HTML (the layout in French); JSON is used when unset.
  std::function<Response(const Error&, const RequestContext&)> error_page;
};

/// The catalogue's JSON body {"code", "message", "field"?} with the catalogue's status. Messages
/// of 5xx errors are replaced by the catalogue's (internal details go to the log only).
Response error_response(const Error& error);

/// Reads a JSON request body: the Content-Type must be application/json (a cross-site HTML form
/// cannot send that without a CORS preflight, which this server never grants), then read_json.
Result<nlohmann::json> read_json_body(const Request& request, const JsonSchema& schema);

/// The Content-Security-Policy of HTML pages: scripts, styles and everything else from the site
/// only (no inline code), images also from data: URLs, never framed.
inline constexpr std::string_view kPageContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
/// The policy of every other answer (API, assets, downloads): nothing may run or load.
inline constexpr std::string_view kOtherContentSecurityPolicy =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Sets the security headers every answer carries (the router calls it on each one; the
/// server's own answers, such as 413 and 503, call it too).
void add_security_headers(Response& r, RouteKind kind);

/// Is the method one that changes state (and so needs a CSRF token)?
bool is_unsafe_method(std::string_view method);

class Router {
 public:
  explicit Router(RouterOptions options);

  /// Adds a route; a duplicate method + pattern is a programming error (std::logic_error).
  void add(Route route);
  [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }

  /// The route for method + path, with the captured parameters; nullptr when none matches.
  const Route* match(std::string_view method, std::string_view path,
                     std::map<std::string, std::string, std::less<>>* params) const;

  /// Runs the pipeline. Never throws: a handler's exception becomes an `internal` error.
  Response handle(Request& request) const;

  /// The upload route (Route::upload) for method + path, nullptr when the request goes to
  /// another route (only upload routes are scanned: the server asks for every request).
  [[nodiscard]] const Route* upload_route(std::string_view method, std::string_view path) const;
  /// For an upload request whose headers have arrived: the checks of handle() that come before
  /// the body (session, access rule, CSRF, query). nullopt when the body may be read; otherwise
  /// the refusal to send (the body is then never read).
  std::optional<Response> admit(Request& request) const;

 private:
  Response render_error(const Route* route, const Error& error, const RequestContext& ctx) const;
  Response run(Request& request, bool admit_only, bool* admitted) const;

  RouterOptions options_;
  std::vector<Route> routes_;
  std::vector<std::size_t> upload_routes_;  // indices in routes_
};

}  // namespace maillage::http
