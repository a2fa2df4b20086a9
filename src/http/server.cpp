#include "http/server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <http_parser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/error_catalogue.hpp"
#include "http/compress.hpp"
#include "http/router.hpp"

namespace maillage::http {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kCompressFrom = 1024;  // smaller answers are not worth a gzip header
constexpr std::size_t kMaxLingering = 1024;  // closing connections drained before close, at most
constexpr milliseconds kLinger{1000};        // how long a closing connection is drained
constexpr std::uint64_t kListenerId = 0;
constexpr std::uint64_t kWakeId = 1;

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

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// The client address: the socket's peer, or behind a trusted reverse proxy the last address of
// X-Forwarded-For (earlier entries come from the client and prove nothing).
std::string client_address(const Request& in, const std::string& peer, bool trust_forwarded_for) {
  if (trust_forwarded_for) {
    std::string xff = in.header("X-Forwarded-For");
    auto comma = xff.rfind(',');
    auto last = trim(comma == std::string::npos ? std::string_view(xff)
                                                : std::string_view(xff).substr(comma + 1));
    if (!last.empty()) return std::string(last);
  }
  return peer;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

// The bytes of an answer. HEAD, 204 and 304 carry no body; HEAD keeps the GET's Content-Length.
std::string serialize(const Response& r, const std::string& request_id, bool head,
                      bool keep_alive) {
  std::string out;
  out.reserve(256 + r.body.size());
  out += fmt::format("HTTP/1.1 {} {}\r\n", r.status, reason_phrase(r.status));
  if (!request_id.empty()) out += fmt::format("X-Request-Id: {}\r\n", request_id);
  for (const auto& [k, v] : r.headers) {
    if (k.find_first_of("\r\n") != std::string::npos ||
        v.find_first_of("\r\n") != std::string::npos) {
      continue;  // never let a header value split the answer
    }
    out += k;
    out += ": ";
    out += v;
    out += "\r\n";
  }
  const bool bodiless = r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200);
  if (!r.content_type.empty() && !bodiless) {
    out += fmt::format("Content-Type: {}\r\n", r.content_type);
  }
  if (!bodiless) out += fmt::format("Content-Length: {}\r\n", r.body.size());
  out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  out += "\r\n";
  if (!head && !bodiless) out += r.body;
  return out;
}

void set_nonblocking_options(int fd) {
  int yes = 1;
  // Without it every keep-alive answer written in two segments waits 40 ms for a delayed ACK.
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
}

std::string peer_address(const sockaddr_storage& sa) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (sa.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&sa);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
  } else if (sa.ss_family == AF_INET6) {
    const auto* in = reinterpret_cast<const sockaddr_in6*>(&sa);
    inet_ntop(AF_INET6, &in->sin6_addr, buf, sizeof(buf));
  }
  return buf;
}

// A complete request handed to a worker, and the answer it hands back.
struct Job {
  std::uint64_t conn = 0;
  bool admit = false;  // an upload's headers: only the checks before the body (Router::admit)
  Request request;
  std::string accept_encoding;
  bool head = false;
  bool keep_alive = true;
  Clock::time_point start;
};
struct Done {
  std::uint64_t conn = 0;
  std::string bytes;
  bool keep_alive = true;
  bool admit = false;     // the verdict on an upload's headers
  bool admitted = false;  // ...which lets the body be read (else `bytes` is the refusal)
};

// Where a connection is. Only `idle`, `reading`, `writing` and `lingering` have a deadline:
// a request being handled has none (the handler owns its time; stop() waits for it).
enum class Phase : std::uint8_t { idle, reading, handling, writing, lingering };

struct Connection {
  int fd = -1;
  std::uint64_t id = 0;
  Phase phase = Phase::idle;
  Clock::time_point deadline;
  std::string peer;
  http_parser parser{};
  int served = 0;
  // The request being read.
  Request request;
  std::string url;
  std::string field;
  std::string value;
  bool in_value = false;
  bool complete = false;
  bool keep_alive = true;
  bool head = false;
  int refuse = 0;                // a status the server answers itself (413) instead of the router
  bool expect_continue = false;  // "Expect: 100-continue" with a body to come
  std::size_t max_body = 0;
  // Upload routes: the body goes to a file once the workers have admitted the request.
  const Router* router = nullptr;              // to recognise upload routes (nullptr: none)
  std::uint64_t max_upload = 0;
  std::atomic<std::size_t>* peak_body = nullptr;  // the server's peak_body_in_memory
  bool admitting = false;  // upload headers complete, waiting for Router::admit
  int upload_fd = -1;
  std::string upload_path;
  std::uint64_t upload_bytes = 0;
  std::string pending;  // bytes received after a complete request (pipelining)
  // The answer being written.
  std::string out;
  std::size_t out_offset = 0;
  bool close_after = false;
  std::uint32_t events = 0;  // current epoll interest
  bool registered = true;    // in the epoll set (a connection that hung up while handled is not)
};

