// vault.cpp: the start-up sequence for the data directory.
#include "app/vault.hpp"

#include "domain/master_key_check.hpp"

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

}  // namespace

core::Result<OpenVault> open_vault(const std::filesystem::path& data_dir) {
  CSMS_TRY(ensure_private_directory(data_dir));
  OpenVault vault;
  CSMS_TRY_ASSIGN(vault.lock, lock_data_dir(data_dir));
  struct stat info {};
  if (::stat(data_dir.c_str(), &info) == 0 && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    vault.warnings.push_back("the data directory " + data_dir.string() +
                             " is accessible by group or others; chmod 700 is recommended");
  }
  CSMS_TRY_ASSIGN(vault.store, store::sqlite::SqliteStore::open(data_dir / kDatabaseFile));
  const auto key_file = data_dir / kMasterKeyFile;
  auto loaded = crypto::Keyring::load(key_file);
  if (!loaded && loaded.error().code == core::Errc::kNotFound) {
    CSMS_TRY_ASSIGN(const bool had_key, domain::vault_has_master_key(*vault.store));
    if (had_key) {
      return core::make_error(core::Errc::kCryptoFailure,
                              "the master key file " + key_file.string() +
                                  " is missing but the vault holds sealed data; restore the key file");
    }
    loaded = crypto::Keyring::create(key_file);
    vault.created_key = true;
  }
  if (!loaded) return loaded.error();
  vault.keyring = std::make_unique<crypto::Keyring>(std::move(*loaded));
  return vault;
}

}  // namespace csms::app
