// data_keys.cpp: unwrapping (or creating) the vault's data keys with the key-encryption key.
#include "domain/data_keys.hpp"

#include "crypto/aead.hpp"
#include "crypto/key_wrap.hpp"
#include "crypto/random.hpp"

namespace csms::domain {

core::Result<bool> vault_has_keys(store::Store& store) {
  CSMS_TRY_ASSIGN(auto txn, store.begin(store::TransactionMode::kRead));
  CSMS_TRY_ASSIGN(const auto keys, txn->list_data_keys());
  if (!keys.empty()) return true;
  CSMS_TRY_ASSIGN(const auto checks, txn->list_key_checks());
  return !checks.empty();
}

core::Result<crypto::Keyring> open_data_keys(store::Store& store, std::span<const std::uint8_t> kek,
                                             std::uint32_t legacy_key_id, core::EpochMillis now) {
  CSMS_TRY_ASSIGN(auto txn, store.begin(store::TransactionMode::kWrite));
  CSMS_TRY_ASSIGN(auto stored, txn->list_data_keys());
  if (stored.empty()) {
    CSMS_TRY_ASSIGN(const auto checks, txn->list_key_checks());
    core::DataKeyRecord first;
    core::SecureBuffer data_key(crypto::kKeyBytes);
    if (!checks.empty()) {
      first.key_id = legacy_key_id;
      std::copy(kek.begin(), kek.end(), data_key.data());
    } else {
      first.key_id = 1;
      crypto::random_bytes(std::span<std::uint8_t>(data_key.data(), data_key.size()));
    }
    CSMS_TRY_ASSIGN(first.wrapped_key, crypto::wrap_data_key(kek, first.key_id, data_key.span()));
    first.is_current = true;
    first.created_time = now;
    CSMS_TRY(txn->insert_data_key(first));
    CSMS_TRY(txn->commit());
    stored.push_back(std::move(first));
  }
  crypto::Keyring keyring;
  std::uint32_t current = 0;
  for (const core::DataKeyRecord& record : stored) {
    auto key = crypto::unwrap_data_key(kek, record.key_id, record.wrapped_key);
    if (!key) {
      return core::make_error(core::Errc::kCryptoFailure,
                              "the master key does not open this vault (" + key.error().detail +
                                "); check the key file, systemd credential or passphrase");
    }
    keyring.add_key(record.key_id, std::move(*key));
    if (record.is_current) current = record.key_id;
  }
  if (current == 0 || !keyring.make_current(current)) {
    return core::make_error(core::Errc::kCryptoFailure, "the vault has no current data key");
  }
  return keyring;
}

}  // namespace csms::domain
