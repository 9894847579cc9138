// sqlite_errors.cpp: SQLite result code → Errc.
#include "store/sqlite/sqlite_errors.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <string>

namespace csms::store::sqlite {

core::Error translate_sqlite_error(int extended_code, std::string_view message, std::string_view what) {
  const int primary = extended_code & 0xff;
  std::string detail = std::string(what) + ": " + std::string(message);
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return core::make_error(core::Errc::kUnavailable, "the database is locked by another connection (" + detail + ")");
    case SQLITE_FULL:
      return core::make_error(core::Errc::kStorageFull, "the disk or database is full (" + detail + ")");
    case SQLITE_READONLY:
      return core::make_error(core::Errc::kUnavailable, "the database is read-only (" + detail + ")");
    case SQLITE_CONSTRAINT:
      if (extended_code == SQLITE_CONSTRAINT_UNIQUE || extended_code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return core::make_error(core::Errc::kAlreadyExists, detail);
      }
      return core::make_error(core::Errc::kInternal, detail);
    default:
      return core::make_error(core::Errc::kInternal, detail);
  }
}

core::Error translate_exception(const std::exception& failure, std::string_view what) {
  if (const auto* sqlite_failure = dynamic_cast<const SQLite::Exception*>(&failure)) {
    return translate_sqlite_error(sqlite_failure->getExtendedErrorCode(), sqlite_failure->getErrorStr(), what);
  }
  return core::make_error(core::Errc::kInternal, std::string(what) + ": " + failure.what());
}

}  // namespace csms::store::sqlite
