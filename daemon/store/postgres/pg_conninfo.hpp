// pg_conninfo.hpp: checking and describing a PostgreSQL connection string without ever repeating it (it may hold a password).
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace csms::store::postgres {

/// Whether `text` names a PostgreSQL store at all: a postgres:// or postgresql:// URI, or a libpq key=value string.
bool looks_like_conninfo(std::string_view text);

/// Parses `text` with libpq's own parser (no connection is made). The error never quotes the string.
core::Status check_conninfo(std::string_view text);

/// "host=H port=P dbname=D" for logs and status: only these three, whatever else the string holds (a password, a
/// key file). Parts the string leaves to libpq's defaults are omitted; "a PostgreSQL store" when none is given.
std::string describe_conninfo(std::string_view text);

}  // namespace csms::store::postgres
