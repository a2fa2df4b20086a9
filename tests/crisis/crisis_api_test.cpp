// Crisis mode through the whole server in-process, on both backends, with a real SMTP server
// (the local sink tests/tools/smtp_sink.py, Debian python3-aiosmtpd): a crisis refused naming the
// window at its JSON path, opened, its survey sent to a pasted list (one address refused by the
// sink), two professionals answering through the personal links read back from the mails, the
// planning built and solved by the server's background runner, the coverage and its gap (figures
// by hand), the CSV export, the final planning mailed and read back from the sink, and who sees
// what (ROC: coverage without names; member and observer refused).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "common/dates.hpp"
#include "http/smtp_sink.hpp"
#include "http/test_server.hpp"
#include "survey/crisis.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

class CrisisApi : public ::testing::TestWithParam<store::Backend> {
 protected:
  httplib::Result post(const std::string& path, const json& body, const SignedIn& who) {
    return server_->post_json(path, body.dump(), who);
  }
  httplib::Result form(const std::string& path, const std::string& body,
                       const std::string& cookie) {
    httplib::Headers h{{"Cookie", cookie}};
    return server_->client().Post(path.c_str(), h, body, "application/x-www-form-urlencoded");
  }
  // Answers the survey through the personal link mailed to `to`.
  void answer(const json& mails, const std::string& to, const std::string& cells) {
    std::string link;
    for (const auto& m : mails) {
      if (m["to"][0] != to) continue;
      const std::string text = m["text"];
      std::smatch hit;
      if (std::regex_search(text, hit, std::regex("/repondre/([0-9a-f]{64})"))) {
        link = "/repondre/" + std::string(hit[1]);
      }
    }
    ASSERT_FALSE(link.empty()) << to << ": " << mails.dump();
    auto page = server_->client().Get(link.c_str());
    ASSERT_EQ(page->status, 200);
    static const std::regex field("name=\"csrf\" value=\"([0-9a-f]+)\"");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(page->body, m, field));
    const std::string cookie =
        "maillage_enquete_csrf=" + set_cookie_value(*page, "maillage_enquete_csrf");
    auto ok = form(link, "csrf=" + std::string(m[1]) + cells, cookie);
    ASSERT_EQ(ok->status, 303) << ok->body.substr(0, 400);
  }
  static std::string in_days(int n) { return format_date(add_days(today_utc(), n)); }

  std::unique_ptr<TestServer> server_;
};

