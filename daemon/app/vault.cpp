// vault.cpp: the start-up sequence for the data directory.
#include "app/vault.hpp"

#include "app/key_source.hpp"
#include "domain/data_keys.hpp"
#include "store/postgres/pg_conninfo.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/backup.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace csms::app {

core::Status ensure_private_directory(const std::filesystem::path& directory) {
  std::error_code ec;
  if (!std::filesystem::exists(directory, ec)) {
    if (directory.has_parent_path() && directory.parent_path() != directory) {
      CSMS_TRY(ensure_private_directory(directory.parent_path()));
    }
    if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
      return core::make_error(core::Errc::kInternal,
                              "cannot create directory " + directory.string() + ": " + std::strerror(errno));
    }
  }
  if (!std::filesystem::is_directory(directory, ec)) {
    return core::make_error(core::Errc::kInternal, directory.string() + " is not a directory");
  }
  return core::ok();
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

// Two daemons on one vault would each believe they own the key and the pruning; the second one is refused.
core::Result<DataDirLock> lock_data_dir(const std::filesystem::path& data_dir) {
  const auto lock_file = data_dir / "csmsd.lock";
  const int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return core::make_error(core::Errc::kInternal, "cannot open " + lock_file.string() + ": " + std::strerror(errno));
  }
  DataDirLock lock(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return core::make_error(core::Errc::kUnavailable,
                            "another csmsd is already using the data directory " + data_dir.string());
  }
  return lock;
}

core::Status open_store(OpenVault& vault, const std::filesystem::path& data_dir, const StoreSpec& spec) {
  if (spec.is_sqlite()) {
    // Under the lock nobody else is copying the vault: a backup copy still here outlived a daemon that died.
    store::sqlite::remove_leftover_snapshots(data_dir);
    CSMS_TRY_ASSIGN(auto sqlite, store::sqlite::SqliteStore::open(data_dir / kDatabaseFile));
    vault.sqlite_store = sqlite.get();
    vault.store = std::move(sqlite);
    return core::ok();
  }
  store::postgres::PgStoreOptions options;
  options.conninfo = spec.uri;
  options.pool_size = spec.pool_size;
  auto postgres = store::postgres::PgStore::open(options);
  if (!postgres) {
    // The store's own detail never quotes the connection string; where it points is added for the operator.
    return core::make_error(postgres.error().code, "PostgreSQL store " + spec.description() + ": " +
                                                       postgres.error().detail);
  }
  vault.store = std::move(*postgres);
  return core::ok();
}

}  // namespace

std::string StoreSpec::description() const {
  return is_sqlite() ? std::string("sqlite") : store::postgres::describe_conninfo(uri);
}

core::Result<OpenVault> open_vault(const std::filesystem::path& data_dir, const MasterKeySpec& key_spec,
                                   core::EpochMillis now, const StoreSpec& store) {
  CSMS_TRY(ensure_private_directory(data_dir));
  OpenVault vault;
  CSMS_TRY_ASSIGN(vault.lock, lock_data_dir(data_dir));
  struct stat info {};
  if (::stat(data_dir.c_str(), &info) == 0 && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    vault.warnings.push_back("the data directory " + data_dir.string() +
                             " is accessible by group or others; chmod 700 is recommended");
  }
  CSMS_TRY(open_store(vault, data_dir, store));
  CSMS_TRY_ASSIGN(const bool has_keys, domain::vault_has_keys(*vault.store));
  CSMS_TRY_ASSIGN(auto kek, load_key_encryption_key(key_spec, data_dir, *vault.store, has_keys));
  CSMS_TRY_ASSIGN(auto keyring, domain::open_data_keys(*vault.store, kek.key.span(), kek.legacy_key_id, now));
  vault.keyring = std::make_unique<crypto::Keyring>(std::move(keyring));
  vault.created_key = kek.created;
  vault.created_key_file = kek.created_file;
  vault.key_source = kek.source;
  vault.key_encryption_key = std::move(kek.key);
  return vault;
}

}  // namespace csms::app
