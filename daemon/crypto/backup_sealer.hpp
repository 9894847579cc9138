// backup_sealer.hpp: seals a secret's backup document into the blob DownloadSecretBlob returns, and opens it again.
//
// Blob format (version 1):
//
//   offset  size  field
//   0       4     magic "CSBK"
//   4       1     format version, 1
//   5       12    random GCM nonce
//   17      n     AES-256-GCM ciphertext of the backup document (domain/backup_document.hpp)
//   17+n    16    GCM tag
//
// The associated data is "csmsd-secret-backup" | the 5 header bytes | len32 project | project, so a blob opens only
// for the project it was taken in, and its format byte cannot be changed.
//
// Key: HKDF-SHA256(master key, "csmsd secret backup v1"). Not a data key: data keys rotate, and a retired one is
// deleted once nothing stored uses it, which would silently invalidate every backup taken before the rotation. The
// master key (key-encryption key) is what identifies the vault and does not change, so a blob stays valid across
// data key rotations and only a vault holding the same master key opens it.
#pragma once

#include "core/error.hpp"
#include "core/secure_buffer.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace csms::crypto {

class BackupSealer {
 public:
  /// Derives the backup key from the vault's master key (key-encryption key).
  static core::Result<BackupSealer> from_master_key(std::span<const std::uint8_t> master_key);

  core::Result<std::vector<std::uint8_t>> seal(std::span<const std::uint8_t> document, std::string_view project_id) const;
  /// kInvalidParameter when the blob is not a csmsd backup of a format this daemon reads; kCryptoFailure when it
  /// does not authenticate (another vault's master key, another project, or altered bytes).
  core::Result<core::SecureBuffer> open(std::span<const std::uint8_t> blob, std::string_view project_id) const;

 private:
  explicit BackupSealer(core::SecureBuffer key) : key_(std::move(key)) {}
  core::SecureBuffer key_;
};

}  // namespace csms::crypto
