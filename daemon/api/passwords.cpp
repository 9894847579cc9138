// passwords.cpp: GenerateRandomPassword (POST /csms/generate-password).
#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "core/wiping_json.hpp"
#include "domain/password_generator.hpp"

namespace csms::api::handlers {
namespace {

core::Error invalid(std::string detail) { return core::make_error(core::Errc::kInvalidParameter, std::move(detail)); }

// exclude_characters takes the printable ASCII characters, the only ones a password is built from.
core::Status check_excluded(std::string_view excluded) {
  for (char c : excluded) {
    if (c < 0x20 || c > 0x7e) return invalid("exclude_characters may only hold printable ASCII characters");
  }
  return core::ok();
}

core::Result<domain::PasswordOptions> read_options(const boost::json::object& body) {
  domain::PasswordOptions options;
  CSMS_TRY_ASSIGN(const auto policy, optional_string(body, "password_policy_name"));
  if (policy && !policy->empty()) {
    return invalid("password_policy_name names a Huawei Cloud password policy; policies are not available offline, "
                   "give the options (length, exclusions) instead");
  }
  CSMS_TRY_ASSIGN(const auto length, optional_integer(body, "length"));
  if (length) {
    if (*length < domain::kMinPasswordLength || *length > domain::kMaxPasswordLength) {
      return invalid("length must be between 1 and 255");
    }
    options.length = *length;
  }
  CSMS_TRY_ASSIGN(const auto excluded, optional_string(body, "exclude_characters"));
  if (excluded) {
    CSMS_TRY(check_excluded(*excluded));
    options.exclude_characters = std::string(*excluded);
  }
  const auto flag = [&](std::string_view field, bool& target) -> core::Status {
    CSMS_TRY_ASSIGN(const auto value, optional_bool(body, field));
    if (value) target = *value;
    return core::ok();
  };
  CSMS_TRY(flag("exclude_lowercase", options.exclude_lowercase));
  CSMS_TRY(flag("exclude_uppercase", options.exclude_uppercase));
  CSMS_TRY(flag("exclude_numbers", options.exclude_numbers));
  CSMS_TRY(flag("exclude_punctuation", options.exclude_punctuation));
  CSMS_TRY(flag("include_space", options.include_space));
  CSMS_TRY(flag("require_each_included_type", options.require_each_included_type));
  return options;
}

}  // namespace

core::Result<http::Response> generate_random_password(ApiContext&, const Call& call) {
  CSMS_TRY_ASSIGN(const auto body, parse_object(call.request.body, true));
  CSMS_TRY_ASSIGN(const auto options, read_options(body));
  CSMS_TRY_ASSIGN(const auto password, domain::generate_password(options));
  boost::json::object response(core::wiping_json_storage());
  response["password"] = boost::json::string_view(password.data(), password.size());
  return json_response(response);
}

}  // namespace csms::api::handlers
