// sealer.hpp: seals secret values for storage and opens them again, bound to their project, secret and version.
//
// Sealed blob format (version 1), all integers big-endian:
//
//   offset  size  field
//   0       2     magic "CS"
//   2       1     format version, 1
//   3       4     id of the master key that sealed the value
//   7       12    random GCM nonce
//   19      n     AES-256-GCM ciphertext of: value kind (1 byte, 1 = string, 2 = binary) | value bytes
//   19+n    16    GCM tag
//
// The associated data is "csmsd-value" | len32 project | project | len32 secret uuid | secret uuid | u64 version |
// the 7 header bytes. A row therefore opens only in the place it was written: copying a ciphertext to another
// secret, version or project, or changing its key id or format byte, fails authentication instead of returning
// another secret's value. The key id also travels in the store's own column so rows can be found for re-sealing.
#pragma once

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/secure_buffer.hpp"
#include "crypto/keyring.hpp"

#include <optional>
#include <string_view>

namespace csms::crypto {

/// Where a value belongs; part of its associated data.
struct ValueBinding {
  std::string_view project_id;
  std::string_view secret_id;
  core::VersionNumber version = 0;
};

struct PlainValue {
  core::ValueKind kind = core::ValueKind::kString;
  core::SecureBuffer bytes;
};

class Sealer {
 public:
  explicit Sealer(const Keyring& keyring) : keyring_(keyring) {}

  core::Result<core::SealedValue> seal(const PlainValue& value, const ValueBinding& binding) const;
  core::Result<PlainValue> open(const core::SealedValue& sealed, const ValueBinding& binding) const;

  /// A known plaintext sealed under the current key. Stored once per key id, it lets start-up tell a wrong master
  /// key from a right one before any request is served.
  /// Seals the known key check plaintext under the current key, or under `key_id` (held, not yet current: a
  /// rotation makes its new key current only once the key and its check are committed).
  core::Result<core::SealedValue> make_key_check(std::optional<std::uint32_t> key_id = std::nullopt) const;
  core::Status verify_key_check(const core::SealedValue& check) const;

  std::uint32_t current_key_id() const noexcept { return keyring_.current_key_id(); }

 private:
  const Keyring& keyring_;
};

}  // namespace csms::crypto
