#include "http/server.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <random>
#include <sys/socket.h>
#include <thread>

#include "common/error_catalogue.hpp"
#include "http/compress.hpp"
#include "http/router.hpp"

namespace maillage::http {

namespace {

using Clock = std::chrono::steady_clock;

// What the access log needs about the request being served. cpp-httplib serves a request on one
// worker thread from the pre-routing hook to the logger hook, and it gives the hooks no place to
// carry data between them, so it lives in a thread_local.
struct InFlight {
  Clock::time_point start{};
  std::string request_id;
  std::string user;
  std::string accept_encoding;  // hidden from cpp-httplib, see compress.hpp
  std::string remote;           // client address (client_address)
};

constexpr std::size_t kCompressFrom = 1024;  // smaller answers are not worth a gzip header

// Compression policy of the answers (compress.hpp): bodies already encoded by their handler keep
// their encoding; others of 1 KiB or more are gzipped when the client accepts it. A strong ETag
// becomes weak on an encoded answer, as the encoded bytes differ from the ones it names.
void encode(Response& out, const std::string& accept_encoding) {
  if (out.header("Content-Encoding").empty() && out.body.size() >= kCompressFrom &&
      compressible(out.content_type) &&
      accepted_encoding(accept_encoding, false) == Encoding::gzip) {
    std::string gz = gzip_compress(out.body);
    if (!gz.empty() && gz.size() < out.body.size()) {
      out.body = std::move(gz);
      out.set_header("Content-Encoding", "gzip");
      out.set_header("Vary", "Accept-Encoding");
    }
  }
  std::string etag = out.header("ETag");
  if (!out.header("Content-Encoding").empty() && !etag.empty() && etag.front() == '"') {
    out.set_header("ETag", "W/" + etag);
  }
}
thread_local InFlight t_in_flight;

bool valid_request_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

// logfmt value: bare when safe, else quoted with escapes (paths come from clients).
std::string logfmt(std::string_view v) {
  bool bare = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '"' && c != '=' && c != '\\';
  });
  if (bare) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// The client address: the socket's peer, or behind a trusted reverse proxy the last address of
// X-Forwarded-For (earlier entries come from the client and prove nothing).
std::string client_address(const httplib::Request& in, bool trust_forwarded_for) {
  if (trust_forwarded_for) {
    std::string xff = in.get_header_value("X-Forwarded-For");
    auto comma = xff.rfind(',');
    std::string last = comma == std::string::npos ? xff : xff.substr(comma + 1);
    auto first = last.find_first_not_of(" \t");
    auto end = last.find_last_not_of(" \t");
    if (first != std::string::npos) return last.substr(first, end - first + 1);
  }
  return in.remote_addr;
}

Request convert(const httplib::Request& in, const std::string& request_id) {
  Request out;
  out.method = in.method;
  out.path = in.path;
  if (auto q = in.target.find('?'); q != std::string::npos) {
    out.query = parse_query(std::string_view(in.target).substr(q + 1));
  }
  for (const auto& [k, v] : in.headers) out.headers.emplace(k, v);
  if (!t_in_flight.accept_encoding.empty()) {
    out.headers.emplace("Accept-Encoding", t_in_flight.accept_encoding);
  }
  out.body = in.body;
  out.remote_addr = t_in_flight.remote;
  out.request_id = request_id;
  return out;
}

void fill_error(httplib::Response& res, const Error& e) {
  Response r = error_response(e);
  res.status = r.status;
  res.set_content(r.body, r.content_type);
}

}  // namespace

struct Server::Impl {
  Impl(const Router& r, ServerOptions o) : router(r), options(std::move(o)) {}
  const Router& router;
  ServerOptions options;
  httplib::Server server;
  std::shared_ptr<spdlog::logger> access;
  bool bound = false;
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> in_run{false};
};

