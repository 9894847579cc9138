// tag_codec.cpp: tags → JSON. Key names follow the official SDK models (TagItem, TagResponse, ActionResources).
#include "api/tag_codec.hpp"

#include "api/json_codec.hpp"

namespace csms::api::codec {

boost::json::array tag_items(const std::vector<core::Tag>& tags) {
  boost::json::array items;
  for (const core::Tag& tag : tags) items.push_back(boost::json::object{{"key", tag.key}, {"value", tag.value}});
  return items;
}

boost::json::array tag_key_values(const std::vector<core::TagKeyValues>& keys) {
  boost::json::array items;
  for (const core::TagKeyValues& key : keys) {
    boost::json::array values;
    for (const std::string& value : key.values) values.emplace_back(value);
    items.push_back(boost::json::object{{"key", key.key}, {"values", std::move(values)}});
  }
  return items;
}

boost::json::object action_resource(const domain::TaggedSecret& tagged) {
  boost::json::object out;
  out["resource_id"] = tagged.secret.id;
  out["resource_detail"] = secret(tagged.secret);
  out["resource_name"] = tagged.secret.name;
  out["tags"] = tag_items(tagged.tags);
  // No system tags exist offline; the SDK model documents an empty array when there are none.
  out["sys_tags"] = boost::json::array();
  return out;
}

}  // namespace csms::api::codec
