// vault_backup.cpp: the admin API for a whole-vault backup: a consistent copy of the database, streamed back.
#include "api/handlers.hpp"
#include "log/log.hpp"

#include <atomic>
#include <memory>
#include <utility>

namespace csms::api::handlers {
namespace {

// Frees the one backup slot when the last holder goes: the route's handler on a failed copy, or the session once
// the copy has been sent (or the connection failed).
class BackupSlot {
 public:
  explicit BackupSlot(std::shared_ptr<std::atomic<bool>> running) : running_(std::move(running)) {}
  BackupSlot(const BackupSlot&) = delete;
  BackupSlot& operator=(const BackupSlot&) = delete;
  ~BackupSlot() { running_->store(false); }

 private:
  std::shared_ptr<std::atomic<bool>> running_;
};

}  // namespace

// The copy is answered in the body rather than written where the caller says: a path from a request would let an
// admin credential make the daemon overwrite any file it can write. The body is the database file itself: values
// stay sealed, and the master key is not in it (docs/csmsctl.md). It runs on the background thread (routes.cpp)
// and is streamed from the unnamed copy, so neither a session's thread nor the daemon's memory pays for its size.
core::Result<http::Response> backup_vault(ApiContext& context, const Call&) {
  // One at a time, from the start of the copy to its last byte sent: each copy takes the vault's size on disk, and
  // a second one would only slow the first.
  if (bool idle = false; !context.vault_backup_running->compare_exchange_strong(idle, true)) {
    return core::make_error(core::Errc::kBusy,
                            "another whole-vault backup is being taken; try again when it has finished");
  }
  auto slot = std::make_shared<BackupSlot>(context.vault_backup_running);
  CSMS_TRY_ASSIGN(store::Snapshot snapshot, context.store.snapshot());
  log::info("whole-vault backup taken", {{"pages", std::to_string(snapshot.pages)},
                                          {"bytes", std::to_string(snapshot.size)}});
  http::Response response;
  response.status = 200;
  response.content_type = "application/vnd.sqlite3";
  response.headers.emplace_back("X-Csmsd-Backup-Pages", std::to_string(snapshot.pages));
  response.file_body = std::make_shared<http::FileBody>(
      http::FileBody{std::move(snapshot.file), snapshot.size, std::move(slot)});
  return response;
}

}  // namespace csms::api::handlers
