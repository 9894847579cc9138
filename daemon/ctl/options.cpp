// options.cpp: global option parsing, the token file and the help text.
#include "ctl/options.hpp"

#include "app/paths.hpp"
#include "core/duration.hpp"
#include "ctl/args.hpp"

#include <array>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

namespace csms::ctl {
namespace {

constexpr std::array kGlobalFlags = {
    FlagSpec{"--socket", true},     FlagSpec{"--data-dir", true},   FlagSpec{"--url", true},
    FlagSpec{"--token", true},      FlagSpec{"--token-file", true}, FlagSpec{"--timeout", true},
    FlagSpec{"--help", false},      FlagSpec{"-h", false},          FlagSpec{"--version", false},
};

// Read with plain read(2) into wiped storage, so no stdio buffer keeps a copy of the token.
core::Result<core::SecureString> read_token_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return core::make_error(core::Errc::kNotFound, "--token-file: cannot open " + path + ": " + std::strerror(errno));
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
  if (text.size() > kMaxTokenFile) return usage_error("--token-file: " + path + " is too large for a token");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) {
    text.pop_back();
  }
  if (text.empty()) return usage_error("--token-file: " + path + " is empty");
  if (text.find_first_of("\r\n") != core::SecureString::npos) {
    return usage_error("--token-file: " + path + " must hold one line, the token");
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
    options.target = Target::unix_socket(app::default_socket_path(std::filesystem::absolute(app::default_data_dir())));
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
         "               [--token TOKEN | --token-file FILE] [--timeout DUR] COMMAND\n"
         "\n"
         "Manages a running csmsd: credentials and the master key (see docs/auth.md).\n"
         "\n"
         "Commands:\n"
         "  credential create --type access-key|token --role reader|writer|admin --project ID [--project ID ...]\n"
         "                    [--description TEXT]\n"
         "                          create a credential; its secret key or token is printed this once only\n"
         "  credential list [--json]\n"
         "                          list the credentials within your projects (never their secrets)\n"
         "  credential revoke ID    revoke a credential; it stops working on the next request\n"
         "  key status [--json]     current master key, sealed rows per key and rotation state\n"
         "  key rotate [--wait]     start a master key rotation; --wait follows it until no row is left under an\n"
         "                          old key (progress on stderr)\n"
         "  whoami [--json]         the caller the daemon sees: kind, id, role and projects\n"
         "\n"
         "Options:\n"
         "  --socket PATH           the daemon's Unix socket (default: the daemon's own default,\n"
         "                          $XDG_RUNTIME_DIR/csmsd/csmsd.sock or DATA_DIR/csmsd.sock)\n"
         "  --data-dir DIR          the daemon's --data-dir, to find its default socket\n"
         "  --url URL               a TCP listener instead, http://127.0.0.1:PORT (plain HTTP: loopback only)\n"
         "  --token TOKEN           present this token (X-Auth-Token); it is visible to other local users in ps,\n"
         "                          so prefer --token-file\n"
         "  --token-file FILE       read the token from the first line of FILE\n"
         "  --timeout DUR           per request (default 10s); durations as 500ms, 30s, 2m\n"
         "  --version               print the version\n"
         "  --help                  print this help\n"
         "\n"
         "Exit status: 0 done, 1 the daemon refused or could not be reached, 2 bad usage.\n";
}

}  // namespace csms::ctl
