// The API with the whole server in-process on an ephemeral port, on SQLite and on PostgreSQL.
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>
#include <thread>

#include "http/compress.hpp"
#include "http/router.hpp"
#include "http/test_server.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

// The access log goes to a ring buffer the tests can read (the server looks up the logger
// named "access" when it is created).
std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> access_sink() {
  static auto sink = [] {
    auto s = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(4096);
    auto logger = std::make_shared<spdlog::logger>("access", s);
    logger->set_pattern("%v");
    spdlog::register_logger(logger);
    return s;
  }();
  return sink;
}

class Api : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    access_sink();
    server_ = std::make_unique<TestServer>(GetParam(), [](app::Config& c) {
      c.max_failed_logins = 3;
    });
  }
  void TearDown() override { server_.reset(); }

  static json body(const httplib::Result& r) { return json::parse(r->body); }

  std::unique_ptr<TestServer> server_;
};

TEST_P(Api, HealthzAndRequestId) {
  auto r = server_->get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(body(r)["status"], "ok");
  EXPECT_GE(body(r)["schema_version"].get<int>(), 1);
  EXPECT_EQ(r->get_header_value("X-Request-Id").size(), 16u);

  auto mine = server_->get("/healthz", {}, {{"X-Request-Id", "essai-42"}});
  EXPECT_EQ(mine->get_header_value("X-Request-Id"), "essai-42");
  // A request id that could forge log fields is replaced.
  auto forged = server_->get("/healthz", {}, {{"X-Request-Id", "a b=c"}});
  EXPECT_NE(forged->get_header_value("X-Request-Id"), "a b=c");
}

TEST_P(Api, AccessLogHasOneStructuredLinePerRequest) {
  auto me = server_->sign_in(Role::roc);
  // X-Forwarded-For is ignored unless trust_proxy is set (see ApiConfig.TrustProxy).
  auto r = server_->get("/api/v1/communes/57463", me,
                        {{"X-Request-Id", "journal-1"}, {"X-Forwarded-For", "203.0.113.9"}});
  ASSERT_TRUE(r);
  // The logger runs after the answer is written: wait for the line (no timing assertion).
  const std::regex line(
      R"(request_id=journal-1 method=GET path=/api/v1/communes/57463 status=200 )"
      R"(duration_ms=[0-9]+\.[0-9]{3} bytes=[0-9]+ user=roc1\.moselle@demo\.maillage\.fr remote=127\.0\.0\.1)");
  bool found = false;
  for (int i = 0; i < 200 && !found; ++i) {
    for (const auto& l : access_sink()->last_formatted()) {
      if (std::regex_search(l, line)) found = true;
    }
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(found) << "no matching access log line";
}

TEST_P(Api, SessionLifecycleThroughTheApi) {
  // Wrong password.
  auto bad = server_->post_json("/api/v1/session",
                                R"({"identifiant":"roc1.moselle@demo.maillage.fr","mot_de_passe":"non"})");
  EXPECT_EQ(bad->status, 401);
  EXPECT_EQ(body(bad)["code"], "bad_credentials");

  json creds{{"identifiant", server_->login_of(Role::roc)},
             {"mot_de_passe", std::string(services::kDemoPassword)}};
  auto ok = server_->post_json("/api/v1/session", creds.dump());
  ASSERT_EQ(ok->status, 201) << ok->body;
  std::string cookie = set_cookie_header(*ok, "maillage_session");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // off by default on loopback http
  SignedIn me{"maillage_session=" + set_cookie_value(*ok, "maillage_session"),
              body(ok)["csrf"].get<std::string>()};
  EXPECT_EQ(body(ok)["utilisateur"]["role"], "roc");
  EXPECT_EQ(body(ok)["utilisateur"]["departements"], json::array({"57"}));

  auto who = server_->get("/api/v1/me", me);
  ASSERT_EQ(who->status, 200);
  EXPECT_EQ(body(who)["utilisateur"]["identifiant"], server_->login_of(Role::roc));
  EXPECT_EQ(body(who)["csrf"], me.csrf);

  // Logout needs the CSRF token.
  auto cli = server_->client();
  auto no_token = cli.Delete("/api/v1/session", {{"Cookie", me.cookie}});
  EXPECT_EQ(no_token->status, 403);
  EXPECT_EQ(body(no_token)["code"], "csrf_invalid");
  auto out = cli.Delete("/api/v1/session", {{"Cookie", me.cookie}, {"X-CSRF-Token", me.csrf}});
  EXPECT_EQ(out->status, 204);
  EXPECT_NE(set_cookie_header(*out, "maillage_session").find("Max-Age=0"), std::string::npos);

  auto after = server_->get("/api/v1/me", me);
  EXPECT_EQ(after->status, 401);
  EXPECT_EQ(body(after)["code"], "unauthenticated");
}

TEST_P(Api, LoginIsRateLimited) {
  const std::string wrong =
      R"({"identifiant":"membre@demo.maillage.fr","mot_de_passe":"mauvais-mot-de-passe"})";
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(server_->post_json("/api/v1/session", wrong)->status, 401) << i;
  }
  auto limited = server_->post_json("/api/v1/session", wrong);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(body(limited)["code"], "rate_limited");
  // Until the first failure leaves the 15-minute window (a few milliseconds have passed).
  const int retry = std::stoi(limited->get_header_value("Retry-After", 0));
  EXPECT_GT(retry, 14 * 60);
  EXPECT_LE(retry, 15 * 60);
  // Even the right password is refused while limited.
  json right{{"identifiant", "membre@demo.maillage.fr"},
             {"mot_de_passe", std::string(services::kDemoPassword)}};
  EXPECT_EQ(server_->post_json("/api/v1/session", right.dump())->status, 429);
}

