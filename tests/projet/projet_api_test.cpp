// The projet de santé through the whole server (both backends): the draft of the demo CPTS once
// its territory is set (Metz and Montigny-lès-Metz in the small référentiel), texts with version
// conflicts and history, the editing page, and the three downloads. The DOCX and the ODT are
// read by independent readers (python-docx, odfpy) and compared block by block with the
// printable HTML page (tests/projet/compare_html.py); skipped without those modules, failed
// under CI=true.
#include <gtest/gtest.h>
#include <unistd.h>

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

class ProjetApi : public ::testing::TestWithParam<store::Backend> {};

httplib::Result put_json(TestServer& server, const std::string& path, const std::string& body,
                         const SignedIn& who) {
  httplib::Headers h{{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}};
  return server.client().Put(path.c_str(), h, body, "application/json");
}

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

TEST_P(ProjetApi, DraftTextsAndDownloadsAgree) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  // A regional template is about 9 KB: more than the test server's 8 KB body limit.
  TestServer server(GetParam(), [](app::Config& c) { c.max_body_bytes = 1 << 20; });
  SignedIn roc = server.sign_in(Role::roc);
  SignedIn coord = server.sign_in(Role::coordinator);
  SignedIn member = server.sign_in(Role::member);

  auto r = server.get("/api/v1/structures/1/territory", roc);
  ASSERT_TRUE(r && r->status == 200);
  json territory{{"version", json::parse(r->body)["version"]}, {"communes", {"57463", "57480"}}};
  r = put_json(server, "/api/v1/structures/1/territory", territory.dump(), roc);
  ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "");

  r = server.get("/api/v1/structures/1/projet-de-sante", coord);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json view = json::parse(r->body);
  EXPECT_TRUE(view["modifiable"].get<bool>());
  EXPECT_EQ(view["chapitres"].size(), 10u);
  EXPECT_EQ(view["chapitres"][1]["elements"][1]["paragraphe"]["runs"][1]["texte"],
            "141\u202F000 habitants");

  // Texts: written, then a stale version conflicts; the member may not write.
  const std::string path = "/api/v1/structures/1/projet-de-sante/textes/porteurs";
  r = put_json(server, path,
               json{{"version", 0}, {"texte", "Six médecins.\n\nDeux IDE <b>&</b>."}}.dump(),
               coord);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["version"], 1);
  r = put_json(server, path, json{{"version", 0}, {"texte", "écrasé ?"}}.dump(), coord);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409) << r->body;
  r = put_json(server, path, json{{"version", 1}, {"texte", "x"}}.dump(), member);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  r = server.get(path + "/historique", member);
  ASSERT_TRUE(r && r->status == 200);
  EXPECT_EQ(json::parse(r->body)["versions"].size(), 1u);

  // The page shows the saved text in its form, with the version to send back.
  r = server.get("/structures/1/projet-de-sante", coord);
  ASSERT_TRUE(r && r->status == 200);
  EXPECT_NE(r->body.find("data-zone=\"porteurs\" data-version=\"1\""), std::string::npos);
  EXPECT_NE(r->body.find("Deux IDE &lt;b&gt;&amp;&lt;/b&gt;."), std::string::npos);

  // A regional template with an unknown data block is refused, naming the chapter.
  SignedIn cdm = server.sign_in(Role::charge_de_mission);
  r = server.get("/api/v1/regions/44/modele-projet-de-sante", cdm);
  ASSERT_TRUE(r && r->status == 200);
  std::string body = json::parse(r->body)["modele"];
  body.replace(body.find("data = \"carte\""), 14, "data = \"plan\"");
  r = put_json(server, "/api/v1/regions/44/modele-projet-de-sante",
               json{{"version", 0}, {"modele", body}}.dump(), cdm);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("chapitre « territoire »"), std::string::npos) << r->body;

  // Downloads.
  const fs::path dir =
      fs::temp_directory_path() / ("maillage-projet-api-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::vector<std::pair<std::string, std::string>> files{
      {"document.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"document.odt", "application/vnd.oasis.opendocument.text"},
      {"imprimer", "text/html; charset=utf-8"}};
  for (const auto& [name, type] : files) {
    r = server.get("/structures/1/projet-de-sante/" + name, coord);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << name << ": " << r->body.substr(0, 300);
    EXPECT_EQ(r->get_header_value("Content-Type"), type) << name;
    std::ofstream(dir / name, std::ios::binary) << r->body;
  }
  r = server.get("/structures/1/projet-de-sante/carte.png", member);
  ASSERT_TRUE(r && r->status == 200);
  EXPECT_EQ(r->body.substr(1, 3), "PNG");

  int status = 0;
  run(python() + " -c 'import docx, odf' 2>&1", status);
  if (status != 0) {
    // scripts/setup.sh (run by `make test`) installs both: their absence is a failure, not a skip.
    fs::remove_all(dir);
    FAIL() << python() << " cannot import docx and odf (apt-get install python3-docx python3-odf)";
  }
  const fs::path script = fs::path(MAILLAGE_SOURCE_DIR) / "tests" / "projet" / "compare_html.py";
  const std::string out =
      run(python() + " " + script.string() + " " + (dir / "document.docx").string() + " " +
              (dir / "document.odt").string() + " " + (dir / "imprimer").string() + " 2>&1",
          status);
  fs::remove_all(dir);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("identical:"), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Backends, ProjetApi, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::testing
