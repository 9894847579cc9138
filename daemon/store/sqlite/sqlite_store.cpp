// sqlite_store.cpp: opening the store, the transaction boundaries (BEGIN / SAVEPOINT and their ends) and group
// commit batches.
#include "store/sqlite/sqlite_store.hpp"

#include "store/sqlite/database.hpp"
#include "store/sqlite/migrator.hpp"
#include "store/sqlite/sqlite_errors.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

#include <sqlite3.h>

namespace csms::store::sqlite {
namespace {

// Large enough that 64 concurrent writers share one or two fsyncs, small enough that the write lock is released
// now and then for the background timers.
constexpr std::size_t kMaxBatchJobs = 256;

// The store whose batch the current thread is running, so begin() on the writer thread nests in that batch.
thread_local const SqliteStore* t_batch_owner = nullptr;

// Transaction boundaries go through the statement cache like any other SQL: sqlite3_exec would parse and compile
// the text on every request, which a profile of cached reads showed at about 8% of the daemon's CPU.
constexpr const char* kBegin = "BEGIN";
constexpr const char* kBeginImmediate = "BEGIN IMMEDIATE";
constexpr const char* kCommit = "COMMIT";
constexpr const char* kRollback = "ROLLBACK";
constexpr const char* kSavepoint = "SAVEPOINT csmsd_nested";
constexpr const char* kRelease = "RELEASE csmsd_nested";
constexpr const char* kRollbackToSavepoint = "ROLLBACK TO csmsd_nested";

// SQLite rolls a whole transaction back by itself after some errors (a full disk, an I/O error).
core::Error batch_rolled_back() {
  return core::make_error(core::Errc::kStorageFull,
                          "a storage error rolled back the write batch; none of its writes were applied");
}

void run_cached(StatementCache& statements, const char* sql) {
  auto statement = statements.use(sql);
  statement->exec();
}

}  // namespace

core::Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& file) {
  const auto& migrations = embedded_migrations();
  CSMS_TRY_ASSIGN(auto db, open_database(file, migrations.empty() ? 0 : migrations.back().number));
  CSMS_TRY(migrate(*db));
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db), file));
}

SqliteStore::SqliteStore(std::unique_ptr<SQLite::Database> db, std::filesystem::path file)
    : db_(std::move(db)), file_(file), statements_(*db_), readers_(std::move(file)) {}

SqliteStore::~SqliteStore() {
  // Jobs still queued run (and are answered) before the connections close.
  write_queue_.reset();
}

bool SqliteStore::in_own_batch() const { return t_batch_owner == this; }

core::Result<std::unique_ptr<Transaction>> SqliteStore::begin(TransactionMode mode) {
  return guarded("beginning a transaction", [&]() -> core::Result<std::unique_ptr<Transaction>> {
    if (in_own_batch()) {
      // The writer thread already holds the lock and has the batch's transaction open, unless a storage error
      // made SQLite roll it back: then a SAVEPOINT would start a transaction of its own and commit outside the batch.
      if (sqlite3_get_autocommit(db_->getHandle()) != 0) {
        return batch_rolled_back();
      }
      return std::unique_ptr<Transaction>(
          std::make_unique<SqliteTransaction>(*db_, statements_, mode, Boundary::kSavepoint, nullptr));
    }
    if (mode == TransactionMode::kRead) {
      CSMS_TRY_ASSIGN(auto lease, readers_.acquire());
      ReadConnection& connection = lease->connection();
      return std::unique_ptr<Transaction>(std::make_unique<SqliteTransaction>(
          *connection.db, connection.statements, mode, Boundary::kTransaction, std::shared_ptr<void>(std::move(lease))));
    }
    auto lock = std::make_shared<std::unique_lock<std::mutex>>(writer_mutex_);
    return std::unique_ptr<Transaction>(
        std::make_unique<SqliteTransaction>(*db_, statements_, mode, Boundary::kTransaction, std::move(lock)));
  });
}

void SqliteStore::submit_write(WriteJob job) {
  std::call_once(queue_started_, [this]() {
    write_queue_ = std::make_unique<WriteQueue>([this](std::vector<WriteJob>& batch) { run_batch(batch); },
                                                kMaxBatchJobs);
  });
  write_queue_->submit(std::move(job));
}

void SqliteStore::run_batch(std::vector<WriteJob>& batch) {
  std::unique_lock lock(writer_mutex_);
  core::Status outcome = guarded("beginning a write batch", [&]() -> core::Status {
    db_->exec("BEGIN IMMEDIATE");
    return core::ok();
  });
  if (outcome) {
    t_batch_owner = this;
    for (WriteJob& job : batch) {
      try {
        job.work();
      } catch (...) {
        // work() must not throw; if it did, its own transaction has already rolled back on unwinding.
      }
      // SQLite rolls the whole transaction back by itself after some errors (a full disk, an I/O error): then the
      // jobs before this one were lost too, and none of them may be answered as written.
      if (sqlite3_get_autocommit(db_->getHandle()) != 0) {
        outcome = batch_rolled_back();
        break;
      }
    }
    t_batch_owner = nullptr;
    if (outcome) {
      outcome = guarded("committing a write batch", [&]() -> core::Status {
        db_->exec("COMMIT");
        return core::ok();
      });
      if (outcome) batches_committed_.fetch_add(1, std::memory_order_relaxed);
    }
    if (!outcome && sqlite3_get_autocommit(db_->getHandle()) == 0) {
      try {
        db_->exec("ROLLBACK");
      } catch (...) {
        // Nothing more to undo: SQLite has already ended the transaction.
      }
    }
  }
  lock.unlock();
  // Answered only now: every job of the batch is on disk (or none is).
  for (WriteJob& job : batch) job.done(outcome);
}

void SqliteStore::checkpoint() {
  try {
    const std::lock_guard lock(writer_mutex_);
    db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
  } catch (const std::exception&) {
    // A failed checkpoint loses nothing: the WAL is replayed at the next open.
  }
}

SqliteTransaction::SqliteTransaction(SQLite::Database& db, StatementCache& statements, TransactionMode mode,
                                     Boundary boundary, std::shared_ptr<void> hold)
    : hold_(std::move(hold)), db_(db), statements_(statements), boundary_(boundary) {
  if (boundary_ == Boundary::kSavepoint) {
    run_cached(statements_, kSavepoint);
  } else {
    run_cached(statements_, mode == TransactionMode::kWrite ? kBeginImmediate : kBegin);
  }
  open_ = true;
}

SqliteTransaction::~SqliteTransaction() {
  if (!open_) return;
  try {
    if (boundary_ == Boundary::kSavepoint) {
      // ROLLBACK TO keeps the savepoint open; RELEASE then removes it without writing anything.
      run_cached(statements_, kRollbackToSavepoint);
      run_cached(statements_, kRelease);
    } else {
      run_cached(statements_, kRollback);
    }
  } catch (...) {
    // A failed ROLLBACK means SQLite already rolled back (for example after SQLITE_FULL); never throw here.
  }
}

core::Status SqliteTransaction::commit() {
  return guarded("committing", [&]() -> core::Status {
    run_cached(statements_, boundary_ == Boundary::kSavepoint ? kRelease : kCommit);
    open_ = false;
    // The transaction has ended: the write lock or read connection is free for others even if this object lives on.
    hold_.reset();
    return core::ok();
  });
}

}  // namespace csms::store::sqlite
