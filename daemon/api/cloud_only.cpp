// cloud_only.cpp: operations that need Huawei Cloud services (grants, users, agencies, FunctionGraph templates, the
// strength checker): a clear refusal, or the local truth where there is one (the checker's config).
#include "api/handlers.hpp"
#include "api/json_io.hpp"

namespace csms::api::handlers {
namespace {

// 400 CSMS.0003 "The request is invalid." is the reference's code for a request the service does not serve
// (csms-api.md 4.2); the detail says why, so nobody mistakes it for a malformed call.
core::Error not_offline(std::string_view what, std::string_view why) {
  return core::make_error(core::Errc::kInvalidRequest, std::string(what) + " is not available offline: " +
                                                           std::string(why));
}

}  // namespace

core::Result<http::Response> grants_not_available(ApiContext&, const Call&) {
  return not_offline("Secret grants (CreateGrants, ListGrants, UpdateGrant, DeleteGrant)",
                     "they share secrets with users of a Huawei Cloud organization; csmsd controls access with its own "
                     "credentials and roles (docs/auth.md)");
}

core::Result<http::Response> users_not_available(ApiContext&, const Call&) {
  return not_offline("The user directory (ListUsers, ShowUserDetail, UpdateUserPassword)",
                     "its users live in Huawei Cloud; csmsd callers are its own access keys, tokens and socket peers "
                     "(docs/auth.md)");
}

core::Result<http::Response> agencies_not_available(ApiContext&, const Call&) {
  return not_offline("Agencies (CreateAgency, ShowAgency)",
                     "they authorize Huawei Cloud services (FunctionGraph, RDS, GaussDB) to act for the account");
}

core::Result<http::Response> function_templates_not_available(ApiContext&, const Call&) {
  return not_offline("ShowSecretFunctionTemplates", "rotation function templates are FunctionGraph code in Huawei Cloud");
}

core::Result<http::Response> check_secrets_not_available(ApiContext&, const Call&) {
  return not_offline("CheckSecrets", "the secret strength checker is a Huawei Cloud service");
}

// The checker never runs offline, so "off" is the true state: it is reported, and switching it off is accepted.
core::Result<http::Response> show_secrets_config(ApiContext&, const Call&) {
  return json_response(boost::json::object{{"checking_secret_strength", false}});
}

core::Result<http::Response> update_secrets_config(ApiContext&, const Call& call) {
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body));
  CSMS_TRY_ASSIGN(const auto checking, optional_bool(body, "checking_secret_strength"));
  if (!checking) return core::make_error(core::Errc::kInvalidParameter, "checking_secret_strength is required");
  if (*checking) {
    return not_offline("Turning on checking_secret_strength", "the secret strength checker is a Huawei Cloud service");
  }
  return json_response(boost::json::object{{"checking_secret_strength", false}});
}

}  // namespace csms::api::handlers
