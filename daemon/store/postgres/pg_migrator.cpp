// pg_migrator.cpp: applies the PostgreSQL migrations, one transaction each, under an advisory lock.
#include "store/postgres/pg_migrator.hpp"

#include <string>

namespace csms::store::postgres {
namespace {

constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS csmsd_schema_version ("
    " singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),"
    " version BIGINT NOT NULL CHECK (version >= 0))";
constexpr const char* kSeedVersion = "INSERT INTO csmsd_schema_version (version) VALUES (0) ON CONFLICT DO NOTHING";
constexpr const char* kReadVersion = "SELECT version FROM csmsd_schema_version";
constexpr const char* kWriteVersion = "UPDATE csmsd_schema_version SET version = $1";
constexpr const char* kLock = "SELECT pg_advisory_xact_lock($1)";

// One locked transaction; `body` runs after the lock is held. Rolled back on any error.
template <class Body>
core::Status locked_transaction(Connection& connection, Body&& body) {
  CSMS_TRY(connection.exec_script("BEGIN ISOLATION LEVEL READ COMMITTED"));
  core::Status outcome = [&]() -> core::Status {
    CSMS_TRY(connection.exec(kLock, Params().int64(kMigrationLockKey)));
    if (auto done = body(); !done) return done.error();
    // Not CSMS_TRY_ASSIGN: g++ 12 at -O2 takes the moved-from string in it for maybe-uninitialized.
    const auto committed = connection.exec_script("COMMIT");
    if (!committed) return committed.error();
    if (*committed == "ROLLBACK") return core::make_error(core::Errc::kInternal, "a migration transaction was rolled back");
    return core::ok();
  }();
  if (!outcome && !connection.idle()) (void)connection.exec_script("ROLLBACK");
  return outcome;
}

core::Result<std::int64_t> read_version(Connection& connection) {
  CSMS_TRY_ASSIGN(const Rows rows, connection.exec(kReadVersion));
  if (rows.size() != 1) return core::make_error(core::Errc::kInternal, "csmsd_schema_version must hold one row");
  return rows.int64(0, 0);
}

}  // namespace

core::Result<PgMigrationReport> migrate(Connection& connection, const std::vector<EmbeddedMigration>& migrations) {
  PgMigrationReport report;
  const auto read_start = [&]() -> core::Status {
    CSMS_TRY(connection.exec_script(kCreateVersionTable));
    CSMS_TRY(connection.exec(kSeedVersion));
    CSMS_TRY_ASSIGN(report.from_version, read_version(connection));
    return core::ok();
  };
  if (auto started = locked_transaction(connection, read_start); !started) return started.error();
  const std::int64_t newest = migrations.empty() ? 0 : migrations.back().number;
  if (report.from_version > newest) {
    return core::make_error(core::Errc::kInternal,
                            "the database schema version " + std::to_string(report.from_version) +
                                " is newer than this csmsd understands (" + std::to_string(newest) +
                                "); run a newer csmsd on this database");
  }
  report.to_version = report.from_version;
  for (const EmbeddedMigration& migration : migrations) {
    const auto apply = [&]() -> core::Status {
      // Another instance may have applied it while this one waited for the lock.
      CSMS_TRY_ASSIGN(const std::int64_t current, read_version(connection));
      if (migration.number <= current) return core::ok();
      auto applied = connection.exec_script(migration.sql);
      if (!applied) {
        return core::make_error(applied.error().code,
                                std::string("migration ") + migration.file_name + " failed: " + applied.error().detail);
      }
      CSMS_TRY(connection.exec(kWriteVersion, Params().int64(migration.number)));
      return core::ok();
    };
    if (auto applied = locked_transaction(connection, apply); !applied) return applied.error();
    if (migration.number > report.to_version) report.to_version = migration.number;
  }
  return report;
}

}  // namespace csms::store::postgres
