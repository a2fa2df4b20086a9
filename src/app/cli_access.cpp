// `maillage access compute`: reads the CSV files, runs the accessibility engine (src/access) and
// writes `id,access`. All the parsing and computing is in src/access/pipeline.hpp; this file only
// does the I/O, the flags and the messages.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "access/pipeline.hpp"
#include "app/cli.hpp"
#include "common/mapped_file.hpp"

namespace maillage::app {

namespace {

struct AccessFlags {
  std::string demand, supply, od, coords, age, out;
  std::string weights;
  std::optional<double> max_minutes;
  std::string boundary = "inclusive";
  double detour = 1.3;
  double speed = 50;
  double self_minutes = 0;
  bool no_self = false;
  std::string age_weights;
  unsigned threads = 0;
  bool timing = false;
};

Status write_file(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
    std::cout.flush();
    if (!std::cout) return fail(ErrorCode::io_error, "écriture sur la sortie standard impossible");
    return {};
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (out) out.close();
  if (!out) {
    return fail(ErrorCode::io_error,
                "écriture de « " + path + " » impossible : " + std::strerror(errno), path);
  }
  return {};
}

[[noreturn]] void die(const Error& e) {
  std::cerr << "maillage access compute : erreur : " << e.describe() << "\n";
  throw CLI::RuntimeError(e.code == ErrorCode::io_error ? 3 : 2);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void run_compute(const AccessFlags& f) {
  using Clock = std::chrono::steady_clock;
  const auto t_read = Clock::now();
  // The files are mapped, not copied (common/mapped_file.hpp); the parsed run keeps views into
  // none of them after prepare_run.
  MappedFile demand_text, supply_text, od_text, coords_text, age_text;
  auto load = [](const std::string& path, MappedFile& into) {
    auto file = MappedFile::open(path);
    if (!file) die(file.error());
    into = std::move(*file);
  };
  access::RunInputs inputs;
  load(f.demand, demand_text);
  inputs.demand = {f.demand, demand_text.text()};
  load(f.supply, supply_text);
  inputs.supply = {f.supply, supply_text.text()};
  if (!f.od.empty()) {
    load(f.od, od_text);
    inputs.od = access::InputText{f.od, od_text.text()};
  }
  if (!f.coords.empty()) {
    load(f.coords, coords_text);
    inputs.coords = access::InputText{f.coords, coords_text.text()};
  }
  if (!f.age.empty()) {
    load(f.age, age_text);
    inputs.age = access::InputText{f.age, age_text.text()};
  }
  access::RunOptions options;
  options.weights = f.weights;
  options.max_minutes = f.max_minutes;
  options.boundary = f.boundary == "exclusive" ? access::Boundary::upper_exclusive
                                               : access::Boundary::upper_inclusive;
  options.detour = f.detour;
  options.speed_kmh = f.speed;
  options.self_minutes = f.no_self ? std::nullopt : std::optional<double>(f.self_minutes);
  options.age_weights = f.age_weights;
  options.threads = f.threads;
  auto run = access::prepare_run(inputs, options);
  if (!run) die(run.error());
  const double read_s = seconds_since(t_read);

  const auto t_compute = Clock::now();
  auto out = access::compute_run(*run);
  if (!out) die(out.error());
  const double compute_s = seconds_since(t_compute);

  const auto t_write = Clock::now();
  if (auto ok = write_file(f.out, access::format_access_csv(run->demand.locations,
                                                            out->result.access));
      !ok) {
    die(ok.error());
  }
  const double write_s = seconds_since(t_write);

  for (const std::string& line : access::run_report(*run, *out)) std::cerr << line << "\n";
  if (f.timing) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "temps : lecture %.3f s, calcul %.3f s, écriture %.3f s\n",
                  read_s, compute_s, write_s);
    std::cerr << buf;
  }
}

}  // namespace

void add_access_commands(CLI::App& root) {
  CLI::App* access = root.add_subcommand("access", "Accessibilité potentielle localisée (APL, E2SFCA)");
  access->require_subcommand(1);
  CLI::App* compute = access->add_subcommand(
      "compute", "Calcule l'accessibilité de chaque lieu de la demande et l'écrit en CSV id,access");
  auto f = std::make_shared<AccessFlags>();
  compute->add_option("--demand", f->demand, "CSV id,population (définit les lieux)")
      ->required()
      ->check(CLI::ExistingFile);
  compute->add_option("--supply", f->supply, "CSV id,supply (offre par lieu)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* od = compute->add_option("--od", f->od, "CSV origin,destination,minutes (temps de trajet)")
                 ->check(CLI::ExistingFile);
  auto* coords =
      compute->add_option("--coords", f->coords, "CSV id,lat,lon (temps à vol d'oiseau)")
          ->check(CLI::ExistingFile);
  od->excludes(coords);
  compute->add_option("--weights", f->weights,
                      "pondération : step:10=1,15=2/3,20=1/3 (défaut, APL), uniform (2SFCA), "
                      "gravity:beta=1,min=1,scale=1");
  compute->add_option("--max-minutes", f->max_minutes,
                      "zone de recours en minutes (défaut : fin de la dernière tranche, ou 20)");
  compute->add_option("--boundary", f->boundary,
                      "un temps égal à une borne compte dans la tranche qu'elle termine "
                      "(inclusive, défaut) ou dans la suivante (exclusive)")
      ->check(CLI::IsMember({"inclusive", "exclusive"}));
  compute->add_option("--detour", f->detour, "facteur de détour route / vol d'oiseau (défaut 1.3)")
      ->excludes(od);
  compute->add_option("--speed", f->speed, "vitesse moyenne en km/h (défaut 50)")->excludes(od);
  auto* self = compute->add_option("--self-minutes", f->self_minutes,
                                   "temps intra-commune ajouté quand le fichier OD l'omet (défaut 0)");
  compute->add_flag("--no-self", f->no_self, "ne pas ajouter de temps intra-commune")
      ->excludes(self)
      ->excludes(coords);
  self->excludes(coords);
  compute->add_option("--age", f->age, "CSV id,<tranche>,... : population par tranche d'âge")
      ->check(CLI::ExistingFile);
  compute->add_option("--age-weights", f->age_weights,
                      "consommation de soins par tranche : 0-14=0.8,15-29=0.7,...");
  compute->add_option("--threads", f->threads, "fils d'exécution (défaut 0 : tous les cœurs)");
  compute->add_option("--out", f->out, "fichier CSV de sortie id,access (- : sortie standard)")
      ->required();
  compute->add_flag("--timing", f->timing, "affiche les temps de lecture, calcul et écriture");
  compute->callback([f] { run_compute(*f); });
}

}  // namespace maillage::app
