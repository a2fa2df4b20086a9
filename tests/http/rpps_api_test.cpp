// RPPS imports from the browser through the whole server in-process (SQLite and PostgreSQL): an
// extract far larger than max_body_bytes (8 KiB in the test server) is uploaded as a raw body,
// imported by the background runner, its report read; a second vintage, then the changes between
// the two snapshots (JSON, page, CSV); the scope of a structure's territory; the OpenAPI entry.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/test_server.hpp"
#include "rpps/generator.hpp"
#include "services/rpps.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

std::string extract(const app::ServerApp& app, std::uint64_t seed, int vintage, int bad_lines) {
  auto communes = services::rpps_generator_communes(app.referentiel(), "57");
  EXPECT_TRUE(communes);
  rpps::GeneratorOptions o;
  o.seed = seed;
  o.vintage = vintage;
  o.bad_lines = bad_lines;
  std::string text;
  auto g = rpps::generate_extract(*communes, o, [&](std::string_view chunk) -> Status {
    text.append(chunk);
    return {};
  });
  EXPECT_TRUE(g);
  return text;
}

class RppsApi : public ::testing::TestWithParam<store::Backend> {
 protected:
  // Uploads and waits (bounded) for the background import to end; the finished job.
  json import(TestServer& server, const SignedIn& who, const std::string& name,
              const std::string& body) {
    auto cli = server.client();
    auto r = cli.Post("/api/v1/rpps/imports?nom=" + name,
                      {{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}}, body,
                      "application/octet-stream");
    EXPECT_TRUE(r);
    if (!r) return json();
    EXPECT_EQ(r->status, 202) << r->body;
    if (r->status != 202) return json();
    const json queued = json::parse(r->body);
    EXPECT_EQ(r->get_header_value("Location"),
              "/api/v1/rpps/imports/" + std::to_string(queued["id"].get<std::int64_t>()));
    EXPECT_EQ(queued["octets_total"].get<std::size_t>(), body.size());
    for (int i = 0; i < 1200; ++i) {
      auto j = server.get("/api/v1/rpps/imports/" + std::to_string(queued["id"].get<int>()), who);
      EXPECT_TRUE(j && j->status == 200);
      if (!j || j->status != 200) return json();
      json job = json::parse(j->body);
      if (job["termine"].get<bool>()) return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "import not finished";
    return json();
  }
};

TEST_P(RppsApi, UploadImportReportAndChangesBetweenTwoSnapshots) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  TestServer server(GetParam());
  const SignedIn roc = server.sign_in(Role::roc);

  const std::string first = extract(server.app(), 8, -1, 0);
  const std::string second = extract(server.app(), 8, 0, 3);
  ASSERT_GT(first.size(), 20u * 8192u);  // far beyond the in-memory cap of the test server

  json one = import(server, roc, "PS_LibreAcces_Personne_activite_202411200000_FICTIF.txt", first);
  ASSERT_EQ(one["statut"], "done") << one.dump();
  EXPECT_EQ(one["octets_lus"], one["octets_total"]);
  EXPECT_EQ(one["pourcentage"], 100);
  EXPECT_GT(one["rapport"]["lignes"].get<int>(), 100);
  EXPECT_EQ(one["rapport"]["lignes_en_erreur"], 0);
  json two = import(server, roc, "PS_LibreAcces_Personne_activite_202511200000_FICTIF.txt", second);
  ASSERT_EQ(two["statut"], "done") << two.dump();
  EXPECT_EQ(two["rapport"]["lignes_en_erreur"], 3);
  ASSERT_EQ(two["rapport"]["premieres_erreurs"].size(), 3u);
  for (const auto& b : two["rapport"]["premieres_erreurs"]) {
    EXPECT_GT(b["ligne"].get<int>(), 1);
    EXPECT_FALSE(b["detail"].get<std::string>().empty());
  }
  int by_reason = 0;
  for (const auto& r : two["rapport"]["erreurs_par_raison"]) by_reason += r["lignes"].get<int>();
  EXPECT_EQ(by_reason, 3);

  auto snaps = server.get("/api/v1/rpps/snapshots", roc);
  ASSERT_TRUE(snaps && snaps->status == 200);
  const json list = json::parse(snaps->body)["instantanes"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["date"], "2025-11-20");
  EXPECT_EQ(list[1]["date"], "2024-11-20");
  EXPECT_EQ(list[0]["fictif"], true);
  const std::string old_id = std::to_string(one["instantane"].get<std::int64_t>());
  const std::string new_id = std::to_string(two["instantane"].get<std::int64_t>());

  // Changes over the département: the same as the service computes, and the counts per
  // commune × profession add up to the people listed (one per commune they are in).
  const std::string q = "?ancien=" + old_id + "&nouveau=" + new_id + "&departement=57";
  auto ch = server.get("/api/v1/rpps/changes" + q, roc);
  ASSERT_TRUE(ch && ch->status == 200) << (ch ? ch->body : "");
  const json changes = json::parse(ch->body);
  auto direct = services::rpps_changes_between(
      server.app().database(), std::stoll(old_id), std::stoll(new_id),
      [&] {
        std::vector<std::string> codes;
        const auto& ref = server.app().referentiel();
        for (auto i : ref.departement("57")->communes) codes.push_back(ref.communes[i].code);
        return codes;
      }());
  ASSERT_TRUE(direct);
  EXPECT_EQ(changes["arrivees"].get<std::size_t>(), direct->arrived.size());
  EXPECT_EQ(changes["departs"].get<std::size_t>(), direct->left.size());
  EXPECT_GT(direct->arrived.size() + direct->left.size(), 0u);  // two vintages differ
  std::int64_t counted = 0, listed = 0;
  for (const auto& c : changes["par_commune"]) {
    counted += c["arrivees"].get<std::int64_t>() + c["departs"].get<std::int64_t>();
  }
  for (const auto& p : changes["personnes"]) listed += static_cast<std::int64_t>(p["communes"].size());
  EXPECT_EQ(counted, listed);

