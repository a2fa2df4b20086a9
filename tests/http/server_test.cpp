// The HTTP transport alone (no database): graceful stop with a request in flight, the catalogue's
// JSON for errors the transport raises itself, and the behaviour under slow or many clients
// (deadlines and bounds are set small through ServerOptions; no assertion is about a duration).
#include "http/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "http/router.hpp"

namespace maillage::http {
namespace {

using namespace std::chrono_literals;

// A raw client socket: what httplib::Client cannot do (stop in the middle of a header, pipeline,
// hold many connections). Every blocking read is bounded by a 20 s guard so a failing server
// fails the test instead of hanging it.
class Raw {
 public:
  explicit Raw(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<std::uint16_t>(port));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval guard{20, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof(guard));
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0;
  }
  ~Raw() {
    if (fd_ >= 0) ::close(fd_);
  }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }
  bool send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  /// One whole answer (status line, headers, Content-Length bytes of body); "" on EOF first.
  std::string response(bool head = false) {
    for (;;) {
      auto end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t length = 0;
        auto cl = buffer_.find("Content-Length: ");
        if (cl != std::string::npos && cl < end && !head) {
          length = std::stoul(buffer_.substr(cl + 16));
        }
        if (buffer_.size() >= end + 4 + length) {
          std::string out = buffer_.substr(0, end + 4 + length);
          buffer_.erase(0, end + 4 + length);
          return out;
        }
      }
      if (!fill()) return "";
    }
  }
  /// True when the server closed the connection (EOF or reset) before sending anything more.
  bool closed_by_server() {
    char c = 0;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }
  /// True when the connection is readable now (data, EOF or reset), without waiting.
  bool readable() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
  }

 private:
  bool fill() {
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

int status_of(const std::string& response) {
  if (response.size() < 12 || response.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::stoi(response.substr(9, 3));
}

Route get(std::string path, std::string body) {
  return {"GET",
          std::move(path),
          AccessRule::anyone(),
          RouteKind::api,
          [body](const RequestContext&) -> Result<Response> { return Response::json(body); },
          "",
          {},
          {}};
}

// A server on an ephemeral port, running in a thread; stopped and joined on destruction.
class Running {
 public:
  Running(const Router& router, ServerOptions options) : server_(router, prepare(options)) {
    auto port = server_.bind();
    EXPECT_TRUE(port.has_value());
    port_ = port.value_or(0);
    runner_ = std::thread([this] { (void)server_.run(); });
  }
  ~Running() {
    server_.stop();
    runner_.join();
  }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
  [[nodiscard]] int port() const { return port_; }
  Server& server() { return server_; }

 private:
  static ServerOptions prepare(ServerOptions o) {
    o.port = 0;
    o.access_log = false;
    return o;
  }
  Server server_;
  int port_ = 0;
  std::thread runner_;
};

constexpr std::string_view kPing = "GET /ping HTTP/1.1\r\nHost: test\r\n\r\n";

TEST(Server, StopLetsTheRequestInFlightFinish) {
  std::atomic<bool> started{false};
  Router router{RouterOptions{}};
  router.add({"GET",
              "/slow",
              AccessRule::anyone(),
              RouteKind::api,
              [&](const RequestContext&) -> Result<Response> {
                started = true;
                std::this_thread::sleep_for(300ms);
                return Response::json(R"({"fini":true})");
              },
              "",
              {},
              {}});
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.access_log = false;
  Server server(router, options);
  auto port = server.bind();
  ASSERT_TRUE(port.has_value()) << port.error().describe();
  std::thread runner([&] { (void)server.run(); });

  int status = 0;
  std::string body;
  std::thread client([&] {
    httplib::Client cli("127.0.0.1", *port);
    if (auto r = cli.Get("/slow")) {
      status = r->status;
      body = r->body;
    }
  });
  while (!started) std::this_thread::sleep_for(1ms);
  server.stop();  // while /slow is being served
  runner.join();  // run() returns only after the request is answered
  client.join();
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body, R"({"fini":true})");

  // And the port no longer accepts connections.
  httplib::Client late("127.0.0.1", *port);
  late.set_connection_timeout(1);
  EXPECT_FALSE(late.Get("/slow"));
}

TEST(Server, StopBeforeRunDoesNotHang) {
  Router router{RouterOptions{}};
  ServerOptions options;
  options.port = 0;
  Server server(router, options);
  ASSERT_TRUE(server.bind().has_value());
  server.stop();
  EXPECT_TRUE(server.run().has_value());
}

TEST(Server, BindFailureNamesThePort) {
  Router router{RouterOptions{}};
  ServerOptions options;
  options.port = 0;
  Server first(router, options);
  auto port = first.bind();
  ASSERT_TRUE(port.has_value());
  options.port = *port;
  Server second(router, options);
  auto again = second.bind();
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().field, "port");
}

