// options.cpp: flag parsing.
#include "app/options.hpp"

#include "app/command_runner.hpp"
#include "app/paths.hpp"
#include "core/duration.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <variant>

#include <grp.h>

namespace csms::app {
namespace {

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

// Octal digits only (a leading 0 is optional), within 0600..0666: the owner keeps read and write, execute bits mean
// nothing on a socket.
// A whole number within [low, high]; otherwise an error naming the flag and the range, and `out` is left alone.
void parse_count_flag(std::string_view flag, std::string_view text, std::size_t low, std::size_t high,
                      std::size_t& out, std::vector<std::string>& errors) {
  std::size_t count = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (ec != std::errc() || end != text.data() + text.size() || count < low || count > high) {
    errors.push_back(std::string(flag) + ": expected " + std::to_string(low) + " to " + std::to_string(high) +
                     ", got '" + std::string(text) + "'");
    return;
  }
  out = count;
}

void parse_socket_mode(std::string_view text, mode_t& out, std::vector<std::string>& errors) {
  unsigned mode = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), mode, 8);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || (mode & ~0666u) != 0 ||
      (mode & 0600u) != 0600u) {
    errors.push_back("--socket-mode: expected an octal mode from 0600 to 0666 such as 0660, got '" + std::string(text) +
                     "'");
    return;
  }
  out = static_cast<mode_t>(mode);
}

// A number is taken as a GID as is (it need not have a name); anything else must name a group in the group database.
void parse_socket_group(std::string_view text, std::optional<gid_t>& out, std::vector<std::string>& errors) {
  unsigned long id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size() &&
      id < static_cast<unsigned long>(static_cast<gid_t>(-1))) {
    out = static_cast<gid_t>(id);
    return;
  }
  const std::string name(text);
  std::vector<char> buffer(4096);
  group entry{};
  group* found = nullptr;
  int error = 0;
  while ((error = ::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found)) == ERANGE &&
         buffer.size() < (1u << 20)) {
    buffer.resize(buffer.size() * 2);
  }
  if (name.empty() || error != 0 || found == nullptr) {
    errors.push_back("--socket-group: no group named '" + name + "'" +
                     (error != 0 ? std::string(" (") + std::strerror(error) + ")" : std::string()));
    return;
  }
  out = found->gr_gid;
}

