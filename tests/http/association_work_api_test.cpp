// Working groups and members' time through the whole server in-process, on both backends: a group
// and a meeting (errors named by their JSON path, a stale version answered 409), the meeting in
// the association's calendar and as its own .ics; the hourly rate of the year, time recorded by
// the member (their own only) and by the coordination, an entry past the cap refused with what
// remains, the validation; the member sees only their entries, the ROC totals only; the pages,
// the yearly statement (page and ODT read back with python3-odf) and the accountant's exports.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

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

class WorkApi : public ::testing::TestWithParam<store::Backend> {
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

  std::unique_ptr<TestServer> server_;
  SignedIn coord_;
  std::string id_, base_;
};

TEST_P(WorkApi, GroupsMeetingsTimeAndStatements) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  server_ = std::make_unique<TestServer>(GetParam());
  coord_ = server_->sign_in(Role::coordinator);
  const SignedIn marie = server_->sign_in(Role::member);
  const SignedIn roc = server_->sign_in(Role::roc);
  auto demo = server_->app().database().query(
      "SELECT id FROM structures WHERE name = 'CPTS de démonstration du Pays messin (fictive)'");
  ASSERT_TRUE(demo && !demo->empty());
  id_ = std::to_string(demo->rows[0].integer(0));
  base_ = "/api/v1/structures/" + id_ + "/association";
  const std::string pages = "/associations/" + id_;

  json statuts{
      {"version", 0},
      {"ponderation", "par_tete"},
      {"periode", "annee_civile"},
      {"colleges", json::array({{{"id", "medecins"}, {"nom", "Médecins"}, {"professions", {"10"}}},
                                {{"id", "autres"},
                                 {"nom", "Autres professions"},
                                 {"professions", {"21", "60", "70"}}}})}};
  auto put = send("PUT", base_ + "/statuts", statuts, coord_);
  ASSERT_EQ(put->status, 200) << put->body;
  const auto durand = member({{"type", "personne"},
                              {"nom", "Durand"},
                              {"prenom", "Marie"},
                              {"profession", "60"},
                              {"email", server_->login_of(Role::member)}});
  const auto martin = member({{"type", "personne"},
                              {"nom", "Martin"},
                              {"prenom", "Paul"},
                              {"profession", "10"},
                              {"email", "paul@exemple.fr"}});

  // A group; errors name their JSON path.
  json group{{"nom", "Parcours diabète"},
             {"mission", "parcours"},
             {"membres", json::array({{{"membre", durand}, {"role", "pilote"}},
                                      {{"membre", martin}, {"role", "membre"}}})}};
  json bad = group;
  bad["mission"] = "inconnue";
  auto refused = send("POST", base_ + "/groups", bad, coord_);
  ASSERT_EQ(refused->status, 400) << refused->body;
  EXPECT_EQ(json::parse(refused->body)["field"], "$.mission");
  bad = group;
  bad["membres"][1]["membre"] = 999999;
  refused = send("POST", base_ + "/groups", bad, coord_);
  ASSERT_EQ(refused->status, 400) << refused->body;
  EXPECT_EQ(json::parse(refused->body)["field"], "$.membres[1].membre");
  EXPECT_EQ(send("POST", base_ + "/groups", group, marie)->status, 403);
  auto created = send("POST", base_ + "/groups", group, coord_);
  ASSERT_EQ(created->status, 201) << created->body;
  const json g = json::parse(created->body);
  const std::string gid = std::to_string(g["groupe"]["id"].get<std::int64_t>());
  EXPECT_EQ(g["groupe"]["mission_libelle"],
            "Organisation de parcours pluriprofessionnels autour du patient");

  // A meeting, then its attendance and minutes; a stale version conflicts.
  auto meeting = send("POST", base_ + "/groups/" + gid + "/meetings",
                      {{"date", "2026-03-12"},
                       {"debut", "18:30"},
                       {"fin", "20:00"},
                       {"lieu", "Maison de santé"},
                       {"objet", "Protocole"}},
                      coord_);
  ASSERT_EQ(meeting->status, 201) << meeting->body;
  const json m = json::parse(meeting->body);
  const std::string mid = std::to_string(m["reunion"]["id"].get<std::int64_t>());
  json attendance{{"version", m["reunion"]["version"]},
                  {"date", "2026-03-12"},
                  {"debut", "18:30"},
                  {"fin", "20:00"},
                  {"compte_rendu", "Le protocole est adopté."},
                  {"presences", json::array({{{"membre", durand}, {"presence", "present"}},
                                             {{"membre", martin}, {"presence", "excuse"}}})}};
  auto patched = send("PATCH", base_ + "/groups/" + gid + "/meetings/" + mid, attendance, coord_);
  ASSERT_EQ(patched->status, 200) << patched->body;
  EXPECT_EQ(json::parse(patched->body)["reunion"]["presents"], 1);
  EXPECT_EQ(json::parse(patched->body)["reunion"]["excuses"], 1);
  EXPECT_EQ(
      send("PATCH", base_ + "/groups/" + gid + "/meetings/" + mid, attendance, coord_)->status,
      409);
  auto ics = server_->get(pages + "/calendrier.ics", marie);
  ASSERT_EQ(ics->status, 200);
  EXPECT_NE(ics->body.find("DTSTART;TZID=Europe/Paris:20260312T183000"), std::string::npos)
      << ics->body;
  auto one = server_->get(pages + "/groupes/" + gid + "/reunions/" + mid + "/reunion.ics", marie);
  ASSERT_EQ(one->status, 200);
  EXPECT_NE(one->body.find("Parcours diabète"), std::string::npos);
  for (const std::string& path : {pages + "/groupes", pages + "/groupes/" + gid,
                                  pages + "/groupes/" + gid + "/reunions/" + mid}) {
    auto page = server_->get(path, coord_);
    ASSERT_EQ(page->status, 200) << path;
    EXPECT_NE(page->body.find("Parcours diabète"), std::string::npos) << path;
  }
  auto roc_meeting = server_->get(pages + "/groupes/" + gid + "/reunions/" + mid, roc);
  ASSERT_EQ(roc_meeting->status, 200);
  EXPECT_EQ(roc_meeting->body.find("DURAND"), std::string::npos);
  EXPECT_EQ(roc_meeting->body.find("Le protocole est adopté"), std::string::npos);

  // Rates and time: 1 000 € an hour in 2025 (PASS 47 100 €).
  auto rate = send("PUT", base_ + "/rates/2025/60",
                   {{"taux_centimes", 100000}, {"source", "Bureau du 12 janvier 2025"}}, coord_);
  ASSERT_EQ(rate->status, 200) << rate->body;
  EXPECT_EQ(
      send("PUT", base_ + "/rates/2025/60", {{"taux_centimes", 90000}, {"source", "x"}}, coord_)
          ->status,
      409);
  EXPECT_EQ(send("PUT", base_ + "/rates/2025/10", {{"taux_centimes", 9000}}, coord_)->status, 400);
  auto entry =
      send("POST", base_ + "/time",
           {{"date", "2025-03-01"}, {"duree_minutes", 1440}, {"activite", "Parcours"}}, marie);
  ASSERT_EQ(entry->status, 201) << entry->body;
  const json e = json::parse(entry->body);
  EXPECT_EQ(e["membre"], durand);
  EXPECT_EQ(e["statut"], "en_attente");
  EXPECT_EQ(
      send("POST", base_ + "/time",
           {{"membre", martin}, {"date", "2025-03-01"}, {"duree_minutes", 60}, {"activite", "x"}},
           marie)
          ->status,
      403);
  auto over =
      send("POST", base_ + "/time",
           {{"date", "2025-03-02"}, {"duree_minutes", 1440}, {"activite", "Parcours"}}, marie);
  ASSERT_EQ(over->status, 400) << over->body;
  EXPECT_EQ(json::parse(over->body)["field"], "$.duree_minutes");
  EXPECT_NE(json::parse(over->body)["message"].get<std::string>().find("il reste 23"),
            std::string::npos)
      << over->body;
  EXPECT_EQ(
      send("PUT", base_ + "/time/" + std::to_string(e["id"].get<std::int64_t>()) + "/decision",
           {{"decision", "valide"}, {"version", e["version"]}}, marie)
          ->status,
      403);
  auto decided =
      send("PUT", base_ + "/time/" + std::to_string(e["id"].get<std::int64_t>()) + "/decision",
           {{"decision", "valide"}, {"version", e["version"]}}, coord_);
  ASSERT_EQ(decided->status, 200) << decided->body;
  EXPECT_EQ(json::parse(decided->body)["statut"], "valide");
  EXPECT_EQ(
      send("PUT", base_ + "/time/" + std::to_string(e["id"].get<std::int64_t>()) + "/decision",
           {{"decision", "refuse"}, {"note", "x"}, {"version", e["version"]}}, coord_)
          ->status,
      409);
  auto rate10 = send("PUT", base_ + "/rates/2025/10",
                     {{"taux_centimes", 9000}, {"non_verifie", true}}, coord_);
  ASSERT_EQ(rate10->status, 200) << rate10->body;
  auto his = send("POST", base_ + "/time",
                  {{"membre", martin},
                   {"date", "2025-04-01"},
                   {"duree_minutes", 90},
                   {"activite", "Soins non programmés"}},
                  coord_);
  ASSERT_EQ(his->status, 201) << his->body;

  // Who sees what.
  auto hers = json::parse(server_->get(base_ + "/time?annee=2025", marie)->body);
  ASSERT_EQ(hers["saisies"].size(), 1U);
  EXPECT_EQ(hers["moi"]["reste_centimes"], 4710000 - 2400000);
  auto all = json::parse(server_->get(base_ + "/time?annee=2025", coord_)->body);
  EXPECT_EQ(all["saisies"].size(), 2U);
  auto totals = json::parse(server_->get(base_ + "/time?annee=2025", roc)->body);
  EXPECT_TRUE(totals["saisies"].empty());
  EXPECT_TRUE(totals["membres"].empty());
  EXPECT_EQ(totals["totaux"]["saisies"], 2);
  EXPECT_EQ(totals["totaux"]["valide_centimes"], 2400000);
  auto roc_page = server_->get(pages + "/temps?annee=2025", roc);
  ASSERT_EQ(roc_page->status, 200);
  EXPECT_EQ(roc_page->body.find("DURAND"), std::string::npos);
  EXPECT_EQ(roc_page->body.find("MARTIN"), std::string::npos);
  auto marie_page = server_->get(pages + "/temps?annee=2025", marie);
  ASSERT_EQ(marie_page->status, 200);
  EXPECT_EQ(marie_page->body.find("MARTIN"), std::string::npos);
  EXPECT_NE(marie_page->body.find("23\u202f100,00"), std::string::npos);  // what remains
  auto coord_page = server_->get(pages + "/temps?annee=2025", coord_);
  ASSERT_EQ(coord_page->status, 200);
  EXPECT_NE(coord_page->body.find("MARTIN Paul"), std::string::npos);

  // The statement: the member's own, never someone else's; the ROC none.
  const std::string statement = pages + "/temps/releves/" + std::to_string(durand);
  EXPECT_EQ(server_->get(statement + "?annee=2025", roc)->status, 403);
  EXPECT_EQ(server_->get(pages + "/temps/releves/" + std::to_string(martin) + "?annee=2025", marie)
                ->status,
            403);
  auto page = server_->get(statement + "?annee=2025", marie);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("24\u202f000,00"), std::string::npos);
  auto odt = server_->get(statement + "/releve.odt?annee=2025", marie);
  ASSERT_EQ(odt->status, 200);
  ASSERT_EQ(odt->body.substr(0, 2), "PK");
  int status = 0;
  run(python() + " -c 'import odf' 2>&1", status);
  if (status == 0) {
    const fs::path file =
        fs::temp_directory_path() / ("maillage-releve-" + std::to_string(::getpid()) + ".odt");
    std::ofstream(file, std::ios::binary) << odt->body;
    const std::string text = run(
        python() + " " + (fs::path(MAILLAGE_SOURCE_DIR) / "tests/office/read_back.py").string() +
            " odt " + file.string() + " 2>&1",
        status);
    fs::remove(file);
    EXPECT_EQ(status, 0) << text;
    EXPECT_NE(text.find("Relevé annuel d'indemnités 2025"), std::string::npos) << text;
    EXPECT_NE(text.find("DURAND Marie"), std::string::npos) << text;
    EXPECT_NE(text.find("reste 23"), std::string::npos) << text;
  }

  // The accountant's exports: validated entries only, managers only.
  auto csv = server_->get(pages + "/temps/export.csv?annee=2025", coord_);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("DURAND Marie"), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find(";1440;1000,00;24000,00;"), std::string::npos) << csv->body;
  EXPECT_EQ(csv->body.find("MARTIN"), std::string::npos);  // pending
  EXPECT_EQ(server_->get(pages + "/temps/export.csv?annee=2025", marie)->status, 403);
  auto xlsx = server_->get(pages + "/temps/export.xlsx?annee=2025", coord_);
  ASSERT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");
}

