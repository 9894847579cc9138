// api_call.hpp: one admin API call: the request, its JSON answer, and the daemon's error turned into a message.
#pragma once

#include "core/error.hpp"
#include "ctl/client.hpp"

#include <boost/json/object.hpp>

#include <string_view>

namespace csms::ctl {

/// Sends `method path` (with `body` as JSON when given) and returns the answer's JSON object (empty for an empty
/// body) on any 2xx: the exact success status is the daemon's business, and a success body (perhaps holding a new
/// secret) must never end up in an error message. Another status becomes an error whose detail reads
/// "<status> <error_code>: <error_msg>", with a code by status class (never kInvalidParameter, which is a usage
/// error of csmsctl itself): 400/413 kInvalidRequest, 401 kUnauthenticated, 403 kForbidden, 404 kNotFound, anything
/// else kInternal (exit_codes.hpp turns these into exit statuses).
core::Result<boost::json::object> call(const Client& client, std::string_view method, std::string_view path,
                                       const boost::json::object* body = nullptr);

/// ok on any 2xx, else the error call() would return, for answers that are not JSON (a backup).
core::Status check_status(const Answer& answer);

}  // namespace csms::ctl
