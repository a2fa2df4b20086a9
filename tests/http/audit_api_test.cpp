// The audit log viewer through the whole server: a change made through the API shows in the
// journal of an admin and of the ROC of its département (JSON, page with its before/after, CSV),
// not in another département's; a bad date is shown next to its field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "http/message.hpp"
#include "http/test_server.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

class AuditApi : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    server_ = std::make_unique<TestServer>(GetParam());
  }
  std::unique_ptr<TestServer> server_;
};

TEST_P(AuditApi, AChangeShowsInTheJournalOfItsDepartementOnly) {
  auto admin = server_->sign_in(Role::admin);
  auto roc = server_->sign_in(Role::roc);  // ROC of Moselle (57)
  auto created = server_->post_json(
      "/api/v1/structures",
      json{{"type", "MSP"}, {"nom", "MSP du journal (fictive)"}, {"departement", "54"}}.dump(),
      admin);
  ASSERT_EQ(created->status, 201) << created->body;
  const auto id54 = json::parse(created->body)["id"].get<std::int64_t>();
  created = server_->post_json(
      "/api/v1/structures",
      json{{"type", "CPTS"}, {"nom", "CPTS du journal (fictive)"}, {"departement", "57"}}.dump(),
      roc);
  ASSERT_EQ(created->status, 201) << created->body;
  const auto id57 = json::parse(created->body)["id"].get<std::int64_t>();

  auto mine = server_->get("/api/v1/audit?action=structure.create", roc);
  ASSERT_EQ(mine->status, 200) << mine->body;
  std::set<std::int64_t> seen;
  const json rows = json::parse(mine->body);
  for (const auto& row : rows["lignes"]) {
    EXPECT_EQ(row["departement"], "57");
    seen.insert(row["structure"].get<std::int64_t>());
  }
  EXPECT_TRUE(seen.count(id57));
  EXPECT_FALSE(seen.count(id54));
  auto all = server_->get("/api/v1/audit?action=structure&structure=" + std::to_string(id54), admin);
  ASSERT_EQ(all->status, 200);
  ASSERT_EQ(json::parse(all->body)["lignes"].size(), 1U);
  EXPECT_EQ(json::parse(all->body)["lignes"][0]["utilisateur"], server_->login_of(Role::admin));

  auto page = server_->get("/journal?structure=" + std::to_string(id57), roc);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("CPTS du journal (fictive)"), std::string::npos);
  EXPECT_NE(page->body.find("structure.create"), std::string::npos);
  EXPECT_NE(page->body.find("<th scope=\"row\"><code>name</code></th>"), std::string::npos)
      << "before/after";
  auto csv = server_->get("/journal.csv?action=structure.create", roc);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("CPTS du journal (fictive)"), std::string::npos);
  EXPECT_EQ(csv->body.find("MSP du journal (fictive)"), std::string::npos);

  auto bad = server_->get("/journal?du=31/12/2026", roc);
  ASSERT_EQ(bad->status, 200);
  EXPECT_NE(bad->body.find("id=\"erreur-du\""), std::string::npos);
  EXPECT_NE(bad->body.find("value=\"31/12/2026\""), std::string::npos) << "typed text kept";
  auto refused = server_->get("/api/v1/audit?departement=54", roc);
  EXPECT_EQ(refused->status, 403);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditApi, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::testing
