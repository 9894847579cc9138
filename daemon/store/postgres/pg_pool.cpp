// pg_pool.cpp: leasing, returning and replacing pooled PostgreSQL connections.
#include "store/postgres/pg_pool.hpp"

#include <utility>

namespace csms::store::postgres {

ConnectionPool::ConnectionPool(std::string conninfo, std::size_t size)
    : conninfo_(std::move(conninfo)), size_(size == 0 ? 1 : size) {}

ConnectionPool::~ConnectionPool() = default;

core::Result<std::shared_ptr<Connection>> ConnectionPool::acquire(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const bool freed = freed_.wait_for(lock, timeout, [&] { return !idle_.empty() || leased_ + idle_.size() < size_; });
  if (!freed) {
    return core::make_error(core::Errc::kUnavailable,
                            "every PostgreSQL connection of this instance stayed busy; raise store-pool-size or retry");
  }
  std::unique_ptr<Connection> connection;
  if (!idle_.empty()) {
    connection = std::move(idle_.back());
    idle_.pop_back();
  }
  ++leased_;
  lock.unlock();
  if (!connection) {
    // Connect outside the lock: a slow server must not hold up returns to the pool.
    auto opened = Connection::open(conninfo_);
    if (!opened) {
      const std::lock_guard relock(mutex_);
      --leased_;
      freed_.notify_one();
      return opened.error();
    }
    connection = std::move(*opened);
  }
  Connection* raw = connection.release();
  return std::shared_ptr<Connection>(raw, [this](Connection* returned) { give_back(returned); });
}

void ConnectionPool::give_back(Connection* returned) {
  std::unique_ptr<Connection> connection(returned);
  const bool reusable = !connection->broken() && connection->idle();
  const std::lock_guard lock(mutex_);
  --leased_;
  if (reusable) idle_.push_back(std::move(connection));
  freed_.notify_one();
}

}  // namespace csms::store::postgres
