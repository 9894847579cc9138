// pg_limit.hpp: a page size as a LIMIT parameter, which PostgreSQL (unlike SQLite) refuses when negative.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace csms::store::postgres {

/// Callers ask for "everything" with huge sizes (SIZE_MAX / 2); a plain cast would wrap some of them negative.
inline std::int64_t as_limit(std::size_t limit) {
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(limit > kMax ? kMax : limit);
}

}  // namespace csms::store::postgres
