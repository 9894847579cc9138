// commands.cpp: THE command table (words, synopsis, purpose), dispatch, per-command help and `whoami`.
#include "ctl/commands.hpp"

#include "ctl/api_call.hpp"
#include "ctl/args.hpp"
#include "ctl/exit_codes.hpp"
#include "ctl/json_text.hpp"
#include "ctl/options.hpp"
#include "ctl/text.hpp"

#include <array>
#include <string_view>

namespace csms::ctl {
namespace {

struct Command {
  std::string_view group;  ///< empty for a one-word command
  std::string_view name;
  core::Status (*run)(const Client&, CommandArgs);
  std::string_view synopsis;  ///< the arguments after the command words
  std::string_view purpose;   ///< what it does, wrapped by hand at 80 columns after a 6-space indent
};

constexpr std::array kCommands = {
    Command{"", "create", secret_create, "NAME [--description TEXT] [--binary] [--value-file FILE] [--json] [--project ID]",
            "create a secret; its first value (v1, SYSCURRENT) is read from stdin or --value-file, never\n"
            "      from the command line, byte for byte; --binary sends the bytes as secret_binary"},
    Command{"", "get", secret_get, "NAME [--version ID | --stage STAGE] [--binary] [--json] [--project ID]",
            "print a value, by default the SYSCURRENT one (--version v3 or latest, --stage resolves the stage\n"
            "      first); the bare value with nothing added (no newline), so $(csmsctl get NAME) works;\n"
            "      --binary prints a secret_binary value as its exact bytes; --json the whole version object"},
    Command{"", "show", secret_show, "NAME [--json] [--project ID]", "show a secret's metadata (no value)"},
    Command{"", "list", secret_list, "[--json] [--project ID]", "list the secrets of the project (every page)"},
    Command{"", "update", secret_update, "NAME --description TEXT [--json] [--project ID]",
            "change a secret's description (a new value is `version put`)"},
    Command{"", "delete", secret_delete, "NAME [--project ID]", "delete a secret and all its versions now, for good"},
    Command{"", "schedule-delete", secret_schedule_delete, "NAME [--days 7..30] [--json] [--project ID]",
            "schedule the deletion of a secret after --days (default 30)"},
    Command{"", "restore", secret_restore, "NAME [--json] [--project ID]", "cancel a scheduled deletion"},
    Command{"version", "put", version_put,
            "NAME [--stage STAGE ...] [--expire-time MS] [--binary] [--value-file FILE] [--json] [--project ID]",
            "add a version (value from stdin or --value-file); without --stage it becomes SYSCURRENT;\n"
            "      prints the new version id"},
    Command{"version", "get", version_get, "NAME (VERSION | --stage STAGE) [--binary] [--json] [--project ID]",
            "print the value of one version (VERSION is an id such as v3, or latest), as `get` does"},
    Command{"version", "list", version_list, "NAME [--json] [--project ID]", "list a secret's versions and stages"},
    Command{"version", "set-expiry", version_set_expiry, "NAME VERSION --expire-time MS [--json] [--project ID]",
            "set a version's expiry (epoch milliseconds)"},
    Command{"stage", "set", stage_set, "NAME STAGE VERSION [--json] [--project ID]",
            "put STAGE on VERSION (moved from the version that had it)"},
    Command{"stage", "get", stage_get, "NAME STAGE [--json] [--project ID]", "print the version STAGE is on"},
    Command{"stage", "delete", stage_delete, "NAME STAGE [--project ID]",
            "remove a stage (SYSCURRENT and SYSPREVIOUS cannot be removed)"},
    Command{"", "export", export_secrets, "--plaintext [--format env|json] [--output FILE] [--project ID]",
            "write every SYSCURRENT value of the project in PLAINTEXT (hence --plaintext): json (default,\n"
            "      binary values kept as secret_binary) or env (NAME='value' lines, sh quoting); to stdout or\n"
            "      to --output FILE, created 0600 (never overwritten)"},
    Command{"", "import", import_secrets, "--plaintext [--format env|json] [FILE] [--project ID]",
            "read an export (FILE or stdin): a new secret for each missing name, else a new SYSCURRENT version"},
    Command{"", "backup", backup, "FILE [--quiet]",
            "an online copy of the whole vault (admin of every project), taken by the daemon while it keeps\n"
            "      serving, streamed to FILE (created 0600, present only once complete; progress on stderr\n"
            "      unless --quiet); values stay sealed and the master key is NOT in it: back the key up separately.\n"
            "      SQLite vaults only: back a PostgreSQL store up with pg_dump"},
    Command{"", "restore-backup", restore_backup, "FILE --data-dir NEWDIR --master-key SPEC",
            "restore a backup into a new (absent or empty) data directory, offline: copies it, runs PRAGMA\n"
            "      integrity_check and opens every value with the master key (SPEC as for csmsd --master-key);\n"
            "      progress on stderr. SQLite vaults only (a csmsd backup is a SQLite file): restore a\n"
            "      PostgreSQL store with pg_restore"},
    Command{"credential", "create", credential_create,
            "--type access-key|token --role reader|writer|admin|metrics --project ID [--project ID ...]\n"
            "                    [--description TEXT]",
            "create a credential; its secret key or token is printed this once only. A metrics\n"
            "      credential may only scrape GET /metrics, covers every project and needs no --project"},
    Command{"credential", "list", credential_list, "[--json]",
            "list the credentials within your projects (never their secrets)"},
    Command{"credential", "revoke", credential_revoke, "ID", "revoke a credential; it stops working on the next request"},
    Command{"key", "status", key_status, "[--json]", "current master key, sealed rows per key and rotation state"},
    Command{"key", "rotate", key_rotate, "[--wait] [--json]",
            "start a master key rotation; --wait follows it until no row is left under an old key\n"
            "      (progress on stderr)"},
    Command{"", "whoami", whoami, "[--json]", "the caller the daemon sees: kind, id, role and projects"},
};

bool asks_for_help(std::span<const std::string> args) {
  for (const std::string& arg : args) {
    if (arg == "--") return false;
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

std::string subcommands_of(std::string_view group) {
  std::string names;
  for (const Command& command : kCommands) {
    if (command.group != group) continue;
    if (!names.empty()) names += ", ";
    names += command.name;
  }
  return names;
}

std::string words_of(const Command& command) {
  return command.group.empty() ? std::string(command.name)
                               : std::string(command.group) + " " + std::string(command.name);
}

const Command* find_command(std::span<const std::string> args) {
  for (const Command& command : kCommands) {
    if (command.group.empty()) {
      if (!args.empty() && args[0] == command.name) return &command;
    } else if (args.size() >= 2 && args[0] == command.group && args[1] == command.name) {
      return &command;
    }
  }
  return nullptr;
}

std::string command_help(const Command& command) {
  return "usage: csmsctl [GLOBAL OPTIONS] " + words_of(command) + " " + std::string(command.synopsis) + "\n\n  " +
         std::string(command.purpose) + "\n\nGlobal options and every command: csmsctl --help\n\n" +
         exit_status_help();
}

}  // namespace

std::string commands_help() {
  std::string out;
  for (const Command& command : kCommands) {
    out += "  " + words_of(command) + " " + std::string(command.synopsis) + "\n      " +
           std::string(command.purpose) + "\n";
  }
  return out;
}

core::Status run_command(const Client& client, std::span<const std::string> args) {
  if (asks_for_help(args)) {
    const Command* command = find_command(args);
    return write_stdout(command != nullptr ? command_help(*command) : usage());
  }
  if (args.empty()) return usage_error("no command given");
  if (const Command* command = find_command(args)) {
    return command->run(client, args.subspan(command->group.empty() ? 1 : 2));
  }
  const std::string known = subcommands_of(args[0]);
  if (!known.empty()) {
    if (args.size() < 2 || args[1].starts_with("-")) return usage_error(args[0] + ": expected one of " + known);
    return usage_error(args[0] + ": unknown command '" + args[1] + "' (expected one of " + known + ")");
  }
  return usage_error("unknown command '" + args[0] + "'");
}

core::Status whoami(const Client& client, CommandArgs args) {
  constexpr std::array kFlags = {FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, "whoami"));
  CSMS_TRY(no_positionals(parsed, "whoami"));

  CSMS_TRY_ASSIGN(const boost::json::object answer, call(client, "GET", "/v1/csmsd/whoami"));
  const boost::json::value* caller = answer.if_contains("caller");
  if (caller == nullptr || !caller->is_object()) {
    return core::make_error(core::Errc::kInternal, "the daemon's whoami answer has no caller object");
  }
  if (parsed.has("--json")) return write_stdout(to_pretty_json(*caller));

  const boost::json::object& fields = caller->get_object();
  std::string out;
  out += "kind:     " + printable(cell(fields.if_contains("kind"))) + "\n";
  out += "id:       " + printable(cell(fields.if_contains("id"))) + "\n";
  out += "role:     " + printable(cell(fields.if_contains("role"))) + "\n";
  out += "projects: " + printable(joined_cells(fields.if_contains("projects"))) + "\n";
  return write_stdout(out);
}

}  // namespace csms::ctl
