// The account pages, as a browser submits them (form posts with the session's CSRF token):
// "Mon compte" for every user, and the administration of accounts for admins.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "http/message.hpp"
#include "http/smtp_sink.hpp"
#include "http/test_server.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

class AccountPages : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    server_ = std::make_unique<TestServer>(GetParam());
  }

  // A form post as the browser sends it; `fields` in order, values URL-encoded.
  httplib::Result post_form(const std::string& path, const SignedIn& who,
                            std::vector<std::pair<std::string, std::string>> fields) {
    std::string body = "csrf=" + http::url_encode(who.csrf);
    for (const auto& [k, v] : fields) body += "&" + k + "=" + http::url_encode(v);
    return server_->client().Post(path, {{"Cookie", who.cookie}}, body,
                                  "application/x-www-form-urlencoded");
  }

  httplib::Result login(const std::string& login, const std::string& password) {
    return server_->post_json("/api/v1/session",
                              json{{"identifiant", login}, {"mot_de_passe", password}}.dump());
  }

  SignedIn session_of(const httplib::Result& r) {
    return SignedIn{"maillage_session=" + set_cookie_value(*r, "maillage_session"),
                    json::parse(r->body)["csrf"].get<std::string>()};
  }

  // The id of a user, from the admin list's link.
  std::string id_of(const SignedIn& admin, const std::string& login) {
    auto page = server_->get("/admin/utilisateurs", admin);
    std::smatch m;
    std::regex link("<a href=\"/admin/utilisateurs/([0-9]+)\">" + login + "</a>");
    if (!std::regex_search(page->body, m, link)) return "";
    return m[1];
  }

  static std::string version_in(const std::string& page) {
    std::smatch m;
    std::regex v("name=\"version\" value=\"([0-9]+)\"");
    return std::regex_search(page, m, v) ? std::string(m[1]) : std::string();
  }

  const std::string demo_ = std::string(services::kDemoPassword);
  std::unique_ptr<TestServer> server_;
};

TEST_P(AccountPages, EveryUserSeesTheirAccountAndOnlyAdminsTheUsers) {
  auto member = server_->sign_in(Role::member);
  auto page = server_->get("/compte", member);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find(server_->login_of(Role::member)), std::string::npos);
  EXPECT_NE(page->body.find("id=\"lien-mon-compte\""), std::string::npos);  // the header
  EXPECT_EQ(page->body.find("href=\"/admin/utilisateurs\""), std::string::npos);
  auto admin = server_->sign_in(Role::admin);
  EXPECT_NE(server_->get("/compte", admin)->body.find("href=\"/admin/utilisateurs\""),
            std::string::npos);
}

TEST_P(AccountPages, ChangingOwnPasswordNeedsTheCurrentOneAndClosesOtherSessions) {
  const std::string who = server_->login_of(Role::member);
  auto here = server_->sign_in(Role::member);
  auto elsewhere = server_->sign_in(Role::member);

  auto wrong = post_form("/compte", here,
                         {{"identifiant", who}, {"nouveau_mot_de_passe", "un-mot-de-passe-neuf"},
                          {"confirmation", "un-mot-de-passe-neuf"},
                          {"mot_de_passe_actuel", "pas le bon"}});
  ASSERT_EQ(wrong->status, 200);  // the form comes back with the error next to its field
  EXPECT_NE(wrong->body.find("id=\"erreur-mot_de_passe_actuel\""), std::string::npos);
  EXPECT_EQ(login(who, "un-mot-de-passe-neuf")->status, 401);

  auto mismatch = post_form("/compte", here,
                            {{"identifiant", who}, {"nouveau_mot_de_passe", "un-mot-de-passe-neuf"},
                             {"confirmation", "un-autre-mot-de-passe"},
                             {"mot_de_passe_actuel", demo_}});
  ASSERT_EQ(mismatch->status, 200);
  EXPECT_NE(mismatch->body.find("id=\"erreur-confirmation\""), std::string::npos);

  auto short_one = post_form("/compte", here,
                             {{"identifiant", who}, {"nouveau_mot_de_passe", "court"},
                              {"confirmation", "court"}, {"mot_de_passe_actuel", demo_}});
  ASSERT_EQ(short_one->status, 200);
  EXPECT_NE(short_one->body.find("id=\"erreur-nouveau_mot_de_passe\""), std::string::npos);

  auto done = post_form("/compte", here,
                        {{"identifiant", who}, {"nouveau_mot_de_passe", "un-mot-de-passe-neuf"},
                         {"confirmation", "un-mot-de-passe-neuf"},
                         {"mot_de_passe_actuel", demo_}});
  ASSERT_EQ(done->status, 303);
  EXPECT_EQ(done->get_header_value("Location").rfind("/compte?message=", 0), 0u);
  EXPECT_EQ(server_->get("/api/v1/me", here)->status, 200);       // this session stays
  EXPECT_EQ(server_->get("/api/v1/me", elsewhere)->status, 401);  // the others are closed
  EXPECT_EQ(login(who, demo_)->status, 401);
  EXPECT_EQ(login(who, "un-mot-de-passe-neuf")->status, 201);
}

