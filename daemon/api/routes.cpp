// routes.cpp: THE route table (every path the daemon serves is spelled here and nowhere else) and dispatch.
#include "api/routes.hpp"

#include "api/audit_trail.hpp"
#include "api/authenticate.hpp"
#include "api/background.hpp"
#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/validation.hpp"
#include "api/write_batch.hpp"
#include "http/url.hpp"
#include "audit/audit_log.hpp"
#include "log/log.hpp"

#include <algorithm>
#include <chrono>

namespace csms::api {
namespace {

namespace net = boost::asio;
using http::Method;

struct RouteRow {
  Method method;
  std::string_view path;
  Route route;
};

using auth::Permission;

// A backup blob is at most 5,242,880 characters (csms-api.md 1.6), and BackupSecret's are far smaller; this leaves
// room for the JSON around it.
constexpr std::size_t kRestoreBodyBytes = 5'242'880 + 4096;

// csms-api.md section 1.1, every operation (1 to 46), the IAM project lookup, then the admin API of docs/auth.md.
const RouteRow kRoutes[] = {
    {Method::kPost, "/v1/{project_id}/secrets", {"CreateSecret", handlers::create_secret, Permission::kWrite}},
    {Method::kGet, "/v1/{project_id}/secrets", {"ListSecrets", handlers::list_secrets, Permission::kRead}},
    {Method::kGet, "/v1/{project_id}/secrets/{secret_name}", {"ShowSecret", handlers::show_secret, Permission::kRead}},
    {Method::kPut, "/v1/{project_id}/secrets/{secret_name}", {"UpdateSecret", handlers::update_secret, Permission::kWrite}},
    {Method::kDelete, "/v1/{project_id}/secrets/{secret_name}",
     {"DeleteSecret", handlers::delete_secret, Permission::kWrite}},
    {Method::kPost, "/v1/{project_id}/secrets/{secret_name}/scheduled-deleted-tasks/create",
     {"DeleteSecretForSchedule", handlers::schedule_secret_deletion, Permission::kWrite}},
    {Method::kPost, "/v1/{project_id}/secrets/{secret_name}/scheduled-deleted-tasks/cancel",
     {"RestoreSecret", handlers::cancel_secret_deletion, Permission::kWrite}},
    {Method::kPost, "/v1/{project_id}/secrets/{secret_name}/versions",
     {"CreateSecretVersion", handlers::create_secret_version, Permission::kWrite}},
    {Method::kGet, "/v1/{project_id}/secrets/{secret_name}/versions",
     {"ListSecretVersions", handlers::list_secret_versions, Permission::kRead}},
    {Method::kGet, "/v1/{project_id}/secrets/{secret_name}/versions/{version_id}",
     {"ShowSecretVersion", handlers::show_secret_version, Permission::kRead}},
    {Method::kPut, "/v1/{project_id}/secrets/{secret_name}/versions/{version_id}",
     {"UpdateVersion", handlers::update_secret_version, Permission::kWrite}},
    {Method::kPost, "/v1/{project_id}/secrets/{secret_name}/stages",
     {"CreateSecretStage", handlers::create_secret_stage, Permission::kWrite}},
    {Method::kPut, "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}",
     {"UpdateSecretStage", handlers::update_secret_stage, Permission::kWrite}},
    {Method::kGet, "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}",
     {"ShowSecretStage", handlers::show_secret_stage, Permission::kRead}},
    {Method::kDelete, "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}",
     {"DeleteSecretStage", handlers::delete_secret_stage, Permission::kWrite}},
    // Events before tags: GET .../csms/events/tags matches both /csms/events/{event_name} and
    // /csms/{secret_id}/tags, and ties go to the earlier row; "events" is never a secret id (a UUID).
    // Operations 24 to 31: events and notification records (nested error bodies), rotation (nested) and tasks.
    {Method::kPost, "/v1/{project_id}/csms/events",
     {"CreateSecretEvent", handlers::create_secret_event, Permission::kWrite, ErrorShape::kNested}},
    {Method::kGet, "/v1/{project_id}/csms/events",
     {"ListSecretEvents", handlers::list_secret_events, Permission::kRead, ErrorShape::kNested}},
    {Method::kGet, "/v1/{project_id}/csms/events/{event_name}",
     {"ShowSecretEvent", handlers::show_secret_event, Permission::kRead, ErrorShape::kNested}},
    {Method::kPut, "/v1/{project_id}/csms/events/{event_name}",
     {"UpdateSecretEvent", handlers::update_secret_event, Permission::kWrite, ErrorShape::kNested}},
    {Method::kDelete, "/v1/{project_id}/csms/events/{event_name}",
     {"DeleteSecretEvent", handlers::delete_secret_event, Permission::kWrite, ErrorShape::kNested}},
    {Method::kGet, "/v1/{project_id}/csms/notification-records",
     {"ListNotificationRecords", handlers::list_notification_records, Permission::kRead, ErrorShape::kNested}},
    {Method::kPost, "/v1/{project_id}/secrets/{secret_name}/rotate",
     {"RotateSecret", handlers::rotate_secret, Permission::kWrite, ErrorShape::kNested}},
    {Method::kGet, "/v1/{project_id}/csms/tasks",
     {"ListSecretTask", handlers::list_secret_tasks, Permission::kRead}},
    // Tags (operations 16 to 21) answer errors in the nested shape (csms-api.md 4.1). ListResourceInstances is a
    // POST that only reads.
    {Method::kPost, "/v1/{project_id}/csms/{secret_id}/tags",
     {"CreateSecretTag", handlers::create_secret_tag, Permission::kWrite, ErrorShape::kNested}},
    {Method::kDelete, "/v1/{project_id}/csms/{secret_id}/tags/{key}",
     {"DeleteSecretTag", handlers::delete_secret_tag, Permission::kWrite, ErrorShape::kNested}},
    {Method::kGet, "/v1/{project_id}/csms/{secret_id}/tags",
     {"ListSecretTags", handlers::list_secret_tags, Permission::kRead, ErrorShape::kNested}},
    {Method::kPost, "/v1/{project_id}/csms/{secret_id}/tags/action",
     {"BatchCreateOrDeleteTags", handlers::batch_secret_tags, Permission::kWrite, ErrorShape::kNested}},
    {Method::kGet, "/v1/{project_id}/csms/tags",
     {"ListProjectSecretsTags", handlers::list_project_tags, Permission::kRead, ErrorShape::kNested}},
    {Method::kPost, "/v1/{project_id}/csms/resource_instances/action",
     {"ListResourceInstances", handlers::list_resource_instances, Permission::kRead, ErrorShape::kNested}},
    // Operations 22, 23, 35 and 43: backup and restore, random passwords, batch import.
    {Method::kPost, "/v1/{project_id}/secrets/{secret_name}/backup",
     {"DownloadSecretBlob", handlers::download_secret_blob, Permission::kRead}},
    {Method::kPost, "/v1/{project_id}/secrets/restore",
     {"UploadSecretBlob", handlers::upload_secret_blob, Permission::kWrite, ErrorShape::kFlat, kRestoreBodyBytes}},
    {Method::kPost, "/v1/{project_id}/csms/generate-password",
     {"GenerateRandomPassword", handlers::generate_random_password, Permission::kRead}},
    {Method::kPost, "/v1/{project_id}/secrets/batch-import",
     {"BatchImportSecrets", handlers::batch_import_secrets, Permission::kWrite}},
    // Operations 32 to 34, 36 to 42 and 44 to 46 need Huawei Cloud services: they answer why not (cloud_only.cpp).
    // They change nothing, so none is a write.
    {Method::kPost, "/v1/csms/agencies", {"CreateAgency", handlers::agencies_not_available, Permission::kNone}},
    {Method::kGet, "/v1/csms/agencies", {"ShowAgency", handlers::agencies_not_available, Permission::kNone}},
    {Method::kGet, "/v1/csms/function-templates",
     {"ShowSecretFunctionTemplates", handlers::function_templates_not_available, Permission::kNone}},
    {Method::kPost, "/v1/{project_id}/csms/grants", {"CreateGrants", handlers::grants_not_available, Permission::kRead}},
    {Method::kGet, "/v1/{project_id}/csms/grants", {"ListGrants", handlers::grants_not_available, Permission::kRead}},
    {Method::kPut, "/v1/{project_id}/csms/grants", {"UpdateGrant", handlers::grants_not_available, Permission::kRead}},
    {Method::kDelete, "/v1/{project_id}/csms/grants", {"DeleteGrant", handlers::grants_not_available, Permission::kRead}},
    {Method::kGet, "/v1/csms/users",
     {"ListUsers", handlers::users_not_available, Permission::kNone, ErrorShape::kNested}},
    {Method::kGet, "/v1/csms/users/{user_id}", {"ShowUserDetail", handlers::users_not_available, Permission::kNone}},
    {Method::kPost, "/v1/csms/users/change-password",
     {"UpdateUserPassword", handlers::users_not_available, Permission::kNone}},
    {Method::kPost, "/v1/{project_id}/secrets/checker/check",
     {"CheckSecrets", handlers::check_secrets_not_available, Permission::kRead}},
    {Method::kGet, "/v1/{project_id}/secrets/checker/config",
     {"ShowSecretsConfig", handlers::show_secrets_config, Permission::kRead}},
    {Method::kPost, "/v1/{project_id}/secrets/checker/config",
     {"UpdateSecretsConfig", handlers::update_secrets_config, Permission::kRead}},
    // IAM KeystoneListProjects, so an SDK given no project id can find one (README, "SDKs without a project id").
    {Method::kGet, "/v3/projects", {"KeystoneListProjects", handlers::keystone_list_projects, Permission::kNone}},
    // Admin API: "csmsd" is not a project id (those are 32 hex characters), so these never shadow CSMS paths.
    {Method::kPost, "/v1/csmsd/credentials",
     {.operation = "CreateCredential", .handler = handlers::create_credential,
      .permission = Permission::kManageCredentials, .write_job = true}},
    {Method::kGet, "/v1/csmsd/credentials",
     {"ListCredentials", handlers::list_credentials, Permission::kManageCredentials}},
    {Method::kDelete, "/v1/csmsd/credentials/{credential_id}",
     {.operation = "RevokeCredential", .handler = handlers::revoke_credential,
      .permission = Permission::kManageCredentials, .write_job = true}},
    {Method::kGet, "/v1/csmsd/master-key", {"ShowMasterKey", handlers::show_master_key, Permission::kManageVault}},
    {Method::kPost, "/v1/csmsd/master-key/rotate",
     {"RotateMasterKey", handlers::rotate_master_key, Permission::kManageVault}},
    {Method::kPost, "/v1/csmsd/backup",
     {.operation = "BackupVault", .handler = handlers::backup_vault, .permission = Permission::kManageVault,
      .background = true}},
    {Method::kGet, "/v1/csmsd/whoami", {"WhoAmI", handlers::whoami, Permission::kNone}},
    // Observability (docs/observability.md): probes answer without credentials, metrics need an all-project admin.
    {Method::kGet, "/healthz", {"Healthz", handlers::healthz, Permission::kPublic}},
    {Method::kGet, "/readyz", {"Readyz", handlers::readyz, Permission::kPublic}},
    {Method::kGet, "/metrics", {"Metrics", handlers::scrape_metrics, Permission::kReadMetrics}},
};

// Slot 0 of the request metrics counts what no route matched (unknown paths, wrong methods); a refused request on
// a known path counts under its route.
constexpr std::string_view kUnmatchedOperation = "-";

std::vector<std::string> metric_operations() {
  std::vector<std::string> names{std::string(kUnmatchedOperation)};
  for (const RouteRow& row : kRoutes) names.emplace_back(row.route.operation);
  return names;
}

// What a public route's handler sees as its caller; the audit record still says anonymous.
const auth::Caller kAnonymousCaller{auth::Caller::Kind::kUnixPeer, "anonymous", core::Role::kReader, {}, {}, {}};

// More than any one record needs (names and ids are bounded by the validators and the header limit).
constexpr std::size_t kAuditReserveBytes = 32 * 1024;

core::Error invalid_request(std::string detail) {
  return core::make_error(core::Errc::kInvalidRequest, std::move(detail));
}

// The route's shape, except that not found is flat on every route, nested ones included (csms-api.md decision 7):
// Terraform and the SDKs recognise a deleted resource by that one answer.
ErrorShape error_shape_of(const core::Error& error, const Route* route) {
  if (route == nullptr || error.code == core::Errc::kNotFound) return ErrorShape::kFlat;
  return route->error_shape;
}

}  // namespace

Api::Api(ApiContext context)
    : request_metrics_(std::make_unique<metrics::RequestMetrics>(metric_operations())), context_(context) {
  context_.request_metrics = request_metrics_.get();
  std::size_t slot = 1;
  for (const RouteRow& row : kRoutes) {
    Route route = row.route;
    route.metrics_slot = slot++;
    router_.add(row.method, row.path, route);
  }
}

core::Status Api::admit(http::Request& request, DispatchState& state) {
  // The route is matched first only so that a refused request's audit record names its target; nothing about it
  // is answered before the caller is authenticated.
  auto match = router_.match(request.method, request.path);
  if (match.outcome == http::Router<Route>::Outcome::kMatched) {
    state.route = match.route;
    state.params = match.params;
    // The probes reveal nothing and must answer a monitor that has no credentials (and ignore any it sends).
    if (state.route->permission == Permission::kPublic) return core::ok();
  }
  auto caller = authenticate(request, context_);
  if (!caller) {
    if (caller.error().code != core::Errc::kUnauthenticated) return caller.error();
    // One answer for every kind of bad credential, so a caller cannot probe which access keys exist; the reason
    // goes to the log.
    log::info("request not authenticated", {{"request_id", request.request_id}, {"reason", caller.error().detail}});
    return core::make_error(core::Errc::kUnauthenticated,
                            "the request's credentials are missing or not valid (see docs/auth.md)");
  }
  state.caller = std::move(*caller);
  switch (match.outcome) {
    case http::Router<Route>::Outcome::kMatched: break;
    case http::Router<Route>::Outcome::kNoPath: return invalid_request("no operation is served at " + request.path);
    case http::Router<Route>::Outcome::kWrongMethod:
      return invalid_request("the method " + request.method_name + " is not served at " + request.path);
    case http::Router<Route>::Outcome::kBadEncoding: return invalid_request("the path has a malformed %-escape");
  }
  // A '/' hidden in a segment would route differently from how the signature canonicalised the path.
  if (request.path.find("%2F") != std::string::npos || request.path.find("%2f") != std::string::npos) {
    return core::make_error(core::Errc::kInvalidParameter, "a path parameter must not contain '/'");
  }
  auto query = http::parse_query(request.raw_query);
  if (!query) return core::make_error(core::Errc::kInvalidParameter, "the query string has a malformed %-escape");
  state.query = std::move(*query);
  // The signature covers the sorted query while handlers read the first value of a key: a repeated key would let
  // a replayed request mean something else.
  std::vector<std::string_view> keys;
  for (const auto& [key, value] : state.query) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  if (const auto repeated = std::adjacent_find(keys.begin(), keys.end()); repeated != keys.end()) {
    return core::make_error(core::Errc::kInvalidParameter, "the query parameter " + std::string(*repeated) + " is repeated");
  }
  std::string_view project_id;
  if (const auto project = state.params.find("project_id"); project != state.params.end()) {
    CSMS_TRY(validate::project_id(project->second));
    project_id = project->second;
    // The SDK signs X-Project-Id from its credentials: a request for another project than it names is not the
    // request that was authorised.
    const auto header_project = request.header("x-project-id");
    if (!header_project.empty() && header_project != project_id) {
      return core::make_error(core::Errc::kUnauthenticated, "X-Project-Id does not match the project in the path");
    }
  }
  return auth::authorize(*state.caller, state.route->permission, project_id);
}

std::size_t Api::body_limit(const http::Request& head, std::size_t standard) {
  try {
    const auto match = router_.match(head.method, head.path);
    if (match.outcome != http::Router<Route>::Outcome::kMatched || match.route->max_body_bytes <= standard) {
      return standard;
    }
    // Nothing larger is buffered for a caller the head does not already authenticate and authorize; the request
    // is authenticated again with its body (which must match a declared X-Sdk-Content-Sha256) before it runs.
    const auto caller = authenticate_head(head, context_);
    if (!caller) {
      log::info("a larger request body was refused before it was read",
                {{"operation", match.route->operation}, {"reason", caller.error().detail}});
      return standard;
    }
    std::string_view project_id;
    if (const auto project = match.params.find("project_id"); project != match.params.end()) {
      if (!validate::project_id(project->second)) return standard;
      project_id = project->second;
    }
    if (!auth::authorize(*caller, match.route->permission, project_id)) return standard;
    return match.route->max_body_bytes;
  } catch (const std::exception&) {
    return standard;
  }
}

net::awaitable<core::Result<http::Response>> Api::dispatch(http::Request& request, DispatchState& state) {
  if (auto admitted = admit(request, state); !admitted) co_return admitted.error();
  const Call call{request, state.params, state.query, state.caller ? *state.caller : kAnonymousCaller, state.notes};
  if (state.route->background) {
    // Slow work: this session's thread answers its other connections until the background thread is done.
    core::Result<http::Response> handled = core::make_error(core::Errc::kInternal, "the background work did not run");
    co_await run_in_background(context_.background, [&]() {
      try {
        handled = state.route->handler(context_, call);
      } catch (const std::exception& failure) {
        handled = core::make_error(core::Errc::kInternal, std::string("a handler threw: ") + failure.what());
      }
    });
    co_return handled;
  }
  if (!runs_as_write_job(*state.route)) co_return state.route->handler(context_, call);
  // A write: run on the store's writer thread in the next group-commit batch, and answer only once that batch
  // is on disk, so "200" still means durable.
  core::Result<http::Response> handled = core::make_error(core::Errc::kInternal, "the write did not run");
  const core::Status durable = co_await run_in_write_batch(context_.store, [&]() {
    try {
      handled = state.route->handler(context_, call);
    } catch (const std::exception& failure) {
      handled = core::make_error(core::Errc::kInternal, std::string("a handler threw: ") + failure.what());
    }
  });
  if (!durable) co_return durable.error();
  co_return handled;
}

net::awaitable<http::Response> Api::handle(http::Request& request) {
  const auto started = std::chrono::steady_clock::now();
  DispatchState state;
  http::Response response;
  std::size_t audit_reserved = 0;
  if (!audit_failing_) {
    // Room for this request's record is reserved before it runs, so a full disk refuses the request instead of
    // carrying it out unaudited.
    if (auto reserved = context_.audit.reserve(kAuditReserveBytes); reserved) {
      audit_reserved = kAuditReserveBytes;
    } else {
      log::error("the audit log cannot be written; requests fail until it can",
                 {{"file", context_.audit.path().string()}, {"detail", reserved.error().detail}});
      audit_failing_ = true;
    }
  }
  if (audit_failing_) {
    // Fail closed: nothing is served while the audit trail cannot be written. This request is refused and
    // audited; once that record is written, the next request is served again.
    response = error_response(core::make_error(core::Errc::kInternal, "the audit log cannot be written"));
  } else {
    core::Result<http::Response> result = core::make_error(core::Errc::kInternal, "");
    try {
      result = co_await dispatch(request, state);
    } catch (const std::exception& failure) {
      // Caught here rather than in the session, so the request is still audited.
      result = core::make_error(core::Errc::kInternal, std::string("a handler threw: ") + failure.what());
    }
    if (result) {
      response = std::move(*result);
    } else {
      const core::Error& error = result.error();
      if (error_info(error.code).status >= 500) {
        log::error("request failed", {{"request_id", request.request_id},
                                      {"operation", state.route ? state.route->operation : std::string_view("-")},
                                      {"error", core::errc_name(error.code)},
                                      {"detail", error.detail}});
      }
      response = error_response(error, error_shape_of(error, state.route));
    }
  }
  const AuditFacts facts{request, state.caller ? &*state.caller : nullptr, state.route, &state.params, state.notes,
                         response};
  if (auto written = context_.audit.write(make_audit_record(facts, context_.access.clock()), audit_reserved); !written) {
    if (!audit_failing_) {
      log::error("the audit log cannot be written; requests fail until it can",
                 {{"file", context_.audit.path().string()}, {"detail", written.error().detail}});
    }
    audit_failing_ = true;
    response = error_response(core::make_error(core::Errc::kInternal, "the audit log cannot be written"));
  } else if (audit_failing_) {
    audit_failing_ = false;
    log::info("the audit log is writable again", {{"file", context_.audit.path().string()}});
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  request_metrics_->record(state.route ? state.route->metrics_slot : 0, response.status,
                           std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed));
  if (log::enabled(log::Level::kDebug)) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
    log::debug("request", {{"request_id", request.request_id},
                           {"method", request.method_name},
                           {"path", request.path},
                           {"operation", state.route ? state.route->operation : std::string_view("-")},
                           {"status", response.status},
                           {"micros", static_cast<long long>(micros.count())}});
  }
  co_return response;
}

