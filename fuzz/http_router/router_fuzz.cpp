// libFuzzer target for route matching and the router's pipeline (src/http/router.cpp). The input
// is "PATTERN\nMETHOD\nPATH\nQUERY\nCOOKIE\nCSRF\nBODY": PATTERN is added to a table shaped like
// the real one (literal segments, {id}-style parameters, nested parameters, a final {path*}),
// then the request is matched and handled. Checked for every input:
//  - matching never crashes, and a match on a table route gives back the path: the pattern with
//    its captured parameters put back in place is the path (a leading '/' added), no parameter
//    is empty and only a final {name*} parameter spans a '/';
//  - Router::handle never throws and always answers a valid status with the security headers
//    (nosniff, a Content-Security-Policy with frame-ancestors 'none', Referrer-Policy);
//  - a handler behind a session or a role never runs without one (the session lookup here knows
//    one token only), and never on an unsafe method without the right CSRF token;
//  - for an upload route (Route::upload, whose body the server streams to a file), upload_route
//    finds exactly the route match finds, and Router::admit, the checks made before the body is
//    read, lets the body in only with the known session and, on unsafe methods, its CSRF token.
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.hpp"

namespace {

using namespace maillage;
using namespace maillage::http;

constexpr std::string_view kToken = "0123456789abcdef";
constexpr std::string_view kCsrf = "csrf-token-of-the-fuzzer";

std::string_view next_line(std::string_view& rest) {
  const auto nl = rest.find('\n');
  const std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  return line;
}

// Set by a handler when it runs, so the access checks can be verified from outside.
bool g_ran = false;

Handler echo() {
  return [](const RequestContext& ctx) -> Result<Response> {
    g_ran = true;
    std::string body;
    for (const auto& [k, v] : ctx.request.path_params) body += k + "=" + v + ";";
    if (ctx.request.param("fail") == "throw") throw std::runtime_error("handler threw");
    if (ctx.request.param("fail") == "err") return fail(ErrorCode::not_found, "absent", "id");
    return Response::json("\"" + body + "\"");
  };
}

Route route(std::string method, std::string pattern, AccessRule access, RouteKind kind) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.access = std::move(access);
  r.kind = kind;
  r.handler = echo();
  return r;
}

std::vector<Route> table() {
  using services::Role;
  const auto anyone = AccessRule::anyone();
  const auto signed_in = AccessRule::authenticated();
  const auto admins = AccessRule::only({Role::admin});
  std::vector<Route> t{
      route("GET", "/healthz", anyone, RouteKind::api),
      route("POST", "/api/v1/session", anyone, RouteKind::api),
      route("DELETE", "/api/v1/session", signed_in, RouteKind::api),
      route("GET", "/api/v1/communes/{code}", signed_in, RouteKind::api),
      route("GET", "/api/v1/structures/{id}", signed_in, RouteKind::api),
      route("PATCH", "/api/v1/structures/{id}", admins, RouteKind::api),
      route("GET", "/api/v1/structures/{id}/documents/{document}", signed_in, RouteKind::api),
      route("GET", "/api/v1/aci/contracts/{id}/dialogues/{year}/attachments/{piece}", signed_in,
            RouteKind::api),
      route("DELETE", "/api/v1/departements/{dep}/referents/{compte}/{zone}/{code}", admins,
            RouteKind::api),
      route("GET", "/api/v1/fuzz/{fail}", anyone, RouteKind::api),
      route("GET", "/assets/{version}/{path*}", anyone, RouteKind::asset),
      route("GET", "/structures/{id}", signed_in, RouteKind::page),
      route("POST", "/structures/{id}/notes", signed_in, RouteKind::page),
      route("GET", "/", signed_in, RouteKind::page),
      route("POST", "/api/v1/uploads/{id}", signed_in, RouteKind::api),
  };
  t[3].query = {{"limit", "n", false, true}, {"q", "texte", false, false}};
  t.back().upload = true;
  t.back().query = {{"nom", "fichier", true, false}};
  return t;
}

