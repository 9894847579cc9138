// authenticate.hpp: turning a request's peer credentials, SDK signature or token into an authenticated caller.
#pragma once

#include "api/call.hpp"

namespace csms::api {

/// In order: a Unix socket peer matched by a peer rule; `Authorization: SDK-HMAC-SHA256 ...` verified with the
/// access key's secret key; `X-Auth-Token`. Anything else is kUnauthenticated (401 CSMS.0301); a store failure
/// stays what it is (5xx), so an outage is never reported as bad credentials.
core::Result<auth::Caller> authenticate(const http::Request& request, ApiContext& context);

/// The same from a request's head before its body is read: an SDK signature then counts only when
/// X-Sdk-Content-Sha256 declares the body's hash (authenticate() checks the body against it afterwards).
core::Result<auth::Caller> authenticate_head(const http::Request& head, ApiContext& context);

}  // namespace csms::api
