// keyring.hpp: the master keys the vault seals with, loaded from (or created in) a key file in the data directory.
#pragma once

#include "core/error.hpp"
#include "core/secure_buffer.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <vector>

namespace csms::crypto {

/// Holds master keys by id. The key file format is 41 bytes: "CSMK", format byte 1, key id (u32 big-endian),
/// 32 key bytes. Keys live in wiped buffers for the life of the keyring.
class Keyring {
 public:
  /// Reads the key file. kNotFound when it does not exist; kCryptoFailure when it is malformed or readable by
  /// group or others (a key anyone can read protects nothing).
  static core::Result<Keyring> load(const std::filesystem::path& key_file);

  /// Creates a new key file with a fresh random key (id 1), mode 0600, refusing to overwrite an existing file.
  static core::Result<Keyring> create(const std::filesystem::path& key_file);

  /// A keyring over one given key, for tests and tools.
  static Keyring from_key(std::uint32_t key_id, core::SecureBuffer key);

  /// Adds (or replaces) a key; it becomes current only through make_current.
  void add_key(std::uint32_t key_id, core::SecureBuffer key);
  /// Makes a held key the one new values are sealed with; false when the id is not held.
  bool make_current(std::uint32_t key_id);
  /// Forgets a key that is not current (after nothing is sealed with it any more).
  void remove_key(std::uint32_t key_id);
  /// The ids held, ascending.
  std::vector<std::uint32_t> key_ids() const;

  std::uint32_t current_key_id() const noexcept { return current_key_id_; }
  /// Empty span when the id is unknown.
  std::span<const std::uint8_t> key(std::uint32_t key_id) const noexcept;

 private:
  std::map<std::uint32_t, core::SecureBuffer> keys_;
  std::uint32_t current_key_id_ = 0;
};

}  // namespace csms::crypto