// An absolute path to an executable regular file, checked now so a typo stops the start instead of every delivery.
void parse_command_flag(std::string_view flag, std::string_view text, std::optional<std::filesystem::path>& out,
                        std::vector<std::string>& errors) {
  const std::filesystem::path program(text);
  if (const std::string problem = command_path_problem(program); !problem.empty()) {
    errors.push_back(std::string(flag) + ": '" + std::string(text) + "' " + problem);
    return;
  }
  out = program;
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

bool parse_master_key(std::string_view text, MasterKeySpec& out, std::string& error) {
  MasterKeySpec spec;
  if (text == "file") {
    spec.kind = MasterKeySpec::Kind::kFile;
  } else if (text.starts_with("file:") && text.size() > 5) {
    spec.kind = MasterKeySpec::Kind::kFile;
    spec.file = std::filesystem::absolute(std::filesystem::path(text.substr(5)));
  } else if (text == "credential" || (text.starts_with("credential:") && text.size() > 11)) {
    spec.kind = MasterKeySpec::Kind::kCredential;
    if (text.size() > 10) spec.credential_name = std::string(text.substr(11));
    if (spec.credential_name.find('/') != std::string::npos) {
      error = "a credential name cannot contain '/'";
      return false;
    }
  } else if (text.starts_with("passphrase-fd:")) {
    const std::string_view number = text.substr(14);
    int fd = -1;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), fd);
    if (ec != std::errc() || end != number.data() + number.size() || fd < 0) {
      error = "passphrase-fd: needs a file descriptor number";
      return false;
    }
    spec.kind = MasterKeySpec::Kind::kPassphraseFd;
    spec.fd = fd;
  } else if (text == "passphrase-prompt") {
    spec.kind = MasterKeySpec::Kind::kPassphrasePrompt;
  } else {
    error = "expected file, file:PATH, credential[:NAME], passphrase-fd:N or passphrase-prompt, got '" +
            std::string(text) + "'";
    return false;
  }
  out = std::move(spec);
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
    const bool is_switch = flag == "--help" || flag == "-h" || flag == "--version" || flag == "--allow-remote-tcp" ||
                           flag == "--no-default-peers";
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
    } else if (flag == "--tls-cert" || flag == "--tls-key") {
      if (take_value()) {
        if (value.empty()) {
          result.errors.push_back(std::string(flag) + ": empty path");
        } else {
          (flag == "--tls-cert" ? options.tls_cert : options.tls_key) =
              std::filesystem::absolute(std::filesystem::path(value));
        }
      }
    } else if (flag == "--socket-mode") {
      if (take_value()) parse_socket_mode(value, options.socket_mode, result.errors);
    } else if (flag == "--socket-group") {
      if (take_value()) parse_socket_group(value, options.socket_group, result.errors);
    } else if (flag == "--prune-interval") {
      if (take_value()) parse_duration_flag(flag, value, options.prune_interval, result.errors);
    } else if (flag == "--prune-grace") {
      if (take_value()) parse_duration_flag(flag, value, options.prune_grace, result.errors);
    } else if (flag == "--idle-timeout") {
      if (take_value()) parse_duration_flag(flag, value, options.idle_timeout, result.errors);
    } else if (flag == "--notify-webhook") {
      if (take_value()) {
        if (auto url = http::parse_loopback_url(value); url) {
          options.notify_webhook = std::move(*url);
        } else {
          result.errors.push_back("--notify-webhook: " + url.error().detail);
        }
      }
    } else if (flag == "--notify-command" || flag == "--rotation-command") {
      if (take_value()) {
        parse_command_flag(flag, value, flag == "--notify-command" ? options.notify_command : options.rotation_command,
                           result.errors);
      }
    } else if (flag == "--event-check-interval") {
      if (take_value()) parse_duration_flag(flag, value, options.event_check_interval, result.errors);
    } else if (flag == "--hook-timeout") {
      if (take_value()) parse_duration_flag(flag, value, options.hook_timeout, result.errors);
    } else if (flag == "--log-level") {
      if (take_value()) {
        if (auto level = log::level_from_string(value)) {
          options.log_level = *level;
        } else {
          result.errors.push_back("--log-level: expected debug, info, warning or error, got '" + std::string(value) + "'");
        }
      }
    } else if (flag == "--no-default-peers") {
      options.default_peers = false;
    } else if (flag == "--master-key") {
      if (take_value()) {
        std::string error;
        if (!parse_master_key(value, options.master_key, error)) result.errors.push_back("--master-key: " + error);
      }
    } else if (flag == "--peer") {
      if (take_value()) {
        auth::PeerRule rule;
        std::string error;
        if (auth::parse_peer_rule(value, rule, error)) {
          options.peer_rules.push_back(std::move(rule));
        } else {
          result.errors.push_back(error);
        }
      }
    } else if (flag == "--reseal-batch-rows") {
      if (take_value()) parse_count_flag(flag, value, 1, 100000, options.reseal_batch_rows, result.errors);
    } else if (flag == "--threads") {
      if (take_value()) parse_count_flag(flag, value, 1, 256, options.io_threads, result.errors);
    } else if (flag == "--max-connections") {
      if (take_value()) parse_count_flag(flag, value, 1, 1000000, options.max_connections, result.errors);
    } else if (flag == "--audit-log") {
      if (take_value()) {
        if (value.empty()) {
          result.errors.push_back("--audit-log: empty path");
        } else {
          options.audit_log = std::filesystem::absolute(std::filesystem::path(value));
        }
      }
    } else {
      result.errors.push_back("unknown argument '" + std::string(argv[i]) + "'");
    }
  }
  options.data_dir = data_dir.value_or(default_data_dir());
  if (options.listens.empty()) options.listens.push_back(UnixListen{default_socket_path(options.data_dir)});
  if (options.audit_log.empty()) options.audit_log = options.data_dir / "audit.log";
  const auto has_listener = [&](auto kind) {
    return std::any_of(options.listens.begin(), options.listens.end(),
                       [](const ListenSpec& spec) { return std::holds_alternative<decltype(kind)>(spec); });
  };
  if (options.tls_cert.has_value() != options.tls_key.has_value()) {
    result.errors.push_back("--tls-cert and --tls-key go together: give both or neither");
  } else if (options.tls_cert && !has_listener(TcpListen{})) {
    result.errors.push_back("--tls-cert/--tls-key: no TCP listener to apply them to (add --listen HOST:PORT)");
  }
  if ((options.socket_mode != 0600 || options.socket_group) && !has_listener(UnixListen{})) {
    result.errors.push_back("--socket-mode/--socket-group: no Unix socket listener to apply them to");
  }
  return result;
}

