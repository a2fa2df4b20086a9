// The HTTP server adapter alone (no database): graceful stop with a request in flight, and the
// catalogue's JSON for errors cpp-httplib raises by itself.
#include "http/server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "http/router.hpp"

namespace maillage::http {
namespace {

using namespace std::chrono_literals;

TEST(Server, StopLetsTheRequestInFlightFinish) {
  std::atomic<bool> started{false};
  Router router{RouterOptions{}};
  router.add({"GET", "/slow", AccessRule::anyone(), RouteKind::api,
              [&](const RequestContext&) -> Result<Response> {
                started = true;
                std::this_thread::sleep_for(300ms);
                return Response::json(R"({"fini":true})");
              },
              "", {}, {}});
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

}  // namespace
}  // namespace maillage::http
