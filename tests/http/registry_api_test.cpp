// The registry API and pages through the whole server in-process, on both backends: create,
// read, edit with optimistic versions (409), lifecycle transitions (422 with the French message),
// scopes (403), documents, the portfolio in JSON, CSV and XLSX, the pages and their forms.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/error_catalogue.hpp"
#include "http/message.hpp"
#include "http/test_server.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

class RegistryApi : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    server_ = std::make_unique<TestServer>(GetParam());
    roc_ = server_->sign_in(Role::roc);
  }

  httplib::Headers auth(const SignedIn& who) {
    return {{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}};
  }
  json create(const SignedIn& who, const json& body, int expected = 201) {
    auto r = server_->post_json("/api/v1/structures", body.dump(), who);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, expected) << r->body;
    return json::parse(r->body);
  }
  httplib::Result patch(const SignedIn& who, const std::string& path, const json& body) {
    return server_->client().Patch(path.c_str(), auth(who), body.dump(), "application/json");
  }

  std::unique_ptr<TestServer> server_;
  SignedIn roc_;
};

TEST_P(RegistryApi, CreateEditAndTransitionWithVersions) {
  json s = create(roc_, {{"type", "CPTS"}, {"nom", "CPTS de test (fictive)"},
                         {"departement", "57"}, {"commune", "57463"}, {"rna", "W572001234"}});
  ASSERT_TRUE(s.contains("id"));
  EXPECT_EQ(s["etape"], "emergence");
  const std::string path = "/api/v1/structures/" + std::to_string(s["id"].get<int>());

  // Bad input names the field (French API names).
  auto bad = server_->post_json("/api/v1/structures",
                                json{{"type", "CPTS"}, {"nom", "X (fictive)"}, {"departement", "57"},
                                     {"contact_courriel", "pas-une-adresse"}}
                                    .dump(),
                                roc_);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["field"], "contact_courriel");

  auto first = patch(roc_, path, {{"version", 1}, {"notes", "premier"}});
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(json::parse(first->body)["version"], 2);
  auto stale = patch(roc_, path, {{"version", 1}, {"notes", "second"}});
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 409);
  EXPECT_EQ(json::parse(stale->body)["code"], "conflict");
  auto now = server_->get(path, roc_);
  ASSERT_TRUE(now);
  json got = json::parse(now->body);
  EXPECT_EQ(got["notes"], "premier");
  ASSERT_FALSE(got["transitions_possibles"].empty());
  EXPECT_EQ(got["transitions_possibles"][0]["evenement"], "lancer_pre_projet");

  auto illegal = server_->post_json(path + "/transitions",
                                    json{{"evenement", "signer_aci"}, {"version", 2}}.dump(), roc_);
  ASSERT_TRUE(illegal);
  // The catalogue decides the status of a refused transition (409 today).
  EXPECT_EQ(illegal->status, error_info(ErrorCode::invalid_transition).http_status) << illegal->body;
  json e = json::parse(illegal->body);
  EXPECT_EQ(e["code"], "invalid_transition");
  EXPECT_NE(e["message"].get<std::string>().find("Émergence"), std::string::npos) << e["message"];

  auto ok = server_->post_json(path + "/transitions",
                               json{{"evenement", "lancer_pre_projet"}, {"version", 2},
                                    {"date", "2026-01-15"}, {"commentaire", "réunion du 15"}}
                                   .dump(),
                               roc_);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;
  EXPECT_EQ(json::parse(ok->body)["etape"], "pre_projet");
  auto hist = server_->get(path + "/history", roc_);
  ASSERT_TRUE(hist);
  json h = json::parse(hist->body)["historique"];
  ASSERT_EQ(h.size(), 1U);
  EXPECT_EQ(h[0]["par"], "roc1.moselle@demo.maillage.fr");
  EXPECT_EQ(h[0]["date"], "2026-01-15");
  EXPECT_EQ(h[0]["commentaire"], "réunion du 15");

  auto bad_date = server_->post_json(
      path + "/transitions", json{{"evenement", "deposer_lettre"}, {"version", 3}, {"date", "2026-02-30"}}.dump(),
      roc_);
  ASSERT_TRUE(bad_date);
  EXPECT_EQ(bad_date->status, 400);
  EXPECT_EQ(json::parse(bad_date->body)["field"], "date");
}

