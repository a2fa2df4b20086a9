// `maillage reference build|info|export`: the référentiel territorial from the command line.
// Reading the packages, building and writing live in src/refdata and src/geo; this file parses
// options, shows progress on stderr and prints reports in French.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "app/cli.hpp"
#include "app/config.hpp"
#include "common/csv.hpp"
#include "common/french.hpp"
#include "geo/referentiel.hpp"
#include "refdata/reference_file.hpp"

namespace maillage::app {
namespace {

// The `reference` setting (default, or MAILLAGE_REFERENCE).
std::string default_reference() { return environment_config().reference; }

[[noreturn]] void fail_with(const Error& e) {
  std::cerr << "maillage reference : " << e.describe() << "\n";
  throw CLI::RuntimeError(1);
}

// French decimal comma.
std::string decimal(double v, int digits) {
  std::string s = fmt::format("{:.{}f}", v, digits);
  for (char& c : s) {
    if (c == '.') c = ',';
  }
  return s;
}

std::string percent(std::int64_t part, std::int64_t whole) {
  return decimal(whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0,
                 1) +
         " %";
}

const char* quality_label(geo::CoordQuality q) {
  switch (q) {
    case geo::CoordQuality::exact:
      return "exactes (GeoNames)";
    case geo::CoordQuality::surface:
      return "point du contour IGN";
    case geo::CoordQuality::imputed_postcode:
      return "imputées (code postal)";
    case geo::CoordQuality::imputed_epci:
      return "imputées (EPCI)";
    case geo::CoordQuality::imputed_departement:
      return "imputées (département)";
    case geo::CoordQuality::imputed_territory:
      return "imputées (territoire)";
  }
  return "?";
}

void print_quality_table(const std::array<std::int64_t, geo::kCoordQualityCount>& communes,
                         const std::array<std::int64_t, geo::kCoordQualityCount>& population,
                         std::int64_t total_communes, std::int64_t total_population) {
  std::cout << fmt::format("  {:<28}{:>10}{:>12}{:>14}\n", "qualité", "communes", "part",
                           "population");
  for (int q = 0; q < geo::kCoordQualityCount; ++q) {
    const auto i = static_cast<std::size_t>(q);
    std::cout << fmt::format("  {:<28}{:>10}{:>12}{:>14}\n",
                             quality_label(static_cast<geo::CoordQuality>(q)),
                             fr::integer(communes[i], " "), percent(communes[i], total_communes),
                             percent(population[i], total_population));
  }
}

// Progress on stderr: one updating line on a terminal, one line per stage otherwise (logs).
class Progress {
 public:
  Progress() : tty_(isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()) {}
  ~Progress() { finish(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void update(std::string_view stage, std::size_t done, std::size_t total) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const int pct =
        total > 0 ? static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total))
                  : 0;
    if (stage != stage_) {
      if (tty_ && !stage_.empty()) std::cerr << "\n";
      stage_ = std::string(stage);
      if (!tty_) std::cerr << fmt::format("[{:>6} s] {}\n", decimal(elapsed, 1), stage_);
    }
    if (tty_) {
      std::cerr << fmt::format("\r[{:>6} s] {:<22} {:>3} %", decimal(elapsed, 1), stage_, pct)
                << std::flush;
    }
  }
  void finish() {
    if (tty_ && !stage_.empty()) std::cerr << "\n";
    stage_.clear();
  }

