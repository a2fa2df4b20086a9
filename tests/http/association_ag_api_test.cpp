// The assemblées générales through the whole server in-process, on both backends, with a real
// SMTP server: the AG options of the statuts (PUT/GET, a bad quorum named by its JSON path), an
// AG created with its agenda, convocations e-mailed to a local SMTP sink (tests/tools/
// smtp_sink.py, Debian python3-aiosmtpd) and read back there, the member's online proxy (not
// someone else's), the séance (émargement, votes, closure), the procès-verbal read back with
// python3-odf (names for the association, none for the ROC), the pages and the iCalendar file.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "http/smtp_sink.hpp"
#include "http/test_server.hpp"

namespace maillage::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using services::Role;

bool has_modules(const std::string& modules) {
  int status = 0;
  run(python() + " -c 'import " + modules + "' 2>&1", status);
  return status == 0;
}

class AssemblyApi : public ::testing::TestWithParam<store::Backend> {
 protected:
  httplib::Result send(const char* method, const std::string& path, const json& body,
                       const SignedIn& who) {
    httplib::Headers h{{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}};
    auto cli = server_->client();
    const std::string text = body.dump();
    if (std::string(method) == "PUT") return cli.Put(path.c_str(), h, text, "application/json");
    if (std::string(method) == "PATCH") return cli.Patch(path.c_str(), h, text, "application/json");
    if (std::string(method) == "DELETE") return cli.Delete(path.c_str(), h);
    return cli.Post(path.c_str(), h, text, "application/json");
  }

  std::int64_t member(const json& body) {
    auto r = server_->post_json(base_ + "/members", body.dump(), coord_);
    EXPECT_EQ(r->status, 201) << r->body;
    return json::parse(r->body)["id"].get<std::int64_t>();
  }

  // What an independent ODT reader (odfpy) finds in the document, as one text.
  std::string odt_text(const std::string& bytes) {
    const fs::path file = fs::temp_directory_path() / ("maillage-pv-" + std::to_string(::getpid()) +
                                                       "-" + std::to_string(++files_) + ".odt");
    std::ofstream(file, std::ios::binary) << bytes;
    int status = 0;
    const std::string out = run(
        python() + " " + tools("office/read_back.py") + " odt " + file.string() + " 2>&1", status);
    fs::remove(file);
    EXPECT_EQ(status, 0) << out;
    return out;
  }

  std::unique_ptr<TestServer> server_;
  SignedIn coord_;
  std::string id_, base_;
  int files_ = 0;
};

