// vault.hpp: opening a vault directory: data directory checks, the database, the master key and its check.
#pragma once

#include "app/options.hpp"
#include "core/error.hpp"
#include "core/secure_buffer.hpp"
#include "core/time.hpp"
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

/// Which database holds the vault's rows (the --store and --store-pool-size options).
struct StoreSpec {
  /// "sqlite" (<data-dir>/csmsd.db) or a PostgreSQL connection string (never logged: it may hold a password).
  std::string uri = "sqlite";
  std::size_t pool_size = 8;

  bool is_sqlite() const { return uri == "sqlite"; }
  /// What logs and status may show: "sqlite" or the host, port and database name only.
  std::string description() const;
};

struct OpenVault {
  DataDirLock lock;
  std::unique_ptr<store::Store> store;
  /// The same store when it is the embedded SQLite one (for what only a file database does: the shutdown
  /// checkpoint); null on PostgreSQL.
  store::sqlite::SqliteStore* sqlite_store = nullptr;
  /// The vault's data keys, unwrapped.
  std::unique_ptr<crypto::Keyring> keyring;
  /// Kept to wrap the data keys that rotation creates.
  core::SecureBuffer key_encryption_key;
  std::string key_source;
  bool created_key = false;
  std::filesystem::path created_key_file;
  /// Conditions worth a warning that do not stop the daemon (e.g. a data directory others can enter).
  std::vector<std::string> warnings;
};

inline constexpr const char* kDatabaseFile = "csmsd.db";
inline constexpr const char* kMasterKeyFile = "master.key";

/// Creates the data directory (mode 0700) if needed, locks it against a second daemon, opens and migrates the
/// database (`store`: the embedded SQLite file in the data directory, or PostgreSQL), obtains the key-encryption key
/// from `key_spec` (creating a key file for a vault that never had a key) and unwraps the data keys with it. A vault
/// that has sealed data but no key, or a key that opens nothing, is refused. On PostgreSQL the data directory still
/// holds the key file, the lock (one daemon per directory) and the audit log; several daemons, each with its own
/// directory and the same key, share the database.
core::Result<OpenVault> open_vault(const std::filesystem::path& data_dir, const MasterKeySpec& key_spec,
                                   core::EpochMillis now, const StoreSpec& store = StoreSpec{});

/// Creates `directory` and its missing parents with mode 0700.
core::Status ensure_private_directory(const std::filesystem::path& directory);

}  // namespace csms::app
