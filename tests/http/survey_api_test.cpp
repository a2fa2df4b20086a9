// Surveys through the whole server in-process, on both backends, with a real SMTP server (a local
// sink, tests/tools/smtp_sink.py, Debian python3-aiosmtpd): a questionnaire refused when a
// free-text question speaks of patients (the error at its JSON path), created, sent to a pasted
// list (one address refused by the sink, one line not an address), the personal link read back
// from the captured mail, the public answer page without an account (its double-submit CSRF
// check, a refusal naming the question, the answer saved and edited), the results and the CSV
// and XLSX exports, the closing that stops the link, and the observer refused every write.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "http/test_server.hpp"

namespace maillage::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using services::Role;

std::string python() {
  if (const char* p = std::getenv("MAILLAGE_PYTHON"); p != nullptr && *p != '\0') return p;
  return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

std::string run(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  status = ::pclose(pipe);
  return out;
}

std::string sink_script() {
  return (fs::path(MAILLAGE_SOURCE_DIR) / "tests" / "tools" / "smtp_sink.py").string();
}

class SmtpSink {
 public:
  bool start() {
    dir_ = fs::temp_directory_path() / ("maillage-enquete-smtp-" + std::to_string(::getpid()) +
                                        "-" + std::to_string(++count_));
    fs::remove_all(dir_);
    pipe_ = ::popen((python() + " " + sink_script() + " serve " + dir_.string() + " 2>&1").c_str(),
                    "r");
    if (pipe_ == nullptr) return false;
    char line[256];
    if (std::fgets(line, sizeof line, pipe_) == nullptr) return false;
    if (std::sscanf(line, "%d %d", &port_, &pid_) != 2) return false;
    return std::fgets(line, sizeof line, pipe_) != nullptr && std::string(line) == "ready\n";
  }
  ~SmtpSink() {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
    if (pipe_ != nullptr) ::pclose(pipe_);
    fs::remove_all(dir_);
  }
  [[nodiscard]] int port() const { return port_; }
  json messages() const {
    int status = 0;
    const std::string out = run(python() + " " + sink_script() + " read " + dir_.string(), status);
    return status == 0 ? json::parse(out, nullptr, false) : json();
  }

 private:
  static inline int count_ = 0;
  fs::path dir_;
  FILE* pipe_ = nullptr;
  int port_ = 0, pid_ = 0;
};

class SurveyApi : public ::testing::TestWithParam<store::Backend> {
 protected:
  httplib::Result send(const char* method, const std::string& path, const json& body,
                       const SignedIn& who) {
    httplib::Headers h{{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}};
    auto cli = server_->client();
    if (std::string(method) == "PUT") return cli.Put(path.c_str(), h, body.dump(), "application/json");
    return cli.Post(path.c_str(), h, body.dump(), "application/json");
  }
  httplib::Result form(const std::string& path, const std::string& body,
                       const std::string& cookie) {
    httplib::Headers h;
    if (!cookie.empty()) h.emplace("Cookie", cookie);
    return server_->client().Post(path.c_str(), h, body, "application/x-www-form-urlencoded");
  }
  static std::string csrf_of(const std::string& html) {
    static const std::regex field("name=\"csrf\" value=\"([0-9a-f]+)\"");
    std::smatch m;
    return std::regex_search(html, m, field) ? std::string(m[1]) : "";
  }

  std::unique_ptr<TestServer> server_;
};

TEST_P(SurveyApi, FromTheQuestionnaireToTheResultsThroughAPersonalLink) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  int status = 0;
  run(python() + " -c 'import aiosmtpd' 2>&1", status);
  ASSERT_EQ(status, 0) << python() << " cannot import aiosmtpd (apt-get install python3-aiosmtpd)";
  SmtpSink sink;
  ASSERT_TRUE(sink.start()) << "the SMTP sink did not start";
  server_ = std::make_unique<TestServer>(GetParam(), [&](app::Config& c) {
    c.smtp_url = "smtp://127.0.0.1:" + std::to_string(sink.port());
    c.smtp_from = "cpts@exemple.fr";
  });
  const SignedIn coord = server_->sign_in(Role::coordinator);
  const SignedIn observer = server_->sign_in(Role::observer);
  auto demo = server_->app().database().query(
      "SELECT id FROM structures WHERE name = 'CPTS de démonstration du Pays messin (fictive)'");
  ASSERT_TRUE(demo && !demo->empty());
  const std::int64_t structure = demo->rows[0].integer(0);

  json questions = json::array(
      {{{"id", "profession"},
        {"type", "choix_unique"},
        {"libelle", "Votre profession"},
        {"obligatoire", true},
        {"options", {"Médecin", "Infirmier"}}},
       {{"id", "heures"}, {"type", "nombre"}, {"libelle", "Heures par semaine"}, {"min", 0}, {"max", 20}},
       {{"id", "grille"},
        {"type", "grille"},
        {"libelle", "Disponibilités"},
        {"jours", {"Lundi", "Mardi"}},
        {"creneaux", {"Matin", "Soir"}}},
       {{"id", "remarque"}, {"type", "texte"}, {"libelle", "Les patients de votre cabinet"}}});
  json body{{"structure", structure},
            {"titre", "Vaccination : disponibilités"},
            {"cloture", "2099-12-31"},
            {"questions", questions}};
  auto r = send("POST", "/api/v1/enquetes", body, coord);
  ASSERT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["field"], "$.questions[3].libelle");
  body["questions"][3]["libelle"] = "Remarque sur l'organisation";
  r = send("POST", "/api/v1/enquetes", body, observer);
  EXPECT_EQ(r->status, 403);
  r = send("POST", "/api/v1/enquetes", body, coord);
  ASSERT_EQ(r->status, 201) << r->body;
  const json created = json::parse(r->body);
  const std::string id = std::to_string(created["enquete"]["id"].get<std::int64_t>());
  EXPECT_EQ(created["enquete"]["statut"], "draft");
  EXPECT_EQ(created["questions"][2]["creneaux"], json({"Matin", "Soir"}));

  // Sending: one address accepted, one refused by the sink (550), one line that is no address.
  r = send("POST", "/api/v1/enquetes/" + id + "/envoi",
           {{"liste", "a@exemple.org\nrefuse@exemple.org\npas une adresse"}}, coord);
  ASSERT_EQ(r->status, 200) << r->body;
  const json sent = json::parse(r->body);
  EXPECT_EQ(sent["envoi"]["ajoutes"], 2);
  EXPECT_EQ(sent["envoi"]["envoyes"], 1);
  EXPECT_EQ(sent["envoi"]["refuses"], 1);
  EXPECT_EQ(sent["envoi"]["lignes_refusees"][0]["ligne"], "ligne 3");
  EXPECT_EQ(sent["enquete"]["statut"], "open");
  bool refused_logged = false;
  for (const auto& d : sent["destinataires"]) {
    if (d["email"] == "refuse@exemple.org") refused_logged = d["refus"].get<std::string>().find("550") != std::string::npos;
  }
  EXPECT_TRUE(refused_logged) << sent["destinataires"].dump();

  const json mails = sink.messages();
  ASSERT_EQ(mails.size(), 1u) << mails.dump();
  EXPECT_EQ(mails[0]["to"][0], "a@exemple.org");
  const std::string text = mails[0]["text"];
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex("/repondre/([0-9a-f]{64})"))) << text;
  const std::string link = "/repondre/" + std::string(m[1]);
  EXPECT_NE(text.find("jamais sur des patients"), std::string::npos);

  // The public page, without an account.
  auto page = server_->client().Get(link.c_str());
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Vaccination : disponibilités"), std::string::npos);
  EXPECT_NE(page->body.find("jamais sur des patients"), std::string::npos);
  const std::string cookie = "maillage_enquete_csrf=" + set_cookie_value(*page, "maillage_enquete_csrf");
  const std::string token = csrf_of(page->body);
  ASSERT_FALSE(token.empty());
  EXPECT_NE(set_cookie_header(*page, "maillage_enquete_csrf").find("SameSite=Strict"), std::string::npos);
  // Without the cookie (a cross-site post): refused, nothing saved, what was typed kept.
  auto forged = form(link, "csrf=" + token + "&q_profession=1&q_heures=7", "");
  EXPECT_EQ(forged->status, 403);
  EXPECT_NE(forged->body.find("value=\"7\""), std::string::npos);
  // A number out of bounds: refused next to its question.
  auto bad = form(link, "csrf=" + token + "&q_profession=1&q_heures=25", cookie);
  EXPECT_EQ(bad->status, 422);
  EXPECT_NE(bad->body.find("id=\"erreur-heures\""), std::string::npos);
  EXPECT_NE(bad->body.find("compris entre 0 et 20"), std::string::npos);
  auto ok = form(link, "csrf=" + token + "&q_profession=1&q_heures=7%2C5&q_grille=0.0&q_grille=1.1",
                 cookie);
  ASSERT_EQ(ok->status, 303) << ok->body.substr(0, 500);
  EXPECT_EQ(ok->get_header_value("Location"), link + "?enregistre=1");
  page = server_->client().Get((link + "?enregistre=1").c_str());
  EXPECT_NE(page->body.find("id=\"reponse-enregistree\""), std::string::npos);
  EXPECT_NE(page->body.find("value=\"7,5\""), std::string::npos);
  // Edited: still one respondent.
  ok = form(link, "csrf=" + token + "&q_profession=0&q_heures=3", cookie);
  ASSERT_EQ(ok->status, 303);

  auto results = server_->get("/api/v1/enquetes/" + id + "/resultats", coord);
  ASSERT_EQ(results->status, 200);
  const json res = json::parse(results->body);
  EXPECT_EQ(res["resultats"]["repondants"], 1);
  EXPECT_EQ(res["resultats"]["questions"][0]["comptes"], json({1, 0}));
  EXPECT_EQ(res["resultats"]["questions"][1]["nombre"]["moyenne"], 3);
  EXPECT_EQ(res["repondants"][0]["email"], "a@exemple.org");
  auto observed = server_->get("/api/v1/enquetes/" + id + "/resultats", observer);
  ASSERT_EQ(observed->status, 200);
  EXPECT_TRUE(json::parse(observed->body)["repondants"].empty());
  EXPECT_EQ(server_->get("/enquetes/" + id + "/resultats.csv", observer)->status, 403);

  auto csv = server_->get("/enquetes/" + id + "/resultats.csv", coord);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("Votre profession"), std::string::npos);
  EXPECT_NE(csv->body.find(";a@exemple.org;Liste collée;"), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find(";Médecin;3;"), std::string::npos) << csv->body;
  auto xlsx = server_->get("/enquetes/" + id + "/resultats.xlsx", coord);
  ASSERT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");
  EXPECT_EQ(server_->get("/enquetes/" + id + "/resultats", coord)->status, 200);
  EXPECT_EQ(server_->get("/enquetes/" + id, coord)->status, 200);
  EXPECT_EQ(server_->get("/enquetes", coord)->status, 200);

  // Closing stops the link; the page says why.
  r = send("POST", "/api/v1/enquetes/" + id + "/cloture", {{"version", 1}}, coord);
  EXPECT_EQ(r->status, 409);
  const auto version = json::parse(server_->get("/api/v1/enquetes/" + id, coord)->body)["enquete"]["version"];
  r = send("POST", "/api/v1/enquetes/" + id + "/cloture", {{"version", version}}, coord);
  ASSERT_EQ(r->status, 200) << r->body;
  auto late = form(link, "csrf=" + token + "&q_profession=1&q_heures=3", cookie);
  EXPECT_EQ(late->status, 409);
  EXPECT_NE(late->body.find("close"), std::string::npos);
  EXPECT_EQ(server_->client().Get("/repondre/nimportequoi")->status, 404);
}

