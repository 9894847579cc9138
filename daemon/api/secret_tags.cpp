// secret_tags.cpp: CreateSecretTag, DeleteSecretTag, ListSecretTags and BatchCreateOrDeleteTags (by secret id).
#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/tag_codec.hpp"
#include "api/tag_validation.hpp"
#include "api/validation.hpp"
#include "domain/tag_service.hpp"

#include <boost/json/array.hpp>

#include <set>

namespace csms::api::handlers {
namespace {

constexpr std::size_t kMaxBatchTags = 20;
constexpr std::size_t kMaxSequence = 36;
// The path's key is documented as 1 to 255 characters; a longer one cannot name a stored tag (keys are <= 128).
constexpr std::size_t kMaxPathKey = 255;

core::Error invalid(std::string detail) { return core::make_error(core::Errc::kInvalidParameter, std::move(detail)); }
core::Error malformed(std::string detail) { return core::make_error(core::Errc::kMalformedBody, std::move(detail)); }

// The secret's public id: exactly 36 characters, a UUID (csms-api.md 1.1 path constraints).
core::Result<std::string> secret_id_of(const Call& call) {
  const std::string& id = call.param("secret_id");
  if (!validate::is_uuid(id)) return invalid("secret_id must be a secret's id (a lowercase UUID of 36 characters)");
  return id;
}

// A TagItem: "key" required, "value" optional (creating: the empty value; deleting: whatever value the key has).
struct TagItemFields {
  std::string key;
  std::optional<std::string> value;
};

core::Result<TagItemFields> read_tag_item(const boost::json::value& item, std::string_view field) {
  if (!item.is_object()) return malformed("each entry of " + std::string(field) + " must be a JSON object");
  const auto& object = item.get_object();
  TagItemFields fields;
  CSMS_TRY_ASSIGN(const auto key, required_string(object, "key"));
  CSMS_TRY(validate::tag_key(std::string(field) + ".key", key));
  fields.key = std::string(key);
  CSMS_TRY_ASSIGN(const auto value, optional_string(object, "value"));
  if (value) {
    CSMS_TRY(validate::tag_value(std::string(field) + ".value", *value));
    fields.value = std::string(*value);
  }
  return fields;
}

core::Result<std::vector<TagItemFields>> read_tag_list(const boost::json::object& body) {
  const auto* tags = body.if_contains("tags");
  if (!tags || tags->is_null()) return invalid("the field tags is required");
  if (!tags->is_array()) return malformed("the field tags must be an array of tags");
  const auto& items = tags->get_array();
  if (items.empty() || items.size() > kMaxBatchTags) return invalid("tags must hold 1 to 20 tags");
  std::vector<TagItemFields> list;
  std::set<std::string, std::less<>> keys;
  for (const boost::json::value& item : items) {
    CSMS_TRY_ASSIGN(auto fields, read_tag_item(item, "tags"));
    if (!keys.insert(fields.key).second) return invalid("the tag key " + fields.key + " appears twice in tags");
    list.push_back(std::move(fields));
  }
  return list;
}

}  // namespace

core::Result<http::Response> create_secret_tag(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(const auto secret_id, secret_id_of(call));
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body));
  const auto* tag = body.if_contains("tag");
  if (!tag || tag->is_null()) return invalid("the field tag is required");
  CSMS_TRY_ASSIGN(auto fields, read_tag_item(*tag, "tag"));
  domain::TagService& tags = context.tags;
  CSMS_TRY_ASSIGN(const auto secret, tags.add_tags(call.project_id(), secret_id,
                                                   {core::Tag{std::move(fields.key), fields.value.value_or("")}}));
  call.notes.secret_name = secret.name;
  return empty_response(204);
}

core::Result<http::Response> delete_secret_tag(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(const auto secret_id, secret_id_of(call));
  const std::string& key = call.param("key");
  if (key.empty() || validate::code_points(key) > kMaxPathKey) return invalid("key must be 1 to 255 characters");
  domain::TagService& tags = context.tags;
  CSMS_TRY_ASSIGN(const auto secret, tags.delete_tag(call.project_id(), secret_id, key));
  call.notes.secret_name = secret.name;
  return empty_response(204);
}

core::Result<http::Response> list_secret_tags(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(const auto secret_id, secret_id_of(call));
  domain::TagService& tags = context.tags;
  CSMS_TRY_ASSIGN(const auto tagged, tags.list_tags(call.project_id(), secret_id));
  call.notes.secret_name = tagged.secret.name;
  return json_response(
      boost::json::object{{"tags", codec::tag_items(tagged.tags)}, {"sys_tags", boost::json::array()}});
}

core::Result<http::Response> batch_secret_tags(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(const auto secret_id, secret_id_of(call));
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body));
  CSMS_TRY_ASSIGN(const auto action, required_string(body, "action"));
  if (action != "create" && action != "delete") return invalid("action must be create or delete");
  CSMS_TRY_ASSIGN(const auto sequence, optional_string(body, "sequence"));
  if (sequence) CSMS_TRY(validate::max_length("sequence", *sequence, kMaxSequence));
  CSMS_TRY_ASSIGN(auto list, read_tag_list(body));
  domain::TagService& tags = context.tags;
  core::Result<core::Secret> secret = core::make_error(core::Errc::kInternal, "no action ran");
  if (action == "create") {
    std::vector<core::Tag> additions;
    for (auto& fields : list) additions.push_back(core::Tag{std::move(fields.key), fields.value.value_or("")});
    secret = tags.add_tags(call.project_id(), secret_id, additions);
  } else {
    std::vector<domain::TagRemoval> removals;
    for (auto& fields : list) removals.push_back(domain::TagRemoval{std::move(fields.key), std::move(fields.value)});
    secret = tags.remove_tags(call.project_id(), secret_id, removals);
  }
  if (!secret) return secret.error();
  call.notes.secret_name = secret->name;
  return empty_response(204);
}

}  // namespace csms::api::handlers
