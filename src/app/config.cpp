#include "app/config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <variant>

namespace maillage::app {

namespace {

using namespace std::chrono_literals;

// Where each setting lives in Config. Kept beside the registry (same order) so that adding a
// setting is one line in each table; a static_assert checks they have the same length.
using Target = std::variant<std::string Config::*, int Config::*, std::int64_t Config::*,
                            bool Config::*, std::chrono::seconds Config::*>;

constexpr std::int64_t kDay = 24 * 3600;

constexpr std::array kSettings{
    Setting{"host", SettingType::string, "127.0.0.1", "Adresse d'écoute du serveur HTTP"},
    Setting{"port", SettingType::integer, "8080",
            "Port d'écoute (0 : port libre choisi par le système)", 0, 65535},
    Setting{
        "database", SettingType::string, "var/maillage.sqlite",
        "Base de données : chemin d'un fichier SQLite ou postgresql://utilisateur@hôte:port/base"},
    Setting{"reference", SettingType::string, "var/reference.sqlite",
            "Fichier du référentiel territorial (construit par `maillage reference build`)"},
    Setting{"config", SettingType::string, "",
            "Fichier de configuration TOML (clés = noms des réglages ; vide : aucun)"},
    Setting{
        "threads", SettingType::integer, "16",
        "Nombre de fils exécutant les requêtes HTTP (les connexions, elles, n'occupent aucun fil)",
        1, 1024},
    Setting{"max_body_bytes", SettingType::integer, "1048576",
            "Taille maximale du corps d'une requête, en octets", 1024, 1LL << 30},
    Setting{"session_lifetime", SettingType::duration, "30m",
            "Durée d'inactivité après laquelle une session expire", 60, 90 * kDay},
    Setting{"session_max_lifetime", SettingType::duration, "12h",
            "Durée maximale d'une session depuis la connexion, même active (puis reconnexion)", 60,
            90 * kDay},
    Setting{"max_failed_logins", SettingType::integer, "5",
            "Échecs de connexion tolérés par identifiant et par adresse dans la fenêtre", 1, 1000},
    Setting{"failed_login_window", SettingType::duration, "15m",
            "Fenêtre de comptage des échecs de connexion", 1, kDay},
    Setting{"secure_cookies", SettingType::boolean, "false",
            "Cookies marqués Secure (à activer derrière HTTPS ; inutile en http sur 127.0.0.1)"},
    Setting{"log_level", SettingType::choice, "info", "Niveau de journalisation", 0, 0,
            "trace|debug|info|warn|error|off"},
    Setting{"assets", SettingType::string, "",
            "Dossier contenant web/ et node_modules/ (vide : dossier courant, sinon les sources)"},
    Setting{"keep_alive_timeout", SettingType::duration, "5s",
            "Durée pendant laquelle une connexion keep-alive inactive est gardée", 1, 300},
    Setting{"keep_alive_max_count", SettingType::integer, "100",
            "Nombre maximal de requêtes par connexion keep-alive", 1, 1000000},
    Setting{
        "read_timeout", SettingType::duration, "5s",
        "Délai maximal de lecture d'une requête entière (en-têtes et corps), depuis son premier "
        "octet ; au-delà la connexion est fermée",
        1, 300},
    Setting{"write_timeout", SettingType::duration, "5s",
            "Durée sans progrès de l'écriture d'une réponse après laquelle la connexion est fermée",
            1, 300},
    Setting{"reference_max_age", SettingType::duration, "1h",
            "Durée de mise en cache (Cache-Control) des réponses de l'API du référentiel", 0,
            365 * kDay},
    Setting{
        "access_log", SettingType::boolean, "true",
        "Journal d'accès : une ligne par requête (identifiant, méthode, chemin, statut, durée)"},
    Setting{"trust_proxy", SettingType::boolean, "false",
            "Adresse du client lue dans X-Forwarded-For (uniquement derrière un proxy inverse de "
            "confiance, qui écrase cet en-tête)"},
    Setting{"max_connections", SettingType::integer, "10000",
            "Nombre maximal de connexions HTTP ouvertes ; au-delà, réponse 503 et fermeture", 1,
            1000000},
    Setting{"former_communes", SettingType::string, "",
            "Table des anciennes communes (communes.json d'etalab) pour les imports de territoire "
            "(vide : celle de node_modules sous le dossier des ressources)"},
    Setting{"smtp_url", SettingType::string, "",
            "Serveur SMTP des e-mails (convocations aux AG) : smtp://hôte:port, ou smtps:// pour "
            "TLS dès la connexion, identifiant:mot_de_passe@ si le serveur le demande (vide : pas "
            "d'e-mail, les pages proposent les lettres et la liste des adresses)"},
    Setting{"smtp_from", SettingType::string, "ne-pas-repondre@maillage.invalid",
            "Adresse d'expédition des e-mails"},
    Setting{"upload_dir", SettingType::string, "var/uploads",
            "Dossier où les gros fichiers téléversés (extraits RPPS) sont écrits au fil de "
            "l'envoi, puis attendent leur import"},
    Setting{"max_upload_bytes", SettingType::integer, "2147483648",
            "Taille maximale d'un fichier téléversé vers ce dossier (extrait RPPS), en octets", 1024,
            1LL << 40},
};

constexpr auto kTargets = std::to_array<Target>({
    &Config::host,
    &Config::port,
    &Config::database,
    &Config::reference,
    &Config::config,
    &Config::threads,
    &Config::max_body_bytes,
    &Config::session_lifetime,
    &Config::session_max_lifetime,
    &Config::max_failed_logins,
    &Config::failed_login_window,
    &Config::secure_cookies,
    &Config::log_level,
    &Config::assets,
    &Config::keep_alive_timeout,
    &Config::keep_alive_max_count,
    &Config::read_timeout,
    &Config::write_timeout,
    &Config::reference_max_age,
    &Config::access_log,
    &Config::trust_proxy,
    &Config::max_connections,
    &Config::former_communes,
    &Config::smtp_url,
    &Config::smtp_from,
    &Config::upload_dir,
    &Config::max_upload_bytes,
});
static_assert(kTargets.size() == kSettings.size(), "every setting needs its Config member");

std::size_t index_of(const Setting& s) { return static_cast<std::size_t>(&s - kSettings.data()); }

std::string lower(std::string_view v) {
  std::string out(v);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  return v;
}

tl::unexpected<Error> bad_value(const Setting& s, std::string_view value, std::string_view why) {
  return fail(ErrorCode::invalid_input,
              fmt::format("valeur « {} » invalide pour le réglage {} : {}", value, s.name, why),
              std::string(s.name));
}

Result<std::int64_t> parse_integer(const Setting& s, std::string_view raw) {
  auto v = trim(raw);
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc{} || end != v.data() + v.size()) {
    return bad_value(s, raw, "un nombre entier est attendu");
  }
  if (out < s.min || out > s.max) {
    return bad_value(s, raw, fmt::format("doit être compris entre {} et {}", s.min, s.max));
  }
  return out;
}

Result<std::int64_t> parse_duration(const Setting& s, std::string_view raw) {
  auto v = trim(raw);
  std::size_t digits = 0;
  while (digits < v.size() && std::isdigit(static_cast<unsigned char>(v[digits]))) ++digits;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + digits, n);
  std::string unit = lower(trim(v.substr(digits)));
  std::int64_t scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1;
  else if (unit == "m" || unit == "min")
    scale = 60;
  else if (unit == "h")
    scale = 3600;
  else if (unit == "d" || unit == "j")
    scale = kDay;
  if (digits == 0 || ec != std::errc{} || scale == 0 || n > (std::int64_t{1} << 40)) {
    return bad_value(s, raw,
                     "une durée est attendue (ex. 30s, 15m, 8h, 2d ; sans unité : secondes)");
  }
  std::int64_t seconds = n * scale;
  if (seconds < s.min || seconds > s.max) {
    return bad_value(s, raw, fmt::format("doit être comprise entre {} s et {} s", s.min, s.max));
  }
  return seconds;
}

