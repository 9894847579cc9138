// credential_commands.cpp: `credential create`, `credential list` and `credential revoke`.
#include "ctl/api_call.hpp"
#include "ctl/args.hpp"
#include "ctl/commands.hpp"
#include "ctl/json_text.hpp"
#include "ctl/text.hpp"
#include "core/credential.hpp"

#include <array>
#include <cstdio>

namespace csms::ctl {
namespace {

constexpr std::string_view kCredentialsPath = "/v1/csmsd/credentials";

// The id goes into the path, so only the characters of a UUID pass: nothing can reach another route.
bool plausible_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

core::Result<const boost::json::object*> object_field(const boost::json::object& answer, std::string_view key) {
  const boost::json::value* value = answer.if_contains(key);
  if (value == nullptr || !value->is_object()) {
    return core::make_error(core::Errc::kInternal, "the daemon's answer has no " + std::string(key) + " object");
  }
  return &value->get_object();
}

}  // namespace

core::Status credential_create(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "credential create";
  constexpr std::array kFlags = {FlagSpec{"--type", true}, FlagSpec{"--role", true}, FlagSpec{"--project", true, true},
                                 FlagSpec{"--description", true}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  CSMS_TRY(no_positionals(parsed, kContext));

  const std::optional<std::string> type = parsed.value("--type");
  if (!type) return usage_error("credential create: --type access-key|token is required");
  std::string wire_type;
  if (*type == "access-key" || *type == "access_key") {
    wire_type = "access_key";
  } else if (*type == "token") {
    wire_type = "token";
  } else {
    return usage_error("credential create: --type must be access-key or token, got '" + *type + "'");
  }
  const std::optional<std::string> role = parsed.value("--role");
  if (!role) return usage_error("credential create: --role reader|writer|admin|metrics is required");
  const std::optional<core::Role> parsed_role = core::role_from_string(*role);
  if (!parsed_role) {
    return usage_error("credential create: --role must be " + std::string(core::kRoleNames) + ", got '" +
                       printable(*role) + "'");
  }
  const std::vector<std::string> projects = parsed.values("--project");
  // A metrics credential always covers every project, so the daemon needs no projects for it (docs/auth.md).
  if (projects.empty() && *parsed_role != core::Role::kMetrics) {
    return usage_error("credential create: at least one --project ID (or '*') is required");
  }

  boost::json::object body;
  body["type"] = wire_type;
  body["role"] = *role;
  if (!projects.empty()) {
    boost::json::array& project_list = body["projects"].emplace_array();
    for (const std::string& project : projects) project_list.emplace_back(project);
  }
  if (auto description = parsed.value("--description")) body["description"] = *description;

  CSMS_TRY_ASSIGN(const boost::json::object answer, call(client, "POST", kCredentialsPath, &body));
  CSMS_TRY_ASSIGN(const boost::json::object* credential, object_field(answer, "credential"));
  // The answer, its parsed form and this text live in wiping storage: nothing of the secret outlives the print.
  CSMS_TRY(write_stdout(to_pretty_json(*credential)));
  std::fputs("csmsctl: this is the only time the secret is shown; store it now\n", stderr);
  return core::ok();
}

core::Status credential_list(const Client& client, CommandArgs args) {
  constexpr std::string_view kContext = "credential list";
  constexpr std::array kFlags = {FlagSpec{"--json", false}};
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, kFlags, kContext));
  CSMS_TRY(no_positionals(parsed, kContext));

  CSMS_TRY_ASSIGN(const boost::json::object answer, call(client, "GET", kCredentialsPath));
  const boost::json::value* list = answer.if_contains("credentials");
  if (list == nullptr || !list->is_array()) {
    return core::make_error(core::Errc::kInternal, "the daemon's answer has no credentials array");
  }
  if (parsed.has("--json")) return write_stdout(to_pretty_json(*list));

  std::vector<std::vector<std::string>> rows;
  for (const boost::json::value& item : list->get_array()) {
    if (!item.is_object()) continue;
    const boost::json::object& credential = item.get_object();
    const boost::json::value* created = credential.if_contains("create_time");
    rows.push_back({cell(credential.if_contains("id")), cell(credential.if_contains("type")),
                    cell(credential.if_contains("role")), joined_cells(credential.if_contains("projects")),
                    cell(credential.if_contains("access_key")),
                    created != nullptr && created->is_int64() ? format_epoch_ms(created->get_int64()) : cell(created),
                    cell(credential.if_contains("description"))});
  }
  return write_stdout(
      render_table({"ID", "TYPE", "ROLE", "PROJECTS", "ACCESS KEY", "CREATED", "DESCRIPTION"}, rows));
}

core::Status credential_revoke(const Client& client, CommandArgs args) {
  CSMS_TRY_ASSIGN(const ParsedArgs parsed, parse_args(args, {}, "credential revoke"));
  if (parsed.positionals.size() != 1) return usage_error("credential revoke: expected exactly one credential ID");
  const std::string& id = parsed.positionals[0];
  if (!plausible_id(id)) return usage_error("credential revoke: '" + printable(id) + "' is not a credential ID");

  CSMS_TRY(call(client, "DELETE", std::string(kCredentialsPath) + "/" + id));
  return write_stdout("revoked " + id + "\n");
}

}  // namespace csms::ctl
