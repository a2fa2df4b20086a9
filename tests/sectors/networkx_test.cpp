// The NetworkX adjacency JSON reader: weights, edges once, and errors that name file and field.
#include "sectors/networkx.hpp"

#include <gtest/gtest.h>

namespace maillage::sectors {
namespace {

TEST(NetworkX, ReadsWeightsAndEachEdgeOnce) {
  const auto g =
      parse_networkx(R"({"directed": false, "nodes": [{"TOTPOP": 10, "id": 0}, {"TOTPOP": 20.0},
    {"TOTPOP": 0}], "adjacency": [[{"id": 1}], [{"id": 0}, {"id": 2}, {"id": 1}], [{"id": 1}]]})",
                     "g.json");
  ASSERT_TRUE(g.has_value()) << g.error().describe();
  EXPECT_EQ(g->weight, (std::vector<std::int64_t>{10, 20, 0}));
  EXPECT_EQ(g->edges, (std::vector<std::pair<int, int>>{{0, 1}, {1, 2}}));  // the self-loop dropped
}

void expect_error(std::string_view text, const std::string& field, const std::string& words) {
  const auto g = parse_networkx(text, "g.json");
  ASSERT_FALSE(g.has_value());
  EXPECT_EQ(g.error().file, "g.json");
  EXPECT_EQ(g.error().field, field);
  EXPECT_NE(g.error().message.find(words), std::string::npos) << g.error().message;
}

TEST(NetworkX, NamesTheFileAndFieldOfEachError) {
  expect_error("{", "", "not valid JSON");
  expect_error("[]", "", "expected a JSON object");
  expect_error(R"({"adjacency": []})", "nodes", "missing");
  expect_error(R"({"nodes": []})", "adjacency", "missing");
  expect_error(R"({"nodes": [{"TOTPOP": 1}], "adjacency": []})", "adjacency",
               "has 0 lists for 1 nodes");
  expect_error(R"({"nodes": [{"TOTPOP": 1}, {"POP": 2}], "adjacency": [[], []]})",
               "nodes[1].TOTPOP", "missing");
  expect_error(R"({"nodes": [{"TOTPOP": -3}], "adjacency": [[]]})", "nodes[0].TOTPOP", "negative");
  expect_error(R"({"nodes": [{"TOTPOP": 1.5}], "adjacency": [[]]})", "nodes[0].TOTPOP",
               "non-negative integer");
  expect_error(R"({"nodes": [{"TOTPOP": "12"}], "adjacency": [[]]})", "nodes[0].TOTPOP",
               "not a number");
  expect_error(R"({"nodes": [{"TOTPOP": 1}], "adjacency": [[{"id": 4}]]})", "adjacency[0][0].id",
               "4 is not a node index");
  expect_error(R"({"nodes": [{"TOTPOP": 1}], "adjacency": [[{"key": 0}]]})", "adjacency[0][0].id",
               "missing");
  expect_error(R"({"nodes": [{"TOTPOP": 1}], "adjacency": [{}]})", "adjacency[0]", "not an array");
}

TEST(NetworkX, ReportsAFileThatCannotBeRead) {
  const auto g = read_networkx("/nonexistent/graph.json");
  ASSERT_FALSE(g.has_value());
  EXPECT_EQ(g.error().code, ErrorCode::io_error);
  EXPECT_EQ(g.error().file, "/nonexistent/graph.json");
}

}  // namespace
}  // namespace maillage::sectors