TEST_P(CrisisApi, TheLoopFromOpeningToTheFinalPlanning) {
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
  const SignedIn roc = server_->sign_in(Role::roc);
  const SignedIn member = server_->sign_in(Role::member);
  const SignedIn observer = server_->sign_in(Role::observer);
  auto demo = server_->app().database().query(
      "SELECT id FROM structures WHERE name = 'CPTS de démonstration du Pays messin (fictive)'");
  ASSERT_TRUE(demo && !demo->empty());
  const std::int64_t structure = demo->rows[0].integer(0);

  // Two days from tomorrow, a morning and an afternoon, one professional each: 4 slots.
  json body{{"structure", structure},
            {"titre", "Dépistage en pharmacie"},
            {"type", "depistage"},
            {"debut", in_days(1)},
            {"fin", in_days(2)},
            {"plages", {{{"debut", "08:00"}, {"fin", "12:00"}, {"besoin", 1}},
                        {{"debut", "14:00"}, {"fin", "18:00"}, {"besoin", 0}}}},
            {"profession", "Pharmacien"},
            {"cloture", in_days(1)},
            {"liste", "a@exemple.org\nb@exemple.org\nrefuse@exemple.org"}};
  auto r = post("/api/v1/crises", body, coord);
  ASSERT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["field"], "$.plages[1].besoin");
  body["plages"][1]["besoin"] = 1;
  EXPECT_EQ(post("/api/v1/crises", body, observer)->status, 403);
  EXPECT_EQ(post("/api/v1/crises", body, roc)->status, 403);
  r = post("/api/v1/crises", body, coord);
  ASSERT_EQ(r->status, 201) << r->body;
  json d = json::parse(r->body);
  const std::string id = std::to_string(d["crise"]["id"].get<std::int64_t>());
  const std::string api = "/api/v1/crises/" + id;
  EXPECT_EQ(d["crise"]["creneaux"], 4);
  EXPECT_EQ(d["crise"]["besoin"], 4);
  EXPECT_EQ(d["enquete"]["statut"], "draft");
  EXPECT_EQ(d["campagne"]["statut"], "brouillon");
  EXPECT_EQ(d["actions"]["envoyer"], true);
  EXPECT_EQ(d["actions"]["construire"], false);

  // Send: two links, one address refused by the sink.
  r = post(api + "/envoi", json::object(), coord);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["envoi"]["envoyes"], 2);
  EXPECT_EQ(json::parse(r->body)["envoi"]["refuses"], 1);
  json mails = sink.messages();
  ASSERT_EQ(mails.size(), 2u) << mails.dump();

  // a: first day morning, second day afternoon; b: both windows of the first day.
  answer(mails, "a@exemple.org", "&q_disponibilites=0.0&q_disponibilites=1.1");
  answer(mails, "b@exemple.org", "&q_disponibilites=0.0&q_disponibilites=0.1");
  d = json::parse(server_->get(api, coord)->body);
  EXPECT_EQ(d["crise"]["invites"], 3);
  EXPECT_EQ(d["crise"]["reponses"], 2);
  EXPECT_EQ(d["non_repondus"], 1);
  EXPECT_EQ(d["actions"]["construire"], true);

  // Build: the stale version is refused, then the solve runs in the server's background runner.
  EXPECT_EQ(post(api + "/planning", {{"version", 99}}, coord)->status, 409);
  r = post(api + "/planning", {{"version", d["crise"]["version"]}}, coord);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["planning"]["personnes_ajoutees"], 2);
  for (int i = 0; i < 300; ++i) {
    d = json::parse(server_->get(api, coord)->body);
    if (d["calcul"].is_object() && d["calcul"]["statut"] != "queued" &&
        d["calcul"]["statut"] != "running") {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(d["calcul"]["statut"], "done") << d["calcul"].dump();
  EXPECT_EQ(d["calcul"]["valide"], true);
  // One slot per person and day: day 1, a takes the morning and b the afternoon (b alone can);
  // day 2, nobody ticked the morning (gap 1), a takes the afternoon. Need 4, assigned 3, gap 1.
  EXPECT_EQ(d["couverture"]["besoin"], 4);
  EXPECT_EQ(d["couverture"]["affectes"], 3);
  EXPECT_EQ(d["couverture"]["manque"], 1);
  EXPECT_EQ(d["couverture"]["creneaux_sans_volontaires"], 1);
  const int gap[] = {0, 0, 1, 0}, available[] = {2, 1, 0, 1};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(d["creneaux"][i]["manque"], gap[i]) << i;
    EXPECT_EQ(d["creneaux"][i]["disponibles"], available[i]) << i;
  }
  EXPECT_EQ(d["creneaux"][0]["noms"], json({"a@exemple.org"}));
  EXPECT_EQ(d["actions"]["envoyer_planning"], true);

  // The CSV of the coverage.
  auto csv = server_->get("/crises/" + id + "/couverture.csv", coord);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("jour;debut;fin;besoin;disponibles;affectes;manque;manque_volontaires;"
                           "affectes_noms\r\n"),
            std::string::npos);
  EXPECT_NE(csv->body.find(in_days(2) + ";08:00;12:00;1;0;0;1;1;\r\n"), std::string::npos)
      << csv->body;

  // The final planning, read back from the sink.
  r = post(api + "/planning/envoi", {{"version", d["crise"]["version"]}}, coord);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["planning_envoye"]["envoyes"], 2);
  mails = sink.messages();
  ASSERT_EQ(mails.size(), 4u) << mails.dump();
  bool a_told = false;
  for (const auto& m : mails) {
    const std::string subject = m["subject"];
    if (m["to"][0] != "a@exemple.org" || subject.rfind("Votre planning", 0) != 0) continue;
    const std::string text = m["text"];
    a_told = text.find(crisis::day_label(in_days(1)) + " 08:00\u201312:00") != std::string::npos &&
             text.find(crisis::day_label(in_days(2)) + " 14:00\u201318:00") != std::string::npos;
  }
  EXPECT_TRUE(a_told) << mails.dump();
  d = json::parse(server_->get(api, coord)->body);
  EXPECT_EQ(d["campagne"]["statut"], "publie");

  // Who sees what.
  auto seen = server_->get(api, roc);
  ASSERT_EQ(seen->status, 200);
  EXPECT_TRUE(json::parse(seen->body)["invites"].empty());
  EXPECT_TRUE(json::parse(seen->body)["creneaux"][0]["noms"].empty());
  EXPECT_EQ(server_->get("/crises/" + id + "/couverture.csv", roc)->body.find("affectes_noms"),
            std::string::npos);
  EXPECT_EQ(server_->get(api, member)->status, 403);
  EXPECT_EQ(post(api + "/relance", json::object(), roc)->status, 403);

  // The pages.
  auto list = server_->get("/crises", coord);
  ASSERT_EQ(list->status, 200);
  EXPECT_NE(list->body.find("Dépistage en pharmacie"), std::string::npos);
  EXPECT_NE(list->body.find("id=\"formulaire-crise\""), std::string::npos);
  auto page = server_->get("/crises/" + id, coord);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Couverture des créneaux"), std::string::npos);
  EXPECT_NE(page->body.find("il manque 1 professionnel(s)"), std::string::npos);
  auto roc_list = server_->get("/crises", roc);
  ASSERT_EQ(roc_list->status, 200);
  EXPECT_EQ(roc_list->body.find("id=\"formulaire-crise\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, CrisisApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
