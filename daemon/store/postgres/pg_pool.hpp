// pg_pool.hpp: a fixed-size pool of PostgreSQL connections, opened on demand and replaced when broken.
#pragma once

#include "store/postgres/pg_connection.hpp"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace csms::store::postgres {

/// Thread-safe. A lease is a shared_ptr whose deleter gives the connection back; a connection that is broken or
/// still inside a transaction when it comes back is closed instead of reused.
class ConnectionPool {
 public:
  ConnectionPool(std::string conninfo, std::size_t size);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  /// A connection for the caller's exclusive use; kUnavailable when none frees up within `timeout` or the server
  /// cannot be reached.
  core::Result<std::shared_ptr<Connection>> acquire(std::chrono::milliseconds timeout);

  /// Opens a connection outside the pool (the background lease keeps one of its own).
  core::Result<std::unique_ptr<Connection>> open_unpooled() const { return Connection::open(conninfo_); }

 private:
  void give_back(Connection* connection);

  const std::string conninfo_;
  const std::size_t size_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t leased_ = 0;
};

}  // namespace csms::store::postgres
