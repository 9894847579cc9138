// data_keys.hpp: turning the operator's key-encryption key into the vault's keyring of data keys at start.
#pragma once

#include "core/error.hpp"
#include "core/secure_buffer.hpp"
#include "core/time.hpp"
#include "crypto/keyring.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <span>

namespace csms::domain {

/// Unwraps every data key of the vault with `kek` into a keyring whose current key is the stored current one.
///
/// A vault without data keys gets its first one in the same transaction: a vault created before data keys existed
/// (it has master key checks) keeps sealing with the key it always used, so `kek` itself becomes data key
/// `legacy_key_id`; a new vault gets a random data key 1. A `kek` that opens no data key is kCryptoFailure with a
/// message that names the likely causes, so the daemon stops instead of serving values it cannot read.
core::Result<crypto::Keyring> open_data_keys(store::Store& store, std::span<const std::uint8_t> kek,
                                             std::uint32_t legacy_key_id, core::EpochMillis now);

/// Whether the vault was ever given a key (data keys or legacy key checks exist).
core::Result<bool> vault_has_keys(store::Store& store);

}  // namespace csms::domain