http::Response Api::transport_error(http::TransportError error, const std::string& request_id, const http::Peer& peer) {
  http::Response response = error_response(invalid_request("the request is invalid"));
  switch (error) {
    case http::TransportError::kMalformedRequest:
      response = error_response(invalid_request("the request is not valid HTTP/1.1"));
      break;
    case http::TransportError::kHeaderTooLarge:
      response = error_response(core::make_error(core::Errc::kHeaderTooLarge, "the request headers exceed 16 KiB"));
      break;
    case http::TransportError::kBodyTooLarge:
      response = error_response(core::make_error(
          core::Errc::kPayloadTooLarge,
          "the request body exceeds 512 KiB (UploadSecretBlob allows 5 MiB to a caller its request head "
          "authenticates: a Unix socket peer, a token, or a signature with X-Sdk-Content-Sha256; see docs/auth.md)"));
      break;
  }
  // Refused before any route: audited as an anonymous request without a target.
  http::Request request;
  request.request_id = request_id;
  request.peer = peer;
  const AuditNotes notes;
  const AuditFacts facts{request, nullptr, nullptr, nullptr, notes, response};
  if (auto written = context_.audit.write(make_audit_record(facts, context_.access.clock())); !written) {
    audit_failing_ = true;
    response = error_response(core::make_error(core::Errc::kInternal, "the audit log cannot be written"));
  }
  return response;
}

http::Response Api::internal_error(const std::string&) noexcept {
  try {
    return error_response(core::make_error(core::Errc::kInternal, ""));
  } catch (...) {
    http::Response response;
    response.status = 500;
    return response;
  }
}

}  // namespace csms::api
