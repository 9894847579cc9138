// database.cpp: connection set-up; every PRAGMA is here and documented in schema/README.md.
#include "store/sqlite/database.hpp"

#include "store/sqlite/sqlite_errors.hpp"

#include <sqlite3.h>

namespace csms::store::sqlite {
namespace {

// A lock held by another process must not stall a request for long: after this
// wait the operation fails with kUnavailable and the caller may retry.
constexpr int kBusyTimeoutMillis = 250;

}  // namespace

core::Result<std::unique_ptr<SQLite::Database>> open_database(const std::filesystem::path& file,
                                                             int newest_known_version) {
  return guarded("opening database " + file.string(), [&]() -> core::Result<std::unique_ptr<SQLite::Database>> {
    auto db = std::make_unique<SQLite::Database>(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE |
                                                                    SQLite::OPEN_NOMUTEX,
                                                 kBusyTimeoutMillis);
    // Decide whether the file is ours before any PRAGMA writes to it: only a csmsd vault or an empty file.
    const int application_id = db->execAndGet("PRAGMA application_id").getInt();
    const bool empty = db->execAndGet("SELECT count(*) FROM sqlite_schema").getInt() == 0 &&
                       db->execAndGet("PRAGMA user_version").getInt() == 0;
    if (application_id != kApplicationId && !(application_id == 0 && empty)) {
      return core::make_error(core::Errc::kInternal, file.string() + " is not a csmsd database (application_id " +
                                                         std::to_string(application_id) + ")");
    }
    if (const int version = db->execAndGet("PRAGMA user_version").getInt(); version > newest_known_version) {
      return core::make_error(core::Errc::kInternal,
                              "the database schema version " + std::to_string(version) +
                                  " is newer than this csmsd understands (" + std::to_string(newest_known_version) +
                                  "); run a newer csmsd or restore a backup made by this version");
    }
    // WAL lets readers run beside the writer; the answer must be "wal" or durability assumptions are wrong.
    const std::string journal_mode = db->execAndGet("PRAGMA journal_mode=WAL").getString();
    if (journal_mode != "wal") {
      return core::make_error(core::Errc::kInternal, "cannot switch " + file.string() + " to WAL (got " + journal_mode + ")");
    }
    // FULL: a commit is fsynced before it returns, so a 200 answer means the change survives power loss.
    db->exec("PRAGMA synchronous=FULL");
    db->exec("PRAGMA foreign_keys=ON");
    // Freed pages are zeroed, so deleted ciphertext does not linger in the file.
    db->exec("PRAGMA secure_delete=ON");
    db->exec("PRAGMA trusted_schema=OFF");
    if (application_id == 0) db->exec("PRAGMA application_id=" + std::to_string(kApplicationId));
    return db;
  });
}

}  // namespace csms::store::sqlite
