// option_table.cpp: every csmsd option's name, default, validation and help, in one place.
#include "app/option_table.hpp"

#include "app/command_runner.hpp"
#include "app/options.hpp"
#include "core/duration.hpp"
#include "store/postgres/pg_conninfo.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <grp.h>

namespace csms::app {
namespace {

std::string parse_duration_value(std::string_view text, std::chrono::milliseconds& out) {
  const auto value = core::parse_duration(text);
  if (!value || value->count() <= 0) {
    return "expected a positive duration such as 500ms, 30s, 15m, 24h or 7d, got '" + std::string(text) + "'";
  }
  out = *value;
  return {};
}

// A whole number within [low, high].
std::string parse_count(std::string_view text, std::size_t low, std::size_t high, std::size_t& out) {
  std::size_t count = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (ec != std::errc() || end != text.data() + text.size() || count < low || count > high) {
    return "expected " + std::to_string(low) + " to " + std::to_string(high) + ", got '" + std::string(text) + "'";
  }
  out = count;
  return {};
}

std::string parse_path(std::string_view text, std::filesystem::path& out) {
  if (text.empty()) return "empty path";
  out = std::filesystem::absolute(std::filesystem::path(text));
  return {};
}

std::string parse_optional_path(std::string_view text, std::optional<std::filesystem::path>& out) {
  std::filesystem::path path;
  if (std::string error = parse_path(text, path); !error.empty()) return error;
  out = std::move(path);
  return {};
}

// Octal digits only (a leading 0 is optional), within 0600..0666: the owner keeps read and write, execute bits mean
// nothing on a socket.
std::string parse_socket_mode(std::string_view text, mode_t& out) {
  unsigned mode = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), mode, 8);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || (mode & ~0666u) != 0 ||
      (mode & 0600u) != 0600u) {
    return "expected an octal mode from 0600 to 0666 such as 0660, got '" + std::string(text) + "'";
  }
  out = static_cast<mode_t>(mode);
  return {};
}

// A number is taken as a GID as is (it need not have a name); anything else must name a group in the group database.
std::string parse_socket_group(std::string_view text, std::optional<gid_t>& out) {
  unsigned long id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size() &&
      id < static_cast<unsigned long>(static_cast<gid_t>(-1))) {
    out = static_cast<gid_t>(id);
    return {};
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
    return "no group named '" + name + "'" + (error != 0 ? std::string(" (") + std::strerror(error) + ")" : std::string());
  }
  out = found->gr_gid;
  return {};
}

// An absolute path to an executable regular file, checked now so a typo stops the start instead of every delivery.
std::string parse_command(std::string_view text, std::optional<std::filesystem::path>& out) {
  const std::filesystem::path program(text);
  if (const std::string problem = command_path_problem(program); !problem.empty()) {
    return "'" + std::string(text) + "' " + problem;
  }
  out = program;
  return {};
}

std::string parse_switch(std::string_view text, bool& out) {
  if (!parse_bool(text, out)) return "expected true or false, got '" + std::string(text) + "'";
  return {};
}

