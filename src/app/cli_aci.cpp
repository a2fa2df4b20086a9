// `maillage aci schedule|deadlines|rules`: the ACI engine on contract files. The CLI owns the file
// I/O (contract file, optional rules directory); the engine (src/aci) only sees text and structs.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "aci/contract.hpp"
#include "aci/deadlines.hpp"
#include "aci/rules.hpp"
#include "aci/schedule.hpp"
#include "app/application.hpp"
#include "app/cli.hpp"
#include "app/config.hpp"
#include "common/csv.hpp"
#include "common/dates.hpp"
#include "services/aci.hpp"

namespace maillage::app {

namespace {

[[noreturn]] void fail_with(const std::string& message) {
  std::cerr << "maillage aci : " << message << "\n";
  throw CLI::RuntimeError(2);
}

std::string read_file_or_throw(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_with("impossible de lire « " + path + " »");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The rules shipped in the binary, or every *.toml of `dir` when given (to try new values
// without rebuilding).
aci::RuleBook load_rules(const std::string& dir) {
  std::vector<aci::RulesFile> files;
  if (dir.empty()) {
    files.assign(aci::builtin_rule_files().begin(), aci::builtin_rule_files().end());
  } else {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".toml") {
        files.push_back({entry.path().string(), read_file_or_throw(entry.path().string())});
      }
    }
    if (ec) fail_with("impossible de lire le dossier de règles « " + dir + " » : " + ec.message());
    if (files.empty()) fail_with("aucun fichier .toml dans « " + dir + " »");
    std::sort(files.begin(), files.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
  }
  auto book = aci::load_rulebook(files);
  if (!book) fail_with(book.error().describe());
  return std::move(*book);
}

aci::Contract load_contract(const std::string& path, const aci::RuleBook& rules) {
  auto c = aci::parse_contract(read_file_or_throw(path), path, rules);
  if (!c) fail_with(c.error().describe());
  return std::move(*c);
}

void print_notes(const std::vector<std::string>& notes) {
  for (const auto& n : notes) std::cerr << "note : " << n << "\n";
}

}  // namespace

void add_aci_commands(CLI::App& root) {
  auto* aci_cmd =
      root.add_subcommand("aci", "Contrats ACI : échéancier, échéances des missions, règles");
  aci_cmd->require_subcommand(1);

  struct Args {
    std::string contract;
    std::string rules;
    bool details = false;
    double unmeasured = 0;
    std::string as_of;
    std::string accord;
  };
  auto args = std::make_shared<Args>();

  auto* schedule = aci_cmd->add_subcommand(
      "schedule",
      "Échéancier des versements d'un contrat (CSV : date,contract_year,envelope,kind,amount)");
  schedule->add_option("contract", args->contract, "Fichier du contrat (JSON)")->required();
  schedule->add_option("--rules", args->rules, "Dossier de règles (défaut : règles intégrées)");
  schedule->add_flag("--details", args->details,
                     "Ajoute les colonnes verified (valeurs vérifiées) et basis (calcul)");
  schedule
      ->add_option("--unmeasured-rate", args->unmeasured,
                   "Taux d'atteinte (en %) supposé pour les indicateurs non mesurés")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  schedule->callback([args] {
    aci::RuleBook rules = load_rules(args->rules);
    aci::Contract contract = load_contract(args->contract, rules);
    aci::ScheduleOptions options;
    options.unmeasured_rate = aci::percent_to_ppm(args->unmeasured);
    auto s = aci::compute_schedule(contract, rules, options);
    if (!s) fail_with(s.error().describe());
    std::cout << aci::schedule_csv(*s, args->details);
    print_notes(s->notes);
  });

  auto* deadlines = aci_cmd->add_subcommand(
      "deadlines", "Échéances de démarrage et de déploiement des missions, retards (CSV)");
  deadlines->add_option("contract", args->contract, "Fichier du contrat (JSON)")->required();
  deadlines->add_option("--rules", args->rules, "Dossier de règles (défaut : règles intégrées)");
  deadlines->add_option("--as-of", args->as_of,
                        "Date d'observation AAAA-MM-JJ (défaut : aujourd'hui)");
  deadlines->callback([args] {
    aci::RuleBook rules = load_rules(args->rules);
    aci::Contract contract = load_contract(args->contract, rules);
    const auto* cpts = std::get_if<aci::CptsContract>(&contract);
    if (!cpts) fail_with("les échéances de missions ne concernent que les contrats CPTS");
    aci::Date as_of = today_utc();
    if (!args->as_of.empty()) {
      auto d = aci::parse_date(args->as_of);
      if (!d) fail_with("--as-of : date invalide « " + args->as_of + " » (AAAA-MM-JJ)");
      as_of = *d;
    }
    auto d = aci::check_deadlines(*cpts, rules, as_of);
    if (!d) fail_with(d.error().describe());
    std::cout << aci::deadlines_csv(*d);
  });

  // Records a signed contract file in the database (as an admin would through the API), e.g.
  // the JSON a ROC prepared: validated by the engine, audited under the login "cli".
  struct ImportArgs {
    std::string contract;
    std::int64_t structure = 0;
    std::string communes;
    std::map<std::string, std::string> flags;
  };
  auto imp = std::make_shared<ImportArgs>();
  auto* import_cmd = aci_cmd->add_subcommand(
      "import", "Enregistre un contrat signé (fichier JSON) pour une structure de la base");
  import_cmd->add_option("contract", imp->contract, "Fichier du contrat (JSON)")->required();
  import_cmd->add_option("--structure", imp->structure, "Identifiant de la structure signataire")
      ->required();
  import_cmd->add_option(
      "--communes", imp->communes,
      "Communes du territoire contractuel (codes INSEE séparés par des virgules)");
  import_cmd->add_option_function<std::string>(
      "--database", [imp](const std::string& v) { imp->flags["database"] = v; },
      "Base de données (défaut : réglage database)");
  import_cmd->add_option_function<std::string>(
      "--reference", [imp](const std::string& v) { imp->flags["reference"] = v; },
      "Fichier du référentiel (défaut : réglage reference)");
  import_cmd->callback([imp] {
    auto resolved = resolve_config(ConfigSources{imp->flags, {}});
    if (!resolved) fail_with(resolved.error().describe());
    auto app = Application::open(resolved->config);
    if (!app) fail_with(app.error().describe());
    std::ifstream in(imp->contract, std::ios::binary);
    if (!in) fail_with("impossible de lire « " + imp->contract + " »");
    std::stringstream text;
    text << in.rdbuf();
    // The engine's errors name the file and line; the service's name the JSON path.
    aci::RuleBook rules = load_rules("");
    (void)load_contract(imp->contract, rules);
    std::vector<std::string> communes;
    std::stringstream list(imp->communes);
    for (std::string code; std::getline(list, code, ',');) {
      if (!code.empty()) communes.push_back(code);
    }
    services::Principal cli;
    cli.login = "cli";
    cli.display_name = "Ligne de commande";
    cli.role = services::Role::admin;
    auto id = (*app)->services().aci.create_contract(cli, imp->structure, text.str(), communes);
    if (!id) fail_with(imp->contract + " : " + id.error().describe());
    std::cout << "contrat n° " << *id << " enregistré : /aci/contrats/" << *id << "\n";
  });

  auto* rules_cmd = aci_cmd->add_subcommand(
      "rules", "Valeurs des accords avec leur source et leur statut de vérification (CSV)");
  rules_cmd->add_option("--rules", args->rules, "Dossier de règles (défaut : règles intégrées)");
  rules_cmd->add_option("--accord", args->accord, "Version d'accord (défaut : toutes)");
  rules_cmd->callback([args] {
    aci::RuleBook rules = load_rules(args->rules);
    if (!args->accord.empty() && !rules.find(args->accord)) {
      fail_with("version d'accord inconnue « " + args->accord + " »");
    }
    std::cout << "accord,key,value,verified,sources,note\n";
    for (const auto& a : rules.accords) {
      if (!args->accord.empty() && a.id != args->accord) continue;
      for (const auto& v : aci::list_values(a)) {
        std::string sources;
        for (const auto& s : v.provenance->sources) sources += (sources.empty() ? "" : " ") + s;
        std::cout << a.id << "," << csv::field(v.key) << "," << csv::field(v.value) << ","
                  << (v.provenance->verified ? "oui" : "non") << "," << csv::field(sources) << ","
                  << csv::field(v.provenance->note) << "\n";
      }
    }
  });
}

}  // namespace maillage::app
