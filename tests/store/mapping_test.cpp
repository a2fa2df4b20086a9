// What repositories build on: rows read by column name (on both backends, whose column names for
// aliased expressions must agree) and the audit summaries, whose text must be what
// nlohmann::json::dump() gives for the same object (audit rows written before and after the
// builder existed read the same).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "store/audit_detail.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::store {
namespace {

class NamedRowTest : public ::testing::TestWithParam<Backend> {};

TEST_P(NamedRowTest, ColumnsAreFoundByTheirAliasOnBothBackends) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  auto scratch = testing::ScratchDatabase::create(GetParam());
  auto db = testing::open_database(*scratch);
  auto rows = db->query(
      "SELECT 42 AS answer, 'Metz' AS nom, NULL AS empty_value, 2.5 AS half, COUNT(*) AS n "
      "FROM (SELECT 1 AS x) AS one");
  ASSERT_TRUE(rows) << rows.error().describe();
  ASSERT_EQ(rows->size(), 1u);
  const NamedRow r = rows->named(0);
  EXPECT_EQ(r.integer("answer"), 42);
  EXPECT_EQ(r.text("nom"), "Metz");
  EXPECT_TRUE(r.is_null("empty_value"));
  EXPECT_EQ(r.text("empty_value"), "");
  EXPECT_DOUBLE_EQ(r.real("half"), 2.5);
  EXPECT_EQ(r.integer("n"), 1);
  EXPECT_THROW((void)r.text("absent"), std::out_of_range);
  int seen = 0;
  for (NamedRow each : rows->each()) seen += static_cast<int>(each.integer("answer"));
  EXPECT_EQ(seen, 42);
}

INSTANTIATE_TEST_SUITE_P(Backends, NamedRowTest, testing::all_backends(), testing::backend_name);

TEST(AuditDetail, SameTextAsNlohmannForTheSameObject) {
  AuditDetail nested;
  nested.add("b", 1).add("a", "x");
  const std::string text = AuditDetail{}
                               .add("stage", "projet_depose")
                               .add("date", "2024-03-15")
                               .add("count", 3)
                               .add("ratio", 0.1)
                               .add("ok", true)
                               .add_null("none")
                               .add("ids", std::vector<std::int64_t>{3, 1})
                               .add("names", std::vector<std::string>{"é", "\"q\"\n"})
                               .add("nested", nested)
                               .add("list", std::vector<AuditDetail>{nested, AuditDetail{}})
                               .add("absent", std::optional<std::int64_t>{})
                               .add("present", std::optional<std::string>{"oui"})
                               .json();
  const nlohmann::json expected = {{"stage", "projet_depose"},
                                   {"date", "2024-03-15"},
                                   {"count", 3},
                                   {"ratio", 0.1},
                                   {"ok", true},
                                   {"none", nullptr},
                                   {"ids", {3, 1}},
                                   {"names", {"é", "\"q\"\n"}},
                                   {"nested", {{"b", 1}, {"a", "x"}}},
                                   {"list", {{{"b", 1}, {"a", "x"}}, nlohmann::json::object()}},
                                   {"absent", nullptr},
                                   {"present", "oui"}};
  EXPECT_EQ(text, expected.dump());
  EXPECT_EQ(AuditDetail{}.json(), "{}");
  EXPECT_EQ(audit_array({}), "[]");
  EXPECT_EQ(AuditDetail{}.add("k", 1).add("k", 2).json(), "{\"k\":2}");
}

TEST(AuditDetail, InvalidUtf8IsReplacedNotThrown) {
  const std::string text = AuditDetail{}
                               .add("fichier", std::string("a\xff"
                                                           "b"))
                               .json();
  EXPECT_EQ(text,
            "{\"fichier\":\"a\xEF\xBF\xBD"
            "b\"}");
}

}  // namespace
}  // namespace maillage::store
