// The ACI and dialogue de gestion API and pages through the whole server in-process, on both
// backends: a ROC records a contract for the demo CPTS, the coordinator enters measured values
// (stale versions answer 409), comments, attaches evidence; the ROC records an agreed change; the
// pages and the dossier (HTML and ODT) render; bad bodies name the field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "common/base64.hpp"
#include "http/test_server.hpp"
#include "services/aci.hpp"
#include "services/registry.hpp"
#include "services/services.hpp"
#include "store/database.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

json contract_doc() {
  return json{
      {"id", "API-TEST-1"},
      {"accord", "cpts-2019"},
      {"parties",
       {{"cpts", {{"name", "CPTS test"}}},
        {"cpam", {{"name", "CPAM"}}},
        {"ars", {{"name", "ARS"}}}}},
      {"signature", "2024-03-15"},
      {"size_class", "T2"},
      {"population", 60000},
      {"missions",
       json::array(
           {{{"mission", "acces_soins"},
             {"start", "2024-03-15"},
             {"indicators",
              json::array({{{"id", "mt"},
                            {"definition", "Patients orientés vers un médecin traitant"},
                            {"unit", "patients"},
                            {"baseline", 0},
                            {"years", json::array({{{"year", 1}, {"paliers", {100}}}})}}})}}})}};
}

class AciApi : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    server_ = std::make_unique<TestServer>(GetParam());
    auto r = server_->app().database().query(
        "SELECT id FROM structures WHERE name = 'CPTS de démonstration du Pays messin (fictive)'");
    ASSERT_TRUE(r && !r->empty());
    structure_ = r->rows[0].integer(0);
    // The demo accounts' CPTS starts at "émergence"; a contract is created once the ACI is in
    // negotiation (creating it records "ACI signé"): its past is taken over up to there.
    services::Principal admin;
    admin.login = "admin@test";
    admin.role = Role::admin;
    auto& registry = server_->app().application().services().registry;
    for (const char* e : {"lancer_pre_projet", "deposer_lettre", "valider_lettre",
                          "creer_association", "deposer_projet", "valider_projet",
                          "ouvrir_negociation"}) {
      auto s = registry.get_structure(admin, structure_);
      ASSERT_TRUE(s);
      auto t = registry.record_past_step(admin, structure_, s->version, e,
                                         registry::Date{std::chrono::year{2024} / 1 / 10},
                                         registry::Date{std::chrono::year{2024} / 1 / 10});
      ASSERT_TRUE(t) << e << ": " << t.error().describe();
    }
    roc_ = server_->sign_in(Role::roc);
    coord_ = server_->sign_in(Role::coordinator);
    member_ = server_->sign_in(Role::member);
    ars_ = server_->sign_in(Role::ars);
  }

  httplib::Result put(const std::string& path, const json& body, const SignedIn& who) {
    auto cli = server_->client();
    httplib::Headers h{{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}};
    return cli.Put(path.c_str(), h, body.dump(), "application/json");
  }
  httplib::Result post(const std::string& path, const json& body, const SignedIn& who) {
    return server_->post_json(path, body.dump(), who);
  }
  std::int64_t create() {
    auto r = post("/api/v1/aci/contracts",
                  {{"structure_id", structure_}, {"contrat", contract_doc()}}, roc_);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 201) << r->body;
    return json::parse(r->body)["id"].get<std::int64_t>();
  }

  std::unique_ptr<TestServer> server_;
  std::int64_t structure_ = 0;
  SignedIn roc_, coord_, member_, ars_;
};

