// webhook_client.hpp: a plain HTTP/1.1 POST of a JSON body to a loopback URL, with a timeout (notification webhooks).
#pragma once

#include "core/error.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace csms::http {

/// http://HOST[:PORT][/PATH] where HOST is 127.0.0.1 (or another 127.x address), [::1] or localhost.
struct LoopbackUrl {
  std::string host;  ///< an address literal (localhost becomes 127.0.0.1), without brackets
  std::uint16_t port = 80;
  std::string target = "/";  ///< path and query, as given
  std::string text;          ///< the URL without its query, for logs and errors (a token there stays out of them)
};

/// kInvalidParameter, with a message saying why, for anything but a plain-http loopback URL: notifications never
/// leave the machine.
core::Result<LoopbackUrl> parse_loopback_url(std::string_view url);

/// POSTs `body` as application/json; ok when the server answers 2xx within `timeout` (connect, send and receive
/// together). Blocks the calling thread, which is the event worker's, never a request thread.
core::Status post_json(const LoopbackUrl& url, std::string_view body, std::chrono::milliseconds timeout);

}  // namespace csms::http
