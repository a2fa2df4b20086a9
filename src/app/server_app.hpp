// `maillage serve`: the Application (database, référentiel, every service: application.hpp), the
// templates and assets, the routes (src/http) and the HTTP server bound to its port. Tests create
// it in-process on port 0.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "app/application.hpp"
#include "app/config.hpp"
#include "common/error.hpp"
#include "geo/referentiel.hpp"
#include "services/accounts.hpp"

namespace maillage::http {
class WebApp;
class Server;
class Router;
}  // namespace maillage::http
namespace maillage::store {
class Database;
}

namespace maillage::app {

struct ServerAppOptions {
  /// Use this référentiel instead of loading config.reference (tests build small ones).
  std::optional<geo::Referentiel> referentiel;
  /// Adjusts the Accounts settings after they are derived from the config (tests lower the
  /// argon2 cost and inject a clock).
  std::function<void(services::AccountSettings&)> tune_accounts;
};

class ServerApp {
 public:
  static Result<std::unique_ptr<ServerApp>> create(const Config& config,
                                                   ServerAppOptions options = {});
  ~ServerApp();
  ServerApp(const ServerApp&) = delete;
  ServerApp& operator=(const ServerApp&) = delete;

  /// The bound port (the chosen one when config.port is 0).
  [[nodiscard]] int port() const { return port_; }
  /// Serves until stop(); returns after in-flight requests are answered.
  Status run();
  /// Thread-safe; may be called before run() starts.
  void stop();

  [[nodiscard]] const http::Router& router() const;
  [[nodiscard]] Application& application() { return *application_; }
  [[nodiscard]] store::Database& database() { return application_->database(); }
  [[nodiscard]] services::Accounts& accounts() { return application_->services().accounts; }
  [[nodiscard]] const geo::Referentiel& referentiel() const { return application_->referentiel(); }

 private:
  ServerApp() = default;

  struct Assets;
  std::unique_ptr<Application> application_;
  std::unique_ptr<Assets> assets_;
  std::unique_ptr<http::WebApp> web_;
  std::unique_ptr<http::Server> server_;
  int port_ = 0;
};

/// Sets the log level and the access logger (async; drops the oldest lines rather than block a
/// request thread when the output cannot keep up).
void configure_logging(const Config& config);

}  // namespace maillage::app