TEST_P(AccountPages, SessionsAreListedAndTheOthersSignedOut) {
  auto here = server_->sign_in(Role::member);
  auto phone = server_->sign_in(Role::member);
  auto laptop = server_->sign_in(Role::member);
  auto page = server_->get("/compte", here);
  ASSERT_EQ(page->status, 200);
  // Three sessions, this one marked; the others have a "Fermer" form with their public id.
  std::regex form_id("name=\"session\" value=\"([0-9a-f]{16})\"");
  std::vector<std::string> ids;
  for (auto it = std::sregex_iterator(page->body.begin(), page->body.end(), form_id);
       it != std::sregex_iterator(); ++it) {
    ids.push_back((*it)[1]);
  }
  ASSERT_EQ(ids.size(), 2u) << page->body;
  EXPECT_NE(page->body.find("cette session"), std::string::npos);
  // A made-up id is refused on the page; nothing is closed.
  auto unknown = post_form("/compte/sessions", here, {{"session", "0123456789abcdef"}});
  ASSERT_EQ(unknown->status, 200);
  EXPECT_NE(unknown->body.find("id=\"sessions-erreur\""), std::string::npos);
  EXPECT_EQ(server_->get("/api/v1/me", phone)->status, 200);
  // Closing one closes exactly one of the two others.
  auto one = post_form("/compte/sessions", here, {{"session", ids[0]}});
  ASSERT_EQ(one->status, 303);
  const int open_after_one = (server_->get("/api/v1/me", phone)->status == 200) +
                             (server_->get("/api/v1/me", laptop)->status == 200);
  EXPECT_EQ(open_after_one, 1);
  // Closing all the others leaves only this one.
  auto all = post_form("/compte/sessions", here, {});
  ASSERT_EQ(all->status, 303);
  EXPECT_NE(all->get_header_value("Location").find("message="), std::string::npos);
  EXPECT_EQ(server_->get("/api/v1/me", phone)->status, 401);
  EXPECT_EQ(server_->get("/api/v1/me", laptop)->status, 401);
  EXPECT_EQ(server_->get("/api/v1/me", here)->status, 200);
  page = server_->get("/compte", here);
  EXPECT_EQ(page->body.find("name=\"session\" value="), std::string::npos);
  // Another user's session id (seen from their second session) cannot be closed from here.
  auto other = server_->sign_in(Role::coordinator);
  auto stranger = server_->sign_in(Role::coordinator);
  auto listing = server_->get("/compte", stranger);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(listing->body, m, form_id));
  auto refused = post_form("/compte/sessions", here, {{"session", m[1]}});
  ASSERT_EQ(refused->status, 200);
  EXPECT_EQ(server_->get("/api/v1/me", other)->status, 200);
}

