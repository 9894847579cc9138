// key_wrap.hpp: data keys wrapped under the key-encryption key, and the passphrase-to-key derivation (scrypt).
#pragma once

#include "core/credential.hpp"
#include "core/error.hpp"
#include "core/secure_buffer.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace csms::crypto {

/// Format byte 1 | AES-256-GCM of the data key under HKDF-SHA256(`kek`, "csmsd data key wrapping v1"), bound to
/// its key id (a wrapped key cannot be relabelled).
core::Result<std::vector<std::uint8_t>> wrap_data_key(std::span<const std::uint8_t> kek, std::uint32_t key_id,
                                                      std::span<const std::uint8_t> data_key);

/// kCryptoFailure when `kek` is not the key that wrapped it, or the row was altered.
core::Result<core::SecureBuffer> unwrap_data_key(std::span<const std::uint8_t> kek, std::uint32_t key_id,
                                                 std::span<const std::uint8_t> wrapped);

/// Fresh scrypt parameters with a random 16-byte salt (N = 2^15, r = 8, p = 1: about 32 MiB and 0.1 s).
core::PassphraseKdf new_passphrase_kdf();

/// The 32-byte key-encryption key for `passphrase`. kInvalidParameter for an empty passphrase or absurd costs.
core::Result<core::SecureBuffer> derive_passphrase_key(std::string_view passphrase, const core::PassphraseKdf& kdf);

}  // namespace csms::crypto
