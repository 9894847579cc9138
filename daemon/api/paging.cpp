// paging.cpp: limit parsing.
#include "api/paging.hpp"

#include <charconv>

namespace csms::api {

core::Result<std::size_t> read_page_limit(const Call& call) {
  const auto text = call.query_value("limit");
  if (!text || text->empty()) return kDefaultPageSize;
  std::size_t limit = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || end != text->data() + text->size() || limit < 1 || limit > kMaxPageSize) {
    return core::make_error(core::Errc::kInvalidParameter, "limit must be an integer from 1 to 1000");
  }
  return limit;
}

}  // namespace csms::api
