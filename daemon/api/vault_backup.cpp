// vault_backup.cpp: the admin API for a whole-vault backup: a consistent copy of the database, streamed back.
#include "api/handlers.hpp"
#include "log/log.hpp"

namespace csms::api::handlers {

// The copy is answered in the body rather than written where the caller says: a path from a request would let an
// admin credential make the daemon overwrite any file it can write. The body is the database file itself: values
// stay sealed, and the master key is not in it (docs/csmsctl.md).
core::Result<http::Response> backup_vault(ApiContext& context, const Call&) {
  CSMS_TRY_ASSIGN(store::Snapshot snapshot, context.store.snapshot());
  log::info("whole-vault backup taken", {{"pages", std::to_string(snapshot.pages)},
                                          {"bytes", std::to_string(snapshot.bytes.size())}});
  http::Response response;
  response.status = 200;
  response.content_type = "application/vnd.sqlite3";
  response.headers.emplace_back("X-Csmsd-Backup-Pages", std::to_string(snapshot.pages));
  response.body = std::move(snapshot.bytes);
  return response;
}

}  // namespace csms::api::handlers