TEST_P(RegistryApi, ArchivingThroughTheApiAndThePages) {
  json s = create(roc_, {{"type", "MSP"}, {"nom", "MSP à archiver (fictive)"},
                         {"departement", "57"}});
  ASSERT_TRUE(s.contains("id"));
  const std::string id = std::to_string(s["id"].get<int>());
  const std::string path = "/api/v1/structures/" + id;
  auto listed = [&](const std::string& query) {
    auto r = server_->get("/api/v1/structures?departement=57" + query, roc_);
    EXPECT_TRUE(r);
    bool found = false;
    if (!r) return found;
    EXPECT_EQ(r->status, 200) << r->body;
    const json body = json::parse(r->body);
    for (const auto& x : body["structures"]) found = found || x["id"] == s["id"];
    return found;
  };
  EXPECT_TRUE(listed(""));

  // The reason is required, named by its API field.
  auto no_reason = server_->post_json(path + "/archive", json{{"version", 1}, {"motif", ""}}.dump(),
                                      roc_);
  ASSERT_TRUE(no_reason);
  EXPECT_EQ(no_reason->status, 400) << no_reason->body;
  EXPECT_EQ(json::parse(no_reason->body)["field"], "motif");
  auto archived = server_->post_json(path + "/archive",
                                     json{{"version", 1}, {"motif", "Doublon"}}.dump(), roc_);
  ASSERT_TRUE(archived);
  ASSERT_EQ(archived->status, 200) << archived->body;
  json a = json::parse(archived->body);
  EXPECT_EQ(a["archivee"], true);
  EXPECT_EQ(a["motif_archivage"], "Doublon");
  EXPECT_EQ(a["version"], 2);
  EXPECT_FALSE(listed(""));
  EXPECT_TRUE(listed("&archives=seules"));
  EXPECT_TRUE(listed("&archives=incluses"));
  auto bad_filter = server_->get("/api/v1/structures?archives=peut-etre", roc_);
  ASSERT_TRUE(bad_filter);
  EXPECT_EQ(bad_filter->status, 400);
  EXPECT_EQ(json::parse(bad_filter->body)["field"], "archives");
  // Read-only while archived.
  auto edit = patch(roc_, path, {{"version", 2}, {"notes", "x"}});
  ASSERT_TRUE(edit);
  EXPECT_EQ(edit->status, 409) << edit->body;

  // The pages: the archive list of the département, the banner of the structure page.
  auto archives = server_->get("/portefeuille/57/archives", roc_);
  ASSERT_TRUE(archives);
  EXPECT_EQ(archives->status, 200);
  EXPECT_NE(archives->body.find("MSP à archiver (fictive)"), std::string::npos);
  EXPECT_NE(archives->body.find("Doublon"), std::string::npos);
  auto portfolio = server_->get("/portefeuille/57", roc_);
  ASSERT_TRUE(portfolio);
  EXPECT_EQ(portfolio->body.find("MSP à archiver (fictive)"), std::string::npos);
  EXPECT_NE(portfolio->body.find("/portefeuille/57/archives"), std::string::npos);
  auto page = server_->get("/structures/" + id, roc_);
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("registre-desarchiver"), std::string::npos);
  EXPECT_EQ(page->body.find("registre-archiver\""), std::string::npos);

  auto back = server_->post_json(path + "/restore", json{{"version", 2}}.dump(), roc_);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->status, 200) << back->body;
  EXPECT_EQ(json::parse(back->body)["archivee"], false);
  EXPECT_TRUE(listed(""));
}