Result<bool> parse_boolean(const Setting& s, std::string_view raw) {
  std::string v = lower(trim(raw));
  if (v == "true" || v == "1" || v == "yes" || v == "on" || v == "oui") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off" || v == "non") return false;
  return bad_value(s, raw, "true ou false est attendu");
}

// Parses `raw` by the setting's type and stores it in `config`.
Status apply(Config& config, const Setting& s, std::string_view raw) {
  const Target& target = kTargets[index_of(s)];
  switch (s.type) {
    case SettingType::string:
      config.*std::get<std::string Config::*>(target) = std::string(trim(raw));
      return {};
    case SettingType::choice: {
      std::string v = lower(trim(raw));
      std::string_view choices = s.choices;
      while (!choices.empty()) {
        auto bar = choices.find('|');
        if (choices.substr(0, bar) == v) {
          config.*std::get<std::string Config::*>(target) = v;
          return {};
        }
        choices = bar == std::string_view::npos ? std::string_view{} : choices.substr(bar + 1);
      }
      return bad_value(s, raw, fmt::format("valeurs possibles : {}", s.choices));
    }
    case SettingType::integer: {
      auto n = parse_integer(s, raw);
      if (!n) return tl::unexpected(n.error());
      if (std::holds_alternative<int Config::*>(target)) {
        config.*std::get<int Config::*>(target) = static_cast<int>(*n);
      } else {
        config.*std::get<std::int64_t Config::*>(target) = *n;
      }
      return {};
    }
    case SettingType::boolean: {
      auto b = parse_boolean(s, raw);
      if (!b) return tl::unexpected(b.error());
      config.*std::get<bool Config::*>(target) = *b;
      return {};
    }
    case SettingType::duration: {
      auto d = parse_duration(s, raw);
      if (!d) return tl::unexpected(d.error());
      config.*std::get<std::chrono::seconds Config::*>(target) = std::chrono::seconds(*d);
      return {};
    }
  }
  return fail(ErrorCode::internal, "type de réglage inconnu", std::string(s.name));
}

