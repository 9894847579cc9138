// options.cpp: global option parsing, the token file and the help text.
#include "ctl/options.hpp"

#include "app/paths.hpp"
#include "core/duration.hpp"
#include "ctl/args.hpp"
#include "ctl/commands.hpp"
#include "ctl/exit_codes.hpp"

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

namespace csms::ctl {
namespace {

// Where systemd/csmsd.socket binds the packaged service's API.
constexpr std::string_view kServiceSocket = "/run/csmsd/api.sock";

constexpr std::array kGlobalFlags = {
    FlagSpec{"--socket", true},     FlagSpec{"--data-dir", true},   FlagSpec{"--url", true},
    FlagSpec{"--token", true},      FlagSpec{"--token-file", true}, FlagSpec{"--timeout", true},
    FlagSpec{"--help", false},      FlagSpec{"-h", false},          FlagSpec{"--version", false},
    FlagSpec{"--access-key", true}, FlagSpec{"--secret-key-file", true},
};

// Read with plain read(2) into wiped storage, so no stdio buffer keeps a copy of the token.
core::Result<core::SecureString> read_token_file(const std::string& path, std::string_view flag = "--token-file",
                                                 std::string_view what = "the token") {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return core::make_error(core::Errc::kInternal, std::string(flag) + ": cannot open " + path + ": " + std::strerror(errno));
  }
  constexpr std::size_t kMaxTokenFile = 4096;
  core::SecureString text;
  text.reserve(kMaxTokenFile + 1);  // no reallocation below, so no unwiped intermediate copy
  char chunk[512];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
    if (text.size() > kMaxTokenFile) break;
  }
  explicit_bzero(chunk, sizeof(chunk));
  ::close(fd);
  if (text.size() > kMaxTokenFile) return usage_error(std::string(flag) + ": " + path + " is too large for " + std::string(what));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) {
    text.pop_back();
  }
  if (text.empty()) return usage_error(std::string(flag) + ": " + path + " is empty");
  if (text.find_first_of("\r\n") != core::SecureString::npos) {
    return usage_error(std::string(flag) + ": " + path + " must hold one line, " + std::string(what));
  }
  return text;
}

}  // namespace

