// routes.cpp: THE route table (every path the daemon serves is spelled here and nowhere else) and dispatch.
#include "api/routes.hpp"

#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/validation.hpp"
#include "http/url.hpp"
#include "log/log.hpp"

#include <chrono>

namespace csms::api {
namespace {

using http::Method;

struct RouteRow {
  Method method;
  std::string_view path;
  Route route;
};

// csms-api.md section 1.1, operations 1 to 15.
const RouteRow kRoutes[] = {
    {Method::kPost, "/v1/{project_id}/secrets", {"CreateSecret", handlers::create_secret}},
    {Method::kGet, "/v1/{project_id}/secrets", {"ListSecrets", handlers::list_secrets}},
    {Method::kGet, "/v1/{project_id}/secrets/{secret_name}", {"ShowSecret", handlers::show_secret}},
    {Method::kPut, "/v1/{project_id}/secrets/{secret_name}", {"UpdateSecret", handlers::update_secret}},
    {Method::kDelete, "/v1/{project_id}/secrets/{secret_name}", {"DeleteSecret", handlers::delete_secret}},
    {Method::kPost, "/v1/{project_id}/secrets/{secret_name}/scheduled-deleted-tasks/create",
     {"DeleteSecretForSchedule", handlers::schedule_secret_deletion}},
    {Method::kPost, "/v1/{project_id}/secrets/{secret_name}/scheduled-deleted-tasks/cancel",
     {"RestoreSecret", handlers::cancel_secret_deletion}},
    {Method::kPost, "/v1/{project_id}/secrets/{secret_name}/versions",
     {"CreateSecretVersion", handlers::create_secret_version}},
    {Method::kGet, "/v1/{project_id}/secrets/{secret_name}/versions",
     {"ListSecretVersions", handlers::list_secret_versions}},
    {Method::kGet, "/v1/{project_id}/secrets/{secret_name}/versions/{version_id}",
     {"ShowSecretVersion", handlers::show_secret_version}},
    {Method::kPut, "/v1/{project_id}/secrets/{secret_name}/versions/{version_id}",
     {"UpdateVersion", handlers::update_secret_version}},
    {Method::kPost, "/v1/{project_id}/secrets/{secret_name}/stages",
     {"CreateSecretStage", handlers::create_secret_stage}},
    {Method::kPut, "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}",
     {"UpdateSecretStage", handlers::update_secret_stage}},
    {Method::kGet, "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}",
     {"ShowSecretStage", handlers::show_secret_stage}},
    {Method::kDelete, "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}",
     {"DeleteSecretStage", handlers::delete_secret_stage}},
};

core::Error invalid_request(std::string detail) {
  return core::make_error(core::Errc::kInvalidRequest, std::move(detail));
}

}  // namespace

Api::Api(ApiContext context) : context_(context) {
  for (const RouteRow& row : kRoutes) router_.add(row.method, row.path, row.route);
}

core::Result<http::Response> Api::dispatch(http::Request& request, const Route*& route) {
  auto match = router_.match(request.method, request.path);
  switch (match.outcome) {
    case http::Router<Route>::Outcome::kMatched: break;
    case http::Router<Route>::Outcome::kNoPath: return invalid_request("no operation is served at " + request.path);
    case http::Router<Route>::Outcome::kWrongMethod:
      return invalid_request("the method " + request.method_name + " is not served at " + request.path);
    case http::Router<Route>::Outcome::kBadEncoding: return invalid_request("the path has a malformed %-escape");
  }
  route = match.route;
  const auto query = http::parse_query(request.raw_query);
  if (!query) return core::make_error(core::Errc::kInvalidParameter, "the query string has a malformed %-escape");
  if (const auto project = match.params.find("project_id"); project != match.params.end()) {
    CSMS_TRY(validate::project_id(project->second));
  }
  const Call call{request, match.params, *query};
  return route->handler(context_, call);
}

http::Response Api::handle(http::Request& request) {
  const auto started = std::chrono::steady_clock::now();
  const Route* route = nullptr;
  auto result = dispatch(request, route);
  http::Response response;
  if (result) {
    response = std::move(*result);
  } else {
    const core::Error& error = result.error();
    const unsigned status = error_info(error.code).status;
    if (status >= 500) {
      log::error("request failed", {{"request_id", request.request_id},
                                    {"operation", route ? route->operation : std::string_view("-")},
                                    {"error", core::errc_name(error.code)},
                                    {"detail", error.detail}});
    }
    response = error_response(error, route ? route->error_shape : ErrorShape::kFlat);
  }
  if (log::enabled(log::Level::kDebug)) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    log::debug("request", {{"request_id", request.request_id},
                           {"method", request.method_name},
                           {"path", request.path},
                           {"operation", route ? route->operation : std::string_view("-")},
                           {"status", response.status},
                           {"micros", static_cast<long long>(micros.count())}});
  }
  return response;
}

http::Response Api::transport_error(http::TransportError error, const std::string&) {
  switch (error) {
    case http::TransportError::kMalformedRequest:
      return error_response(invalid_request("the request is not valid HTTP/1.1"));
    case http::TransportError::kHeaderTooLarge:
      return error_response(core::make_error(core::Errc::kHeaderTooLarge, "the request headers exceed 16 KiB"));
    case http::TransportError::kBodyTooLarge:
      return error_response(core::make_error(core::Errc::kPayloadTooLarge, "the request body exceeds 512 KiB"));
  }
  return error_response(invalid_request("the request is invalid"));
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
