// read_pool.hpp: read-only SQLite connections for concurrent readers; WAL lets them read beside the writer.
#pragma once

#include "core/error.hpp"
#include "store/sqlite/statement_cache.hpp"

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

namespace csms::store::sqlite {

/// One read-only connection with its own prepared statements.
struct ReadConnection {
  explicit ReadConnection(std::unique_ptr<SQLite::Database> database)
      : db(std::move(database)), statements(*db) {}
  std::unique_ptr<SQLite::Database> db;
  StatementCache statements;
};

/// Hands out idle connections and opens another when all are in use, so the pool grows to the number of threads
/// that read at once (the I/O threads, the writer and the timers) and no reader ever waits for another.
class ReadPool {
 public:
  explicit ReadPool(std::filesystem::path file) : file_(std::move(file)) {}

  /// Gives a connection back to the pool when it is destroyed.
  class Lease {
   public:
    Lease(ReadPool& pool, std::unique_ptr<ReadConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.give_back(std::move(connection_)); }
    ReadConnection& connection() { return *connection_; }

   private:
    ReadPool& pool_;
    std::unique_ptr<ReadConnection> connection_;
  };

  core::Result<std::unique_ptr<Lease>> acquire();

 private:
  void give_back(std::unique_ptr<ReadConnection> connection);

  const std::filesystem::path file_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<ReadConnection>> idle_;
};

}  // namespace csms::store::sqlite
