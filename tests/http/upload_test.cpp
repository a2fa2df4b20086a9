// Upload routes of the transport (Route::upload, ServerOptions::upload_dir): the body is streamed
// to a temporary file, never held in memory; the session, the access rule and the CSRF token are
// checked before a byte of it is read; the upload cap is checked against Content-Length and while
// reading; the temporary file goes whatever happens. The assertions are about bytes and files,
// never durations (waits are bounded polls of a state).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "http/router.hpp"
#include "http/server.hpp"

namespace maillage::http {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using services::Role;

constexpr std::size_t kMaxBody = 64 * 1024;        // the in-memory cap of the test server
constexpr std::uint64_t kMaxUpload = 32ULL << 20;  // its upload cap

services::Session session_for(Role role) {
  services::Session s;
  s.token = "tok-" + std::string(services::role_id(role));
  s.csrf = "csrf-" + std::string(services::role_id(role));
  s.principal.login = std::string(services::role_id(role)) + "@test";
  s.principal.role = role;
  return s;
}

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// What the upload handler saw.
struct Seen {
  std::mutex mutex;
  int calls = 0;
  std::string path;
  std::uint64_t bytes = 0;
  std::uint64_t hash = 0;
  std::size_t body_in_memory = 0;
  bool file_existed = false;
};

class UploadTest : public ::testing::Test {
 protected:
  UploadTest() : router_(options()) {
    dir_ = fs::temp_directory_path() /
           ("maillage-upload-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    Route upload{"POST",
                 "/upload",
                 AccessRule::only({Role::admin, Role::roc}),
                 RouteKind::api,
                 [this](const RequestContext& ctx) -> Result<Response> {
                   std::lock_guard lock(seen_.mutex);
                   ++seen_.calls;
                   seen_.path = ctx.request.body_file;
                   seen_.body_in_memory = ctx.request.body.size();
                   seen_.file_existed = fs::exists(ctx.request.body_file);
                   std::ifstream in(ctx.request.body_file, std::ios::binary);
                   std::string chunk(1 << 16, '\0');
                   std::uint64_t h = 1469598103934665603ULL, n = 0;
                   while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) ||
                          in.gcount() > 0) {
                     auto got = static_cast<std::size_t>(in.gcount());
                     h = fnv1a(std::string_view(chunk.data(), got), h);
                     n += got;
                   }
                   seen_.bytes = n;
                   seen_.hash = h;
                   return Response::json("{\"ok\":true}");
                 },
                 "",
                 {},
                 {{"nom", "", false, false}}};
    upload.upload = true;
    upload.before_body = [this](const RequestContext&) -> Status {
      if (busy_) return fail(ErrorCode::conflict, "occupé");
      return {};
    };
    router_.add(std::move(upload));
    router_.add({"POST", "/echo", AccessRule::anyone(), RouteKind::api,
                 [](const RequestContext& ctx) -> Result<Response> {
                   return Response::json(std::to_string(ctx.request.body.size()));
                 },
                 "", {}, {}});
    ServerOptions o;
    o.port = 0;
    o.access_log = false;
    o.threads = 2;
    o.max_body_bytes = kMaxBody;
    o.upload_dir = dir_.string();
    o.max_upload_bytes = kMaxUpload;
    o.read_timeout = 10s;
    server_ = std::make_unique<Server>(router_, o);
    auto port = server_->bind();
    EXPECT_TRUE(port.has_value());
    port_ = port.value_or(0);
    runner_ = std::thread([this] { (void)server_->run(); });
  }
  ~UploadTest() override {
    server_->stop();
    runner_.join();
    server_.reset();
    fs::remove_all(dir_);
  }

  static RouterOptions options() {
    RouterOptions o;
    o.max_body_bytes = kMaxBody;
    o.session = [](const std::string& token) -> Result<services::Session> {
      for (auto r : services::all_roles()) {
        auto s = session_for(r);
        if (s.token == token) return s;
      }
      return fail(ErrorCode::unauthenticated, "");
    };
    return o;
  }

  [[nodiscard]] std::size_t files_in_dir() const {
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
      (void)e;
      ++n;
    }
    return n;
  }
  // Polls (bounded) until the folder holds `n` files; true when it did.
  [[nodiscard]] bool wait_for_files(std::size_t n) const {
    for (int i = 0; i < 1000; ++i) {
      if (files_in_dir() == n) return true;
      std::this_thread::sleep_for(10ms);
    }
    return files_in_dir() == n;
  }

  static httplib::Headers signed_in(Role role) {
    auto s = session_for(role);
    return {{"Cookie", "maillage_session=" + s.token}, {"X-CSRF-Token", s.csrf}};
  }

  // A raw connection: headers sent alone show what the server answers before any body byte.
  int connect_raw() const {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<std::uint16_t>(port_));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval guard{20, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof(guard));
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
    return fd;
  }
  static bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // Reads until the end of the answer's headers (or EOF); the status line and headers.
  static std::string read_head(int fd) {
    std::string got;
    char buf[4096];
    while (got.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }

  fs::path dir_;
  std::atomic<bool> busy_{false};
  Router router_;
  Seen seen_;
  std::unique_ptr<Server> server_;
  int port_ = 0;
  std::thread runner_;
};

