// The association API and pages through the whole server in-process, on both backends: statuts
// (200, then 409 from a stale version), members (201, history, 409 on a stale edit), what the
// member, the ROC (counts only: no name, no e-mail in the answer) and the coordinator see, the
// import (preview names the bad line and its column, confirmation imports the kept lines), and
// the French pages.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "http/test_server.hpp"
#include "office/xlsx.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

std::string fmt_number(int payment) {
  std::string n = std::to_string(payment);
  return "2024-" + std::string(n.size() < 4 ? 4 - n.size() : 0, '0') + n;
}

class AssociationApi : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    server_ = std::make_unique<TestServer>(GetParam());
    coord_ = server_->sign_in(Role::coordinator);
    auto demo = server_->app().database().query(
        "SELECT id FROM structures WHERE name = 'CPTS de démonstration du Pays messin (fictive)'");
    ASSERT_TRUE(demo && !demo->empty());
    id_ = std::to_string(demo->rows[0].integer(0));
    base_ = "/api/v1/structures/" + id_ + "/association";
  }

  httplib::Result send(const char* method, const std::string& path, const json& body,
                       const SignedIn& who) {
    httplib::Headers h{{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}};
    auto cli = server_->client();
    const std::string text = body.dump();
    if (std::string(method) == "PUT") return cli.Put(path.c_str(), h, text, "application/json");
    if (std::string(method) == "PATCH") return cli.Patch(path.c_str(), h, text, "application/json");
    return cli.Post(path.c_str(), h, text, "application/json");
  }

  static json statuts(int version) {
    return {{"version", version},
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
                                       {"professions", {"21", "60", "70"}},
                                       {"personnes_morales", {"pharmacie"}}}})}};
  }

  std::unique_ptr<TestServer> server_;
  SignedIn coord_;
  std::string id_, base_;
};

