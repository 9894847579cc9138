// pg_store.hpp: the PostgreSQL implementation of store::Store, so several csmsd instances can serve one vault.
#pragma once

#include "store/postgres/pg_connection.hpp"
#include "store/store.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace csms::store::postgres {

struct PgStoreOptions {
  /// A libpq connection string or postgres:// URI. Never logged: it may hold a password.
  std::string conninfo;
  /// Connections this instance keeps open for transactions (write jobs use as many worker threads).
  std::size_t pool_size = 8;
  /// How long begin() waits for a free connection before answering kUnavailable.
  std::chrono::milliseconds acquire_timeout{5000};
};

class ConnectionPool;  // pg_pool.hpp

/// Thread-safe. Write jobs (the CSMS writes) run on worker threads, each in its own SERIALIZABLE transaction, and
/// are retried from the start when PostgreSQL reports a serialization failure or deadlock, so concurrent writers on
/// several instances keep every stage invariant without a lock of their own. Reads run in REPEATABLE READ READ ONLY
/// snapshots. Background work is led by whichever instance holds a session advisory lock.
class PgStore final : public Store {
 public:
  /// Connects, then applies pending migrations under an advisory lock (instances starting together migrate once).
  static core::Result<std::unique_ptr<PgStore>> open(const PgStoreOptions& options);
  ~PgStore() override;

  core::Result<std::unique_ptr<Transaction>> begin(TransactionMode mode) override;
  void submit_write(WriteJob job) override;
  /// A PostgreSQL vault is backed up with the database's own tools (pg_dump, base backups): always an error.
  core::Result<Snapshot> snapshot() override;
  bool hold_background_lease() override;

  /// Write jobs retried after a serialization failure or deadlock, since start (for tests and metrics).
  std::uint64_t write_retries() const noexcept { return write_retries_.load(std::memory_order_relaxed); }

 private:
  PgStore(PgStoreOptions options, std::unique_ptr<ConnectionPool> pool);

  void run_workers();
  void run_job(WriteJob& job);

  const PgStoreOptions options_;
  std::unique_ptr<ConnectionPool> pool_;
  std::atomic<std::uint64_t> write_retries_{0};

  // The background lease: a connection of its own whose session holds the advisory lock.
  std::mutex lease_mutex_;
  std::unique_ptr<Connection> lease_connection_;
  bool lease_held_ = false;

  std::mutex jobs_mutex_;
  std::condition_variable jobs_ready_;
  std::deque<WriteJob> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;  // last: started once everything they use exists
};

}  // namespace csms::store::postgres