TEST_P(RegistryApi, TheCreationFormTakesACommuneByItsWholeName) {
  // "Metz" also matches Montigny-lès-Metz: typed whole, it is Metz. "Montigny" names one.
  auto post = [&](const std::string& name, const std::string& commune) {
    std::string body = "csrf=" + http::url_encode(roc_.csrf) + "&type=MSP&departement=57&nom=" +
                       http::url_encode(name) + "&commune=" + http::url_encode(commune);
    return server_->client().Post("/structures/nouvelle", {{"Cookie", roc_.cookie}}, body,
                                  "application/x-www-form-urlencoded");
  };
  for (auto [typed, code] : {std::pair{"metz", "57463"}, std::pair{"Montigny", "57480"}}) {
    auto r = post(std::string("MSP de ") + typed + " (fictive)", typed);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 303) << typed << ": " << r->body.substr(0, 300);
    const std::string location = r->get_header_value("Location");
    const std::string id = location.substr(location.rfind('/') + 1, location.find('?') -
                                                                        location.rfind('/') - 1);
    auto s = server_->get("/api/v1/structures/" + id, roc_);
    ASSERT_TRUE(s);
    EXPECT_EQ(json::parse(s->body)["commune"], code) << typed;
  }
}

TEST_P(RegistryApi, ScopesAnswerForbidden) {
  auto admin = server_->sign_in(Role::admin);
  json nancy = create(admin, {{"type", "MSP"}, {"nom", "MSP de Nancy (fictive)"}, {"departement", "54"}});
  json metz = create(admin, {{"type", "MSP"}, {"nom", "MSP de Metz (fictive)"}, {"departement", "57"}});
  const std::string nancy_path = "/api/v1/structures/" + std::to_string(nancy["id"].get<int>());
  const std::string metz_path = "/api/v1/structures/" + std::to_string(metz["id"].get<int>());

  auto r = server_->get(nancy_path, roc_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->get_header_value("X-Error-Code"), "forbidden");
  r = server_->get("/api/v1/departements/54/portfolio", roc_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  create(roc_, {{"type", "MSP"}, {"nom", "MSP (fictive)"}, {"departement", "54"}}, 403);

  auto coord = server_->sign_in(Role::coordinator);
  r = server_->get(metz_path, coord);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  auto p = patch(coord, metz_path, {{"version", 1}, {"notes", "x"}});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 403);
  r = server_->get("/api/v1/departements/57/portfolio", coord);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  json portfolio = json::parse(r->body);
  ASSERT_EQ(portfolio["structures"].size(), 1U);  // only the demo CPTS of the coordinator
  EXPECT_EQ(portfolio["structures"][0]["nom"], "CPTS de démonstration du Pays messin (fictive)");
  r = server_->get("/api/v1/structures", coord);
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["structures"].size(), 1U);
}

