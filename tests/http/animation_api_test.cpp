// The animation territoriale through the whole server in-process, on both backends: a partner
// (errors named by their JSON path, SIREN and FINESS checked, a stale version answered 409), an
// interaction with a PDF read back, the search and the CSV export; an action and an event of the
// demo CPTS with capacity 2, three registrations (the third waits), a duplicate e-mail refused,
// a cancellation that promotes the waiting person, the member registering themself and seeing
// only their own line, the émargement, the attendance export in CSV and XLSX (read back with
// the office reader), the .ics; the pages; the OpenAPI document lists the routes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "http/test_server.hpp"
#include "office/xlsx_reader.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

class AnimationApi : public ::testing::TestWithParam<store::Backend> {
 protected:
  httplib::Result send(const char* method, const std::string& path, const json& body,
                       const SignedIn& who) {
    httplib::Headers h{{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}};
    auto cli = server_->client();
    const std::string text = body.dump();
    if (std::string(method) == "PUT") return cli.Put(path.c_str(), h, text, "application/json");
    if (std::string(method) == "PATCH") return cli.Patch(path.c_str(), h, text, "application/json");
    return cli.Post(path.c_str(), h, text, "application/json");
  }
  std::unique_ptr<TestServer> server_;
};

TEST_P(AnimationApi, PartnersActionsEventsWaitingListAndExports) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  server_ = std::make_unique<TestServer>(GetParam());
  const SignedIn coord = server_->sign_in(Role::coordinator);
  const SignedIn roc = server_->sign_in(Role::roc);
  const SignedIn member = server_->sign_in(Role::member);
  const SignedIn observer = server_->sign_in(Role::observer);
  auto demo = server_->app().database().query(
      "SELECT id FROM structures WHERE name = 'CPTS de démonstration du Pays messin (fictive)'");
  ASSERT_TRUE(demo && !demo->empty());
  const std::int64_t cpts = demo->rows[0].integer(0);

  // A partner; refusals name their JSON path.
  json partner{{"nom", "Centre hospitalier de Metz (test)"},
               {"type", "hopital"},
               {"departement", "57"},
               {"siren", "732829320"},
               {"finess", "570000158"},
               {"communes", {"57463", "57480"}},
               {"structures", {cpts}},
               {"contacts", json::array({{{"nom", "Dr Anne Test"}, {"courriel", "anne@exemple.fr"}}})}};
  json bad = partner;
  bad["siren"] = "732829321";
  auto r = send("POST", "/api/v1/partners", bad, coord);
  ASSERT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["field"], "$.siren");
  bad = partner;
  bad["communes"] = {"57463", "57999"};
  r = send("POST", "/api/v1/partners", bad, coord);
  ASSERT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["field"], "$.communes[1]");
  bad = partner;
  bad["contacts"][0]["courriel"] = "sans arobase";
  r = send("POST", "/api/v1/partners", bad, coord);
  ASSERT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["field"], "$.contacts[0].courriel");
  EXPECT_EQ(send("POST", "/api/v1/partners", partner, observer)->status, 403);
  r = send("POST", "/api/v1/partners", partner, coord);
  ASSERT_EQ(r->status, 201) << r->body;
  const json p = json::parse(r->body);
  const std::string pid = std::to_string(p["partenaire"]["id"].get<std::int64_t>());
  EXPECT_EQ(p["partenaire"]["communes"], json({"57463", "57480"}));

  // Edit at the read version; the same version again conflicts.
  json change = partner;
  change.erase("departement");
  change["nom"] = "CHR Metz (test)";
  change["version"] = p["partenaire"]["version"];
  EXPECT_EQ(send("PATCH", "/api/v1/partners/" + pid, change, roc)->status, 200);
  EXPECT_EQ(send("PATCH", "/api/v1/partners/" + pid, change, roc)->status, 409);

  // An interaction with a PDF, read back.
  const std::string pdf = "%PDF-1.4\nconvention CPTS\n%%EOF\n";
  r = send("POST", "/api/v1/partners/" + pid + "/interactions",
           {{"type", "convention"},
            {"date", "2026-03-12"},
            {"objet", "Signature de la convention"},
            {"nom_fichier", "convention.pdf"},
            {"type_contenu", "application/pdf"},
            {"contenu_base64", base64::encode(pdf)}},
           coord);
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string iid = std::to_string(json::parse(r->body)["id"].get<std::int64_t>());
  auto doc = server_->get("/api/v1/partners/" + pid + "/interactions/" + iid + "/document", roc);
  ASSERT_EQ(doc->status, 200);
  EXPECT_EQ(doc->body, pdf);
  EXPECT_EQ(doc->get_header_value("Content-Type"), "application/pdf");
  r = send("POST", "/api/v1/partners/" + pid + "/interactions",
           {{"type", "reunion"}, {"date", "12/03/2026"}, {"objet", "x"}}, coord);
  ASSERT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["field"], "$.date");

  // Search and export.
  auto list = server_->get("/api/v1/partners?q=chr&commune=57480", roc);
  ASSERT_EQ(list->status, 200) << list->body;
  EXPECT_EQ(json::parse(list->body)["partenaires"].size(), 1U);
  list = server_->get("/api/v1/partners?type=ehpad", roc);
  EXPECT_EQ(json::parse(list->body)["partenaires"].size(), 0U);
  EXPECT_EQ(server_->get("/api/v1/partners", member)->status, 403);
  auto csv = server_->get("/partenaires/export.csv?commune=Metz", roc);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("CHR Metz (test);Hôpital;57;732829320;570000158;57463 57480;"),
            std::string::npos)
      << csv->body;

  // An action of the demo CPTS and its event with 2 places.
  r = send("POST", "/api/v1/actions",
           {{"structure", cpts},
            {"intitule", "Journée de formation"},
            {"type", "formation"},
            {"debut", "2099-05-01"},
            {"personnes_prevues", 40},
            {"partenaires", {std::stoll(pid)}}},
           coord);
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string aid = std::to_string(json::parse(r->body)["action"]["id"].get<std::int64_t>());
  r = send("POST", "/api/v1/actions/" + aid + "/events",
           {{"intitule", "Repérage de la fragilité"},
            {"date", "2099-05-01"},
            {"debut", "09:00"},
            {"fin", "12:30"},
            {"lieu", "Metz"},
            {"capacite", 2}},
           coord);
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string eid =
      std::to_string(json::parse(r->body)["evenement"]["id"].get<std::int64_t>());
  const std::string regs = "/api/v1/events/" + eid + "/registrations";
  std::vector<std::int64_t> ids;
  for (const auto& [name, email] : std::vector<std::pair<std::string, std::string>>{
           {"Alice", "alice@exemple.fr"}, {"Bruno", "bruno@exemple.fr"}, {"Chloé", "chloe@exemple.fr"}}) {
    r = send("POST", regs, {{"nom", name}, {"courriel", email}, {"organisation", "Infirmière"}},
             coord);
    ASSERT_EQ(r->status, 201) << r->body;
    ids.push_back(json::parse(r->body)["id"].get<std::int64_t>());
    EXPECT_EQ(json::parse(r->body)["statut"], name == "Chloé" ? "attente" : "inscrit");
  }
  r = send("POST", regs, {{"nom", "Alice"}, {"courriel", "ALICE@exemple.fr"}}, coord);
  ASSERT_EQ(r->status, 409) << r->body;
  EXPECT_EQ(json::parse(r->body)["field"], "$.courriel");
  // The member registers themself: second on the waiting list, sees only their own line.
  r = send("POST", regs, json::object(), member);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(json::parse(r->body)["rang_attente"], 2);
  auto mine = json::parse(server_->get("/api/v1/events/" + eid, member)->body);
  EXPECT_EQ(mine["inscriptions"].size(), 1U);
  EXPECT_EQ(mine["mon_statut"], "attente");

  // Alice cancels: Chloé is promoted.
  r = send("POST", regs + "/" + std::to_string(ids[0]) + "/cancellation", json::object(), coord);
  ASSERT_EQ(r->status, 200) << r->body;
  const json c = json::parse(r->body);
  ASSERT_EQ(c["promus"].size(), 1U);
  EXPECT_EQ(c["promus"][0]["nom"], "Chloé");
  EXPECT_EQ(send("POST", regs + "/" + std::to_string(ids[1]) + "/cancellation", json::object(),
                 member)->status,
            404);  // not their own: the member does not see it

  // Émargement: Bruno present, Chloé absent; the waiting member cannot be marked.
  json marks{{"presences", json::array({{{"inscription", ids[1]}, {"presence", "present"}},
                                        {{"inscription", ids[2]}, {"presence", "absent"}}})}};
  EXPECT_EQ(send("PUT", "/api/v1/events/" + eid + "/attendance", marks, member)->status, 403);
  r = send("PUT", "/api/v1/events/" + eid + "/attendance", marks, coord);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["evenement"]["presents"], 1);

  csv = server_->get("/evenements/" + eid + "/emargement.csv", coord);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("Bruno;bruno@exemple.fr;Professionnel du territoire;Infirmière;présent"),
            std::string::npos)
      << csv->body;
  EXPECT_NE(csv->body.find("Chloé;chloe@exemple.fr;Professionnel du territoire;Infirmière;absent"),
            std::string::npos);
  EXPECT_EQ(csv->body.find("Alice"), std::string::npos);  // cancelled: not on the sheet
  auto xlsx = server_->get("/evenements/" + eid + "/emargement.xlsx", roc);
  ASSERT_EQ(xlsx->status, 200);
  auto sheet = office::read_xlsx_first_sheet(xlsx->body, "emargement.xlsx");
  ASSERT_TRUE(sheet) << sheet.error().describe();
  ASSERT_EQ(sheet->rows.size(), 3U);  // header, Bruno, Chloé
  EXPECT_EQ(sheet->rows[1].cells.at(0).text, "Bruno");
  EXPECT_EQ(sheet->rows[1].cells.at(4).text, "présent");
  EXPECT_EQ(server_->get("/evenements/" + eid + "/emargement.csv", member)->status, 403);
  auto ics = server_->get("/evenements/" + eid + "/evenement.ics", member);
  ASSERT_EQ(ics->status, 200);
  EXPECT_NE(ics->body.find("DTSTART;TZID=Europe/Paris:20990501T090000"), std::string::npos)
      << ics->body;
  EXPECT_NE(ics->body.find("SUMMARY:Repérage de la fragilité"), std::string::npos);

  // Pages.
  for (const std::string& page :
       {std::string("/partenaires"), "/partenaires/" + pid, std::string("/actions"),
        "/actions/" + aid, "/evenements/" + eid}) {
    auto html = server_->get(page, coord);
    EXPECT_EQ(html->status, 200) << page << " " << html->body.substr(0, 300);
  }
  auto page = server_->get("/evenements/" + eid, coord);
  EXPECT_NE(page->body.find("Chloé"), std::string::npos);
  EXPECT_NE(page->body.find("Liste d'attente (1)"), std::string::npos);
  auto member_page = server_->get("/evenements/" + eid, member);
  EXPECT_EQ(member_page->status, 200);
  EXPECT_EQ(member_page->body.find("bruno@exemple.fr"), std::string::npos);
  EXPECT_EQ(server_->get("/partenaires", member)->status, 403);
  EXPECT_EQ(server_->get("/actions", member)->status, 200);

  // The OpenAPI document carries the routes and their bodies.
  auto openapi = json::parse(server_->get("/api/v1/openapi.json")->body);
  EXPECT_TRUE(openapi["paths"].contains("/api/v1/partners"));
  EXPECT_TRUE(openapi["paths"]["/api/v1/events/{evenement}/registrations"].contains("post"));
}

INSTANTIATE_TEST_SUITE_P(Backends, AnimationApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
