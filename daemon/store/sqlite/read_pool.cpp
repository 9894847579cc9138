// read_pool.cpp: opening read-only connections and recycling them.
#include "store/sqlite/read_pool.hpp"

#include "store/sqlite/sqlite_errors.hpp"

#include <sqlite3.h>

namespace csms::store::sqlite {
namespace {

// A reader waits for a lock only while a checkpoint resets the WAL; that is short.
constexpr int kReaderBusyTimeoutMillis = 250;

}  // namespace

core::Result<std::unique_ptr<ReadPool::Lease>> ReadPool::acquire() {
  {
    const std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return std::make_unique<Lease>(*this, std::move(connection));
    }
  }
  return guarded("opening a read connection", [&]() -> core::Result<std::unique_ptr<Lease>> {
    auto db = std::make_unique<SQLite::Database>(file_.string(), SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX,
                                                 kReaderBusyTimeoutMillis);
    db->exec("PRAGMA trusted_schema=OFF");
    return std::make_unique<Lease>(*this, std::make_unique<ReadConnection>(std::move(db)));
  });
}

void ReadPool::give_back(std::unique_ptr<ReadConnection> connection) {
  if (!connection) return;
  // A connection whose transaction could not be ended would fail every later BEGIN and pin an old snapshot (which
  // stops checkpoints from shrinking the WAL): close it instead.
  if (sqlite3_get_autocommit(connection->db->getHandle()) == 0) return;
  const std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
}

}  // namespace csms::store::sqlite
