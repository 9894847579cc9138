// options.hpp: csmsctl's global options (where the daemon is, which credential to present) and its usage text.
#pragma once

#include "core/error.hpp"
#include "core/wiping_allocator.hpp"
#include "ctl/client.hpp"
#include "ctl/target.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace csms::ctl {

struct GlobalOptions {
  Target target;
  /// Sent as X-Auth-Token; without one, the daemon decides by the Unix socket peer alone.
  std::optional<core::SecureString> token;
  /// Signs every request instead (--access-key with --secret-key-file, or $CSMSD_ACCESS_KEY and $CSMSD_SECRET_KEY).
  std::optional<AccessKey> access_key;
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  bool show_help = false;
  bool show_version = false;
  /// The command words and their arguments, e.g. {"credential", "list", "--json"}.
  std::vector<std::string> command;
};

/// Parses the options before the command. The socket is --socket, else default_socket_path(--data-dir), else the
/// daemon's own default; --url replaces it with TCP. Errors are usage errors, except an unreadable token file.
core::Result<GlobalOptions> parse_global_options(std::span<const std::string> args);

std::string usage();

}  // namespace csms::ctl
