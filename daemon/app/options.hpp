// options.hpp: csmsd settings merged from defaults, config file, CSMSD_* variables and flags (all errors at once).
#pragma once

#include "app/option_table.hpp"
#include "auth/peer_rules.hpp"
#include "http/webhook_client.hpp"
#include "log/log.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <sys/types.h>

namespace csms::app {

struct UnixListen {
  std::filesystem::path path;
};

struct TcpListen {
  std::string address;  ///< an IP address literal ("localhost" is resolved to 127.0.0.1 here)
  std::uint16_t port = 0;
};

using ListenSpec = std::variant<UnixListen, TcpListen>;

/// Where the key-encryption key comes from (docs/auth.md, "Master key").
struct MasterKeySpec {
  enum class Kind { kFile, kCredential, kPassphraseFd, kPassphrasePrompt };
  Kind kind = Kind::kFile;
  std::filesystem::path file;  ///< kFile; empty means <data-dir>/master.key
  std::string credential_name = "csmsd-master-key";  ///< kCredential: a file in $CREDENTIALS_DIRECTORY
  int fd = -1;                                        ///< kPassphraseFd
};

bool parse_master_key(std::string_view text, MasterKeySpec& out, std::string& error);

struct Options {
  std::filesystem::path data_dir;
  /// "sqlite" (the embedded database in data_dir) or a PostgreSQL connection string. Never logged or echoed: it may
  /// hold a password (store::postgres::describe_conninfo gives what can be shown).
  std::string store = "sqlite";
  std::size_t store_pool_size = 8;  ///< connections one instance keeps to a PostgreSQL store
  std::vector<ListenSpec> listens;
  std::chrono::milliseconds prune_interval{std::chrono::minutes(1)};
  std::chrono::milliseconds prune_grace{std::chrono::hours(24)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  bool allow_remote_tcp = false;
  MasterKeySpec master_key;
  std::vector<auth::PeerRule> peer_rules;  ///< --peer, in the order given
  bool default_peers = true;               ///< the daemon's own uid and root are admin on the socket
  std::filesystem::path audit_log;         ///< default <data-dir>/audit.log
  std::size_t reseal_batch_rows = 200;     ///< rows re-sealed per transaction after a master key rotation
  std::size_t io_threads = 0;             ///< threads serving connections; 0 = one per CPU core
  std::size_t max_connections = 1024;     ///< open connections beyond this are closed at once
  /// PEM certificate chain and private key for every TCP listener (both or neither; TCP listeners are plain without).
  std::optional<std::filesystem::path> tls_cert;
  std::optional<std::filesystem::path> tls_key;
  /// Mode and group of every Unix socket (0600..0666; the daemon's group when unset).
  mode_t socket_mode = 0600;
  std::optional<gid_t> socket_group;
  /// Notification delivery (docs/events-and-rotation.md): a loopback webhook and/or a local command.
  std::optional<http::LoopbackUrl> notify_webhook;
  std::optional<std::filesystem::path> notify_command;
  /// The command that produces a rotated secret's new value; RotateSecret is refused without it.
  std::optional<std::filesystem::path> rotation_command;
  /// How often version expiries and due auto-rotations are checked.
  std::chrono::milliseconds event_check_interval{std::chrono::minutes(1)};
  /// Limit of one webhook POST or one command run.
  std::chrono::milliseconds hook_timeout{std::chrono::seconds(10)};
  log::Level log_level = log::Level::kInfo;
  bool show_help = false;
  bool show_version = false;
  /// The configuration file that was read; empty when none was.
  std::filesystem::path config_file;
  bool config_given = false;  ///< --config or CSMSD_CONFIG named it (then it must exist)
  /// No listener was configured, so `listens` holds the default socket (socket activation replaces it).
  bool listens_defaulted = false;
  /// Each option some layer set, as its winning layer wrote it (a repeatable one's values joined by '\n'):
  /// what a reload compares to find what changed.
  std::map<std::string, std::string, std::less<>> settings;
};

struct ParseResult {
  Options options;
  std::vector<std::string> errors;
};

inline constexpr const char* kDefaultConfigFile = "/etc/csmsd/csmsd.conf";

/// What parse_options reads; a test supplies its own environment and default file.
struct ParseInputs {
  std::vector<std::string> args;  ///< without argv[0]
  /// Looks up an environment variable (CSMSD_*); nullopt when unset.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  /// Read when neither --config nor CSMSD_CONFIG names a file, and only if it exists.
  std::filesystem::path default_config = kDefaultConfigFile;
};

/// Merges, lowest first: built-in defaults, the config file, CSMSD_* environment variables, flags (option_table.hpp
/// lists them all). Every error of every layer is collected. Defaults: data directory $XDG_DATA_HOME/csmsd (or
/// ~/.local/share/csmsd); when no listener is given, one Unix socket at $XDG_RUNTIME_DIR/csmsd/csmsd.sock (or
/// <data-dir>/csmsd.sock); audit log <data-dir>/audit.log.
ParseResult parse_options(const ParseInputs& inputs);

/// The process's own argv and environment.
ParseResult parse_options(int argc, const char* const* argv);

/// Parses one --listen value: unix:PATH, HOST:PORT, [IPv6]:PORT or tcp:HOST:PORT.
bool parse_listen(std::string_view text, ListenSpec& out, std::string& error);

}  // namespace csms::app
