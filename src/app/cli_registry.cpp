// `maillage registry portfolio --departement 57 [--type CPTS] [--etape ID] [--date AAAA-MM-JJ]`:
// the ROC portfolio of a département in the terminal (pipeline counts, then one line per
// structure with its stage, next deadline and number of alerts), computed by services::Registry
// exactly as the API does. Run by whoever administers the server, so it reads everything (admin
// principal "system"); it writes nothing.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "app/application.hpp"
#include "app/cli.hpp"
#include "app/config.hpp"
#include "services/registry.hpp"

namespace maillage::app {

namespace {

struct PortfolioFlags {
  std::string database;
  std::string reference;
  std::string departement;
  std::string kind;
  std::string stage;
  std::string date;
};

[[noreturn]] void die(const Error& e) {
  std::cerr << "maillage registry : erreur : " << e.describe() << "\n";
  int code = 1;
  if (e.code == ErrorCode::io_error) code = 3;
  if (e.code == ErrorCode::invalid_input || e.code == ErrorCode::parse_error ||
      e.code == ErrorCode::not_found) {
    code = 2;
  }
  throw CLI::RuntimeError(code);
}

void portfolio(const PortfolioFlags& f) {
  ConfigSources sources;
  if (!f.database.empty()) sources.flags["database"] = f.database;
  if (!f.reference.empty()) sources.flags["reference"] = f.reference;
  auto resolved = resolve_config(sources);
  if (!resolved) die(resolved.error());
  const Config& config = resolved->config;

  // The composition root: the same services (and alert sources, ACI included) as the server.
  auto app = Application::open(config);
  if (!app) die(app.error());
  services::Registry& reg = (*app)->services().registry;

  registry::Date today = today_utc();
  if (!f.date.empty()) {
    auto d = registry::parse_date(f.date);
    if (!d)
      die(Error{ErrorCode::invalid_input, "date attendue au format AAAA-MM-JJ", "--date", "", 0});
    today = *d;
  }
  services::PortfolioFilter filter;
  if (!f.kind.empty()) filter.kind = f.kind;
  if (!f.stage.empty()) filter.stage = f.stage;
  services::Principal system;
  system.login = "system";
  system.role = services::Role::admin;
  auto p = reg.portfolio(system, f.departement, filter, today);
  if (!p) die(p.error());

  std::cout << fmt::format("Portefeuille — {} ({}) au {} : {} structures\n\n", p->departement_name,
                           p->departement, registry::format_date_fr(p->as_of), p->total);
  std::string kind;
  for (const auto& s : p->pipeline) {
    if (s.kind != kind) {
      std::cout << (kind.empty() ? "" : "\n") << s.kind << " :";
      kind = s.kind;
    }
    if (s.count > 0) std::cout << fmt::format("  {} {}", s.count, s.label);
  }
  std::cout << "\n\n";
  std::cout << fmt::format("{:>4}  {:<5} {:<48} {:<28} {:<11} {}\n", "id", "type", "structure",
                           "étape", "échéance", "alertes");
  for (const auto& e : p->entries) {
    std::int64_t late = 0;
    for (const auto& a : e.alerts) late += a.severity == "critical";
    std::cout << fmt::format(
        "{:>4}  {:<5} {:<48} {:<28} {:<11} {}{}\n", e.structure.id, e.structure.kind,
        e.structure.name, e.structure.stage_label,
        e.next_deadline ? registry::format_date_fr(e.next_deadline->date) : "-", e.alerts.size(),
        late > 0 ? fmt::format(" (dont {} en retard)", late) : "");
  }
}

}  // namespace

void add_registry_commands(CLI::App& root) {
  auto* cmd = root.add_subcommand("registry", "Registre des structures (portefeuille ROC)");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<PortfolioFlags>();
  auto* p = cmd->add_subcommand(
      "portfolio", "Portefeuille d'un département : effectifs par étape, échéances et alertes");
  p->add_option("--departement", flags->departement, "Code du département (ex. 57)")->required();
  p->add_option("--type", flags->kind, "Type de structure (CPTS, MSP, ESP, CDS)");
  p->add_option("--etape", flags->stage, "Étape du cycle de vie (ex. aci_signe)");
  p->add_option("--date", flags->date,
                "Date de calcul des alertes (AAAA-MM-JJ) [défaut : aujourd'hui]");
  p->add_option("--database", flags->database,
                "Base de données : fichier SQLite ou postgresql://... [défaut : env "
                "MAILLAGE_DATABASE, sinon var/maillage.sqlite]");
  p->add_option(
      "--reference", flags->reference,
      "Fichier du référentiel [défaut : env MAILLAGE_REFERENCE, sinon var/reference.sqlite]");
  p->callback([flags] { portfolio(*flags); });
}

}  // namespace maillage::app
