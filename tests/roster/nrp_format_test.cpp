// Parser and roster-file tests: the Curtois & Qu instance format, its errors (file, line, field),
// and the roster.txt format written by the CLI.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "roster/nrp_format.hpp"

namespace maillage::roster {
namespace {

constexpr const char* kTiny = R"(# tiny instance
SECTION_HORIZON
# days
7

SECTION_SHIFTS
# ShiftID, Length in mins, Shifts which cannot follow this shift | separated
D,480,
N,600,D

SECTION_STAFF
A,D=7|N=2,3000,960,5,2,2,1
B,D=7|N=0,3000,0,5,1,1,1

SECTION_DAYS_OFF
A,0,6
B

SECTION_SHIFT_ON_REQUESTS
A,2,D,2

SECTION_SHIFT_OFF_REQUESTS
B,3,N,3

SECTION_COVER
0,D,1,100,1
1,N,1,100,1
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return text.replace(pos, from.size(), to);
}

TEST(NrpFormat, ParsesEverySection) {
  auto m = parse_nrp(kTiny, "tiny.txt");
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(m->days, 7);
  ASSERT_EQ(m->shifts.size(), 2u);
  EXPECT_EQ(m->shifts[1].minutes, 600);
  EXPECT_EQ(m->shifts[1].forbidden_next, std::vector<int>{0});
  ASSERT_EQ(m->staff.size(), 2u);
  EXPECT_EQ(m->staff[0].max_shifts_per_type, (std::vector<int>{7, 2}));
  EXPECT_EQ(m->staff[0].max_total_minutes, 3000);
  EXPECT_EQ(m->staff[0].min_total_minutes, 960);
  EXPECT_EQ(m->staff[0].min_consecutive_shifts, 2);
  EXPECT_EQ(m->staff[1].min_consecutive_shifts, 1);
  EXPECT_EQ(m->staff[0].days_off, (std::vector<int>{0, 6}));
  EXPECT_TRUE(m->staff[1].days_off.empty());
  ASSERT_EQ(m->on_requests.size(), 1u);
  EXPECT_EQ(m->on_requests[0].weight, 2);
  ASSERT_EQ(m->off_requests.size(), 1u);
  EXPECT_EQ(m->off_requests[0].shift, 1);
  ASSERT_EQ(m->cover.size(), 2u);
  EXPECT_EQ(m->cover[1].under_weight, 100);
}

struct BadCase {
  std::string from, to;
  int line;
  std::string field_part;
};

TEST(NrpFormat, RefusesBadInputWithFileLineAndField) {
  const std::vector<BadCase> cases = {
      {"N,600,D", "N,1500,D", 9, "Length"},                 // a shift longer than a day
      {"A,2,D,2", "Z,2,D,2", 20, "EmployeeID"},              // a request for an unknown person
      {"B,3,N,3", "B,3,N,-3", 23, "Weight"},                 // a negative weight
      {"1,N,1,100,1", "1,N,1,-100,1", 27, "Weight for under"},
      {"1,N,1,100,1", "1,X,1,100,1", 27, "ShiftID"},         // an unknown shift
      {"A,0,6", "A,0,7", 16, "DayIndexes"},                   // a day outside the horizon
      {"B,D=7|N=0,3000,0,5,1,1,1", "B,D=7|N=0,3000,0,5,1", 13, "SECTION_STAFF"},
      {"A,D=7|N=2,3000", "A,D=7|N=2,30x0", 12, "MaxTotalMinutes"},
      {"A,D=7|N=2,3000,960", "A,D=7|N=2,900,960", 12, "MinTotalMinutes"},
      {"N,600,D", "N,600,Q", 9, "cannot follow"},
      {"D,480,", "N,480,", 9, "ShiftID"},                     // duplicate id
      {"SECTION_COVER", "SECTION_COVERS", 25, "SECTION_COVERS"},
  };
  for (const auto& c : cases) {
    auto m = parse_nrp(replace(kTiny, c.from, c.to), "bad.txt");
    ASSERT_FALSE(m) << c.to;
    EXPECT_EQ(m.error().code, ErrorCode::parse_error) << c.to;
    EXPECT_EQ(m.error().file, "bad.txt");
    EXPECT_EQ(m.error().line, c.line) << c.to << ": " << m.error().describe();
    EXPECT_NE(m.error().field.find(c.field_part), std::string::npos) << c.to << ": " << m.error().describe();
    EXPECT_FALSE(m.error().message.empty());
  }
}

TEST(NrpFormat, RefusesMissingOrMisplacedSections) {
  EXPECT_FALSE(parse_nrp("", "empty.txt"));
  EXPECT_FALSE(parse_nrp("7\n", "nosection.txt"));
  EXPECT_FALSE(parse_nrp("SECTION_SHIFTS\nD,480,\n", "nohorizon.txt"));
  // Staff before shifts cannot refer to them.
  const std::string swapped = "SECTION_HORIZON\n7\nSECTION_STAFF\nA,D=1,10,0,1,1,1,1\nSECTION_SHIFTS\nD,480,\n";
  auto m = parse_nrp(swapped, "order.txt");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().line, 3);
}

TEST(NrpFormat, RosterRoundTripAndErrors) {
  auto m = parse_nrp(kTiny, "tiny.txt");
  ASSERT_TRUE(m);
  Roster r = {{kOff, 0, 0, kOff, 1, kOff, kOff}, {0, kOff, kOff, kOff, kOff, kOff, 0}};
  const std::string text = format_roster(*m, r);
  EXPECT_EQ(text, "A,,D,D,,N,,\nB,D,,,,,,D\n");
  auto back = parse_roster(*m, text, "r.txt");
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(*back, r);

  auto unknown = parse_roster(*m, "A,,D,D,,X,,\nB,D,,,,,,D\n", "r.txt");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().line, 1);
  EXPECT_EQ(unknown.error().field, "jour 4");
  auto short_line = parse_roster(*m, "A,,D,D,,N,,\nB,D,,\n", "r.txt");
  ASSERT_FALSE(short_line);
  EXPECT_EQ(short_line.error().line, 2);
  auto missing = parse_roster(*m, "A,,D,D,,N,,\n", "r.txt");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("B"), std::string::npos);
  EXPECT_FALSE(parse_roster(*m, "A,,D,D,,N,,\nA,,D,D,,N,,\n", "r.txt"));
}

std::filesystem::path nrp_dir() {
  const char* src = std::getenv("MAILLAGE_SOURCE_DIR");
  return std::filesystem::path(src ? src : ".") / ".." / "shared" / "bench" / "nrp";
}

TEST(NrpFormat, ParsesTheBenchmarkInstances) {
  if (!std::filesystem::exists(nrp_dir() / "Instance1.txt")) GTEST_SKIP() << "shared/bench/nrp is absent";
  const int staff[] = {8, 14, 20, 10, 16, 18, 20, 30};
  const int shifts[] = {1, 2, 3, 2, 2, 3, 3, 4};
  for (int k = 1; k <= 8; ++k) {
    const auto path = nrp_dir() / ("Instance" + std::to_string(k) + ".txt");
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    auto m = parse_nrp(ss.str(), path.string());
    ASSERT_TRUE(m) << m.error().describe();
    EXPECT_EQ(m->days, k <= 3 ? 14 : 28);
    EXPECT_EQ(static_cast<int>(m->staff.size()), staff[k - 1]);
    EXPECT_EQ(static_cast<int>(m->shifts.size()), shifts[k - 1]);
    EXPECT_EQ(m->cover.size(), m->shifts.size() * m->days);
  }
}

}  // namespace
}  // namespace maillage::roster
