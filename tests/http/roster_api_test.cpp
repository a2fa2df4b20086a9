// The permanences API through the whole server in-process, on both backends: a campaign made and
// solved through the API (the job runs on the server's runner thread and is polled), bad input
// answered with the field, stale versions with 409, scopes with 403, exports.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/test_server.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

class RosterApi : public ::testing::TestWithParam<store::Backend> {
 protected:
  httplib::Result put(TestServer& server, const std::string& path, const json& body,
                      const SignedIn& who) {
    httplib::Headers h{{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}};
    return server.client().Put(path.c_str(), h, body.dump(), "application/json");
  }
};

json parse(const httplib::Result& r) { return json::parse(r->body, nullptr, false); }

TEST_P(RosterApi, CampaignMadeSolvedAndExportedThroughTheApi) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  TestServer server(GetParam());
  SignedIn coord = server.sign_in(Role::coordinator);
  SignedIn member = server.sign_in(Role::member);
  SignedIn roc = server.sign_in(Role::roc);
  auto me = server.get("/api/v1/me", coord);
  const std::int64_t structure = parse(me)["utilisateur"]["structures"][0].get<std::int64_t>();
  const std::int64_t member_user = parse(server.get("/api/v1/me", member))["utilisateur"]["id"].get<std::int64_t>();

  // Members cannot create campaigns (route rule); bad dates name the field.
  json campaign{{"structure", structure}, {"nom", "Campagne API"}, {"debut", "2026-07-01"},
                {"fin", "2026-07-03"}, {"temps_calcul", 1}};
  EXPECT_EQ(server.post_json("/api/v1/campaigns", campaign.dump(), member)->status, 403);
  json reversed = campaign;
  reversed["fin"] = "2026-06-01";
  auto bad = server.post_json("/api/v1/campaigns", reversed.dump(), coord);
  ASSERT_EQ(bad->status, 400);
  EXPECT_EQ(parse(bad)["field"], "$.fin");
  json negative = campaign;
  negative["poids_equite"] = -5;
  bad = server.post_json("/api/v1/campaigns", negative.dump(), coord);
  ASSERT_EQ(bad->status, 400);
  EXPECT_EQ(parse(bad)["field"], "$.poids_equite");

  auto created = server.post_json("/api/v1/campaigns", campaign.dump(), coord);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::int64_t id = parse(created)["id"].get<std::int64_t>();
  const std::string base = "/api/v1/campaigns/" + std::to_string(id);
  std::int64_t version = parse(created)["version"].get<std::int64_t>();

  // Slots: end before start and a negative count are refused with their field, nothing added.
  json slots = json::array();
  for (const char* day : {"2026-07-01", "2026-07-02", "2026-07-03"}) {
    slots.push_back({{"date", day}, {"debut", "14:00"}, {"fin", "18:00"}, {"type", "snp"},
                     {"lieu", "Metz"}, {"profession", "MG"}, {"nombre", 1}});
  }
  json wrong = slots;
  wrong[1]["fin"] = "12:00";
  bad = server.post_json(base + "/slots", json{{"version", version}, {"creneaux", wrong}}.dump(), coord);
  ASSERT_EQ(bad->status, 400);
  EXPECT_EQ(parse(bad)["field"], "$.creneaux[1].fin");
  wrong = slots;
  wrong[2]["nombre"] = -1;
  bad = server.post_json(base + "/slots", json{{"version", version}, {"creneaux", wrong}}.dump(), coord);
  ASSERT_EQ(bad->status, 400);
  EXPECT_EQ(parse(bad)["field"], "$.creneaux[2].nombre");
  auto added = server.post_json(base + "/slots", json{{"version", version}, {"creneaux", slots}}.dump(), coord);
  ASSERT_EQ(added->status, 201) << added->body;
  version = parse(added)["version"].get<std::int64_t>();
  // The same version again is stale.
  auto stale = server.post_json(base + "/slots", json{{"version", version - 1}, {"creneaux", slots}}.dump(), coord);
  EXPECT_EQ(stale->status, 409);

  auto m1 = server.post_json(base + "/members",
                             json{{"version", version}, {"utilisateur", member_user}, {"profession", "MG"}}.dump(),
                             coord);
  ASSERT_EQ(m1->status, 201) << m1->body;
  version = parse(m1)["version"].get<std::int64_t>();
  auto m2 = server.post_json(base + "/members",
                             json{{"version", version}, {"nom", "Dr Sans Compte"}, {"profession", "MG"}}.dump(),
                             coord);
  ASSERT_EQ(m2->status, 201) << m2->body;
  version = parse(m2)["version"].get<std::int64_t>();
  const std::int64_t mine = parse(m1)["id"], other = parse(m2)["id"];

  auto status = server.post_json(base + "/status", json{{"statut", "collecte"}, {"version", version}}.dump(), coord);
  ASSERT_EQ(status->status, 200) << status->body;
  version = parse(status)["version"].get<std::int64_t>();
  auto c = parse(server.get(base, member));
  ASSERT_EQ(c["creneaux"].size(), 3u);
  json cells = json::array();
  for (const auto& s : c["creneaux"]) cells.push_back({{"membre", mine}, {"creneau", s["id"]}, {"etat", "disponible"}});
  EXPECT_EQ(put(server, base + "/availability", json{{"cellules", cells}}, member)->status, 200);
  // Someone else's cell: 403; an unknown member: 400 naming the cell.
  EXPECT_EQ(put(server, base + "/availability",
                json{{"cellules", {{{"membre", other}, {"creneau", c["creneaux"][0]["id"]}, {"etat", "disponible"}}}}},
                member)->status,
            403);
  bad = put(server, base + "/availability",
            json{{"cellules", {{{"membre", 99999}, {"creneau", c["creneaux"][0]["id"]}, {"etat", "disponible"}}}}},
            coord);
  ASSERT_EQ(bad->status, 400);
  EXPECT_EQ(parse(bad)["field"], "$.cellules[0].membre");
  // The ROC of Moselle reads but may not solve.
  EXPECT_EQ(server.get(base, roc)->status, 200);
  EXPECT_EQ(server.post_json(base + "/jobs", "{}", roc)->status, 403);

  auto job = server.post_json(base + "/jobs", "{}", coord);
  ASSERT_EQ(job->status, 202) << job->body;
  const std::string job_path = base + "/jobs/" + std::to_string(parse(job)["id"].get<std::int64_t>());
  json info;
  for (int i = 0; i < 200; ++i) {
    info = parse(server.get(job_path, coord));
    if (info["statut"] == "done" || info["statut"] == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(info["statut"], "done") << info.dump();
  EXPECT_TRUE(info["resultat"]["valide"].get<bool>());
  EXPECT_EQ(info["resultat"]["manque"], 0);
  auto roster = parse(server.get(base + "/roster", coord));
  EXPECT_EQ(roster["statut"], "resolu");
  ASSERT_EQ(roster["affectations"].size(), 3u);
  EXPECT_TRUE(roster["controle"]["valide"].get<bool>());

  // A hand edit that gives one slot to the member without availability is refused live.
  json edit = roster["affectations"];
  edit[0]["membre"] = other;
  auto chk = server.post_json(base + "/roster/check", json{{"affectations", edit}}.dump(), coord);
  ASSERT_EQ(chk->status, 200);
  EXPECT_FALSE(parse(chk)["valide"].get<bool>());
  EXPECT_EQ(put(server, base + "/roster", json{{"version", roster["version"]}, {"affectations", edit}}, coord)->status,
            400);

  auto pub = server.post_json(base + "/status", json{{"statut", "publie"}, {"version", roster["version"]}}.dump(), coord);
  ASSERT_EQ(pub->status, 200) << pub->body;
  auto csv = server.get(base + "/export.csv", member);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->get_header_value("Content-Type").find("text/csv"), std::string::npos);
  EXPECT_NE(csv->body.find("2026-07-02;14:00;18:00;non;snp;Metz;MG;"), std::string::npos);
  auto xlsx = server.get(base + "/export.xlsx", coord);
  ASSERT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.rfind("PK", 0), 0u);  // a zip package
  auto ics = server.get(base + "/export.ics?membre=" + std::to_string(mine), member);
  ASSERT_EQ(ics->status, 200);
  EXPECT_EQ(ics->body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  std::size_t events = 0;
  for (auto at = ics->body.find("BEGIN:VEVENT"); at != std::string::npos; at = ics->body.find("BEGIN:VEVENT", at + 1)) ++events;
  EXPECT_EQ(events, 3u);
  EXPECT_NE(ics->body.find("DTSTART;TZID=Europe/Paris:20260701T140000\r\n"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, RosterApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
