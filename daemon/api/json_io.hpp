// json_io.hpp: request bodies parsed into wiped memory (core/wiping_json.hpp), and typed field access with CSMS errors.
#pragma once

#include "core/error.hpp"
#include "core/wiping_allocator.hpp"

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::api {

/// Parses a request body that must be a JSON object (kMalformedBody otherwise). Nesting is limited (32 levels) and
/// invalid UTF-8 is refused. An empty body is an empty object when `empty_is_object`.
core::Result<boost::json::object> parse_object(std::string_view body, bool empty_is_object = false);

/// Typed access to one body field. Absent or null → nullopt; the wrong JSON type → kMalformedBody naming the field.
core::Result<std::optional<std::string_view>> optional_string(const boost::json::object& body, std::string_view field);
core::Result<std::optional<bool>> optional_bool(const boost::json::object& body, std::string_view field);
/// Integers only: a fraction or a value outside int64 is kInvalidParameter.
core::Result<std::optional<std::int64_t>> optional_integer(const boost::json::object& body, std::string_view field);
core::Result<std::optional<std::vector<std::string>>> optional_string_array(const boost::json::object& body,
                                                                            std::string_view field);

/// The same, with absence being kInvalidParameter ("field is required").
core::Result<std::string_view> required_string(const boost::json::object& body, std::string_view field);
core::Result<std::int64_t> required_integer(const boost::json::object& body, std::string_view field);

}  // namespace csms::api
