// migrator.hpp: applies the embedded numbered migrations, one transaction each, and refuses newer databases.
#pragma once

#include "core/error.hpp"
#include "store/sqlite/migrations_embedded.hpp"

#include <SQLiteCpp/Database.h>

#include <vector>

namespace csms::store::sqlite {

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
};

/// Brings the database to the newest of `migrations` (default: the embedded ones). Each migration runs inside one
/// BEGIN IMMEDIATE transaction that also sets PRAGMA user_version, so a crash leaves either the old or the new
/// version. A database whose user_version is newer than the newest migration is refused: this binary would not
/// understand its rows.
core::Result<MigrationReport> migrate(SQLite::Database& db,
                                      const std::vector<EmbeddedMigration>& migrations = embedded_migrations());

}  // namespace csms::store::sqlite