TEST_P(Api, LoginWantsJson) {
  auto cli = server_->client();
  auto r = cli.Post("/api/v1/session",
                    "identifiant=admin%40demo.maillage.fr&mot_de_passe=demo-maillage-2026",
                    "application/x-www-form-urlencoded");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body(r)["field"], "Content-Type");
}

TEST_P(Api, BadRequestsGet4xxWithTheFieldNamed) {
  auto admin = server_->sign_in(Role::admin);
  struct Case {
    std::string body;
    int status;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases{
      {"{\"identifiant\":", 400, "invalid_json", ""},
      {"[]", 400, "wrong_type", "$"},
      {R"({"identifiant":"x@y.fr","nom":12,"mot_de_passe":"0123456789","role":"admin"})", 400,
       "wrong_type", "$.nom"},
      {R"({"identifiant":"x@y.fr","nom":"X","mot_de_passe":"0123456789","role":"admin","age":3})",
       400, "unknown_field", "$.age"},
      {R"({"identifiant":"x@y.fr","nom":"X","role":"admin"})", 400, "missing_field",
       "$.mot_de_passe"},
      {R"({"identifiant":"x@y.fr","nom":"X","mot_de_passe":"court","role":"admin"})", 400,
       "invalid_input", "$.mot_de_passe"},
      {R"({"identifiant":"x@y.fr","nom":"X","mot_de_passe":"0123456789","role":"roc"})", 400,
       "missing_field", "$.departements"},
      {R"({"identifiant":"x@y.fr","nom":"X","mot_de_passe":"0123456789","role":"roc","departements":["57"],"regions":["44"]})",
       400, "invalid_input", "$.regions"},
      {R"({"identifiant":"x@y.fr","nom":"X","mot_de_passe":"0123456789","role":"member","structures":[999999]})",
       400, "invalid_input", "$.structures"},
      {R"({"identifiant":"admin@demo.maillage.fr","nom":"X","mot_de_passe":"0123456789","role":"admin"})",
       409, "conflict", ""},
  };
  for (const auto& c : cases) {
    auto r = server_->post_json("/api/v1/users", c.body, admin);
    ASSERT_TRUE(r) << c.body;
    EXPECT_EQ(r->status, c.status) << c.body << " -> " << r->body;
    EXPECT_EQ(body(r)["code"], c.code) << c.body;
    if (!c.field.empty()) {
      EXPECT_EQ(body(r).value("field", ""), c.field) << c.body;
    }
    EXPECT_FALSE(body(r)["message"].get<std::string>().empty());
  }
}

TEST_P(Api, OversizeBodyIs413FromTheServerItself) {
  auto admin = server_->sign_in(Role::admin);
  // Over max_body_bytes (8 KiB here): refused by cpp-httplib before routing, with our JSON body.
  std::string big = R"({"nom":")" + std::string(20000, 'a') + R"("})";
  auto r = server_->post_json("/api/v1/users", big, admin);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(body(r)["code"], "body_too_large");
}

TEST_P(Api, AdminCreatesAndListsUsers) {
  auto admin = server_->sign_in(Role::admin);
  json user{{"identifiant", "nouvelle.roc@exemple.fr"},
            {"nom", "Nouvelle ROC"},
            {"mot_de_passe", "un-mot-de-passe-solide"},
            {"role", "roc"},
            {"departements", {"54", "57"}}};
  auto created = server_->post_json("/api/v1/users", user.dump(), admin);
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_GT(body(created)["id"].get<std::int64_t>(), 0);

  auto list = server_->get("/api/v1/users", admin);
  ASSERT_EQ(list->status, 200);
  bool found = false;
  const json users = body(list);
  for (const auto& u : users["utilisateurs"]) {
    if (u["identifiant"] == "nouvelle.roc@exemple.fr") {
      found = true;
      EXPECT_EQ(u["role"], "roc");
      EXPECT_EQ(u["departements"], json::array({"54", "57"}));
    }
  }
  EXPECT_TRUE(found);

  // The new account can sign in.
  json creds{{"identifiant", "nouvelle.roc@exemple.fr"}, {"mot_de_passe", "un-mot-de-passe-solide"}};
  EXPECT_EQ(server_->post_json("/api/v1/session", creds.dump())->status, 201);
}

TEST_P(Api, CommuneByCodeWithCaching) {
  auto me = server_->sign_in(Role::member);
  auto r = server_->get("/api/v1/communes/57463", me);
  ASSERT_EQ(r->status, 200) << r->body;
  json c = body(r);
  EXPECT_EQ(c["nom"], "Metz");
  EXPECT_EQ(c["population"], 120000);
  EXPECT_EQ(c["departement"], json({{"code", "57"}, {"nom", "Moselle"}}));
  EXPECT_EQ(c["region"]["nom"], "Grand Est");
  EXPECT_EQ(c["epci"]["nom"], "Metz Métropole");
  EXPECT_EQ(c["qualite_coordonnees"], "exact");
  ASSERT_EQ(c["voisins"].size(), 3u);
  EXPECT_EQ(c["voisins"][0]["code"], "57001");
  EXPECT_EQ(c["voisins"][1]["nom"], "Montigny-lès-Metz");
  EXPECT_DOUBLE_EQ(c["position"]["lat"].get<double>(), 49.12);

  EXPECT_EQ(r->get_header_value("Cache-Control"), "private, max-age=3600");
  std::string etag = r->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto again = server_->get("/api/v1/communes/57463", me, {{"If-None-Match", etag}});
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());

  auto missing = server_->get("/api/v1/communes/99999", me);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(body(missing)["code"], "not_found");
  EXPECT_EQ(body(missing)["field"], "code");

  auto paris1 = server_->get("/api/v1/communes/75101", me);
  EXPECT_EQ(body(paris1)["arrondissement"], true);
  EXPECT_EQ(body(paris1)["commune_parente"], "75056");
  EXPECT_TRUE(body(paris1)["epci"].is_null());
}

