// The HTTP server: cpp-httplib (Debian 0.11.4) configured entirely at run time (the package is a
// compiled library, so its compile-time macros cannot be changed from here), feeding every request
// to the Router. Adds the request id (X-Request-Id) and writes the one-line access log.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "common/error.hpp"

namespace maillage::http {

class Router;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: an ephemeral port, see Server::bind
  int threads = 16;
  std::size_t max_body_bytes = 1 << 20;
  std::chrono::seconds keep_alive_timeout{5};
  int keep_alive_max_count = 100;
  std::chrono::seconds read_timeout{5};
  std::chrono::seconds write_timeout{5};
  bool access_log = true;
  /// Take the client address from the last X-Forwarded-For entry (the one the reverse proxy
  /// appended). Only behind a trusted proxy: otherwise clients could pick their address and
  /// escape login rate limiting.
  bool trust_forwarded_for = false;
};

class Server {
 public:
  /// `router` must outlive the server.
  Server(const Router& router, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the listening socket; returns the port (the chosen one when options.port is 0).
  Result<int> bind();
  /// Serves until stop(); call bind() first. Returns once in-flight requests have finished.
  Status run();
  /// Stops accepting connections and lets run() return after the requests in progress are
  /// answered. Safe from any thread; idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace maillage::http
