// Runs the real `maillage coverage` on the real référentiel (MAILLAGE_REFERENCE, built by
// `make test` before the tests). When the binary or the référentiel is missing (a partial build),
// the test says so and skips.
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

class CoverageCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin_dir = std::getenv("MAILLAGE_BINARY_DIR");
    const fs::path build =
        bin_dir ? fs::path(bin_dir)
                : fs::read_symlink("/proc/self/exe").parent_path().parent_path().parent_path();
    bin_ = build / "tools" / "maillage" / "maillage";
    if (!fs::exists(bin_)) GTEST_SKIP() << "binaire absent : " << bin_;
    const char* ref = std::getenv("MAILLAGE_REFERENCE");
    if (ref == nullptr || !fs::exists(ref)) {
      GTEST_SKIP() << "référentiel absent (MAILLAGE_REFERENCE) : lancez `make test`";
    }
    reference_ = ref;
    dir_ = fs::temp_directory_path() /
           ("maillage-coverage-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
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
  int run(const std::string& args) {
    const std::string cmd = "cd '" + dir_.string() + "' && '" + bin_.string() +
                            "' coverage --reference '" + reference_ + "' " + args +
                            " >stdout.txt 2>stderr.txt";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path bin_, dir_;
  std::string reference_;
};

TEST_F(CoverageCli, WithoutTerritoriesEverythingIsUncovered) {
  ASSERT_EQ(run("--departement 57"), 0) << read("stderr.txt");
  const std::string out = read("stdout.txt");
  EXPECT_TRUE(out.starts_with("Couverture CPTS — Moselle (57)\n")) << out;
  EXPECT_NE(
      out.find("Couvert par au moins un territoire                  0            0     0,0 %"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("Zones blanches : "), std::string::npos);
  EXPECT_NE(out.find("(aucun fichier de territoires"), std::string::npos);
}

TEST_F(CoverageCli, ImportReportNamesLinesAndMapsFormerCommunes) {
  // 57463 Metz; 57023 Angviller-lès-Bisping, commune associée of 57086; 57999 does not exist.
  // The former-communes table is an extract of the etalab file in its format: the whole file
  // takes seconds to parse under ASan.
  write("cpts.csv", "code_insee\n57463\n57023\n57999\n");
  write("communes.json",
        R"([{"code": "57086", "nom": "Belles-Forêts", "type": "commune-actuelle"},
            {"code": "57023", "nom": "Angviller-lès-Bisping", "type": "commune-associee",
             "chefLieu": "57086"}])");
  ASSERT_EQ(run("--departement 57 --territories cpts.csv --etape aci_signe --anciennes-communes "
                "communes.json"),
            0)
      << read("stderr.txt");
  const std::string err = read("stderr.txt");
  EXPECT_NE(err.find("cpts.csv:3: code_insee: « 57023 »"), std::string::npos) << err;
  EXPECT_NE(err.find("remplacée par 57086"), std::string::npos) << err;
  EXPECT_NE(err.find("cpts.csv:4: code_insee: code INSEE « 57999 » inconnu"), std::string::npos)
      << err;
  const std::string out = read("stdout.txt");
  EXPECT_NE(out.find("1 territoire présent dans le département"), std::string::npos) << out;
  EXPECT_NE(out.find("\n  dont ACI signé                                    2 "), std::string::npos)
      << out;

  EXPECT_EQ(run("--departement 57 --territories cpts.csv --strict"), 2);
  EXPECT_NE(read("stderr.txt").find("rien n'est calculé"), std::string::npos);
}

TEST_F(CoverageCli, UnknownDepartementOrStageIsAnError) {
  EXPECT_EQ(run("--departement 00"), 2);
  EXPECT_NE(read("stderr.txt").find("département « 00 » inconnu"), std::string::npos)
      << read("stderr.txt");
  EXPECT_EQ(run("--departement 57 --etape signe"), 2);
  EXPECT_NE(read("stderr.txt").find("étape « signe » inconnue"), std::string::npos);
}

}  // namespace
