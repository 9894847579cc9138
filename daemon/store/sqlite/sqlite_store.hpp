// sqlite_store.hpp: the embedded SQLite implementation of store::Store: one writer connection that group-commits,
// and a pool of read-only connections.
#pragma once

#include "store/sqlite/read_pool.hpp"
#include "store/sqlite/statement_cache.hpp"
#include "store/store.hpp"
#include "store/write_queue.hpp"

#include <SQLiteCpp/Database.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>

namespace csms::store::sqlite {

/// Thread-safe. Writes serialize on one connection guarded by a mutex: a kWrite transaction holds it until it
/// ends, and the group-commit writer holds it for a whole batch. Reads use pooled read-only connections, which see
/// the last committed state and never wait for the writer (WAL).
class SqliteStore final : public Store {
 public:
  /// Opens the file with the connection PRAGMAs and applies pending migrations.
  static core::Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& file);
  ~SqliteStore() override;

  core::Result<std::unique_ptr<Transaction>> begin(TransactionMode mode) override;
  void submit_write(WriteJob job) override;
  /// Copies into a file of its own (mode 0600, beside the database) with the online backup API, reads it back and
  /// removes it.
  core::Result<Snapshot> snapshot() override;

  /// Write batches committed so far (for tests and metrics: concurrent writers should share them).
  std::uint64_t batches_committed() const noexcept { return batches_committed_.load(std::memory_order_relaxed); }

  /// Runs a passive WAL checkpoint; used at clean shutdown so the main file holds everything.
  void checkpoint();

  /// The writer connection; only for callers that hold no transaction and run no batch (tests, tools).
  SQLite::Database& database() { return *db_; }

 private:
  SqliteStore(std::unique_ptr<SQLite::Database> db, std::filesystem::path file);

  void run_batch(std::vector<WriteJob>& batch);
  bool in_own_batch() const;

  std::unique_ptr<SQLite::Database> db_;
  const std::filesystem::path file_;
  StatementCache statements_;
  std::mutex writer_mutex_;
  std::atomic<std::uint64_t> batches_committed_{0};
  ReadPool readers_;  // after db_: destroyed first, so the writer's close is the last and checkpoints the WAL
  std::once_flag queue_started_;
  std::unique_ptr<WriteQueue> write_queue_;  // started on first use; stopped (queue drained) first on destruction
};

}  // namespace csms::store::sqlite