TEST_P(AccountPages, AnAdminCreatesEditsAndDeactivatesAnAccount) {
  auto admin = server_->sign_in(Role::admin);
  ASSERT_EQ(server_->get("/admin/utilisateurs/nouveau", admin)->status, 200);

  // A ROC without a département is refused, the typed values kept.
  auto refused = post_form("/admin/utilisateurs/nouveau", admin,
                           {{"identifiant", "nouvelle.roc@cpam.fr"}, {"nom", "Nouvelle Roc"},
                            {"mot_de_passe", "mot-de-passe-initial"}, {"role", "roc"}});
  ASSERT_EQ(refused->status, 200);
  EXPECT_NE(refused->body.find("id=\"utilisateur-erreur\""), std::string::npos);
  EXPECT_NE(refused->body.find("value=\"nouvelle.roc@cpam.fr\""), std::string::npos);

  auto created = post_form("/admin/utilisateurs/nouveau", admin,
                           {{"identifiant", "nouvelle.roc@cpam.fr"}, {"nom", "Nouvelle Roc"},
                            {"mot_de_passe", "mot-de-passe-initial"}, {"role", "roc"},
                            {"departements", "57"}, {"regions", "44"}});
  ASSERT_EQ(created->status, 303) << created->body.substr(0, 400);
  auto in = login("nouvelle.roc@cpam.fr", "mot-de-passe-initial");
  ASSERT_EQ(in->status, 201);
  const json me = json::parse(in->body)["utilisateur"];
  EXPECT_EQ(me["role"], "roc");
  EXPECT_EQ(me["departements"], json::array({"57"}));
  EXPECT_EQ(me["regions"], json::array());  // the role's scope only
  const SignedIn roc = session_of(in);

  const std::string id = id_of(admin, "nouvelle.roc@cpam.fr");
  ASSERT_FALSE(id.empty());
  auto form = server_->get("/admin/utilisateurs/" + id, admin);
  ASSERT_EQ(form->status, 200);
  const std::string version = version_in(form->body);
  ASSERT_FALSE(version.empty());

  // Without the admin's own password nothing changes.
  auto no_password = post_form("/admin/utilisateurs/" + id, admin,
                               {{"version", version}, {"nom", "Nouvelle Roc"}, {"role", "ars"},
                                {"regions", "44"}, {"actif", "1"}});
  ASSERT_EQ(no_password->status, 200);
  EXPECT_NE(no_password->body.find("id=\"erreur-mot_de_passe_actuel\""), std::string::npos);

  auto to_ars = post_form("/admin/utilisateurs/" + id, admin,
                          {{"version", version}, {"nom", "Nouvelle Ars"}, {"role", "ars"},
                           {"regions", "44"}, {"departements", "57"}, {"actif", "1"},
                           {"mot_de_passe_actuel", demo_}});
  ASSERT_EQ(to_ars->status, 303) << to_ars->body.substr(0, 400);
  auto after = json::parse(server_->get("/api/v1/me", roc)->body)["utilisateur"];
  EXPECT_EQ(after["role"], "ars");
  EXPECT_EQ(after["regions"], json::array({"44"}));
  EXPECT_EQ(after["departements"], json::array());

  // A second admin tab still holding the old version gets the conflict, with both versions.
  auto stale = post_form("/admin/utilisateurs/" + id, admin,
                         {{"version", version}, {"nom", "Autre nom"}, {"role", "roc"},
                          {"departements", "57"}, {"actif", "1"}, {"mot_de_passe_actuel", demo_}});
  ASSERT_EQ(stale->status, 200);
  EXPECT_NE(stale->body.find("id=\"utilisateur-conflit\""), std::string::npos);
  EXPECT_NE(stale->body.find("value=\"Autre nom\""), std::string::npos);

  // Deactivation (no "actif" field: the box unticked) ends the user's sessions.
  const std::string v2 = version_in(server_->get("/admin/utilisateurs/" + id, admin)->body);
  auto off = post_form("/admin/utilisateurs/" + id, admin,
                       {{"version", v2}, {"nom", "Nouvelle Ars"}, {"role", "ars"},
                        {"regions", "44"}, {"mot_de_passe_actuel", demo_}});
  ASSERT_EQ(off->status, 303);
  EXPECT_EQ(server_->get("/api/v1/me", roc)->status, 401);
  EXPECT_EQ(login("nouvelle.roc@cpam.fr", "mot-de-passe-initial")->status, 401);
  EXPECT_NE(server_->get("/admin/utilisateurs", admin)->body.find("Désactivé"), std::string::npos);
}

