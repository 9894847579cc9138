// pg_guarded.hpp: keeps exceptions (a column read with the wrong type, bad_alloc) inside the PostgreSQL store.
#pragma once

#include "core/error.hpp"

#include <exception>
#include <string>
#include <string_view>

namespace csms::store::postgres {

/// Runs `body` (returning a Result or Status) and converts any exception it throws into kInternal, so no exception
/// leaves the store. libpq itself never throws; SQL errors come back as values from Connection::exec.
template <class Body>
auto guarded(std::string_view what, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& failure) {
    return core::make_error(core::Errc::kInternal, std::string(what) + ": " + failure.what());
  }
}

}  // namespace csms::store::postgres