std::string pattern_bytes(std::size_t n) {
  std::string s(n, '\0');
  std::uint64_t x = 88172645463325252ULL;
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s[i] = static_cast<char>(x & 0xff);
  }
  return s;
}

TEST_F(UploadTest, ABodyFarLargerThanMaxBodyIsStreamedToAFileNotToMemory) {
  const std::string body = pattern_bytes(8u << 20);  // 8 MiB = 128 × max_body_bytes
  httplib::Client cli("127.0.0.1", port_);
  cli.set_read_timeout(60, 0);
  cli.set_write_timeout(60, 0);
  auto r = cli.Post("/upload?nom=extrait.txt", signed_in(Role::roc), body,
                    "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  {
    std::lock_guard lock(seen_.mutex);
    EXPECT_EQ(seen_.calls, 1);
    EXPECT_TRUE(seen_.file_existed);
    EXPECT_EQ(fs::path(seen_.path).parent_path(), dir_);
    EXPECT_EQ(seen_.body_in_memory, 0u);
    EXPECT_EQ(seen_.bytes, body.size());
    EXPECT_EQ(seen_.hash, fnv1a(body));
  }
  // No request body was ever held whole in memory: the 8 MiB went to the file.
  EXPECT_LT(server_->peak_body_in_memory(), kMaxBody);
  // The handler did not keep the file: the server removed it.
  EXPECT_TRUE(wait_for_files(0));
  // The in-memory cap still holds for other routes...
  auto small = cli.Post("/echo", std::string(1000, 'x'), "text/plain");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->body, "1000");
  EXPECT_EQ(server_->peak_body_in_memory(), 1000u);  // the counter does see in-memory bodies
  auto big = cli.Post("/echo", std::string(kMaxBody + 1, 'x'), "text/plain");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
}

