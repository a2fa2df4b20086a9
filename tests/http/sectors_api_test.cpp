// The sectors API and page through the whole server in-process, on both backends, with the small
// référentiel (Moselle: a star of three communes around Metz, see tests/services/sectors_test.cpp
// for the hand-computed figures): compute in the background, check a hand move, save with
// referents (201, then 409 from a stale base), "Qui est mon ROC ?" from the saved sectors, the
// exports and the page.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/test_server.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

class SectorsApi : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    server_ = std::make_unique<TestServer>(GetParam());
    roc_ = server_->sign_in(Role::roc);
  }

  static json settings(int tolerance) {
    return {{"nombre_secteurs", 2},
            {"poids_population", 1},
            {"poids_structures", 0},
            {"poids_professionnels", 0},
            {"tolerance_pourcent", tolerance}};
  }

  static json assignment(int montigny, int aboncourt = 1) {
    return json::array({{{"code", "57001"}, {"secteur", aboncourt}},
                        {{"code", "57463"}, {"secteur", 1}},
                        {{"code", "57480"}, {"secteur", montigny}},
                        {{"code", "57606"}, {"secteur", 1}}});
  }

  std::unique_ptr<TestServer> server_;
  SignedIn roc_;
};

TEST_P(SectorsApi, ComputeCheckSaveAndAnswerQuiEstMonRoc) {
  auto ws = server_->get("/api/v1/departements/57/sectors", roc_);
  ASSERT_TRUE(ws);
  ASSERT_EQ(ws->status, 200) << ws->body;
  json w = json::parse(ws->body);
  EXPECT_EQ(w["communes"].size(), 4U);
  EXPECT_TRUE(w["plan"].is_null());
  EXPECT_TRUE(w["modifiable"].get<bool>());
  ASSERT_GE(w["referents_possibles"].size(), 2U);
  const auto referent = w["referents_possibles"][0]["id"].get<std::int64_t>();
  const std::string referent_login = w["referents_possibles"][0]["login"];

  auto started =
      server_->post_json("/api/v1/departements/57/sectors/jobs", settings(80).dump(), roc_);
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 202) << started->body;
  const std::string url = json::parse(started->body)["url"];
  json job;
  for (int i = 0; i < 600; ++i) {  // polls until done; no timing is asserted
    auto r = server_->get(url, roc_);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    job = json::parse(r->body);
    if (job["etat"] != "en_cours") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(job["etat"], "termine") << job.dump();
  EXPECT_EQ(job["meilleure_coupe"], 1);
  EXPECT_NE(job["communes"]["57480"], job["communes"]["57463"]);  // Montigny alone
  EXPECT_TRUE(job["evaluation"]["valide"].get<bool>());

  // A hand move that cuts the sector in two pieces is reported, not refused.
  json body = settings(80);
  body["communes"] = assignment(2, 2);
  auto check = server_->post_json("/api/v1/departements/57/sectors/evaluation", body.dump(), roc_);
  ASSERT_TRUE(check);
  ASSERT_EQ(check->status, 200) << check->body;
  json ev = json::parse(check->body);
  EXPECT_FALSE(ev["valide"].get<bool>());
  EXPECT_FALSE(ev["secteurs"][1]["d_un_seul_tenant"].get<bool>());

  // Bad input names the field.
  json bad = settings(80);
  bad["nombre_secteurs"] = 40;
  bad["communes"] = assignment(2);
  auto refused = server_->post_json("/api/v1/departements/57/sectors/evaluation", bad.dump(), roc_);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(json::parse(refused->body)["field"], "$.nombre_secteurs");

  json save = settings(80);
  save["communes"] = assignment(2);
  save["secteurs"] = json::array(
      {{{"nom", "Centre"}, {"referent", referent}}, {{"nom", "Sud-ouest"}, {"referent", 0}}});
  save["version_de_base"] = 0;
  auto saved = server_->post_json("/api/v1/departements/57/sectors", save.dump(), roc_);
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 201) << saved->body;
  EXPECT_EQ(json::parse(saved->body)["version"], 1);
  auto again = server_->post_json("/api/v1/departements/57/sectors", save.dump(), roc_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409) << again->body;

  auto who = server_->get("/api/v1/referents?commune=57463", roc_);
  ASSERT_TRUE(who);
  ASSERT_EQ(who->status, 200) << who->body;
  json refs = json::parse(who->body)["referents"];
  ASSERT_EQ(refs.size(), 1U);
  EXPECT_EQ(refs[0]["identifiant"], referent_login);
  EXPECT_EQ(refs[0]["motif"], "secteur « Centre » (découpage en secteurs)");

  auto csv = server_->get("/api/v1/departements/57/sectors.csv", roc_);
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("57480;Montigny-lès-Metz;2;Sud-ouest;;"), std::string::npos)
      << csv->body;
  auto geo = server_->get("/api/v1/departements/57/sectors.geojson", roc_);
  ASSERT_TRUE(geo);
  ASSERT_EQ(geo->status, 200);
  json fc = json::parse(geo->body);
  ASSERT_EQ(fc["features"].size(), 2U);
  EXPECT_EQ(fc["features"][1]["properties"]["nom"], "Sud-ouest");

  auto page = server_->get("/secteurs/57", roc_);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Découpage en vigueur : version 1"), std::string::npos);
  EXPECT_NE(page->body.find("Sud-ouest"), std::string::npos);
}

TEST_P(SectorsApi, ReadOnlyForTheRegionAndClosedToCoordinators) {
  auto ars = server_->sign_in(Role::ars);
  auto page = server_->get("/secteurs/57", ars);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Consultation seule"), std::string::npos);
  EXPECT_EQ(page->body.find("id=\"reglages-secteurs\""), std::string::npos);
  auto coordinator = server_->sign_in(Role::coordinator);
  auto denied = server_->get("/api/v1/departements/57/sectors", coordinator);
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
}

INSTANTIATE_TEST_SUITE_P(Backends, SectorsApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
