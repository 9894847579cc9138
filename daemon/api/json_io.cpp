// json_io.cpp: Boost.JSON with a wiping memory resource, and field accessors.
#include "api/json_io.hpp"

#include "api/json_duplicate_keys.hpp"
#include "core/wiping_json.hpp"

namespace csms::api {
namespace {

core::Error wrong_type(std::string_view field, std::string_view expected) {
  return core::make_error(core::Errc::kMalformedBody,
                          "the field " + std::string(field) + " must be " + std::string(expected));
}

const boost::json::value* find_field(const boost::json::object& body, std::string_view field) {
  const auto found = body.find(field);
  if (found == body.end() || found->value().is_null()) return nullptr;
  return &found->value();
}

}  // namespace

core::Result<boost::json::object> parse_object(std::string_view body, bool empty_is_object) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (empty_is_object) return boost::json::object(core::wiping_json_storage());
    return core::make_error(core::Errc::kMalformedBody, "the request body is empty; a JSON object is required");
  }
  boost::json::parse_options options;
  options.max_depth = 32;
  boost::system::error_code ec;
  boost::json::value value = core::parse_json_wiped(body, options, ec);
  if (ec) return core::make_error(core::Errc::kMalformedBody, "the request body is not valid JSON (" + ec.message() + ")");
  if (!value.is_object()) return core::make_error(core::Errc::kMalformedBody, "the request body must be a JSON object");
  // The key is not quoted back: the body may carry a secret, and a caller can put one anywhere.
  if (has_duplicate_key(body)) {
    return core::make_error(core::Errc::kMalformedBody, "the request body names the same key twice in one object");
  }
  return std::move(value.as_object());
}

core::Result<std::optional<std::string_view>> optional_string(const boost::json::object& body, std::string_view field) {
  const boost::json::value* value = find_field(body, field);
  if (!value) return std::optional<std::string_view>();
  if (!value->is_string()) return wrong_type(field, "a string");
  const auto& text = value->get_string();
  return std::optional<std::string_view>(std::string_view(text.data(), text.size()));
}

core::Result<std::optional<bool>> optional_bool(const boost::json::object& body, std::string_view field) {
  const boost::json::value* value = find_field(body, field);
  if (!value) return std::optional<bool>();
  if (!value->is_bool()) return wrong_type(field, "a boolean");
  return std::optional<bool>(value->get_bool());
}

core::Result<std::optional<std::int64_t>> optional_integer(const boost::json::object& body, std::string_view field) {
  const boost::json::value* value = find_field(body, field);
  if (!value) return std::optional<std::int64_t>();
  if (value->is_int64()) return std::optional<std::int64_t>(value->get_int64());
  if (value->is_uint64() || value->is_double()) {
    return core::make_error(core::Errc::kInvalidParameter,
                            "the field " + std::string(field) + " must be an integer in range");
  }
  return wrong_type(field, "an integer");
}

core::Result<std::optional<std::vector<std::string>>> optional_string_array(const boost::json::object& body,
                                                                            std::string_view field) {
  const boost::json::value* value = find_field(body, field);
  if (!value) return std::optional<std::vector<std::string>>();
  if (!value->is_array()) return wrong_type(field, "an array of strings");
  std::vector<std::string> items;
  for (const boost::json::value& item : value->get_array()) {
    if (!item.is_string()) return wrong_type(field, "an array of strings");
    items.emplace_back(item.get_string().data(), item.get_string().size());
  }
  return std::optional<std::vector<std::string>>(std::move(items));
}

core::Result<std::string_view> required_string(const boost::json::object& body, std::string_view field) {
  CSMS_TRY_ASSIGN(const auto value, optional_string(body, field));
  if (!value) return core::make_error(core::Errc::kInvalidParameter, "the field " + std::string(field) + " is required");
  return *value;
}

core::Result<std::int64_t> required_integer(const boost::json::object& body, std::string_view field) {
  CSMS_TRY_ASSIGN(const auto value, optional_integer(body, field));
  if (!value) return core::make_error(core::Errc::kInvalidParameter, "the field " + std::string(field) + " is required");
  return *value;
}

}  // namespace csms::api
