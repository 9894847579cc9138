// credentials.cpp: the admin API for access keys and tokens (create, list, revoke) and whoami.
#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/validation.hpp"
#include "core/wiping_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>

namespace csms::api::handlers {
namespace {

constexpr std::size_t kMaxDescription = 255;
constexpr std::size_t kMaxProjects = 64;

core::Error invalid(std::string detail) { return core::make_error(core::Errc::kInvalidParameter, std::move(detail)); }

boost::json::array project_array(const std::vector<std::string>& projects, boost::json::storage_ptr storage = {}) {
  boost::json::array array(std::move(storage));
  for (const std::string& project : projects) array.emplace_back(project);
  return array;
}

boost::json::object credential_object(const core::Credential& credential, boost::json::storage_ptr storage = {}) {
  boost::json::object object(storage);
  object["id"] = credential.id;
  object["type"] = core::to_string(credential.kind);
  object["role"] = core::to_string(credential.role);
  object["projects"] = project_array(credential.projects, storage);
  object["description"] = credential.description;
  object["create_time"] = credential.create_time;
  if (credential.kind == core::CredentialKind::kAccessKey) object["access_key"] = credential.access_key;
  return object;
}

core::Result<std::vector<std::string>> checked_projects(core::Role role, std::optional<std::vector<std::string>> projects) {
  if (role == core::Role::kMetrics) {
    // The metrics count every project at once: a narrower scope would promise per-project metrics that do not
    // exist. Being "*" also keeps creating, listing and revoking it to an admin of every project.
    if (projects && *projects != std::vector<std::string>{std::string(core::kAllProjects)}) {
      return invalid("a metrics credential covers every project: give projects [\"*\"] or leave projects out");
    }
    return std::vector<std::string>{std::string(core::kAllProjects)};
  }
  if (!projects || projects->empty()) return invalid("projects is required: a list of project ids, or [\"*\"]");
  if (projects->size() > kMaxProjects) return invalid("projects takes at most 64 entries");
  for (const std::string& project : *projects) {
    if (project != core::kAllProjects && !validate::is_project_id(project)) {
      return invalid("projects entries must be project ids (32 hex characters) or *");
    }
  }
  return std::move(*projects);
}

core::Result<domain::NewCredential> read_new_credential(const boost::json::object& body) {
  domain::NewCredential request;
  CSMS_TRY_ASSIGN(const auto type, required_string(body, "type"));
  if (type == "access_key") {
    request.kind = core::CredentialKind::kAccessKey;
  } else if (type == "token") {
    request.kind = core::CredentialKind::kToken;
  } else {
    return invalid("type must be access_key or token");
  }
  CSMS_TRY_ASSIGN(const auto role_text, required_string(body, "role"));
  const auto role = core::role_from_string(role_text);
  if (!role) return invalid("role must be " + std::string(core::kRoleNames));
  request.role = *role;
  CSMS_TRY_ASSIGN(auto projects, optional_string_array(body, "projects"));
  CSMS_TRY_ASSIGN(request.projects, checked_projects(request.role, std::move(projects)));
  CSMS_TRY_ASSIGN(const auto description, optional_string(body, "description"));
  if (description) {
    CSMS_TRY(validate::max_length("description", *description, kMaxDescription));
    request.description = std::string(*description);
  }
  return request;
}

}  // namespace

core::Result<http::Response> create_credential(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body));
  CSMS_TRY_ASSIGN(const auto request, read_new_credential(body));
  if (!auth::may_manage(call.caller, request.projects)) {
    return core::make_error(core::Errc::kForbidden, "the caller cannot create credentials for these projects");
  }
  CSMS_TRY_ASSIGN(const auto issued, context.credentials.create(request));
  // The secret key or token is in this response and nowhere else, so the JSON lives in wiped memory.
  const auto storage = core::wiping_json_storage();
  boost::json::object credential = credential_object(issued.credential, storage);
  const std::string_view secret(issued.secret.data(), issued.secret.size());
  if (issued.credential.kind == core::CredentialKind::kAccessKey) {
    credential["secret_key"] = secret;
  } else {
    credential["token"] = secret;
  }
  boost::json::object response(storage);
  response["credential"] = std::move(credential);
  return json_response(response, 201);
}

core::Result<http::Response> list_credentials(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(const auto credentials, context.credentials.list());
  boost::json::array listed;
  for (const core::Credential& credential : credentials) {
    if (auth::may_manage(call.caller, credential.projects)) listed.push_back(credential_object(credential));
  }
  return json_response(boost::json::object{{"credentials", std::move(listed)}});
}

core::Result<http::Response> revoke_credential(ApiContext& context, const Call& call) {
  const std::string& id = call.param("credential_id");
  if (!validate::is_uuid(id)) return core::make_error(core::Errc::kNotFound, "no credential has the id " + id);
  CSMS_TRY_ASSIGN(const auto credential, context.credentials.find(id));
  // Another project's credential is reported as absent: an admin learns nothing outside its projects.
  if (!auth::may_manage(call.caller, credential.projects)) {
    return core::make_error(core::Errc::kNotFound, "no credential has the id " + id);
  }
  CSMS_TRY(context.credentials.revoke(id));
  return empty_response(204);
}

core::Result<http::Response> whoami(ApiContext&, const Call& call) {
  boost::json::object caller;
  caller["kind"] = auth::to_string(call.caller.kind);
  caller["id"] = call.caller.id;
  caller["role"] = core::to_string(call.caller.role);
  caller["projects"] = project_array(call.caller.projects);
  return json_response(boost::json::object{{"caller", std::move(caller)}});
}

}  // namespace csms::api::handlers
