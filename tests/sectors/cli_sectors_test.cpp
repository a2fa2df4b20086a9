// `maillage sectors solve` in-process: reads a NetworkX adjacency JSON graph, prints the status,
// cut, bound, gap and the checker's verdict, and writes `node,sector` lines.
#include <gtest/gtest.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/cli.hpp"

namespace {

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("maillage_sectors_cli_" + std::to_string(::getpid()) + "_" + name);
}

int run(std::vector<std::string> args, std::string* out = nullptr) {
  CLI::App root{"test", "maillage"};
  root.require_subcommand(1);
  maillage::app::add_sectors_commands(root);
  std::vector<const char*> argv{"maillage"};
  for (const auto& a : args) argv.push_back(a.c_str());
  testing::internal::CaptureStdout();
  int code = 0;
  try {
    root.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    code = e.get_exit_code();
  }
  const std::string text = testing::internal::GetCapturedStdout();
  if (out) *out = text;
  return code;
}

// A 2 x 3 grid (0-1-2 over 3-4-5) of populations 10, two sectors of 30: three units hold at most
// two of the 7 edges (no triangle), so at least 7 - 2 * 2 = 3 are cut, and the two rows cut 3.
constexpr const char* kGraph = R"({"directed": false, "multigraph": false, "graph": [],
 "nodes": [{"TOTPOP": 10, "id": 0}, {"TOTPOP": 10, "id": 1}, {"TOTPOP": 10, "id": 2},
           {"TOTPOP": 10, "id": 3}, {"TOTPOP": 10, "id": 4}, {"TOTPOP": 10, "id": 5}],
 "adjacency": [[{"id": 1}, {"id": 3}], [{"id": 0}, {"id": 2}, {"id": 4}], [{"id": 1}, {"id": 5}],
               [{"id": 0}, {"id": 4}], [{"id": 3}, {"id": 1}, {"id": 5}], [{"id": 4}, {"id": 2}]]})";

TEST(SectorsCli, SolveWritesNodeSectorLinesAndChecksThem) {
  const auto graph = temp_path("graph.json");
  const auto csv = temp_path("assignment.csv");
  std::ofstream(graph) << kGraph;
  std::string out;
  ASSERT_EQ(run({"sectors", "solve", "--graph", graph.string(), "--k", "2", "--deviation", "0.01",
                 "--time-limit", "30", "--out", csv.string()},
                &out),
            0)
      << out;
  EXPECT_NE(out.find("statut : optimal"), std::string::npos) << out;
  EXPECT_NE(out.find("arêtes coupées : 3"), std::string::npos) << out;
  EXPECT_NE(out.find("borne inférieure prouvée : 3"), std::string::npos) << out;
  EXPECT_NE(out.find("vérification : VALIDE"), std::string::npos) << out;
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "node,sector");
  std::vector<int> sector;
  while (std::getline(in, line)) {
    EXPECT_EQ(line.substr(0, line.find(',')), std::to_string(sector.size()));
    sector.push_back(std::stoi(line.substr(line.find(',') + 1)));
  }
  ASSERT_EQ(sector.size(), 6u);
  EXPECT_EQ(std::count(sector.begin(), sector.end(), 0), 3);
  EXPECT_EQ(std::count(sector.begin(), sector.end(), 1), 3);
  const std::vector<std::pair<int, int>> edges{{0, 1}, {1, 2}, {3, 4}, {4, 5},
                                               {0, 3}, {1, 4}, {2, 5}};
  int cut = 0;
  for (const auto& [u, v] : edges) cut += sector[u] != sector[v];
  EXPECT_EQ(cut, 3);

  // Four sectors of 15: no set of units of weight 10 weighs 15, so nothing fits.
  ASSERT_EQ(run({"sectors", "solve", "--graph", graph.string(), "--k", "4", "--deviation", "0.01",
                 "--time-limit", "30"},
                &out),
            0)
      << out;
  EXPECT_NE(out.find("statut : irréalisable"), std::string::npos) << out;

  // A malformed graph: the error names the file and the field.
  std::ofstream(graph) << R"({"nodes": [{"POP": 1}], "adjacency": [[]]})";
  EXPECT_EQ(run({"sectors", "solve", "--graph", graph.string(), "--k", "2"}), 2);
  std::filesystem::remove(graph);
  std::filesystem::remove(csv);
}

}  // namespace
