// `maillage coverage --departement 57 [--territories FILE]`: loads the référentiel, reads a
// territory CSV (one or several CPTS, see src/coverage/territory_csv.hpp), and prints the coverage
// table of the département with its overlaps, white zones and proposals. Without a territories
// file every commune is uncovered. All computing is in src/coverage; the stage filters are the
// CPTS stage groups of rules/lifecycle/cpts.toml (src/registry). Nothing is saved.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "app/cli.hpp"
#include "app/config.hpp"
#include "coverage/coverage.hpp"
#include "coverage/report.hpp"
#include "coverage/territory_csv.hpp"
#include "refdata/reference_file.hpp"
#include "registry/lifecycle.hpp"

namespace maillage::app {

namespace {

struct CoverageFlags {
  std::string departement;
  std::string territories;
  std::string reference;
  std::string former;
  std::string stage;
  std::int64_t min_population = 40'000;
  bool strict = false;
};

[[noreturn]] void die(const Error& e) {
  std::cerr << "maillage coverage : erreur : " << e.describe() << "\n";
  throw CLI::RuntimeError(e.code == ErrorCode::io_error ? 3 : 2);
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::io_error,
                "impossible d'ouvrir « " + path + " » : " + std::strerror(errno), path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(ErrorCode::io_error, "lecture de « " + path + " » interrompue", path);
  return text.str();
}

void run(const CoverageFlags& f) {
  auto lifecycles = registry::builtin_lifecycles();
  if (!lifecycles) die(lifecycles.error());
  const registry::Lifecycle* cpts = lifecycles->find("cpts");
  if (cpts == nullptr)
    die(Error{ErrorCode::internal, "cycle de vie CPTS absent des règles", "", "", 0});
  std::vector<coverage::StageFilter> filters;
  for (const registry::StageGroup& g : cpts->stage_groups)
    filters.push_back({g.id, g.label, g.states});
  std::vector<std::string> known_stages;
  for (const registry::State& s : cpts->states) known_stages.push_back(s.id);
  if (!f.stage.empty() && cpts->state(f.stage) == nullptr) {
    die(Error{ErrorCode::invalid_input, "étape « " + f.stage + " » inconnue du cycle de vie CPTS",
              "--etape", "", 0});
  }

  auto ref = refdata::load_reference(f.reference);
  if (!ref) {
    Error e = ref.error();
    if (e.file.empty()) e.file = f.reference;
    e.message += " (construisez-le avec `maillage reference build --out " + f.reference + "`)";
    die(e);
  }
  if (!ref->communes.empty() && ref->commune(ref->communes.front().code) == nullptr) ref->index();
  auto graph = coverage::UnitGraph::build(*ref);
  if (!graph) die(graph.error());

  std::vector<coverage::Territory> territories;
  if (!f.territories.empty()) {
    coverage::FormerCodes former;
    coverage::ImportOptions options;
    options.default_stage = f.stage;
    options.known_stages = known_stages;
    // --anciennes-communes, else the former_communes setting (its default: under the assets).
    const std::string default_former = former_communes_path(environment_config());
    const std::string former_path =
        !f.former.empty() ? f.former
                          : (std::filesystem::exists(default_former) ? default_former : "");
    if (!former_path.empty()) {
      auto text = read_file(former_path);
      if (!text) die(text.error());
      auto parsed = coverage::parse_etalab_former_communes(former_path, *text);
      if (!parsed) die(parsed.error());
      former = std::move(*parsed);
      options.former = &former;
    }
    if (former_path.empty()) {
      std::cerr << "attention : table des anciennes communes introuvable (" << default_former
                << ") : les codes d'anciennes communes seront signalés comme inconnus\n";
    }
    auto text = read_file(f.territories);
    if (!text) die(text.error());
    auto import = coverage::parse_territory_csv(*ref, f.territories, *text, options);
    if (!import) die(import.error());
    for (const auto& issue : import->issues) {
      std::cerr << (issue.severity == coverage::Severity::error ? "erreur : " : "attention : ")
                << issue.describe(f.territories) << "\n";
    }
    const std::size_t errors = import->count(coverage::Severity::error);
    if (errors > 0) {
      if (f.strict) {
        std::cerr << "maillage coverage : " << errors << " ligne(s) en erreur dans « "
                  << f.territories << " » : rien n'est calculé\n";
        throw CLI::RuntimeError(2);
      }
      std::cerr << "maillage coverage : " << errors
                << " ligne(s) en erreur ignorées ; le calcul porte sur les autres lignes\n";
    }
    for (auto& t : import->territories) {
      if (t.communes.empty()) continue;
      territories.push_back({t.name, t.name, t.stage, std::move(t.communes)});
    }
  }

  auto cover = coverage::Cover::compute(*graph, territories, filters);
  if (!cover) die(cover.error());
  coverage::ReportOptions options;
  options.min_population = f.min_population;
  auto report = coverage::departement_report(*cover, territories, filters, f.departement, options);
  if (!report) die(report.error());
  std::cout << *report;
  if (territories.empty()) {
    std::cout
        << "\n(aucun fichier de territoires : toutes les communes sont comptées non couvertes)\n";
  }
}

}  // namespace

void add_coverage_commands(CLI::App& root) {
  auto f = std::make_shared<CoverageFlags>();
  f->reference = environment_config().reference;
  CLI::App* cmd =
      root.add_subcommand("coverage",
                          "Couverture CPTS d'un département : couvert / non couvert par étape, "
                          "chevauchements, zones blanches, propositions");
  cmd->add_option("--departement", f->departement, "Code du département (57, 2A, 974…)")
      ->required();
  cmd->add_option(
      "--territories", f->territories,
      "CSV des territoires : codes INSEE, et colonnes territoire / etape pour plusieurs CPTS");
  cmd->add_option("--reference", f->reference,
                  "Fichier du référentiel (défaut : $MAILLAGE_REFERENCE "
                  "ou var/reference.sqlite)");
  cmd->add_option("--anciennes-communes", f->former,
                  std::string("communes.json d'@etalab/decoupage-administratif (défaut : ") +
                      kEtalabCommunesFile +
                      " sous le dossier des ressources, réglage former_communes)");
  cmd->add_option("--etape", f->stage,
                  "Étape des territoires dont le fichier ne donne pas l'étape (ex. aci_signe)");
  cmd->add_option("--seuil", f->min_population,
                  "Population minimale d'un territoire proposé (défaut : 40 000)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{100'000'000}));
  cmd->add_flag("--strict", f->strict, "Refuser le calcul si une ligne du fichier est en erreur");
  cmd->callback([f] { run(*f); });
}

}  // namespace maillage::app
