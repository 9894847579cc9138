// resource_instances.cpp: ListProjectSecretsTags and ListResourceInstances (filter / count secrets by tag and name).
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

constexpr std::int64_t kDefaultLimit = 10;
constexpr std::int64_t kMaxLimit = 1000;
constexpr std::size_t kMaxConditions = 10;
constexpr std::size_t kMaxValues = 10;
constexpr std::size_t kMaxMatchValue = 255;
constexpr std::size_t kMaxSequence = 36;

core::Error invalid(std::string detail) { return core::make_error(core::Errc::kInvalidParameter, std::move(detail)); }
core::Error malformed(std::string detail) { return core::make_error(core::Errc::kMalformedBody, std::move(detail)); }

// `limit` and `offset`: the SDK sends decimal strings, Terraform JSON numbers; both are accepted.
core::Result<std::optional<std::int64_t>> number_or_numeric_string(const boost::json::object& body,
                                                                   std::string_view field) {
  const auto* value = body.if_contains(field);
  if (!value || value->is_null()) return std::optional<std::int64_t>();
  if (value->is_string()) {
    const auto& text = value->get_string();
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != boost::json::string::npos) {
      return invalid("the field " + std::string(field) + " must be a non-negative whole number");
    }
    return std::optional<std::int64_t>(std::stoll(std::string(text)));
  }
  return optional_integer(body, field);
}

// An array field of JSON objects, absent or null → empty.
core::Result<std::vector<const boost::json::object*>> object_list(const boost::json::object& body,
                                                                  std::string_view field, std::size_t maximum) {
  std::vector<const boost::json::object*> objects;
  const auto* value = body.if_contains(field);
  if (!value || value->is_null()) return objects;
  if (!value->is_array()) return malformed("the field " + std::string(field) + " must be an array of objects");
  if (value->get_array().size() > maximum) {
    return invalid(std::string(field) + " holds at most " + std::to_string(maximum) + " entries");
  }
  for (const boost::json::value& item : value->get_array()) {
    if (!item.is_object()) return malformed("each entry of " + std::string(field) + " must be a JSON object");
    objects.push_back(&item.get_object());
  }
  return objects;
}

// tags: [{"key", "values": [...]}]; keys are AND-ed, values OR-ed, no values = any value; no repeated key or value.
core::Result<std::vector<core::TagCondition>> read_conditions(const boost::json::object& body) {
  CSMS_TRY_ASSIGN(const auto objects, object_list(body, "tags", kMaxConditions));
  std::vector<core::TagCondition> conditions;
  std::set<std::string, std::less<>> keys;
  for (const boost::json::object* object : objects) {
    core::TagCondition condition;
    CSMS_TRY_ASSIGN(const auto key, required_string(*object, "key"));
    CSMS_TRY(validate::tag_key("tags.key", key));
    condition.key = std::string(key);
    if (!keys.insert(condition.key).second) return invalid("the tag key " + condition.key + " appears twice in tags");
    CSMS_TRY_ASSIGN(auto values, optional_string_array(*object, "values"));
    if (values) {
      if (values->size() > kMaxValues) return invalid("tags.values holds at most 10 values");
      std::set<std::string, std::less<>> seen;
      for (const std::string& value : *values) {
        CSMS_TRY(validate::tag_value("tags.values", value));
        if (!seen.insert(value).second) return invalid("the value " + value + " appears twice for " + condition.key);
      }
      condition.values = std::move(*values);
    }
    conditions.push_back(std::move(condition));
  }
  return conditions;
}

// matches: [{"key": "resource_name", "value"}]; only the secret name can be searched.
core::Result<std::vector<std::string>> read_matches(const boost::json::object& body) {
  CSMS_TRY_ASSIGN(const auto objects, object_list(body, "matches", kMaxConditions));
  std::vector<std::string> texts;
  for (const boost::json::object* object : objects) {
    CSMS_TRY_ASSIGN(const auto key, required_string(*object, "key"));
    if (key != "resource_name") return invalid("matches.key must be resource_name");
    CSMS_TRY_ASSIGN(const auto value, optional_string(*object, "value"));
    const std::string_view text = value.value_or("");
    CSMS_TRY(validate::max_length("matches.value", text, kMaxMatchValue));
    texts.emplace_back(text);
  }
  return texts;
}

}  // namespace

core::Result<http::Response> list_project_tags(ApiContext& context, const Call& call) {
  domain::TagService& tags = context.tags;
  CSMS_TRY_ASSIGN(const auto keys, tags.project_tags(call.project_id()));
  return json_response(boost::json::object{{"tags", codec::tag_key_values(keys)}});
}

core::Result<http::Response> list_resource_instances(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body));
  CSMS_TRY_ASSIGN(const auto action, required_string(body, "action"));
  if (action != "filter" && action != "count") return invalid("action must be filter or count");
  CSMS_TRY_ASSIGN(const auto sequence, optional_string(body, "sequence"));
  if (sequence) CSMS_TRY(validate::max_length("sequence", *sequence, kMaxSequence));
  core::SecretFilter filter;
  CSMS_TRY_ASSIGN(filter.tags, read_conditions(body));
  CSMS_TRY_ASSIGN(filter.name_contains, read_matches(body));
  domain::TagService& tags = context.tags;
  if (action == "count") {
    // limit and offset do not apply to a count; the service answers resources null (as Terraform expects).
    CSMS_TRY_ASSIGN(const auto total, tags.count_secrets(call.project_id(), filter));
    return json_response(boost::json::object{{"resources", nullptr}, {"total_count", total}});
  }
  CSMS_TRY_ASSIGN(const auto limit, number_or_numeric_string(body, "limit"));
  if (limit) CSMS_TRY(validate::integer_between("limit", *limit, 1, kMaxLimit));
  CSMS_TRY_ASSIGN(const auto offset, number_or_numeric_string(body, "offset"));
  if (offset && *offset < 0) return invalid("offset must not be negative");
  CSMS_TRY_ASSIGN(const auto found, tags.filter_secrets(call.project_id(), filter,
                                                        static_cast<std::size_t>(offset.value_or(0)),
                                                        static_cast<std::size_t>(limit.value_or(kDefaultLimit))));
  boost::json::array resources;
  for (const auto& tagged : found.page) resources.push_back(codec::action_resource(tagged));
  return json_response(boost::json::object{{"resources", std::move(resources)}, {"total_count", found.total}});
}

}  // namespace csms::api::handlers
