// HTTP request and response as plain data, independent of the HTTP library: the router, the
// handlers and their tests only see these; src/http/server.cpp fills them from http_parser and
// writes them back on its event loop.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace maillage::http {

/// Case-insensitive ordering for header names.
struct CaseLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

using Headers = std::multimap<std::string, std::string, CaseLess>;
using Params = std::multimap<std::string, std::string, std::less<>>;

struct Request {
  std::string method;       // "GET", "POST", ... ("HEAD" is routed as "GET")
  std::string path;         // decoded path, without the query string
  Params query;             // decoded query parameters
  Headers headers;
  std::string body;
  /// Upload routes (Route::upload): the body was streamed by the server to this file, never
  /// held in memory (`body` stays empty). The server deletes the file after the handler
  /// returns; a handler that keeps it moves it elsewhere first (rename).
  std::string body_file;
  std::uint64_t body_file_bytes = 0;
  std::string remote_addr;  // client address, for login rate limiting and the log
  std::string request_id;   // set by the server (X-Request-Id)
  std::map<std::string, std::string, std::less<>> path_params;  // filled by the router

  /// First value of a header, "" when absent.
  [[nodiscard]] std::string header(std::string_view name) const;
  /// Value of a cookie from the Cookie header, nullopt when absent.
  [[nodiscard]] std::optional<std::string> cookie(std::string_view name) const;
  /// First value of a query parameter, nullopt when absent.
  [[nodiscard]] std::optional<std::string> query_value(std::string_view name) const;
  /// Path parameter captured by the route pattern ("" when the pattern has no such name).
  [[nodiscard]] const std::string& param(std::string_view name) const;
  /// The body decoded as application/x-www-form-urlencoded.
  [[nodiscard]] Params form() const;
};

struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  Headers headers;
  std::string user;  // login of the acting user, for the access log only (never sent)

  void set_header(std::string name, std::string value);
  [[nodiscard]] std::string header(std::string_view name) const;

  static Response json(std::string body, int status = 200);
  static Response html(std::string body, int status = 200);
  /// 303 See Other: the browser follows with a GET (the right answer to a form POST).
  static Response redirect(std::string location, int status = 303);
};

/// A strong ETag for a body: a quoted 64-bit FNV-1a hash.
std::string etag_of(std::string_view body);
/// Sets Cache-Control and ETag (computed from the body when `etag` is empty) on a 200 answer and
/// turns it into 304 Not Modified with no body when the request's If-None-Match names the ETag.
void make_cacheable(const Request& request, Response& response, std::string_view cache_control,
                    std::string etag = {});

/// Answers with `identity` or one of its compressed copies (an empty copy is not offered),
/// whichever the request's Accept-Encoding prefers; sets Content-Encoding and Vary.
void set_encoded_body(const Request& request, Response& response, const std::string& identity,
                      const std::string& gzip, const std::string& br);

/// Decodes %XX escapes and, when `plus_is_space`, '+' (query strings and forms).
std::string url_decode(std::string_view s, bool plus_is_space);
/// Percent-encodes everything but unreserved characters (RFC 3986).
std::string url_encode(std::string_view s);
/// Parses "a=1&b=2" (already split off the path) into decoded pairs.
Params parse_query(std::string_view text);

}  // namespace maillage::http
