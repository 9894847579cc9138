// migrator.cpp: the migration runner.
#include "store/sqlite/migrator.hpp"

#include "store/sqlite/sqlite_errors.hpp"

#include <SQLiteCpp/Transaction.h>

#include <string>

namespace csms::store::sqlite {

core::Result<MigrationReport> migrate(SQLite::Database& db, const std::vector<EmbeddedMigration>& migrations) {
  return guarded("migrating the database", [&]() -> core::Result<MigrationReport> {
    MigrationReport report;
    report.from_version = db.execAndGet("PRAGMA user_version").getInt();
    const int newest = migrations.empty() ? 0 : migrations.back().number;
    if (report.from_version > newest) {
      return core::make_error(core::Errc::kInternal,
                              "the database schema version " + std::to_string(report.from_version) +
                                  " is newer than this csmsd understands (" + std::to_string(newest) +
                                  "); run a newer csmsd or restore a backup made by this version");
    }
    report.to_version = report.from_version;
    for (const EmbeddedMigration& migration : migrations) {
      if (migration.number <= report.from_version) continue;
      SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
      db.exec(migration.sql);
      db.exec("PRAGMA user_version=" + std::to_string(migration.number));
      transaction.commit();
      report.to_version = migration.number;
    }
    return report;
  });
}

}  // namespace csms::store::sqlite
