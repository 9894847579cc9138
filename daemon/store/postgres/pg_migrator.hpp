// pg_migrator.hpp: applies the PostgreSQL store's numbered migrations.
#pragma once

#include "core/error.hpp"
#include "store/postgres/migrations_embedded.hpp"
#include "store/postgres/pg_connection.hpp"

#include <cstdint>
#include <vector>

namespace csms::store::postgres {

/// Advisory lock keys of a csmsd vault ("csmsd" in ASCII, then a number); PostgreSQL scopes them to the database,
/// so vaults in other databases of the same cluster never contend.
inline constexpr std::int64_t kMigrationLockKey = 0x63736d7364000001;
inline constexpr std::int64_t kBackgroundLeaseKey = 0x63736d7364000002;

struct PgMigrationReport {
  std::int64_t from_version = 0;
  std::int64_t to_version = 0;
};

/// Applies every migration newer than the database's version, each in one transaction that holds an advisory lock,
/// so instances starting together apply each exactly once. A database newer than `migrations` is refused.
core::Result<PgMigrationReport> migrate(Connection& connection,
                                        const std::vector<EmbeddedMigration>& migrations = embedded_migrations());

}  // namespace csms::store::postgres
