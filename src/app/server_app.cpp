#include "app/server_app.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "common/try.hpp"
#include "http/assets.hpp"
#include "http/server.hpp"
#include "http/templates.hpp"
#include "http/web_app.hpp"

namespace maillage::app {

struct ServerApp::Assets {
  http::Templates templates;
  http::AssetStore files;
};

Result<std::unique_ptr<ServerApp>> ServerApp::create(const Config& config,
                                                     ServerAppOptions options) {
  std::unique_ptr<ServerApp> app(new ServerApp);

  ApplicationOptions application;
  application.referentiel = std::move(options.referentiel);
  application.tune_accounts = std::move(options.tune_accounts);
  // Each HTTP thread may read at the same time; more read connections than threads are idle.
  application.read_connections = std::clamp(config.threads, 1, 32);
  application.run_roster_jobs = true;
  app->application_ = MAILLAGE_TRY(Application::open(config, std::move(application)));

  const std::string root = assets_root(config);
  auto templates = MAILLAGE_TRY(
      http::Templates::load((std::filesystem::path(root) / "web" / "templates").string()));
  auto files = MAILLAGE_TRY(http::AssetStore::load(root));
  app->assets_ = std::make_unique<Assets>(Assets{std::move(templates), std::move(files)});

  http::SiteOptions site;
  site.secure_cookies = config.secure_cookies;
  site.reference_max_age = config.reference_max_age;
  site.max_body_bytes = static_cast<std::size_t>(config.max_body_bytes);
  app->web_ = std::make_unique<http::WebApp>(app->application_->services(),
                                             app->application_->referentiel(),
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
  server.max_connections = config.max_connections;
  server.upload_dir = config.upload_dir;
  server.max_upload_bytes = static_cast<std::uint64_t>(config.max_upload_bytes);
  app->server_ = std::make_unique<http::Server>(app->web_->router(), server);
  app->port_ = MAILLAGE_TRY(app->server_->bind());
  return app;
}

ServerApp::~ServerApp() {
  // The server first: it references the routes, which reference the services and the data.
  server_.reset();
  web_.reset();
  application_.reset();
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
