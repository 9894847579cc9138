// secret_fields.hpp: reading the fields of CreateSecretRequestBody / UpdateSecretRequestBody (csms-api.md 1.2).
#pragma once

#include "core/error.hpp"
#include "domain/secret_service.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace csms::api {

/// Each: absent or null → nullopt; otherwise checked against its rule (kInvalidParameter naming the field).
core::Result<std::optional<std::string>> read_kms_key_id(const boost::json::object& body);
core::Result<std::optional<std::string>> read_description(const boost::json::object& body);
core::Result<std::optional<std::vector<std::string>>> read_event_subscriptions(const boost::json::object& body);
core::Result<std::optional<std::string>> read_rotation_period(const boost::json::object& body);
core::Result<std::optional<std::string>> read_rotation_func_urn(const boost::json::object& body);

/// A whole CreateSecretRequestBody for `project_id`. The value is moved into a wiped buffer and erased from
/// `body`. `name_out`, when given, receives the name as soon as it is known to be valid (for the audit record of a
/// request refused later).
core::Result<domain::CreateSecretInput> read_create_secret_body(boost::json::object& body, const std::string& project_id,
                                                                std::string* name_out = nullptr);

}  // namespace csms::api
