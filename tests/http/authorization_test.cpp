// The authorisation matrix: every route of the route table, called by every role and by an
// anonymous client, against the answer written here. A route added without its line here fails
// the test (and so does a line for a route that no longer exists).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "http/test_server.hpp"

namespace maillage::testing {
namespace {

using services::Role;

enum class Expect : char {
  ok = 'A',      // allowed: the handler ran (whatever it answered)
  login = 'L',   // refused for lack of a session: 401 (API) or redirect to /connexion (pages)
  denied = 'F',  // refused to this role: 403 forbidden
};

// Column order of the expectation strings: anonymous, then the roles in enum order.
const std::vector<std::optional<Role>> kCallers{std::nullopt,        Role::admin,
                                                 Role::observer,      Role::ars,
                                                 Role::roc,           Role::charge_de_mission,
                                                 Role::coordinator,   Role::member};

struct Expectation {
  std::string path;    // a concrete path for the pattern
  std::string matrix;  // one letter per caller, in kCallers order
};

// "METHOD pattern" -> expectation.       anon admin obs ars roc cdm coord member
const std::map<std::string, Expectation> kMatrix{
    {"GET /healthz", {"/healthz", "AAAAAAAA"}},
    {"GET /api/v1/openapi.json", {"/api/v1/openapi.json", "AAAAAAAA"}},
    {"POST /api/v1/session", {"/api/v1/session", "AAAAAAAA"}},
    {"DELETE /api/v1/session", {"/api/v1/session", "LAAAAAAA"}},
    {"GET /api/v1/me", {"/api/v1/me", "LAAAAAAA"}},
    {"PATCH /api/v1/me", {"/api/v1/me", "LAAAAAAA"}},
    {"GET /api/v1/users", {"/api/v1/users", "LAFFFFFF"}},
    {"PATCH /api/v1/users/{id}", {"/api/v1/users/1", "LAFFFFFF"}},
    {"POST /api/v1/users", {"/api/v1/users", "LAFFFFFF"}},
    {"GET /api/v1/communes", {"/api/v1/communes?q=metz", "LAAAAAAA"}},
    {"GET /api/v1/communes/{code}", {"/api/v1/communes/57463", "LAAAAAAA"}},
    {"GET /api/v1/departements/{code}/cells", {"/api/v1/departements/57/cells", "LAAAAAAA"}},
    {"GET /api/v1/contours/{zone}", {"/api/v1/contours/57", "LAAAAAAA"}},
    {"GET /api/v1/epci/{siren}", {"/api/v1/epci/200039865", "LAAAAAAA"}},
    {"GET /assets/{version}/{path*}", {"/assets/x/app/maillage.css", "AAAAAAAA"}},
    {"GET /connexion", {"/connexion", "AAAAAAAA"}},
    {"POST /connexion", {"/connexion", "AAAAAAAA"}},
    {"POST /deconnexion", {"/deconnexion", "LAAAAAAA"}},
    {"GET /", {"/", "LAAAAAAA"}},
    {"GET /carte/{dep}", {"/carte/57", "LAAAAAAA"}},
    {"GET /communes/{code}", {"/communes/57463", "LAAAAAAA"}},
    {"GET /recherche", {"/recherche?q=metz", "LAAAAAAA"}},
    {"GET /admin/utilisateurs", {"/admin/utilisateurs", "LAFFFFFF"}},
    {"GET /admin/utilisateurs/nouveau", {"/admin/utilisateurs/nouveau", "LAFFFFFF"}},
    {"POST /admin/utilisateurs/nouveau", {"/admin/utilisateurs/nouveau", "LAFFFFFF"}},
    {"GET /admin/utilisateurs/{id}", {"/admin/utilisateurs/1", "LAFFFFFF"}},
    {"POST /admin/utilisateurs/{id}", {"/admin/utilisateurs/1", "LAFFFFFF"}},
    {"POST /admin/utilisateurs/{id}/mot-de-passe",
     {"/admin/utilisateurs/1/mot-de-passe", "LAFFFFFF"}},
    {"GET /compte", {"/compte", "LAAAAAAA"}},
    {"POST /compte", {"/compte", "LAAAAAAA"}},
    {"POST /compte/sessions", {"/compte/sessions", "LAAAAAAA"}},
// Each area keeps its lines in its own file (same format as above).
#include "authorization_registry.inc"
#include "authorization_territory.inc"
#include "authorization_diagnostic.inc"
#include "authorization_aci.inc"
#include "authorization_roster.inc"
#include "authorization_sectors.inc"
#include "authorization_association.inc"
#include "authorization_projet.inc"
#include "authorization_audit.inc"
#include "authorization_animation.inc"
#include "authorization_enquetes.inc"
#include "authorization_rpps.inc"
#include "authorization_crise.inc"
};

Expect classify(const httplib::Response& r) {
  std::string code = r.get_header_value("X-Error-Code");
  if (code == "unauthenticated") return Expect::login;
  if (code == "forbidden") return Expect::denied;
  if ((r.status == 302 || r.status == 303) &&
      r.get_header_value("Location").rfind("/connexion?", 0) == 0) {
    return Expect::login;
  }
  return Expect::ok;
}

class Authorization : public ::testing::TestWithParam<store::Backend> {};

TEST_P(Authorization, EveryRouteForEveryRole) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  TestServer server(GetParam());
  const auto& routes = server.app().router().routes();

