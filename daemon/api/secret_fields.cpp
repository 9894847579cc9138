// secret_fields.cpp: the CreateSecret / UpdateSecret body fields, shared by CreateSecret, UpdateSecret and
// BatchImportSecrets.
#include "api/secret_fields.hpp"

#include "api/json_io.hpp"
#include "api/validation.hpp"
#include "api/value_fields.hpp"

namespace csms::api {
namespace {

constexpr std::size_t kMaxDescription = 2048;
constexpr std::size_t kMaxRotationConfig = 1024;
constexpr std::size_t kMaxRotationFuncUrn = 1024;

core::Error invalid(std::string detail) { return core::make_error(core::Errc::kInvalidParameter, std::move(detail)); }

// rotation_config is JSON text {"InstanceId": ..., "SecretSubType": "SingleUser"|"MultiUser"}, required for the
// database secret types.
core::Status check_rotation_config(std::string_view secret_type, const std::optional<std::string_view>& config) {
  const bool database_type = secret_type != "COMMON";
  if (!config || config->empty()) {
    if (database_type) return invalid("rotation_config is required for secret_type " + std::string(secret_type));
    return core::ok();
  }
  CSMS_TRY(validate::max_length("rotation_config", *config, kMaxRotationConfig));
  auto parsed = parse_object(*config);
  if (!parsed) return invalid("rotation_config must be a JSON object in text form");
  if (!database_type) return core::ok();
  const auto instance = parsed->find("InstanceId");
  const auto sub_type = parsed->find("SecretSubType");
  if (instance == parsed->end() || !instance->value().is_string() || sub_type == parsed->end() ||
      !sub_type->value().is_string() ||
      (sub_type->value().get_string() != "SingleUser" && sub_type->value().get_string() != "MultiUser")) {
    return invalid("rotation_config needs InstanceId and SecretSubType (SingleUser or MultiUser)");
  }
  return core::ok();
}

}  // namespace

core::Result<std::optional<std::string>> read_kms_key_id(const boost::json::object& body) {
  CSMS_TRY_ASSIGN(const auto kms_key_id, optional_string(body, "kms_key_id"));
  if (!kms_key_id) return std::optional<std::string>();
  if (!validate::is_uuid(*kms_key_id)) return invalid("kms_key_id must be a lowercase UUID");
  return std::optional<std::string>(*kms_key_id);
}

core::Result<std::optional<std::string>> read_description(const boost::json::object& body) {
  CSMS_TRY_ASSIGN(const auto description, optional_string(body, "description"));
  if (!description) return std::optional<std::string>();
  CSMS_TRY(validate::max_length("description", *description, kMaxDescription));
  return std::optional<std::string>(*description);
}

core::Result<std::optional<std::vector<std::string>>> read_event_subscriptions(const boost::json::object& body) {
  CSMS_TRY_ASSIGN(auto events, optional_string_array(body, "event_subscriptions"));
  if (!events) return events;
  if (events->size() > 1) return invalid("event_subscriptions takes at most 1 event name");
  for (const std::string& event : *events) {
    if (event.size() > 32 || (!event.empty() && !validate::is_name(event))) {
      return invalid("event_subscriptions entries must be 0 to 32 characters of [a-zA-Z0-9_-]");
    }
  }
  return events;
}

core::Result<std::optional<std::string>> read_rotation_period(const boost::json::object& body) {
  CSMS_TRY_ASSIGN(const auto period, optional_string(body, "rotation_period"));
  if (!period || period->empty()) return std::optional<std::string>();
  CSMS_TRY(validate::rotation_period(*period));
  return std::optional<std::string>(*period);
}

core::Result<std::optional<std::string>> read_rotation_func_urn(const boost::json::object& body) {
  CSMS_TRY_ASSIGN(const auto urn, optional_string(body, "rotation_func_urn"));
  if (!urn || urn->empty()) return std::optional<std::string>();
  CSMS_TRY(validate::max_length("rotation_func_urn", *urn, kMaxRotationFuncUrn));
  return std::optional<std::string>(*urn);
}

core::Result<domain::CreateSecretInput> read_create_secret_body(boost::json::object& body, const std::string& project_id,
                                                                std::string* name_out) {
  domain::CreateSecretInput input;
  input.project_id = project_id;
  CSMS_TRY_ASSIGN(const auto name, required_string(body, "name"));
  CSMS_TRY(validate::name("name", name));
  input.name = std::string(name);
  if (name_out != nullptr) *name_out = input.name;
  CSMS_TRY_ASSIGN(input.kms_key_id, read_kms_key_id(body));
  CSMS_TRY_ASSIGN(auto description, read_description(body));
  input.description = std::move(description).value_or("");
  CSMS_TRY_ASSIGN(const auto secret_type, optional_string(body, "secret_type"));
  if (secret_type) {
    if (*secret_type != "COMMON" && *secret_type != "RDS-FG" && *secret_type != "GaussDB-FG") {
      return invalid("secret_type must be COMMON, RDS-FG or GaussDB-FG");
    }
    input.secret_type = std::string(*secret_type);
  }
  CSMS_TRY_ASSIGN(const auto auto_rotation, optional_bool(body, "auto_rotation"));
  input.auto_rotation = auto_rotation.value_or(false);
  CSMS_TRY_ASSIGN(input.rotation_period, read_rotation_period(body));
  if (input.auto_rotation && !input.rotation_period) {
    return invalid("rotation_period is required when auto_rotation is true");
  }
  CSMS_TRY_ASSIGN(const auto rotation_config, optional_string(body, "rotation_config"));
  CSMS_TRY(check_rotation_config(input.secret_type, rotation_config));
  if (rotation_config && !rotation_config->empty()) input.rotation_config = std::string(*rotation_config);
  CSMS_TRY_ASSIGN(auto events, read_event_subscriptions(body));
  if (events) input.event_subscriptions = std::move(*events);
  CSMS_TRY_ASSIGN(const auto enterprise_project, optional_string(body, "enterprise_project_id"));
  if (enterprise_project) {
    CSMS_TRY(validate::length_between("enterprise_project_id", *enterprise_project, 1, 36));
    input.enterprise_project_id = std::string(*enterprise_project);
  }
  CSMS_TRY_ASSIGN(input.rotation_func_urn, read_rotation_func_urn(body));
  CSMS_TRY_ASSIGN(input.value, take_secret_value(body));
  return input;
}

}  // namespace csms::api
