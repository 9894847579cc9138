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
/// prints that command's usage instead (the whole usage when no command is recognised). An unknown command is a
/// usage error.
core::Status run_command(const Client& client, std::span<const std::string> args);

/// Every command's synopsis and one-line purpose, for the global usage text.
std::string commands_help();

core::Status credential_create(const Client& client, CommandArgs args);
core::Status credential_list(const Client& client, CommandArgs args);
core::Status credential_revoke(const Client& client, CommandArgs args);
core::Status key_status(const Client& client, CommandArgs args);
core::Status key_rotate(const Client& client, CommandArgs args);
core::Status whoami(const Client& client, CommandArgs args);

core::Status secret_create(const Client& client, CommandArgs args);
core::Status secret_get(const Client& client, CommandArgs args);
core::Status secret_show(const Client& client, CommandArgs args);
core::Status secret_list(const Client& client, CommandArgs args);
core::Status secret_update(const Client& client, CommandArgs args);
core::Status secret_delete(const Client& client, CommandArgs args);
core::Status secret_schedule_delete(const Client& client, CommandArgs args);
core::Status secret_restore(const Client& client, CommandArgs args);
core::Status version_put(const Client& client, CommandArgs args);
core::Status version_get(const Client& client, CommandArgs args);
core::Status version_list(const Client& client, CommandArgs args);
core::Status version_set_expiry(const Client& client, CommandArgs args);
core::Status stage_set(const Client& client, CommandArgs args);
core::Status stage_get(const Client& client, CommandArgs args);
core::Status stage_delete(const Client& client, CommandArgs args);
core::Status export_secrets(const Client& client, CommandArgs args);
core::Status import_secrets(const Client& client, CommandArgs args);
core::Status backup(const Client& client, CommandArgs args);
core::Status restore_backup(const Client& client, CommandArgs args);

}  // namespace csms::ctl
