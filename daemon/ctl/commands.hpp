// commands.hpp: csmsctl's commands, one function each; every one parses its own arguments before any request.
#pragma once

#include "core/error.hpp"
#include "ctl/client.hpp"

#include <span>
#include <string>

namespace csms::ctl {

/// The arguments after the command words, e.g. {"--role", "admin", ...} for `credential create --role admin ...`.
using CommandArgs = std::span<const std::string>;

/// Dispatches on the command words at the front of `args` ({"credential", "create", ...}). `--help` anywhere
/// prints the usage instead. An unknown command is a usage error.
core::Status run_command(const Client& client, std::span<const std::string> args);

core::Status credential_create(const Client& client, CommandArgs args);
core::Status credential_list(const Client& client, CommandArgs args);
core::Status credential_revoke(const Client& client, CommandArgs args);
core::Status key_status(const Client& client, CommandArgs args);
core::Status key_rotate(const Client& client, CommandArgs args);
core::Status whoami(const Client& client, CommandArgs args);

}  // namespace csms::ctl
