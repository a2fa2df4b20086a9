// `maillage serve`, `maillage demo load` and `maillage config show`. Every setting of the registry
// (app/config.hpp) becomes a flag of these commands, with its environment variable and default in
// --help; values are resolved by resolve_config (defaults → TOML → env → flags).
#include <fmt/format.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "app/application.hpp"
#include "app/cli.hpp"
#include "app/config.hpp"
#include "app/server_app.hpp"
#include "demo/demo.hpp"
#include "services/accounts.hpp"
#include "services/operations.hpp"
#include "store/database.hpp"

namespace maillage::app {

namespace {

using Flags = std::map<std::string, std::string>;

// Adds one option per setting to `cmd`; given values land in *flags by setting name.
void add_setting_flags(CLI::App& cmd, const std::shared_ptr<Flags>& flags) {
  for (const auto& s : settings()) {
    std::string name(s.name);
    const bool boolean = s.type == SettingType::boolean;
    std::string help =
        fmt::format("{} [défaut : {}] (env {}, clé TOML {})", s.description,
                    s.default_value.empty() ? "aucun" : s.default_value, env_name(s), s.name);
    auto* opt = cmd.add_option_function<std::string>(
        flag_name(s),
        [flags, name, boolean](const std::string& v) {
          // A boolean flag given alone (`--secure-cookies`) means true.
          (*flags)[name] = boolean && v.empty() ? "true" : v;
        },
        help);
    opt->type_name(fmt::format("<{}>", type_hint(s)));
    if (boolean) opt->expected(0, 1);
    opt->group("Réglages");
  }
}

[[noreturn]] void fail_command(const std::string& command, const Error& e, int code = 1) {
  std::cerr << "maillage " << command << " : " << e.describe() << "\n";
  throw CLI::RuntimeError(code);
}

Config resolve_or_exit(const std::string& command, const Flags& flags) {
  auto resolved = resolve_config(ConfigSources{flags, {}});
  if (!resolved) fail_command(command, resolved.error(), 2);
  return resolved->config;
}

void serve(const Flags& flags) {
  // Block SIGINT/SIGTERM before any thread starts (threads inherit the mask, and the logger's
  // thread starts in configure_logging): one thread waits for them with sigwait and stops the
  // server, so no work happens in a signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Config config = resolve_or_exit("serve", flags);
  configure_logging(config);

  auto app = ServerApp::create(config);
  if (!app) fail_command("serve", app.error());
  if (!config.secure_cookies && config.host != "127.0.0.1" && config.host != "localhost" &&
      config.host != "::1") {
    spdlog::warn(
        "host={} sans secure_cookies : derrière HTTPS, activez secure_cookies pour que "
        "le cookie de session ne circule jamais en clair",
        config.host);
  }

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {} reçu : arrêt du serveur après les requêtes en cours", sig);
    (*app)->stop();
  });

  spdlog::info("Maillage écoute sur http://{}:{}/ ({} fils, base {}, référentiel {} : {} communes)",
               config.host, (*app)->port(), config.threads, config.database, config.reference,
               (*app)->referentiel().communes.size());
  std::cout << "Maillage : http://" << config.host << ":" << (*app)->port() << "/" << std::endl;
  Status st = (*app)->run();
  // If run() returned on its own, wake the waiter so that it can be joined.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  app->reset();
  spdlog::info("serveur arrêté");
  spdlog::shutdown();
  if (!st) fail_command("serve", st.error());
}

void demo_load(const Flags& flags) {
  Config config = resolve_or_exit("demo load", flags);
  if (std::string_view(config.database).find("://") == std::string_view::npos) {
    // A SQLite file in a folder that does not exist yet (var/ on a fresh clone).
    std::error_code ec;
    auto parent = std::filesystem::path(config.database).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  auto app = Application::open(config);
  if (!app) fail_command("demo load", app.error());
  store::Database& db = (*app)->database();
  const geo::Referentiel& ref = (*app)->referentiel();
  auto version = (*app)->services().operations.schema_version();
  if (!version) fail_command("demo load", version.error());
  std::cout << "Base de données prête : " << config.database << " (schéma v" << *version << ")\n";
  std::cout << "Référentiel : " << config.reference << " — " << ref.communes.size() << " communes, "
            << ref.epcis.size() << " EPCI, " << ref.departements.size() << " départements\n";

  auto accounts = demo::load_demo_accounts(db, account_settings(config));
  if (!accounts) fail_command("demo load", accounts.error());
  services::Accounts& service = (*app)->services().accounts;
  using Loader = Result<demo::DemoLines> (*)(store::Database&, const geo::Referentiel&);
  for (Loader load :
       {&demo::load_registry_demo, &demo::load_rpps_demo, &demo::load_aci_demo,
        &demo::load_roster_demo, &demo::load_sectors_demo, &demo::load_association_demo,
        &demo::load_association_work_demo, &demo::load_association_ag_demo,
        &demo::load_animation_demo, &demo::load_enquetes_demo,
        &demo::load_crise_demo}) {
    auto lines = load(db, ref);
    if (!lines) fail_command("demo load", lines.error());
    for (const auto& line : *lines) std::cout << line << "\n";
  }
  std::cout << "\nComptes de démonstration (données fictives) :\n";
  for (const auto& [login, password] : *accounts) {
    std::string role;
    if (auto u = service.find_user(login)) role = services::role_label(u->principal.role);
    std::cout << fmt::format("  {:<45} {:<28} mot de passe : {}\n", login, role, password);
  }
  std::cout << "\nDémarrez le serveur avec `maillage serve` (ou `make run`), ouvrez http://"
            << config.host << ":" << config.port
            << "/ et connectez-vous avec l'un de ces comptes.\n";
}

void config_show(const Flags& flags) {
  auto resolved = resolve_config(ConfigSources{flags, {}});
  if (!resolved) fail_command("config show", resolved.error(), 2);
  std::cout << "# Configuration effective de Maillage (TOML). Origine de chaque valeur en "
               "commentaire.\n";
  for (const auto& s : settings()) {
    if (s.name == "config") continue;
    std::cout << fmt::format("{} = {}  # {}\n", s.name, format_setting(resolved->config, s),
                             origin_label(resolved->origins.at(std::string(s.name))));
  }
}

}  // namespace

void add_server_commands(CLI::App& root) {
  auto serve_flags = std::make_shared<Flags>();
  auto* serve_cmd = root.add_subcommand(
      "serve",
      "Démarre le serveur web (réglages : défauts → fichier TOML → variables MAILLAGE_* → "
      "options). SIGTERM ou Ctrl-C : arrêt après les requêtes en cours.");
  add_setting_flags(*serve_cmd, serve_flags);
  serve_cmd->callback([serve_flags] { serve(*serve_flags); });

  auto* demo = root.add_subcommand("demo", "Données de démonstration");
  demo->require_subcommand(1);
  auto demo_flags = std::make_shared<Flags>();
  auto* load = demo->add_subcommand(
      "load",
      "Crée ou met à jour la base, vérifie le référentiel, charge les comptes de démonstration "
      "et affiche comment se connecter (idempotent)");
  add_setting_flags(*load, demo_flags);
  load->callback([demo_flags] { demo_load(*demo_flags); });

  auto* config = root.add_subcommand("config", "Configuration");
  config->require_subcommand(1);
  auto show_flags = std::make_shared<Flags>();
  auto* show = config->add_subcommand(
      "show", "Affiche la configuration effective (TOML) et l'origine de chaque valeur");
  add_setting_flags(*show, show_flags);
  show->callback([show_flags] { config_show(*show_flags); });
}

}  // namespace maillage::app
