// secret_stages.cpp: CreateSecretStage (POST /stages), UpdateSecretStage, ShowSecretStage and DeleteSecretStage.
#include "api/handlers.hpp"
#include "api/json_codec.hpp"
#include "api/json_io.hpp"
#include "api/validation.hpp"

namespace csms::api::handlers {
namespace {

// POST and PUT share this: both create the stage or move it (csms-api.md decision 1).
core::Result<http::Response> place_stage(ApiContext& context, const Call& call, const std::string& stage,
                                         std::string_view version_text) {
  const std::string& name = call.param("secret_name");
  call.notes.stage_name = stage;
  call.notes.version_id = std::string(version_text);
  CSMS_TRY_ASSIGN(const auto version, validate::body_version("version_id", version_text));
  if (!version) {
    return core::make_error(core::Errc::kNotFound,
                            "the version " + std::string(version_text) + " of " + name + " does not exist");
  }
  CSMS_TRY_ASSIGN(const auto placed, context.secrets.put_stage(call.project_id(), name, stage, *version));
  return json_response(boost::json::object{{"stage", codec::stage(placed, name)}});
}

}  // namespace

core::Result<http::Response> create_secret_stage(ApiContext& context, const Call& call) {
  CSMS_TRY(validate::name("secret_name", call.param("secret_name")));
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body));
  CSMS_TRY_ASSIGN(const auto stage, required_string(body, "name"));
  CSMS_TRY(validate::name("name", stage));
  CSMS_TRY_ASSIGN(const auto version, required_string(body, "version_id"));
  return place_stage(context, call, std::string(stage), version);
}

core::Result<http::Response> update_secret_stage(ApiContext& context, const Call& call) {
  CSMS_TRY(validate::name("secret_name", call.param("secret_name")));
  CSMS_TRY(validate::name("stage_name", call.param("stage_name")));
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body));
  CSMS_TRY_ASSIGN(const auto version, required_string(body, "version_id"));
  return place_stage(context, call, call.param("stage_name"), version);
}

core::Result<http::Response> show_secret_stage(ApiContext& context, const Call& call) {
  const std::string& name = call.param("secret_name");
  CSMS_TRY(validate::name("secret_name", name));
  CSMS_TRY(validate::name("stage_name", call.param("stage_name")));
  CSMS_TRY_ASSIGN(const auto stage, context.secrets.get_stage(call.project_id(), name, call.param("stage_name")));
  return json_response(boost::json::object{{"stage", codec::stage(stage, name)}});
}

core::Result<http::Response> delete_secret_stage(ApiContext& context, const Call& call) {
  const std::string& name = call.param("secret_name");
  CSMS_TRY(validate::name("secret_name", name));
  CSMS_TRY(validate::name("stage_name", call.param("stage_name")));
  CSMS_TRY(context.secrets.delete_stage(call.project_id(), name, call.param("stage_name")));
  return empty_response(204);
}

}  // namespace csms::api::handlers