TEST_P(AssociationApi, StatutsMembersAndWhoSeesWhat) {
  auto put = send("PUT", base_ + "/statuts", statuts(0), coord_);
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(json::parse(put->body)["version"], 1);
  auto stale = send("PUT", base_ + "/statuts", statuts(0), coord_);
  EXPECT_EQ(stale->status, 409) << stale->body;
  json uneven = statuts(1);
  uneven["colleges"][1]["part_numerateur"] = 2;
  auto refused = send("PUT", base_ + "/statuts", uneven, coord_);
  EXPECT_EQ(refused->status, 400) << refused->body;

  const std::string member_login = server_->login_of(Role::member);
  auto created = server_->post_json(base_ + "/members",
                                    json{{"type", "personne"},
                                         {"nom", "Durand"},
                                         {"prenom", "Marie"},
                                         {"profession", "60"},
                                         {"email", member_login},
                                         {"commune", "57463"},
                                         {"telephone", "03 87 11 22 33"}}
                                        .dump(),
                                    coord_);
  ASSERT_EQ(created->status, 201) << created->body;
  json marie = json::parse(created->body);
  EXPECT_EQ(marie["college"], "autres");
  EXPECT_EQ(marie["commune_nom"], "Metz");
  const std::string marie_path = base_ + "/members/" + std::to_string(marie["id"].get<int>());
  auto doctor = server_->post_json(base_ + "/members",
                                   json{{"type", "personne"},
                                        {"nom", "Martin"},
                                        {"profession", "10"},
                                        {"email", "paul@exemple.fr"}}
                                       .dump(),
                                   coord_);
  ASSERT_EQ(doctor->status, 201) << doctor->body;
  const std::string paul_path =
      base_ + "/members/" + std::to_string(json::parse(doctor->body)["id"].get<int>());
  auto bad = server_->post_json(
      base_ + "/members", json{{"type", "personne"}, {"nom", "X"}, {"rpps", "12"}}.dump(), coord_);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["field"], "$.rpps") << bad->body;

  auto patched = send("PATCH", marie_path,
                      json{{"version", 1},
                           {"nom", "Durand"},
                           {"prenom", "Marie"},
                           {"profession", "60"},
                           {"email", member_login},
                           {"commune", "57480"}},
                      coord_);
  ASSERT_EQ(patched->status, 200) << patched->body;
  json after = json::parse(patched->body);
  EXPECT_EQ(after["version"], 2);
  ASSERT_EQ(after["historique"].size(), 2U);
  EXPECT_NE(after["historique"][0]["detail"].get<std::string>().find("57463 → 57480"),
            std::string::npos);
  auto conflict = send("PATCH", marie_path, json{{"version", 1}, {"nom", "Autre"}}, coord_);
  EXPECT_EQ(conflict->status, 409) << conflict->body;

  // The member: their own record only.
  SignedIn member = server_->sign_in(Role::member);
  auto own = server_->get(base_ + "/members", member);
  ASSERT_EQ(own->status, 200) << own->body;
  EXPECT_EQ(json::parse(own->body)["statuts"]["acces"], "membre");
  EXPECT_NE(own->body.find("Durand"), std::string::npos);
  EXPECT_EQ(own->body.find("paul@exemple.fr"), std::string::npos);
  EXPECT_EQ(server_->get(paul_path, member)->status, 403);
  EXPECT_EQ(server_->get(marie_path, member)->status, 200);

  // The ROC: counts by collège and profession, never a name or a contact.
  SignedIn roc = server_->sign_in(Role::roc);
  auto counts = server_->get(base_ + "/members", roc);
  ASSERT_EQ(counts->status, 200) << counts->body;
  json c = json::parse(counts->body);
  EXPECT_EQ(c["statuts"]["acces"], "chiffres");
  EXPECT_TRUE(c["colleges"].empty());
  EXPECT_EQ(c["actifs"], 2);
  EXPECT_EQ(c["par_college"][0]["nombre"], 1);
  EXPECT_EQ(counts->body.find("Durand"), std::string::npos);
  EXPECT_EQ(counts->body.find(member_login), std::string::npos);
  EXPECT_EQ(counts->body.find("paul@exemple.fr"), std::string::npos);
  EXPECT_EQ(counts->body.find("03 87 11 22 33"), std::string::npos);
  EXPECT_EQ(server_->get(marie_path, roc)->status, 403);
  auto roc_page = server_->get("/associations/" + id_, roc);
  ASSERT_EQ(roc_page->status, 200);
  EXPECT_EQ(roc_page->body.find("Durand"), std::string::npos);
  EXPECT_NE(roc_page->body.find("effectifs-colleges"), std::string::npos);

  // Pages of the coordinator.
  auto page = server_->get("/associations/" + id_, coord_);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("DURAND Marie"), std::string::npos);
  EXPECT_NE(page->body.find("Autres professions"), std::string::npos);
  for (const std::string p : {"/statuts", "/membres/nouveau", "/import"}) {
    EXPECT_EQ(server_->get("/associations/" + id_ + p, coord_)->status, 200) << p;
  }
  auto form = server_->get(
      "/associations/" + id_ + "/membres/" + std::to_string(marie["id"].get<int>()), coord_);
  ASSERT_EQ(form->status, 200);
  EXPECT_NE(form->body.find("57463 → 57480"), std::string::npos);
}

TEST_P(AssociationApi, ImportPreviewThenConfirm) {
  ASSERT_EQ(send("PUT", base_ + "/statuts", statuts(0), coord_)->status, 200);
  const std::string csv =
      "Nom;Prénom;Email;Profession\n"
      "Durand;Marie;marie@exemple.fr;Infirmier\n"
      "Roux;Jean;pas-un-mail;Pharmacien\n"
      "Durand;Marie;marie@exemple.fr;Infirmier\n";
  auto preview = server_->post_json(
      base_ + "/import", json{{"fichier", "liste.csv"}, {"contenu", csv}}.dump(), coord_);
  ASSERT_EQ(preview->status, 200) << preview->body;
  json p = json::parse(preview->body);
  EXPECT_EQ(p["lignes_lues"], 3);
  ASSERT_EQ(p["lignes"].size(), 2U);
  EXPECT_TRUE(p["lignes"][1]["doublon"].get<bool>());
  ASSERT_EQ(p["problemes"].size(), 1U);
  EXPECT_EQ(p["problemes"][0]["ligne"], 3);
  EXPECT_EQ(p["problemes"][0]["champ"], "Email");
  auto none = server_->get(base_ + "/members", coord_);
  EXPECT_EQ(json::parse(none->body)["total"], 0);

  auto done = server_->post_json(
      base_ + "/import/confirmation",
      json{{"fichier", "liste.csv"}, {"contenu", csv}, {"ignorer_lignes", {4}}}.dump(), coord_);
  ASSERT_EQ(done->status, 200) << done->body;
  json d = json::parse(done->body);
  EXPECT_EQ(d["importes"], 1);
  EXPECT_EQ(d["ecartes"], 1);
  EXPECT_EQ(d["refuses"], 1);
  auto all = server_->get(base_ + "/members", coord_);
  EXPECT_EQ(json::parse(all->body)["total"], 1);

  // A plain member may not import.
  SignedIn member = server_->sign_in(Role::member);
  auto refused = server_->post_json(base_ + "/import",
                                    json{{"fichier", "x.csv"}, {"contenu", csv}}.dump(), member);
  EXPECT_EQ(refused->status, 403);
}