TEST_P(AssemblyApi, FromConvocationByEmailToTheProcesVerbal) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  // scripts/setup.sh (run by `make test`) installs both: their absence is a failure, not a skip.
  ASSERT_TRUE(has_modules("aiosmtpd, odf"))
      << python() << " cannot import aiosmtpd and odf (apt-get install python3-aiosmtpd python3-odf)";
  SmtpSink sink;
  ASSERT_TRUE(sink.start()) << "the SMTP sink did not start";
  server_ = std::make_unique<TestServer>(GetParam(), [&](app::Config& c) {
    c.smtp_url = "smtp://127.0.0.1:" + std::to_string(sink.port());
    c.smtp_from = "cpts@exemple.fr";
  });
  coord_ = server_->sign_in(Role::coordinator);
  auto demo = server_->app().database().query(
      "SELECT id FROM structures WHERE name = 'CPTS de démonstration du Pays messin (fictive)'");
  ASSERT_TRUE(demo && !demo->empty());
  id_ = std::to_string(demo->rows[0].integer(0));
  base_ = "/api/v1/structures/" + id_ + "/association";

  // Statuts with their AG options.
  json statuts{
      {"version", 0},
      {"ponderation", "parts_fixes"},
      {"periode", "annee_civile"},
      {"colleges", json::array({{{"id", "medecins"},
                                 {"nom", "Médecins"},
                                 {"part_numerateur", 1},
                                 {"part_denominateur", 2},
                                 {"professions", {"10"}}},
                                {{"id", "autres"},
                                 {"nom", "Autres professions"},
                                 {"part_numerateur", 1},
                                 {"part_denominateur", 2},
                                 {"professions", {"21", "60", "70"}}}})},
      {"ag",
       {{"delai_convocation_jours", 15},
        {"quorum_premiere", {{"portee", "global"}, {"numerateur", 1}, {"denominateur", 3}}},
        {"majorite_statuts", "deux_tiers"},
        {"pouvoirs_max", 1},
        {"pouvoirs_meme_college", false},
        {"vote_cotisation_a_jour", false}}}};
  json bad = statuts;
  bad["ag"]["quorum_premiere"]["numerateur"] = 5;
  auto refused = send("PUT", base_ + "/statuts", bad, coord_);
  ASSERT_EQ(refused->status, 400) << refused->body;
  EXPECT_EQ(json::parse(refused->body)["field"], "$.ag.quorum_premiere") << refused->body;
  auto put = send("PUT", base_ + "/statuts", statuts, coord_);
  ASSERT_EQ(put->status, 200) << put->body;
  json ag_rules = json::parse(put->body)["ag"];
  EXPECT_EQ(ag_rules["quorum_premiere"]["denominateur"], 3);
  EXPECT_EQ(ag_rules["quorum_seconde"]["portee"], "aucun");
  EXPECT_EQ(ag_rules["vote_cotisation_a_jour"], false);

  const std::string login = server_->login_of(Role::member);
  const auto durand = member({{"type", "personne"},
                              {"nom", "Durand"},
                              {"prenom", "Marie"},
                              {"profession", "60"},
                              {"email", login}});
  const auto martin = member({{"type", "personne"},
                              {"nom", "Martin"},
                              {"prenom", "Paul"},
                              {"profession", "10"},
                              {"email", "paul@exemple.fr"}});
  const auto roux = member({{"type", "personne"},
                            {"nom", "Roux"},
                            {"prenom", "Jean"},
                            {"profession", "10"},
                            {"email", "refuse@exemple.fr"}});
  const auto petit =
      member({{"type", "personne"}, {"nom", "Petit"}, {"prenom", "Léa"}, {"profession", "60"}});

  auto created =
      server_->post_json(base_ + "/assemblies",
                         json{{"date", "2030-06-12"},
                              {"debut", "18:30"},
                              {"fin", "20:30"},
                              {"lieu", "Salle des fêtes, Metz"},
                              {"resolutions", json::array({{{"titre", "Approbation des comptes"}},
                                                           {{"titre", "Article 7 des statuts"},
                                                            {"type", "statuts"},
                                                            {"scrutin", "secret"}}})}}
                             .dump(),
                         coord_);
  ASSERT_EQ(created->status, 201) << created->body;
  json ag = json::parse(created->body);
  const std::string ag_id = std::to_string(ag["ag"]["id"].get<int>());
  const std::string ag_path = base_ + "/assemblies/" + ag_id;
  EXPECT_EQ(ag["ag"]["titre"], "Assemblée générale ordinaire 2030");
  EXPECT_EQ(ag["smtp"], true);
  auto late = server_->post_json(base_ + "/assemblies",
                                 json{{"date", "2030-06-12"}, {"debut", "25:00"}}.dump(), coord_);
  EXPECT_EQ(json::parse(late->body)["field"], "$.debut") << late->body;

  // Convocations through the SMTP sink.
  auto convened =
      server_->post_json(ag_path + "/convocations", json{{"mode", "email"}}.dump(), coord_);
  ASSERT_EQ(convened->status, 200) << convened->body;
  json envoi = json::parse(convened->body)["envoi"];
  EXPECT_EQ(envoi["envoyees"], 2);
  EXPECT_EQ(envoi["echecs"], 1) << "the sink refuses refuse@";
  EXPECT_EQ(envoi["sans_adresse"], 1);
  json mails = sink.messages();
  ASSERT_TRUE(mails.is_array()) << mails;
  ASSERT_EQ(mails.size(), 2U) << mails;
  std::set<std::string> to;
  for (const auto& m : mails) {
    to.insert(m["to"][0].get<std::string>());
    EXPECT_EQ(m["from"], "cpts@exemple.fr");
    EXPECT_EQ(m["subject"],
              "Convocation : assemblée générale ordinaire du 12/06/2030 — CPTS de démonstration du "
              "Pays messin (fictive)");
    const std::string text = m["text"];
    EXPECT_NE(text.find("le mercredi 12 juin 2030 de 18:30 à 20:30, Salle des fêtes, Metz"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("2. Article 7 des statuts (Modification des statuts, majorité des deux "
                        "tiers des suffrages exprimés, scrutin secret)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("http://127.0.0.1:" + std::to_string(server_->port()) + "/associations/" +
                        id_ + "/ag/" + ag_id),
              std::string::npos)
        << text;
    ASSERT_EQ(m["attachments"].size(), 1U);
    EXPECT_EQ(m["attachments"][0]["type"], "text/calendar");
    EXPECT_NE(m["attachments"][0]["text"].get<std::string>().find("DTSTART;TZID=Europe/Paris:"
                                                                  "20300612T183000"),
              std::string::npos);
  }
  EXPECT_TRUE(to.count(login) && to.count("paul@exemple.fr"));
  if (mails.size() == 2) {
    EXPECT_NE(mails[0]["to_header"].get<std::string>().find("<"), std::string::npos);
  }

  // The member gives her proxy online, not someone else's.
  SignedIn marie = server_->sign_in(Role::member);
  auto seen = server_->get(ag_path, marie);
  ASSERT_EQ(seen->status, 200) << seen->body;
  json mine = json::parse(seen->body);
  EXPECT_TRUE(mine["liste"].empty());
  EXPECT_EQ(mine["moi"]["membre"], durand);
  EXPECT_EQ(mine["moi"]["a_voix"], true);
  EXPECT_EQ(mine["moi"]["mandataires"].size(), 3U);
  EXPECT_EQ(seen->body.find("paul@exemple.fr"), std::string::npos);
  auto other = send("PUT", ag_path + "/proxies/" + std::to_string(martin),
                    json{{"mandataire", petit}}, marie);
  EXPECT_EQ(other->status, 403) << other->body;
  auto self = send("PUT", ag_path + "/proxies/" + std::to_string(durand),
                   json{{"mandataire", durand}}, marie);
  EXPECT_EQ(self->status, 400) << self->body;
  EXPECT_EQ(json::parse(self->body)["field"], "$.mandataire");
  auto given = send("PUT", ag_path + "/proxies/" + std::to_string(durand),
                    json{{"mandataire", petit}}, marie);
  ASSERT_EQ(given->status, 200) << given->body;
  EXPECT_EQ(json::parse(given->body)["moi"]["mandataire"], petit);
  auto page = server_->get("/associations/" + id_ + "/ag/" + ag_id, marie);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Vous avez donné votre pouvoir à <strong>PETIT Léa</strong>"),
            std::string::npos);
  EXPECT_EQ(server_->get("/associations/" + id_ + "/ag/" + ag_id + "/emargement", marie)->status,
            403);

  // The séance.
  auto opened = server_->post_json(ag_path + "/opening", "{}", coord_);
  ASSERT_EQ(opened->status, 200) << opened->body;
  auto mark = [&](std::int64_t who, const char* presence) {
    auto r = send("PUT", ag_path + "/attendance/" + std::to_string(who),
                  json{{"presence", presence}}, coord_);
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body);
  };
  json q = mark(petit, "present")["quorum"];
  EXPECT_EQ(q["presents_ou_representes"], 2) << "Petit and Durand, whom she represents";
  EXPECT_EQ(q["atteint"], true);  // 2/4 >= 1/3
  EXPECT_EQ(q["colleges"][1]["representes"], 1);
  mark(martin, "present");
  json last = mark(roux, "excuse");
  EXPECT_EQ(last["quorum"]["presents_ou_representes"], 3);
  EXPECT_EQ(last["quorum"]["colleges"][0]["excuses"], 1);

  // Votes: by show of hands, then the urn of the secret ballot.
  const auto r1 = last["resolutions"][0]["id"].get<int>();
  const auto r2 = last["resolutions"][1]["id"].get<int>();
  auto v1 = send("PUT", ag_path + "/resolutions/" + std::to_string(r1) + "/votes",
                 json{{"votes", json::array({{{"membre", martin}, {"vote", "contre"}},
                                             {{"membre", petit}, {"vote", "pour"}},
                                             {{"membre", durand}, {"vote", "pour"}}})}},
                 coord_);
  ASSERT_EQ(v1->status, 200) << v1->body;
  json res1 = json::parse(v1->body)["resolutions"][0];
  // 1/2 × 0/1 + 1/2 × 2/2 = 1/2 of the weighted votes, not more: rejected; 2 of 3 heads would
  // have carried it.
  EXPECT_EQ(res1["total_pour"], "1/2");
  EXPECT_EQ(res1["adoptee"], false);
  EXPECT_EQ(res1["tete_adoptee"], true);
  auto absent = send("PUT", ag_path + "/resolutions/" + std::to_string(r1) + "/votes",
                     json{{"votes", json::array({{{"membre", roux}, {"vote", "pour"}}})}}, coord_);
  EXPECT_EQ(absent->status, 400) << absent->body;
  EXPECT_NE(json::parse(absent->body)["message"].get<std::string>().find("ROUX Jean"),
            std::string::npos)
      << absent->body;
  auto v2 = send(
      "PUT", ag_path + "/resolutions/" + std::to_string(r2) + "/votes",
      json{{"decomptes",
            json::array({{{"college", "medecins"}, {"pour", 1}, {"contre", 0}, {"abstention", 0}},
                         {{"college", "autres"}, {"pour", 1}, {"contre", 1}, {"abstention", 0}}})}},
      coord_);
  ASSERT_EQ(v2->status, 200) << v2->body;
  json res2 = json::parse(v2->body)["resolutions"][1];
  EXPECT_EQ(res2["total_pour"], "3/4");  // 1/2 × 1/1 + 1/2 × 1/2 >= 2/3
  EXPECT_EQ(res2["adoptee"], true);
  EXPECT_EQ(res2["tete_adoptee"], true);

  for (const std::string p : {"", "/emargement", "/votes"}) {
    auto r = server_->get("/associations/" + id_ + "/ag/" + ag_id + p, coord_);
    EXPECT_EQ(r->status, 200) << p << r->body.substr(0, 300);
  }
  auto votes_page = server_->get("/associations/" + id_ + "/ag/" + ag_id + "/votes", coord_);
  EXPECT_NE(votes_page->body.find("Il faut plus de 1/2 de 1, soit plus de 1/2 : résolution "
                                  "rejetée."),
            std::string::npos);

  auto closed = server_->post_json(ag_path + "/closure", "{}", coord_);
  ASSERT_EQ(closed->status, 200) << closed->body;
  EXPECT_EQ(json::parse(closed->body)["ag"]["statut"], "close");
  EXPECT_EQ(send("PUT", ag_path + "/attendance/" + std::to_string(roux),
                 json{{"presence", "present"}}, coord_)
                ->status,
            409);

  // The procès-verbal, read back by odfpy.
  auto pv = server_->get("/associations/" + id_ + "/ag/" + ag_id + "/proces-verbal.odt", coord_);
  ASSERT_EQ(pv->status, 200) << pv->body.substr(0, 300);
  EXPECT_EQ(pv->get_header_value("Content-Type"), "application/vnd.oasis.opendocument.text");
  const std::string text = odt_text(pv->body);
  for (const char* expected :
       {"Procès-verbal de l'assemblée générale ordinaire du 12/06/2030", "Présences et quorum",
        "quorum atteint en première convocation : 3 présents ou représentés sur 4",
        "Résolution n° 1 : Approbation des comptes", "Résolution adoptée",
        "représenté par PETIT Léa", "DURAND Marie", "Liste d'émargement",
        "Il faut au moins 2/3 de 1, soit au moins 2/3 : résolution adoptée."}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  SignedIn roc = server_->sign_in(Role::roc);
  auto roc_view = server_->get(ag_path, roc);
  ASSERT_EQ(roc_view->status, 200);
  EXPECT_EQ(roc_view->body.find("DURAND"), std::string::npos);
  EXPECT_EQ(roc_view->body.find("Durand"), std::string::npos);
  auto roc_pv = server_->get("/associations/" + id_ + "/ag/" + ag_id + "/proces-verbal.odt", roc);
  ASSERT_EQ(roc_pv->status, 200);
  const std::string roc_text = odt_text(roc_pv->body);
  EXPECT_EQ(roc_text.find("DURAND"), std::string::npos);
  EXPECT_NE(roc_text.find("Résolution adoptée"), std::string::npos);
  EXPECT_EQ(server_->get("/associations/" + id_ + "/ag/" + ag_id + "/adresses.csv", roc)->status,
            403);

  // iCalendar: CRLF lines of at most 75 octets.
  auto ics = server_->get("/associations/" + id_ + "/calendrier.ics", marie);
  ASSERT_EQ(ics->status, 200);
  EXPECT_EQ(ics->get_header_value("Content-Type"), "text/calendar; charset=utf-8");
  EXPECT_EQ(ics->body.rfind("BEGIN:VCALENDAR\r\n", 0), 0U);
  std::size_t start = 0;
  while (start < ics->body.size()) {
    const auto end = ics->body.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 75U) << ics->body.substr(start, end - start);
    start = end + 2;
  }
  EXPECT_NE(ics->body.find("LOCATION:Salle des fêtes\\, Metz\r\n"), std::string::npos);
}

