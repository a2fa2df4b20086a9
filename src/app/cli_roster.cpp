// `maillage roster solve|check`: the permanences solver on benchmark instance files. The CLI owns
// the file I/O; the engine (src/roster) only sees text and structs.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli.hpp"
#include "roster/checker.hpp"
#include "roster/nrp_format.hpp"
#include "roster/solver.hpp"

namespace maillage::app {

namespace {

std::string read_file_or_throw(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << fmt::format("maillage roster : impossible de lire « {} »\n", path);
    throw CLI::RuntimeError(2);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

roster::Model load_instance(const std::string& format, const std::string& path) {
  if (format != "nrp") {
    std::cerr << fmt::format("maillage roster : format « {} » inconnu (formats : nrp)\n", format);
    throw CLI::RuntimeError(2);
  }
  auto model = roster::parse_nrp(read_file_or_throw(path), path);
  if (!model) {
    std::cerr << "maillage roster : " << model.error().describe() << "\n";
    throw CLI::RuntimeError(2);
  }
  return std::move(*model);
}

// Prints the checker's verdict; returns true when the roster respects every hard rule.
bool print_check(const roster::Model& model, const roster::Roster& r) {
  const auto rep = roster::check(model, r);
  const auto& o = rep.objective;
  if (rep.feasible()) {
    std::cout << fmt::format("vérification : VALIDE (objectif recalculé {})\n", o.total);
  } else {
    std::cout << fmt::format("vérification : INVALIDE, {} règle(s) enfreinte(s)\n", rep.violations.size());
    for (std::size_t k = 0; k < rep.violations.size() && k < 20; ++k)
      std::cout << "  - " << rep.violations[k].message << "\n";
  }
  std::cout << fmt::format(
      "détail : demandes de poste {} ; demandes de repos {} ; sous-effectif {} ; sureffectif {} ; équité {}\n",
      o.on_requests, o.off_requests, o.under_cover, o.over_cover, o.fairness);
  return rep.feasible();
}

}  // namespace

void add_roster_commands(CLI::App& root) {
  auto* roster_cmd = root.add_subcommand("roster", "Planning des permanences (solveur et vérificateur)");
  roster_cmd->require_subcommand(1);

  struct SolveArgs {
    std::string format = "nrp";
    std::string instance;
    std::string out;
    double time_limit = 10;
    std::uint64_t seed = 1;
    int threads = 2;
    std::int64_t iterations = 0;
    std::int64_t target = -1;
  };
  auto args = std::make_shared<SolveArgs>();
  auto* solve_cmd = roster_cmd->add_subcommand("solve", "Calcule un planning pour une instance");
  solve_cmd->add_option("--format", args->format, "Format de l'instance (nrp)")->capture_default_str();
  solve_cmd->add_option("instance", args->instance, "Fichier d'instance")->required();
  solve_cmd->add_option("--time-limit", args->time_limit, "Limite de temps en secondes")->capture_default_str();
  solve_cmd->add_option("--seed", args->seed, "Graine (même graine et --iterations : même résultat)")->capture_default_str();
  solve_cmd->add_option("--threads", args->threads, "Fils de calcul (1 ou 2)")->capture_default_str();
  solve_cmd->add_option("--iterations", args->iterations, "Limite de mouvements par fil (0 : aucune)");
  solve_cmd->add_option("--target", args->target, "S'arrêter dès que l'objectif atteint cette valeur");
  solve_cmd->add_option("--out", args->out, "Fichier du planning (une ligne par personne)");
  solve_cmd->callback([args] {
    const auto model = load_instance(args->format, args->instance);
    roster::SolveOptions opt;
    opt.time_limit_seconds = args->time_limit;
    opt.seed = args->seed;
    opt.threads = args->threads;
    opt.max_iterations = args->iterations;
    opt.target_objective = args->target;
    auto sol = roster::solve(model, opt);
    if (!sol) {
      std::cerr << "maillage roster : " << sol.error().describe() << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << fmt::format("objectif : {}\nborne inférieure : {}{}\n", sol->objective, sol->lower_bound,
                             sol->optimal ? " (optimum prouvé)" : "");
    std::cout << fmt::format("recherche : {:.1f} s, {} mouvements, {} étapes du maître (colonnes, plongées, PLNE), {} fil(s)\n",
                             sol->stats.seconds, sol->stats.iterations, sol->stats.lagrangian_rounds,
                             sol->stats.threads);
    if (!sol->open_slots.empty()) {
      std::cout << fmt::format("créneaux non couverts : {}\n", sol->open_slots.size());
      for (std::size_t k = 0; k < sol->open_slots.size() && k < 10; ++k) {
        const auto& s = sol->open_slots[k];
        std::cout << fmt::format("  - jour {} poste {} : {} manquant(s), {} ({})\n", s.day,
                                 model.shifts[s.shift].id, s.missing, roster::open_reason_name(s.reason),
                                 s.explanation);
      }
    }
    const bool ok = print_check(model, sol->roster);
    if (!args->out.empty()) {
      std::ofstream out(args->out, std::ios::binary | std::ios::trunc);
      out << roster::format_roster(model, sol->roster);
      if (!out) {
        std::cerr << fmt::format("maillage roster : impossible d'écrire « {} »\n", args->out);
        throw CLI::RuntimeError(2);
      }
    }
    if (!ok) throw CLI::RuntimeError(1);
  });

  auto check_format = std::make_shared<std::string>("nrp");
  auto check_instance = std::make_shared<std::string>();
  auto check_roster = std::make_shared<std::string>();
  auto* check_cmd = roster_cmd->add_subcommand("check", "Vérifie un planning et recalcule son objectif");
  check_cmd->add_option("--format", *check_format, "Format de l'instance (nrp)")->capture_default_str();
  check_cmd->add_option("instance", *check_instance, "Fichier d'instance")->required();
  check_cmd->add_option("roster", *check_roster, "Fichier du planning")->required();
  check_cmd->callback([check_format, check_instance, check_roster] {
    const auto model = load_instance(*check_format, *check_instance);
    auto r = roster::parse_roster(model, read_file_or_throw(*check_roster), *check_roster);
    if (!r) {
      std::cerr << "maillage roster : " << r.error().describe() << "\n";
      throw CLI::RuntimeError(2);
    }
    if (!print_check(model, *r)) throw CLI::RuntimeError(1);
  });
}

}  // namespace maillage::app
