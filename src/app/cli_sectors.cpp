// `maillage sectors solve`: the sectors engine on a NetworkX adjacency JSON graph (the districting
// benchmark's format). The CLI owns the file I/O; the engine (src/sectors) only sees structs.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>

#include "app/cli.hpp"
#include "sectors/networkx.hpp"
#include "sectors/sectors.hpp"

namespace maillage::app {

namespace {

const char* french(sectors::SolveStatus s) {
  switch (s) {
    case sectors::SolveStatus::optimal:
      return "optimal (prouvé)";
    case sectors::SolveStatus::feasible:
      return "réalisable (optimalité non prouvée)";
    case sectors::SolveStatus::infeasible:
      return "irréalisable (prouvé)";
    case sectors::SolveStatus::unknown:
      return "inconnu (temps écoulé sans solution ni preuve)";
  }
  return "inconnu";
}

}  // namespace

void add_sectors_commands(CLI::App& root) {
  auto* sectors_cmd =
      root.add_subcommand("sectors", "Découpage en secteurs contigus et équilibrés");
  sectors_cmd->require_subcommand(1);
  struct Args {
    std::string graph, out, weight = "TOTPOP";
    int k = 2;
    double deviation = 0.01;
    double time_limit = 60;
    int threads = 2;
  };
  auto args = std::make_shared<Args>();
  auto* solve_cmd = sectors_cmd->add_subcommand(
      "solve", "Découpe un graphe (JSON d'adjacence NetworkX) en k secteurs");
  solve_cmd
      ->add_option("--graph", args->graph,
                   "Graphe : JSON d'adjacence NetworkX (nodes[i].TOTPOP, adjacency[i][*].id)")
      ->required();
  solve_cmd->add_option("--k", args->k, "Nombre de secteurs")->required();
  solve_cmd
      ->add_option("--deviation", args->deviation,
                   "Écart toléré (0.01 : charge de chaque secteur à ±0,5 % de la moyenne)")
      ->capture_default_str();
  solve_cmd->add_option("--time-limit", args->time_limit, "Limite de temps en secondes")
      ->capture_default_str();
  solve_cmd->add_option("--threads", args->threads, "Fils de calcul (1 ou 2)")
      ->capture_default_str();
  solve_cmd->add_option("--weight", args->weight, "Champ des nœuds donnant la charge")
      ->capture_default_str();
  solve_cmd->add_option("--out", args->out, "Fichier CSV des affectations (node,sector)");
  solve_cmd->callback([args] {
    auto file = sectors::read_networkx(args->graph, args->weight);
    if (!file) {
      std::cerr << "maillage sectors : " << file.error().describe() << "\n";
      throw CLI::RuntimeError(2);
    }
    if (args->deviation < 0 || args->time_limit <= 0) {
      std::cerr << "maillage sectors : --deviation doit être positif ou nul et --time-limit "
                   "strictement positif\n";
      throw CLI::RuntimeError(2);
    }
    sectors::Problem p;
    p.weight = file->weight;
    p.edges = file->edges;
    p.k = args->k;
    std::int64_t total = 0;
    for (auto w : p.weight) total += w;
    const auto b = sectors::bounds_from_deviation(total, std::max(1, p.k), args->deviation);
    p.lower = b.lower;
    p.upper = b.upper;  // may be below lower for a tiny deviation: solve() says infeasible
    sectors::Options o;
    o.time_limit = std::chrono::milliseconds(static_cast<long long>(args->time_limit * 1000));
    o.threads = args->threads;
    auto s = sectors::solve(p, o);
    if (!s) {
      std::cerr << "maillage sectors : " << s.error().describe() << "\n";
      throw CLI::RuntimeError(2);
    }
    std::cout << fmt::format(
        "graphe : {} nœuds, {} arêtes ; k = {} ; charge par secteur dans [{}, {}]\n",
        p.weight.size(), p.edges.size(), p.k, p.lower, p.upper);
    std::cout << fmt::format("statut : {}\n", french(s->status));
    bool ok = true;
    if (!s->sector.empty()) {
      const int gap = s->cut_edges - s->lower_bound;
      std::cout << fmt::format(
          "arêtes coupées : {}\nborne inférieure prouvée : {}\nécart : {} ({:.1f} %)\n",
          s->cut_edges, s->lower_bound, gap, s->cut_edges ? 100.0 * gap / s->cut_edges : 0.0);
      std::string loads;
      for (std::size_t j = 0; j < s->workload.size(); ++j)
        loads += (j ? ", " : "") + std::to_string(s->workload[j]);
      std::cout << "charges : " << loads << "\n";
      const auto c = sectors::check(p, s->sector);
      ok = c.has_value();
      std::cout << (ok ? std::string("vérification : VALIDE\n")
                       : "vérification : INVALIDE, " + c.error().message + "\n");
    } else if (s->smallest_feasible_deviation) {
      std::cout << fmt::format(
          "écart qui permet un découpage : {:.6f} (le plus équilibré trouvé)\n",
          *s->smallest_feasible_deviation);
    }
    std::cout << fmt::format("temps : {:.1f} s\n", s->seconds);
    if (!args->out.empty() && !s->sector.empty()) {
      std::ofstream out(args->out, std::ios::binary | std::ios::trunc);
      out << "node,sector\n";
      for (std::size_t i = 0; i < s->sector.size(); ++i) out << i << ',' << s->sector[i] << '\n';
      if (!out) {
        std::cerr << fmt::format("maillage sectors : impossible d'écrire « {} »\n", args->out);
        throw CLI::RuntimeError(2);
      }
    }
    if (!ok) throw CLI::RuntimeError(1);
  });
}

}  // namespace maillage::app