 private:
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::string stage_;
};

void print_build_report(const refdata::BuildReferenceReport& r, const std::string& out,
                        double total_seconds) {
  const geo::BuildReport& b = r.build;
  std::cout << fmt::format(
      "Référentiel écrit dans {} en {} s (lecture {} s, construction {} s, écriture {} s)\n", out,
      decimal(total_seconds, 1), decimal(r.read_seconds, 1), decimal(r.build_seconds, 1),
      decimal(r.write_seconds, 1));
  for (const auto& [stage, seconds] : b.stage_seconds) {
    std::cout << fmt::format("  étape {} : {} s\n", stage, decimal(seconds, 2));
  }
  std::cout << "Paquets :";
  for (const auto& [name, version] : r.versions) std::cout << " " << name << " " << version << ";";
  std::cout << "\n";
  std::cout << fmt::format(
      "Communes : {} (+ {} arrondissements municipaux) ; EPCI : {} ; départements : {} ; régions : "
      "{}\n",
      fr::integer(static_cast<std::int64_t>(b.communes), " "),
      fr::integer(static_cast<std::int64_t>(b.arrondissements), " "),
      fr::integer(static_cast<std::int64_t>(b.epcis), " "), b.departements, b.regions);
  std::cout << fmt::format("Population : {}\n", fr::integer(b.population, " "));
  std::cout << "Coordonnées des communes :\n";
  std::array<std::int64_t, geo::kCoordQualityCount> communes{};
  for (std::size_t i = 0; i < communes.size(); ++i) {
    communes[i] = static_cast<std::int64_t>(b.quality_communes[i]);
  }
  print_quality_table(communes, b.quality_population, static_cast<std::int64_t>(b.communes),
                      b.population);
  std::cout << fmt::format(
      "Points GeoNames : {} lus, {} rattachés à une commune, {} sans commune actuelle, {} "
      "rejetés\n",
      fr::integer(static_cast<std::int64_t>(b.places_read), " "),
      fr::integer(static_cast<std::int64_t>(b.places_matched), " "),
      fr::integer(static_cast<std::int64_t>(b.places_unmatched), " "), b.rejected.size());
  for (const geo::RejectedPoint& p : b.rejected) {
    std::cout << fmt::format(
        "  rejeté : {} {} (« {} », ligne {}) à {} km de son {} (seuil {} km)\n", p.code, p.nom,
        p.place, p.line, decimal(p.distance_km, 1), p.check == "epci" ? "EPCI" : "département",
        decimal(p.threshold_km, 1));
  }
  std::cout << fmt::format(
      "Cellules approchées : {} paires voisines (sur {} arêtes de Delaunay) ; {} points hors du "
      "contour terrestre (rattachés à la terre la plus proche ou îlots)\n",
      fr::integer(static_cast<std::int64_t>(b.cell_neighbour_pairs), " "),
      fr::integer(static_cast<std::int64_t>(b.delaunay_edges), " "), b.offshore);
  std::cout << fmt::format("Contours : {} sommets ; {} communes sans voisine (îles)\n",
                           fr::integer(static_cast<std::int64_t>(b.cell_vertices), " "), b.islands);
  if (b.polygons_read > 0) {
    std::cout << fmt::format(
        "Contours IGN (Admin Express COG 2018) : {} polygones lus, {} de communes actuelles, {} "
        "d'anciennes communes ({} communes nouvelles en sont l'union), {} sans commune ; {} "
        "communes sans polygone gardent leur cellule approchée ({}), comme les {} communes des "
        "collectivités d'outre-mer\n",
        fr::integer(static_cast<std::int64_t>(b.polygons_read), " "),
        fr::integer(static_cast<std::int64_t>(b.polygons_current), " "), b.polygons_former,
        b.communes_nouvelles, b.polygons_unmatched, b.cell_fallback.size(),
        fmt::join(b.cell_fallback, ", "), b.collectivity_cells);
    for (const std::string& code : b.unmatched_polygons) {
      std::cout << "  polygone sans commune : " << code << "\n";
    }
    std::cout << fmt::format(
        "Voisinage par les frontières : {} paires (graphe des cellules : {} ; {} paires dans les "
        "deux)\n",
        fr::integer(static_cast<std::int64_t>(b.neighbour_pairs), " "),
        fr::integer(static_cast<std::int64_t>(b.cell_neighbour_pairs), " "),
        fr::integer(static_cast<std::int64_t>(b.pairs_in_both), " "));
    std::cout << "  degré   frontières   cellules\n";
    for (std::size_t k = 0; k < b.degree_histogram.size(); ++k) {
      const std::size_t cell = k < b.cell_degree_histogram.size() ? b.cell_degree_histogram[k] : 0;
      std::cout << fmt::format(
          "  {:>5}{:>13}{:>11}\n",
          k + 1 == b.degree_histogram.size() ? std::to_string(k) + "+" : std::to_string(k),
          b.degree_histogram[k], cell);
    }
  }
}

}  // namespace

