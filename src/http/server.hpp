// The HTTP server: one event loop (epoll) owns every socket and parses HTTP/1.1 with Node's
// http_parser (Debian libhttp-parser-dev); complete requests go to a bounded pool of workers that
// run the Router. Adds the request id (X-Request-Id) and writes the one-line access log.
// See src/http/README.md for the deadlines, the limits and why this design.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/error.hpp"

namespace maillage::http {

class Router;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: an ephemeral port, see Server::bind
  /// Workers running the handlers (the router). I/O never waits for them: a connection whose
  /// request is being handled costs a socket, not a thread.
  int threads = 16;
  std::size_t max_body_bytes = 1 << 20;
  /// Upload routes (Route::upload) stream their body to a temporary file in this folder
  /// (created at bind; files left by a previous run are removed then). Empty: upload routes
  /// are refused with 413 beyond max_body_bytes like any other route.
  std::string upload_dir;
  /// Size cap of an upload route's body, checked against Content-Length before the body is
  /// read and against the bytes received while it is read.
  std::uint64_t max_upload_bytes = std::uint64_t{2} << 30;
  /// Open connections at most (clamped below the process's file limit); the next one gets a 503
  /// and is closed.
  int max_connections = 10000;
  /// How long a keep-alive connection may wait for its next request.
  std::chrono::milliseconds keep_alive_timeout{5000};
  int keep_alive_max_count = 100;
  /// Deadline for a whole request, header and body, counted from its first byte (a new
  /// connection's first request: from the accept). A client sending slowly is closed then.
  std::chrono::milliseconds read_timeout{5000};
  /// A connection whose answer makes no progress for this long is closed.
  std::chrono::milliseconds write_timeout{5000};
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

  /// The largest request body held in memory so far (bytes). Upload routes' bodies go to a
  /// file and never count: tests check that an upload bigger than max_body_bytes left this
  /// under max_body_bytes.
  [[nodiscard]] std::size_t peak_body_in_memory() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace maillage::http
