// The territory API through the whole server (both backends): read, replace with the version
// and the 409 of a stale one, CSV preview → confirm, export, coverage with its scope refusal,
// observatory, and the pages. Structure 1 is the demo CPTS of the test server (Moselle).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/test_server.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

class TerritoryApi : public ::testing::TestWithParam<store::Backend> {};

httplib::Result put_json(TestServer& server, const std::string& path, const std::string& body,
                         const SignedIn& who) {
  httplib::Headers h{{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}};
  return server.client().Put(path.c_str(), h, body, "application/json");
}

TEST_P(TerritoryApi, EditImportExportCoverageAndPages) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  TestServer server(GetParam());
  SignedIn roc = server.sign_in(Role::roc);
  SignedIn coord = server.sign_in(Role::coordinator);

  auto r = server.get("/api/v1/structures/1/territory", roc);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json t = json::parse(r->body);
  EXPECT_EQ(t["communes"].size(), 0U);
  EXPECT_TRUE(t["modifiable"].get<bool>());
  std::int64_t version = t["version"];

  // Replace, then the same stale version again: 409, nothing overwritten.
  json body{{"version", version}, {"communes", {"57463", "57480"}}};
  r = put_json(server, "/api/v1/structures/1/territory", body.dump(), roc);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  t = json::parse(r->body);
  EXPECT_EQ(t["population"], 141'000);
  EXPECT_EQ(t["taille"], "T3");
  EXPECT_EQ(t["version"], version + 1);
  json stale{{"version", version}, {"communes", {"57606"}}};
  r = put_json(server, "/api/v1/structures/1/territory", stale.dump(), coord);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_EQ(json::parse(r->body)["code"], "conflict");
  r = server.get("/api/v1/structures/1/territory?contour=1", coord);
  ASSERT_TRUE(r);
  t = json::parse(r->body);
  EXPECT_EQ(t["communes"].size(), 2U);
  EXPECT_EQ(t["contour"]["type"], "MultiPolygon");

  // An unknown code names its field.
  json bad{{"version", version + 1}, {"communes", {"57463", "57999"}}};
  r = put_json(server, "/api/v1/structures/1/territory", bad.dump(), roc);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["field"], "$.communes[1]");

  // CSV: preview (nothing saved), confirm, export.
  json csv{{"fichier", "territoire.csv"}, {"contenu", "code_insee\n57001\n57463\n57463\n"}};
  r = server.post_json("/api/v1/structures/1/territory/import", csv.dump(), roc);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json preview = json::parse(r->body);
  EXPECT_FALSE(preview["erreurs"].get<bool>());
  ASSERT_EQ(preview["signalements"].size(), 1U);
  EXPECT_EQ(preview["signalements"][0]["ligne"], 4);
  EXPECT_EQ(preview["signalements"][0]["type"], "duplicate");
  ASSERT_TRUE(preview["jeton"].is_string());
  r = server.get("/api/v1/structures/1/territory", roc);
  EXPECT_EQ(json::parse(r->body)["communes"].size(), 2U);  // unchanged until confirmed
  r = server.post_json("/api/v1/structures/1/territory/import/" +
                           preview["jeton"].get<std::string>(),
                       json{{"version", version + 1}}.dump(), roc);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["nombre_communes"], 2);
  r = server.get("/api/v1/structures/1/territory.csv", roc);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "code_insee,nom,population\n57001,Aboncourt,350\n57463,Metz,120000\n");

  // Coverage of the Moselle and the ROC's refusal outside its département.
  r = server.get("/api/v1/coverage?niveau=departement&code=57&propositions=1", roc);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json c = json::parse(r->body);
  EXPECT_EQ(c["couvert"]["communes"], 2);
  EXPECT_EQ(c["zones_blanches"].size(), 2U);  // Montigny and Saint-Avold touch only via Metz
  EXPECT_TRUE(c["propositions"]["liste"].is_array());
  r = server.get("/api/v1/coverage?niveau=departement&code=54", roc);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(json::parse(r->body)["code"], "forbidden");
  r = server.get("/api/v1/coverage?niveau=canton&code=1", roc);
  EXPECT_EQ(r->status, 400);

  SignedIn observer = server.sign_in(Role::observer);
  r = server.get("/api/v1/observatory", observer);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_GE(json::parse(r->body)["france"]["cpts"].get<int>(), 1);
  // France: totals only, unless the communes are asked for (the observatory's map of France).
  r = server.get("/api/v1/coverage?niveau=france", observer);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_FALSE(json::parse(r->body).contains("communes"));
  r = server.get("/api/v1/coverage?niveau=france&communes=1", observer);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json fr = json::parse(r->body);
  ASSERT_TRUE(fr["communes"].is_object());
  EXPECT_EQ(fr["communes"].size(), 2U);  // Aboncourt and Metz, as in Moselle above
  EXPECT_TRUE(fr["communes"]["57463"].is_array());
  r = server.get("/observatoire", observer);
  ASSERT_TRUE(r);
  EXPECT_NE(
      r->body.find("data-contours=\"/api/v1/contours/france?niveau=france&amp;format=binaire\""),
      std::string::npos);
  r = server.get("/observatoire", server.sign_in(Role::ars));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body.find("carte-france"), std::string::npos);  // France is not the ARS's area

  // Pages render in French.
  r = server.get("/couverture/57", roc);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("Zones blanches"), std::string::npos);
  r = server.get("/territoires/1", coord);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("Enregistrer le territoire"), std::string::npos);
  SignedIn member = server.sign_in(Role::member);
  r = server.get("/territoires/1", member);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.find("Enregistrer le territoire"), std::string::npos);
  r = server.get("/observatoire", observer);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("Par département"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, TerritoryApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
