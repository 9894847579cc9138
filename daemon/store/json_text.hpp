// json_text.hpp: JSON text for statement parameters that carry a list (both stores pass tag filters this way).
#pragma once

#include "core/tags.hpp"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace csms::store {

/// `text` as a JSON string literal (quotes, backslashes and control characters escaped).
inline std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

inline std::string json_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ',';
    out += json_string(item);
  }
  return out + "]";
}

/// [{"key": ..., "values": [...]}, ...]: conditions of unequal lengths in one parameter.
inline std::string json_array(const std::vector<core::TagCondition>& conditions) {
  std::string out = "[";
  for (const core::TagCondition& condition : conditions) {
    if (out.size() > 1) out += ',';
    out += "{\"key\":" + json_string(condition.key) + ",\"values\":" + json_array(condition.values) + "}";
  }
  return out + "]";
}

}  // namespace csms::store