// --- parser callbacks (loop thread) ---
Connection& conn(http_parser* p) { return *static_cast<Connection*>(p->data); }

void commit_header(Connection& c) {
  if (!c.field.empty()) c.request.headers.emplace(c.field, std::string(trim(c.value)));
  c.field.clear();
  c.value.clear();
  c.in_value = false;
}

int on_message_begin(http_parser* p) {
  Connection& c = conn(p);
  c.request = Request{};
  c.url.clear();
  c.field.clear();
  c.value.clear();
  c.in_value = false;
  c.complete = false;
  c.refuse = 0;
  c.expect_continue = false;
  c.admitting = false;
  c.upload_bytes = 0;
  return 0;
}

int on_url(http_parser* p, const char* at, std::size_t n) {
  conn(p).url.append(at, n);
  return 0;
}

int on_header_field(http_parser* p, const char* at, std::size_t n) {
  Connection& c = conn(p);
  if (c.in_value) commit_header(c);
  c.field.append(at, n);
  return 0;
}

int on_header_value(http_parser* p, const char* at, std::size_t n) {
  Connection& c = conn(p);
  c.in_value = true;
  c.value.append(at, n);
  return 0;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

int on_headers_complete(http_parser* p) {
  Connection& c = conn(p);
  commit_header(c);
  c.request.method = http_method_str(static_cast<http_method>(p->method));
  const bool has_length = (p->flags & F_CONTENTLENGTH) != 0;
  const bool chunked = (p->flags & F_CHUNKED) != 0;
  // An upload route has its own cap, and its body is read only once the request is admitted.
  bool upload = false;
  if (c.router != nullptr && c.max_upload > 0) {
    std::string_view target = c.url;
    const std::string path = url_decode(target.substr(0, target.find('?')), false);
    upload = c.router->upload_route(c.request.method, path) != nullptr;
  }
  const std::uint64_t cap = upload ? c.max_upload : c.max_body;
  if (has_length && !chunked && p->content_length > cap) {
    c.refuse = 413;  // refused before a byte of the body is read
    return -1;
  }
  c.expect_continue = (chunked || (has_length && p->content_length > 0)) &&
                      iequals(c.request.header("Expect"), "100-continue");
  if (upload) {
    // Stop here: the workers check the session, access and CSRF before the body is read.
    c.admitting = true;
    http_parser_pause(p, 1);
  }
  return 0;
}

bool write_all(int fd, const char* at, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, at, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    at += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

int on_body(http_parser* p, const char* at, std::size_t n) {
  Connection& c = conn(p);
  if (c.upload_fd >= 0) {
    if (c.upload_bytes + n > c.max_upload) {
      c.refuse = 413;
      return -1;
    }
    if (!write_all(c.upload_fd, at, n)) {
      c.refuse = 507;  // the disk refused (full, quota): nothing kept
      return -1;
    }
    c.upload_bytes += n;
    return 0;
  }
  if (c.request.body.size() + n > c.max_body) {
    c.refuse = 413;
    return -1;
  }
  c.request.body.append(at, n);
  if (c.peak_body != nullptr) {
    std::size_t size = c.request.body.size();
    std::size_t seen = c.peak_body->load(std::memory_order_relaxed);
    while (size > seen && !c.peak_body->compare_exchange_weak(seen, size)) {
    }
  }
  return 0;
}

int on_message_complete(http_parser* p) {
  Connection& c = conn(p);
  c.complete = true;
  c.keep_alive = http_should_keep_alive(p) != 0 && p->upgrade == 0;
  c.head = p->method == HTTP_HEAD;
  c.request.method = http_method_str(static_cast<http_method>(p->method));
  http_parser_pause(p, 1);  // one request at a time: the rest waits in `pending`
  return 0;
}

const http_parser_settings& parser_settings() {
  static const http_parser_settings s = [] {
    http_parser_settings out;
    std::memset(&out, 0, sizeof(out));
    out.on_message_begin = on_message_begin;
    out.on_url = on_url;
    out.on_header_field = on_header_field;
    out.on_header_value = on_header_value;
    out.on_headers_complete = on_headers_complete;
    out.on_body = on_body;
    out.on_message_complete = on_message_complete;
    return out;
  }();
  return s;
}

}  // namespace

struct Server::Impl {
  Impl(const Router& r, ServerOptions o) : router(r), options(std::move(o)) {}
  ~Impl() {
    for (auto& [id, c] : connections) ::close(c->fd);
    if (listener >= 0) ::close(listener);
    if (epoll_fd >= 0) ::close(epoll_fd);
    if (wake_fd >= 0) ::close(wake_fd);
  }

  const Router& router;
  ServerOptions options;
  std::shared_ptr<spdlog::logger> access;
  int listener = -1;
  int epoll_fd = -1;
  int wake_fd = -1;
  std::size_t max_connections = 0;
  std::atomic<bool> stop_requested{false};
  bool stopping = false;  // loop thread only: the stop has been acted on

  // Connections by id (epoll's data); ids 0 and 1 are the listener and the wake-up eventfd.
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections;
  std::uint64_t next_id = 2;
  std::size_t open_connections = 0;  // counted against max_connections (lingering ones are not)
  std::size_t lingering = 0;
  std::size_t in_flight = 0;  // requests handling or being written
  std::atomic<std::size_t> peak_body{0};
  bool listener_paused = false;
  Clock::time_point listener_paused_until{};
  Clock::time_point last_refusal_log{};
  std::uint64_t refused_since_log = 0;
  std::string refusal;  // the 503 answer past max_connections, built once

  // The worker pool: complete requests in, serialized answers out (then an eventfd write).
  std::mutex jobs_mutex;
  std::condition_variable jobs_cv;
  std::deque<Job> jobs;
  bool workers_stop = false;
  std::vector<std::thread> workers;
  std::mutex done_mutex;
  std::vector<Done> done;

  void wake() const {
    std::uint64_t one = 1;
    ssize_t n = ::write(wake_fd, &one, sizeof(one));
    (void)n;  // a full counter still wakes the loop
  }

  void set_events(Connection& c, std::uint32_t events) {
    if (c.registered && c.events == events) return;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = c.id;
    epoll_ctl(epoll_fd, c.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c.fd, &ev);
    c.events = events;
    c.registered = true;
  }

  // A connection that hangs up while its request is handled: out of the epoll set until the
  // answer is ready (error and hang-up events cannot be masked and would fire on every wait).
  void unregister(Connection& c) {
    if (!c.registered) return;
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    c.registered = false;
  }

  // An upload that will not reach its handler: its temporary file goes.
  static void discard_upload(Connection& c) {
    if (c.upload_fd >= 0) ::close(c.upload_fd);
    c.upload_fd = -1;
    if (!c.upload_path.empty()) ::unlink(c.upload_path.c_str());
    c.upload_path.clear();
  }

  void close_connection(Connection& c) {
    discard_upload(c);
    if (c.registered) epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    if (c.phase == Phase::lingering) {
      --lingering;
    } else {
      --open_connections;
    }
    if (c.phase == Phase::handling || c.phase == Phase::writing) --in_flight;
    connections.erase(c.id);
  }

  // Half-closes after the answer and drains what the client still sends for a moment, so that
  // closing with unread bytes does not reset the connection before the client has read the answer.
  void linger(Connection& c) {
    if (lingering >= kMaxLingering) {
      close_connection(c);
      return;
    }
    if (c.phase == Phase::handling || c.phase == Phase::writing) --in_flight;
    ::shutdown(c.fd, SHUT_WR);
    --open_connections;
    ++lingering;
    c.phase = Phase::lingering;
    c.deadline = Clock::now() + kLinger;
    set_events(c, EPOLLIN);
  }

  void log_access(const Request& req, int status, std::size_t bytes, const std::string& user,
                  Clock::time_point start) {
    if (!options.access_log) return;
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    access->info(
        "request_id={} method={} path={} status={} duration_ms={:.3f} bytes={} user={} remote={}",
        logfmt(req.request_id.empty() ? "-" : req.request_id),
        logfmt(req.method.empty() ? "-" : req.method), logfmt(req.path.empty() ? "-" : req.path),
        status, ms, bytes, logfmt(user.empty() ? "-" : user),
        logfmt(req.remote_addr.empty() ? "-" : req.remote_addr));
  }

  // An answer the transport gives itself (400 malformed, 413 too large): then the connection
  // closes, as the rest of what the client sent cannot be trusted to start a request.
  void answer_and_close(Connection& c, ErrorCode code, std::string message) {
    discard_upload(c);
    Response r = error_response(Error{code, std::move(message), {}, {}, 0});
    add_security_headers(r, RouteKind::api);
    if (c.request.request_id.empty()) c.request.request_id = new_request_id();
    if (c.request.remote_addr.empty()) c.request.remote_addr = c.peer;
    if (c.request.path.empty()) c.request.path = c.url.substr(0, c.url.find('?'));
    log_access(c.request, r.status, r.body.size(), "", Clock::now());
    c.out = serialize(r, c.request.request_id, false, false);
    c.out_offset = 0;
    c.close_after = true;
    c.phase = Phase::writing;
    ++in_flight;
    c.deadline = Clock::now() + options.write_timeout;
    write_some(c);
  }

  // --- the workers ---
  void worker_loop() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(jobs_mutex);
        jobs_cv.wait(lock, [&] { return workers_stop || !jobs.empty(); });
        if (jobs.empty()) return;
        job = std::move(jobs.front());
        jobs.pop_front();
      }
      if (job.admit) {
        admit(job);
        continue;
      }
      Response out;
      try {
        out = router.handle(job.request);
      } catch (const std::exception& e) {
        spdlog::error("request_id={} unhandled exception on {} {}: {}", job.request.request_id,
                      job.request.method, job.request.path, e.what());
        out = error_response(Error{ErrorCode::internal, {}, {}, {}, 0});
      } catch (...) {
        spdlog::error("request_id={} unhandled exception on {} {}", job.request.request_id,
                      job.request.method, job.request.path);
        out = error_response(Error{ErrorCode::internal, {}, {}, {}, 0});
      }
      // An upload's file, unless its handler moved it away to keep it.
      if (!job.request.body_file.empty()) ::unlink(job.request.body_file.c_str());
      encode(out, job.accept_encoding);
      log_access(job.request, out.status, out.body.size(), out.user, job.start);
      Done d{job.conn, serialize(out, job.request.request_id, job.head, job.keep_alive),
             job.keep_alive};
      {
        std::lock_guard lock(done_mutex);
        done.push_back(std::move(d));
      }
      wake();
    }
  }

  // The checks before an upload's body (worker thread): nothing, or the refusal, which closes
  // the connection (the body was not read).
  void admit(Job& job) {
    std::optional<Response> verdict;
    try {
      verdict = router.admit(job.request);
    } catch (const std::exception& e) {
      spdlog::error("request_id={} unhandled exception admitting {} {}: {}",
                    job.request.request_id, job.request.method, job.request.path, e.what());
      verdict = error_response(Error{ErrorCode::internal, {}, {}, {}, 0});
      add_security_headers(*verdict, RouteKind::api);
    }
    Done d{job.conn, "", false, true, !verdict.has_value()};
    if (verdict) {
      log_access(job.request, verdict->status, verdict->body.size(), verdict->user, job.start);
      d.bytes = serialize(*verdict, job.request.request_id, false, false);
    }
    {
      std::lock_guard lock(done_mutex);
      done.push_back(std::move(d));
    }
    wake();
  }

  // --- the loop ---
  void accept_all() {
    for (;;) {
      sockaddr_storage sa{};
      socklen_t len = sizeof(sa);
      int fd =
          ::accept4(listener, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Out of descriptors: stop accepting for a moment instead of spinning on the listener.
          spdlog::warn("accept: {} ; nouvelles connexions suspendues 100 ms", std::strerror(errno));
          pause_listener(Clock::now() + milliseconds(100));
        }
        return;
      }
      if (open_connections >= max_connections) {
        refuse(fd);
        continue;
      }
      set_nonblocking_options(fd);
      auto c = std::make_unique<Connection>();
      c->fd = fd;
      c->id = next_id++;
      c->peer = peer_address(sa);
      c->max_body = options.max_body_bytes;
      c->router = options.upload_dir.empty() ? nullptr : &router;
      c->max_upload = options.max_upload_bytes;
      c->peak_body = &peak_body;
      c->phase = Phase::reading;
      // The first request of a connection must arrive whole within read_timeout of the accept.
      c->deadline = Clock::now() + options.read_timeout;
      http_parser_init(&c->parser, HTTP_REQUEST);
      c->parser.data = c.get();
      c->events = EPOLLIN;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = c->id;
      if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        ::close(fd);
        continue;
      }
      ++open_connections;
      connections.emplace(c->id, std::move(c));
    }
  }

  // Past max_connections: a 503 with the catalogue's JSON, then the connection is drained and
  // closed (or closed at once when too many are already draining).
  void refuse(int fd) {
    ssize_t n = ::send(fd, refusal.data(), refusal.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)n;  // a fresh socket's buffer takes these few hundred bytes
    ++refused_since_log;
    auto now = Clock::now();
    if (now - last_refusal_log > std::chrono::seconds(10)) {
      spdlog::warn("{} connexion(s) refusée(s) (503) : limite de {} connexions atteinte",
                   refused_since_log, max_connections);
      refused_since_log = 0;
      last_refusal_log = now;
    }
    if (lingering >= kMaxLingering) {
      ::close(fd);
      return;
    }
    ::shutdown(fd, SHUT_WR);
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->id = next_id++;
    c->phase = Phase::lingering;
    c->deadline = now + kLinger;
    c->events = EPOLLIN;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = c->id;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
      ::close(fd);
      return;
    }
    ++lingering;
    connections.emplace(c->id, std::move(c));
  }

  void pause_listener(Clock::time_point until) {
    if (listener < 0) return;
    epoll_event ev{};
    ev.data.u64 = kListenerId;
    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, listener, &ev);
    listener_paused = true;
    listener_paused_until = until;
  }

  void resume_listener() {
    if (listener < 0 || !listener_paused) return;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kListenerId;
    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, listener, &ev);
    listener_paused = false;
  }

  void on_readable(Connection& c) {
    if (c.phase == Phase::lingering) {
      char buf[4096];
      for (;;) {
        ssize_t n = ::recv(c.fd, buf, sizeof(buf), 0);
        if (n > 0) continue;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        close_connection(c);  // EOF or error
        return;
      }
    }
    if (c.phase != Phase::idle && c.phase != Phase::reading) return;
    thread_local char buf[64 * 1024];
    for (;;) {
      ssize_t n = ::recv(c.fd, buf, sizeof(buf), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n <= 0) {
        close_connection(c);  // the client went away (a partial request is dropped)
        return;
      }
      if (!feed(c, buf, static_cast<std::size_t>(n))) return;  // closed, or a request is out
      if (static_cast<std::size_t>(n) < sizeof(buf)) return;
    }
  }

  // Runs the parser over newly received bytes. Returns false when the connection is no longer
  // reading (a request went to the workers, an error answer is being written, or it closed).
  bool feed(Connection& c, const char* data, std::size_t size) {
    if (c.phase == Phase::idle) {
      c.phase = Phase::reading;
      c.deadline = Clock::now() + options.read_timeout;  // the whole request, from its first byte
    }
    std::size_t parsed = http_parser_execute(&c.parser, &parser_settings(), data, size);
    auto err = HTTP_PARSER_ERRNO(&c.parser);
    if (c.upload_fd >= 0 && parsed > 0) {
      // An upload may take minutes: its deadline is "no byte for read_timeout".
      c.deadline = Clock::now() + options.read_timeout;
    }
    if (c.complete) {
      c.pending.assign(data + parsed, size - parsed);
      dispatch(c);
      return false;
    }
    if (c.admitting && err == HPE_PAUSED) {
      c.pending.assign(data + parsed, size - parsed);
      send_admission(c);
      return false;
    }
    if (err != HPE_OK) {
      if (c.refuse == 413) {
        answer_and_close(c, ErrorCode::body_too_large, {});
      } else if (c.refuse == 507) {
        spdlog::error("upload to {} failed: {}", c.upload_path, std::strerror(errno));
        answer_and_close(c, ErrorCode::io_error, {});
      } else {
        answer_and_close(c, ErrorCode::invalid_input,
                         fmt::format("requête HTTP mal formée ({})", http_errno_name(err)));
      }
      return false;
    }
    if (c.expect_continue) {
      c.expect_continue = false;
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      ssize_t n = ::send(c.fd, kContinue.data(), kContinue.size(), MSG_NOSIGNAL);
      (void)n;
    }
    return true;
  }

  // An upload's headers: to the workers for the checks that come before the body. The
  // connection reads nothing meanwhile.
  void send_admission(Connection& c) {
    Job job;
    job.conn = c.id;
    job.admit = true;
    job.start = Clock::now();
    Request& req = job.request;
    std::string_view target = c.url;
    auto q = target.find('?');
    req.method = c.request.method;
    req.path = url_decode(target.substr(0, q), false);
    if (q != std::string_view::npos) req.query = parse_query(target.substr(q + 1));
    req.headers = c.request.headers;
    std::string id = req.header("X-Request-Id");
    req.request_id = valid_request_id(id) ? id : new_request_id();
    c.request.request_id = req.request_id;  // the same id for the access-log line of the upload
    req.remote_addr = client_address(req, c.peer, options.trust_forwarded_for);
    c.phase = Phase::handling;
    ++in_flight;
    set_events(c, 0);
    {
      std::lock_guard lock(jobs_mutex);
      jobs.push_back(std::move(job));
    }
    jobs_cv.notify_one();
  }

  // The workers admitted an upload: open its temporary file and read the body into it.
  void start_upload(Connection& c) {
    if (stopping) {
      close_connection(c);
      return;
    }
    --in_flight;
    c.phase = Phase::reading;
    c.admitting = false;
    std::string path = options.upload_dir + "/upload-XXXXXX";
    int fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0) {
      spdlog::error("upload: cannot create a file in {}: {}", options.upload_dir,
                    std::strerror(errno));
      answer_and_close(c, ErrorCode::io_error, {});
      return;
    }
    c.upload_fd = fd;
    c.upload_path = std::move(path);
    c.upload_bytes = 0;
    c.deadline = Clock::now() + options.read_timeout;
    set_events(c, EPOLLIN);
    if (c.expect_continue) {
      c.expect_continue = false;
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      ssize_t n = ::send(c.fd, kContinue.data(), kContinue.size(), MSG_NOSIGNAL);
      (void)n;
    }
    http_parser_pause(&c.parser, 0);
    std::string rest = std::move(c.pending);
    c.pending.clear();
    // Bytes of the body that came with the headers (an empty body completes here).
    feed(c, rest.data(), rest.size());
  }

  // A complete request: to the workers, or answered here when it cannot be routed.
  void dispatch(Connection& c) {
    Request& req = c.request;
    std::string_view target = c.url;
    auto q = target.find('?');
    std::string_view raw_path = target.substr(0, q);
    req.path = url_decode(raw_path, false);
    if (q != std::string_view::npos) req.query = parse_query(target.substr(q + 1));
    std::string id = req.header("X-Request-Id");
    req.request_id = valid_request_id(id) ? id : new_request_id();
    req.remote_addr = client_address(req, c.peer, options.trust_forwarded_for);
    if (c.upload_fd >= 0) {
      // The body is on disk: the file now belongs to the request (the worker removes it).
      ::close(c.upload_fd);
      c.upload_fd = -1;
      req.body_file = std::move(c.upload_path);
      req.body_file_bytes = c.upload_bytes;
      c.upload_path.clear();
    }
    ++c.served;
    bool keep_alive = c.keep_alive && !stopping && c.served < options.keep_alive_max_count;
    if (raw_path.empty() || raw_path.front() != '/') {
      answer_and_close(c, ErrorCode::invalid_input, "cible de requête invalide");
      return;
    }
    c.phase = Phase::handling;
    ++in_flight;
    set_events(c, 0);  // nothing is read until the answer is written
    Job job;
    job.conn = c.id;
    job.accept_encoding = req.header("Accept-Encoding");
    job.head = c.head;
    job.keep_alive = keep_alive;
    job.start = Clock::now();
    job.request = std::move(req);
    c.request = Request{};
    {
      std::lock_guard lock(jobs_mutex);
      jobs.push_back(std::move(job));
    }
    jobs_cv.notify_one();
  }

  void collect_done() {
    std::vector<Done> ready;
    {
      std::lock_guard lock(done_mutex);
      ready.swap(done);
    }
    for (auto& d : ready) {
      auto it = connections.find(d.conn);
      if (it == connections.end()) continue;
      Connection& c = *it->second;
      if (d.admit && d.admitted) {
        start_upload(c);
        continue;
      }
      c.out = std::move(d.bytes);
      c.out_offset = 0;
      c.close_after = !d.keep_alive;
      c.phase = Phase::writing;
      c.deadline = Clock::now() + options.write_timeout;
      write_some(c);
    }
  }

  void write_some(Connection& c) {
    while (c.out_offset < c.out.size()) {
      ssize_t n =
          ::send(c.fd, c.out.data() + c.out_offset, c.out.size() - c.out_offset, MSG_NOSIGNAL);
      if (n > 0) {
        c.out_offset += static_cast<std::size_t>(n);
        c.deadline = Clock::now() + options.write_timeout;  // progress
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        set_events(c, EPOLLOUT);
        return;
      }
      close_connection(c);  // the client went away
      return;
    }
    finished_answer(c);
  }

  void finished_answer(Connection& c) {
    std::string().swap(c.out);
    c.out_offset = 0;
    if (c.close_after || stopping) {
      linger(c);
      return;
    }
    --in_flight;
    c.phase = Phase::idle;
    c.deadline = Clock::now() + options.keep_alive_timeout;
    c.complete = false;
    http_parser_pause(&c.parser, 0);
    set_events(c, EPOLLIN);
    if (!c.pending.empty()) {  // a pipelined request already received
      std::string rest = std::move(c.pending);
      c.pending.clear();
      if (!feed(c, rest.data(), rest.size())) return;
    }
  }

  void sweep(Clock::time_point now) {
    if (listener_paused && !stopping && now >= listener_paused_until) resume_listener();
    std::vector<Connection*> expired;
    for (auto& [id, c] : connections) {
      if (c->phase != Phase::handling && now >= c->deadline) expired.push_back(c.get());
    }
    for (Connection* c : expired) close_connection(*c);
  }

  void begin_stop() {
    stopping = true;
    if (listener >= 0) {
      epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listener, nullptr);
      ::close(listener);
      listener = -1;
    }
    // Connections waiting for (or in the middle of) a request are closed; requests being handled
    // or written are finished, then their connections close.
    std::vector<Connection*> waiting;
    for (auto& [id, c] : connections) {
      if (c->phase == Phase::idle || c->phase == Phase::reading) waiting.push_back(c.get());
    }
    for (Connection* c : waiting) close_connection(*c);
  }

  milliseconds tick() const {
    auto shortest = std::min({options.read_timeout, options.keep_alive_timeout,
                              options.write_timeout, milliseconds(kLinger)});
    return std::clamp(shortest / 4, milliseconds(5), milliseconds(250));
  }

  void loop() {
    const milliseconds period = tick();
    std::vector<epoll_event> events(256);
    Clock::time_point next_sweep = Clock::now() + period;
    for (;;) {
      if (stop_requested && !stopping) begin_stop();
      if (stopping && in_flight == 0) break;
      int n = epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()),
                         static_cast<int>(period.count()));
      if (n < 0 && errno != EINTR) {
        spdlog::error("epoll_wait : {}", std::strerror(errno));
        break;
      }
      for (int i = 0; i < n; ++i) {
        const std::uint64_t id = events[i].data.u64;
        const std::uint32_t ev = events[i].events;
        if (id == kListenerId) {
          if (!stopping) accept_all();
          continue;
        }
        if (id == kWakeId) {
          std::uint64_t count = 0;
          ssize_t r = ::read(wake_fd, &count, sizeof(count));
          (void)r;
          collect_done();
          continue;
        }
        auto it = connections.find(id);
        if (it == connections.end()) continue;
        Connection& c = *it->second;
        if (c.phase == Phase::handling) {
          if (ev & (EPOLLERR | EPOLLHUP)) unregister(c);
        } else if (c.phase == Phase::writing && (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
          write_some(c);
        } else if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
          on_readable(c);
        }
      }
      auto now = Clock::now();
      if (now >= next_sweep) {
        sweep(now);
        next_sweep = now + period;
      }
    }
    // Whatever is left (lingering drains) closes now.
    std::vector<Connection*> rest;
    for (auto& [id, c] : connections) rest.push_back(c.get());
    for (Connection* c : rest) close_connection(*c);
  }
};

