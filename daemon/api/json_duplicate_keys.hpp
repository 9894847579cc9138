// json_duplicate_keys.hpp: finds an object that names one key twice, which Boost.JSON would silently resolve.
#pragma once

#include <string_view>

namespace csms::api {

/// Whether any object in `json` (a document that already parsed) repeats a key. Parsers disagree on which of two
/// equal keys wins, so a body meaning different things to a proxy, an SDK and the daemon is refused instead.
bool has_duplicate_key(std::string_view json);

}  // namespace csms::api