// Captureless lambdas: the table stays a constant array of plain function pointers.
constexpr std::array kOptions{
    OptionDef{"config", "FILE", false, false, kFromFlag | kFromEnv, "",
              "read options from FILE (key = value lines, as in packaging/csmsd.conf); default\n"
              "/etc/csmsd/csmsd.conf when that file exists; 'none' reads no file",
              [](std::string_view v, Options& o) -> std::string {
                if (v.empty()) return "empty path";
                o.config_file = v == "none" ? std::filesystem::path() : std::filesystem::absolute(std::filesystem::path(v));
                o.config_given = true;
                return {};
              },
              nullptr},
    OptionDef{"data-dir", "DIR", false, false, kFromAnywhere, "",
              "database and master key (default $XDG_DATA_HOME/csmsd or ~/.local/share/csmsd)",
              [](std::string_view v, Options& o) -> std::string {
                std::filesystem::path path;
                if (std::string e = parse_path(v, path); !e.empty()) return e;
                o.data_dir = std::move(path);
                return {};
              },
              nullptr},
    OptionDef{"store", "URI", false, false, kFromAnywhere, "sqlite",
              "where the vault's rows live: sqlite (DATA_DIR/csmsd.db) or a PostgreSQL connection string,\n"
              "postgresql://USER@HOST:PORT/DB?sslmode=verify-full or host=... dbname=..., so several\n"
              "instances can serve one vault (docs/postgres.md); never logged, it may hold a password",
              [](std::string_view v, Options& o) -> std::string {
                if (v != "sqlite") {
                  // The value is not repeated in the message: it may hold a password.
                  if (auto checked = store::postgres::check_conninfo(v); !checked) return checked.error().detail;
                }
                o.store = std::string(v);
                return {};
              },
              nullptr},
    OptionDef{"store-pool-size", "N", false, false, kFromAnywhere, "8",
              "connections each instance keeps open to a PostgreSQL store, 1 to 256",
              [](std::string_view v, Options& o) { return parse_count(v, 1, 256, o.store_pool_size); }, nullptr},
    OptionDef{"listen", "ADDR", true, false, kFromAnywhere, "",
              "serve on unix:PATH (mode 0600 unless socket-mode), or on TCP at HOST:PORT, [IPv6]:PORT or\n"
              "tcp:HOST:PORT (loopback only unless allow-remote-tcp; port 0 picks one). Default: the\n"
              "sockets systemd passes, else unix:$XDG_RUNTIME_DIR/csmsd/csmsd.sock or unix:DATA_DIR/csmsd.sock",
              [](std::string_view v, Options& o) -> std::string {
                ListenSpec spec;
                std::string error;
                if (!parse_listen(v, spec, error)) return error;
                o.listens.push_back(std::move(spec));
                return {};
              },
              [](Options& o) { o.listens.clear(); }},
    OptionDef{"allow-remote-tcp", "", false, false, kFromAnywhere, "false", "permit non-loopback TCP addresses",
              [](std::string_view v, Options& o) { return parse_switch(v, o.allow_remote_tcp); }, nullptr},
    OptionDef{"tls-cert", "FILE", false, false, kFromAnywhere, "",
              "PEM certificate chain (server certificate first) for TLS on every TCP listener",
              [](std::string_view v, Options& o) { return parse_optional_path(v, o.tls_cert); }, nullptr},
    OptionDef{"tls-key", "FILE", false, false, kFromAnywhere, "",
              "PEM private key (unencrypted) of tls-cert; the two go together",
              [](std::string_view v, Options& o) { return parse_optional_path(v, o.tls_key); }, nullptr},
    OptionDef{"socket-mode", "OCTAL", false, false, kFromAnywhere, "0600",
              "mode of the Unix sockets csmsd binds, 0600 to 0666, e.g. 0660",
              [](std::string_view v, Options& o) { return parse_socket_mode(v, o.socket_mode); }, nullptr},
    OptionDef{"socket-group", "GROUP", false, false, kFromAnywhere, "",
              "group (name or GID) given the Unix sockets csmsd binds, for use with socket-mode 0660",
              [](std::string_view v, Options& o) { return parse_socket_group(v, o.socket_group); }, nullptr},
    OptionDef{"prune-interval", "DUR", false, false, kFromAnywhere, "1m",
              "how often deprecated versions and due deletions are purged",
              [](std::string_view v, Options& o) { return parse_duration_value(v, o.prune_interval); }, nullptr},
    OptionDef{"prune-grace", "DUR", false, false, kFromAnywhere, "24h",
              "how long a version without a stage is kept before it is purged",
              [](std::string_view v, Options& o) { return parse_duration_value(v, o.prune_grace); }, nullptr},
    OptionDef{"idle-timeout", "DUR", false, false, kFromAnywhere, "30s",
              "idle keep-alive and slow-request limit per connection",
              [](std::string_view v, Options& o) { return parse_duration_value(v, o.idle_timeout); }, nullptr},
    OptionDef{"notify-webhook", "URL", false, false, kFromAnywhere, "",
              "POST each event notification (JSON) to this loopback URL: http://127.0.0.1,\n"
              "http://[::1] or http://localhost, any port and path",
              [](std::string_view v, Options& o) -> std::string {
                auto url = http::parse_loopback_url(v);
                if (!url) return url.error().detail;
                o.notify_webhook = std::move(*url);
                return {};
              },
              nullptr},
    OptionDef{"notify-command", "PATH", false, false, kFromAnywhere, "",
              "run this program (no shell) for each event notification (JSON) on stdin",
              [](std::string_view v, Options& o) { return parse_command(v, o.notify_command); }, nullptr},
    OptionDef{"rotation-command", "PATH", false, false, kFromAnywhere, "",
              "run this program (no shell) to rotate a secret: request JSON on stdin, the new value on\n"
              "stdout (docs/events-and-rotation.md); RotateSecret is refused without it",
              [](std::string_view v, Options& o) { return parse_command(v, o.rotation_command); }, nullptr},
    OptionDef{"event-check-interval", "DUR", false, false, kFromAnywhere, "1m",
              "how often version expiries and due auto-rotations are checked",
              [](std::string_view v, Options& o) { return parse_duration_value(v, o.event_check_interval); }, nullptr},
    OptionDef{"hook-timeout", "DUR", false, false, kFromAnywhere, "10s",
              "limit of one webhook POST or command run",
              [](std::string_view v, Options& o) { return parse_duration_value(v, o.hook_timeout); }, nullptr},
    OptionDef{"log-level", "LEVEL", false, true, kFromAnywhere, "info", "debug, info, warning or error",
              [](std::string_view v, Options& o) -> std::string {
                const auto level = log::level_from_string(v);
                if (!level) return "expected debug, info, warning or error, got '" + std::string(v) + "'";
                o.log_level = *level;
                return {};
              },
              nullptr},
    OptionDef{"master-key", "SOURCE", false, false, kFromAnywhere, "file",
              "the key that wraps the vault's data keys: file (DATA_DIR/master.key, created for a new vault),\n"
              "file:PATH, credential[:NAME] (systemd $CREDENTIALS_DIRECTORY, default name csmsd-master-key),\n"
              "passphrase-fd:N or passphrase-prompt (scrypt)",
              [](std::string_view v, Options& o) -> std::string {
                std::string error;
                if (!parse_master_key(v, o.master_key, error)) return error;
                return {};
              },
              nullptr},
    OptionDef{"peer", "RULE", true, false, kFromAnywhere, "",
              "Unix socket peers served without keys: uid:N=ROLE[:PROJECT,...], gid:N=..., user:NAME=...,\n"
              "group:NAME=...; ROLE is reader, writer, admin or metrics (GET /metrics only)",
              [](std::string_view v, Options& o) -> std::string {
                auth::PeerRule rule;
                std::string error;
                if (!auth::parse_peer_rule(v, rule, error)) {
                  // The auth layer names the flag itself; the caller adds the name as it was written.
                  for (std::string_view prefix : {"--peer: ", "--peer "}) {
                    if (std::string_view(error).starts_with(prefix)) error.erase(0, prefix.size());
                  }
                  return error;
                }
                o.peer_rules.push_back(std::move(rule));
                return {};
              },
              [](Options& o) { o.peer_rules.clear(); }},
    OptionDef{"no-default-peers", "", false, false, kFromAnywhere, "false",
              "do not make the daemon's own uid and root admin on the socket",
              [](std::string_view v, Options& o) -> std::string {
                bool off = false;
                if (std::string e = parse_switch(v, off); !e.empty()) return e;
                o.default_peers = !off;
                return {};
              },
              nullptr},
    OptionDef{"reseal-batch-rows", "N", false, false, kFromAnywhere, "200",
              "rows re-sealed per transaction after a key rotation; smaller batches keep request latency\n"
              "lower while the rotation runs",
              [](std::string_view v, Options& o) { return parse_count(v, 1, 100000, o.reseal_batch_rows); }, nullptr},
    OptionDef{"threads", "N", false, false, kFromAnywhere, "",
              "threads serving connections, 1 to 256 (default: one per CPU core); writes are group-committed\n"
              "by one more writer thread",
              [](std::string_view v, Options& o) { return parse_count(v, 1, 256, o.io_threads); }, nullptr},
    OptionDef{"max-connections", "N", false, false, kFromAnywhere, "1024",
              "open connections served at once (lowered to fit the descriptor limit); more are closed as soon\n"
              "as they are accepted",
              [](std::string_view v, Options& o) { return parse_count(v, 1, 1000000, o.max_connections); }, nullptr},
    OptionDef{"audit-log", "FILE", false, true, kFromAnywhere, "",
              "one JSON line per request (default DATA_DIR/audit.log), reopened on SIGHUP for logrotate",
              [](std::string_view v, Options& o) { return parse_path(v, o.audit_log); }, nullptr},
    OptionDef{"version", "", false, false, kFromFlag, "", "print the version",
              [](std::string_view v, Options& o) { return parse_switch(v, o.show_version); }, nullptr},
    OptionDef{"help", "", false, false, kFromFlag, "", "print this help",
              [](std::string_view v, Options& o) { return parse_switch(v, o.show_help); }, nullptr},
};

}  // namespace

