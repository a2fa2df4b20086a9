#include "app/server_app.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "http/assets.hpp"
#include "http/server.hpp"
#include "http/templates.hpp"
#include "http/web_app.hpp"
#include "refdata/reference_file.hpp"
#include "store/database.hpp"

namespace maillage::app {

struct ServerApp::Assets {
  http::Templates templates;
  http::AssetStore files;
};

services::AccountSettings account_settings(const Config& config) {
  services::AccountSettings s;
  s.session_lifetime = config.session_lifetime;
  s.max_failed_logins = config.max_failed_logins;
  s.failed_login_window = config.failed_login_window;
  return s;
}

Result<std::unique_ptr<ServerApp>> ServerApp::create(const Config& config,
                                                     ServerAppOptions options) {
  std::unique_ptr<ServerApp> app(new ServerApp);

  store::DatabaseOptions db_options;
  // Each HTTP thread may read at the same time; more read connections than threads are idle.
  db_options.read_connections = std::clamp(config.threads, 1, 32);
  auto db = store::Database::open(config.database, db_options);
  if (!db) {
    Error e = db.error();
    if (e.field.empty()) e.field = "database";
    return tl::unexpected(std::move(e));
  }
  app->db_ = std::move(*db);
  if (auto v = app->db_->migrate(); !v) return tl::unexpected(v.error());

  if (options.referentiel) {
    app->referentiel_ = std::move(*options.referentiel);
  } else {
    auto ref = refdata::load_reference(config.reference);
    if (!ref) {
      Error e = ref.error();
      if (e.file.empty()) e.file = config.reference;
      if (e.field.empty()) e.field = "reference";
      e.message += " (construisez-le avec `maillage reference build --out " + config.reference +
                   "` ou `make reference`)";
      return tl::unexpected(std::move(e));
    }
    app->referentiel_ = std::move(*ref);
  }

  const std::string root = assets_root(config);
  auto templates = http::Templates::load((std::filesystem::path(root) / "web" / "templates").string());
  if (!templates) return tl::unexpected(templates.error());
  auto files = http::AssetStore::load(root);
  if (!files) return tl::unexpected(files.error());
  app->assets_ = std::make_unique<Assets>(Assets{std::move(*templates), std::move(*files)});

  services::AccountSettings settings = account_settings(config);
  if (options.tune_accounts) options.tune_accounts(settings);
  app->accounts_ = std::make_unique<services::Accounts>(*app->db_, settings);

  http::SiteOptions site;
  site.secure_cookies = config.secure_cookies;
  site.reference_max_age = config.reference_max_age;
  site.max_body_bytes = static_cast<std::size_t>(config.max_body_bytes);
  app->web_ = std::make_unique<http::WebApp>(*app->db_, *app->accounts_, app->referentiel_,
                                             app->assets_->templates, app->assets_->files, site);

  http::ServerOptions server;
  server.host = config.host;
  server.port = config.port;
  server.threads = config.threads;
  server.max_body_bytes = static_cast<std::size_t>(config.max_body_bytes);
  server.keep_alive_timeout = config.keep_alive_timeout;
  server.keep_alive_max_count = config.keep_alive_max_count;
  server.read_timeout = config.read_timeout;
  server.write_timeout = config.write_timeout;
  server.access_log = config.access_log;
  server.trust_forwarded_for = config.trust_proxy;
  app->server_ = std::make_unique<http::Server>(app->web_->router(), server);
  auto port = app->server_->bind();
  if (!port) return tl::unexpected(port.error());
  app->port_ = *port;
  return app;
}

ServerApp::~ServerApp() {
  // The server first: it references the routes, which reference the services and the data.
  server_.reset();
  web_.reset();
}

Status ServerApp::run() { return server_->run(); }

void ServerApp::stop() { server_->stop(); }

const http::Router& ServerApp::router() const { return web_->router(); }

void configure_logging(const Config& config) {
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  if (!spdlog::get("access")) {
    spdlog::init_thread_pool(8192, 1);
    auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    auto access = std::make_shared<spdlog::async_logger>(
        "access", sink, spdlog::thread_pool(), spdlog::async_overflow_policy::overrun_oldest);
    access->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z access %v");
    access->set_level(spdlog::level::from_str(config.log_level));
    spdlog::register_logger(access);
  }
}

}  // namespace maillage::app
