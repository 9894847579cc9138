// wiping_json.hpp: Boost.JSON values, parsing and serialising in memory that is zeroed when released.
#pragma once

#include "core/wiping_allocator.hpp"

#include <boost/json/parse_options.hpp>
#include <boost/json/serializer.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

#include <string_view>

namespace csms::core {

/// Storage whose blocks are zeroed before they go back to the heap; every JSON value that may hold a secret
/// (a request or response body, a created credential) uses it. Stateless, so one instance serves every thread.
boost::json::storage_ptr wiping_json_storage();

/// Parses `text` into wiping storage; the parser's stack scratch is wiped too. On malformed input `ec` is set and
/// a null value returned.
boost::json::value parse_json_wiped(std::string_view text, const boost::json::parse_options& options,
                                    boost::system::error_code& ec);

/// Appends all of the serializer's output to `out` through a stack chunk that is wiped afterwards.
void drain_json_wiped(boost::json::serializer& serializer, SecureString& out);

/// Compact JSON text in a wiping string.
SecureString to_json_wiped(const boost::json::value& value);

}  // namespace csms::core
