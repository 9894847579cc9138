// sqlite_errors.hpp: the one place where SQLite failures become typed errors.
#pragma once

#include "core/error.hpp"

#include <exception>
#include <string_view>

namespace csms::store::sqlite {

/// Maps an SQLite extended result code to an Errc: BUSY/LOCKED → kUnavailable, FULL → kStorageFull,
/// UNIQUE/PRIMARY KEY constraint → kAlreadyExists, everything else → kInternal. `what` names the operation.
core::Error translate_sqlite_error(int extended_code, std::string_view message, std::string_view what);

/// The same for an exception caught at the store's edge (SQLite::Exception or anything else).
core::Error translate_exception(const std::exception& failure, std::string_view what);

/// Runs `body` (returning a Result) and converts any exception it throws, so no exception leaves the store.
template <class Body>
auto guarded(std::string_view what, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& failure) {
    return translate_exception(failure, what);
  }
}

}  // namespace csms::store::sqlite