TEST_P(RegistryApi, DocumentsRoundTrip) {
  json s = create(roc_, {{"type", "CPTS"}, {"nom", "CPTS (fictive)"}, {"departement", "57"}});
  const std::string path = "/api/v1/structures/" + std::to_string(s["id"].get<int>()) + "/documents";
  // An HTML file is refused, whether declared as HTML or as text (common/uploads.hpp).
  for (const char* type : {"text/html", "text/plain", "image/svg+xml"}) {
    auto html = server_->post_json(
        path,
        json{{"type", "projet_sante"}, {"titre", "Projet de santé v1"},
             {"nom_fichier", "projet.html"}, {"type_contenu", type}, {"date", "2026-03-01"},
             {"contenu_base64", "PGh0bWw+PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="}}  // <html><script>…
            .dump(),
        roc_);
    ASSERT_TRUE(html);
    EXPECT_EQ(html->status, 400) << type;
    EXPECT_EQ(json::parse(html->body)["field"],
              std::string(type) == "text/plain" ? "contenu_base64" : "type_contenu")
        << type;
  }
  // Declared a PDF, but not one.
  auto liar = server_->post_json(path,
                                 json{{"type", "projet_sante"}, {"titre", "Projet"},
                                      {"nom_fichier", "projet.pdf"},
                                      {"type_contenu", "application/pdf"},
                                      {"contenu_base64", "PGh0bWw+AP8="}}  // "<html>\0\xff"
                                     .dump(),
                                 roc_);
  ASSERT_TRUE(liar);
  EXPECT_EQ(liar->status, 400);
  EXPECT_EQ(json::parse(liar->body)["field"], "contenu_base64");

  // A PDF (its signature, then anything): stored, and served back only as a download.
  const std::string pdf("%PDF-1.4\n<html>\0\xff", 17);
  auto up = server_->post_json(path,
                               json{{"type", "projet_sante"}, {"titre", "Projet de santé v1"},
                                    {"nom_fichier", "projet.pdf"},
                                    {"type_contenu", "application/pdf"}, {"date", "2026-03-01"},
                                    {"contenu_base64", "JVBERi0xLjQKPGh0bWw+AP8="}}
                                   .dump(),
                               roc_);
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 201) << up->body;
  json doc = json::parse(up->body);
  EXPECT_EQ(doc["taille"], 17);
  auto down = server_->get(doc["url"].get<std::string>(), roc_);
  ASSERT_TRUE(down);
  ASSERT_EQ(down->status, 200);
  EXPECT_EQ(down->body, pdf);
  EXPECT_EQ(down->get_header_value("Content-Type"), "application/pdf");
  EXPECT_EQ(down->get_header_value("Content-Disposition").rfind("attachment;", 0), 0U);
  EXPECT_EQ(down->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(down->get_header_value("Content-Security-Policy").rfind("default-src 'none'", 0), 0U);

  auto bad = server_->post_json(path,
                                json{{"type", "autre"}, {"titre", "x"}, {"nom_fichier", "x.txt"},
                                     {"contenu_base64", "pas du base64!"}}
                                    .dump(),
                                roc_);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["field"], "contenu_base64");
  auto list = server_->get(path, roc_);
  ASSERT_TRUE(list);
  EXPECT_EQ(json::parse(list->body)["documents"].size(), 1U);
}

TEST_P(RegistryApi, PortfolioJsonCsvXlsxAndPages) {
  json s = create(roc_, {{"type", "CPTS"}, {"nom", "=CPTS Portefeuille (fictive)"}, {"departement", "57"}});
  auto r = server_->get("/api/v1/departements/57/portfolio?type=CPTS", roc_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json p = json::parse(r->body);
  EXPECT_EQ(p["departement"]["nom"], "Moselle");
  EXPECT_EQ(p["structures"].size(), 2U);  // the demo CPTS and this one
  bool found = false;
  for (const auto& st : p["pipeline"]) {
    if (st["type"] == "CPTS" && st["etape"] == "emergence") {
      found = true;
      EXPECT_EQ(st["nombre"], 2);
    }
  }
  EXPECT_TRUE(found);
  // Revalidation with the ETag.
  auto again = server_->get("/api/v1/departements/57/portfolio?type=CPTS", roc_,
                            {{"If-None-Match", r->get_header_value("ETag")}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  auto bad = server_->get("/api/v1/departements/57/portfolio?etape=inconnue", roc_);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);

  auto csv = server_->get("/api/v1/departements/57/portfolio.csv", roc_);
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200);
  EXPECT_EQ(csv->body.rfind("\xEF\xBB\xBFIdentifiant;Type;Nom;", 0), 0U) << csv->body.substr(0, 80);
  // A name starting with '=' never becomes a formula.
  EXPECT_NE(csv->body.find(";'=CPTS Portefeuille (fictive);"), std::string::npos) << csv->body;
  auto xlsx = server_->get("/api/v1/departements/57/portfolio.xlsx", roc_);
  ASSERT_TRUE(xlsx);
  ASSERT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");

  auto page = server_->get("/portefeuille/57?type=CPTS", roc_);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Portefeuille — Moselle"), std::string::npos);
  EXPECT_NE(page->body.find("=CPTS Portefeuille (fictive)"), std::string::npos);
  const std::string id = std::to_string(s["id"].get<int>());
  page = server_->get("/structures/" + id, roc_);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("value=\"lancer_pre_projet\""), std::string::npos);

  // The transition form: CSRF field, then a redirect to the structure page.
  auto cli = server_->client();
  httplib::Headers h{{"Cookie", roc_.cookie}};
  std::string form = "csrf=" + roc_.csrf + "&version=1&evenement=lancer_pre_projet&date=2026-01-02";
  auto post = cli.Post(("/structures/" + id + "/etape").c_str(), h, form,
                       "application/x-www-form-urlencoded");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 303) << post->body;
  EXPECT_EQ(post->get_header_value("Location").rfind("/structures/" + id + "?message=", 0), 0U);
  // The same form again (stale version): a French error page with 409.
  post = cli.Post(("/structures/" + id + "/etape").c_str(), h, form,
                  "application/x-www-form-urlencoded");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 409);
  // Without the CSRF field.
  post = cli.Post(("/structures/" + id + "/notes").c_str(), h, "version=2&notes=x",
                  "application/x-www-form-urlencoded");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 403);

  page = server_->get("/qui-est-mon-roc?commune=Metz", roc_);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Metz (57463)"), std::string::npos);
  EXPECT_NE(page->body.find("roc2.moselle@demo.maillage.fr"), std::string::npos);
  auto who = server_->get("/api/v1/referents?commune=57463", roc_);
  ASSERT_TRUE(who);
  ASSERT_EQ(who->status, 200);
  EXPECT_EQ(json::parse(who->body)["referents"].size(), 2U);  // no sectors: both ROCs of 57
}

