// snapshot.cpp: SqliteStore::snapshot: an online copy into a private temporary file, handed back open and unnamed.
#include "store/sqlite/backup.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace csms::store::sqlite {
namespace {

constexpr std::string_view kSnapshotPrefix = ".csmsd-backup-";

// Removes the temporary copy's name (and any journal SQLite left beside it) however the snapshot ends; an open
// descriptor keeps the copy itself readable until it is closed.
struct TemporaryName {
  std::string path;
  ~TemporaryName() {
    if (path.empty()) return;
    ::unlink(path.c_str());
    ::unlink((path + "-journal").c_str());
    ::unlink((path + "-wal").c_str());
    ::unlink((path + "-shm").c_str());
  }
};

core::Error io_error(const std::string& what) {
  return core::make_error(core::Errc::kInternal, what + ": " + std::strerror(errno));
}

}  // namespace

void remove_leftover_snapshots(const std::filesystem::path& directory) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(kSnapshotPrefix)) {
      std::error_code ignored;
      std::filesystem::remove(it->path(), ignored);
    }
  }
}

core::Result<Snapshot> SqliteStore::snapshot() {
  // The copy goes into the daemon's own (0700) data directory, never to a path a caller names: the daemon writes
  // nothing outside the directory it owns, and mkstemp creates the file 0600 under a name nobody can predict.
  // SQLite copies by name, so the name lives for the copy; a crash meanwhile leaves it for the next start to remove
  // (remove_leftover_snapshots).
  TemporaryName copy;
  std::string pattern = (file_.parent_path() / (std::string(kSnapshotPrefix) + "XXXXXX")).string();
  const int created = ::mkstemp(pattern.data());
  if (created < 0) return io_error("cannot create a backup file in " + file_.parent_path().string());
  copy.path = pattern;
  ::close(created);

  CSMS_TRY_ASSIGN(const CopyProgress copied, copy_database(file_, copy.path));

  Snapshot snapshot;
  snapshot.file.reset(::open(copy.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!snapshot.file) return io_error("cannot read the backup copy " + copy.path);
  // From here only the descriptor reaches the copy: the name goes now, not when the caller has sent it.
  ::unlink(copy.path.c_str());
  struct stat info {};
  if (::fstat(snapshot.file.get(), &info) != 0) return io_error("cannot read the backup copy " + copy.path);
  snapshot.size = static_cast<std::uint64_t>(info.st_size);
  snapshot.pages = copied.pages_total;
  return snapshot;
}

}  // namespace csms::store::sqlite