// A TOML value as the raw text the typed parsers read; nullopt for arrays and tables.
std::optional<std::string> toml_scalar(const toml::node& node) {
  if (auto v = node.as_string()) return v->get();
  if (auto v = node.as_integer()) return std::to_string(v->get());
  if (auto v = node.as_boolean()) return v->get() ? "true" : "false";
  if (auto v = node.as_floating_point()) return fmt::format("{}", v->get());
  return std::nullopt;
}

tl::unexpected<Error> toml_error(const std::string& file, std::int64_t line, std::string field,
                                 std::string message) {
  Error e{ErrorCode::invalid_input, std::move(message), std::move(field), file, line};
  return tl::unexpected(std::move(e));
}

Status apply_toml(Config& config, std::map<std::string, Origin>& origins, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return toml_error(path, 0, "config", "fichier de configuration introuvable");
  }
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return toml_error(path, static_cast<std::int64_t>(e.source().begin.line), "",
                      fmt::format("TOML invalide : {}", e.description()));
  }
  for (auto&& [key, node] : table) {
    const auto line = static_cast<std::int64_t>(key.source().begin.line);
    const Setting* s = find_setting(key.str());
    if (s == nullptr) {
      return toml_error(path, line, std::string(key.str()),
                        "réglage inconnu (voir `maillage serve --help`)");
    }
    if (s->name == "config") {
      return toml_error(path, line, "config",
                        "le fichier de configuration ne peut pas désigner un autre fichier");
    }
    auto raw = toml_scalar(node);
    if (!raw) {
      return toml_error(path, line, std::string(s->name), "une valeur simple est attendue");
    }
    if (auto st = apply(config, *s, *raw); !st) {
      Error e = st.error();
      e.file = path;
      e.line = line;
      return tl::unexpected(std::move(e));
    }
    origins[std::string(s->name)] = Origin::toml;
  }
  return {};
}

}  // namespace

std::span<const Setting> settings() { return kSettings; }