// A pending entry changed (PATCH) and withdrawn (DELETE) by its member, 409 when stale; the
// pilot edits their group's meetings; the coordination deletes a meeting and a group (409 when
// stale or while time entries cite the group), the member may not.
TEST_P(WorkApi, EditWithdrawPilotsAndDeletions) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  server_ = std::make_unique<TestServer>(GetParam());
  coord_ = server_->sign_in(Role::coordinator);
  const SignedIn marie = server_->sign_in(Role::member);
  auto demo = server_->app().database().query(
      "SELECT id FROM structures WHERE name = 'CPTS de démonstration du Pays messin (fictive)'");
  ASSERT_TRUE(demo && !demo->empty());
  id_ = std::to_string(demo->rows[0].integer(0));
  base_ = "/api/v1/structures/" + id_ + "/association";
  json statuts{{"version", 0},
               {"ponderation", "par_tete"},
               {"periode", "annee_civile"},
               {"colleges",
                json::array({{{"id", "tous"}, {"nom", "Tous"}, {"professions", {"10", "60"}}}})}};
  ASSERT_EQ(send("PUT", base_ + "/statuts", statuts, coord_)->status, 200);
  const auto durand = member({{"type", "personne"},
                              {"nom", "Durand"},
                              {"prenom", "Marie"},
                              {"profession", "60"},
                              {"email", server_->login_of(Role::member)}});
  const auto martin = member({{"type", "personne"},
                              {"nom", "Martin"},
                              {"prenom", "Paul"},
                              {"profession", "10"},
                              {"email", "paul@exemple.fr"}});
  ASSERT_EQ(
      send("PUT", base_ + "/rates/2025/60", {{"taux_centimes", 5000}, {"source", "x"}}, coord_)
          ->status,
      200);

  // Time: edit, stale edit, withdraw.
  auto entry =
      send("POST", base_ + "/time",
           {{"date", "2025-03-01"}, {"duree_minutes", 60}, {"activite", "Parcours"}}, marie);
  ASSERT_EQ(entry->status, 201) << entry->body;
  const json e = json::parse(entry->body);
  const std::string path = base_ + "/time/" + std::to_string(e["id"].get<std::int64_t>());
  json change{{"date", "2025-03-02"},
              {"duree_minutes", 75},
              {"activite", "Parcours, relecture"},
              {"version", e["version"]}};
  auto edited = send("PATCH", path, change, marie);
  ASSERT_EQ(edited->status, 200) << edited->body;
  const json ed = json::parse(edited->body);
  EXPECT_EQ(ed["duree_minutes"], 75);
  EXPECT_EQ(ed["duree_texte"], "1 h 15");
  EXPECT_EQ(send("PATCH", path, change, marie)->status, 409);
  auto stale =
      send("DELETE", path + "?version=" + std::to_string(e["version"].get<int>()), {}, marie);
  EXPECT_EQ(stale->status, 409) << stale->body;
  auto gone =
      send("DELETE", path + "?version=" + std::to_string(ed["version"].get<int>()), {}, marie);
  EXPECT_EQ(gone->status, 200) << gone->body;
  EXPECT_EQ(json::parse(gone->body)["supprime"], "saisie");
  EXPECT_EQ(send("PATCH", path, change, marie)->status, 404);

  // A group piloted by the member, and her meeting edit.
  auto created = send("POST", base_ + "/groups",
                      {{"nom", "Parcours"},
                       {"membres", json::array({{{"membre", durand}, {"role", "pilote"}},
                                                {{"membre", martin}, {"role", "membre"}}})}},
                      coord_);
  ASSERT_EQ(created->status, 201) << created->body;
  const json g = json::parse(created->body);
  EXPECT_EQ(g["peut_saisir_reunions"], true);
  const std::string group = base_ + "/groups/" + std::to_string(g["groupe"]["id"].get<int>());
  auto meeting = send("POST", group + "/meetings", {{"date", "2025-03-12"}}, marie);
  ASSERT_EQ(meeting->status, 201) << meeting->body;
  const json m = json::parse(meeting->body);
  const std::string mpath = group + "/meetings/" + std::to_string(m["reunion"]["id"].get<int>());
  auto patched = send("PATCH", mpath,
                      {{"date", "2025-03-12"},
                       {"compte_rendu", "Relu par la pilote."},
                       {"presences", json::array({{{"membre", martin}, {"presence", "present"}}})},
                       {"version", m["reunion"]["version"]}},
                      marie);
  ASSERT_EQ(patched->status, 200) << patched->body;
  const json p = json::parse(patched->body);
  EXPECT_EQ(p["peut_modifier"], true);
  EXPECT_EQ(p["peut_supprimer"], false);
  const std::string mversion = std::to_string(p["reunion"]["version"].get<int>());
  EXPECT_EQ(send("DELETE", mpath + "?version=" + mversion, {}, marie)->status, 403);
  EXPECT_EQ(send("DELETE", mpath + "?version=1", {}, coord_)->status, 409);
  EXPECT_EQ(send("DELETE", mpath, {}, coord_)->status, 400);  // no version
  EXPECT_EQ(send("DELETE", mpath + "?version=" + mversion, {}, coord_)->status, 200);
  EXPECT_EQ(server_->get(mpath, coord_)->status, 404);

  // The group: cited by a time entry → 400 naming why; once withdrawn, deleted.
  auto cited = send("POST", base_ + "/time",
                    {{"date", "2025-03-12"},
                     {"duree_minutes", 90},
                     {"activite", "Réunion"},
                     {"groupe", g["groupe"]["id"]}},
                    marie);
  ASSERT_EQ(cited->status, 201) << cited->body;
  const std::string gversion = std::to_string(g["groupe"]["version"].get<int>());
  auto refused = send("DELETE", group + "?version=" + gversion, {}, coord_);
  ASSERT_EQ(refused->status, 409) << refused->body;  // invalid_transition
  EXPECT_NE(json::parse(refused->body)["message"].get<std::string>().find("1 saisie de temps"),
            std::string::npos)
      << refused->body;
  EXPECT_EQ(send("DELETE", group + "?version=" + gversion, {}, marie)->status, 403);
  const json c = json::parse(cited->body);
  EXPECT_EQ(send("DELETE",
                 base_ + "/time/" + std::to_string(c["id"].get<int>()) +
                     "?version=" + std::to_string(c["version"].get<int>()),
                 {}, coord_)
                ->status,
            200);
  EXPECT_EQ(send("DELETE", group + "?version=" + gversion, {}, coord_)->status, 200);
  EXPECT_EQ(server_->get(group, coord_)->status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
