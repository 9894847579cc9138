// secret_commands.cpp: the secret commands: create, get, show, list, update, delete, schedule-delete, restore.
#include "core/wiping_json.hpp"
#include "ctl/api_call.hpp"
#include "ctl/args.hpp"
#include "ctl/commands.hpp"
#include "ctl/json_text.hpp"
#include "ctl/project.hpp"
#include "ctl/secret_values.hpp"
#include "ctl/text.hpp"

#include <array>
#include <charconv>

namespace csms::ctl {
namespace {

// The one positional every secret command needs.
core::Result<std::string> one_name(const ParsedArgs& parsed, std::string_view context) {
  if (parsed.positionals.size() != 1) return usage_error(std::string(context) + ": expected exactly one secret NAME");
  return parsed.positionals[0];
}

std::string time_cell(const boost::json::value* value) {
  return value != nullptr && value->is_int64() ? format_epoch_ms(value->get_int64()) : cell(value);
}

core::Status print_secret(const boost::json::object& answer, bool json, std::string_view done) {
  CSMS_TRY_ASSIGN(const boost::json::object* secret, object_in(answer, "secret"));
  if (json) return write_stdout(to_pretty_json(*secret));
  if (!done.empty()) return write_stdout(std::string(done) + " " + printable(cell(secret->if_contains("name"))) + "\n");
  std::string out;
  out += "name:         " + printable(cell(secret->if_contains("name"))) + "\n";
  out += "id:           " + printable(cell(secret->if_contains("id"))) + "\n";
  out += "state:        " + printable(cell(secret->if_contains("state"))) + "\n";
  out += "description:  " + printable(cell(secret->if_contains("description"))) + "\n";
  out += "created:      " + time_cell(secret->if_contains("create_time")) + "\n";
  out += "updated:      " + time_cell(secret->if_contains("update_time")) + "\n";
  out += "delete after: " + time_cell(secret->if_contains("scheduled_delete_time")) + "\n";
  return write_stdout(out);
}

}  // namespace

core::Status secret_create(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "create";
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--description", true}, FlagSpec{"--value-file", true},
                                 FlagSpec{"--binary", false}, FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  CSMS_TRY_ASSIGN(const std::string name, one_name(parsed, kContext));
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));

  boost::json::object body(core::wiping_json_storage());
  body["name"] = name;
  if (auto description = parsed.value("--description")) body["description"] = *description;
  CSMS_TRY(add_value_from_input(body, parsed, parsed.has("--binary")));
  CSMS_TRY_ASSIGN(const boost::json::object answer, call(client, "POST", secrets_path(project), &body));
  return print_secret(answer, parsed.has("--json"), "created");
}

core::Status secret_get(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "get";
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--version", true}, FlagSpec{"--stage", true},
                                 FlagSpec{"--binary", false}, FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  CSMS_TRY_ASSIGN(const std::string name, one_name(parsed, kContext));
  if (parsed.has("--version") && parsed.has("--stage")) return usage_error("get: --version and --stage exclude each other");
  std::optional<std::string> stage = parsed.value("--stage");
  if (!parsed.has("--version") && !stage) stage = "SYSCURRENT";
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));

  CSMS_TRY_ASSIGN(const boost::json::object version, fetch_version(client, project, name, parsed.value("--version"), stage));
  return print_version(version, parsed.has("--binary"), parsed.has("--json"));
}

core::Status secret_show(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "show";
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  CSMS_TRY_ASSIGN(const std::string name, one_name(parsed, kContext));
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));
  CSMS_TRY_ASSIGN(const boost::json::object answer, call(client, "GET", secret_path(project, name)));
  return print_secret(answer, parsed.has("--json"), "");
}

core::Status secret_list(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "list";
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  CSMS_TRY(no_positionals(parsed, kContext));
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));

  boost::json::array all;
  std::vector<std::vector<std::string>> rows;
  CSMS_TRY(for_each_listed(client, secrets_path(project), "secrets", [&](const boost::json::object& secret) {
    all.push_back(secret);
    rows.push_back({cell(secret.if_contains("name")), cell(secret.if_contains("state")),
                    time_cell(secret.if_contains("update_time")), cell(secret.if_contains("description"))});
    return core::ok();
  }));
  if (parsed.has("--json")) return write_stdout(to_pretty_json(all));
  return write_stdout(render_table({"NAME", "STATE", "UPDATED", "DESCRIPTION"}, rows));
}

core::Status secret_update(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "update";
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--description", true}, FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  CSMS_TRY_ASSIGN(const std::string name, one_name(parsed, kContext));
  const std::optional<std::string> description = parsed.value("--description");
  if (!description) return usage_error("update: nothing to change; give --description TEXT (a new value is `version put`)");
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));

  boost::json::object body;
  body["description"] = *description;
  CSMS_TRY_ASSIGN(const boost::json::object answer, call(client, "PUT", secret_path(project, name), &body));
  return print_secret(answer, parsed.has("--json"), "updated");
}

core::Status secret_delete(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "delete";
  constexpr std::array kFlags = {kProjectFlag};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  CSMS_TRY_ASSIGN(const std::string name, one_name(parsed, kContext));
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));
  CSMS_TRY(call(client, "DELETE", secret_path(project, name)));
  return write_stdout("deleted " + printable(name) + "\n");
}

core::Status secret_schedule_delete(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "schedule-delete";
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--days", true}, FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  CSMS_TRY_ASSIGN(const std::string name, one_name(parsed, kContext));
  const std::string days_text = parsed.value("--days").value_or("30");
  int days = 0;
  const auto [end, ec] = std::from_chars(days_text.data(), days_text.data() + days_text.size(), days);
  if (ec != std::errc() || end != days_text.data() + days_text.size()) {
    return usage_error("schedule-delete: --days expects a whole number of days (7 to 30), got '" + days_text + "'");
  }
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));

  boost::json::object body;
  body["recovery_window_in_days"] = days;
  CSMS_TRY_ASSIGN(const boost::json::object answer,
                  call(client, "POST", secret_path(project, name) + "/scheduled-deleted-tasks/create", &body));
  return print_secret(answer, parsed.has("--json"), "scheduled for deletion:");
}

core::Status secret_restore(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "restore";
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  CSMS_TRY_ASSIGN(const std::string name, one_name(parsed, kContext));
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));
  CSMS_TRY_ASSIGN(const boost::json::object answer,
                  call(client, "POST", secret_path(project, name) + "/scheduled-deleted-tasks/cancel"));
  return print_secret(answer, parsed.has("--json"), "restored");
}

}  // namespace csms::ctl