Server::Server(const Router& router, ServerOptions options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {
  impl_->access = spdlog::get("access");
  if (!impl_->access) impl_->access = spdlog::default_logger();
  Response busy = error_response(Error{ErrorCode::unavailable, {}, {}, {}, 0});
  busy.set_header("Retry-After", "1");
  add_security_headers(busy, RouteKind::api);
  impl_->refusal = serialize(busy, "", false, false);
}

Server::~Server() {
  stop();
  // run() may still be returning on another thread: its caller joins it before destroying us.
}

Result<int> Server::bind() {
  auto& o = impl_->options;
  auto failure = [&] {
    return fail(ErrorCode::io_error,
                fmt::format("impossible d'écouter sur {}:{} (adresse invalide ou port occupé)",
                            o.host, o.port),
                "port");
  };
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(o.port);
  if (getaddrinfo(o.host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
    return failure();
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    // SO_REUSEADDR alone allows a quick restart (TIME_WAIT) but keeps "port already in use" an
    // error: no SO_REUSEPORT, with which a second server would silently share the port.
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return failure();

  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  int port = sa.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&sa)->sin6_port)
                                      : ntohs(reinterpret_cast<sockaddr_in*>(&sa)->sin_port);

  // Connections need descriptors: raise the soft limit to the hard one, and keep a margin for
  // the database, the référentiel and the logs.
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  std::size_t limit = static_cast<std::size_t>(std::max(o.max_connections, 1));
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < limit + 256) {
    std::size_t fit = lim.rlim_cur > 512 ? static_cast<std::size_t>(lim.rlim_cur) - 256 : 256;
    spdlog::warn("max_connections ramené de {} à {} (limite de descripteurs du processus : {})",
                 limit, fit, static_cast<std::uint64_t>(lim.rlim_cur));
    limit = fit;
  }
  impl_->max_connections = limit;

  if (!o.upload_dir.empty()) {
    // The upload folder: created when missing; temporary files of a previous run (a crash mid
    // upload) are removed.
    std::error_code ec;
    std::filesystem::create_directories(o.upload_dir, ec);
    if (ec) {
      ::close(fd);
      return fail(ErrorCode::io_error,
                  fmt::format("dossier des téléversements {} impossible à créer : {}",
                              o.upload_dir, ec.message()),
                  "upload_dir");
    }
    for (const auto& entry : std::filesystem::directory_iterator(o.upload_dir, ec)) {
      if (entry.path().filename().string().rfind("upload-", 0) == 0) {
        std::filesystem::remove(entry.path(), ec);
      }
    }
  }

  impl_->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl_->epoll_fd < 0 || impl_->wake_fd < 0) {
    ::close(fd);
    return fail(ErrorCode::io_error, "epoll/eventfd indisponible");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenerId;
  epoll_ctl(impl_->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  ev.data.u64 = kWakeId;
  epoll_ctl(impl_->epoll_fd, EPOLL_CTL_ADD, impl_->wake_fd, &ev);
  impl_->listener = fd;
  return port;
}

std::size_t Server::peak_body_in_memory() const { return impl_->peak_body.load(); }

Status Server::run() {
  Impl& s = *impl_;
  if (s.listener < 0 && !s.stop_requested) {
    return fail(ErrorCode::internal, "Server::run before bind");
  }
  const int threads = std::max(s.options.threads, 1);
  s.workers_stop = false;
  for (int i = 0; i < threads; ++i) s.workers.emplace_back([&s] { s.worker_loop(); });
  s.loop();
  {
    std::lock_guard lock(s.jobs_mutex);
    s.workers_stop = true;
  }
  s.jobs_cv.notify_all();
  for (auto& t : s.workers) t.join();
  s.workers.clear();
  return {};
}

void Server::stop() {
  if (!impl_) return;
  impl_->stop_requested = true;
  if (impl_->wake_fd >= 0) impl_->wake();
}

}  // namespace maillage::http
