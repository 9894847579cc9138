// sdk_signer.hpp: signs test requests with an access key the way the official Python SDK does (SDK-HMAC-SHA256).
#pragma once

#include <chrono>
#include <string>

#include "http_client.hpp"

namespace csms_test {

struct AccessKey {
  std::string access_key;
  std::string secret_key;
};

/// Adds X-Sdk-Date (now, or now + `clock_offset`) and an Authorization header signing every header whose name has
/// no '_', like the Python SDK. Install it with HttpClient::set_signer.
HttpClient::Signer sdk_signer(AccessKey key, std::chrono::seconds clock_offset = std::chrono::seconds(0));

}  // namespace csms_test
