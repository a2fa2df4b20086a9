// The composition root: from a Config it opens and migrates the database, loads the référentiel
// and builds every service once (with the alert sources of the ROC portfolio), for the server
// (ServerApp) and the CLI commands alike. Nothing else in the code base constructs a service.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "app/config.hpp"
#include "common/error.hpp"
#include "geo/referentiel.hpp"
#include "services/accounts.hpp"
#include "services/services.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::app {

struct ApplicationOptions {
  /// Use this référentiel instead of loading config.reference (tests build small ones).
  std::optional<geo::Referentiel> referentiel;
  /// Adjusts the Accounts settings after they are derived from the config (tests lower the
  /// argon2 cost and inject a clock).
  std::function<void(services::AccountSettings&)> tune_accounts;
  /// Read connections of the database (the server sizes them to its threads).
  int read_connections = 8;
  /// Start the background runner of roster solve jobs (the server does; one-shot commands
  /// do not, a server picks their queued jobs up).
  bool run_roster_jobs = false;
};

/// The Accounts settings a Config asks for (session lifetime, login rate limiting).
services::AccountSettings account_settings(const Config& config);

class Application {
 public:
  static Result<std::unique_ptr<Application>> open(const Config& config,
                                                   ApplicationOptions options = {});
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  [[nodiscard]] services::Services& services() { return *services_; }
  [[nodiscard]] const geo::Referentiel& referentiel() const { return referentiel_; }
  /// For the commands that work on the database itself (migrate, backup, restore, imports,
  /// demo loaders) and for tests.
  [[nodiscard]] store::Database& database() { return *db_; }
  [[nodiscard]] const Config& config() const { return config_; }

 private:
  Application() = default;
  struct Owned;

  Config config_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel referentiel_;
  std::unique_ptr<Owned> owned_;
  std::unique_ptr<services::Services> services_;
};

}  // namespace maillage::app
