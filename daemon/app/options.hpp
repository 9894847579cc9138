// options.hpp: csmsd's command-line flags, their defaults and their validation (every error reported at once).
#pragma once

#include "log/log.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace csms::app {

struct UnixListen {
  std::filesystem::path path;
};

struct TcpListen {
  std::string address;  ///< an IP address literal ("localhost" is resolved to 127.0.0.1 here)
  std::uint16_t port = 0;
};

using ListenSpec = std::variant<UnixListen, TcpListen>;

struct Options {
  std::filesystem::path data_dir;
  std::vector<ListenSpec> listens;
  std::chrono::milliseconds prune_interval{std::chrono::minutes(1)};
  std::chrono::milliseconds prune_grace{std::chrono::hours(24)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  bool allow_remote_tcp = false;
  log::Level log_level = log::Level::kInfo;
  bool show_help = false;
  bool show_version = false;
};

struct ParseResult {
  Options options;
  std::vector<std::string> errors;
};

/// Parses argv. Defaults: data directory $XDG_DATA_HOME/csmsd (or ~/.local/share/csmsd); when no --listen is
/// given, one Unix socket at $XDG_RUNTIME_DIR/csmsd/csmsd.sock (or <data-dir>/csmsd.sock).
ParseResult parse_options(int argc, const char* const* argv);

/// Parses one --listen value: unix:PATH, HOST:PORT, [IPv6]:PORT or tcp:HOST:PORT.
bool parse_listen(std::string_view text, ListenSpec& out, std::string& error);

std::string usage();

}  // namespace csms::app
