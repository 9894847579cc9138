// json_codec.cpp: model → JSON. Key names follow the official SDK models exactly.
#include "api/json_codec.hpp"

#include "api/json_io.hpp"
#include "core/wiping_json.hpp"

#include <boost/json/array.hpp>

namespace csms::api::codec {
namespace {

boost::json::value optional_value(const std::optional<std::int64_t>& value) {
  if (!value) return nullptr;
  return *value;
}

boost::json::value optional_value(const std::optional<std::string>& value) {
  if (!value) return nullptr;
  return boost::json::string(*value);
}

boost::json::array string_array(const std::vector<std::string>& items) {
  boost::json::array array;
  for (const std::string& item : items) array.emplace_back(item);
  return array;
}

}  // namespace

boost::json::object secret(const core::Secret& secret) {
  boost::json::object out;
  out["id"] = secret.id;
  out["name"] = secret.name;
  out["state"] = core::to_string(secret.state);
  out["kms_key_id"] = secret.kms_key_id;
  out["description"] = secret.description;
  out["create_time"] = secret.create_time;
  out["update_time"] = secret.update_time;
  out["scheduled_delete_time"] = optional_value(secret.scheduled_delete_time);
  out["secret_type"] = secret.secret_type;
  out["auto_rotation"] = secret.auto_rotation;
  out["rotation_period"] = optional_value(secret.rotation_period);
  out["rotation_config"] = optional_value(secret.rotation_config);
  out["rotation_time"] = optional_value(secret.rotation_time);
  out["next_rotation_time"] = optional_value(secret.next_rotation_time);
  out["event_subscriptions"] = string_array(secret.event_subscriptions);
  out["enterprise_project_id"] = secret.enterprise_project_id;
  out["rotation_func_urn"] = optional_value(secret.rotation_func_urn);
  return out;
}

boost::json::object version_metadata(const core::VersionMetadata& version, const std::string& secret_name) {
  boost::json::object out;
  out["id"] = core::version_id(version.number);
  out["create_time"] = version.create_time;
  out["expire_time"] = optional_value(version.expire_time);
  out["kms_key_id"] = version.kms_key_id;
  out["secret_name"] = secret_name;
  out["version_stages"] = string_array(version.stages);
  return out;
}

boost::json::object version_with_value(const core::VersionMetadata& version, const std::string& secret_name,
                                       const crypto::PlainValue& value) {
  boost::json::object out(core::wiping_json_storage());
  out["version_metadata"] = version_metadata(version, secret_name);
  // The value is written straight into the object's slot: a short string lives inline in the slot, which is in
  // wiping storage, while a local boost::json::string would leave a copy on the stack.
  const bool is_binary = value.kind == core::ValueKind::kBinary;
  out["secret_string"] = nullptr;
  out["secret_binary"] = nullptr;
  out[is_binary ? "secret_binary" : "secret_string"].emplace_string().assign(value.bytes.view());
  return out;
}

boost::json::object stage(const core::Stage& stage, const std::string& secret_name) {
  boost::json::object out;
  out["name"] = stage.name;
  out["version_id"] = core::version_id(stage.version);
  out["update_time"] = stage.update_time;
  out["secret_name"] = secret_name;
  return out;
}

boost::json::object page_info(std::size_t count, const std::optional<std::string>& first,
                              const std::optional<std::string>& last, bool has_more) {
  boost::json::object out;
  out["next_marker"] = has_more ? optional_value(last) : boost::json::value(nullptr);
  out["previous_marker"] = optional_value(first);
  out["current_count"] = count;
  return out;
}

}  // namespace csms::api::codec
