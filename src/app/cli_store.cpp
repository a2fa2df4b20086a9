// `maillage migrate`, `backup FILE`, `restore FILE` and `user add|reset-password|list`. The
// database is the `database` setting (app/config.hpp): --database, else env MAILLAGE_DATABASE
// (or the TOML file named by MAILLAGE_CONFIG), else var/maillage.sqlite.
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "app/config.hpp"
#include "services/accounts.hpp"
#include "store/database.hpp"

namespace maillage::app {

namespace {

[[noreturn]] void fail_command(const std::string& command, const Error& e, int code = 1) {
  std::cerr << "maillage " << command << " : " << e.describe() << "\n";
  throw CLI::RuntimeError(code);
}

// The URL as it may be printed: without the password of a PostgreSQL URL.
std::string redacted(const std::string& url) {
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

struct DatabaseOption {
  std::string url;  // empty: resolved from the environment and the defaults
};

void add_database_option(CLI::App& cmd, const std::shared_ptr<DatabaseOption>& opt) {
  cmd.add_option("--database", opt->url,
                 "Base de données : fichier SQLite (sqlite:CHEMIN ou CHEMIN) ou "
                 "postgresql://... [défaut : env MAILLAGE_DATABASE, sinon var/maillage.sqlite]")
      ->type_name("<URL>");
}

std::string resolve_url(const std::string& command, const DatabaseOption& opt) {
  ConfigSources sources;
  if (!opt.url.empty()) sources.flags["database"] = opt.url;
  auto resolved = resolve_config(sources);
  if (!resolved) fail_command(command, resolved.error(), 2);
  return resolved->config.database;
}

std::unique_ptr<store::Database> open(const std::string& command, const std::string& url,
                                      bool migrate) {
  auto db = store::Database::open(url);
  if (!db) fail_command(command, db.error());
  if (migrate) {
    auto v = (*db)->migrate();
    if (!v) fail_command(command, v.error());
  }
  return std::move(*db);
}

// From --password, else typed twice at the terminal without echo, else one line of stdin
// (for scripts: `echo "$PW" | maillage user add ...`).
std::string read_password(const std::string& command, const std::string& given) {
  if (!given.empty()) return given;
  if (!isatty(STDIN_FILENO)) {
    std::string line;
    if (!std::getline(std::cin, line) || line.empty()) {
      fail_command(command, Error{ErrorCode::missing_field,
                                  "Mot de passe attendu sur l'entrée standard ou avec --password.",
                                  "password", {}, 0});
    }
    return line;
  }
  auto prompt = [](const char* text) {
    std::cerr << text << std::flush;
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::string line;
    std::getline(std::cin, line);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
    return line;
  };
  std::string first = prompt("Mot de passe (10 caractères au moins) : ");
  std::string second = prompt("Confirmez le mot de passe : ");
  if (first != second) {
    fail_command(command, Error{ErrorCode::invalid_input,
                                "Les deux mots de passe diffèrent.", "password", {}, 0});
  }
  return first;
}

std::string join(const auto& items) {
  std::string out;
  for (const auto& x : items) {
    if (!out.empty()) out += ",";
    if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string>) {
      out += x;
    } else {
      out += std::to_string(x);
    }
  }
  return out;
}

std::string role_ids() {
  std::string out;
  for (auto r : services::all_roles()) {
    if (!out.empty()) out += ", ";
    out += services::role_id(r);
  }
  return out;
}

}  // namespace

void add_store_commands(CLI::App& root) {
  // maillage migrate
  {
    auto opt = std::make_shared<DatabaseOption>();
    auto* cmd = root.add_subcommand(
        "migrate", "Crée ou met à jour le schéma de la base (migrations numérotées).");
    add_database_option(*cmd, opt);
    cmd->callback([opt] {
      std::string url = resolve_url("migrate", *opt);
      auto db = open("migrate", url, false);
      auto before = db->schema_version();
      if (!before) fail_command("migrate", before.error());
      auto after = db->migrate();
      if (!after) fail_command("migrate", after.error());
      std::cout << "Base " << redacted(url) << " : schéma v" << *after << " ("
                << (*after - *before) << " migration(s) appliquée(s))\n";
    });
  }

  // maillage backup FILE
  {
    auto opt = std::make_shared<DatabaseOption>();
    auto file = std::make_shared<std::string>();
    auto* cmd = root.add_subcommand(
        "backup", "Sauvegarde la base à chaud dans FICHIER (SQLite : API de sauvegarde ; "
                  "PostgreSQL : pg_dump).");
    cmd->add_option("FICHIER", *file, "Fichier de sauvegarde à écrire")->required();
    add_database_option(*cmd, opt);
    cmd->callback([opt, file] {
      std::string url = resolve_url("backup", *opt);
      auto db = open("backup", url, false);
      if (auto st = db->backup(*file); !st) fail_command("backup", st.error());
      std::cout << "Sauvegarde de " << redacted(url) << " écrite dans " << *file << "\n";
    });
  }

  // maillage restore FILE
  {
    auto opt = std::make_shared<DatabaseOption>();
    auto file = std::make_shared<std::string>();
    auto yes = std::make_shared<bool>(false);
    auto* cmd = root.add_subcommand(
        "restore", "Remplace tout le contenu de la base par celui de la sauvegarde FICHIER.");
    cmd->add_option("FICHIER", *file, "Sauvegarde écrite par `maillage backup`")->required();
    cmd->add_flag("--yes,-y", *yes, "Ne pas demander de confirmation");
    add_database_option(*cmd, opt);
    cmd->callback([opt, file, yes] {
      std::string url = resolve_url("restore", *opt);
      if (!*yes) {
        if (!isatty(STDIN_FILENO)) {
          fail_command("restore",
                       Error{ErrorCode::invalid_input,
                             "La restauration remplace toutes les données : confirmez avec --yes.",
                             "yes", {}, 0});
        }
        std::cerr << "Remplacer tout le contenu de " << redacted(url) << " par " << *file
                  << " ? [o/N] " << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "o" && answer != "O" && answer != "oui") {
          std::cerr << "Restauration abandonnée.\n";
          throw CLI::RuntimeError(1);
        }
      }
      auto db = open("restore", url, false);
      if (auto st = db->restore(*file); !st) fail_command("restore", st.error());
      auto v = db->schema_version();
      std::cout << "Base " << redacted(url) << " restaurée depuis " << *file;
      if (v) std::cout << " (schéma v" << *v << ")";
      std::cout << "\n";
    });
  }

