// errors.hpp: renders a core::Error as the CSMS error response; the only code that writes an error body.
#pragma once

#include "core/error.hpp"
#include "http/message.hpp"

#include <string>
#include <string_view>

namespace csms::api {

/// Flat `{"error_code","error_msg"}` for secrets, versions and stages; nested `{"error":{...}}` for tags, events,
/// notification records and rotation (csms-api.md decision 8).
enum class ErrorShape { kFlat, kNested };

struct ErrorInfo {
  unsigned status;
  std::string_view code;
  std::string_view message;
};

/// The table row for an Errc.
ErrorInfo error_info(core::Errc code);

/// The error_msg text of `error`'s body: the table message and the detail (a fixed text for internal errors).
std::string error_message(const core::Error& error);

/// The response for `error`: status and code from the table, message = table message + detail. Internal details
/// (SQLite, crypto) are logged by the caller and replaced by a generic detail here, so a caller never learns more
/// than it should.
http::Response error_response(const core::Error& error, ErrorShape shape = ErrorShape::kFlat);

}  // namespace csms::api
