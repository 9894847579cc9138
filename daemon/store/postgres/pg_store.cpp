// pg_store.cpp: opening the store, transactions on pooled connections, write jobs with retries, the background lease.
#include "store/postgres/pg_store.hpp"

#include "store/postgres/pg_guarded.hpp"
#include "store/postgres/pg_migrator.hpp"
#include "store/postgres/pg_pool.hpp"
#include "store/postgres/pg_transaction.hpp"

#include <algorithm>
#include <random>

namespace csms::store::postgres {
namespace {

// A serialization failure means another transaction won a race on the same rows; retrying from the start sees its
// outcome. Past this many attempts the system is thrashing, and the caller gets an error (CSMS.0001, "retry it")
// rather than an endless wait.
constexpr int kMaxWriteAttempts = 30;
constexpr const char* kBeginWrite = "BEGIN ISOLATION LEVEL SERIALIZABLE";

// The store and connection of the write job the current thread is running, so begin() nests in that job.
thread_local const PgStore* t_job_store = nullptr;
thread_local Connection* t_job_connection = nullptr;

// Random back-off up to 2^attempt ms (capped at 64 ms), so racing instances do not collide again in lock step.
void back_off(int attempt) {
  thread_local std::minstd_rand random{std::random_device{}()};
  const int ceiling = 1 << std::min(attempt, 6);
  std::this_thread::sleep_for(std::chrono::microseconds(random() % (static_cast<unsigned>(ceiling) * 1000U)));
}

}  // namespace

core::Result<std::unique_ptr<PgStore>> PgStore::open(const PgStoreOptions& options) {
  auto pool = std::make_unique<ConnectionPool>(options.conninfo, options.pool_size);
  {
    CSMS_TRY_ASSIGN(auto connection, pool->acquire(options.acquire_timeout));
    if (connection->server_version() < 120000) {
      return core::make_error(core::Errc::kInternal, "the PostgreSQL store needs PostgreSQL 12 or newer");
    }
    CSMS_TRY(migrate(*connection));
  }
  return std::unique_ptr<PgStore>(new PgStore(options, std::move(pool)));
}

PgStore::PgStore(PgStoreOptions options, std::unique_ptr<ConnectionPool> pool)
    : options_(std::move(options)), pool_(std::move(pool)) {
  // Half the pool runs write jobs, so reads on the session threads always find a connection.
  const std::size_t worker_count = std::max<std::size_t>(1, options_.pool_size / 2);
  for (std::size_t i = 0; i < worker_count; ++i) workers_.emplace_back([this] { run_workers(); });
}

PgStore::~PgStore() {
  {
    const std::lock_guard lock(jobs_mutex_);
    stopping_ = true;
  }
  jobs_ready_.notify_all();
  // Jobs still queued run (and are answered) before the workers stop.
  for (std::thread& worker : workers_) worker.join();
}

core::Result<std::unique_ptr<Transaction>> PgStore::begin(TransactionMode mode) {
  return guarded("beginning a transaction", [&]() -> core::Result<std::unique_ptr<Transaction>> {
    if (t_job_store == this && t_job_connection != nullptr) {
      CSMS_TRY_ASSIGN(auto nested, PgTransaction::start(*t_job_connection, mode, Boundary::kSavepoint, nullptr));
      return std::unique_ptr<Transaction>(std::move(nested));
    }
    CSMS_TRY_ASSIGN(std::shared_ptr<Connection> connection, pool_->acquire(options_.acquire_timeout));
    Connection& raw = *connection;
    CSMS_TRY_ASSIGN(auto transaction,
                    PgTransaction::start(raw, mode, Boundary::kTransaction, std::shared_ptr<void>(std::move(connection))));
    return std::unique_ptr<Transaction>(std::move(transaction));
  });
}

void PgStore::submit_write(WriteJob job) {
  {
    const std::lock_guard lock(jobs_mutex_);
    jobs_.push_back(std::move(job));
  }
  jobs_ready_.notify_one();
}

void PgStore::run_workers() {
  for (;;) {
    WriteJob job;
    {
      std::unique_lock lock(jobs_mutex_);
      jobs_ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    run_job(job);
  }
}

void PgStore::run_job(WriteJob& job) {
  core::Status outcome = core::make_error(core::Errc::kUnavailable,
                                          "the write conflicted with concurrent writers " +
                                              std::to_string(kMaxWriteAttempts) + " times in a row; retry it");
  for (int attempt = 0; attempt < kMaxWriteAttempts; ++attempt) {
    if (attempt > 0) {
      write_retries_.fetch_add(1, std::memory_order_relaxed);
      back_off(attempt);
    }
    auto leased = pool_->acquire(options_.acquire_timeout);
    if (!leased) {
      outcome = leased.error();
      break;
    }
    Connection& connection = **leased;
    connection.take_retryable_failure();
    if (auto begun = connection.exec_script(kBeginWrite); !begun) {
      outcome = begun.error();
      if (connection.take_retryable_failure()) continue;
      break;
    }
    t_job_store = this;
    t_job_connection = &connection;
    try {
      job.work();
    } catch (...) {
      // work() must not throw; if it did, its nested transaction rolled back to its savepoint on unwinding.
    }
    t_job_store = nullptr;
    t_job_connection = nullptr;
    if (!connection.take_retryable_failure()) {
      auto committed = connection.exec_script("COMMIT");
      if (committed && *committed == "COMMIT") {
        outcome = core::ok();
        break;
      }
      if (!committed && !connection.take_retryable_failure()) {
        outcome = committed.error();
        if (!connection.idle()) (void)connection.exec_script("ROLLBACK");
        break;
      }
      if (committed) {
        // COMMIT of a transaction an earlier error aborted answers ROLLBACK: nothing of the job was written.
        outcome = core::make_error(core::Errc::kInternal, "a failed statement aborted the write; nothing was written");
        break;
      }
    }
    // A serialization failure or deadlock: undo everything the attempt did and run the job again from the start.
    if (!connection.idle()) (void)connection.exec_script("ROLLBACK");
  }
  job.done(outcome);
}

core::Result<Snapshot> PgStore::snapshot() {
  return core::make_error(core::Errc::kInvalidRequest,
                          "a whole-vault backup of a PostgreSQL store is the database's job: use pg_dump or a base "
                          "backup (values stay sealed; back up the master key separately)");
}

bool PgStore::hold_background_lease() {
  const std::lock_guard lock(lease_mutex_);
  if (lease_connection_ && lease_connection_->broken()) {
    lease_connection_.reset();
    lease_held_ = false;
  }
  if (lease_held_) {
    // The lock lives exactly as long as the session: a round trip on it proves the session, and so the lock, lives.
    if (lease_connection_->exec("SELECT 1")) return true;
    lease_connection_.reset();
    lease_held_ = false;
    return false;
  }
  if (!lease_connection_) {
    auto opened = pool_->open_unpooled();
    if (!opened) return false;
    lease_connection_ = std::move(*opened);
  }
  auto taken = lease_connection_->exec("SELECT pg_try_advisory_lock($1)", Params().int64(kBackgroundLeaseKey));
  if (!taken) {
    lease_connection_.reset();
    return false;
  }
  lease_held_ = taken->boolean(0, 0);
  return lease_held_;
}

}  // namespace csms::store::postgres