TEST_P(AciApi, DialogueFromIndicatorEntryToDossier) {
  std::int64_t id = create();
  std::string base = "/api/v1/aci/contracts/" + std::to_string(id);
  std::string d = base + "/dialogues/1";

  // Measured value: version 0 (never entered), then the same stale version → 409.
  json m{{"mission", "acces_soins"},
         {"indicator", "mt"},
         {"year", 1},
         {"measured", 75},
         {"version", 0}};
  auto r = put(base + "/measures", m, coord_);
  ASSERT_EQ(r->status, 200) << r->body;
  r = put(base + "/measures", m, roc_);
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(r->get_header_value("X-Error-Code"), "conflict");

  EXPECT_EQ(
      post(d + "/comments",
           {{"item", "indicateur:acces_soins/mt"}, {"body", "Tableau de suivi joint."}}, coord_)
          ->status,
      201);
  EXPECT_EQ(post(d + "/comments", {{"item", "general"}, {"body", "Vu."}}, ars_)->status, 201);
  EXPECT_EQ(post(d + "/comments", {{"item", "general"}, {"body", "x"}}, member_)->status, 403);
  auto att = post(d + "/attachments",
                  {{"item", "indicateur:acces_soins/mt"},
                   {"filename", "suivi.csv"},
                   {"content_type", "text/csv"},
                   {"content_base64", base64::encode("a;b\n1;2\n")}},
                  coord_);
  ASSERT_EQ(att->status, 201) << att->body;
  auto file = server_->get(
      d + "/attachments/" + std::to_string(json::parse(att->body)["id"].get<int>()), member_);
  EXPECT_EQ(file->status, 200);
  EXPECT_EQ(file->body, "a;b\n1;2\n");
  EXPECT_NE(file->get_header_value("Content-Disposition").find("attachment"), std::string::npos);

  // Agreed change by the ROC → version 2; not by the coordinator.
  json change{
      {"based_on", 1},
      {"year", 1},
      {"reason", "Population en baisse"},
      {"changes",
       json::array(
           {{{"mission", "acces_soins"}, {"indicator", "mt"}, {"year", 1}, {"paliers", {90}}}})}};
  EXPECT_EQ(post(base + "/indicator-versions", change, coord_)->status, 403);
  r = post(base + "/indicator-versions", change, roc_);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(json::parse(r->body)["version"], 2);
  EXPECT_EQ(post(base + "/indicator-versions", change, roc_)->status, 409);

  auto adj = post(d + "/adjustments",
                  {{"mission", "acces_soins"},
                   {"indicator", "mt"},
                   {"fact", "medecins_generalistes"},
                   {"fact_before", 40},
                   {"fact_after", 36}},
                  roc_);
  ASSERT_EQ(adj->status, 201) << adj->body;
  EXPECT_EQ(json::parse(adj->body)["adjusted"]["paliers_text"], "81");

  auto w = server_->get(d, ars_);
  ASSERT_EQ(w->status, 200);
  json ws = json::parse(w->body);
  EXPECT_EQ(ws["indicator_version"], 2);
  EXPECT_EQ(ws["sheet"]["missions"][0]["indicators"][0]["measured"], 75.0);

  for (std::string page :
       std::vector<std::string>{"/aci", "/aci/contrats/" + std::to_string(id),
                                "/aci/contrats/" + std::to_string(id) + "/echeancier",
                                "/aci/contrats/" + std::to_string(id) + "/indicateurs",
                                "/aci/contrats/" + std::to_string(id) + "/dialogue/1"}) {
    auto p = server_->get(page, coord_);
    EXPECT_EQ(p->status, 200) << page << " " << p->body.substr(0, 300);
  }
  auto dossier =
      server_->get("/aci/contrats/" + std::to_string(id) + "/dialogue/1/dossier", member_);
  ASSERT_EQ(dossier->status, 200);
  for (const char* part :
       {"Fiche d'indicateurs", "Échéancier des versements", "Budget par enveloppe",
        "Ajustements contextuels", "Compte rendu", "Population en baisse"}) {
    EXPECT_NE(dossier->body.find(part), std::string::npos) << part;
  }
  auto odt =
      server_->get("/aci/contrats/" + std::to_string(id) + "/dialogue/1/dossier.odt", coord_);
  ASSERT_EQ(odt->status, 200);
  EXPECT_EQ(odt->get_header_value("Content-Type"), "application/vnd.oasis.opendocument.text");
  EXPECT_EQ(odt->body.substr(0, 2), "PK");
  // The ROC portfolio carries the ACI dates (provider registered by the ACI feature).
  EXPECT_EQ(put(d, {{"version", ws["workspace"]["version"]}, {"dialogue_date", "2025-02-20"}}, roc_)
                ->status,
            200);
  auto portfolio = server_->get("/api/v1/departements/57/portfolio?date=2025-01-10", roc_);
  ASSERT_EQ(portfolio->status, 200) << portfolio->body;
  std::set<std::string> kinds;
  const json pf = json::parse(portfolio->body);
  ASSERT_TRUE(pf.contains("structures")) << portfolio->body.substr(0, 500);
  for (const auto& e : pf["structures"]) {
    for (const auto& a : e["alertes"]) {
      if (a["source"] == "aci") kinds.insert(a["type"].get<std::string>());
    }
  }
  EXPECT_TRUE(kinds.count("aci_dialogue")) << portfolio->body.substr(0, 2000);
  EXPECT_TRUE(kinds.count("aci_anniversary"));
  EXPECT_TRUE(kinds.count("aci_payment"));
  auto csv = server_->get(base + "/schedule?format=csv", member_);
  EXPECT_EQ(csv->body.substr(0, 39), "date,contract_year,envelope,kind,amount");
}

TEST_P(AciApi, BadBodiesNameTheField) {
  json doc = contract_doc();
  doc["amounts"] = {{"fonctionnement", -10}};
  auto r = post("/api/v1/aci/contracts", {{"structure_id", structure_}, {"contrat", doc}}, roc_);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["field"], "$.contrat.amounts.fonctionnement");
  doc = contract_doc();
  doc["size_class"] = "T7";
  r = post("/api/v1/aci/contracts", {{"structure_id", structure_}, {"contrat", doc}}, roc_);
  EXPECT_EQ(json::parse(r->body)["field"], "$.contrat.size_class");
  r = post("/api/v1/aci/contracts", {{"contrat", contract_doc()}}, roc_);
  EXPECT_EQ(json::parse(r->body)["field"], "$.structure_id");
  r = post("/api/v1/aci/contracts",
           {{"structure_id", structure_}, {"contrat", contract_doc()}, {"x", 1}}, roc_);
  EXPECT_EQ(json::parse(r->body)["field"], "$.x");

  std::int64_t id = create();
  std::string d = "/api/v1/aci/contracts/" + std::to_string(id) + "/dialogues/1";
  r = put(d + "/budget",
          {{"envelope", "fonctionnement"}, {"received", "-5"}, {"spent", "0"}, {"version", 0}},
          coord_);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["field"], "$.received");
  r = put(d, {{"version", 0}, {"dialogue_date", "2025-13-40"}}, coord_);
  EXPECT_EQ(json::parse(r->body)["field"], "$.dialogue_date");
  r = put("/api/v1/aci/contracts/" + std::to_string(id) + "/measures",
          {{"mission", "acces_soins"}, {"indicator", "mt"}, {"year", 1}, {"version", "x"}}, coord_);
  EXPECT_EQ(json::parse(r->body)["field"], "$.version");
  // Another structure's coordinator would be refused by scope; the demo has one structure, so
  // the scope refusal is covered by the service tests. A year beyond the contract:
  EXPECT_EQ(
      server_->get("/api/v1/aci/contracts/" + std::to_string(id) + "/dialogues/9", coord_)->status,
      400);
}

INSTANTIATE_TEST_SUITE_P(Backends, AciApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
