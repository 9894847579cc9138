// endpoint.hpp: where a test client connects: a Unix socket path or a TCP host and port, optionally with TLS.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
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
  /// When set (tcp only), HttpClient speaks TLS and accepts only a server certificate that chains to this PEM CA
  /// and names `host` (an IP address SAN for a numeric host).
  std::optional<std::filesystem::path> tls_ca_file;

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

  /// A TCP endpoint reached over TLS, trusting only `ca_file`.
  static Endpoint tls(std::string host, std::uint16_t port, std::filesystem::path ca_file) {
    Endpoint e = tcp(std::move(host), port);
    e.tls_ca_file = std::move(ca_file);
    return e;
  }

  /// "unix:/path", "tcp:host:port" or "tls:host:port", the same spelling as the daemon's listen lines.
  std::string describe() const {
    if (kind == Kind::unix_socket) return "unix:" + unix_path.string();
    return (tls_ca_file ? "tls:" : "tcp:") + host + ":" + std::to_string(port);
  }
};

}  // namespace csms_test
