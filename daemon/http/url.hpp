// url.hpp: splitting a request target and percent-decoding its parts.
#pragma once

#include "core/percent_encoding.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csms::http {

/// Decodes %XX escapes; nullopt for a malformed escape (core/percent_encoding.hpp).
using core::percent_decode;

/// Splits "a=1&b=x%20y" into decoded pairs; nullopt if any part is malformed. A key without '=' gets "".
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view raw_query);

}  // namespace csms::http
