// pg_list_params.hpp: list parameters for the PostgreSQL store as one text each (array literals, JSON), so each
// statement keeps one static text and is prepared once whatever the list's length.
#pragma once

#include "core/tags.hpp"
#include "store/json_text.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace csms::store::postgres {

/// A LIMIT or OFFSET as a bigint parameter. Callers ask for "everything" with huge sizes, which SQLite takes as
/// given (a negative LIMIT is no limit there) but PostgreSQL refuses when negative: clamp instead of wrapping.
inline std::int64_t row_count(std::size_t count) {
  return static_cast<std::int64_t>(
      std::min<std::size_t>(count, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
}

/// "{1,2,3}": read with `= ANY($n::bigint[])`.
inline std::string bigint_array(const std::vector<std::int64_t>& items) {
  std::string out = "{";
  for (const std::int64_t item : items) {
    if (out.size() > 1) out += ',';
    out += std::to_string(item);
  }
  return out + "}";
}

/// {"a","b\"c"}: every element quoted, so commas, braces, blanks and the word NULL stay plain text. Read with
/// `$n::text[]`.
inline std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (const char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

/// [{"key": ..., "values": [...]}, ...]: conditions of unequal lengths in one parameter, read as `$n::jsonb`.
inline std::string tag_conditions_json(const std::vector<core::TagCondition>& conditions) {
  return store::json_array(conditions);
}

}  // namespace csms::store::postgres
