// value_fields.cpp: secret value extraction and checks.
#include "api/value_fields.hpp"

#include "api/json_io.hpp"
#include "api/validation.hpp"

namespace csms::api {

core::Result<crypto::PlainValue> take_secret_value(boost::json::object& body) {
  CSMS_TRY_ASSIGN(const auto text, optional_string(body, "secret_string"));
  CSMS_TRY_ASSIGN(const auto binary, optional_string(body, "secret_binary"));
  if (text.has_value() == binary.has_value()) {
    return core::make_error(core::Errc::kInvalidParameter, "exactly one of secret_string and secret_binary is required");
  }
  const std::string_view field = text ? "secret_string" : "secret_binary";
  const std::string_view value = text ? *text : *binary;
  CSMS_TRY(validate::max_length(field, value, kMaxValueCharacters));
  if (binary && !validate::is_base64(value)) {
    return core::make_error(core::Errc::kInvalidParameter, "secret_binary must be base64 text");
  }
  crypto::PlainValue plain{text ? core::ValueKind::kString : core::ValueKind::kBinary,
                           core::SecureBuffer::from_string(value)};
  // The JSON string lives in wiping storage; erasing it now frees (and zeroes) it early.
  body.erase(field);
  return plain;
}

}  // namespace csms::api
