// json_params.hpp: JSON array text for SQLite statements that take a list as one parameter (read with json_each).
#pragma once

#include "store/json_text.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace csms::store::sqlite {

using store::json_array;
using store::json_string;

inline std::string json_array(const std::vector<std::int64_t>& items) {
  std::string out = "[";
  for (const std::int64_t item : items) {
    if (out.size() > 1) out += ',';
    out += std::to_string(item);
  }
  return out + "]";
}

}  // namespace csms::store::sqlite
