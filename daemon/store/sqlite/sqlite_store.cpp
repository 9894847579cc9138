// sqlite_store.cpp: opening the store and the transaction boundary (BEGIN / COMMIT / ROLLBACK).
#include "store/sqlite/sqlite_store.hpp"

#include "store/sqlite/database.hpp"
#include "store/sqlite/migrator.hpp"
#include "store/sqlite/sqlite_errors.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

namespace csms::store::sqlite {

core::Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& file) {
  const auto& migrations = embedded_migrations();
  CSMS_TRY_ASSIGN(auto db, open_database(file, migrations.empty() ? 0 : migrations.back().number));
  CSMS_TRY(migrate(*db));
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db)));
}

core::Result<std::unique_ptr<Transaction>> SqliteStore::begin(TransactionMode mode) {
  return guarded("beginning a transaction", [&]() -> core::Result<std::unique_ptr<Transaction>> {
    return std::unique_ptr<Transaction>(std::make_unique<SqliteTransaction>(*db_, statements_, mode));
  });
}

void SqliteStore::checkpoint() {
  try {
    db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
  } catch (const std::exception&) {
    // A failed checkpoint loses nothing: the WAL is replayed at the next open.
  }
}

SqliteTransaction::SqliteTransaction(SQLite::Database& db, StatementCache& statements, TransactionMode mode)
    : db_(db), statements_(statements) {
  db_.exec(mode == TransactionMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
  open_ = true;
}

SqliteTransaction::~SqliteTransaction() {
  if (!open_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (...) {
    // A failed ROLLBACK means SQLite already rolled back (for example after SQLITE_FULL); never throw here.
  }
}

core::Status SqliteTransaction::commit() {
  return guarded("committing", [&]() -> core::Status {
    db_.exec("COMMIT");
    open_ = false;
    return core::ok();
  });
}

}  // namespace csms::store::sqlite