// An XLSX workbook travels in base 64; a body with both or neither form of the file is refused.
TEST_P(AssociationApi, ImportXlsxInBase64) {
  ASSERT_EQ(send("PUT", base_ + "/statuts", statuts(0), coord_)->status, 200);
  office::Sheet sheet;
  sheet.header = {"Nom", "Prénom", "Email", "Profession"};
  sheet.rows = {{"Durand", "Marie", "marie@exemple.fr", "Infirmier"},
                {"Roux", "Jean", "pas-un-mail", "Pharmacien"}};
  auto bytes = office::write_xlsx({sheet}, {"", "Maillage", "2025-01-01T00:00:00Z"});
  ASSERT_TRUE(bytes);
  const std::string b64 = base64::encode(*bytes);
  auto preview = server_->post_json(
      base_ + "/import", json{{"fichier", "liste.xlsx"}, {"contenu_base64", b64}}.dump(), coord_);
  ASSERT_EQ(preview->status, 200) << preview->body;
  json p = json::parse(preview->body);
  ASSERT_EQ(p["lignes"].size(), 1U);
  ASSERT_EQ(p["problemes"].size(), 1U);
  EXPECT_EQ(p["problemes"][0]["ligne"], 3);
  EXPECT_EQ(p["problemes"][0]["colonne"], "C");
  auto done =
      server_->post_json(base_ + "/import/confirmation",
                         json{{"fichier", "liste.xlsx"}, {"contenu_base64", b64}}.dump(), coord_);
  ASSERT_EQ(done->status, 200) << done->body;
  EXPECT_EQ(json::parse(done->body)["importes"], 1);
  auto both = server_->post_json(
      base_ + "/import",
      json{{"fichier", "x.xlsx"}, {"contenu", "a"}, {"contenu_base64", b64}}.dump(), coord_);
  EXPECT_EQ(both->status, 400) << both->body;
  auto neither = server_->post_json(base_ + "/import", json{{"fichier", "x.xlsx"}}.dump(), coord_);
  EXPECT_EQ(neither->status, 400) << neither->body;
  auto garbled = server_->post_json(
      base_ + "/import", json{{"fichier", "x.xlsx"}, {"contenu_base64", "@@@"}}.dump(), coord_);
  EXPECT_EQ(garbled->status, 400) << garbled->body;
  auto not_xlsx = server_->post_json(
      base_ + "/import",
      json{{"fichier", "x.xlsx"}, {"contenu_base64", base64::encode("Nom\nA\n")}}.dump(), coord_);
  EXPECT_EQ(not_xlsx->status, 400) << not_xlsx->body;
  EXPECT_NE(not_xlsx->body.find("« x.xlsx » : ce fichier n'est pas un classeur XLSX"),
            std::string::npos)
      << not_xlsx->body;
}

