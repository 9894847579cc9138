// backup.cpp: online copies through sqlite3_backup_* under one read transaction, and PRAGMA integrity_check.
#include "store/sqlite/backup.hpp"

#include "store/sqlite/sqlite_errors.hpp"

#include <SQLiteCpp/Database.h>
#include <sqlite3.h>

#include <memory>

namespace csms::store::sqlite {
namespace {

// Pages per step: small enough for progress reports on a large vault, large enough that a small one is one step.
constexpr int kPagesPerStep = 256;

struct BackupDeleter {
  void operator()(sqlite3_backup* backup) const { sqlite3_backup_finish(backup); }
};

}  // namespace

core::Result<CopyProgress> copy_database(const std::filesystem::path& source, const std::filesystem::path& destination,
                                         const CopyProgressFn& progress) {
  return guarded("copying database " + source.string(), [&]() -> core::Result<CopyProgress> {
    SQLite::Database from(source.string(), SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX, 5000);
    SQLite::Database to(destination.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
                        5000);
    // The read transaction pins one snapshot across every step: without it each step would take a fresh snapshot
    // and a commit by the daemon's writer between steps would restart the copy, forever under steady writes.
    from.exec("BEGIN");
    (void)from.execAndGet("SELECT count(*) FROM sqlite_schema").getInt();
    std::unique_ptr<sqlite3_backup, BackupDeleter> backup(
        sqlite3_backup_init(to.getHandle(), "main", from.getHandle(), "main"));
    if (!backup) {
      return core::make_error(core::Errc::kInternal,
                              "cannot start copying " + source.string() + ": " + sqlite3_errmsg(to.getHandle()));
    }
    CopyProgress done;
    for (;;) {
      const int rc = sqlite3_backup_step(backup.get(), kPagesPerStep);
      done.pages_total = sqlite3_backup_pagecount(backup.get());
      done.pages_copied = done.pages_total - sqlite3_backup_remaining(backup.get());
      if (progress) progress(done);
      if (rc == SQLITE_DONE) break;
      if (rc == SQLITE_OK) continue;
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        sqlite3_sleep(20);
        continue;
      }
      return core::make_error(rc == SQLITE_FULL ? core::Errc::kStorageFull : core::Errc::kInternal,
                              "copying " + source.string() + " failed: " + sqlite3_errstr(rc));
    }
    const int finish_rc = sqlite3_backup_finish(backup.release());
    from.exec("COMMIT");
    if (finish_rc != SQLITE_OK) {
      return core::make_error(core::Errc::kInternal,
                              "copying " + source.string() + " failed: " + sqlite3_errstr(finish_rc));
    }
    return done;
  });
}

core::Status check_integrity(const std::filesystem::path& file) {
  return guarded("checking " + file.string(), [&]() -> core::Status {
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX, 5000);
    SQLite::Statement check(db, "PRAGMA integrity_check(20)");
    std::string complaints;
    while (check.executeStep()) {
      const std::string line = check.getColumn(0).getString();
      if (line == "ok") continue;
      complaints += (complaints.empty() ? "" : "; ") + line;
    }
    if (!complaints.empty()) {
      return core::make_error(core::Errc::kInternal, file.string() + " fails PRAGMA integrity_check: " + complaints);
    }
    return core::ok();
  });
}

}  // namespace csms::store::sqlite
