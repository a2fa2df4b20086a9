#include "http/router.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "common/error_catalogue.hpp"
#include "common/text_check.hpp"

namespace maillage::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// Matches `path` against `pattern`; fills params when given.
bool match_pattern(std::string_view pattern, std::string_view path,
                   std::map<std::string, std::string, std::less<>>* params) {
  auto want = split_path(pattern);
  auto got = split_path(path);
  std::map<std::string, std::string, std::less<>> captured;
  for (std::size_t i = 0; i < want.size(); ++i) {
    std::string_view w = want[i];
    bool is_param = w.size() > 2 && w.front() == '{' && w.back() == '}';
    if (is_param && w[w.size() - 2] == '*') {
      // The rest of the path, which must not be empty.
      if (i >= got.size()) return false;
      std::string rest;
      for (std::size_t j = i; j < got.size(); ++j) {
        if (j > i) rest += '/';
        rest += got[j];
      }
      if (rest.empty()) return false;
      captured[std::string(w.substr(1, w.size() - 3))] = std::move(rest);
      if (params) *params = std::move(captured);
      return true;
    }
    if (i >= got.size()) return false;
    if (is_param) {
      if (got[i].empty()) return false;
      captured[std::string(w.substr(1, w.size() - 2))] = std::string(got[i]);
    } else if (w != got[i]) {
      return false;
    }
  }
  if (got.size() != want.size()) return false;
  if (params) *params = std::move(captured);
  return true;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace

// Headers every answer carries (pages, API, assets, errors, downloads). Pages get a strict
// Content-Security-Policy: every script and style is a file served by the binary, none inline
// (tests/http/security_headers_test.cpp also checks the templates for inline code). Every other
// answer gets a policy that allows nothing at all, so that a JSON answer, an uploaded file or an
// error opened directly in a tab can run nothing and be framed by no one.
void add_security_headers(Response& r, RouteKind kind) {
  r.set_header("X-Content-Type-Options", "nosniff");
  r.set_header("Referrer-Policy", "same-origin");
  r.set_header("X-Frame-Options", "DENY");
  r.set_header("Cross-Origin-Opener-Policy", "same-origin");
  if (kind == RouteKind::page) {
    r.set_header("Content-Security-Policy", std::string(kPageContentSecurityPolicy));
  } else {
    r.set_header("Content-Security-Policy", std::string(kOtherContentSecurityPolicy));
  }
}

namespace {

std::string with_query(const Request& req) {
  if (req.query.empty()) return req.path;
  std::string out = req.path;
  char sep = '?';
  for (const auto& [k, v] : req.query) {
    out += sep;
    out += url_encode(k) + "=" + url_encode(v);
    sep = '&';
  }
  return out;
}

Status check_query(const Route& route, const Request& req) {
  for (const auto& entry : req.query) {
    // Plain references, not a structured binding: lambdas capture those only from clang 16 on,
    // and the fuzz preset builds this file with Debian's clang 14.
    const std::string& name = entry.first;
    const std::string& value = entry.second;
    auto spec = std::find_if(route.query.begin(), route.query.end(),
                             [&name](const QueryParam& q) { return q.name == name; });
    if (spec == route.query.end()) {
      return fail(ErrorCode::unknown_field, "paramètre inconnu", name);
    }
    if (spec->integer) {
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || ec != std::errc{} || end != value.data() + value.size()) {
        return fail(ErrorCode::wrong_type, "type attendu : entier", name);
      }
    }
  }
  for (const auto& q : route.query) {
    if (q.required && req.query.find(q.name) == req.query.end()) {
      return fail(ErrorCode::missing_field, "paramètre obligatoire manquant", q.name);
    }
  }
  return {};
}

// Every text a request carries in its query or a form body: a NUL byte or bytes that are not
// UTF-8 are refused with the field named, before any handler reads them (JSON strings are checked
// by the schema reader; uploaded files by their importers).
Status check_text_fields(const Request& req) {
  auto check = [](const Params& params) -> Status {
    for (const auto& entry : params) {
      const TextCheck c = check_text(entry.second);
      if (c) continue;
      return fail(ErrorCode::invalid_input,
                  c.fault == TextFault::nul_byte ? "caractère nul refusé"
                                                 : "texte non UTF-8 refusé (encodage attendu : UTF-8)",
                  entry.first);
    }
    return {};
  };
  if (auto st = check(req.query); !st) return st;
  if (req.header("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
    return check(req.form());
  }
  return {};
}

}  // namespace

AccessRule AccessRule::anyone() { return AccessRule{Access::anyone, {}}; }
AccessRule AccessRule::authenticated() { return AccessRule{Access::authenticated, {}}; }
AccessRule AccessRule::only(std::vector<services::Role> roles) {
  return AccessRule{Access::roles, std::move(roles)};
}

bool AccessRule::allows(const services::Principal* who) const {
  switch (kind) {
    case Access::anyone: return true;
    case Access::authenticated: return who != nullptr;
    case Access::roles:
      return who != nullptr && std::find(roles.begin(), roles.end(), who->role) != roles.end();
  }
  return false;
}

std::string AccessRule::describe() const {
  switch (kind) {
    case Access::anyone: return "public";
    case Access::authenticated: return "authenticated";
    case Access::roles: {
      std::vector<std::string_view> ids;
      for (auto r : roles) ids.push_back(services::role_id(r));
      return fmt::format("roles: {}", fmt::join(ids, ", "));
    }
  }
  return "?";
}

Result<nlohmann::json> read_json_body(const Request& request, const JsonSchema& schema) {
  std::string type = request.header("Content-Type");
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (type.rfind("application/json", 0) != 0) {
    return fail(ErrorCode::invalid_input, "Content-Type: application/json attendu",
                "Content-Type");
  }
  return read_json(request.body, schema);
}

bool is_unsafe_method(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

Response error_response(const Error& error) {
  const ErrorInfo& info = error_info(error.code);
  nlohmann::json body;
  body["code"] = info.id;
  // A 5xx message may carry internals (SQL, paths): users get the catalogue's words.
  body["message"] = (info.http_status >= 500 || error.message.empty()) ? std::string(info.message)
                                                                        : error.message;
  if (!error.field.empty()) body["field"] = error.field;
  Response r = Response::json(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                              info.http_status);
  if (error.code == ErrorCode::rate_limited) {
    // The service knows when the oldest counted failure leaves the window; a minute otherwise.
    r.set_header("Retry-After",
                 std::to_string(error.retry_after_s > 0 ? error.retry_after_s : 60));
  }
  return r;
}

Router::Router(RouterOptions options) : options_(std::move(options)) {}

void Router::add(Route route) {
  // A "{name*}" segment takes the rest of the path, so it can only be the last one.
  if (auto star = route.pattern.find("*}"); star != std::string::npos &&
                                            star + 2 != route.pattern.size()) {
    throw std::logic_error("a {name*} segment must end the pattern: " + route.pattern);
  }
  for (const auto& r : routes_) {
    if (r.method == route.method && r.pattern == route.pattern) {
      throw std::logic_error("duplicate route " + route.method + " " + route.pattern);
    }
  }
  if (route.upload) upload_routes_.push_back(routes_.size());
  routes_.push_back(std::move(route));
}

const Route* Router::upload_route(std::string_view method, std::string_view path) const {
  for (std::size_t i : upload_routes_) {
    const Route& r = routes_[i];
    if (r.method == method && match_pattern(r.pattern, path, nullptr)) {
      // The first route of the table for this request must be the upload route itself.
      return match(method, path, nullptr) == &r ? &r : nullptr;
    }
  }
  return nullptr;
}

std::optional<Response> Router::admit(Request& req) const {
  bool admitted = false;
  Response r = run(req, true, &admitted);
  if (admitted) return std::nullopt;
  return r;
}

const Route* Router::match(std::string_view method, std::string_view path,
                           std::map<std::string, std::string, std::less<>>* params) const {
  std::string_view m = method == "HEAD" ? std::string_view("GET") : method;
  for (const auto& r : routes_) {
    if (r.method == m && match_pattern(r.pattern, path, params)) return &r;
  }
  return nullptr;
}

Response Router::render_error(const Route* route, const Error& error,
                              const RequestContext& ctx) const {
  const ErrorInfo& info = error_info(error.code);
  if (info.http_status >= 500) {
    spdlog::error("request_id={} {} {}: {}", ctx.request.request_id, ctx.request.method,
                  ctx.request.path, error.describe());
  }
  bool page = route ? route->kind == RouteKind::page
                    : ctx.request.path.rfind("/api/", 0) != 0 && ctx.request.path != "/healthz";
  Response r = page && options_.error_page ? options_.error_page(error, ctx) : error_response(error);
  // The code also travels in a header, so that htmx handlers, logs and the authorisation test
  // can tell "refused" from other failures without parsing an HTML page.
  r.set_header("X-Error-Code", std::string(info.id));
  return r;
}

Response Router::handle(Request& req) const { return run(req, false, nullptr); }

Response Router::run(Request& req, bool admit_only, bool* admitted) const {
  RequestContext ctx{req, std::nullopt};
  const Route* route = match(req.method, req.path, &req.path_params);
  Response res;

  auto finish = [&](Response r) {
    // An HTML answer without a page route (the 404 page) still needs its stylesheet.
    const bool html = r.content_type.rfind("text/html", 0) == 0;
    add_security_headers(r, html ? RouteKind::page : route ? route->kind : RouteKind::api);
    if (r.header("Cache-Control").empty()) r.set_header("Cache-Control", "no-store");
    if (ctx.session) r.user = ctx.session->principal.login;
    return r;
  };

  if (route == nullptr) {
    // 405 when another method exists for the path: tells API clients what went wrong.
    std::vector<std::string> allowed;
    for (const auto& r : routes_) {
      if (match_pattern(r.pattern, req.path, nullptr)) allowed.push_back(r.method);
    }
    if (!allowed.empty()) {
      Response r = render_error(nullptr, Error{ErrorCode::method_not_allowed, {}, "method", {}, 0},
                                ctx);
      r.set_header("Allow", fmt::format("{}", fmt::join(allowed, ", ")));
      return finish(std::move(r));
    }
    return finish(render_error(nullptr, Error{ErrorCode::not_found, {}, {}, {}, 0}, ctx));
  }

  // Session from the cookie. An unknown or expired token is the same as no cookie; a failing
  // database is an error (never silently "anonymous").
  bool stale_cookie = false;
  // Static assets are the same for everyone: no session lookup (a database read) for them.
  auto session_token =
      route->kind == RouteKind::asset ? std::nullopt : req.cookie(options_.session_cookie);
  if (session_token && !session_token->empty()) {
    if (!options_.session) {
      stale_cookie = true;
    } else if (auto s = options_.session(*session_token)) {
      ctx.session = std::move(*s);
    } else if (s.error().code == ErrorCode::unauthenticated) {
      stale_cookie = true;
    } else {
      return finish(render_error(route, s.error(), ctx));
    }
  }

  auto respond = [&]() -> Response {
    if (!route->access.allows(ctx.principal())) {
      if (ctx.principal() == nullptr) {
        if (route->kind == RouteKind::page && req.method == "GET") {
          return Response::redirect("/connexion?suite=" + url_encode(with_query(req)));
        }
        return render_error(route, Error{ErrorCode::unauthenticated, {}, {}, {}, 0}, ctx);
      }
      return render_error(route, Error{ErrorCode::forbidden, {}, {}, {}, 0}, ctx);
    }
    // Routes behind a session need its CSRF token on unsafe methods: header for API calls
    // (X-CSRF-Token), form field `csrf` or the header (htmx) for pages. Public unsafe routes
    // (login) protect themselves: double-submit cookie for the form, JSON content type for the API.
    if (is_unsafe_method(req.method) && route->access.kind != Access::anyone) {
      std::string token = req.header("X-CSRF-Token");
      if (token.empty() && route->kind == RouteKind::page) {
        auto form = req.form();
        if (auto it = form.find("csrf"); it != form.end()) token = it->second;
      }
      if (!ctx.session || token.empty() || !constant_time_equal(token, ctx.session->csrf)) {
        return render_error(route, Error{ErrorCode::csrf_invalid, {}, {}, {}, 0}, ctx);
      }
    }
    if (admit_only) {
      // Everything that does not need the body has passed: the server may read it now.
      if (auto st = check_text_fields(req); !st) return render_error(route, st.error(), ctx);
      if (route->kind == RouteKind::api) {
        if (auto st = check_query(*route, req); !st) return render_error(route, st.error(), ctx);
      }
      if (route->before_body) {
        Status st = fail(ErrorCode::internal, "no answer");
        try {
          st = route->before_body(ctx);
        } catch (const std::exception& e) {
          st = fail(ErrorCode::internal, e.what());
        }
        if (!st) return render_error(route, st.error(), ctx);
      }
      *admitted = true;
      return Response{};
    }
    if (req.body.size() > options_.max_body_bytes) {
      return render_error(route, Error{ErrorCode::body_too_large, {}, {}, {}, 0}, ctx);
    }
    if (auto st = check_text_fields(req); !st) return render_error(route, st.error(), ctx);
    if (route->kind == RouteKind::api) {
      if (auto st = check_query(*route, req); !st) return render_error(route, st.error(), ctx);
    }
    Result<Response> out = fail(ErrorCode::internal, "no response");
    try {
      out = route->handler(ctx);
    } catch (const std::exception& e) {
      out = fail(ErrorCode::internal, e.what());
    }
    if (!out) return render_error(route, out.error(), ctx);
    return std::move(*out);
  };

  Response r = respond();
  if (stale_cookie && !ctx.session && r.header("Set-Cookie").empty()) {
    // Tell the browser to drop a cookie that no longer names a session.
    r.headers.emplace("Set-Cookie", options_.session_cookie +
                                        "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
  }
  return finish(std::move(r));
}

}  // namespace maillage::http