TEST_P(Api, CommuneSearch) {
  auto me = server_->sign_in(Role::ars);
  auto r = server_->get("/api/v1/communes?q=metz&limit=5", me);
  ASSERT_EQ(r->status, 200) << r->body;
  const json list = body(r)["communes"];
  ASSERT_GE(list.size(), 2u);
  EXPECT_EQ(list[0]["code"], "57463");  // prefix match before "Montigny-lès-Metz"
  EXPECT_EQ(list[1]["code"], "57480");

  auto one = server_->get("/api/v1/communes?q=metz&limit=1", me);
  EXPECT_EQ(body(one)["communes"].size(), 1u);

  auto missing = server_->get("/api/v1/communes", me);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(body(missing)["code"], "missing_field");
  EXPECT_EQ(body(missing)["field"], "q");
  auto zero = server_->get("/api/v1/communes?q=metz&limit=0", me);
  EXPECT_EQ(body(zero)["field"], "limit");
  auto text = server_->get("/api/v1/communes?q=metz&limit=beaucoup", me);
  EXPECT_EQ(body(text)["code"], "wrong_type");
  auto extra = server_->get("/api/v1/communes?q=metz&tri=nom", me);
  EXPECT_EQ(body(extra)["code"], "unknown_field");
  EXPECT_EQ(body(extra)["field"], "tri");
}