Server::Server(const Router& router, ServerOptions options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {
  auto& svr = impl_->server;
  const ServerOptions& o = impl_->options;
  // Debian's 0.11.4 leaves Nagle on: each keep-alive answer (headers, then body, in two writes)
  // then waits 40 ms for the client's delayed ACK (research/style.md §2.2).
  svr.set_tcp_nodelay(true);
  const auto threads = static_cast<std::size_t>(o.threads);
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_keep_alive_timeout(o.keep_alive_timeout.count());
  svr.set_keep_alive_max_count(static_cast<std::size_t>(o.keep_alive_max_count));
  svr.set_read_timeout(o.read_timeout);
  svr.set_write_timeout(o.write_timeout);
  svr.set_payload_max_length(o.max_body_bytes);
  // cpp-httplib's default sets SO_REUSEPORT: a second server on the same port would then bind
  // happily and silently share the traffic. SO_REUSEADDR alone still allows a quick restart
  // (TIME_WAIT) but makes "port already in use" an error again.
  svr.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });

  impl_->access = spdlog::get("access");
  if (!impl_->access) impl_->access = spdlog::default_logger();

  const bool trust_forwarded_for = o.trust_forwarded_for;
  svr.set_pre_routing_handler([trust_forwarded_for](const httplib::Request& req,
                                                    httplib::Response& res) {
    t_in_flight.start = Clock::now();
    t_in_flight.remote = client_address(req, trust_forwarded_for);
    std::string id = req.get_header_value("X-Request-Id");
    t_in_flight.request_id = valid_request_id(id) ? id : new_request_id();
    t_in_flight.user.clear();
    // cpp-httplib decides to compress from the request's Accept-Encoding alone: take it away
    // (the Request object is not const, cpp-httplib hands it to its hooks by const reference) and
    // compress ourselves, see compress.hpp.
    t_in_flight.accept_encoding = req.get_header_value("Accept-Encoding");
    const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
    res.set_header("X-Request-Id", t_in_flight.request_id);
    return httplib::Server::HandlerResponse::Unhandled;
  });

  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    Request request = convert(req, t_in_flight.request_id);
    Response out = impl_->router.handle(request);
    encode(out, t_in_flight.accept_encoding);
    res.status = out.status;
    for (auto& [k, v] : out.headers) res.headers.emplace(k, v);
    if (!out.body.empty() || !out.content_type.empty()) {
      res.set_content(std::move(out.body), out.content_type);
    }
    t_in_flight.user = std::move(out.user);
  };
  svr.Get(".*", handler);
  svr.Post(".*", handler);
  svr.Put(".*", handler);
  svr.Patch(".*", handler);
  svr.Delete(".*", handler);
  svr.Options(".*", handler);

  // Errors cpp-httplib produces itself (oversize body: 413, malformed request: 400, unknown
  // method) come with an empty body: give them the catalogue's JSON. Our own answers already
  // have a body and are left alone.
  svr.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    ErrorCode code = res.status == 413   ? ErrorCode::body_too_large
                     : res.status == 404 ? ErrorCode::not_found
                                         : ErrorCode::invalid_input;
    fill_error(res, Error{code, {}, {}, {}, 0});
    return httplib::Server::HandlerResponse::Handled;
  }));
  svr.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("request_id={} unhandled exception on {} {}: {}", t_in_flight.request_id,
                      req.method, req.path, what);
        fill_error(res, Error{ErrorCode::internal, {}, {}, {}, 0});
      });

  if (o.access_log) {
    svr.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      double ms = t_in_flight.start == Clock::time_point{}
                      ? 0.0
                      : std::chrono::duration<double, std::milli>(Clock::now() - t_in_flight.start)
                            .count();
      impl_->access->info(
          "request_id={} method={} path={} status={} duration_ms={:.3f} bytes={} user={} "
          "remote={}",
          logfmt(t_in_flight.request_id.empty() ? "-" : t_in_flight.request_id),
          logfmt(req.method), logfmt(req.path), res.status, ms, res.body.size(),
          logfmt(t_in_flight.user.empty() ? "-" : t_in_flight.user),
          logfmt(t_in_flight.remote.empty() ? req.remote_addr : t_in_flight.remote));
      t_in_flight = InFlight{};
    });
  }
}

Server::~Server() { stop(); }

Result<int> Server::bind() {
  auto& o = impl_->options;
  int port = 0;
  if (o.port == 0) {
    port = impl_->server.bind_to_any_port(o.host);
    if (port < 0) port = 0;
  } else if (impl_->server.bind_to_port(o.host, o.port)) {
    port = o.port;
  }
  if (port <= 0) {
    return fail(ErrorCode::io_error,
                fmt::format("impossible d'écouter sur {}:{} (adresse invalide ou port occupé)",
                            o.host, o.port),
                "port");
  }
  impl_->bound = true;
  return port;
}

Status Server::run() {
  if (!impl_->bound) return fail(ErrorCode::internal, "Server::run before bind");
  impl_->in_run = true;
  if (!impl_->stop_requested) impl_->server.listen_after_bind();
  impl_->in_run = false;
  return {};
}

void Server::stop() {
  if (!impl_) return;
  impl_->stop_requested = true;
  // httplib's stop() does nothing until the accept loop runs: a stop() that lands between run()
  // being entered and the loop starting waits for it, so that run() cannot block forever.
  while (impl_->in_run && !impl_->server.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (impl_->server.is_running()) impl_->server.stop();
}

}  // namespace maillage::http
