// secret_backup.hpp: DownloadSecretBlob and UploadSecretBlob: one secret with all its versions, stages and tags,
// sealed under a key derived from the vault's master key, and restored from such a blob.
#pragma once

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/time.hpp"
#include "crypto/backup_sealer.hpp"
#include "crypto/sealer.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace csms::domain {

class SecretBackup {
 public:
  SecretBackup(store::Store& store, const crypto::Sealer& sealer, const crypto::BackupSealer& backup_sealer,
               core::Clock clock)
      : store_(store), sealer_(sealer), backup_sealer_(backup_sealer), clock_(std::move(clock)) {}

  /// The sealed blob of the secret. Needs the secret usable (like reading a value): kSecretPendingDeletion or
  /// kSecretNotEnabled otherwise.
  core::Result<std::vector<std::uint8_t>> backup(const std::string& project_id, const std::string& name);

  /// Recreates the secret of a blob taken in `project_id`: same id, metadata, version numbers, expiry, stages, tags
  /// and version counter, values re-sealed under the current data key; its state is ENABLED. kAlreadyExists when
  /// the name is taken; kInvalidParameter when the blob is not a backup this vault and project can open.
  core::Result<core::Secret> restore(const std::string& project_id, std::span<const std::uint8_t> blob);

 private:
  store::Store& store_;
  const crypto::Sealer& sealer_;
  const crypto::BackupSealer& backup_sealer_;
  core::Clock clock_;
};

}  // namespace csms::domain
