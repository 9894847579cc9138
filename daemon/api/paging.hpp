// paging.hpp: the `limit` query parameter shared by the list operations.
#pragma once

#include "api/call.hpp"

#include <cstddef>

namespace csms::api {

inline constexpr std::size_t kDefaultPageSize = 50;
inline constexpr std::size_t kMaxPageSize = 1000;

/// `limit` as a decimal string from 1 to 1000 (the SDKs send it as a string or an integer; both arrive as text in
/// the query); absent or empty → 50.
core::Result<std::size_t> read_page_limit(const Call& call);

}  // namespace csms::api
