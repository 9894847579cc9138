// secret_values.hpp: what secret, version and export commands share: value bodies, fetching a version, printing it.
#pragma once

#include "core/error.hpp"
#include "core/wiping_allocator.hpp"
#include "ctl/args.hpp"
#include "ctl/client.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace csms::ctl {

/// Reads the value (--value-file or stdin) and puts it into `body` (which must use wiping storage) as secret_string,
/// or with `binary` as secret_binary (the bytes base64-encoded, as the SDKs send binary values).
core::Status add_value_from_input(boost::json::object& body, const ParsedArgs& parsed, bool binary);

/// GET the version `version` ("v3", "latest") or, when `stage` is set, the version the stage is on (resolved first
/// with GET .../stages/{stage}). Returns the answer's "version" object, in wiped storage.
core::Result<boost::json::object> fetch_version(const Client& client, std::string_view project, std::string_view name,
                                                const std::optional<std::string>& version,
                                                const std::optional<std::string>& stage);

/// Prints a version: with `json` the whole object; else the bare value with nothing added: secret_string as is,
/// secret_binary as its base64 text, or with `binary` decoded to the exact bytes.
core::Status print_version(const boost::json::object& version, bool binary, bool json);

/// The value of a version: secret_string's text, or secret_binary's base64 text; `is_binary` tells which.
core::Result<std::string_view> value_of(const boost::json::object& version, bool& is_binary);

}  // namespace csms::ctl