TEST_P(AssociationApi, DuesPaymentAndReceipt) {
  ASSERT_EQ(send("PUT", base_ + "/statuts", statuts(0), coord_)->status, 200);
  auto created = server_->post_json(
      base_ + "/members",
      json{
          {"type", "personne"}, {"nom", "Durand"}, {"profession", "60"}, {"adhesion", "2024-01-01"}}
          .dump(),
      coord_);
  ASSERT_EQ(created->status, 201) << created->body;
  const int member = json::parse(created->body)["id"];
  auto tariffs =
      send("PUT", base_ + "/tariffs/2024",
           json{{"tarifs", json::array({{{"montant_centimes", 3000}},
                                        {{"college", "medecins"}, {"montant_centimes", 6000}}})}},
           coord_);
  ASSERT_EQ(tariffs->status, 200) << tariffs->body;
  EXPECT_EQ(json::parse(tariffs->body)["tarifs"].size(), 2U);
  auto bad_college =
      send("PUT", base_ + "/tariffs/2024",
           json{{"tarifs", json::array({{{"college", "x"}, {"montant_centimes", 1}}})}}, coord_);
  EXPECT_EQ(bad_college->status, 400);
  EXPECT_EQ(json::parse(bad_college->body)["field"], "$.tarifs[0].college") << bad_college->body;

  auto paid = server_->post_json(base_ + "/payments",
                                 json{{"membre", member},
                                      {"date", "2024-02-10"},
                                      {"montant_centimes", 3000},
                                      {"moyen", "cheque"},
                                      {"reference", "chèque n° 1234567"}}
                                     .dump(),
                                 coord_);
  ASSERT_EQ(paid->status, 201) << paid->body;
  const int payment = json::parse(paid->body)["id"];
  auto no_tariff = server_->post_json(base_ + "/payments",
                                      json{{"membre", member},
                                           {"date", "2025-02-10"},
                                           {"montant_centimes", 3000},
                                           {"moyen", "cheque"}}
                                          .dump(),
                                      coord_);
  EXPECT_EQ(no_tariff->status, 400) << no_tariff->body;  // the engine: no tariff for 2025
  EXPECT_EQ(json::parse(no_tariff->body)["field"], "$.date");

  auto dues = server_->get(base_ + "/dues", coord_);
  ASSERT_EQ(dues->status, 200) << dues->body;
  json d = json::parse(dues->body);
  ASSERT_EQ(d["membres"].size(), 1U);
  // Paid for 2024 only: lapsed since 31/12/2024 whatever today is (after 2024).
  EXPECT_EQ(d["membres"][0]["statut"], "echue");
  EXPECT_EQ(d["relances"].size(), 1U);
  EXPECT_EQ(d["paiements"][0]["reference"], "chèque n° 1234567");

  auto receipt = server_->get(base_ + "/payments/" + std::to_string(payment) + "/receipt", coord_);
  ASSERT_EQ(receipt->status, 200) << receipt->body;
  json r = json::parse(receipt->body);
  EXPECT_EQ(r["periode"], "année 2024");
  EXPECT_EQ(r["numero"], fmt_number(payment));
  auto page = server_->get("/associations/" + id_ + "/recus/" + std::to_string(payment), coord_);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Reçu de cotisation n° 2024-"), std::string::npos);
  EXPECT_NE(page->body.find("DURAND"), std::string::npos);
  auto odt = server_->get(
      "/associations/" + id_ + "/recus/" + std::to_string(payment) + "/recu.odt", coord_);
  ASSERT_EQ(odt->status, 200) << odt->body.substr(0, 200);
  EXPECT_EQ(odt->get_header_value("Content-Type"), "application/vnd.oasis.opendocument.text");
  EXPECT_EQ(odt->body.substr(0, 2), "PK");
  EXPECT_NE(odt->body.find("mimetypeapplication/vnd.oasis.opendocument.text"), std::string::npos);
  auto dues_page = server_->get("/associations/" + id_ + "/cotisations", coord_);
  ASSERT_EQ(dues_page->status, 200);
  EXPECT_NE(dues_page->body.find("cotisation échue depuis le 31/12/2024"), std::string::npos);

  SignedIn roc = server_->sign_in(Role::roc);
  auto counts = server_->get(base_ + "/dues", roc);
  ASSERT_EQ(counts->status, 200);
  EXPECT_EQ(counts->body.find("DURAND"), std::string::npos);
  EXPECT_EQ(json::parse(counts->body)["par_statut"][2]["nombre"], 1);
  EXPECT_EQ(server_->get(base_ + "/payments/" + std::to_string(payment) + "/receipt", roc)->status,
            403);
}

TEST_P(AssociationApi, MembershipRateSaysWhatIsMissing) {
  // The test server has no territory for the demo CPTS: the page explains, the API refuses.
  auto api = server_->get(base_ + "/rate", coord_);
  ASSERT_EQ(api->status, 400) << api->body;
  EXPECT_NE(json::parse(api->body)["message"].get<std::string>().find("territoire"),
            std::string::npos);
  auto page = server_->get("/associations/" + id_ + "/taux", coord_);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("taux-indisponible"), std::string::npos);
  SignedIn member = server_->sign_in(Role::member);
  EXPECT_EQ(server_->get(base_ + "/recruitment.csv", member)->status, 403);
}

INSTANTIATE_TEST_SUITE_P(Backends, AssociationApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