  // maillage user add|reset-password|list
  auto* user = root.add_subcommand("user", "Comptes utilisateurs.");
  user->require_subcommand(1);
  {
    struct AddArgs {
      DatabaseOption db;
      std::string login, name, role, password;
      std::vector<std::string> departements, regions;
      std::vector<std::int64_t> structures;
    };
    auto args = std::make_shared<AddArgs>();
    auto* cmd = user->add_subcommand("add", "Crée un compte.");
    cmd->add_option("--login", args->login, "Identifiant (adresse électronique)")->required();
    cmd->add_option("--name", args->name, "Nom affiché")->required();
    cmd->add_option("--role", args->role, "Rôle : " + role_ids())->required();
    cmd->add_option("--departement", args->departements,
                    "Département couvert (ROC), répétable : --departement 57 --departement 54");
    cmd->add_option("--region", args->regions, "Région couverte (ARS, chargé de mission)");
    cmd->add_option("--structure", args->structures,
                    "Identifiant de structure (coordinateur, membre), répétable");
    cmd->add_option("--password", args->password,
                    "Mot de passe (sinon demandé, ou lu sur l'entrée standard)");
    add_database_option(*cmd, std::shared_ptr<DatabaseOption>(args, &args->db));
    cmd->callback([args] {
      auto role = services::role_from_id(args->role);
      if (!role) {
        fail_command("user add", Error{ErrorCode::invalid_input,
                                       "Rôle inconnu « " + args->role + " » (rôles : " +
                                           role_ids() + ")",
                                       "role", {}, 0});
      }
      std::string url = resolve_url("user add", args->db);
      auto db = open("user add", url, true);
      services::Accounts accounts(*db, services::AccountSettings{});
      services::NewUser u{args->login, args->name, read_password("user add", args->password),
                          *role, args->departements, args->regions, args->structures};
      auto id = accounts.create_user(u, "system");
      if (!id) fail_command("user add", id.error());
      std::cout << "Compte " << args->login << " créé (n° " << *id << ", "
                << services::role_label(*role) << ")\n";
    });
  }
  {
    struct ResetArgs {
      DatabaseOption db;
      std::string login, password;
    };
    auto args = std::make_shared<ResetArgs>();
    auto* cmd = user->add_subcommand(
        "reset-password", "Change le mot de passe d'un compte, ferme ses sessions et le débloque.");
    cmd->add_option("LOGIN", args->login, "Identifiant du compte")->required();
    cmd->add_option("--password", args->password,
                    "Nouveau mot de passe (sinon demandé, ou lu sur l'entrée standard)");
    add_database_option(*cmd, std::shared_ptr<DatabaseOption>(args, &args->db));
    cmd->callback([args] {
      std::string url = resolve_url("user reset-password", args->db);
      auto db = open("user reset-password", url, true);
      services::Accounts accounts(*db, services::AccountSettings{});
      auto st = accounts.reset_password(
          args->login, read_password("user reset-password", args->password), "system");
      if (!st) fail_command("user reset-password", st.error());
      std::cout << "Mot de passe de " << args->login << " changé ; ses sessions sont fermées.\n";
    });
  }
  {
    auto opt = std::make_shared<DatabaseOption>();
    auto* cmd = user->add_subcommand("list", "Liste les comptes.");
    add_database_option(*cmd, opt);
    cmd->callback([opt] {
      std::string url = resolve_url("user list", *opt);
      auto db = open("user list", url, true);
      services::Accounts accounts(*db, services::AccountSettings{});
      auto users = accounts.list_user_records();
      if (!users) fail_command("user list", users.error());
      for (const auto& u : *users) {
        const auto& p = u.principal;
        std::cout << p.user_id << "\t" << p.login << "\t" << p.display_name << "\t"
                  << services::role_id(p.role);
        if (!p.departements.empty()) std::cout << "\tdépartements=" << join(p.departements);
        if (!p.regions.empty()) std::cout << "\trégions=" << join(p.regions);
        if (!p.structures.empty()) std::cout << "\tstructures=" << join(p.structures);
        if (!u.active) std::cout << "\tdésactivé";
        std::cout << "\n";
      }
      std::cout << users->size() << " compte(s)\n";
    });
  }
}

}  // namespace maillage::app
