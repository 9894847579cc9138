// json_text.hpp: JSON in wiped memory for answers that may hold a secret: parsing, pretty printing, raw output.
#pragma once

#include "core/error.hpp"
#include "core/wiping_allocator.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string_view>

namespace csms::ctl {

/// Parses an answer body that must be a JSON object; an empty body is an empty object. A daemon that answers
/// anything else is reported as kInternal.
core::Result<boost::json::object> parse_answer(std::string_view body);

/// Indented JSON (two spaces, keys in the daemon's order), ending with a newline.
core::SecureString to_pretty_json(const boost::json::value& value);

/// Writes all of `text` to stdout with write(2), bypassing stdio so that no stdio buffer keeps a copy of a secret.
core::Status write_stdout(std::string_view text);

}  // namespace csms::ctl