const Setting* find_setting(std::string_view name) {
  for (const auto& s : kSettings) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::string flag_name(const Setting& s) {
  std::string out = "--" + std::string(s.name);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

std::string env_name(const Setting& s) {
  std::string out = "MAILLAGE_" + std::string(s.name);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string type_hint(const Setting& s) {
  switch (s.type) {
    case SettingType::string:
      return "texte";
    case SettingType::integer:
      return fmt::format("entier {}..{}", s.min, s.max);
    case SettingType::boolean:
      return "true|false";
    case SettingType::duration:
      return "durée (ex. 30s, 15m, 8h, 2d)";
    case SettingType::choice:
      return std::string(s.choices);
  }
  return "";
}

std::string_view origin_label(Origin o) {
  switch (o) {
    case Origin::defaults:
      return "défaut";
    case Origin::toml:
      return "fichier TOML";
    case Origin::env:
      return "environnement";
    case Origin::flag:
      return "option";
  }
  return "?";
}

Config default_config() {
  Config c;
  for (const auto& s : kSettings) {
    // The defaults are constants of this file: a failure here is a programming error that the
    // config tests catch (DefaultsParse).
    (void)apply(c, s, s.default_value);
  }
  return c;
}

Result<ResolvedConfig> resolve_config(const ConfigSources& sources) {
  ResolvedConfig out;
  out.config = default_config();
  for (const auto& s : kSettings) out.origins[std::string(s.name)] = Origin::defaults;

  auto env = sources.env ? sources.env : [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };

  // Unknown flag names are a caller bug (the CLI generates flags from the registry).
  for (const auto& [name, value] : sources.flags) {
    if (find_setting(name) == nullptr) {
      return fail(ErrorCode::unknown_field, "réglage inconnu", name);
    }
  }

  // The TOML file is named by the flag, else the environment (it cannot name itself).
  const Setting& config_setting = *find_setting("config");
  std::string toml_path;
  Origin toml_origin = Origin::defaults;
  if (auto f = sources.flags.find("config"); f != sources.flags.end()) {
    toml_path = f->second;
    toml_origin = Origin::flag;
  } else if (auto e = env(env_name(config_setting))) {
    toml_path = *e;
    toml_origin = Origin::env;
  }
  if (!toml_path.empty()) {
    if (auto st = apply_toml(out.config, out.origins, toml_path); !st) {
      return tl::unexpected(st.error());
    }
    out.config.config = toml_path;
    out.origins["config"] = toml_origin;
  }

  for (const auto& s : kSettings) {
    if (s.name == "config") continue;
    if (auto e = env(env_name(s))) {
      if (auto st = apply(out.config, s, *e); !st) {
        Error err = st.error();
        err.message += fmt::format(" (variable d'environnement {})", env_name(s));
        return tl::unexpected(std::move(err));
      }
      out.origins[std::string(s.name)] = Origin::env;
    }
  }
  for (const auto& s : kSettings) {
    if (s.name == "config") continue;
    if (auto f = sources.flags.find(std::string(s.name)); f != sources.flags.end()) {
      if (auto st = apply(out.config, s, f->second); !st) {
        Error err = st.error();
        err.message += fmt::format(" (option {})", flag_name(s));
        return tl::unexpected(std::move(err));
      }
      out.origins[std::string(s.name)] = Origin::flag;
    }
  }
  return out;
}

std::string format_setting(const Config& config, const Setting& s) {
  const Target& target = kTargets[index_of(s)];
  return std::visit(
      [&](auto member) -> std::string {
        const auto& v = config.*member;
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          if (s.name == "smtp_url") {
            // Never show the SMTP password ("smtp://user:***@host:587").
            const auto scheme = v.find("://");
            const auto at = v.find('@');
            const auto colon = scheme == std::string::npos ? v.npos : v.find(':', scheme + 3);
            if (at != v.npos && colon != v.npos && colon < at) {
              return fmt::format("\"{}***{}\"", v.substr(0, colon + 1), v.substr(at));
            }
          }
          return fmt::format("\"{}\"", v);
        } else if constexpr (std::is_same_v<V, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<V, std::chrono::seconds>) {
          return fmt::format("\"{}s\"", v.count());
        } else {
          return std::to_string(v);
        }
      },
      target);
}

std::string assets_root(const Config& config) {
  namespace fs = std::filesystem;
  if (!config.assets.empty()) return config.assets;
  std::error_code ec;
  if (fs::is_directory("web/templates", ec)) return fs::current_path(ec).string();
  // A binary run from its build tree (build/<preset>/...) finds the source tree above it.
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (; !ec && !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    std::error_code missing;  // libstdc++ reports "no such file" here: not an error for us
    if (fs::is_directory(dir / "web" / "templates", missing)) return dir.string();
  }
  return fs::current_path(ec).string();
}

std::string former_communes_path(const Config& config) {
  if (!config.former_communes.empty()) return config.former_communes;
  return (std::filesystem::path(assets_root(config)) / kEtalabCommunesFile).string();
}

Config environment_config() {
  if (auto resolved = resolve_config(ConfigSources{})) return resolved->config;
  ConfigSources none;
  none.env = [](const std::string&) { return std::optional<std::string>{}; };
  auto defaults = resolve_config(none);
  return defaults ? defaults->config : Config{};
}

}  // namespace maillage::app