TEST_P(AccountPages, AnAdminResetsAPasswordButCannotLockThemselvesOut) {
  auto admin = server_->sign_in(Role::admin);
  const std::string member = server_->login_of(Role::member);
  auto member_session = server_->sign_in(Role::member);
  const std::string id = id_of(admin, member);
  ASSERT_FALSE(id.empty());
  auto reset = post_form("/admin/utilisateurs/" + id + "/mot-de-passe", admin,
                         {{"nouveau_mot_de_passe", "remis-a-zero-2026"},
                          {"confirmation", "remis-a-zero-2026"}, {"mot_de_passe_actuel", demo_}});
  ASSERT_EQ(reset->status, 303);
  EXPECT_EQ(server_->get("/api/v1/me", member_session)->status, 401);
  EXPECT_EQ(login(member, "remis-a-zero-2026")->status, 201);

  const std::string self = id_of(admin, server_->login_of(Role::admin));
  auto form = server_->get("/admin/utilisateurs/" + self, admin);
  auto demote = post_form("/admin/utilisateurs/" + self, admin,
                          {{"version", version_in(form->body)}, {"nom", "Admin"},
                           {"role", "observer"}, {"actif", "1"}, {"mot_de_passe_actuel", demo_}});
  ASSERT_EQ(demote->status, 200);
  EXPECT_NE(demote->body.find("id=\"utilisateur-erreur\""), std::string::npos);
  EXPECT_EQ(json::parse(server_->get("/api/v1/me", admin)->body)["utilisateur"]["role"], "admin");
}

// With the SMTP setting, the reset link goes through a real SMTP exchange to the account's
// address (read back at the sink), the admin's page only says it was sent; the link opens the
// reset page, sets the password once, and the old sessions are closed.
TEST_P(AccountPages, AResetLinkIsMailedAndSetsThePasswordOnce) {
  SmtpSink sink;
  ASSERT_TRUE(sink.start()) << "the SMTP sink did not start";
  server_.reset();
  server_ = std::make_unique<TestServer>(GetParam(), [&](app::Config& c) {
    c.smtp_url = "smtp://127.0.0.1:" + std::to_string(sink.port());
    c.smtp_from = "maillage@exemple.fr";
  });
  auto admin = server_->sign_in(Role::admin);
  auto roc = server_->sign_in(Role::roc);
  const std::string roc_login = server_->login_of(Role::roc);
  const std::string id = id_of(admin, roc_login);
  ASSERT_FALSE(id.empty());
  auto wrong = post_form("/admin/utilisateurs/" + id + "/lien", admin,
                         {{"mot_de_passe_actuel", "pas-le-bon-mot"}});
  ASSERT_EQ(wrong->status, 200);
  EXPECT_NE(wrong->body.find("id=\"erreur-lien_mot_de_passe_actuel\""), std::string::npos);
  auto sent = post_form("/admin/utilisateurs/" + id + "/lien", admin,
                        {{"mot_de_passe_actuel", demo_}});
  ASSERT_EQ(sent->status, 303) << sent->body;
  EXPECT_NE(sent->get_header_value("Location").find("message="), std::string::npos);

  nlohmann::json mails = sink.messages();
  ASSERT_TRUE(mails.is_array() && mails.size() == 1U) << mails;
  EXPECT_EQ(mails[0]["to"][0], roc_login);
  EXPECT_EQ(mails[0]["subject"], "Maillage : choisissez un nouveau mot de passe");
  const std::string text = mails[0]["text"];
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex("/connexion/nouveau-mot-de-passe\\?lien=([0-9a-f]{64})")))
      << text;
  const std::string token = m[1];
  auto page = server_->get("/connexion/nouveau-mot-de-passe?lien=" + token);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find(roc_login), std::string::npos);
  auto set = server_->client().Post(
      "/connexion/nouveau-mot-de-passe",
      "lien=" + token + "&nouveau_mot_de_passe=choisi-par-le-lien&confirmation=choisi-par-le-lien",
      "application/x-www-form-urlencoded");
  ASSERT_EQ(set->status, 303) << set->body;
  EXPECT_EQ(set->get_header_value("Location"), "/connexion?etat=mot-de-passe-change");
  EXPECT_EQ(server_->get("/api/v1/me", roc)->status, 401) << "the old session is closed";
  EXPECT_EQ(login(roc_login, "choisi-par-le-lien")->status, 201);
  auto again = server_->get("/connexion/nouveau-mot-de-passe?lien=" + token);
  ASSERT_EQ(again->status, 200);
  EXPECT_NE(again->body.find("id=\"lien-invalide\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountPages, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