void add_reference_commands(CLI::App& root) {
  auto* reference =
      root.add_subcommand("reference", "Référentiel territorial (communes, EPCI, départements)");
  reference->require_subcommand(1);

  struct BuildArgs {
    std::string out;
    std::string packages = "node_modules";
    std::string contours = "data/contours/communes-2018.topojson.gz";
    double snap_m = 5;
    double min_shared_m = 25;
    bool point_contact = false;
    unsigned threads = std::max(1U, std::min(2U, std::thread::hardware_concurrency()));
  };
  auto build_args = std::make_shared<BuildArgs>();
  auto* build =
      reference->add_subcommand("build", "Construit le référentiel depuis les paquets de données");
  build->add_option(
      "--out", build_args->out,
      "Fichier SQLite à écrire (défaut : $MAILLAGE_REFERENCE ou var/reference.sqlite)");
  build->add_option("--packages", build_args->packages, "Dossier des paquets npm")
      ->capture_default_str();
  build
      ->add_option("--contours", build_args->contours,
                   "Contours des communes (TopoJSON gzip livré avec le projet ; vide : cellules "
                   "approchées seulement)")
      ->capture_default_str();
  build
      ->add_option("--tolerance", build_args->snap_m,
                   "Tolérance d'accrochage entre les deux côtés d'une frontière (mètres)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1000.0));
  build
      ->add_option("--frontiere-min", build_args->min_shared_m,
                   "Longueur de frontière commune minimale pour être voisines (mètres)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10000.0));
  build->add_flag("--contact-ponctuel", build_args->point_contact,
                  "Un contact en un point suffit pour être voisines");
  build
      ->add_option("--threads", build_args->threads,
                   "Fils de calcul pour le découpage des cellules")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  build->callback([build_args] {
    const std::string out = build_args->out.empty() ? default_reference() : build_args->out;
    refdata::BuildReferenceOptions options;
    options.packages_dir = build_args->packages;
    options.contours = build_args->contours;
    options.build.snap_m = build_args->snap_m;
    options.build.min_shared_m = build_args->min_shared_m;
    options.build.point_contact = build_args->point_contact;
    options.out = out;
    options.build.threads = build_args->threads;
    auto progress = std::make_shared<Progress>();
    options.build.progress = [progress](std::string_view stage, std::size_t done,
                                        std::size_t total) {
      progress->update(stage, done, total);
    };
    const auto start = std::chrono::steady_clock::now();
    Result<refdata::BuildReferenceReport> report = refdata::build_reference(options);
    progress->finish();
    if (!report) fail_with(report.error());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    print_build_report(*report, out, seconds);
  });

  auto info_path = std::make_shared<std::string>();
  auto* info = reference->add_subcommand("info", "Affiche le contenu du référentiel");
  info->add_option("--reference", *info_path,
                   "Fichier du référentiel (défaut : $MAILLAGE_REFERENCE ou var/reference.sqlite)");
  info->callback([info_path] {
    const std::string path = info_path->empty() ? default_reference() : *info_path;
    Result<refdata::ReferenceInfo> r = refdata::reference_info(path);
    if (!r) fail_with(r.error());
    std::cout << fmt::format("Référentiel : {}\n", path);
    for (const auto& [key, value] : r->meta) {
      std::cout << fmt::format("  {} : {}\n", key, value);
    }
    std::cout << "Tables :\n";
    for (const auto& [table, rows] : r->tables) {
      std::cout << fmt::format("  {:<18}{:>12}\n", table, fr::integer(rows, " "));
    }
    std::cout << fmt::format(
        "Coordonnées des {} communes (arrondissements exclus), population {} :\n",
        fr::integer(r->communes, " "), fr::integer(r->population, " "));
    print_quality_table(r->quality_communes, r->quality_population, r->communes, r->population);
  });

  struct ExportArgs {
    std::string format = "csv";
    std::string path;
    bool arrondissements = false;
  };
  auto export_args = std::make_shared<ExportArgs>();
  auto* exp = reference->add_subcommand("export", "Exporte une table du référentiel");
  exp->require_subcommand(1);
  auto* communes = exp->add_subcommand("communes", "Exporte les communes");
  communes->add_option("--format", export_args->format, "Format (csv)")
      ->capture_default_str()
      ->check(CLI::IsMember({"csv"}));
  communes->add_option(
      "--reference", export_args->path,
      "Fichier du référentiel (défaut : $MAILLAGE_REFERENCE ou var/reference.sqlite)");
  communes->add_flag("--arrondissements", export_args->arrondissements,
                     "Ajoute les arrondissements municipaux (leur population est déjà comptée "
                     "dans leur commune)");
  communes->callback([export_args] {
    const std::string path = export_args->path.empty() ? default_reference() : export_args->path;
    Result<geo::Referentiel> ref = refdata::load_reference(path);
    if (!ref) fail_with(ref.error());
    std::string out = "code,nom,departement,region,epci,population,lat,lon,quality\n";
    for (const geo::Commune& c : ref->communes) {
      if (c.arrondissement && !export_args->arrondissements) continue;
      out += fmt::format("{},{},{},{},{},{},{:.5f},{:.5f},{}\n", c.code, csv::field(c.nom),
                         c.departement, c.region, c.epci, c.population, c.position.lat,
                         c.position.lon, geo::coord_quality_id(c.quality));
    }
    std::cout << out;
  });
}

}  // namespace maillage::app
