// statement_cache.hpp: prepares each SQL statement once per connection and hands it out reset and unbound.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <unordered_map>

namespace csms::store::sqlite {

/// Statements are keyed by the address of their constexpr SQL text, so each named statement is prepared once.
class StatementCache {
 public:
  explicit StatementCache(SQLite::Database& db) : db_(db) {}

  /// A use of a cached statement: reset and cleared on entry, reset again on exit so no read cursor outlives it.
  class Use {
   public:
    explicit Use(SQLite::Statement& statement) : statement_(statement) {}
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    ~Use() {
      try {
        statement_.reset();
      } catch (...) {
        // reset() reports the error of the last step, which the caller has already seen; nothing to do here.
      }
    }
    SQLite::Statement* operator->() { return &statement_; }
    SQLite::Statement& operator*() { return statement_; }

   private:
    SQLite::Statement& statement_;
  };

  Use use(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) {
      slot = std::make_unique<SQLite::Statement>(db_, sql);
    } else {
      slot->reset();
      slot->clearBindings();
    }
    return Use(*slot);
  }

 private:
  SQLite::Database& db_;
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace csms::store::sqlite
