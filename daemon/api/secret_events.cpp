// secret_events.cpp: CreateSecretEvent, ListSecretEvents, ShowSecretEvent, UpdateSecretEvent and DeleteSecretEvent.
#include "api/event_codec.hpp"
#include "api/handlers.hpp"
#include "api/json_codec.hpp"
#include "api/json_io.hpp"
#include "api/paging.hpp"
#include "api/validation.hpp"

#include <boost/json/array.hpp>

#include <algorithm>

namespace csms::api::handlers {
namespace {

constexpr std::size_t kMaxEventTypes = 12;

core::Error invalid(std::string detail) { return core::make_error(core::Errc::kInvalidParameter, std::move(detail)); }

// ^[a-zA-Z0-9\-._:]{1,256}$ (an SMN topic URN).
bool is_target_id(std::string_view text) {
  if (text.empty() || text.size() > 256) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == ':';
  });
}

// ListSecretEvents' marker pattern also admits dots: ^[a-zA-Z0-9._-]{1,64}$.
bool is_event_marker(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
  });
}

core::Result<std::optional<std::vector<std::string>>> read_event_types(const boost::json::object& body) {
  CSMS_TRY_ASSIGN(auto types, optional_string_array(body, "event_types"));
  if (!types) return types;
  if (types->empty() || types->size() > kMaxEventTypes) return invalid("event_types takes 1 to 12 event types");
  for (std::size_t i = 0; i < types->size(); ++i) {
    if (!core::is_event_type((*types)[i])) {
      return invalid("event_types entries must be SECRET_VERSION_CREATED, SECRET_VERSION_EXPIRED, SECRET_ROTATED, "
                     "SECRET_DELETED or SECRET_ROTATED_FAILED");
    }
    if (std::find(types->begin(), types->begin() + static_cast<std::ptrdiff_t>(i), (*types)[i]) !=
        types->begin() + static_cast<std::ptrdiff_t>(i)) {
      return invalid("event_types lists " + (*types)[i] + " twice");
    }
  }
  return types;
}

core::Result<std::optional<std::string>> read_state(const boost::json::object& body) {
  CSMS_TRY_ASSIGN(const auto state, optional_string(body, "state"));
  if (!state) return std::optional<std::string>();
  if (*state != core::kEventEnabled && *state != core::kEventDisabled) return invalid("state must be ENABLED or DISABLED");
  return std::optional<std::string>(*state);
}

core::Result<std::optional<core::NotificationTarget>> read_notification(const boost::json::object& body) {
  const auto found = body.find("notification");
  if (found == body.end() || found->value().is_null()) return std::optional<core::NotificationTarget>();
  if (!found->value().is_object()) {
    return core::make_error(core::Errc::kMalformedBody, "notification must be a JSON object");
  }
  const boost::json::object& notification = found->value().get_object();
  CSMS_TRY_ASSIGN(const auto type, required_string(notification, "target_type"));
  if (type != "SMN") return invalid("notification.target_type must be SMN");
  CSMS_TRY_ASSIGN(const auto id, required_string(notification, "target_id"));
  if (!is_target_id(id)) return invalid("notification.target_id must be 1 to 256 characters of [a-zA-Z0-9-._:]");
  CSMS_TRY_ASSIGN(const auto name, required_string(notification, "target_name"));
  CSMS_TRY(validate::name("notification.target_name", name));
  return std::optional<core::NotificationTarget>(
      core::NotificationTarget{std::string(type), std::string(id), std::string(name)});
}

core::Error required(std::string_view field) { return invalid(std::string(field) + " is required"); }

}  // namespace

core::Result<http::Response> create_secret_event(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body));
  domain::CreateEventInput input;
  input.project_id = call.project_id();
  CSMS_TRY_ASSIGN(const auto name, required_string(body, "name"));
  CSMS_TRY(validate::name("name", name));
  input.name = std::string(name);
  CSMS_TRY_ASSIGN(auto types, read_event_types(body));
  if (!types) return required("event_types");
  input.event_types = std::move(*types);
  CSMS_TRY_ASSIGN(auto state, read_state(body));
  if (!state) return required("state");
  input.state = std::move(*state);
  CSMS_TRY_ASSIGN(auto notification, read_notification(body));
  if (!notification) return required("notification");
  input.notification = std::move(*notification);
  CSMS_TRY_ASSIGN(const auto event, context.events.create_event(std::move(input)));
  return json_response(boost::json::object{{"event", codec::event(event)}});
}

core::Result<http::Response> list_secret_events(ApiContext& context, const Call& call) {
  CSMS_TRY_ASSIGN(const auto limit, read_page_limit(call));
  std::optional<std::string> marker;
  if (const auto text = call.query_value("marker"); text && !text->empty()) {
    if (!is_event_marker(*text)) return invalid("marker must be 1 to 64 characters of [a-zA-Z0-9._-]");
    marker = std::string(*text);
  }
  CSMS_TRY_ASSIGN(const auto page, context.events.list_events(call.project_id(), marker, limit));
  boost::json::array events;
  for (const core::Event& event : page.items) events.push_back(codec::event(event));
  return json_response(boost::json::object{{"events", std::move(events)}, {"page_info", codec::page_info_by_name(page)}});
}

core::Result<http::Response> show_secret_event(ApiContext& context, const Call& call) {
  CSMS_TRY(validate::name("event_name", call.param("event_name")));
  CSMS_TRY_ASSIGN(const auto event, context.events.get_event(call.project_id(), call.param("event_name")));
  return json_response(boost::json::object{{"event", codec::event(event)}});
}

core::Result<http::Response> update_secret_event(ApiContext& context, const Call& call) {
  CSMS_TRY(validate::name("event_name", call.param("event_name")));
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body, true));
  domain::UpdateEventInput input;
  CSMS_TRY_ASSIGN(input.event_types, read_event_types(body));
  CSMS_TRY_ASSIGN(input.state, read_state(body));
  CSMS_TRY_ASSIGN(input.notification, read_notification(body));
  CSMS_TRY_ASSIGN(const auto event, context.events.update_event(call.project_id(), call.param("event_name"), input));
  return json_response(boost::json::object{{"event", codec::event(event)}});
}

core::Result<http::Response> delete_secret_event(ApiContext& context, const Call& call) {
  CSMS_TRY(validate::name("event_name", call.param("event_name")));
  CSMS_TRY(context.events.delete_event(call.project_id(), call.param("event_name")));
  return empty_response(204);
}

}  // namespace csms::api::handlers
