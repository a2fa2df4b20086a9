#include "app/application.hpp"

#include <filesystem>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "refdata/reference_file.hpp"
#include "services/aci.hpp"
#include "services/animation.hpp"
#include "services/association.hpp"
#include "services/association_ag.hpp"
#include "services/association_work.hpp"
#include "services/audit_log.hpp"
#include "services/survey.hpp"
#include "services/crisis.hpp"
#include "services/newsletter.hpp"
#include "services/diagnostic.hpp"
#include "services/home.hpp"
#include "services/mail.hpp"
#include "services/operations.hpp"
#include "services/projet_sante.hpp"
#include "services/referents.hpp"
#include "services/registry.hpp"
#include "services/roster_campaigns.hpp"
#include "services/roster_jobs.hpp"
#include "services/rpps_imports.hpp"
#include "services/sectors.hpp"
#include "services/territory.hpp"
#include "store/database.hpp"

namespace maillage::app {

struct Application::Owned {
  std::unique_ptr<services::Accounts> accounts;
  std::unique_ptr<services::Registry> registry;
  std::unique_ptr<services::Territories> territories;
  std::unique_ptr<services::Diagnostics> diagnostics;
  std::unique_ptr<services::AciService> aci;
  std::unique_ptr<services::RosterCampaigns> roster;
  std::unique_ptr<services::RosterJobRunner> roster_jobs;
  std::unique_ptr<services::Operations> operations;
  std::unique_ptr<services::Sectors> sectors;
  std::unique_ptr<services::Referents> referents;
  std::unique_ptr<services::Association> association;
  std::unique_ptr<services::Assemblies> assemblies;
  std::unique_ptr<services::AssociationWork> association_work;
  std::unique_ptr<services::ProjetsDeSante> projets;
  std::unique_ptr<services::Home> home;
  std::unique_ptr<services::AuditLog> audit_log;
  std::unique_ptr<services::Animation> animation;
  std::unique_ptr<services::Surveys> surveys;
  std::unique_ptr<services::Newsletters> newsletters;
  std::unique_ptr<services::NewsletterSender> newsletter_sender;
  std::unique_ptr<services::RppsImports> rpps_imports;
  std::unique_ptr<services::Crises> crises;
};

services::AccountSettings account_settings(const Config& config) {
  services::AccountSettings s;
  s.session_lifetime = config.session_lifetime;
  s.session_max_lifetime = config.session_max_lifetime;
  s.max_failed_logins = config.max_failed_logins;
  s.failed_login_window = config.failed_login_window;
  return s;
}

namespace {

Result<std::unique_ptr<store::Database>> open_database(const Config& config, int read_connections) {
  store::DatabaseOptions options;
  options.read_connections = read_connections;
  auto db = store::Database::open(config.database, options);
  if (!db) {
    Error e = db.error();
    if (e.field.empty()) e.field = "database";
    return tl::unexpected(std::move(e));
  }
  MAILLAGE_CHECK((*db)->migrate());
  return std::move(*db);
}

Result<geo::Referentiel> load_referentiel(const Config& config) {
  auto ref = refdata::load_reference(config.reference);
  if (!ref) {
    Error e = ref.error();
    if (e.file.empty()) e.file = config.reference;
    if (e.field.empty()) e.field = "reference";
    e.message += " (construisez-le avec `maillage reference build --out " + config.reference +
                 "` ou `make reference`)";
    return tl::unexpected(std::move(e));
  }
  return std::move(*ref);
}

// How documents cite the populations: the référentiel's package version and build date.
std::string population_source(const Config& config) {
  std::string out =
      "INSEE, populations légales (référentiel Maillage : paquet "
      "@etalab/decoupage-administratif";
  auto info = refdata::reference_info(config.reference);
  if (info) {
    if (auto v = info->meta.find("package:@etalab/decoupage-administratif");
        v != info->meta.end()) {
      out += " " + v->second;
    }
    if (auto b = info->meta.find("built_at"); b != info->meta.end()) {
      auto built = parse_date(b->second.substr(0, 10));
      out += ", référentiel construit le " +
             (built ? format_date_fr(*built) : b->second.substr(0, 10));
    }
  }
  return out + ")";
}

}  // namespace

Result<std::unique_ptr<Application>> Application::open(const Config& config,
                                                       ApplicationOptions options) {
  std::unique_ptr<Application> app(new Application);
  app->config_ = config;
  app->db_ = MAILLAGE_TRY(open_database(config, options.read_connections));
  if (options.referentiel) {
    app->referentiel_ = std::move(*options.referentiel);
  } else {
    app->referentiel_ = MAILLAGE_TRY(load_referentiel(config));
  }
  store::Database& db = *app->db_;
  const geo::Referentiel& ref = app->referentiel_;

  auto owned = std::make_unique<Owned>();
  // E-mails (password-reset links, AG convocations) through the SMTP server of `smtp_url`, when
  // there is one.
  std::shared_ptr<services::Mailer> mailer;
  if (!config.smtp_url.empty()) {
    mailer = MAILLAGE_TRY(services::make_smtp_mailer(config.smtp_url, config.smtp_from));
  }
  services::AccountSettings accounts = account_settings(config);
  if (options.tune_accounts) options.tune_accounts(accounts);
  owned->accounts = std::make_unique<services::Accounts>(db, accounts, mailer);
  owned->registry =
      std::make_unique<services::Registry>(MAILLAGE_TRY(services::Registry::create(db, ref)));
  services::TerritorySettings territory;
  territory.former_communes_file = former_communes_path(config);
  owned->territories = MAILLAGE_TRY(services::Territories::create(db, ref, std::move(territory)));
  owned->diagnostics =
      std::make_unique<services::Diagnostics>(db, ref, services::rpps_supply_source(db));
  owned->aci = std::make_unique<services::AciService>(db, ref);
  owned->roster =
      std::make_unique<services::RosterCampaigns>(db, [&ref](std::string_view departement) {
        const auto* d = ref.departement(std::string(departement));
        return d ? d->region : std::string();
      });
  owned->roster_jobs =
      std::make_unique<services::RosterJobRunner>(db, services::RosterJobSettings{});
  if (options.run_roster_jobs) owned->roster_jobs->start();
  owned->operations = std::make_unique<services::Operations>(db);
  owned->sectors = MAILLAGE_TRY(services::Sectors::create(db, ref));
  owned->referents = std::make_unique<services::Referents>(db, ref);
  owned->association = std::make_unique<services::Association>(db, ref, owned->diagnostics.get(),
                                                               services::rpps_supply_source(db));
  owned->surveys = std::make_unique<services::Surveys>(db, ref, *owned->association, mailer,
                                                       services::rpps_supply_source(db));
  // Newsletters: sent in the background, 10 messages a second at most.
  owned->newsletters = std::make_unique<services::Newsletters>(db, *owned->surveys, mailer,
                                                               services::rpps_supply_source(db));
  owned->newsletter_sender = std::make_unique<services::NewsletterSender>(*owned->newsletters);
  if (options.run_roster_jobs && mailer) owned->newsletter_sender->start();
  owned->crises = std::make_unique<services::Crises>(db, *owned->surveys, *owned->roster, mailer,
                                                     services::rpps_supply_source(db));
  owned->assemblies =
      std::make_unique<services::Assemblies>(db, *owned->association, std::move(mailer));
  owned->association_work = std::make_unique<services::AssociationWork>(db, *owned->association);
  services::ProjetSettings projet;
  if (!options.referentiel) projet.population_source = population_source(config);
  owned->projets = MAILLAGE_TRY(services::ProjetsDeSante::create(
      db, ref, *owned->registry, *owned->diagnostics, std::move(projet), owned->association.get(),
      owned->association_work.get()));

  owned->home = std::make_unique<services::Home>(*owned->registry);
  owned->audit_log = std::make_unique<services::AuditLog>(db);
  owned->animation = std::make_unique<services::Animation>(db, *owned->registry, ref);

  // RPPS extracts uploaded from the browser wait in upload_dir/rpps and are imported in the
  // background by the server.
  services::RppsImportSettings rpps_imports;
  if (!config.upload_dir.empty()) {
    rpps_imports.folder = (std::filesystem::path(config.upload_dir) / "rpps").string();
  }
  owned->rpps_imports = std::make_unique<services::RppsImports>(
      db, ref, *owned->territories, owned->diagnostics.get(), std::move(rpps_imports));
  if (options.run_roster_jobs) owned->rpps_imports->start();

  // The ROC portfolio shows the ACI dates too, on the page and in `maillage registry portfolio`.
  services::register_aci_alert_source();

  app->services_ = std::make_unique<services::Services>(services::Services{
      *owned->accounts, *owned->registry, *owned->territories, *owned->diagnostics, *owned->aci,
      *owned->roster, *owned->roster_jobs, *owned->operations, *owned->sectors, *owned->referents,
      *owned->association, *owned->assemblies, *owned->association_work, *owned->projets,
      *owned->home, *owned->audit_log, *owned->animation, *owned->surveys, *owned->newsletters,
      *owned->newsletter_sender, *owned->rpps_imports, *owned->crises});
  app->owned_ = std::move(owned);
  return app;
}

Application::~Application() {
  // Services before the database they use; the job runner first (it may be solving).
  if (owned_ && owned_->newsletter_sender) owned_->newsletter_sender->stop();
  if (owned_ && owned_->rpps_imports) owned_->rpps_imports->stop();
  services_.reset();
  if (owned_ && owned_->roster_jobs) owned_->roster_jobs->stop();
  if (owned_ && owned_->sectors) owned_->sectors->stop();
  owned_.reset();
}

}  // namespace maillage::app
