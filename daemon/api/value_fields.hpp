// value_fields.hpp: reads secret_string / secret_binary from a body into a wiped buffer (exactly one of them).
#pragma once

#include "core/error.hpp"
#include "crypto/sealer.hpp"

#include <boost/json/object.hpp>

namespace csms::api {

inline constexpr std::size_t kMaxValueCharacters = 32768;

/// Exactly one of secret_string / secret_binary (null counts as absent), at most 32768 characters; secret_binary
/// must be base64. The JSON text of the value is wiped from `body` once copied.
core::Result<crypto::PlainValue> take_secret_value(boost::json::object& body);

}  // namespace csms::api