TEST_P(Api, DepartementCellsAsGeoJson) {
  auto me = server_->sign_in(Role::roc);
  auto r = server_->get("/api/v1/departements/57/cells", me);
  ASSERT_EQ(r->status, 200);
  json fc = body(r);
  EXPECT_EQ(fc["type"], "FeatureCollection");
  ASSERT_EQ(fc["features"].size(), 4u);
  const json& f = fc["features"][1];
  EXPECT_EQ(f["type"], "Feature");
  EXPECT_EQ(f["properties"]["code"], "57463");
  EXPECT_EQ(f["properties"]["nom"], "Metz");
  EXPECT_EQ(f["properties"]["population"], 120000);
  EXPECT_EQ(f["properties"]["contour"], "none");  // the test référentiel's shapes are hand-made
  // Area of the commune's shape and density from it: a square of ±0.01° at 49° N is
  // 2.22 km × 1.46 km ≈ 3.25 km².
  const double km2 = f["properties"]["superficie_km2"].get<double>();
  EXPECT_NEAR(km2, 3.25, 0.05);
  // (the area is printed to 0.01 km², the density computed from the unrounded area)
  EXPECT_NEAR(f["properties"]["densite"].get<double>(), 120000 / km2, 120000 / km2 * 0.005);
  EXPECT_EQ(f["geometry"]["type"], "MultiPolygon");
  const json& first = f["geometry"]["coordinates"][0][0][0];
  EXPECT_NEAR(first[0].get<double>(), 6.17, 1e-9);   // [lon, lat]
  EXPECT_NEAR(first[1].get<double>(), 49.11, 1e-9);
  EXPECT_EQ(fc["features"][0]["geometry"]["coordinates"][0].size(), 2u);  // outer + hole

  std::string etag = r->get_header_value("ETag");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "private, max-age=3600");
  EXPECT_EQ(server_->get("/api/v1/departements/57/cells", me, {{"If-None-Match", etag}})->status,
            304);
  // The body is kept: the same bytes (and ETag) on every call.
  auto again = server_->get("/api/v1/departements/57/cells", me);
  EXPECT_EQ(again->body, r->body);

  EXPECT_EQ(r->get_header_value("Content-Type"), "application/geo+json");

  // Compressed once for clients that accept it (brotli first); the ETag becomes weak and still
  // validates.
  auto cli = server_->client();
  cli.set_decompress(false);
  auto gz = cli.Get("/api/v1/departements/57/cells",
                    {{"Cookie", me.cookie}, {"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(gz->get_header_value("Vary"), "Accept-Encoding");
  EXPECT_EQ(gz->get_header_value("ETag"), "W/" + etag);
  EXPECT_EQ(http::gzip_compress(r->body).size(), gz->body.size());
  auto br = cli.Get("/api/v1/departements/57/cells",
                    {{"Cookie", me.cookie}, {"Accept-Encoding", "gzip, deflate, br"}});
  EXPECT_EQ(br->get_header_value("Content-Encoding"), "br");
  EXPECT_LT(br->body.size(), r->body.size());
  auto revalidate = cli.Get("/api/v1/departements/57/cells",
                            {{"Cookie", me.cookie},
                             {"Accept-Encoding", "gzip, br"},
                             {"If-None-Match", "W/" + etag}});
  EXPECT_EQ(revalidate->status, 304);
  auto refused = cli.Get("/api/v1/departements/57/cells",
                         {{"Cookie", me.cookie}, {"Accept-Encoding", "gzip;q=0, br;q=0"}});
  EXPECT_EQ(refused->get_header_value("Content-Encoding"), "");
  EXPECT_EQ(refused->body, r->body);

  auto unknown = server_->get("/api/v1/departements/99/cells", me);
  EXPECT_EQ(unknown->status, 404);
}

// The rings of a TopoJSON geometry as absolute [lon, lat] positions (the spec's decoding:
// delta-encoded quantized arcs, ~i for arc i reversed, consecutive arcs sharing an end point).
std::vector<std::vector<std::pair<double, double>>> topo_rings(const json& topo, const json& g) {
  const double sx = topo["transform"]["scale"][0];
  const double sy = topo["transform"]["scale"][1];
  const double tx = topo["transform"]["translate"][0];
  const double ty = topo["transform"]["translate"][1];
  std::vector<std::vector<std::pair<double, double>>> arcs;
  for (const json& arc : topo["arcs"]) {
    std::int64_t x = 0;
    std::int64_t y = 0;
    arcs.emplace_back();
    for (const json& p : arc) {
      x += p[0].get<std::int64_t>();
      y += p[1].get<std::int64_t>();
      arcs.back().emplace_back(x * sx + tx, y * sy + ty);
    }
  }
  std::vector<std::vector<std::pair<double, double>>> out;
  for (const json& polygon : g["arcs"]) {
    for (const json& ring : polygon) {
      std::vector<std::pair<double, double>> pts;
      for (const json& ref : ring) {
        const int r = ref.get<int>();
        auto a = arcs.at(static_cast<std::size_t>(r >= 0 ? r : ~r));
        if (r < 0) std::reverse(a.begin(), a.end());
        pts.insert(pts.end(), a.begin() + (pts.empty() ? 0 : 1), a.end());
      }
      out.push_back(std::move(pts));
    }
  }
  return out;
}

TEST_P(Api, ContoursAsTopoJson) {
  auto me = server_->sign_in(Role::observer);
  auto r = server_->get("/api/v1/contours/57", me);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "private, max-age=3600");
  json topo = body(r);
  EXPECT_EQ(topo["type"], "Topology");
  EXPECT_EQ(topo["niveau"], "departement");  // a département's default level
  const json& geometries = topo["objects"]["communes"]["geometries"];
  ASSERT_EQ(geometries.size(), 4u);
  const json& metz = geometries[1];
  EXPECT_EQ(metz["id"], "57463");
  EXPECT_EQ(metz["properties"]["nom"], "Metz");
  EXPECT_EQ(metz["properties"]["departement"], "57");
  EXPECT_EQ(metz["properties"]["population"], 120000);
  EXPECT_NEAR(metz["properties"]["superficie_km2"].get<double>(), 3.25, 0.05);
  // Metz's square (±0.01° around 49.12 N, 6.18 E) comes back exactly: its corners carry
  // hundreds of metres of significance, far above the 40 m tolerance.
  auto rings = topo_rings(topo, metz);
  ASSERT_EQ(rings.size(), 1u);
  ASSERT_EQ(rings[0].size(), 5u);
  EXPECT_NEAR(rings[0][0].first, rings[0][4].first, 1e-9);
  double min_lon = 180;
  double min_lat = 90;
  for (auto [lon, lat] : rings[0]) {
    min_lon = std::min(min_lon, lon);
    min_lat = std::min(min_lat, lat);
  }
  EXPECT_NEAR(min_lon, 6.17, 1e-9);
  EXPECT_NEAR(min_lat, 49.11, 1e-9);
  // Aboncourt keeps its hole.
  EXPECT_EQ(topo_rings(topo, geometries[0]).size(), 2u);

  // France: every commune with a shape; the coarsest level.
  auto france = server_->get("/api/v1/contours/france", me);
  ASSERT_EQ(france->status, 200);
  json ft = body(france);
  EXPECT_EQ(ft["niveau"], "france");
  EXPECT_EQ(ft["objects"]["communes"]["geometries"].size(), 6u);
  EXPECT_NEAR(ft["transform"]["scale"][0].get<double>(), 1e-3, 1e-12);

  // Cached, validated by ETag, gzipped once.
  std::string etag = r->get_header_value("ETag");
  EXPECT_EQ(server_->get("/api/v1/contours/57", me, {{"If-None-Match", etag}})->status, 304);
  EXPECT_EQ(server_->get("/api/v1/contours/57?niveau=departement", me)->body, r->body);
  auto cli = server_->client();
  cli.set_decompress(false);
  auto gz = cli.Get("/api/v1/contours/57", {{"Cookie", me.cookie}, {"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(http::gzip_compress(r->body).size(), gz->body.size());

  auto fine = server_->get("/api/v1/contours/57?niveau=commune", me);
  ASSERT_EQ(fine->status, 200);
  EXPECT_EQ(body(fine)["niveau"], "commune");
  auto bad = server_->get("/api/v1/contours/57?niveau=rue", me);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(body(bad)["field"], "niveau");
  EXPECT_EQ(server_->get("/api/v1/contours/99", me)->status, 404);
}

// Reads the binary contours (format=binaire) back into the TopoJSON they encode, field by field,
// so that the two formats can be compared whole.
json binary_as_topojson(const std::string& b) {
  std::size_t at = 0;
  auto varint = [&] {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (at >= b.size()) throw std::runtime_error("truncated");
      const auto byte = static_cast<unsigned char>(b[at++]);
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
  };
  auto zigzag = [&] {
    const std::uint64_t v = varint();
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
  };
  auto text = [&] {
    const std::size_t n = varint();
    std::string s = b.substr(at, n);
    at += n;
    return s;
  };
  auto lines = [](const std::string& s) {
    std::vector<std::string> out;
    std::size_t from = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == '\n') {
        out.push_back(s.substr(from, i - from));
        from = i + 1;
      }
    }
    return out;
  };
  if (b.substr(0, 4) != "MCB1") throw std::runtime_error("magic");
  at = 4;
  json t;
  t["niveau"] = text();
  t["tolerance_m"] = varint();
  const auto q = static_cast<std::int64_t>(varint());
  const std::int64_t min_x = zigzag();
  const std::int64_t min_y = zigzag();
  zigzag();
  zigzag();
  t["q"] = q;
  t["min"] = {min_x, min_y};
  const std::size_t communes = varint();
  const std::size_t arcs = varint();
  const auto codes = lines(text());
  const auto names = lines(text());
  const auto deps = lines(text());
  json geometries = json::array();
  std::uint64_t seen = 0;  // arcs met so far
  for (std::size_t i = 0; i < communes; ++i) {
    geometries.push_back({{"id", codes.at(i)},
                          {"nom", names.at(i)},
                          {"departement", deps.at(i)},
                          {"population", varint()}});
  }
  for (auto& g : geometries) {
    json polygons = json::array();
    for (std::size_t p = varint(); p > 0; --p) {
      json rings = json::array();
      for (std::size_t r = varint(); r > 0; --r) {
        json refs = json::array();
        for (std::size_t k = varint(); k > 0; --k) {
          const std::uint64_t code = varint();
          const auto a = static_cast<std::int64_t>(seen - (code >> 1));
          if (a == static_cast<std::int64_t>(seen)) ++seen;
          refs.push_back((code & 1) != 0 ? ~a : a);
        }
        rings.push_back(std::move(refs));
      }
      polygons.push_back(std::move(rings));
    }
    g["arcs"] = std::move(polygons);
  }
  // Back to the TopoJSON's encoding: each arc's first point from the zone's smallest position.
  json out_arcs = json::array();
  std::int64_t x = min_x;
  std::int64_t y = min_y;
  for (std::size_t a = 0; a < arcs; ++a) {
    json pts = json::array();
    std::int64_t px = min_x;
    std::int64_t py = min_y;
    for (std::size_t n = varint(); n > 0; --n) {
      x += zigzag();
      y += zigzag();
      pts.push_back({x - px, y - py});
      px = x;
      py = y;
    }
    out_arcs.push_back(std::move(pts));
  }
  t["geometries"] = std::move(geometries);
  t["arcs"] = std::move(out_arcs);
  if (at != b.size()) throw std::runtime_error("trailing bytes");
  return t;
}

// The binary contours carry exactly the TopoJSON's topology: same communes, properties, arc
// references and delta-encoded arcs.
TEST_P(Api, ContoursBinaryMatchesTopoJson) {
  auto me = server_->sign_in(Role::observer);
  for (std::string zone : {"france", "57"}) {
    for (std::string level : {"france", "departement", "commune"}) {
      const std::string url = "/api/v1/contours/" + zone + "?niveau=" + level;
      auto topo = server_->get(url, me);
      auto bin = server_->get(url + "&format=binaire", me);
      ASSERT_EQ(bin->status, 200) << url;
      EXPECT_EQ(bin->get_header_value("Content-Type"), "application/octet-stream");
      EXPECT_NE(bin->get_header_value("ETag"), topo->get_header_value("ETag"));
      json t = body(topo);
      json d = binary_as_topojson(bin->body);
      EXPECT_EQ(d["niveau"], level);
      EXPECT_EQ(d["tolerance_m"], t["tolerance_m"]);
      const double scale = d["q"].get<double>() * 1e-5;
      EXPECT_NEAR(t["transform"]["scale"][0].get<double>(), scale, 1e-12);
      EXPECT_NEAR(t["transform"]["translate"][0].get<double>(),
                  d["min"][0].get<double>() * scale, 1e-5);
      EXPECT_NEAR(t["transform"]["translate"][1].get<double>(),
                  d["min"][1].get<double>() * scale, 1e-5);
      const json& tg = t["objects"]["communes"]["geometries"];
      ASSERT_EQ(d["geometries"].size(), tg.size()) << url;
      for (std::size_t i = 0; i < tg.size(); ++i) {
        const json& g = d["geometries"][i];
        EXPECT_EQ(g["id"], tg[i]["id"]);
        EXPECT_EQ(g["nom"], tg[i]["properties"]["nom"]);
        EXPECT_EQ(g["departement"], tg[i]["properties"]["departement"]);
        EXPECT_EQ(g["population"], tg[i]["properties"]["population"]);
        EXPECT_EQ(g["arcs"], tg[i]["arcs"]);
      }
      EXPECT_EQ(d["arcs"], t["arcs"]) << url;
    }
  }
  auto bad = server_->get("/api/v1/contours/57?format=svg", me);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(body(bad)["field"], "format");
}

TEST_P(Api, EpciWithMembers) {
  auto me = server_->sign_in(Role::observer);
  auto r = server_->get("/api/v1/epci/200039865", me);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(body(r)["nom"], "Metz Métropole");
  ASSERT_EQ(body(r)["membres"].size(), 2u);
  EXPECT_EQ(body(r)["membres"][0]["nom"], "Metz");
  EXPECT_FALSE(r->get_header_value("ETag").empty());
  EXPECT_EQ(server_->get("/api/v1/epci/123", me)->status, 404);
}

TEST_P(Api, OpenApiDescribesEveryApiRoute) {
  auto r = server_->get("/api/v1/openapi.json");
  ASSERT_EQ(r->status, 200);
  json doc = body(r);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  for (const auto& route : server_->app().router().routes()) {
    if (route.kind != http::RouteKind::api) continue;
    std::string method = route.method;
    for (auto& ch : method) ch = static_cast<char>(std::tolower(ch));
    ASSERT_TRUE(doc["paths"].contains(route.pattern)) << route.pattern;
    ASSERT_TRUE(doc["paths"][route.pattern].contains(method)) << route.method << route.pattern;
    EXPECT_EQ(doc["paths"][route.pattern][method]["x-access"], route.access.describe());
  }
  EXPECT_EQ(doc["paths"]["/api/v1/users"]["post"]["requestBody"]["content"]["application/json"]
               ["schema"]["properties"]["role"]["enum"]
                   .size(),
            7u);
}

TEST_P(Api, LargeDynamicAnswersAreGzipped) {
  auto me = server_->sign_in(Role::member);
  auto cli = server_->client();
  cli.set_decompress(false);
  // The OpenAPI document is a few kilobytes, built per request.
  auto plain = cli.Get("/api/v1/openapi.json");
  auto gz = cli.Get("/api/v1/openapi.json", {{"Accept-Encoding", "gzip, deflate, br"}});
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");  // gzip, never per-request brotli
  EXPECT_LT(gz->body.size(), plain->body.size());
  // Small answers stay as they are.
  auto small = cli.Get("/healthz", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(small->get_header_value("Content-Encoding"), "");
}

TEST_P(Api, UnknownRouteAndMethod) {
  auto r = server_->get("/api/v1/nothing");
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(body(r)["code"], "not_found");
  auto cli = server_->client();
  auto m = cli.Put("/api/v1/communes/57463", "{}", "application/json");
  EXPECT_EQ(m->status, 405);
  EXPECT_EQ(m->get_header_value("Allow"), "GET");
}

// The HTML side: the login form with its CSRF cookie, the pages, logout.
TEST_P(Api, PagesLoginFlow) {
  auto cli = server_->client();
  auto home = cli.Get("/");
  EXPECT_EQ(home->status, 303);
  // (cpp-httplib's client percent-decodes Location; the wire has suite=%2F, see router_test.)
  EXPECT_EQ(home->get_header_value("Location"), "/connexion?suite=/");

  auto form = cli.Get("/connexion?suite=/carte/57");
  ASSERT_EQ(form->status, 200);
  EXPECT_NE(form->get_header_value("Content-Security-Policy").find("default-src 'self'"),
            std::string::npos);
  std::string token = set_cookie_value(*form, "maillage_login_csrf");
  ASSERT_FALSE(token.empty());
  EXPECT_NE(form->body.find("value=\"" + token + "\""), std::string::npos);
  EXPECT_NE(form->body.find("lang=\"fr\""), std::string::npos);

  std::string fields = "csrf=" + token + "&suite=%2Fcarte%2F57&identifiant=" +
                       httplib::detail::encode_query_param(server_->login_of(Role::roc)) +
                       "&mot_de_passe=" + std::string(services::kDemoPassword);
  // Without the cookie the token means nothing.
  auto forged = cli.Post("/connexion", fields, "application/x-www-form-urlencoded");
  EXPECT_EQ(forged->status, 403);
  EXPECT_TRUE(set_cookie_value(*forged, "maillage_session").empty());

  auto wrong = cli.Post("/connexion", {{"Cookie", "maillage_login_csrf=" + token}},
                        "csrf=" + token + "&identifiant=x&mot_de_passe=y",
                        "application/x-www-form-urlencoded");
  EXPECT_EQ(wrong->status, 401);
  EXPECT_NE(wrong->body.find("Identifiant ou mot de passe incorrect"), std::string::npos);

  auto in = cli.Post("/connexion", {{"Cookie", "maillage_login_csrf=" + token}}, fields,
                     "application/x-www-form-urlencoded");
  ASSERT_EQ(in->status, 303) << in->body;
  EXPECT_EQ(in->get_header_value("Location"), "/carte/57");
  std::string session = "maillage_session=" + set_cookie_value(*in, "maillage_session");

  auto map = cli.Get("/carte/57", {{"Cookie", session}});
  ASSERT_EQ(map->status, 200);
  EXPECT_NE(map->body.find("data-cellules=\"/api/v1/contours/57?niveau=departement\""), std::string::npos);
  EXPECT_NE(map->body.find("Moselle"), std::string::npos);
  EXPECT_NE(map->body.find("leaflet.js"), std::string::npos);
  EXPECT_NE(map->body.find("Se déconnecter"), std::string::npos);
  // A ROC sees no admin entry in the navigation.
  EXPECT_EQ(map->body.find("/admin/utilisateurs"), std::string::npos);

  auto commune = cli.Get("/communes/57463", {{"Cookie", session}});
  ASSERT_EQ(commune->status, 200);
  for (const char* text : {"Metz", "120\u202F000", "Metz Métropole", "Grand Est",
                           "href=\"/communes/57480\"", "exactes", "49.1200"}) {
    EXPECT_NE(commune->body.find(text), std::string::npos) << text;
  }
  auto missing = cli.Get("/communes/00000", {{"Cookie", session}});
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("<html"), std::string::npos);
  EXPECT_NE(missing->body.find("La commune 00000 n&apos;existe pas."), std::string::npos);
  EXPECT_EQ(missing->body.find("()"), std::string::npos);  // no empty field mention

  auto search = cli.Get("/recherche?q=montigny", {{"Cookie", session}});
  EXPECT_NE(search->body.find("href=\"/communes/57480\""), std::string::npos);

  // Logout is a form POST with the session's CSRF token.
  auto me = server_->get("/api/v1/me", SignedIn{session, ""});
  std::string csrf = body(me)["csrf"];
  auto refused = cli.Post("/deconnexion", {{"Cookie", session}}, "csrf=x",
                          "application/x-www-form-urlencoded");
  EXPECT_EQ(refused->status, 403);
  auto out = cli.Post("/deconnexion", {{"Cookie", session}}, "csrf=" + csrf,
                      "application/x-www-form-urlencoded");
  EXPECT_EQ(out->status, 303);
  EXPECT_EQ(out->get_header_value("Location"), "/connexion");
  EXPECT_EQ(cli.Get("/", {{"Cookie", session}})->status, 303);
}

TEST_P(Api, AdminSeesTheUsersPage) {
  auto admin = server_->sign_in(Role::admin);
  auto page = server_->get("/admin/utilisateurs", admin);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("roc1.moselle@demo.maillage.fr"), std::string::npos);
  EXPECT_NE(page->body.find("Département Moselle (57)"), std::string::npos);
  EXPECT_NE(page->body.find("Région Grand Est (44)"), std::string::npos);
  EXPECT_NE(page->body.find("href=\"/admin/utilisateurs\""), std::string::npos);  // navigation
  auto roc = server_->sign_in(Role::roc);
  EXPECT_EQ(server_->get("/admin/utilisateurs", roc)->status, 403);
}

TEST_P(Api, LoginRedirectRefusesOtherHosts) {
  auto cli = server_->client();
  auto form = cli.Get("/connexion");
  std::string token = set_cookie_value(*form, "maillage_login_csrf");
  for (const char* next : {"https://evil.example/", "//evil.example/", "/\\evil.example"}) {
    std::string fields = "csrf=" + token + "&suite=" + httplib::detail::encode_query_param(next) +
                         "&identifiant=" +
                         httplib::detail::encode_query_param(server_->login_of(Role::member)) +
                         "&mot_de_passe=" + std::string(services::kDemoPassword);
    auto in = cli.Post("/connexion", {{"Cookie", "maillage_login_csrf=" + token}}, fields,
                       "application/x-www-form-urlencoded");
    ASSERT_EQ(in->status, 303) << next;
    EXPECT_EQ(in->get_header_value("Location"), "/") << next;
  }
}

TEST_P(Api, AssetsAreServedWithLongCacheHeaders) {
  auto me = server_->sign_in(Role::member);
  auto page = server_->get("/carte/57", me);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page->body, m, std::regex(R"(/assets/([0-9a-f]+)/leaflet/leaflet\.js)")));
  std::string version = m[1];
  auto js = server_->get(m[0]);
  ASSERT_EQ(js->status, 200);
  EXPECT_EQ(js->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_NE(js->get_header_value("Content-Type").find("text/javascript"), std::string::npos);
  EXPECT_GT(js->body.size(), 10000u);
  auto css = server_->get("/assets/" + version + "/app/maillage.css");
  EXPECT_EQ(css->status, 200);
  auto cli = server_->client();
  cli.set_decompress(false);
  // (The style sheet rather than leaflet.js: brotli at its best quality is slow under ASan.)
  auto css_br = cli.Get(("/assets/" + version + "/app/maillage.css").c_str(),
                        {{"Accept-Encoding", "br, gzip"}});
  EXPECT_EQ(css_br->get_header_value("Content-Encoding"), "br");
  EXPECT_LT(css_br->body.size(), css->body.size() / 2);
  auto htmx = server_->get("/assets/" + version + "/htmx/htmx.min.js");
  EXPECT_EQ(htmx->status, 200);
  auto old = server_->get("/assets/0000/app/maillage.css");
  EXPECT_EQ(old->get_header_value("Cache-Control"), "public, max-age=300");
  EXPECT_EQ(server_->get("/assets/" + version + "/../package.json")->status, 404);
  EXPECT_EQ(server_->get("/assets/" + version + "/leaflet/leaflet-src.js")->status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, Api, all_backends(), backend_name);

// Waits for an access log line matching `pattern` (the logger runs after the answer is sent).
bool access_logged(const std::regex& pattern) {
  for (int i = 0; i < 200; ++i) {
    for (const auto& l : access_sink()->last_formatted()) {
      if (std::regex_search(l, pattern)) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(ApiConfig, TrustProxyTakesTheLastForwardedAddress) {
  access_sink();
  TestServer server(store::Backend::sqlite, [](app::Config& c) { c.trust_proxy = true; });
  auto r = server.get("/healthz", {},
                      {{"X-Request-Id", "proxy-1"}, {"X-Forwarded-For", "10.9.9.9, 203.0.113.9"}});
  ASSERT_EQ(r->status, 200);
  EXPECT_TRUE(access_logged(std::regex("request_id=proxy-1 .* remote=203\\.0\\.113\\.9\\s")));
}

TEST(ApiConfig, SecureCookiesWhenConfigured) {
  TestServer server(store::Backend::sqlite, [](app::Config& c) { c.secure_cookies = true; });
  json creds{{"identifiant", server.login_of(Role::admin)},
             {"mot_de_passe", std::string(services::kDemoPassword)}};
  auto r = server.post_json("/api/v1/session", creds.dump());
  ASSERT_EQ(r->status, 201);
  EXPECT_NE(set_cookie_header(*r, "maillage_session").find("; Secure"), std::string::npos);
}

}  // namespace
}  // namespace maillage::testing