core::Result<GlobalOptions> parse_global_options(std::span<const std::string> args) {
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kGlobalFlags, "csmsctl", /*stop_at_positional=*/true));
  GlobalOptions options;
  options.show_help = parsed.has("--help") || parsed.has("-h");
  options.show_version = parsed.has("--version");
  options.command = parsed.positionals;
  options.command.insert(options.command.end(), parsed.rest.begin(), parsed.rest.end());

  const int placements = int(parsed.has("--socket")) + int(parsed.has("--data-dir")) + int(parsed.has("--url"));
  if (placements > 1) return usage_error("--socket, --data-dir and --url are mutually exclusive");
  if (auto url = parsed.value("--url")) {
    CSMS_TRY_ASSIGN(options.target, parse_url(*url));
  } else if (auto socket = parsed.value("--socket")) {
    if (socket->empty()) return usage_error("--socket: empty path");
    options.target = Target::unix_socket(std::filesystem::absolute(*socket));
  } else if (auto data_dir = parsed.value("--data-dir")) {
    if (data_dir->empty()) return usage_error("--data-dir: empty path");
    options.target = Target::unix_socket(app::default_socket_path(std::filesystem::absolute(*data_dir)));
  } else {
    // A user's own daemon comes first; without one, the packaged service's socket (systemd/csmsd.socket).
    const auto own = app::default_socket_path(std::filesystem::absolute(app::default_data_dir()));
    std::error_code ec;
    const bool use_service = !std::filesystem::exists(own, ec) && std::filesystem::exists(kServiceSocket, ec);
    options.target = Target::unix_socket(use_service ? std::filesystem::path(kServiceSocket) : own);
  }

  if (parsed.has("--token") && parsed.has("--token-file")) {
    return usage_error("--token and --token-file are mutually exclusive");
  }
  if (auto token = parsed.value("--token")) {
    if (token->empty()) return usage_error("--token: empty token");
    options.token = core::SecureString(token->begin(), token->end());
  } else if (auto file = parsed.value("--token-file")) {
    CSMS_TRY_ASSIGN(options.token, read_token_file(*file));
  }

  std::optional<std::string> access_key = parsed.value("--access-key");
  const char* env_access_key = std::getenv("CSMSD_ACCESS_KEY");
  if (!access_key && !options.token && !parsed.has("--secret-key-file") && env_access_key != nullptr && *env_access_key != '\0') {
    access_key = env_access_key;
  }
  if (access_key) {
    if (options.token) return usage_error("an access key and a token are mutually exclusive");
    if (access_key->empty()) return usage_error("--access-key: empty access key");
    AccessKey key;
    key.access_key = *access_key;
    if (auto file = parsed.value("--secret-key-file")) {
      CSMS_TRY_ASSIGN(key.secret_key, read_token_file(*file, "--secret-key-file", "the secret key"));
    } else if (const char* env = std::getenv("CSMSD_SECRET_KEY"); env != nullptr && *env != '\0') {
      key.secret_key.assign(env);
    } else {
      return usage_error("--access-key needs --secret-key-file FILE (or $CSMSD_SECRET_KEY)");
    }
    options.access_key = std::move(key);
  } else if (parsed.has("--secret-key-file")) {
    return usage_error("--secret-key-file needs --access-key AK (or $CSMSD_ACCESS_KEY)");
  }

  if (auto timeout = parsed.value("--timeout")) {
    const auto value = core::parse_duration(*timeout);
    if (!value || value->count() <= 0) {
      return usage_error("--timeout: expected a positive duration such as 500ms or 30s, got '" + *timeout + "'");
    }
    options.timeout = *value;
  }
  return options;
}

std::string usage() {
  return "usage: csmsctl [--socket PATH | --data-dir DIR | --url http://127.0.0.1:PORT]\n"
         "               [--token TOKEN | --token-file FILE | --access-key AK --secret-key-file FILE]\n"
         "               [--timeout DUR] COMMAND [ARGS]\n"
         "\n"
         "Manages a running csmsd: secrets, versions and stages, export/import, whole-vault backups,\n"
         "credentials and the master key (see docs/auth.md). `csmsctl COMMAND --help` shows one command.\n"
         "\n"
         "Commands:\n" +
         commands_help() +
         "\n"
         "Secret commands work in one project: --project ID, else $CSMSD_PROJECT, else the one project of\n"
         "your credential; with none of these (e.g. on the Unix socket, which covers every project) they refuse.\n"
         "Values are read from stdin or --value-file only, never from the command line.\n"
         "\n"
         "Options:\n"
         "  --socket PATH           the daemon's Unix socket (default: the daemon's own default,\n"
         "                          $XDG_RUNTIME_DIR/csmsd/csmsd.sock or DATA_DIR/csmsd.sock; when\n"
         "                          that does not exist, the service's /run/csmsd/api.sock)\n"
         "  --data-dir DIR          the daemon's --data-dir, to find its default socket\n"
         "  --url URL               a TCP listener instead, http://127.0.0.1:PORT (plain HTTP: loopback only)\n"
         "  --token TOKEN           present this token (X-Auth-Token); it is visible to other local users in ps,\n"
         "                          so prefer --token-file\n"
         "  --token-file FILE       read the token from the first line of FILE\n"
         "  --access-key AK         sign every request with this access key (SDK-HMAC-SHA256, as the SDKs do);\n"
         "                          default $CSMSD_ACCESS_KEY\n"
         "  --secret-key-file FILE  its secret key, the first line of FILE (default $CSMSD_SECRET_KEY)\n"
         "  --timeout DUR           per request (default 10s); durations as 500ms, 30s, 2m\n"
         "  --version               print the version\n"
         "  --help                  print this help\n"
         "\n" +
         exit_status_help();
}

}  // namespace csms::ctl