TEST_F(UploadTest, ChunkedUploadIsStreamedToo) {
  const std::string body = pattern_bytes(3u << 20);
  httplib::Client cli("127.0.0.1", port_);
  std::size_t offset = 0;
  auto r = cli.Post(
      "/upload", signed_in(Role::admin),
      [&](std::size_t, httplib::DataSink& sink) {
        std::size_t n = std::min<std::size_t>(100000, body.size() - offset);
        sink.write(body.data() + offset, n);
        offset += n;
        if (offset == body.size()) sink.done();
        return true;
      },
      "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  std::lock_guard lock(seen_.mutex);
  EXPECT_EQ(seen_.bytes, body.size());
  EXPECT_EQ(seen_.hash, fnv1a(body));
  EXPECT_LT(server_->peak_body_in_memory(), kMaxBody);
}

TEST_F(UploadTest, RefusedBeforeTheBodyIsReadWhenNotAllowed) {
  struct Try {
    std::string headers;
    std::string status;
  };
  const auto roc = session_for(Role::roc);
  const auto member = session_for(Role::member);
  const std::vector<Try> tries{
      {"", "401"},  // anonymous
      {"Cookie: maillage_session=" + member.token + "\r\nX-CSRF-Token: " + member.csrf + "\r\n",
       "403"},  // a role the route does not allow
      {"Cookie: maillage_session=" + roc.token + "\r\nX-CSRF-Token: wrong\r\n", "403"},  // CSRF
      {"Cookie: maillage_session=" + roc.token + "\r\n", "403"},  // no CSRF token
  };
  for (const auto& t : tries) {
    int fd = connect_raw();
    // Only the headers: a 10 MB body is announced and never sent. The answer can only come
    // from checks made before the body.
    ASSERT_TRUE(send_all(fd, "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n" +
                                 t.headers + "\r\n"));
    std::string head = read_head(fd);
    EXPECT_EQ(head.substr(0, 12), "HTTP/1.1 " + t.status) << t.headers << head;
    EXPECT_NE(head.find("Connection: close"), std::string::npos) << head;
    ::close(fd);
  }
  EXPECT_EQ(files_in_dir(), 0u);
  std::lock_guard lock(seen_.mutex);
  EXPECT_EQ(seen_.calls, 0);
}

TEST_F(UploadTest, TheRoutesOwnCheckRefusesBeforeTheBody) {
  busy_ = true;
  int fd = connect_raw();
  const auto roc = session_for(Role::roc);
  ASSERT_TRUE(send_all(fd, "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 9000000\r\n"
                           "Cookie: maillage_session=" + roc.token + "\r\nX-CSRF-Token: " +
                               roc.csrf + "\r\n\r\n"));
  std::string head = read_head(fd);
  EXPECT_EQ(head.substr(0, 12), "HTTP/1.1 409") << head;
  ::close(fd);
  EXPECT_EQ(files_in_dir(), 0u);
  // An anonymous caller is refused by the access rule first (the route's check never runs
  // without a session).
  fd = connect_raw();
  ASSERT_TRUE(send_all(fd, "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n"));
  EXPECT_EQ(read_head(fd).substr(0, 12), "HTTP/1.1 401");
  ::close(fd);
  busy_ = false;
  std::lock_guard lock(seen_.mutex);
  EXPECT_EQ(seen_.calls, 0);
}

TEST_F(UploadTest, UnknownQueryParameterIsRefusedBeforeTheBody) {
  int fd = connect_raw();
  const auto roc = session_for(Role::roc);
  ASSERT_TRUE(send_all(fd, "POST /upload?inconnu=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n"
                           "Cookie: maillage_session=" + roc.token + "\r\nX-CSRF-Token: " +
                               roc.csrf + "\r\n\r\n"));
  std::string head = read_head(fd);
  EXPECT_EQ(head.substr(0, 12), "HTTP/1.1 400") << head;
  ::close(fd);
  EXPECT_EQ(files_in_dir(), 0u);
}

TEST_F(UploadTest, ExpectContinueComesOnlyAfterTheChecks) {
  const auto roc = session_for(Role::roc);
  {
    int fd = connect_raw();
    ASSERT_TRUE(send_all(fd, "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                             "Expect: 100-continue\r\n\r\n"));
    EXPECT_EQ(read_head(fd).substr(0, 12), "HTTP/1.1 401");
    ::close(fd);
  }
  int fd = connect_raw();
  ASSERT_TRUE(send_all(fd, "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                           "Expect: 100-continue\r\nCookie: maillage_session=" +
                               roc.token + "\r\nX-CSRF-Token: " + roc.csrf + "\r\n\r\n"));
  EXPECT_EQ(read_head(fd).substr(0, 12), "HTTP/1.1 100");
  ASSERT_TRUE(send_all(fd, "abcde"));
  EXPECT_EQ(read_head(fd).substr(0, 12), "HTTP/1.1 200");
  ::close(fd);
  std::lock_guard lock(seen_.mutex);
  EXPECT_EQ(seen_.bytes, 5u);
}

TEST_F(UploadTest, TheUploadCapIsCheckedOnContentLengthAndWhileReading) {
  const auto roc = session_for(Role::roc);
  const std::string auth =
      "Cookie: maillage_session=" + roc.token + "\r\nX-CSRF-Token: " + roc.csrf + "\r\n";
  {
    int fd = connect_raw();
    ASSERT_TRUE(send_all(fd, "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                                 std::to_string(kMaxUpload + 1) + "\r\n" + auth + "\r\n"));
    EXPECT_EQ(read_head(fd).substr(0, 12), "HTTP/1.1 413");
    ::close(fd);
  }
  EXPECT_EQ(files_in_dir(), 0u);
  // Chunked: no length announced; the cap stops it while reading, and the file goes.
  int fd = connect_raw();
  ASSERT_TRUE(send_all(fd, "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n" +
                               auth + "\r\n"));
  const std::string chunk(1 << 20, 'y');
  std::string head;
  for (std::uint64_t sent = 0; sent <= kMaxUpload + (1 << 20); sent += chunk.size()) {
    char size_line[32];
    std::snprintf(size_line, sizeof(size_line), "%zx\r\n", chunk.size());
    if (!send_all(fd, std::string(size_line) + chunk + "\r\n")) break;  // the server closed
  }
  head = read_head(fd);
  EXPECT_EQ(head.substr(0, 12), "HTTP/1.1 413") << head;
  ::close(fd);
  EXPECT_TRUE(wait_for_files(0));
  std::lock_guard lock(seen_.mutex);
  EXPECT_EQ(seen_.calls, 0);
}

TEST_F(UploadTest, AClientThatGoesAwayMidUploadLeavesNoFile) {
  const auto roc = session_for(Role::roc);
  int fd = connect_raw();
  ASSERT_TRUE(send_all(fd, "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4000000\r\n"
                           "Cookie: maillage_session=" + roc.token + "\r\nX-CSRF-Token: " +
                               roc.csrf + "\r\n\r\n"));
  ASSERT_TRUE(send_all(fd, std::string(1000000, 'z')));
  // The partial body is on disk (one temporary file)...
  ASSERT_TRUE(wait_for_files(1));
  ::close(fd);
  // ...and goes when the connection does.
  EXPECT_TRUE(wait_for_files(0));
  std::lock_guard lock(seen_.mutex);
  EXPECT_EQ(seen_.calls, 0);
}

TEST_F(UploadTest, LeftoversOfAPreviousRunAreRemovedAtBind) {
  std::ofstream(dir_ / "upload-stale1") << "left by a crash";
  Router other{RouterOptions{}};
  ServerOptions o;
  o.port = 0;
  o.upload_dir = dir_.string();
  Server second(other, o);
  ASSERT_TRUE(second.bind());
  EXPECT_FALSE(fs::exists(dir_ / "upload-stale1"));
  second.stop();
}

}  // namespace
}  // namespace maillage::http