  // The CSV: BOM, semicolons, one line per person and commune.
  auto csv = server.get("/rpps/evolutions.csv" + q, roc);
  ASSERT_TRUE(csv && csv->status == 200);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv->get_header_value("Content-Disposition").find("rpps-evolutions-departement-57"),
            std::string::npos);
  ASSERT_EQ(csv->body.rfind("\xEF\xBB\xBFmouvement;commune;commune_nom;", 0), 0u);
  std::int64_t lines = 0;
  for (char c : csv->body) lines += c == '\n';
  EXPECT_EQ(lines, listed + 1);

  // Pages.
  auto page = server.get("/rpps", roc);
  ASSERT_TRUE(page && page->status == 200);
  EXPECT_NE(page->body.find("202511200000_FICTIF"), std::string::npos);
  EXPECT_NE(page->body.find("id=\"lien-evolutions\""), std::string::npos);
  auto report = server.get("/rpps/imports/" + std::to_string(two["id"].get<int>()), roc);
  ASSERT_TRUE(report && report->status == 200);
  EXPECT_NE(report->body.find("id=\"premieres-erreurs\""), std::string::npos);
  auto evol = server.get("/rpps/evolutions" + q, roc);
  ASSERT_TRUE(evol && evol->status == 200);
  EXPECT_NE(evol->body.find("id=\"total-arrivees\">" + std::to_string(direct->arrived.size())),
            std::string::npos);
  auto bad = server.get("/rpps/evolutions?ancien=" + old_id + "&nouveau=" + old_id +
                            "&departement=57",
                        roc);
  ASSERT_TRUE(bad && bad->status == 200);
  EXPECT_NE(bad->body.find("Choisissez deux extraits différents"), std::string::npos);

  // A structure out of the ROC's scope: its territory is not theirs to read.
  SignedIn admin = server.sign_in(Role::admin);
  auto s = server.post_json("/api/v1/structures",
                            json{{"type", "CPTS"}, {"nom", "CPTS de Paris (fictive)"},
                                 {"departement", "75"}}
                                .dump(),
                            admin);
  ASSERT_TRUE(s && s->status == 201) << (s ? s->body : "");
  const std::string paris = std::to_string(json::parse(s->body)["id"].get<std::int64_t>());
  for (const std::string base : {"/api/v1/rpps/changes", "/rpps/evolutions.csv"}) {
    auto out = server.get(base + "?ancien=" + old_id + "&nouveau=" + new_id + "&structure=" +
                              paris,
                          roc);
    ASSERT_TRUE(out);
    EXPECT_TRUE(out->status == 403 || out->status == 404) << base << " " << out->status;
  }
}

TEST_P(RppsApi, RefusalsAndTheOpenApiEntry) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  TestServer server(GetParam());
  const SignedIn admin = server.sign_in(Role::admin);
  auto cli = server.client();
  auto r = cli.Post("/api/v1/rpps/imports?nom=liste.csv",
                    {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}},
                    std::string(50000, 'x') + "\n", "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["field"], "fichier");
  auto none = cli.Post("/api/v1/rpps/imports", {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}},
                       "x", "application/octet-stream");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 400) << none->body;  // nom is required
  auto jobs = server.get("/api/v1/rpps/imports", admin);
  ASSERT_TRUE(jobs && jobs->status == 200);
  EXPECT_TRUE(json::parse(jobs->body)["imports"].empty());
  auto missing = server.get("/api/v1/rpps/imports/424242", admin);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);

  // No snapshot yet: the diagnostic says so, and links to the import for those who may import.
  auto diag = server.get("/diagnostic?communes=57463", admin);
  ASSERT_TRUE(diag && diag->status == 200);
  EXPECT_NE(diag->body.find("Aucune extraction RPPS n'est importée"), std::string::npos);
  EXPECT_NE(diag->body.find("id=\"lien-import-rpps\""), std::string::npos) << diag->body.substr(0, 300);
  auto coord = server.get("/diagnostic?communes=57463", server.sign_in(Role::coordinator));
  ASSERT_TRUE(coord && coord->status == 200);
  EXPECT_NE(coord->body.find("Aucune extraction RPPS n'est importée"), std::string::npos);
  EXPECT_EQ(coord->body.find("lien-import-rpps"), std::string::npos);

  auto doc = server.get("/api/v1/openapi.json");
  ASSERT_TRUE(doc && doc->status == 200);
  const json op = json::parse(doc->body)["paths"]["/api/v1/rpps/imports"]["post"];
  EXPECT_EQ(op["requestBody"]["content"]["application/octet-stream"]["schema"]["format"],
            "binary");
  EXPECT_EQ(op["x-access"], "roles: admin, roc");
  EXPECT_TRUE(op["responses"].contains("202"));
}

INSTANTIATE_TEST_SUITE_P(Backends, RppsApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
