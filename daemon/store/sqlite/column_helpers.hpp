// column_helpers.hpp: binding and reading optional values, shared by the *_rows.cpp files.
#pragma once

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::store::sqlite {

inline void bind_optional(SQLite::Statement& statement, int index, const std::optional<std::int64_t>& value) {
  if (value) {
    statement.bind(index, static_cast<int64_t>(*value));
  } else {
    statement.bind(index);
  }
}

inline void bind_optional(SQLite::Statement& statement, int index, const std::optional<std::string>& value) {
  if (value) {
    statement.bind(index, *value);
  } else {
    statement.bind(index);
  }
}

inline std::optional<std::int64_t> optional_int64(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

/// A BLOB column's bytes (sealed values, wrapped keys, hashes).
inline std::vector<std::uint8_t> read_blob(const SQLite::Column& column) {
  const auto* bytes = static_cast<const std::uint8_t*>(column.getBlob());
  return std::vector<std::uint8_t>(bytes, bytes + column.getBytes());
}

inline std::optional<std::string> optional_text(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getString();
}

}  // namespace csms::store::sqlite
