// vault.hpp: opening a vault directory: data directory checks, the database, the master key and its check.
#pragma once

#include "core/error.hpp"
#include "crypto/keyring.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace csms::app {

/// Holds an exclusive flock on <data-dir>/csmsd.lock for the life of the daemon.
class DataDirLock {
 public:
  explicit DataDirLock(int fd = -1) : fd_(fd) {}
  DataDirLock(DataDirLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  DataDirLock& operator=(DataDirLock&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();

 private:
  int fd_;
};

struct OpenVault {
  DataDirLock lock;
  std::unique_ptr<store::sqlite::SqliteStore> store;
  std::unique_ptr<crypto::Keyring> keyring;
  bool created_key = false;
  /// Conditions worth a warning that do not stop the daemon (e.g. a data directory others can enter).
  std::vector<std::string> warnings;
};

inline constexpr const char* kDatabaseFile = "csmsd.db";
inline constexpr const char* kMasterKeyFile = "master.key";

/// Creates the data directory (mode 0700) if needed, locks it against a second daemon, opens and migrates the database, then loads the master key,
/// or creates it for a vault that never had one. A vault that has sealed data but no key file is refused.
core::Result<OpenVault> open_vault(const std::filesystem::path& data_dir);

/// Creates `directory` and its missing parents with mode 0700.
core::Status ensure_private_directory(const std::filesystem::path& directory);

}  // namespace csms::app
