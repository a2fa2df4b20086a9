#include "http/test_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "demo/demo.hpp"
#include "http/test_referentiel.hpp"
#include "services/accounts.hpp"

namespace maillage::testing {

namespace {

// argon2id at its smallest: the tests exercise the flows, not the cost.
void cheap_hashes(services::AccountSettings& s) {
  s.argon2_memory_kib = 64;
  s.argon2_passes = 1;
  s.argon2_lanes = 1;
}

std::string source_dir() {
  const char* dir = std::getenv("MAILLAGE_SOURCE_DIR");
  return dir ? dir : "";
}

}  // namespace

TestServer::TestServer(store::Backend backend, const std::function<void(app::Config&)>& adjust,
                       const std::function<void(services::AccountSettings&)>& tune_accounts) {
  scratch_ = ScratchDatabase::create(backend);
  app::Config config = app::default_config();
  config.port = 0;
  config.threads = 8;
  config.database = scratch_->url();
  config.assets = source_dir();
  config.max_body_bytes = 8192;
  config.access_log = true;
  // Uploads (RPPS extracts) go to a folder of this server only.
  static std::atomic<int> servers{0};
  upload_dir_ = (std::filesystem::temp_directory_path() /
                 ("maillage-test-uploads-" + std::to_string(::getpid()) + "-" +
                  std::to_string(servers++)))
                    .string();
  config.upload_dir = upload_dir_;
  if (adjust) adjust(config);

  app::ServerAppOptions options;
  options.referentiel = small_referentiel();
  options.tune_accounts = [tune_accounts](services::AccountSettings& s) {
    cheap_hashes(s);
    if (tune_accounts) tune_accounts(s);
  };
  auto app = app::ServerApp::create(config, std::move(options));
  if (!app) throw std::runtime_error("ServerApp::create: " + app.error().describe());
  app_ = std::move(*app);

  services::AccountSettings settings = app::account_settings(config);
  cheap_hashes(settings);
  auto demo = demo::load_demo_accounts(app_->database(), settings);
  if (!demo) throw std::runtime_error("load_demo_accounts: " + demo.error().describe());

  thread_ = std::thread([this] { (void)app_->run(); });
}

TestServer::~TestServer() {
  app_->stop();
  if (thread_.joinable()) thread_.join();
  app_.reset();
  scratch_.reset();
  std::error_code ec;
  std::filesystem::remove_all(upload_dir_, ec);
}

httplib::Client TestServer::client() const {
  httplib::Client c("127.0.0.1", port());
  c.set_connection_timeout(5);
  // Generous: the tests assert answers, not durations. The first territory CSV import reads
  // etalab's communes.json (tens of MB) under ASan, 11 s and more on a loaded 2-core machine.
  c.set_read_timeout(120);
  return c;
}

std::string TestServer::login_of(services::Role role) const {
  switch (role) {
    case services::Role::admin:
      return "admin@demo.maillage.fr";
    case services::Role::observer:
      return "observateur@demo.maillage.fr";
    case services::Role::ars:
      return "ars.grand-est@demo.maillage.fr";
    case services::Role::roc:
      return "roc1.moselle@demo.maillage.fr";
    case services::Role::charge_de_mission:
      return "charge-mission.grand-est@demo.maillage.fr";
    case services::Role::coordinator:
      return "coordination@demo.maillage.fr";
    case services::Role::member:
      return "membre@demo.maillage.fr";
  }
  return "";
}

SignedIn TestServer::sign_in(services::Role role) {
  nlohmann::json body{{"identifiant", login_of(role)},
                      {"mot_de_passe", std::string(services::kDemoPassword)}};
  auto cli = client();
  auto r = cli.Post("/api/v1/session", body.dump(), "application/json");
  if (!r || r->status != 201) {
    ADD_FAILURE() << "sign in as " << login_of(role)
                  << " failed: " << (r ? std::to_string(r->status) + " " + r->body : "no response");
    return {};
  }
  SignedIn s;
  s.cookie = "maillage_session=" + set_cookie_value(*r, "maillage_session");
  s.csrf = nlohmann::json::parse(r->body)["csrf"].get<std::string>();
  return s;
}

httplib::Result TestServer::get(const std::string& path, const std::optional<SignedIn>& who,
                                httplib::Headers headers) {
  if (who) headers.emplace("Cookie", who->cookie);
  return client().Get(path.c_str(), headers);
}

httplib::Result TestServer::post_json(const std::string& path, const std::string& body,
                                      const std::optional<SignedIn>& who,
                                      httplib::Headers headers) {
  if (who) {
    headers.emplace("Cookie", who->cookie);
    headers.emplace("X-CSRF-Token", who->csrf);
  }
  return client().Post(path.c_str(), headers, body, "application/json");
}

std::string set_cookie_header(const httplib::Response& r, const std::string& name) {
  auto [begin, end] = r.headers.equal_range("Set-Cookie");
  for (auto it = begin; it != end; ++it) {
    if (it->second.rfind(name + "=", 0) == 0) return it->second;
  }
  return "";
}

std::string set_cookie_value(const httplib::Response& r, const std::string& name) {
  std::string h = set_cookie_header(r, name);
  if (h.empty()) return "";
  auto start = name.size() + 1;
  return h.substr(start, h.find(';') - start);
}

}  // namespace maillage::testing
