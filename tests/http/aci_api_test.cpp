// The ACI and dialogue de gestion API and pages through the whole server in-process, on both
// backends: a ROC records a contract for the demo CPTS, the coordinator enters measured values
// (stale versions answer 409), comments, attaches evidence; the ROC records an agreed change; the
// pages and the dossier (HTML and ODT) render; bad bodies name the field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "common/base64.hpp"
#include "common/dates.hpp"
#include "http/answers.hpp"
#include "http/test_server.hpp"
#include "office/unzip.hpp"
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

  // A form post as the browser sends it (CSRF token in the body), values URL-encoded.
  httplib::Result post_form(const std::string& path, const SignedIn& who,
                            std::vector<std::pair<std::string, std::string>> fields) {
    std::string body = "csrf=" + http::url_encode(who.csrf);
    for (const auto& [k, v] : fields) body += "&" + k + "=" + http::url_encode(v);
    return server_->client().Post(path, {{"Cookie", who.cookie}}, body,
                                  "application/x-www-form-urlencoded");
  }
  // An open MSP of Moselle (the lifecycle's step before "ACI signé").
  std::int64_t open_msp() {
    std::int64_t id = 0;
    EXPECT_TRUE(server_->app().database().transact([&](store::Tx& tx) -> Status {
      auto r = tx.query(
          "INSERT INTO structures (kind, name, departement, stage, created_at, updated_at) "
          "VALUES ('MSP', 'MSP de test (fictive)', '57', 'ouverte', 'x', 'x') RETURNING id",
          {});
      if (!r) return tl::unexpected(r.error());
      id = r->rows.at(0).integer(0);
      return {};
    }));
    return id;
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

TEST_P(AciApi, TermsEditedBeforePaymentThenByAvenant) {
  std::int64_t id = create();
  const std::string base = "/api/v1/aci/contracts/" + std::to_string(id);
  json edit{{"version", 1},
            {"signature", "2024-03-20"},
            {"accord", "cpts-2019"},
            {"size_class", "T2"},
            {"missions", json::array({{{"mission", "acces_soins"}, {"start", "2024-03-20"}}})}};
  auto r = put(base + "/terms", edit, roc_);
  ASSERT_EQ(r->status, 200) << r->body;
  json c = json::parse(r->body);
  EXPECT_EQ(c["version"], 2);
  EXPECT_EQ(c["signature"], "2024-03-20");
  EXPECT_FALSE(c["payment_recorded"].get<bool>());
  // A second editor who read version 1: 409 with a French message.
  r = put(base + "/terms", edit, roc_);
  ASSERT_EQ(r->status, 409) << r->body;
  EXPECT_EQ(json::parse(r->body)["code"], "conflict");
  EXPECT_NE(r->body.find("modifié par quelqu'un d'autre"), std::string::npos);
  edit["version"] = 2;
  EXPECT_EQ(put(base + "/terms", edit, coord_)->status, 403);
  json bad = edit;
  bad["signature"] = "20/03/2024";
  r = put(base + "/terms", bad, roc_);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["field"], "signature");

  // Money received is recorded: the terms no longer change except by avenant.
  r = put(base + "/dialogues/1/budget",
          {{"envelope", "amorcage"}, {"received", "1000"}, {"spent", "0"}, {"version", 0}}, coord_);
  ASSERT_EQ(r->status, 200) << r->body;
  r = put(base + "/terms", edit, roc_);
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_EQ(json::parse(r->body)["code"], "invalid_transition");
  EXPECT_NE(r->body.find("que par avenant"), std::string::npos);
  auto page = server_->get("/aci/contrats/" + std::to_string(id) + "/modifier", roc_);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Un versement est enregistré"), std::string::npos);

  // The avenant: T2 → T3 from 2025-06-01 (contract year 2). Year 3 (from 2026-03-20) follows T3.
  r = post(base + "/avenants",
           {{"version", 2}, {"from", "2025-06-01"}, {"size_class", "T3"}, {"reason", "Extension"}},
           roc_);
  ASSERT_EQ(r->status, 201) << r->body;
  c = json::parse(r->body);
  EXPECT_EQ(c["avenant"], 1);
  ASSERT_EQ(c["avenants"].size(), 1u);
  EXPECT_EQ(c["avenants"][0]["size_class"], "T3");
  EXPECT_EQ(post(base + "/avenants", {{"version", 2}, {"from", "2025-07-01"}, {"size_class", "T4"}},
                 roc_)
                ->status,
            409);
  r = server_->get(base + "/schedule", roc_);
  ASSERT_EQ(r->status, 200);
  std::map<std::string, std::string> advances;
  const json schedule = json::parse(r->body);
  for (const auto& p : schedule["payments"]) {
    if (p["envelope"] == "fonctionnement" && p["kind"] == "avance") advances[p["date"]] = p["amount"];
  }
  // By hand: year 2 (2025-03-20) began under T2: 75 % × 60 000 = 45 000; year 3 under T3:
  // 75 % × 75 000 = 56 250.
  EXPECT_EQ(advances["2025-03-20"], "45000.00");
  EXPECT_EQ(advances["2026-03-20"], "56250.00");
  // The schedule page shows the new amount; the contract page lists the avenant.
  page = server_->get("/aci/contrats/" + std::to_string(id) + "/echeancier", coord_);
  EXPECT_NE(page->body.find("56 250,00"), std::string::npos);
  page = server_->get("/aci/contrats/" + std::to_string(id), coord_);
  EXPECT_NE(page->body.find("aci-avenants"), std::string::npos);
  EXPECT_EQ(page->body.find("aci-avenant\""), std::string::npos);  // no form for a coordinator

  // The page form: a refusal comes back next to its field, the typed text kept.
  r = post_form("/aci/contrats/" + std::to_string(id) + "/avenants", roc_,
                {{"version", "3"}, {"from", "2024-01-01"}, {"avenant_size_class", "T4"},
                 {"reason", "Texte tapé"}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("id=\"erreur-from\""), std::string::npos);
  EXPECT_NE(r->body.find("Texte tapé"), std::string::npos);
  r = post_form("/aci/contrats/" + std::to_string(id) + "/avenants", roc_,
                {{"version", "2"}, {"from", "2026-06-01"}, {"avenant_size_class", "T4"}});
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(r->body.find("modifié par quelqu"), std::string::npos);  // apostrophe escaped
}

TEST_P(AciApi, MspContractFromTheFormThenPointsAndEuros) {
  const std::int64_t msp = open_msp();
  const std::string signature = "2026-01-01";  // a full calendar year under contract
  auto form = server_->get("/aci/contrats/nouveau?structure=" + std::to_string(msp), roc_);
  ASSERT_EQ(form->status, 200);
  EXPECT_NE(form->body.find("aci-indicateurs-msp"), std::string::npos);
  EXPECT_NE(form->body.find("value=\"demarche_qualite\""), std::string::npos);
  auto r = post_form("/aci/contrats/nouveau", roc_,
                     {{"structure", std::to_string(msp)},
                      {"reference", "MSP-API-TEST"},
                      {"accord", "msp-2017"},
                      {"signature", signature},
                      {"cpam", "CPAM de Moselle"},
                      {"ars", "ARS Grand Est"},
                      {"patients", "2000"},
                      {"mission", "demarche_qualite"}});
  ASSERT_EQ(r->status, 303) << r->body;
  const std::string location = r->get_header_value("Location");
  const std::int64_t id = std::stoll(location.substr(std::string("/aci/contrats/").size()));
  const std::string base = "/api/v1/aci/contracts/" + std::to_string(id);
  // Prérequis and socle of the catalogue plus the optional indicator chosen.
  json c = json::parse(server_->get(base, roc_)->body);
  std::set<std::string> ids;
  for (const auto& i : c["document"]["indicators"]) ids.insert(i["id"]);
  EXPECT_TRUE(ids.count("acces_soins") && ids.count("coordination") && ids.count("concertation"));
  EXPECT_TRUE(ids.count("demarche_qualite"));
  EXPECT_FALSE(ids.count("formation_jeunes"));
  EXPECT_EQ(c["years"][0]["label"], "2026");

  // Measures of 2026: the ROC enters rates (the coordinator of another structure cannot); a stale version is refused.
  auto measure = [&](const std::string& ind, double v, std::int64_t version) {
    return put(base + "/measures",
               {{"mission", "msp"}, {"indicator", ind}, {"year", 2026}, {"measured", v},
                {"version", version}},
               roc_);
  };
  EXPECT_EQ(put(base + "/measures",
                {{"mission", "msp"}, {"indicator", "acces_soins"}, {"year", 2026},
                 {"measured", 100}, {"version", 0}},
                coord_)
                ->status,
            403);
  ASSERT_EQ(measure("acces_soins", 100, 0)->status, 200);
  ASSERT_EQ(measure("coordination", 100, 0)->status, 200);
  ASSERT_EQ(measure("systeme_information", 100, 0)->status, 200);
  ASSERT_EQ(measure("concertation", 50, 0)->status, 200);
  EXPECT_EQ(measure("concertation", 60, 0)->status, 409);
  r = measure("concertation", 120, 1);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["field"], "$.measured");
  EXPECT_EQ(measure("inconnu", 10, 0)->status, 400);
  r = put(base + "/measures",
          {{"mission", "msp"}, {"indicator", "acces_soins"}, {"year", 2031}, {"measured", 1},
           {"version", 0}},
          roc_);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["field"], "$.year");

  // The workspace of year 1 (2026): points and euros by hand (2 000 patients of 4 000):
  //   accès 1 200 pts × 7 € = 8 400 €; coordination 1 000 + 1 700 / 2 = 1 850 pts = 12 950 €;
  //   SI 500 pts = 3 500 €; protocoles 320 pts = 2 240 € at 0 % (not measured);
  //   concertation 1 000 / 2 = 500 pts = 3 500 € at 50 % = 1 750 €; qualité 100 pts at 0 %.
  //   Earned 8 400 + 12 950 + 3 500 + 1 750 = 26 600 €; points earned 1 200 + 1 850 + 500 + 250
  //   = 3 800.
  r = server_->get(base + "/dialogues/1", roc_);
  ASSERT_EQ(r->status, 200) << r->body;
  json w = json::parse(r->body);
  EXPECT_TRUE(w["msp"].get<bool>());
  EXPECT_EQ(w["msp_sheet"]["calendar_year"], 2026);
  EXPECT_EQ(w["msp_sheet"]["patients"], 2000);
  std::map<std::string, json> lines;
  for (const auto& l : w["msp_sheet"]["indicators"]) lines[l["id"]] = l;
  EXPECT_EQ(lines["coordination"]["points"], "1\u202f850");
  // Amounts compared on their digits (the separators are typographic spaces).
  auto digits = [](const json& text) {
    std::string out;
    for (char ch : text.get<std::string>()) {
      if ((ch >= '0' && ch <= '9') || ch == ',') out += ch;
    }
    return out;
  };
  EXPECT_EQ(digits(lines["coordination"]["euros_earned"]), "12950,00");
  EXPECT_EQ(lines["concertation"]["points_earned"], "250");
  EXPECT_EQ(digits(lines["concertation"]["euros_earned"]), "1750,00");
  EXPECT_EQ(w["msp_sheet"]["points_earned"], "3\u202f800");
  EXPECT_EQ(digits(w["msp_sheet"]["earned"]), "26600,00");
  // The patientèle is a measure of the year too: 4 000 patients → coordination 2 700 pts.
  r = put(base + "/measures",
          {{"mission", "msp"}, {"indicator", "patientele"}, {"year", 2026}, {"measured", 4000},
           {"version", 0}},
          roc_);
  ASSERT_EQ(r->status, 200) << r->body;
  w = json::parse(server_->get(base + "/dialogues/1", roc_)->body);
  for (const auto& l : w["msp_sheet"]["indicators"]) {
    if (l["id"] == "coordination") {
      EXPECT_EQ(l["points"], "2\u202f700");
    }
  }
  // The page renders the sheet; the schedule pays the same year.
  auto page = server_->get("/aci/contrats/" + std::to_string(id) + "/dialogue/1", roc_);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("msp-indicateurs"), std::string::npos);
  EXPECT_EQ(page->body.find("bloc-fiches"), std::string::npos);
  EXPECT_EQ(server_->get("/aci/contrats/" + std::to_string(id) + "/echeancier", roc_)->status,
            200);
  // The dossier (HTML and ODT, read back) carries the MSP sheet.
  page = server_->get("/aci/contrats/" + std::to_string(id) + "/dialogue/1/dossier", roc_);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Euros atteints"), std::string::npos);
  auto odt = server_->get("/aci/contrats/" + std::to_string(id) + "/dialogue/1/dossier.odt", roc_);
  ASSERT_EQ(odt->status, 200);
  std::string content;
  for (const auto& e : office::test::unzip(odt->body)) {
    if (e.name == "content.xml") content = e.content;
  }
  EXPECT_NE(content.find("Euros atteints"), std::string::npos);
  EXPECT_NE(content.find("Fonction de coordination"), std::string::npos);
  // A CPTS-only write refused cleanly on an MSP contract.
  r = post(base + "/avenants", {{"version", 1}, {"from", "2026-06-01"}, {"size_class", "T2"}}, roc_);
  EXPECT_EQ(r->status, 400) << r->body;
}

INSTANTIATE_TEST_SUITE_P(Backends, AciApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
