// commands.cpp: command dispatch and `whoami`.
#include "ctl/commands.hpp"

#include "ctl/api_call.hpp"
#include "ctl/args.hpp"
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
};

constexpr std::array kCommands = {
    Command{"credential", "create", credential_create}, Command{"credential", "list", credential_list},
    Command{"credential", "revoke", credential_revoke}, Command{"key", "status", key_status},
    Command{"key", "rotate", key_rotate},               Command{"", "whoami", whoami},
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

}  // namespace

core::Status run_command(const Client& client, std::span<const std::string> args) {
  if (asks_for_help(args)) return write_stdout(usage());
  if (args.empty()) return usage_error("no command given");
  for (const Command& command : kCommands) {
    if (command.group.empty()) {
      if (args[0] == command.name) return command.run(client, args.subspan(1));
      continue;
    }
    if (args[0] != command.group) continue;
    if (args.size() < 2 || args[1].starts_with("-")) {
      return usage_error(std::string(command.group) + ": expected one of " + subcommands_of(command.group));
    }
    if (args[1] == command.name) return command.run(client, args.subspan(2));
  }
  const bool known_group = !subcommands_of(args[0]).empty();
  if (known_group) {
    return usage_error(args[0] + ": unknown command '" + args[1] + "' (expected one of " + subcommands_of(args[0]) +
                       ")");
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
