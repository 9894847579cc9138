// snapshot.cpp: SqliteStore::snapshot: an online copy into a private temporary file, read back into memory.
#include "store/sqlite/backup.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <cerrno>
#include <cstring>
#include <new>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace csms::store::sqlite {
namespace {

// Removes the temporary copy (and any journal SQLite left beside it) however the snapshot ends.
struct TemporaryFile {
  std::string path;
  ~TemporaryFile() {
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

core::Result<Snapshot> SqliteStore::snapshot() {
  // The copy goes into the daemon's own (0700) data directory, never to a path a caller names: the daemon writes
  // nothing outside the directory it owns, and mkstemp creates the file 0600 under a name nobody can predict.
  TemporaryFile copy;
  std::string pattern = (file_.parent_path() / ".csmsd-backup-XXXXXX").string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) return io_error("cannot create a backup file in " + file_.parent_path().string());
  copy.path = pattern;
  ::close(fd);

  CSMS_TRY_ASSIGN(const CopyProgress copied, copy_database(file_, copy.path));

  const int in = ::open(copy.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return io_error("cannot read the backup copy " + copy.path);
  struct stat info {};
  if (::fstat(in, &info) != 0) {
    ::close(in);
    return io_error("cannot read the backup copy " + copy.path);
  }
  Snapshot snapshot;
  snapshot.pages = copied.pages_total;
  try {
    snapshot.bytes.resize(static_cast<std::size_t>(info.st_size));
  } catch (const std::bad_alloc&) {
    // With all memory locked (mlockall) a large copy may not fit under RLIMIT_MEMLOCK: an error, not a crash.
    ::close(in);
    return core::make_error(core::Errc::kInternal, "no memory for a backup of " + std::to_string(info.st_size) +
                                                       " bytes");
  }
  std::size_t filled = 0;
  while (filled < snapshot.bytes.size()) {
    const ssize_t n = ::read(in, snapshot.bytes.data() + filled, snapshot.bytes.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(in);
      return io_error("cannot read the backup copy " + copy.path);
    }
    filled += static_cast<std::size_t>(n);
  }
  ::close(in);
  return snapshot;
}

}  // namespace csms::store::sqlite
