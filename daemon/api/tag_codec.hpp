// tag_codec.hpp: CSMS JSON shapes of tags (TagItem, TagResponse, ActionResources; csms-api.md 1.5).
#pragma once

#include "core/tags.hpp"
#include "domain/tag_service.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <vector>

namespace csms::api::codec {

/// [{"key", "value"}] in key order.
boost::json::array tag_items(const std::vector<core::Tag>& tags);
/// [{"key", "values"}] (ListProjectSecretsTags).
boost::json::array tag_key_values(const std::vector<core::TagKeyValues>& keys);
/// {"resource_id", "resource_detail": Secret, "resource_name", "tags", "sys_tags"} (ListResourceInstances).
boost::json::object action_resource(const domain::TaggedSecret& tagged);

}  // namespace csms::api::codec
