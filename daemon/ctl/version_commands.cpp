// version_commands.cpp: `version put|get|list|set-expiry` and `stage set|get|delete`.
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
#include <cstdint>

namespace csms::ctl {
namespace {

core::Result<std::int64_t> epoch_ms(std::string_view context, const std::string& text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return usage_error(std::string(context) + ": --expire-time expects epoch milliseconds, got '" + text + "'");
  }
  return value;
}

std::string time_cell(const boost::json::value* value) {
  return value != nullptr && value->is_int64() ? format_epoch_ms(value->get_int64()) : cell(value);
}

core::Status print_metadata(const boost::json::object& answer, bool json) {
  CSMS_TRY_ASSIGN(const boost::json::object* metadata, object_in(answer, "version_metadata"));
  if (json) return write_stdout(to_pretty_json(*metadata));
  return write_stdout(printable(cell(metadata->if_contains("id"))) + "\n");
}

core::Status print_stage(const boost::json::object& answer, bool json) {
  CSMS_TRY_ASSIGN(const boost::json::object* stage, object_in(answer, "stage"));
  if (json) return write_stdout(to_pretty_json(*stage));
  return write_stdout(printable(cell(stage->if_contains("version_id"))) + "\n");
}

}  // namespace

core::Status version_put(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "version put";
  constexpr std::array kFlags = {kProjectFlag,
                                 FlagSpec{"--value-file", true},
                                 FlagSpec{"--binary", false},
                                 FlagSpec{"--stage", true, true},
                                 FlagSpec{"--expire-time", true},
                                 FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  if (parsed.positionals.size() != 1) return usage_error("version put: expected exactly one secret NAME");
  const std::string& name = parsed.positionals[0];
  std::optional<std::int64_t> expire;
  if (auto text = parsed.value("--expire-time")) {
    CSMS_TRY_ASSIGN(expire, epoch_ms(kContext, *text));
  }
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));

  boost::json::object body(core::wiping_json_storage());
  if (parsed.has("--stage")) {
    boost::json::array& stages = body["version_stages"].emplace_array();
    for (const std::string& stage : parsed.values("--stage")) stages.emplace_back(stage);
  }
  if (expire) body["expire_time"] = *expire;
  CSMS_TRY(add_value_from_input(body, parsed, parsed.has("--binary")));
  CSMS_TRY_ASSIGN(const boost::json::object answer,
                  call(client, "POST", secret_path(project, name) + "/versions", &body));
  return print_metadata(answer, parsed.has("--json"));
}

core::Status version_get(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "version get";
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--stage", true}, FlagSpec{"--binary", false},
                                 FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  const std::size_t expected = parsed.has("--stage") ? 1 : 2;
  if (parsed.positionals.size() != expected) {
    return usage_error("version get: expected NAME VERSION (an id such as v3, or latest), or NAME --stage STAGE");
  }
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));
  std::optional<std::string> version;
  if (expected == 2) version = parsed.positionals[1];
  CSMS_TRY_ASSIGN(const boost::json::object found,
                  fetch_version(client, project, parsed.positionals[0], version, parsed.value("--stage")));
  return print_version(found, parsed.has("--binary"), parsed.has("--json"));
}

core::Status version_list(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "version list";
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  if (parsed.positionals.size() != 1) return usage_error("version list: expected exactly one secret NAME");
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));

  boost::json::array all;
  std::vector<std::vector<std::string>> rows;
  CSMS_TRY(for_each_listed(client, secret_path(project, parsed.positionals[0]) + "/versions", "version_metadatas",
                           [&](const boost::json::object& metadata) {
                             all.push_back(metadata);
                             rows.push_back({cell(metadata.if_contains("id")),
                                             joined_cells(metadata.if_contains("version_stages")),
                                             time_cell(metadata.if_contains("create_time")),
                                             time_cell(metadata.if_contains("expire_time"))});
                             return core::ok();
                           }));
  if (parsed.has("--json")) return write_stdout(to_pretty_json(all));
  return write_stdout(render_table({"VERSION", "STAGES", "CREATED", "EXPIRES"}, rows));
}

core::Status version_set_expiry(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "version set-expiry";
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--expire-time", true}, FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  if (parsed.positionals.size() != 2) return usage_error("version set-expiry: expected NAME VERSION --expire-time MS");
  const std::optional<std::string> text = parsed.value("--expire-time");
  if (!text) return usage_error("version set-expiry: --expire-time MS (epoch milliseconds) is required");
  CSMS_TRY_ASSIGN(const std::int64_t expire, epoch_ms(kContext, *text));
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));

  boost::json::object body;
  body["expire_time"] = expire;
  CSMS_TRY_ASSIGN(const boost::json::object answer,
                  call(client, "PUT",
                       secret_path(project, parsed.positionals[0]) + "/versions/" + segment(parsed.positionals[1]),
                       &body));
  return print_metadata(answer, parsed.has("--json"));
}

core::Status stage_set(const Client& client, CommandArgs args) {
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, "stage set"));
  if (parsed.positionals.size() != 3) return usage_error("stage set: expected NAME STAGE VERSION");
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));
  boost::json::object body;
  body["version_id"] = parsed.positionals[2];
  CSMS_TRY_ASSIGN(const boost::json::object answer,
                  call(client, "PUT",
                       secret_path(project, parsed.positionals[0]) + "/stages/" + segment(parsed.positionals[1]),
                       &body));
  return print_stage(answer, parsed.has("--json"));
}

core::Status stage_get(const Client& client, CommandArgs args) {
  constexpr std::array kFlags = {kProjectFlag, FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, "stage get"));
  if (parsed.positionals.size() != 2) return usage_error("stage get: expected NAME STAGE");
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));
  CSMS_TRY_ASSIGN(const boost::json::object answer,
                  call(client, "GET",
                       secret_path(project, parsed.positionals[0]) + "/stages/" + segment(parsed.positionals[1])));
  return print_stage(answer, parsed.has("--json"));
}

core::Status stage_delete(const Client& client, CommandArgs args) {
  constexpr std::array kFlags = {kProjectFlag};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, "stage delete"));
  if (parsed.positionals.size() != 2) return usage_error("stage delete: expected NAME STAGE");
  CSMS_TRY_ASSIGN(const std::string project, resolve_project(client, parsed));
  CSMS_TRY(call(client, "DELETE",
                secret_path(project, parsed.positionals[0]) + "/stages/" + segment(parsed.positionals[1])));
  return write_stdout("deleted stage " + printable(parsed.positionals[1]) + "\n");
}

}  // namespace csms::ctl
