// The store commands of the `maillage` binary (migrate, user add/list/reset-password, backup,
// restore), run as a user would, on both backends.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::store {
namespace {

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs the binary through the shell with `input` on stdin; MAILLAGE_DATABASE names the database
// (the commands' documented fallback when --database is absent).
Run maillage(const std::string& database, const std::string& args, const std::string& input = "") {
  std::string cmd = "printf '%s' '" + input + "' | env MAILLAGE_DATABASE='" + database + "' '" +
                    MAILLAGE_BIN + "' " + args + " 2>&1";
  Run run;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return run;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) run.output.append(buf.data(), n);
  int status = pclose(p);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class StoreCliTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
  }
  std::unique_ptr<testing::ScratchDatabase> scratch_;
};

TEST_P(StoreCliTest, MigrateUsersBackupAndRestore) {
  const std::string url = scratch_->url();
  auto migrate = maillage(url, "migrate");
  ASSERT_EQ(migrate.exit_code, 0) << migrate.output;
  EXPECT_NE(migrate.output.find("schéma v" + std::to_string(latest_schema_version(GetParam()))),
            std::string::npos)
      << migrate.output;
  auto again = maillage(url, "migrate");
  EXPECT_NE(again.output.find("0 migration(s)"), std::string::npos) << again.output;

  auto add = maillage(url,
                      "user add --login roc@cpam57.fr --name 'Référente ROC' --role roc "
                      "--departement 57 --departement 54 --password 'mot de passe solide'");
  ASSERT_EQ(add.exit_code, 0) << add.output;
  // Password from stdin, as a script would give it.
  auto add2 = maillage(url, "user add --login ars@ars.sante.fr --name ARS --role ars --region 44",
                       "un autre mot de passe\n");
  ASSERT_EQ(add2.exit_code, 0) << add2.output;

  auto bad_role = maillage(url, "user add --login x@y.fr --name X --role chef --password xxxxxxxxxxxx");
  EXPECT_NE(bad_role.exit_code, 0);
  EXPECT_NE(bad_role.output.find("Rôle inconnu"), std::string::npos) << bad_role.output;
  auto no_scope = maillage(url, "user add --login x@y.fr --name X --role roc --password xxxxxxxxxxxx");
  EXPECT_NE(no_scope.exit_code, 0);
  EXPECT_NE(no_scope.output.find("departements"), std::string::npos) << no_scope.output;
  auto dup = maillage(url, "user add --login ROC@cpam57.fr --name X --role admin --password xxxxxxxxxxxx");
  EXPECT_NE(dup.exit_code, 0);
  EXPECT_NE(dup.output.find("déjà utilisé"), std::string::npos) << dup.output;

  auto list = maillage(url, "user list");
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("roc@cpam57.fr\tRéférente ROC\troc\tdépartements=54,57"),
            std::string::npos)
      << list.output;
  EXPECT_NE(list.output.find("2 compte(s)"), std::string::npos) << list.output;

  std::string file = scratch_->temp_path("cli.bak");
  auto backup = maillage(url, "backup '" + file + "'");
  ASSERT_EQ(backup.exit_code, 0) << backup.output;

  auto reset = maillage(url, "user reset-password roc@cpam57.fr --password 'nouveau mot de passe'");
  ASSERT_EQ(reset.exit_code, 0) << reset.output;
  auto add3 = maillage(url, "user add --login tard@x.fr --name Tard --role admin --password xxxxxxxxxxxx");
  ASSERT_EQ(add3.exit_code, 0) << add3.output;

  // Restoring needs a confirmation; without a terminal, --yes.
  auto refused = maillage(url, "restore '" + file + "'");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("--yes"), std::string::npos) << refused.output;
  auto restore = maillage(url, "restore --yes '" + file + "'");
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  list = maillage(url, "user list");
  EXPECT_NE(list.output.find("2 compte(s)"), std::string::npos) << list.output;
  EXPECT_EQ(list.output.find("tard@x.fr"), std::string::npos) << list.output;

  auto missing = maillage(url, "restore --yes '" + scratch_->temp_path("absent.bak") + "'");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("introuvable"), std::string::npos) << missing.output;

  // The audit log kept the CLI's writes (before the restore: the creations).
  auto db = testing::open_database(*scratch_);
  auto rows = db->query("SELECT count(*) FROM audit_log WHERE user_login = 'system' AND "
                        "action = 'user.create'");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->rows[0].integer(0), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreCliTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::store
