// endpoint.hpp: where a test client connects: a Unix socket path or a TCP host and port.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

namespace csms_test {

/// A daemon listening address as the tests see it.
struct Endpoint {
  enum class Kind { unix_socket, tcp };

  Kind kind = Kind::unix_socket;
  std::filesystem::path unix_path;  ///< set when kind == unix_socket
  std::string host = "127.0.0.1";   ///< numeric address, set when kind == tcp
  std::uint16_t port = 0;           ///< set when kind == tcp

  static Endpoint unix_socket(std::filesystem::path path) {
    Endpoint e;
    e.kind = Kind::unix_socket;
    e.unix_path = std::move(path);
    return e;
  }

  static Endpoint tcp(std::string host, std::uint16_t port) {
    Endpoint e;
    e.kind = Kind::tcp;
    e.host = std::move(host);
    e.port = port;
    return e;
  }

  /// "unix:/path" or "tcp:host:port", the same spelling as the daemon's listen lines.
  std::string describe() const {
    if (kind == Kind::unix_socket) return "unix:" + unix_path.string();
    return "tcp:" + host + ":" + std::to_string(port);
  }
};

}  // namespace csms_test