TEST(Server, MalformedRequestGetsCatalogueJson) {
  Router router{RouterOptions{}};
  ServerOptions options;
  options.port = 0;
  options.access_log = false;
  Server server(router, options);
  auto port = server.bind();
  ASSERT_TRUE(port.has_value());
  std::thread runner([&] { (void)server.run(); });
  httplib::Client cli("127.0.0.1", *port);
  auto r = cli.Get("/nowhere");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("\"code\":\"not_found\""), std::string::npos);
  server.stop();
  runner.join();
}

TEST(Server, GarbageGetsA400WithCatalogueJson) {
  Router router{RouterOptions{}};
  Running running(router, ServerOptions{});
  Raw raw(running.port());
  ASSERT_TRUE(raw.send("NOT HTTP AT ALL\r\n\r\n"));
  std::string r = raw.response();
  EXPECT_EQ(status_of(r), 400) << r;
  EXPECT_NE(r.find("\"code\":\"invalid_input\""), std::string::npos) << r;
  EXPECT_TRUE(raw.closed_by_server());
}

TEST(Server, ANewClientIsAnsweredWhileManySlowClientsHoldConnections) {
  Router router{RouterOptions{}};
  router.add(get("/ping", R"({"pong":true})"));
  ServerOptions options;
  options.threads = 2;
  options.read_timeout = 60s;  // the slow clients stay for the whole test
  Running running(router, options);
  // 300 clients, far more than the 2 workers, each stuck in the middle of its request header.
  std::vector<std::unique_ptr<Raw>> slow;
  for (int i = 0; i < 300; ++i) {
    slow.push_back(std::make_unique<Raw>(running.port()));
    ASSERT_TRUE(slow.back()->connected());
    ASSERT_TRUE(slow.back()->send("GET /ping HTTP/1.1\r\nHost: te"));
  }
  httplib::Client cli("127.0.0.1", running.port());
  auto r = cli.Get("/ping");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"pong":true})");
  // The slow clients are still connected, and one of them finishing its header is answered.
  for (auto& s : slow) EXPECT_FALSE(s->readable());
  ASSERT_TRUE(slow.front()->send("st\r\n\r\n"));
  EXPECT_EQ(status_of(slow.front()->response()), 200);
}

TEST(Server, PastTheConnectionBoundAClientGetsA503) {
  Router router{RouterOptions{}};
  router.add(get("/ping", "{}"));
  ServerOptions options;
  options.max_connections = 4;
  options.keep_alive_timeout = 60s;
  Running running(router, options);
  std::vector<std::unique_ptr<Raw>> held;
  for (int i = 0; i < 4; ++i) {  // answered, so the server holds them (keep-alive)
    held.push_back(std::make_unique<Raw>(running.port()));
    ASSERT_TRUE(held.back()->send(kPing));
    ASSERT_EQ(status_of(held.back()->response()), 200);
  }
  Raw extra(running.port());
  ASSERT_TRUE(extra.connected());  // the kernel accepts; the server answers 503 and closes
  extra.send(kPing);
  std::string r = extra.response();
  EXPECT_EQ(status_of(r), 503) << r;
  EXPECT_NE(r.find("\"code\":\"unavailable\""), std::string::npos) << r;
  EXPECT_NE(r.find("Retry-After: 1"), std::string::npos) << r;
  EXPECT_TRUE(extra.closed_by_server());
  // The connections within the bound are served as before.
  ASSERT_TRUE(held.front()->send(kPing));
  EXPECT_EQ(status_of(held.front()->response()), 200);
}