TEST_P(AssemblyApi, WithoutSmtpTheLettersAndAddressesAreOffered) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  server_ = std::make_unique<TestServer>(GetParam());
  coord_ = server_->sign_in(Role::coordinator);
  id_ = "1";
  base_ = "/api/v1/structures/1/association";
  ASSERT_EQ(
      send(
          "PUT", base_ + "/statuts",
          json{{"version", 0},
               {"ponderation", "par_tete"},
               {"periode", "annee_civile"},
               {"colleges",
                json::array({{{"id", "tous"}, {"nom", "Membres"}, {"professions", {"10", "60"}}}})},
               {"ag", {{"vote_cotisation_a_jour", false}}}},
          coord_)
          ->status,
      200);
  member({{"type", "personne"},
          {"nom", "Durand"},
          {"profession", "60"},
          {"email", "marie@exemple.fr"}});
  member({{"type", "personne"}, {"nom", "Martin"}, {"profession", "10"}});
  auto created =
      server_->post_json(base_ + "/assemblies",
                         json{{"date", "2030-06-12"}, {"type", "extraordinaire"}}.dump(), coord_);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string ag_id = std::to_string(json::parse(created->body)["ag"]["id"].get<int>());
  auto email = server_->post_json(base_ + "/assemblies/" + ag_id + "/convocations",
                                  json{{"mode", "email"}}.dump(), coord_);
  EXPECT_EQ(email->status, 409) << email->body;
  EXPECT_NE(email->body.find("smtp_url"), std::string::npos);
  auto page = server_->get("/associations/1/ag/" + ag_id, coord_);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("id=\"sans-smtp\""), std::string::npos);
  EXPECT_NE(page->body.find("marie@exemple.fr"), std::string::npos);
  auto csv = server_->get("/associations/1/ag/" + ag_id + "/adresses.csv", coord_);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("nom;email;commune;college\r\n"), std::string::npos);
  EXPECT_NE(csv->body.find("DURAND;marie@exemple.fr;;Membres\r\n"), std::string::npos) << csv->body;
  auto letters = server_->get("/associations/1/ag/" + ag_id + "/convocations.odt", coord_);
  ASSERT_EQ(letters->status, 200);
  EXPECT_EQ(letters->body.substr(0, 2), "PK");
  auto recorded =
      server_->post_json(base_ + "/assemblies/" + ag_id + "/convocations",
                         json{{"mode", "courrier"}, {"date", "2020-01-01"}}.dump(), coord_);
  ASSERT_EQ(recorded->status, 200) << recorded->body;
  EXPECT_EQ(json::parse(recorded->body)["ag"]["convoquee_par"], "courrier");
  // Before the séance there is no procès-verbal.
  EXPECT_EQ(server_->get("/associations/1/ag/" + ag_id + "/proces-verbal.odt", coord_)->status,
            409);
}

INSTANTIATE_TEST_SUITE_P(Backends, AssemblyApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
