// key_source.hpp: obtaining the key-encryption key from a key file, a systemd credential or a passphrase.
#pragma once

#include "app/options.hpp"
#include "core/error.hpp"
#include "core/secure_buffer.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace csms::app {

struct KeyEncryptionKey {
  core::SecureBuffer key;           ///< 32 bytes
  std::uint32_t legacy_key_id = 1;  ///< the key id a vault from before data keys sealed with (key files only)
  std::string source;               ///< "file", "systemd-credential" or "passphrase", for status and logs
  bool created = false;             ///< a new key file was created for a new vault
  std::filesystem::path created_file;
};

/// `vault_has_keys` tells a new vault (a missing key file is created, a new passphrase is asked twice and gets a
/// fresh salt) from an existing one (a missing key is an error naming what to restore).
core::Result<KeyEncryptionKey> load_key_encryption_key(const MasterKeySpec& spec,
                                                        const std::filesystem::path& data_dir, store::Store& store,
                                                        bool vault_has_keys);

}  // namespace csms::app
