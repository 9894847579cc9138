// target.hpp: where csmsctl sends its requests: a Unix socket, or a daemon's TCP listener given as an http:// URL.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace csms::ctl {

struct Target {
  enum class Kind { kUnix, kTcp };

  Kind kind = Kind::kUnix;
  std::filesystem::path socket;  ///< when kUnix
  std::string host;              ///< an IP address literal, when kTcp
  std::uint16_t port = 0;        ///< when kTcp

  static Target unix_socket(std::filesystem::path path);

  /// "unix:/run/user/1000/csmsd/csmsd.sock" or "http://127.0.0.1:8443", for messages.
  std::string describe() const;
};

/// Parses `http://HOST:PORT` with an optional trailing "/". HOST is an IPv4 literal, a bracketed IPv6 literal or
/// "localhost" (taken as 127.0.0.1, as the daemon does): no name resolution, so the URL means exactly one address.
/// A malformed URL is a usage error.
core::Result<Target> parse_url(std::string_view url);

}  // namespace csms::ctl
