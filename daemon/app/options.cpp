// options.cpp: flag parsing.
#include "app/options.hpp"

#include "core/duration.hpp"

#include <charconv>
#include <cstdlib>
#include <optional>

namespace csms::app {
namespace {

std::optional<std::filesystem::path> env_path(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::filesystem::path(value);
}

std::filesystem::path default_data_dir() {
  if (auto data_home = env_path("XDG_DATA_HOME")) return *data_home / "csmsd";
  if (auto home = env_path("HOME")) return *home / ".local/share/csmsd";
  return std::filesystem::path(".csmsd");
}

std::filesystem::path default_socket(const std::filesystem::path& data_dir) {
  if (auto runtime = env_path("XDG_RUNTIME_DIR")) return *runtime / "csmsd/csmsd.sock";
  return data_dir / "csmsd.sock";
}

bool parse_duration_flag(std::string_view flag, std::string_view text, std::chrono::milliseconds& out,
                         std::vector<std::string>& errors) {
  const auto value = core::parse_duration(text);
  if (!value || value->count() <= 0) {
    errors.push_back(std::string(flag) + ": expected a positive duration such as 500ms, 30s, 15m, 24h or 7d, got '" +
                     std::string(text) + "'");
    return false;
  }
  out = *value;
  return true;
}

}  // namespace

bool parse_listen(std::string_view text, ListenSpec& out, std::string& error) {
  if (text.starts_with("unix:")) {
    const std::string_view path = text.substr(5);
    if (path.empty()) {
      error = "unix: needs a path";
      return false;
    }
    out = UnixListen{std::filesystem::absolute(std::filesystem::path(path))};
    return true;
  }
  if (text.starts_with("tcp:")) text.remove_prefix(4);
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    error = "expected unix:PATH or HOST:PORT, got '" + std::string(text) + "'";
    return false;
  }
  std::string host(text.substr(0, colon));
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    error = "bad port in '" + std::string(text) + "'";
    return false;
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  out = TcpListen{host, static_cast<std::uint16_t>(port)};
  return true;
}

ParseResult parse_options(int argc, const char* const* argv) {
  ParseResult result;
  Options& options = result.options;
  std::optional<std::filesystem::path> data_dir;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    std::string_view value;
    bool has_inline_value = false;
    if (const std::size_t eq = flag.find('='); flag.starts_with("--") && eq != std::string_view::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_inline_value = true;
    }
    const auto take_value = [&]() -> bool {
      if (has_inline_value) return true;
      if (i + 1 >= argc) {
        result.errors.push_back(std::string(flag) + ": missing value");
        return false;
      }
      value = argv[++i];
      return true;
    };
    const bool is_switch = flag == "--help" || flag == "-h" || flag == "--version" || flag == "--allow-remote-tcp";
    if (is_switch && has_inline_value) {
      // "--allow-remote-tcp=false" must not silently mean "on".
      result.errors.push_back(std::string(flag) + " takes no value");
      continue;
    }
    if (flag == "--help" || flag == "-h") {
      options.show_help = true;
    } else if (flag == "--version") {
      options.show_version = true;
    } else if (flag == "--allow-remote-tcp") {
      options.allow_remote_tcp = true;
    } else if (flag == "--data-dir") {
      if (take_value()) {
        if (value.empty()) {
          result.errors.push_back("--data-dir: empty path");
        } else {
          data_dir = std::filesystem::absolute(std::filesystem::path(value));
        }
      }
    } else if (flag == "--listen") {
      if (take_value()) {
        ListenSpec spec;
        std::string error;
        if (parse_listen(value, spec, error)) {
          options.listens.push_back(std::move(spec));
        } else {
          result.errors.push_back("--listen: " + error);
        }
      }
    } else if (flag == "--prune-interval") {
      if (take_value()) parse_duration_flag(flag, value, options.prune_interval, result.errors);
    } else if (flag == "--prune-grace") {
      if (take_value()) parse_duration_flag(flag, value, options.prune_grace, result.errors);
    } else if (flag == "--idle-timeout") {
      if (take_value()) parse_duration_flag(flag, value, options.idle_timeout, result.errors);
    } else if (flag == "--log-level") {
      if (take_value()) {
        if (auto level = log::level_from_string(value)) {
          options.log_level = *level;
        } else {
          result.errors.push_back("--log-level: expected debug, info, warning or error, got '" + std::string(value) + "'");
        }
      }
    } else {
      result.errors.push_back("unknown argument '" + std::string(argv[i]) + "'");
    }
  }
  options.data_dir = data_dir.value_or(default_data_dir());
  if (options.listens.empty()) options.listens.push_back(UnixListen{default_socket(options.data_dir)});
  return result;
}

std::string usage() {
  return "usage: csmsd [options]\n"
         "\n"
         "An offline Huawei Cloud CSMS v1 secret vault.\n"
         "\n"
         "  --data-dir DIR          database and master key (default $XDG_DATA_HOME/csmsd or ~/.local/share/csmsd)\n"
         "  --listen unix:PATH      serve on a Unix socket (mode 0600); repeatable\n"
         "  --listen HOST:PORT      serve on TCP; loopback only unless --allow-remote-tcp; port 0 picks one\n"
         "                          (default: unix:$XDG_RUNTIME_DIR/csmsd/csmsd.sock or unix:DATA_DIR/csmsd.sock)\n"
         "  --allow-remote-tcp      permit non-loopback TCP addresses\n"
         "  --prune-interval DUR    how often deprecated versions and due deletions are purged (default 1m)\n"
         "  --prune-grace DUR       how long a version without a stage is kept before it is purged (default 24h)\n"
         "  --idle-timeout DUR      idle keep-alive and slow-request limit per connection (default 30s)\n"
         "  --log-level LEVEL       debug, info, warning or error (default info)\n"
         "  --version               print the version\n"
         "  --help                  print this help\n"
         "\n"
         "Durations: <number><ms|s|m|h|d>, e.g. 500ms, 30s, 24h.\n";
}

}  // namespace csms::app
