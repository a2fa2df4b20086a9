// The `maillage roster` commands in-process: `solve --out` writes the roster.txt format (one line
// per staff member in SECTION_STAFF order, a field per day, empty for a day off) and `check`
// judges files with the independent checker.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "app/cli.hpp"
#include "roster/checker.hpp"
#include "roster/nrp_format.hpp"

namespace {

constexpr const char* kInstance = R"(SECTION_HORIZON
7

SECTION_SHIFTS
D,480,
N,600,D

SECTION_STAFF
A,D=7|N=2,3000,960,5,2,2,1
B,D=7|N=0,3000,0,5,1,1,1
C,D=7|N=2,3000,960,4,1,2,1

SECTION_DAYS_OFF
A,0,6

SECTION_SHIFT_ON_REQUESTS
A,2,D,2

SECTION_SHIFT_OFF_REQUESTS
B,3,N,3

SECTION_COVER
0,D,1,100,1
1,D,2,100,1
1,N,1,100,1
2,D,1,100,1
3,N,1,100,1
4,D,2,100,1
5,D,1,100,1
)";

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("maillage_roster_cli_" + std::to_string(::getpid()) + "_" + name);
}

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `maillage <args...>` in-process; returns the exit code (CLI11 convention) and stdout.
int run(std::vector<std::string> args, std::string* out = nullptr) {
  CLI::App root{"test", "maillage"};
  root.require_subcommand(1);
  maillage::app::add_roster_commands(root);
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

TEST(RosterCli, SolveWritesTheRosterFileAndCheckAcceptsIt) {
  const auto instance = temp_path("instance.txt");
  const auto roster_file = temp_path("roster.txt");
  write(instance, kInstance);
  std::string out;
  ASSERT_EQ(run({"roster", "solve", "--format", "nrp", instance.string(), "--time-limit", "60", "--seed", "3",
                 "--iterations", "50", "--threads", "1", "--out", roster_file.string()},
                &out),
            0)
      << out;
  EXPECT_NE(out.find("objectif : "), std::string::npos) << out;
  EXPECT_NE(out.find("vérification : VALIDE"), std::string::npos) << out;

  // One line per staff member, in SECTION_STAFF order, the id then 7 fields.
  const std::string text = read(roster_file);
  std::istringstream lines(text);
  std::string line;
  std::vector<std::string> ids;
  while (std::getline(lines, line)) {
    ids.push_back(line.substr(0, line.find(',')));
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 7) << line;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"A", "B", "C"}));
  auto model = maillage::roster::parse_nrp(kInstance, "instance.txt");
  ASSERT_TRUE(model);
  auto roster = maillage::roster::parse_roster(*model, text, "roster.txt");
  ASSERT_TRUE(roster) << roster.error().describe();
  EXPECT_TRUE(maillage::roster::check(*model, *roster).feasible());
  // A is off on days 0 and 6: the first and last fields of her line are empty.
  EXPECT_EQ(text.rfind("A,,", 0), 0u) << text;

  EXPECT_EQ(run({"roster", "check", instance.string(), roster_file.string()}, &out), 0) << out;
  EXPECT_NE(out.find("VALIDE"), std::string::npos);

  // A roster breaking a rule (A works her day off) is refused with exit code 1.
  auto broken = *roster;
  broken[0][0] = 0;
  write(roster_file, maillage::roster::format_roster(*model, broken));
  EXPECT_EQ(run({"roster", "check", instance.string(), roster_file.string()}, &out), 1) << out;
  EXPECT_NE(out.find("INVALIDE"), std::string::npos) << out;

  // An unreadable instance is an error with its line.
  write(instance, std::string(kInstance).replace(std::string(kInstance).find("N,600,D"), 7, "N,1600,D"));
  EXPECT_EQ(run({"roster", "solve", instance.string(), "--iterations", "5"}), 2);
  std::filesystem::remove(instance);
  std::filesystem::remove(roster_file);
}

}  // namespace
