// utf8.hpp: strict UTF-8 (RFC 3629 / Unicode section 3.9): checking, decoding and replacing what is malformed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace csms::core::utf8 {

/// Length of the well-formed sequence starting at text[at] (1 to 4), or 0 when none starts there: overlong forms,
/// surrogates, code points past U+10FFFF, stray continuation bytes and truncated sequences are all malformed.
std::size_t sequence_length(std::string_view text, std::size_t at);

/// Whether all of `text` is well-formed UTF-8.
bool is_valid(std::string_view text);

/// The code points of `text`, or nullopt when it is not well-formed UTF-8.
std::optional<std::u32string> decode(std::string_view text);

/// `text` with every byte that does not start a well-formed sequence replaced by U+FFFD, so it can go into JSON.
std::string with_replacements(std::string_view text);

}  // namespace csms::core::utf8
