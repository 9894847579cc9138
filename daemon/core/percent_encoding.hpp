// percent_encoding.hpp: strict %XX decoding, shared by the router (http) and the signature check (auth).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace csms::core {

/// The value of one hex digit, or -1.
int hex_digit_value(char c);

/// Decodes %XX escapes; nullopt for a '%' not followed by two hex digits (strict, so two parsers of the same bytes
/// cannot disagree about what was sent or signed). '+' stays '+': the SDKs encode a space as %20.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace csms::core
