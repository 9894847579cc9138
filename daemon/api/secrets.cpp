// secrets.cpp: CreateSecret, ListSecrets, ShowSecret, UpdateSecret and DeleteSecret.
#include "api/handlers.hpp"
#include "api/json_codec.hpp"
#include "api/json_io.hpp"
#include "api/paging.hpp"
#include "api/secret_fields.hpp"
#include "api/validation.hpp"

#include <boost/json/array.hpp>

namespace csms::api::handlers {

core::Result<http::Response> create_secret(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(auto body, parse_object(call.request.body));
  CSMS_TRY_ASSIGN(auto input, read_create_secret_body(body, call.project_id(), &call.notes.secret_name));
  CSMS_TRY_ASSIGN(const auto secret, context.secrets.create_secret(std::move(input)));
  return json_response(boost::json::object{{"secret", codec::secret(secret)}});
}

core::Result<http::Response> list_secrets(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(const auto limit, read_page_limit(call));
  std::optional<std::string> marker;
  if (const auto text = call.query_value("marker"); text && !text->empty()) {
    CSMS_TRY(validate::name("marker", *text));
    marker = std::string(*text);
  }
  std::optional<std::string> event_name;
  if (const auto text = call.query_value("event_name"); text && !text->empty()) {
    CSMS_TRY(validate::name("event_name", *text));
    event_name = std::string(*text);
  }
  CSMS_TRY_ASSIGN(const auto page, context.secrets.list_secrets(call.project_id(), marker, event_name, limit));
  boost::json::array secrets;
  for (const core::Secret& secret : page.items) secrets.push_back(codec::secret(secret));
  return json_response(boost::json::object{{"secrets", std::move(secrets)}, {"page_info", codec::page_info_by_name(page)}});
}

core::Result<http::Response> show_secret(ApiContext& context, const Call& call) {
  CSMS_TRY(validate::name("secret_name", call.param("secret_name")));
  CSMS_TRY_ASSIGN(const auto secret, context.secrets.get_secret(call.project_id(), call.param("secret_name")));
  return json_response(boost::json::object{{"secret", codec::secret(secret)}});
}

core::Result<http::Response> update_secret(ApiContext& context, const Call& call) {
  CSMS_TRY(validate::name("secret_name", call.param("secret_name")));
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body, true));
  domain::UpdateSecretInput input;
  CSMS_TRY_ASSIGN(input.kms_key_id, read_kms_key_id(body));
  CSMS_TRY_ASSIGN(input.description, read_description(body));
  CSMS_TRY_ASSIGN(input.auto_rotation, optional_bool(body, "auto_rotation"));
  CSMS_TRY_ASSIGN(input.rotation_period, read_rotation_period(body));
  CSMS_TRY_ASSIGN(input.event_subscriptions, read_event_subscriptions(body));
  CSMS_TRY_ASSIGN(input.rotation_func_urn, read_rotation_func_urn(body));
  CSMS_TRY_ASSIGN(const auto secret,
                  context.secrets.update_secret(call.project_id(), call.param("secret_name"), input));
  return json_response(boost::json::object{{"secret", codec::secret(secret)}});
}

core::Result<http::Response> delete_secret(ApiContext& context, const Call& call) {
  CSMS_TRY(validate::name("secret_name", call.param("secret_name")));
  CSMS_TRY(context.secrets.delete_secret(call.project_id(), call.param("secret_name")));
  return empty_response(200);
}

}  // namespace csms::api::handlers
