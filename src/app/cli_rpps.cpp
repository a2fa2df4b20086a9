// RPPS commands:
//   maillage import rpps FILE        imports an extract as a new snapshot (services/rpps.hpp)
//   maillage demo rpps --departement 57 [--seed N] [--out FILE]
//                                    writes a fictitious extract (src/rpps/generator.hpp)
//   maillage rpps snapshots          lists the snapshots of the database
// The database and the référentiel come from the settings registry (app/config.hpp): --database /
// --reference, else MAILLAGE_DATABASE / MAILLAGE_REFERENCE, else the defaults.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "app/cli.hpp"
#include "app/config.hpp"
#include "common/dates.hpp"
#include "common/french.hpp"
#include "refdata/reference_file.hpp"
#include "rpps/generator.hpp"
#include "services/rpps.hpp"
#include "store/database.hpp"

namespace maillage::app {

namespace {

[[noreturn]] void die(const std::string& command, const Error& e) {
  std::cerr << "maillage " << command << " : erreur : " << e.describe() << "\n";
  int code = 1;
  if (e.code == ErrorCode::io_error) code = 3;
  if (e.code == ErrorCode::invalid_input || e.code == ErrorCode::parse_error ||
      e.code == ErrorCode::not_found) {
    code = 2;
  }
  throw CLI::RuntimeError(code);
}

struct Settings {
  std::string database;
  std::string reference;
};

Config resolve(const std::string& command, const Settings& s) {
  ConfigSources sources;
  if (!s.database.empty()) sources.flags["database"] = s.database;
  if (!s.reference.empty()) sources.flags["reference"] = s.reference;
  auto resolved = resolve_config(sources);
  if (!resolved) die(command, resolved.error());
  return resolved->config;
}

void add_database_flag(CLI::App& cmd, Settings& s) {
  cmd.add_option("--database", s.database,
                 "Base de données : fichier SQLite ou postgresql://... [défaut : env "
                 "MAILLAGE_DATABASE, sinon var/maillage.sqlite]")
      ->type_name("<URL>");
}
void add_reference_flag(CLI::App& cmd, Settings& s) {
  cmd.add_option("--reference", s.reference,
                 "Fichier du référentiel [défaut : env MAILLAGE_REFERENCE, sinon "
                 "var/reference.sqlite]")
      ->type_name("<FICHIER>");
}

geo::Referentiel load_referentiel(const std::string& command, const std::string& path) {
  auto ref = refdata::load_reference(path);
  if (!ref) {
    Error e = ref.error();
    if (e.file.empty()) e.file = path;
    e.message += " (construisez-le avec `maillage reference build --out " + path + "`)";
    die(command, e);
  }
  if (!ref->communes.empty() && ref->commune(ref->communes.front().code) == nullptr) ref->index();
  return std::move(*ref);
}

std::unique_ptr<store::Database> open_database(const std::string& command, const std::string& url) {
  auto db = store::Database::open(url);
  if (!db) die(command, db.error());
  auto version = (*db)->migrate();
  if (!version) die(command, version.error());
  return std::move(*db);
}

// ---- import rpps -------------------------------------------------------------------------------

struct ImportFlags {
  Settings settings;
  std::string file;
  std::string user = "system";
  std::size_t show_bad = 50;
};

void import_rpps(const ImportFlags& f) {
  const std::string command = "import rpps";
  Config config = resolve(command, f.settings);
  geo::Referentiel ref = load_referentiel(command, config.reference);
  auto db = open_database(command, config.database);

  const bool tty = isatty(STDERR_FILENO) == 1;
  const auto start = std::chrono::steady_clock::now();
  int last_step = -1;
  services::RppsImportOptions options;
  options.user = f.user;
  options.progress = [&](std::uint64_t done, std::uint64_t total) {
    // One updating line on a terminal; a line every 10 % otherwise (logs).
    const int pct =
        total > 0 ? static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total))
                  : 0;
    const int step = tty ? pct : pct / 10;
    if (step == last_step) return;
    last_step = step;
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << (tty ? "\r" : "")
              << fmt::format("lecture : {:>3} % ({} Mo, {:.1f} s)", pct, done >> 20, s)
              << (tty ? "" : "\n") << std::flush;
  };
  auto report = services::import_rpps_file(*db, ref, f.file, options);
  if (tty && last_step >= 0) std::cerr << "\n";
  if (!report) die(command, report.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const services::RppsSnapshot& s = report->snapshot;
  const rpps::ReadSummary& r = report->read;
  std::cout << fmt::format(
      "Instantané RPPS n° {} importé depuis « {} »{} en {:.1f} s\n", s.id, s.source_file,
      s.extract_date.empty() ? "" : " (extraction du " + s.extract_date + ")", seconds);
  std::cout << fmt::format("  lignes lues            : {}\n", fr::integer(s.data_lines));
  std::cout << fmt::format(
      "  activités retenues     : {} (une par professionnel et par site ; "
      "{} doublons de site fusionnés)\n",
      fr::integer(s.activities), fr::integer(s.duplicate_lines));
  std::cout << fmt::format("  professionnels         : {}\n", fr::integer(s.persons));
  std::cout << fmt::format("  commune par code postal: {}\n", fr::integer(s.from_postcode));
  std::cout << fmt::format(
      "  lignes ignorées        : {} (sans adresse : {}, à l'étranger : {})\n",
      fr::integer(s.skipped_lines),
      fr::integer(r.skipped_by_reason[static_cast<std::size_t>(rpps::SkipReason::no_address)]),
      fr::integer(r.skipped_by_reason[static_cast<std::size_t>(rpps::SkipReason::abroad)]));
  std::cout << fmt::format("  lignes en erreur       : {}\n", fr::integer(s.bad_lines));
  for (std::size_t i = 0; i < r.bad_by_reason.size(); ++i) {
    if (r.bad_by_reason[i] == 0) continue;
    std::cout << fmt::format("    {:<34} {}\n",
                             rpps::bad_reason_label(static_cast<rpps::BadReason>(i)),
                             fr::integer(r.bad_by_reason[i]));
  }
  const std::size_t shown = std::min(f.show_bad, r.bad.size());
  if (shown > 0) {
    std::cout << fmt::format("  {} première(s) ligne(s) en erreur :\n", shown);
    for (std::size_t i = 0; i < shown; ++i) {
      const rpps::BadLine& b = r.bad[i];
      std::cout << fmt::format("    {}:{}: {} : {}\n", s.source_file, b.line,
                               rpps::bad_reason_label(b.reason), b.detail);
    }
  }
}

// ---- demo rpps ---------------------------------------------------------------------------------

struct DemoFlags {
  Settings settings;
  std::string departement = "57";
  std::uint64_t seed = 1;
  int vintage = 0;
  int bad_lines = 0;
  std::string date;  // YYYYMMDD, default today (UTC)
  std::string out;
};

void demo_rpps(const DemoFlags& f) {
  const std::string command = "demo rpps";
  Config config = resolve(command, f.settings);
  geo::Referentiel ref = load_referentiel(command, config.reference);
  auto communes = services::rpps_generator_communes(ref, f.departement);
  if (!communes) die(command, communes.error());
  std::string date = f.date.empty() ? format_date_compact(today_utc()) : f.date;
  if (date.size() != 8 || date.find_first_not_of("0123456789") != std::string::npos) {
    die(command,
        Error{ErrorCode::invalid_input, "date attendue sous la forme AAAAMMJJ", "--date", "", 0});
  }
  const std::string out = !f.out.empty() ? f.out : rpps::fictitious_file_name(date + "0000");
  const std::string tmp = out + ".part";
  std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
  if (!file) {
    die(command, Error{ErrorCode::io_error,
                       std::string("impossible d'écrire : ") + std::strerror(errno), "", tmp, 0});
  }
  rpps::GeneratorOptions options;
  options.seed = f.seed;
  options.vintage = f.vintage;
  options.bad_lines = f.bad_lines;
  auto summary = rpps::generate_extract(*communes, options, [&](std::string_view chunk) -> Status {
    file.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (!file) return fail(ErrorCode::io_error, "écriture interrompue", tmp);
    return {};
  });
  file.close();
  if (!summary || !file) {
    std::remove(tmp.c_str());
    die(command,
        summary ? Error{ErrorCode::io_error, "écriture interrompue", "", tmp, 0} : summary.error());
  }
  if (std::rename(tmp.c_str(), out.c_str()) != 0) {
    die(command, Error{ErrorCode::io_error, std::strerror(errno), "", out, 0});
  }
  std::cout << fmt::format(
      "Extrait RPPS FICTIF écrit dans « {} » : département {}, {} communes, {} lignes, {} "
      "professionnels fictifs, {} ligne(s) volontairement erronée(s), {} octets (graine {}, "
      "millésime {})\n",
      out, f.departement, communes->size(), fr::integer(summary->lines),
      fr::integer(summary->persons), summary->bad_lines,
      fr::integer(static_cast<std::int64_t>(summary->bytes)), f.seed, f.vintage);
}

// ---- rpps snapshots ----------------------------------------------------------------------------

void list_snapshots(const Settings& settings) {
  const std::string command = "rpps snapshots";
  Config config = resolve(command, settings);
  auto db = open_database(command, config.database);
  auto list = services::list_rpps_snapshots(*db);
  if (!list) die(command, list.error());
  if (list->empty()) {
    std::cout << "Aucun instantané RPPS (importez un extrait avec `maillage import rpps "
                 "FICHIER`).\n";
    return;
  }
  std::cout << fmt::format("{:>4}  {:<10}  {:<24}  {:>10}  {:>9}  {:>8}  {}\n", "n°", "date",
                           "importé le", "activités", "personnes", "erreurs", "fichier");
  for (const auto& s : *list) {
    std::cout << fmt::format("{:>4}  {:<10}  {:<24}  {:>10}  {:>9}  {:>8}  {}{}\n", s.id, s.date(),
                             s.imported_at, s.activities, s.persons, s.bad_lines, s.source_file,
                             s.fictitious ? " (fictif)" : "");
  }
}

CLI::App* subcommand(CLI::App& parent, const std::string& name, const std::string& description) {
  for (CLI::App* sub : parent.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  CLI::App* sub = parent.add_subcommand(name, description);
  sub->require_subcommand(1);
  return sub;
}

}  // namespace

void add_rpps_commands(CLI::App& root) {
  {
    auto f = std::make_shared<ImportFlags>();
    CLI::App* import = subcommand(root, "import", "Import de fichiers publics");
    CLI::App* cmd = import->add_subcommand(
        "rpps",
        "Importe un extrait RPPS (PS_LibreAcces_Personne_activite_*.txt) comme nouvel "
        "instantané ; les précédents sont conservés");
    cmd->add_option("FICHIER", f->file, "Extrait Personne_activite (| séparateur, UTF-8)")
        ->required();
    add_database_flag(*cmd, f->settings);
    add_reference_flag(*cmd, f->settings);
    cmd->add_option("--user", f->user, "Auteur inscrit au journal d'audit [défaut : system]");
    cmd->add_option("--show-bad", f->show_bad,
                    "Nombre de lignes en erreur détaillées dans le résumé [défaut : 50]");
    cmd->callback([f] { import_rpps(*f); });
  }
  {
    auto f = std::make_shared<DemoFlags>();
    CLI::App* demo = subcommand(root, "demo", "Données de démonstration");
    CLI::App* cmd = demo->add_subcommand(
        "rpps", "Écrit un extrait RPPS FICTIF au format publié pour un département");
    cmd->add_option("--departement", f->departement, "Code du département [défaut : 57]");
    cmd->add_option("--seed", f->seed, "Graine (même graine, même fichier) [défaut : 1]");
    cmd->add_option("--vintage", f->vintage,
                    "Millésime : 0 = actuel, -1 = un an plus tôt... [défaut : 0]");
    cmd->add_option("--bad-lines", f->bad_lines,
                    "Lignes volontairement erronées à inclure [défaut : 0]");
    cmd->add_option("--date", f->date,
                    "Date de l'extraction dans le nom du fichier, AAAAMMJJ [défaut : aujourd'hui]");
    cmd->add_option(
        "--out", f->out,
        "Fichier écrit [défaut : PS_LibreAcces_Personne_activite_<date>0000_FICTIF.txt]");
    add_reference_flag(*cmd, f->settings);
    cmd->callback([f] { demo_rpps(*f); });
  }
  {
    auto s = std::make_shared<Settings>();
    CLI::App* group = subcommand(root, "rpps", "Instantanés RPPS");
    CLI::App* cmd = group->add_subcommand("snapshots", "Liste les instantanés RPPS importés");
    add_database_flag(*cmd, *s);
    cmd->callback([s] { list_snapshots(*s); });
  }
}

}  // namespace maillage::app