std::span<const OptionDef> option_table() { return kOptions; }

const OptionDef* find_option(std::string_view name) {
  const auto it = std::find_if(kOptions.begin(), kOptions.end(), [&](const OptionDef& o) { return o.name == name; });
  return it == kOptions.end() ? nullptr : &*it;
}

std::string env_name(const OptionDef& option) {
  std::string out = "CSMSD_";
  for (char c : option.name) out.push_back(c == '-' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
  return out;
}

bool parse_bool(std::string_view text, bool& out) {
  if (text == "true" || text == "yes" || text == "on" || text == "1") {
    out = true;
    return true;
  }
  if (text == "false" || text == "no" || text == "off" || text == "0") {
    out = false;
    return true;
  }
  return false;
}

std::string usage() {
  constexpr std::size_t kColumn = 26;
  std::string out =
      "usage: csmsd [options]\n"
      "\n"
      "An offline Huawei Cloud CSMS v1 secret vault.\n"
      "\n";
  for (const OptionDef& option : kOptions) {
    std::string head = "  --" + std::string(option.name);
    if (!option.value_name.empty()) head += " " + std::string(option.value_name);
    out += head;
    out += head.size() + 1 < kColumn ? std::string(kColumn - head.size(), ' ') : "\n" + std::string(kColumn, ' ');
    std::string help(option.help);
    if (!option.default_text.empty() && option.value_name.size() != 0) help += " (default " + std::string(option.default_text) + ")";
    if (option.repeatable) help += "; repeatable";
    if (option.reloadable) help += "; reloadable";
    for (char c : help) {
      out.push_back(c);
      if (c == '\n') out += std::string(kColumn, ' ');
    }
    out.push_back('\n');
  }
  out +=
      "\n"
      "Durations: <number><ms|s|m|h|d>, e.g. 500ms, 30s, 24h.\n"
      "Every option except config, help and version can also be a line 'name = value' in the config file, and\n"
      "every option except help and version an environment variable CSMSD_NAME (e.g. CSMSD_DATA_DIR;\n"
      "repeatable ones take values separated by spaces; switches take true or false). Flags override the\n"
      "environment, which overrides the file, which overrides the defaults; a repeatable option given at\n"
      "a higher level replaces the lower level's list. SIGHUP re-reads the file and the environment and\n"
      "applies changes to reloadable options; other changes are logged and wait for a restart.\n";
  return out;
}

}  // namespace csms::app