std::string usage() {
  return "usage: csmsd [options]\n"
         "\n"
         "An offline Huawei Cloud CSMS v1 secret vault.\n"
         "\n"
         "  --data-dir DIR          database and master key (default $XDG_DATA_HOME/csmsd or ~/.local/share/csmsd)\n"
         "  --listen unix:PATH      serve on a Unix socket (mode 0600 unless --socket-mode); repeatable\n"
         "  --listen HOST:PORT      serve on TCP; loopback only unless --allow-remote-tcp; port 0 picks one\n"
         "                          (default: unix:$XDG_RUNTIME_DIR/csmsd/csmsd.sock or unix:DATA_DIR/csmsd.sock)\n"
         "  --allow-remote-tcp      permit non-loopback TCP addresses\n"
         "  --tls-cert FILE         PEM certificate chain (server certificate first) for TLS on every TCP listener\n"
         "  --tls-key FILE          PEM private key (unencrypted) of --tls-cert; the two go together\n"
         "  --socket-mode OCTAL     mode of the Unix sockets, 0600 to 0666 (default 0600), e.g. 0660\n"
         "  --socket-group GROUP    group (name or GID) given the Unix sockets, for use with --socket-mode 0660\n"
         "  --prune-interval DUR    how often deprecated versions and due deletions are purged (default 1m)\n"
         "  --prune-grace DUR       how long a version without a stage is kept before it is purged (default 24h)\n"
         "  --idle-timeout DUR      idle keep-alive and slow-request limit per connection (default 30s)\n"
         "  --notify-webhook URL    POST each event notification (JSON) to this loopback URL: http://127.0.0.1,\n"
         "                          http://[::1] or http://localhost only\n"
         "  --notify-command PATH   run this program (no shell) with each event notification (JSON) on stdin\n"
         "  --rotation-command PATH run this program (no shell) to rotate a secret: request JSON on stdin, the new\n"
         "                          value on stdout (docs/events-and-rotation.md); RotateSecret is refused without it\n"
         "  --event-check-interval DUR  how often version expiries and due auto-rotations are checked (default 1m)\n"
         "  --hook-timeout DUR      limit of one webhook POST or command run (default 10s)\n"
         "  --log-level LEVEL       debug, info, warning or error (default info)\n"
         "  --master-key SOURCE     the key that wraps the vault's data keys: file (DATA_DIR/master.key, created\n"
         "                          for a new vault), file:PATH, credential[:NAME] (systemd $CREDENTIALS_DIRECTORY,\n"
         "                          default name csmsd-master-key), passphrase-fd:N or passphrase-prompt (scrypt)\n"
         "  --peer RULE             Unix socket peers served without keys: uid:N=ROLE[:PROJECT,...], gid:N=...,\n"
         "                          user:NAME=..., group:NAME=...; ROLE is reader, writer or admin; repeatable\n"
         "  --no-default-peers      do not make the daemon's own uid and root admin on the socket\n"
         "  --reseal-batch-rows N   rows re-sealed per transaction after a key rotation (default 200); smaller\n"
         "                          batches keep request latency lower while the rotation runs\n"
         "  --threads N             threads serving connections (default: one per CPU core); writes are\n"
         "                          group-committed by one more writer thread\n"
         "  --max-connections N     open connections served at once (default 1024, lowered to fit the descriptor\n"
         "                          limit); more are closed as soon as they are accepted\n"
         "  --audit-log FILE        one JSON line per request (default DATA_DIR/audit.log); reopened on SIGHUP\n"
         "  --version               print the version\n"
         "  --help                  print this help\n"
         "\n"
         "Durations: <number><ms|s|m|h|d>, e.g. 500ms, 30s, 24h.\n";
}

}  // namespace csms::app
