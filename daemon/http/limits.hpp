// limits.hpp: the bounds every connection is held to.
#pragma once

#include <chrono>
#include <cstddef>

namespace csms::http {

struct Limits {
  /// Request line plus headers; larger is answered 431.
  std::size_t header_bytes = 16 * 1024;
  /// A 32768-character value of characters outside the BMP, escaped as \uXXXX\uXXXX surrogate pairs (as Python's
  /// json.dumps does by default), is 393216 bytes; 512 KiB leaves room for the rest of the body.
  std::size_t body_bytes = 512 * 1024;
  /// The most any request may send, when RequestHandler::body_limit allows a request more than `body_bytes` after
  /// reading its head (RestoreSecret of an authenticated caller: a backup blob may be up to 5 MiB of text).
  std::size_t max_body_bytes = 6 * 1024 * 1024;
  /// Waiting for (and reading) one request, and writing one response; slow or silent clients are dropped after it.
  std::chrono::milliseconds idle_timeout{30'000};
  /// How long shutdown waits for in-flight responses before closing what is left.
  std::chrono::milliseconds drain_timeout{10'000};
  /// Connections beyond this are closed at once, so one client cannot exhaust descriptors.
  std::size_t max_connections = 1024;
};

}  // namespace csms::http