// Messages: a draft whose HTML is cleaned, queued for a pasted list, sent by the background
// sender to the sink (one address refused, its reason in the log), each mail with its HTML
// alternative, its attachment and its unsubscribe link; the link, opened without an account,
// unsubscribes, and the next message leaves the address out.
TEST_P(SurveyApi, MessagesAreSentInTheBackgroundAndUnsubscribesHonoured) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  int status = 0;
  run(python() + " -c 'import aiosmtpd' 2>&1", status);
  ASSERT_EQ(status, 0) << python() << " cannot import aiosmtpd (apt-get install python3-aiosmtpd)";
  SmtpSink sink;
  ASSERT_TRUE(sink.start()) << "the SMTP sink did not start";
  server_ = std::make_unique<TestServer>(GetParam(), [&](app::Config& c) {
    c.smtp_url = "smtp://127.0.0.1:" + std::to_string(sink.port());
    c.smtp_from = "cpts@exemple.fr";
  });
  const SignedIn coord = server_->sign_in(Role::coordinator);
  auto demo = server_->app().database().query(
      "SELECT id FROM structures WHERE name = 'CPTS de démonstration du Pays messin (fictive)'");
  ASSERT_TRUE(demo && !demo->empty());
  const std::int64_t structure = demo->rows[0].integer(0);
  json body{{"structure", structure},
            {"objet", "Campagne de vaccination"},
            {"html", "<p onclick=\"x()\">Bonjour <strong>à tous</strong></p><script>alert(1)</script>"},
            {"pieces_jointes", json::array({{{"nom", "planning.csv"},
                                             {"type", "text/csv"},
                                             {"contenu_base64", "am91cjtjcmVuZWF1Cg=="}}})}};
  auto r = send("POST", "/api/v1/messages", body, coord);
  ASSERT_EQ(r->status, 201) << r->body;
  const json created = json::parse(r->body);
  EXPECT_EQ(created["html"], "<p>Bonjour <strong>à tous</strong></p>");
  const std::string id = std::to_string(created["message"]["id"].get<std::int64_t>());
  r = send("POST", "/api/v1/messages/" + id + "/envoi",
           {{"liste", "a@exemple.org\nb@exemple.org\nrefuse@exemple.org"}}, coord);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["file"]["ajoutes"], 3);
  json view;
  for (int i = 0; i < 200; ++i) {
    view = json::parse(server_->get("/api/v1/messages/" + id, coord)->body);
    if (view["message"]["statut"] == "sent") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(view["message"]["statut"], "sent") << view.dump();
  EXPECT_EQ(view["message"]["envoyes"], 2);
  EXPECT_EQ(view["message"]["refuses"], 1);
  for (const auto& d : view["envois"]) {
    if (d["email"] == "refuse@exemple.org") {
      EXPECT_NE(d["raison"].get<std::string>().find("550"), std::string::npos) << d.dump();
    }
  }
  const json mails = sink.messages();
  ASSERT_EQ(mails.size(), 2u) << mails.dump();
  std::string link;
  for (const auto& m : mails) {
    EXPECT_EQ(m["subject"], "Campagne de vaccination");
    EXPECT_EQ(m["attachments"][0]["name"], "planning.csv");
    if (m["to"][0] != "a@exemple.org") continue;
    std::smatch hit;
    const std::string text = m["text"];
    ASSERT_TRUE(std::regex_search(text, hit, std::regex("/desinscription/([0-9a-f]{64})"))) << text;
    link = "/desinscription/" + std::string(hit[1]);
  }
  ASSERT_FALSE(link.empty());
  auto page = server_->client().Get(link.c_str());
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("a@exemple.org"), std::string::npos);
  auto done = server_->client().Post(link.c_str(), "List-Unsubscribe=One-Click",
                                     "application/x-www-form-urlencoded");
  ASSERT_EQ(done->status, 200);
  EXPECT_NE(done->body.find("desinscription-faite"), std::string::npos);
  body.erase("pieces_jointes");
  r = send("POST", "/api/v1/messages", body, coord);
  ASSERT_EQ(r->status, 201);
  const std::string second = std::to_string(json::parse(r->body)["message"]["id"].get<std::int64_t>());
  r = send("POST", "/api/v1/messages/" + second + "/envoi", {{"liste", "a@exemple.org\nb@exemple.org"}},
           coord);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["file"]["ajoutes"], 1);
  EXPECT_EQ(json::parse(r->body)["file"]["desinscrits"], 1);
  EXPECT_EQ(server_->get("/messages/" + id, coord)->status, 200);
  // The archive page carries the rich-text editor, served from the npm package.
  auto archive = server_->get("/messages", coord);
  ASSERT_TRUE(archive);
  EXPECT_EQ(archive->status, 200);
  const auto script = archive->body.find("/quill/quill.js");
  ASSERT_NE(script, std::string::npos);
  const auto from = archive->body.rfind("\"", script) + 1;
  const std::string base = archive->body.substr(from, script - from);  // "/assets/<version>"
  for (const char* asset : {"/quill/quill.js", "/quill/quill.snow.css"}) {
    auto a = server_->get(base + asset, coord);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 200) << base << asset;
    EXPECT_GT(a->body.size(), 10000U) << asset;
  }
  EXPECT_EQ(server_->client().Get("/desinscription/inconnu")->status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
