// Server configuration: ONE registry of settings (name, type, default, description) from which the
// command-line flags, `--help`, the TOML file keys and the MAILLAGE_<NAME> environment overrides
// are all derived. Precedence, lowest first: defaults → TOML file → environment → flags.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace maillage::app {

/// The resolved settings. Plain data: nothing here reads the environment.
struct Config {
  std::string host;
  int port = 0;
  std::string database;
  std::string reference;
  std::string config;  // TOML file the other values were read from ("" = none)
  int threads = 0;
  std::int64_t max_body_bytes = 0;
  std::chrono::seconds session_lifetime{0};      // idle expiry
  std::chrono::seconds session_max_lifetime{0};  // absolute expiry, from the login
  int max_failed_logins = 0;
  std::chrono::seconds failed_login_window{0};
  bool secure_cookies = false;
  std::string log_level;
  std::string assets;  // folder holding web/ and node_modules/ ("" = current dir or source tree)
  std::chrono::seconds keep_alive_timeout{0};
  int keep_alive_max_count = 0;
  std::chrono::seconds read_timeout{0};
  std::chrono::seconds write_timeout{0};
  std::chrono::seconds reference_max_age{0};
  bool access_log = true;
  bool trust_proxy = false;
  int max_connections = 0;
  std::string
      former_communes;  // etalab communes.json ("" = the one under the assets' node_modules)
  std::string smtp_url;   // "smtp://host:port" or "smtps://…" for e-mails ("" = no e-mail)
  std::string smtp_from;  // sender address of those e-mails
  std::string upload_dir;  // where upload routes stream their bodies (RPPS extracts)
  std::int64_t max_upload_bytes = 0;  // size cap of those uploads
};

enum class SettingType : std::uint8_t { string, integer, boolean, duration, choice };

/// One entry of the registry.
struct Setting {
  std::string_view name;  // TOML key; flag is --name with '_' → '-'; env MAILLAGE_NAME
  SettingType type;
  std::string_view default_value;  // parsed by the same code as user input
  std::string_view description;    // French, shown by --help
  std::int64_t min = 0;            // integer and duration (seconds) bounds, inclusive
  std::int64_t max = 0;
  std::string_view choices = {};  // for SettingType::choice: values separated by '|'
};

/// Every setting, in --help order.
std::span<const Setting> settings();
/// The setting called `name`, or nullptr.
const Setting* find_setting(std::string_view name);

std::string flag_name(const Setting& s);  // "--max-body-bytes"
std::string env_name(const Setting& s);   // "MAILLAGE_MAX_BODY_BYTES"
std::string type_hint(const Setting& s);  // "entier", "durée (ex. 30s, 15m, 8h)", ...

/// Where a resolved value came from (for `maillage config show` and the precedence test).
enum class Origin : std::uint8_t { defaults, toml, env, flag };
std::string_view origin_label(Origin o);

struct ConfigSources {
  /// Raw values given on the command line, by setting name (not flag name).
  std::map<std::string, std::string> flags;
  /// Environment lookup; defaults to std::getenv. Injected by tests.
  std::function<std::optional<std::string>(const std::string&)> env;
};

struct ResolvedConfig {
  Config config;
  std::map<std::string, Origin> origins;  // by setting name
};

/// Applies defaults, then the TOML file named by the `config` setting (flag or env), then the
/// environment, then the flags. Errors name the setting (Error::field), and for the TOML file
/// also the file and line. Unknown TOML keys are errors.
Result<ResolvedConfig> resolve_config(const ConfigSources& sources);

/// The default configuration (all defaults applied, nothing else).
Config default_config();

/// Effective value of one setting in `config`, formatted as it would be written in TOML.
std::string format_setting(const Config& config, const Setting& s);

/// The folder holding web/ and node_modules/: `config.assets` when set, otherwise the current
/// directory when it has web/templates, otherwise the first folder above the executable that has
/// web/templates (the source tree of a binary run from build/<preset>/).
std::string assets_root(const Config& config);

/// The etalab former-communes table, relative to the assets folder (an npm package of the lock
/// file).
inline constexpr const char* kEtalabCommunesFile =
    "node_modules/@etalab/decoupage-administratif/data/communes.json";

/// The settings from their defaults and the MAILLAGE_* environment (no flags, no TOML file
/// unless MAILLAGE_CONFIG names one): the default paths of commands that take their own flags.
/// Falls back to the bare defaults when the environment holds a bad value (the command's own
/// resolution reports it).
Config environment_config();

/// `config.former_communes` when set, else kEtalabCommunesFile under assets_root(config).
std::string former_communes_path(const Config& config);

}  // namespace maillage::app
