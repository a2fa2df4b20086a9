#include "app/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "app/cli.hpp"

namespace maillage::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A TOML file unique to this test process (ctest runs tests in parallel).
class TempToml {
 public:
  explicit TempToml(const std::string& text) {
    path_ = (fs::temp_directory_path() /
             ("maillage-config-" + std::to_string(getpid()) + "-" + std::to_string(counter_++) +
              ".toml"))
                .string();
    std::ofstream(path_) << text;
  }
  ~TempToml() { fs::remove(path_); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

ConfigSources sources(std::map<std::string, std::string> flags,
                      std::map<std::string, std::string> env = {}) {
  ConfigSources s;
  s.flags = std::move(flags);
  s.env = [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return s;
}

TEST(Config, DefaultsParseAndAreDocumented) {
  auto r = resolve_config(sources({}));
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  const Config& c = r->config;
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.database, "var/maillage.sqlite");
  EXPECT_EQ(c.reference, "var/reference.sqlite");
  EXPECT_EQ(c.session_lifetime, 30min);
  EXPECT_EQ(c.session_max_lifetime, 12h);
  EXPECT_EQ(c.failed_login_window, 15min);
  EXPECT_EQ(c.max_failed_logins, 5);
  EXPECT_FALSE(c.secure_cookies);
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.max_body_bytes, 1 << 20);
  for (const auto& s : settings()) {
    EXPECT_EQ(r->origins.at(std::string(s.name)), Origin::defaults);
    EXPECT_FALSE(s.description.empty()) << s.name;
    // Every default goes through the same parser as user input.
    auto again = resolve_config(sources({{std::string(s.name), std::string(s.default_value)}}));
    if (s.name != "config") {
      EXPECT_TRUE(again.has_value()) << s.name;
    }
  }
}

TEST(Config, RequiredSettingsExist) {
  for (const char* name : {"host", "port", "database", "reference", "config", "threads",
                           "max_body_bytes", "session_lifetime", "session_max_lifetime", "max_failed_logins",
                           "failed_login_window", "secure_cookies", "log_level", "assets"}) {
    EXPECT_NE(find_setting(name), nullptr) << name;
  }
  const Setting& s = *find_setting("max_body_bytes");
  EXPECT_EQ(flag_name(s), "--max-body-bytes");
  EXPECT_EQ(env_name(s), "MAILLAGE_MAX_BODY_BYTES");
}

TEST(Config, PrecedenceDefaultsTomlEnvFlags) {
  TempToml toml(
      "port = 9001\n"
      "threads = 4\n"
      "log_level = \"debug\"\n"
      "session_lifetime = \"2h\"\n");
  auto r = resolve_config(sources({{"config", toml.path()}, {"port", "9003"}},
                                  {{"MAILLAGE_PORT", "9002"},
                                   {"MAILLAGE_THREADS", "6"},
                                   {"MAILLAGE_SECURE_COOKIES", "oui"}}));
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  const Config& c = r->config;
  EXPECT_EQ(c.port, 9003);                // flag beats env and TOML
  EXPECT_EQ(c.threads, 6);                // env beats TOML
  EXPECT_EQ(c.log_level, "debug");        // TOML beats the default
  EXPECT_EQ(c.session_lifetime, 2h);      // TOML
  EXPECT_TRUE(c.secure_cookies);          // env
  EXPECT_EQ(c.host, "127.0.0.1");         // default
  EXPECT_EQ(c.config, toml.path());
  EXPECT_EQ(r->origins.at("port"), Origin::flag);
  EXPECT_EQ(r->origins.at("threads"), Origin::env);
  EXPECT_EQ(r->origins.at("log_level"), Origin::toml);
  EXPECT_EQ(r->origins.at("host"), Origin::defaults);
}

TEST(Config, TomlFileMayBeNamedByTheEnvironment) {
  TempToml toml("host = \"0.0.0.0\"\n");
  auto r = resolve_config(sources({}, {{"MAILLAGE_CONFIG", toml.path()}}));
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  EXPECT_EQ(r->config.host, "0.0.0.0");
  EXPECT_EQ(r->origins.at("config"), Origin::env);
}

TEST(Config, InvalidFlagNamesTheSetting) {
  auto r = resolve_config(sources({{"port", "huit"}}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "port");
  EXPECT_NE(r.error().message.find("--port"), std::string::npos);
  auto range = resolve_config(sources({{"port", "70000"}}));
  ASSERT_FALSE(range.has_value());
  EXPECT_EQ(range.error().field, "port");
}

TEST(Config, InvalidEnvNamesTheSettingAndTheVariable) {
  auto r = resolve_config(sources({}, {{"MAILLAGE_THREADS", "0"}}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "threads");
  EXPECT_NE(r.error().message.find("MAILLAGE_THREADS"), std::string::npos);
  auto level = resolve_config(sources({}, {{"MAILLAGE_LOG_LEVEL", "bavard"}}));
  ASSERT_FALSE(level.has_value());
  EXPECT_EQ(level.error().field, "log_level");
}

TEST(Config, InvalidTomlValueNamesFileLineAndSetting) {
  TempToml toml("host = \"::1\"\n\nport = \"abc\"\n");
  auto r = resolve_config(sources({{"config", toml.path()}}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "port");
  EXPECT_EQ(r.error().file, toml.path());
  EXPECT_EQ(r.error().line, 3);
}

TEST(Config, UnknownTomlKeyIsAnError) {
  TempToml toml("port = 8081\nprot = 8082\n");
  auto r = resolve_config(sources({{"config", toml.path()}}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "prot");
  EXPECT_EQ(r.error().line, 2);
}

TEST(Config, TomlSyntaxErrorNamesTheLine) {
  TempToml toml("port = 8081\nhost = \n");
  auto r = resolve_config(sources({{"config", toml.path()}}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().file, toml.path());
  EXPECT_EQ(r.error().line, 2);
}

TEST(Config, MissingTomlFileIsAnError) {
  auto r = resolve_config(sources({{"config", "/nonexistent/maillage.toml"}}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "config");
}

TEST(Config, Durations) {
  auto seconds = [](const std::string& v) -> std::optional<std::chrono::seconds> {
    auto r = resolve_config(sources({{"session_lifetime", v}}));
    if (!r) return std::nullopt;
    return r->config.session_lifetime;
  };
  EXPECT_EQ(seconds("90"), 90s);
  EXPECT_EQ(seconds("15m"), 15min);
  EXPECT_EQ(seconds("8h"), 8h);
  EXPECT_EQ(seconds("2d"), 48h);
  EXPECT_EQ(seconds(" 3 h "), 3h);
  EXPECT_EQ(seconds("1.5h"), std::nullopt);
  EXPECT_EQ(seconds("h"), std::nullopt);
  EXPECT_EQ(seconds("10"), std::nullopt);      // below the 60 s minimum
  EXPECT_EQ(seconds("99999999999999999999d"), std::nullopt);
}

TEST(Config, FormatSettingRoundTrips) {
  Config c = default_config();
  EXPECT_EQ(format_setting(c, *find_setting("port")), "8080");
  EXPECT_EQ(format_setting(c, *find_setting("host")), "\"127.0.0.1\"");
  EXPECT_EQ(format_setting(c, *find_setting("session_lifetime")), "\"1800s\"");
  EXPECT_EQ(format_setting(c, *find_setting("session_max_lifetime")), "\"43200s\"");
  EXPECT_EQ(format_setting(c, *find_setting("secure_cookies")), "false");
}

TEST(Cli, HelpListsEverySetting) {
  CLI::App root{"maillage"};
  add_server_commands(root);
  for (const char* cmd : {"serve"}) {
    std::string help = root.get_subcommand(cmd)->help();
    for (const auto& s : settings()) {
      EXPECT_NE(help.find(flag_name(s)), std::string::npos) << cmd << " " << s.name;
      EXPECT_NE(help.find(env_name(s)), std::string::npos) << cmd << " " << s.name;
    }
  }
}

TEST(Cli, FlagsReachTheConfiguration) {
  CLI::App root{"maillage"};
  add_server_commands(root);
  ::testing::internal::CaptureStdout();
  root.parse("config show --port 9100 --secure-cookies --max-body-bytes=4096", false);
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("port = 9100  # option"), std::string::npos) << out;
  EXPECT_NE(out.find("secure_cookies = true  # option"), std::string::npos) << out;
  EXPECT_NE(out.find("max_body_bytes = 4096  # option"), std::string::npos) << out;
  EXPECT_NE(out.find("host = \"127.0.0.1\"  # défaut"), std::string::npos) << out;
}

}  // namespace
}  // namespace maillage::app
