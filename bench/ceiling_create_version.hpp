// ceiling_create_version.hpp: one create-version transaction, statement for statement as csmsd runs it.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

namespace csms_bench {

class CreateVersionTransaction {
 public:
  CreateVersionTransaction(SQLite::Database& db, std::string project);

  /// BEGIN IMMEDIATE; read the secret, its versions and stages; evict the oldest unstaged version at 20; insert the
  /// new version (random bytes of the sealed size of a `plaintext`-byte value); move SYSCURRENT/SYSPREVIOUS;
  /// (un)deprecate; update the secret; COMMIT, which fsyncs the WAL (synchronous=FULL). Throws on any SQL error.
  void run(std::size_t secret, std::size_t plaintext, std::mt19937_64& random);

 private:
  SQLite::Database& db_;
  std::string project_;
  // Prepared once and reset per use, as csmsd's StatementCache does.
  SQLite::Statement find_secret_;
  SQLite::Statement list_subscriptions_;
  SQLite::Statement list_versions_;
  SQLite::Statement stages_of_secret_;
  SQLite::Statement list_stages_;
  SQLite::Statement delete_version_;
  SQLite::Statement insert_version_;
  SQLite::Statement put_stage_;
  SQLite::Statement update_deprecated_;
  SQLite::Statement update_secret_;
  SQLite::Statement clear_subscriptions_;
};

}  // namespace csms_bench
