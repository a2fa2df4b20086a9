// Runs the real `maillage demo rpps`, `maillage import rpps` and `maillage rpps snapshots` on the
// real référentiel (MAILLAGE_REFERENCE; skipped without it, except under CI=true) and a scratch
// SQLite database. The binary is built by the main target; without it the test skips.
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

class RppsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin_dir = std::getenv("MAILLAGE_BINARY_DIR");
    const fs::path build =
        bin_dir ? fs::path(bin_dir)
                : fs::read_symlink("/proc/self/exe").parent_path().parent_path().parent_path();
    bin_ = build / "tools" / "maillage" / "maillage";
    const char* ci = std::getenv("CI");
    const bool in_ci = ci != nullptr && std::string(ci) == "true";
    if (!fs::exists(bin_)) {
      if (in_ci) FAIL() << "binaire absent : " << bin_;
      GTEST_SKIP() << "binaire absent : " << bin_;
    }
    const char* ref = std::getenv("MAILLAGE_REFERENCE");
    if (ref == nullptr || !fs::exists(ref)) {
      if (in_ci) FAIL() << "CI=true et MAILLAGE_REFERENCE absent";
      GTEST_SKIP() << "MAILLAGE_REFERENCE non défini : test du CLI RPPS sauté";
    }
    reference_ = ref;
    dir_ = fs::temp_directory_path() /
           ("maillage-rpps-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Runs maillage with the arguments; returns the exit code, stdout+stderr in *output.
  int run(const std::string& args, std::string* output) {
    const fs::path out = dir_ / "output.txt";
    const std::string cmd = bin_.string() + " " + args + " > " + out.string() + " 2>&1";
    const int status = std::system(cmd.c_str());
    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    *output = text.str();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path bin_, dir_;
  std::string reference_;
};

TEST_F(RppsCli, GenerateImportAndList) {
  const fs::path file = dir_ / "PS_LibreAcces_Personne_activite_202511200000_FICTIF.txt";
  const std::string db = (dir_ / "db.sqlite").string();
  std::string out;
  ASSERT_EQ(run("demo rpps --departement 57 --seed 3 --bad-lines 4 --out " + file.string() +
                    " --reference " + reference_,
                &out),
            0)
      << out;
  EXPECT_NE(out.find("FICTIF"), std::string::npos) << out;
  ASSERT_TRUE(fs::exists(file));

  ASSERT_EQ(run("import rpps " + file.string() + " --database " + db + " --reference " + reference_,
                &out),
            0)
      << out;
  EXPECT_NE(out.find("Instantané RPPS n° 1"), std::string::npos) << out;
  EXPECT_NE(out.find("(extraction du 2025-11-20)"), std::string::npos) << out;
  EXPECT_NE(out.find("lignes en erreur       : 4"), std::string::npos) << out;
  // Each bad line is named by file and line number.
  EXPECT_NE(out.find("_FICTIF.txt:"), std::string::npos) << out;
  EXPECT_NE(out.find("commune inconnue du référentiel"), std::string::npos) << out;
  EXPECT_NE(out.find("lecture : 100 %"), std::string::npos) << out;  // progress on stderr

  ASSERT_EQ(run("rpps snapshots --database " + db, &out), 0) << out;
  EXPECT_NE(out.find("2025-11-20"), std::string::npos) << out;
  EXPECT_NE(out.find("(fictif)"), std::string::npos) << out;
}

TEST_F(RppsCli, NothingValidAndMissingFileFail) {
  const std::string db = (dir_ / "db.sqlite").string();
  const fs::path bad = dir_ / "bad.txt";
  {
    std::ofstream f(bad);
    f << "Type d'identifiant PP|Identifiant PP|\n";
  }
  std::string out;
  EXPECT_EQ(
      run("import rpps " + bad.string() + " --database " + db + " --reference " + reference_, &out),
      2)
      << out;
  EXPECT_NE(out.find("bad.txt:1:"), std::string::npos) << out;
  EXPECT_EQ(run("import rpps " + (dir_ / "absent.txt").string() + " --database " + db +
                    " --reference " + reference_,
                &out),
            3)
      << out;
  EXPECT_NE(out.find("absent.txt"), std::string::npos) << out;
}

}  // namespace
