// http_response.hpp: an HTTP response as the tests inspect it (status, headers, body), plus a raw-bytes parser.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

namespace csms_test {

/// One HTTP/1.1 response. Headers keep their wire order and spelling; lookups ignore case.
struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = false;  ///< the connection may carry another request

  /// The first header with this name (case-insensitive), if any.
  std::optional<std::string> header(std::string_view name) const;

  /// How many headers carry this name (case-insensitive).
  std::size_t header_count(std::string_view name) const;

  /// The body parsed as JSON; throws std::runtime_error quoting the body when it is not valid JSON.
  boost::json::value json() const;

  /// "HTTP 400 Bad Request; X-Request-Id: ...; body: ..." for failure messages.
  std::string describe() const;
};

/// Parses one complete response from raw bytes (`eof`: the peer has closed, which ends a close-delimited body).
/// Returns nullopt while the bytes are a valid but incomplete response; throws std::runtime_error when they are
/// not HTTP at all. `consumed`, when given, receives how many bytes the response took (pipelined ones may follow).
std::optional<HttpResponse> try_parse_http_response(std::string_view raw, bool eof, std::size_t* consumed = nullptr);

/// Like try_parse_http_response, but an incomplete response is an error too.
HttpResponse parse_http_response(std::string_view raw);

}  // namespace csms_test