// The pattern with its parameters put back: what the path must have been.
std::string rebuild(std::string_view pattern, const std::map<std::string, std::string, std::less<>>& params) {
  std::string out;
  std::string_view rest = pattern;
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  while (true) {
    const auto slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    out += '/';
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      const bool star = seg[seg.size() - 2] == '*';
      const std::string_view name = seg.substr(1, seg.size() - (star ? 3 : 2));
      const auto it = params.find(name);
      if (it == params.end() || it->second.empty()) __builtin_trap();
      if (!star && it->second.find('/') != std::string::npos) __builtin_trap();
      out += it->second;
    } else {
      out += seg;
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return out;
}

bool has_header(const Response& r, std::string_view name, std::string_view part) {
  return r.header(name).find(part) != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  std::string_view rest = all;
  const std::string pattern(next_line(rest));
  const std::string method(next_line(rest));
  const std::string path(next_line(rest));
  const std::string query(next_line(rest));
  const std::string cookie(next_line(rest));
  const std::string csrf(next_line(rest));

  RouterOptions options;
  options.max_body_bytes = 256;
  options.session = [](const std::string& token) -> Result<services::Session> {
    if (token != kToken) return fail(ErrorCode::unauthenticated, "inconnue");
    services::Session s;
    s.token = token;
    s.csrf = std::string(kCsrf);
    s.principal.user_id = 1;
    s.principal.login = "membre@fuzz";
    s.principal.role = services::Role::member;
    return s;
  };
  Router router(options);
  const std::vector<Route> routes = table();
  for (const auto& r : routes) router.add(r);
  bool extra = false;
  try {
    router.add(route(method, pattern, AccessRule::anyone(), RouteKind::api));
    extra = true;
  } catch (const std::logic_error&) {
    // A duplicate route or a {name*} segment that is not last: refused, as it should be.
  }

  // Matching: the captured parameters rebuild the path.
  std::map<std::string, std::string, std::less<>> params;
  const Route* found = router.match(method, path, &params);
  if (found != nullptr && !(extra && found == &router.routes().back())) {
    const std::string want = !path.empty() && path.front() == '/' ? path : "/" + path;
    if (rebuild(found->pattern, params) != want) __builtin_trap();
    if (found->method != (method == "HEAD" ? std::string("GET") : method)) __builtin_trap();
  }

  // The whole pipeline.
  Request req;
  req.method = method;
  req.path = path;
  req.query = parse_query(query);
  if (!cookie.empty()) req.headers.emplace("Cookie", cookie);
  if (!csrf.empty()) req.headers.emplace("X-CSRF-Token", csrf);
  req.headers.emplace("Content-Type", "application/json");
  req.body = std::string(rest);
  g_ran = false;
  const Response res = router.handle(req);
  if (res.status < 100 || res.status > 599) __builtin_trap();
  if (!has_header(res, "X-Content-Type-Options", "nosniff")) __builtin_trap();
  if (!has_header(res, "Content-Security-Policy", "frame-ancestors 'none'")) __builtin_trap();
  if (res.header("Referrer-Policy").empty()) __builtin_trap();

  const Route* ran = router.match(method, path, nullptr);
  if (g_ran && ran != nullptr && ran->access.kind != Access::anyone) {
    // Signed in: only with the one known token, and with its CSRF token on unsafe methods.
    const auto token = req.cookie("maillage_session");
    if (!token || *token != kToken) __builtin_trap();
    if (ran->access.kind == Access::roles) __builtin_trap();  // the member is no admin
    std::string sent = csrf;
    if (sent.empty() && ran->kind == RouteKind::page) {
      const Params form = req.form();
      if (auto it = form.find("csrf"); it != form.end()) sent = it->second;
    }
    if (is_unsafe_method(method) && sent != kCsrf) __builtin_trap();
  }
  if (g_ran && req.body.size() > options.max_body_bytes) __builtin_trap();

  // Upload routes: found as match finds them; admitted only with the session and CSRF token.
  const Route* upload = router.upload_route(method, path);
  const Route* first = router.match(method, path, nullptr);
  if (upload != nullptr && (upload != first || !upload->upload)) __builtin_trap();
  if (first != nullptr && first->upload && method != "HEAD" && upload != first) __builtin_trap();
  if (upload != nullptr) {
    Request head;
    head.method = method;
    head.path = path;
    head.query = parse_query(query);
    if (!cookie.empty()) head.headers.emplace("Cookie", cookie);
    if (!csrf.empty()) head.headers.emplace("X-CSRF-Token", csrf);
    g_ran = false;
    const auto verdict = router.admit(head);
    if (g_ran) __builtin_trap();  // admit never runs the handler
    if (verdict) {
      if (verdict->status < 400 || verdict->status > 599) __builtin_trap();
      if (!has_header(*verdict, "Content-Security-Policy", "frame-ancestors 'none'")) {
        __builtin_trap();
      }
    } else {
      const auto token = head.cookie("maillage_session");
      if (!token || *token != kToken || csrf != kCsrf) __builtin_trap();
      if (head.query.find("nom") == head.query.end()) __builtin_trap();
    }
  }
  return 0;
}
