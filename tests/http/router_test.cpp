#include "http/router.hpp"

#include "http/compress.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace maillage::http {
namespace {

using services::Role;
using nlohmann::json;

services::Session session_for(Role role) {
  services::Session s;
  s.token = "tok-" + std::string(services::role_id(role));
  s.csrf = "csrf-" + std::string(services::role_id(role));
  s.principal.login = std::string(services::role_id(role)) + "@test";
  s.principal.role = role;
  return s;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : router_(options()) {
    auto ok = [](const char* body) {
      return [body](const RequestContext&) -> Result<Response> { return Response::json(body); };
    };
    router_.add({"GET", "/api/v1/public", AccessRule::anyone(), RouteKind::api, ok("{}"), "", {}, {}});
    router_.add({"GET", "/api/v1/private", AccessRule::authenticated(), RouteKind::api, ok("{}"), "",
                 {}, {{"q", "", true, false}, {"limit", "", false, true}}});
    router_.add({"POST", "/api/v1/private", AccessRule::authenticated(), RouteKind::api,
                 ok("{\"posted\":true}"), "", {}, {}});
    router_.add({"GET", "/api/v1/admin", AccessRule::only({Role::admin}), RouteKind::api, ok("{}"),
                 "", {}, {}});
    router_.add({"GET", "/api/v1/items/{id}/parts/{part}", AccessRule::anyone(), RouteKind::api,
                 [](const RequestContext& ctx) -> Result<Response> {
                   return Response::json(
                       json{{"id", ctx.request.param("id")}, {"part", ctx.request.param("part")}}
                           .dump());
                 },
                 "", {}, {}});
    router_.add({"GET", "/files/{path*}", AccessRule::anyone(), RouteKind::asset,
                 [](const RequestContext& ctx) -> Result<Response> {
                   return Response::json(json{{"path", ctx.request.param("path")}}.dump());
                 },
                 "", {}, {}});
    router_.add({"GET", "/page", AccessRule::authenticated(), RouteKind::page, ok("{}"), "", {}, {}});
    router_.add({"POST", "/form", AccessRule::authenticated(), RouteKind::page, ok("{}"), "", {}, {}});
    router_.add({"GET", "/api/v1/throws", AccessRule::anyone(), RouteKind::api,
                 [](const RequestContext&) -> Result<Response> {
                   throw std::runtime_error("secret detail");
                 },
                 "", {}, {}});
    router_.add({"GET", "/api/v1/db", AccessRule::anyone(), RouteKind::api,
                 [](const RequestContext&) -> Result<Response> {
                   return fail(ErrorCode::db_error, "SELECT * FROM secret failed");
                 },
                 "", {}, {}});
  }

  static RouterOptions options() {
    RouterOptions o;
    o.max_body_bytes = 64;
    o.session = [](const std::string& token) -> Result<services::Session> {
      for (auto r : services::all_roles()) {
        auto s = session_for(r);
        if (s.token == token) return s;
      }
      if (token == "broken-db") return fail(ErrorCode::db_error, "database is gone");
      return fail(ErrorCode::unauthenticated, "");
    };
    return o;
  }

  Response call(std::string method, std::string target, std::optional<Role> role = {},
                std::string body = {}, Headers headers = {}) {
    Request req;
    req.method = std::move(method);
    auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = parse_query(target.substr(q + 1));
    req.headers = std::move(headers);
    if (role) req.headers.emplace("Cookie", "other=1; maillage_session=" + session_for(*role).token);
    req.body = std::move(body);
    return router_.handle(req);
  }

  static json body_of(const Response& r) { return json::parse(r.body); }

  Router router_;
};

TEST_F(RouterTest, UnknownPathIs404FromTheCatalogue) {
  Response r = call("GET", "/api/v1/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(body_of(r)["code"], "not_found");
  EXPECT_FALSE(body_of(r)["message"].get<std::string>().empty());
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  Response r = call("DELETE", "/api/v1/private");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "GET, POST");
  EXPECT_EQ(body_of(r)["code"], "method_not_allowed");
}

TEST_F(RouterTest, AnonymousGets401OnApiAndARedirectOnPages) {
  EXPECT_EQ(call("GET", "/api/v1/private?q=x").status, 401);
  EXPECT_EQ(body_of(call("GET", "/api/v1/private?q=x"))["code"], "unauthenticated");
  Response page = call("GET", "/page");
  EXPECT_EQ(page.status, 303);
  EXPECT_EQ(page.header("Location"), "/connexion?suite=%2Fpage");
}

TEST_F(RouterTest, RoleRuleGives403ToOtherRoles) {
  EXPECT_EQ(call("GET", "/api/v1/admin", Role::admin).status, 200);
  Response r = call("GET", "/api/v1/admin", Role::roc);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(body_of(r)["code"], "forbidden");
}

TEST_F(RouterTest, UnsafeMethodNeedsTheSessionCsrfToken) {
  EXPECT_EQ(body_of(call("POST", "/api/v1/private", Role::member))["code"], "csrf_invalid");
  Headers wrong{{"X-CSRF-Token", "csrf-admin"}};
  EXPECT_EQ(call("POST", "/api/v1/private", Role::member, "", wrong).status, 403);
  Headers right{{"X-CSRF-Token", "csrf-member"}};
  EXPECT_EQ(call("POST", "/api/v1/private", Role::member, "", right).status, 200);
}

TEST_F(RouterTest, PageFormsMayCarryTheTokenInAField) {
  EXPECT_EQ(call("POST", "/form", Role::roc, "csrf=nope").status, 403);
  EXPECT_EQ(call("POST", "/form", Role::roc, "a=1&csrf=csrf-roc").status, 200);
}

TEST_F(RouterTest, QueryParametersAreChecked) {
  Response unknown = call("GET", "/api/v1/private?q=a&debug=1", Role::member);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(body_of(unknown)["code"], "unknown_field");
  EXPECT_EQ(body_of(unknown)["field"], "debug");
  Response missing = call("GET", "/api/v1/private", Role::member);
  EXPECT_EQ(body_of(missing)["code"], "missing_field");
  EXPECT_EQ(body_of(missing)["field"], "q");
  Response type = call("GET", "/api/v1/private?q=a&limit=ten", Role::member);
  EXPECT_EQ(body_of(type)["code"], "wrong_type");
  EXPECT_EQ(body_of(type)["field"], "limit");
  EXPECT_EQ(call("GET", "/api/v1/private?q=a&limit=10", Role::member).status, 200);
}

TEST_F(RouterTest, NulBytesAndBadUtf8InQueriesAndFormsAreRefusedWithTheFieldNamed) {
  Response nul = call("GET", "/api/v1/private?q=a%00b", Role::member);
  EXPECT_EQ(nul.status, 400);
  EXPECT_EQ(body_of(nul)["code"], "invalid_input");
  EXPECT_EQ(body_of(nul)["field"], "q");
  Response latin1 = call("GET", "/api/v1/private?q=caf%E9", Role::member);
  EXPECT_EQ(body_of(latin1)["code"], "invalid_input");
  EXPECT_EQ(body_of(latin1)["field"], "q");
  EXPECT_EQ(call("GET", "/api/v1/private?q=caf%C3%A9", Role::member).status, 200);

  Headers form{{"Content-Type", "application/x-www-form-urlencoded"}};
  Response f = call("POST", "/form", Role::roc, "csrf=csrf-roc&nom=A%00B", form);
  EXPECT_EQ(f.status, 400);
  EXPECT_NE(f.body.find("nom"), std::string::npos);
  EXPECT_EQ(call("POST", "/form", Role::roc, "csrf=csrf-roc&nom=Th%C3%A9o", form).status, 200);
}

TEST_F(RouterTest, OversizeBodyIs413) {
  Headers csrf{{"X-CSRF-Token", "csrf-member"}};
  Response r = call("POST", "/api/v1/private", Role::member, std::string(65, 'x'), csrf);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(body_of(r)["code"], "body_too_large");
}

TEST_F(RouterTest, PathParametersAreCaptured) {
  Response r = call("GET", "/api/v1/items/42/parts/roue");
  EXPECT_EQ(body_of(r)["id"], "42");
  EXPECT_EQ(body_of(r)["part"], "roue");
  EXPECT_EQ(call("GET", "/api/v1/items/42/parts").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/items//parts/x").status, 404);
  EXPECT_EQ(body_of(call("GET", "/files/a/b/c.js"))["path"], "a/b/c.js");
  EXPECT_EQ(call("GET", "/files/").status, 404);
}

TEST_F(RouterTest, ExceptionsBecomeInternalErrorsWithoutDetails) {
  Response r = call("GET", "/api/v1/throws");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(body_of(r)["code"], "internal");
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  Response db = call("GET", "/api/v1/db");
  EXPECT_EQ(db.status, 500);
  EXPECT_EQ(db.body.find("secret"), std::string::npos);
}

TEST_F(RouterTest, UnknownSessionIsAnonymousAndTheCookieIsCleared) {
  Request req;
  req.method = "GET";
  req.path = "/api/v1/public";
  req.headers.emplace("Cookie", "maillage_session=expired");
  Response r = router_.handle(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
}

TEST_F(RouterTest, FailingSessionStoreIsAnErrorNotAnonymous) {
  Request req;
  req.method = "GET";
  req.path = "/api/v1/public";
  req.headers.emplace("Cookie", "maillage_session=broken-db");
  EXPECT_EQ(router_.handle(req).status, 500);
}

TEST_F(RouterTest, AssetsDoNotLookTheSessionUp) {
  Request req;
  req.method = "GET";
  req.path = "/files/app.css";
  req.headers.emplace("Cookie", "maillage_session=broken-db");  // would fail if looked up
  EXPECT_EQ(router_.handle(req).status, 200);
}

TEST_F(RouterTest, EveryAnswerHasSecurityAndCacheHeaders) {
  Response r = call("GET", "/api/v1/public");
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  EXPECT_EQ(r.user, "");
  EXPECT_EQ(call("GET", "/api/v1/admin", Role::admin).user, "admin@test");
}

TEST_F(RouterTest, DuplicateRouteIsAProgrammingError) {
  EXPECT_THROW(router_.add({"GET", "/page", AccessRule::anyone(), RouteKind::page, {}, "", {}, {}}),
               std::logic_error);
  // A {name*} segment takes the rest of the path: anything after it could never match.
  EXPECT_THROW(router_.add({"GET", "/x/{rest*}/y", AccessRule::anyone(), RouteKind::api, {}, "",
                            {}, {}}),
               std::logic_error);
}

TEST_F(RouterTest, EveryAnswerHasAContentSecurityPolicy) {
  const Response api = call("GET", "/api/v1/public");
  EXPECT_EQ(api.header("Content-Security-Policy"), kOtherContentSecurityPolicy);
  const Response missing = call("GET", "/api/v1/nothing-here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("Content-Security-Policy"), kOtherContentSecurityPolicy);
  const Response page = call("GET", "/page", Role::member);
  EXPECT_EQ(page.header("Content-Security-Policy"), kPageContentSecurityPolicy);
  EXPECT_NE(kPageContentSecurityPolicy.find("frame-ancestors 'none'"), std::string_view::npos);
  EXPECT_EQ(kPageContentSecurityPolicy.find("unsafe-inline"), std::string_view::npos);
}

TEST(Caching, EtagAnd304) {
  Request req;
  Response r = Response::json("{\"a\":1}");
  make_cacheable(req, r, "private, max-age=60");
  std::string etag = r.header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Cache-Control"), "private, max-age=60");

  req.headers.emplace("If-None-Match", "\"other\", W/" + etag);
  Response again = Response::json("{\"a\":1}");
  make_cacheable(req, again, "private, max-age=60");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  Request changed;
  changed.headers.emplace("If-None-Match", etag);
  Response other = Response::json("{\"a\":2}");
  make_cacheable(changed, other, "private");
  EXPECT_EQ(other.status, 200);
}

TEST(ErrorResponse, CarriesCodeMessageAndField) {
  Response r = error_response(Error{ErrorCode::missing_field, "manque", "$.nom", {}, 0});
  EXPECT_EQ(r.status, 400);
  auto b = json::parse(r.body);
  EXPECT_EQ(b["code"], "missing_field");
  EXPECT_EQ(b["message"], "manque");
  EXPECT_EQ(b["field"], "$.nom");
  Response d = error_response(Error{ErrorCode::invalid_input, "", "", {}, 0});
  EXPECT_EQ(json::parse(d.body)["message"], "Valeur invalide.");
  EXPECT_FALSE(json::parse(d.body).contains("field"));
}

TEST(Compression, AcceptEncoding) {
  EXPECT_EQ(accepted_encoding("gzip, deflate, br", true), Encoding::br);
  EXPECT_EQ(accepted_encoding("gzip, deflate, br", false), Encoding::gzip);
  EXPECT_EQ(accepted_encoding("br;q=0, GZIP", true), Encoding::gzip);
  EXPECT_EQ(accepted_encoding("gzip;q=0.0", true), Encoding::identity);
  EXPECT_EQ(accepted_encoding("*", true), Encoding::br);
  EXPECT_EQ(accepted_encoding("", true), Encoding::identity);
  EXPECT_EQ(accepted_encoding("identity", true), Encoding::identity);
  EXPECT_TRUE(compressible("application/json"));
  EXPECT_TRUE(compressible("text/html; charset=utf-8"));
  EXPECT_FALSE(compressible("image/png"));
}

TEST(Compression, EncodedBodyFollowsTheRequest) {
  Request req;
  req.headers.emplace("Accept-Encoding", "gzip");
  Response r;
  set_encoded_body(req, r, "plain", "gz", "br");
  EXPECT_EQ(r.body, "gz");
  EXPECT_EQ(r.header("Content-Encoding"), "gzip");
  Response none;
  set_encoded_body(Request{}, none, "plain", "gz", "br");
  EXPECT_EQ(none.body, "plain");
  EXPECT_EQ(none.header("Content-Encoding"), "");
  EXPECT_EQ(none.header("Vary"), "Accept-Encoding");
  std::string text(5000, 'a');
  EXPECT_LT(gzip_compress(text).size(), 100u);
  EXPECT_LT(brotli_compress(text).size(), 100u);
}

TEST(Message, CookiesQueryAndUrlDecoding) {
  Request req;
  req.headers.emplace("cookie", "a=1; maillage_session = abc ;b=2");
  EXPECT_EQ(req.cookie("maillage_session"), "abc");
  EXPECT_EQ(req.cookie("b"), "2");
  EXPECT_FALSE(req.cookie("c").has_value());
  auto q = parse_query("q=Saint%20Avold&x=a+b&flag&&=v");
  EXPECT_EQ(q.find("q")->second, "Saint Avold");
  EXPECT_EQ(q.find("x")->second, "a b");
  EXPECT_EQ(q.find("flag")->second, "");
  EXPECT_EQ(url_decode("%zz%4", false), "%zz%4");
  EXPECT_EQ(url_encode("/carte/57?a=é"), "%2Fcarte%2F57%3Fa%3D%C3%A9");
}

}  // namespace
}  // namespace maillage::http
