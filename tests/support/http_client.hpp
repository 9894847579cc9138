// http_client.hpp: a synchronous, keep-alive HTTP/1.1 client (Boost.Beast) over a Unix socket, TCP or TLS.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "endpoint.hpp"
#include "http_response.hpp"

namespace csms_test {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// Sends requests one at a time on one connection and reuses it while the server keeps it alive.
///
/// Each request writes and reads concurrently, so a response sent before the server read the whole request (413,
/// 431) is still received. Every operation has a deadline; a timeout or I/O error throws std::runtime_error and
/// drops the connection. The client never retries (a retry could hide a server that drops kept-alive connections or
/// double-apply a POST). Not thread-safe: use one client per thread.
///
/// With `endpoint.tls_ca_file` set, each connection does a TLS handshake that verifies the server certificate against
/// that CA and the endpoint's host; a failed handshake throws std::runtime_error ("TLS handshake ... failed: ...").
class HttpClient {
 public:
  /// Throws std::runtime_error if the endpoint's CA file cannot be loaded.
  explicit HttpClient(Endpoint endpoint, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends one request. With a body, Content-Type is `application/json;charset=UTF-8` (as the official SDK sends
  /// it); without one, POST/PUT/DELETE still carry `Content-Length: 0`. `headers` are set last and replace defaults.
  HttpResponse request(std::string_view method, std::string_view target, std::optional<std::string> body = std::nullopt,
                       const HeaderList& headers = {});

  HttpResponse get(std::string_view target) { return request("GET", target); }
  HttpResponse del(std::string_view target) { return request("DELETE", target); }
  HttpResponse post(std::string_view target, std::optional<std::string> body = std::nullopt) {
    return request("POST", target, std::move(body));
  }
  HttpResponse put(std::string_view target, std::optional<std::string> body) { return request("PUT", target, std::move(body)); }
  HttpResponse post_json(std::string_view target, const boost::json::value& body);
  HttpResponse put_json(std::string_view target, const boost::json::value& body);

  /// Connections opened so far (1 after any number of requests served on one kept-alive connection).
  std::size_t connections_opened() const;

  /// Whether a connection is currently open (the last response allowed keep-alive).
  bool connected() const;

  /// Closes the current connection, if any.
  void close();

  const Endpoint& endpoint() const;

  /// Called with every outgoing request's method, target, headers (lower-case names) and body; returns headers to
  /// add, e.g. X-Sdk-Date and an SDK-HMAC-SHA256 Authorization (see sdk_signer.hpp).
  using Signer = std::function<HeaderList(std::string_view method, std::string_view target, const HeaderList& headers,
                                          std::string_view body)>;
  void set_signer(Signer signer);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace csms_test
