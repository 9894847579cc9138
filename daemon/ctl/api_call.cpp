// api_call.cpp: status check and CSMS error bodies (flat, or nested under "error") for csmsctl.
#include "ctl/api_call.hpp"

#include "core/wiping_json.hpp"
#include "ctl/json_text.hpp"

#include <boost/json/parse.hpp>

#include <string>

namespace csms::ctl {
namespace {

std::string string_field(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

core::Errc errc_for(unsigned status) {
  switch (status) {
    case 401: return core::Errc::kUnauthenticated;
    case 403: return core::Errc::kForbidden;
    case 404: return core::Errc::kNotFound;
    // 400 and 413: the request itself is wrong. 503 stays kInternal: the daemon answered, so it is reachable, and
    // kUnavailable means "no answer" (exit_codes.hpp).
    case 400:
    case 413: return core::Errc::kInvalidRequest;
    default: return core::Errc::kInternal;
  }
}

// An error body holds no secret, so the ordinary parser will do; anything unparsable is shown as it came.
core::Error answer_error(const Answer& answer) {
  std::string code;
  std::string message;
  boost::system::error_code ec;
  const std::string_view body(answer.body.data(), answer.body.size());
  const boost::json::value parsed = boost::json::parse(body, ec);
  if (!ec && parsed.is_object()) {
    const boost::json::object* fields = &parsed.get_object();
    if (const auto* nested = fields->if_contains("error"); nested != nullptr && nested->is_object()) {
      fields = &nested->get_object();
    }
    code = string_field(*fields, "error_code");
    message = string_field(*fields, "error_msg");
  }
  if (code.empty()) code = "(no error code)";
  if (message.empty()) message = body.empty() ? "(empty answer)" : std::string(body.substr(0, 200));
  return core::make_error(errc_for(answer.status), std::to_string(answer.status) + " " + code + ": " + message);
}

}  // namespace

core::Result<boost::json::object> call(const Client& client, std::string_view method, std::string_view path,
                                       const boost::json::object* body) {
  std::optional<core::SecureString> text;
  if (body != nullptr) text = core::to_json_wiped(*body);
  CSMS_TRY_ASSIGN(const Answer answer, client.request(method, path, text ? &*text : nullptr));
  CSMS_TRY(check_status(answer));
  return parse_answer(std::string_view(answer.body.data(), answer.body.size()));
}

core::Status check_status(const Answer& answer) {
  if (answer.status < 200 || answer.status > 299) return answer_error(answer);
  return core::ok();
}

}  // namespace csms::ctl