TEST(Server, AHeaderThatNeverCompletesIsClosedAtTheDeadline) {
  Router router{RouterOptions{}};
  router.add(get("/ping", "{}"));
  ServerOptions options;
  options.read_timeout = 300ms;
  options.keep_alive_timeout = 60s;
  Running running(router, options);
  // Stops in the middle of the header: closed without an answer.
  Raw stalled(running.port());
  ASSERT_TRUE(stalled.send("GET /ping HTTP/1.1\r\nHost: test\r\n"));
  EXPECT_TRUE(stalled.closed_by_server());
  // Trickles one byte at a time, never idle long: the deadline is on the whole header, so it is
  // closed all the same (an inactivity timeout alone would keep it forever).
  Raw trickling(running.port());
  std::string endless = "GET /ping HTTP/1.1\r\nX-Slow: ";
  bool closed = false;
  for (std::size_t i = 0; i < 3000 && !closed; ++i) {
    if (i < endless.size() ? !trickling.send(endless.substr(i, 1)) : !trickling.send("a")) {
      closed = true;  // the server has gone: EPIPE / reset
      break;
    }
    std::this_thread::sleep_for(10ms);
    if (trickling.readable()) closed = trickling.closed_by_server();
  }
  EXPECT_TRUE(closed);
}

TEST(Server, ASlowHandlerDoesNotStopTheTransport) {
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::atomic<bool> started{false};
  Router router{RouterOptions{}};
  router.add({"GET",
              "/slow",
              AccessRule::anyone(),
              RouteKind::api,
              [&](const RequestContext&) -> Result<Response> {
                started = true;
                std::unique_lock lock(m);
                cv.wait(lock, [&] { return release; });
                return Response::json("{}");
              },
              "",
              {},
              {}});
  ServerOptions options;
  options.threads = 1;  // the only worker is held by /slow
  options.max_body_bytes = 16;
  Running running(router, options);
  Raw busy(running.port());
  ASSERT_TRUE(busy.send("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n"));
  while (!started) std::this_thread::sleep_for(1ms);
  // The event loop still reads, refuses and answers what needs no handler.
  Raw big(running.port());
  ASSERT_TRUE(big.send("POST /slow HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n"));
  std::string r = big.response();
  EXPECT_EQ(status_of(r), 413) << r;
  EXPECT_NE(r.find("\"code\":\"body_too_large\""), std::string::npos) << r;
  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
  EXPECT_EQ(status_of(busy.response()), 200);
}

TEST(Server, KeepAlivePipeliningChunkedBodiesAndHead) {
  Router router{RouterOptions{}};
  router.add(get("/ping", R"({"pong":true})"));
  router.add({"POST",
              "/echo",
              AccessRule::anyone(),
              RouteKind::api,
              [](const RequestContext& ctx) -> Result<Response> {
                return Response::json("\"" + ctx.request.body + "\"");
              },
              "",
              {},
              {}});
  ServerOptions options;
  options.keep_alive_max_count = 3;
  Running running(router, options);
  Raw raw(running.port());
  // Two requests in one write: two answers, in order.
  ASSERT_TRUE(raw.send(std::string(kPing) +
                       "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  std::string first = raw.response();
  EXPECT_EQ(status_of(first), 200);
  EXPECT_NE(first.find(R"({"pong":true})"), std::string::npos);
  EXPECT_NE(first.find("X-Request-Id: "), std::string::npos);
  std::string second = raw.response();
  EXPECT_EQ(status_of(second), 200);
  EXPECT_NE(second.find("\"abcde\""), std::string::npos) << second;
  // HEAD: the GET's headers, no body; the third request is the last of this connection.
  ASSERT_TRUE(raw.send("HEAD /ping HTTP/1.1\r\nHost: test\r\nX-Request-Id: abc-123\r\n\r\n"));
  std::string head = raw.response(true);
  EXPECT_EQ(status_of(head), 200);
  EXPECT_NE(head.find("Content-Length: 13"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Request-Id: abc-123"), std::string::npos) << head;
  EXPECT_NE(head.find("Connection: close"), std::string::npos) << head;
  EXPECT_TRUE(raw.closed_by_server());
}

TEST(Server, KeepAliveConnectionsIdlePastTheTimeoutAreClosed) {
  Router router{RouterOptions{}};
  router.add(get("/ping", "{}"));
  ServerOptions options;
  options.keep_alive_timeout = 200ms;
  Running running(router, options);
  Raw raw(running.port());
  ASSERT_TRUE(raw.send(kPing));
  EXPECT_EQ(status_of(raw.response()), 200);
  EXPECT_TRUE(raw.closed_by_server());
}

}  // namespace
}  // namespace maillage::http
