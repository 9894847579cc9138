// sqlite_store.hpp: the embedded SQLite implementation of store::Store (one connection, one owner thread).
#pragma once

#include "store/sqlite/statement_cache.hpp"
#include "store/store.hpp"

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <memory>

namespace csms::store::sqlite {

/// Owns one connection. Not thread-safe: the daemon uses it from its I/O thread only (SQLiteCpp's rule that a
/// connection is never used from two threads at once). At most one transaction is open at a time.
class SqliteStore final : public Store {
 public:
  /// Opens the file with the connection PRAGMAs and applies pending migrations.
  static core::Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& file);

  core::Result<std::unique_ptr<Transaction>> begin(TransactionMode mode) override;

  /// Runs a passive WAL checkpoint; used at clean shutdown so the main file holds everything.
  void checkpoint();

  SQLite::Database& database() { return *db_; }

 private:
  explicit SqliteStore(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)), statements_(*db_) {}

  std::unique_ptr<SQLite::Database> db_;
  StatementCache statements_;
};

}  // namespace csms::store::sqlite