  // The table and the routes must list the same routes.
  std::set<std::string> declared;
  for (const auto& r : routes) {
    std::string key = r.method + " " + r.pattern;
    declared.insert(key);
    EXPECT_TRUE(kMatrix.count(key)) << "route without an expectation in the matrix: " << key;
  }
  for (const auto& [key, e] : kMatrix) {
    EXPECT_TRUE(declared.count(key)) << "expectation for a route that does not exist: " << key;
    ASSERT_EQ(e.matrix.size(), kCallers.size()) << key;
  }

  // Sessions are reused for safe methods; unsafe ones may end the session, so they get a
  // fresh one.
  std::map<Role, SignedIn> sessions;
  for (const auto& route : routes) {
    const std::string key = route.method + " " + route.pattern;
    auto it = kMatrix.find(key);
    if (it == kMatrix.end()) continue;
    const Expectation& e = it->second;
    for (std::size_t i = 0; i < kCallers.size(); ++i) {
      const auto& caller = kCallers[i];
      httplib::Headers headers;
      if (caller) {
        bool unsafe = http::is_unsafe_method(route.method);
        if (unsafe || !sessions.count(*caller)) sessions[*caller] = server.sign_in(*caller);
        const SignedIn& s = sessions[*caller];
        headers.emplace("Cookie", s.cookie);
        headers.emplace("X-CSRF-Token", s.csrf);
      }
      auto cli = server.client();
      ASSERT_TRUE(route.method == "GET" || route.method == "POST" || route.method == "PUT" ||
                  route.method == "PATCH" || route.method == "DELETE")
          << key << ": add this method to the test";
      httplib::Result r = route.method == "GET"    ? cli.Get(e.path.c_str(), headers)
                          : route.method == "POST" ? cli.Post(e.path.c_str(), headers, "{}",
                                                              "application/json")
                          : route.method == "PUT"  ? cli.Put(e.path.c_str(), headers, "{}",
                                                             "application/json")
                          : route.method == "PATCH" ? cli.Patch(e.path.c_str(), headers, "{}",
                                                                "application/json")
                                                    : cli.Delete(e.path.c_str(), headers);
      ASSERT_TRUE(r) << key << ": no answer";
      const char want = e.matrix[i];
      const char got = static_cast<char>(classify(*r));
      EXPECT_EQ(got, want) << key << " as "
                           << (caller ? std::string(services::role_id(*caller)) : "anonymous")
                           << ": status " << r->status << " " << r->body.substr(0, 200);
      if (http::is_unsafe_method(route.method) && caller) sessions.erase(*caller);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, Authorization, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
