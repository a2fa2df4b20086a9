// Runs the real `maillage access compute` on small files. The binary is built by the main target;
// when a partial build did not make it, the test says so and skips.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

class AccessCli : public ::testing::Test {
 protected:
  void SetUp() override {
    // The build tree: MAILLAGE_BINARY_DIR, else three levels above this test binary
    // (<build>/tests/access/access_tests).
    const char* bin_dir = std::getenv("MAILLAGE_BINARY_DIR");
    const fs::path build = bin_dir ? fs::path(bin_dir)
                                   : fs::read_symlink("/proc/self/exe").parent_path().parent_path().parent_path();
    bin_ = build / "tools" / "maillage" / "maillage";
    if (!fs::exists(bin_)) GTEST_SKIP() << "binaire absent : " << bin_;
    dir_ = fs::temp_directory_path() /
           ("maillage-access-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    write("demand.csv", "id,population\nA,1000\nB,500\nC,2000\nD,300\n");
    write("supply.csv", "id,supply\nA,2\nC,1\nD,0.5\n");
    write("od.csv",
          "origin,destination,minutes\nA,B,8\nB,A,8\nA,C,12\nC,A,12\nA,D,25\nD,A,25\n"
          "B,C,17\nC,B,17\nB,D,19\nD,B,19\nC,D,14\nD,C,14\n");
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string read(const std::string& name) {
    std::ifstream in(dir_ / name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Runs maillage with `args` (paths relative to the test folder); returns the exit status.
  int run(const std::string& args) {
    const std::string cmd = "cd '" + dir_.string() + "' && '" + bin_.string() + "' " + args +
                            " >stdout.txt 2>stderr.txt";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path bin_, dir_;
};

TEST_F(AccessCli, ComputesFromAnOdFileAndReportsTimings) {
  ASSERT_EQ(run("access compute --demand demand.csv --supply supply.csv --od od.csv "
                "--weights step:10=1,15=2/3,20=1/3 --max-minutes 20 --out access.csv --timing"),
            0)
      << read("stderr.txt");
  const std::string out = read("access.csv");
  EXPECT_TRUE(out.starts_with("id,access\nA,0.000925662572721")) << out;
  EXPECT_NE(out.find("\nD,0.000497557997557"), std::string::npos) << out;
  const std::string err = read("stderr.txt");
  EXPECT_NE(err.find("temps : lecture"), std::string::npos) << err;
  EXPECT_NE(err.find("calcul"), std::string::npos) << err;
  EXPECT_NE(err.find("écriture"), std::string::npos) << err;
}

TEST_F(AccessCli, ComputesFromCoordinatesAndWritesZeroForUnreachableDemand) {
  write("coords.csv", "id,lat,lon\nA,45,5\nB,45.05,5\nC,45.1,5\nD,47,5\n");
  write("supply.csv", "id,supply\nA,2\n");
  ASSERT_EQ(run("access compute --demand demand.csv --supply supply.csv --coords coords.csv "
                "--out -"),
            0)
      << read("stderr.txt");
  const std::string out = read("stdout.txt");
  EXPECT_TRUE(out.starts_with("id,access\nA,")) << out;
  EXPECT_NE(out.find("\nD,0\n"), std::string::npos) << out;
}

TEST_F(AccessCli, BadInputExitsWithAMessageNamingFileAndLine) {
  write("supply.csv", "id,supply\nA,2\nZ,1\n");
  EXPECT_EQ(run("access compute --demand demand.csv --supply supply.csv --od od.csv --out a.csv"),
            2);
  EXPECT_NE(read("stderr.txt").find("supply.csv:3: id:"), std::string::npos) << read("stderr.txt");
  EXPECT_FALSE(fs::exists(dir_ / "a.csv"));
  EXPECT_NE(run("access compute --demand demand.csv --supply supply.csv --od od.csv "
                "--coords od.csv --out a.csv"),
            0);
}

}  // namespace