// The regional view: a chargé de mission lands on their région, sees the structures of all its
// départements (the test référentiel's Grand Est: Moselle and Meurthe-et-Moselle) with the CSV, and
// the network of coordinators with the demo coordinator's account; another région is refused; a
// ROC of Moselle sees Moselle's part only.
TEST_P(RegistryApi, TheRegionalViewAndTheNetworkOfCoordinators) {
  create(roc_, {{"type", "MSP"}, {"nom", "MSP de Moselle (fictive)"}, {"departement", "57"}});
  auto admin = server_->sign_in(Role::admin);
  create(admin, {{"type", "CPTS"}, {"nom", "CPTS de Nancy (fictive)"}, {"departement", "54"}});
  auto cdm = server_->sign_in(Role::charge_de_mission);
  auto home = server_->get("/portefeuille", cdm);
  ASSERT_EQ(home->status, 302);
  EXPECT_EQ(home->get_header_value("Location"), "/region/44");
  auto page = server_->get("/region/44", cdm);
  ASSERT_EQ(page->status, 200) << page->body;
  for (const char* name : {"MSP de Moselle (fictive)", "CPTS de Nancy (fictive)",
                           "CPTS de démonstration du Pays messin (fictive)"}) {
    EXPECT_NE(page->body.find(name), std::string::npos) << name;
  }
  EXPECT_NE(page->body.find("data-departement=\"54\""), std::string::npos);
  auto csv = server_->get("/region/44/structures.csv?type=CPTS", cdm);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("CPTS de Nancy (fictive)"), std::string::npos);
  EXPECT_EQ(csv->body.find("MSP de Moselle (fictive)"), std::string::npos) << "type filter";
  EXPECT_EQ(server_->get("/region/11", cdm)->status, 403);
  EXPECT_EQ(server_->get("/region/99", cdm)->status, 404);

  auto network = server_->get("/region/44/reseau", cdm);
  ASSERT_EQ(network->status, 200);
  EXPECT_NE(network->body.find(server_->login_of(Role::coordinator)), std::string::npos);
  auto network_csv = server_->get("/region/44/reseau.csv", cdm);
  ASSERT_EQ(network_csv->status, 200);
  EXPECT_NE(network_csv->body.find("CPTS de Nancy (fictive)"), std::string::npos);

  auto roc_view = server_->get("/region/44", roc_);
  ASSERT_EQ(roc_view->status, 200);
  EXPECT_EQ(roc_view->body.find("CPTS de Nancy (fictive)"), std::string::npos);
  EXPECT_NE(roc_view->body.find("MSP de Moselle (fictive)"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
