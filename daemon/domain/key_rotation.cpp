// key_rotation.cpp: master key rotation and background re-sealing.
#include "domain/key_rotation.hpp"

#include "crypto/aead.hpp"
#include "crypto/key_wrap.hpp"
#include "crypto/random.hpp"

#include <algorithm>

namespace csms::domain {

crypto::ValueBinding credential_binding(std::string_view credential_id) {
  // Project ids are 32 hex characters, so this scope can never be a real project's.
  return crypto::ValueBinding{"csmsd:credential", credential_id, 0};
}

core::Result<MasterKeyStatus> KeyRotation::status() {
  const std::lock_guard lock(mutex_);
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
  CSMS_TRY_ASSIGN(const auto keys, txn->list_data_keys());
  CSMS_TRY_ASSIGN(const auto counts, txn->count_sealed_rows_by_key());
  MasterKeyStatus status;
  status.current_key_id = keyring_.current_key_id();
  status.source = source_;
  for (const core::DataKeyRecord& key : keys) status.keys.push_back(KeyUsage{key.key_id, 0});
  for (const auto& [key_id, rows] : counts) {
    // Captured by copy under its own name: clang before 16 cannot capture a structured binding (C++20 P1091).
    auto found = std::find_if(status.keys.begin(), status.keys.end(),
                              [id = key_id](const KeyUsage& k) { return k.key_id == id; });
    if (found == status.keys.end()) {
      status.keys.push_back(KeyUsage{key_id, rows});
    } else {
      found->sealed_rows = rows;
    }
    if (key_id != status.current_key_id) status.remaining_rows += rows;
  }
  std::sort(status.keys.begin(), status.keys.end(), [](const KeyUsage& a, const KeyUsage& b) { return a.key_id < b.key_id; });
  status.rotating = status.remaining_rows > 0 || status.keys.size() > 1;
  status.stalled = !stall_reason_.empty();
  status.stall_reason = stall_reason_;
  return status;
}

core::Result<MasterKeyStatus> KeyRotation::rotate() {
  std::unique_lock lock(mutex_);
  {
    CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
    CSMS_TRY_ASSIGN(const auto keys, txn->list_data_keys());
    // Above every stored id and every id the keyring holds, so an id is never reused for another key.
    std::uint32_t next_id = 1;
    for (const core::DataKeyRecord& key : keys) next_id = std::max(next_id, key.key_id + 1);
    for (const std::uint32_t held : keyring_.key_ids()) next_id = std::max(next_id, held + 1);
    core::SecureBuffer data_key(crypto::kKeyBytes);
    crypto::random_bytes(std::span<std::uint8_t>(data_key.data(), data_key.size()));
    core::DataKeyRecord record;
    record.key_id = next_id;
    CSMS_TRY_ASSIGN(record.wrapped_key, crypto::wrap_data_key(kek_.span(), next_id, data_key.span()));
    record.is_current = true;
    record.created_time = clock_();
    CSMS_TRY(txn->insert_data_key(record));
    // The new key becomes current only once it and its check are committed: until then nothing may be sealed under
    // it, since a failed commit would leave such a value under a key no daemon can unwrap (with several daemons on
    // one vault, other threads seal concurrently with this transaction).
    const std::lock_guard sync_lock(sync_mutex_);
    keyring_.add_key(next_id, std::move(data_key));
    auto committed = [&]() -> core::Status {
      CSMS_TRY_ASSIGN(const auto check, sealer_.make_key_check(next_id));
      CSMS_TRY(txn->insert_key_check(check, clock_()));
      return txn->commit();
    }();
    if (!committed) {
      keyring_.remove_key(next_id);
      return committed.error();
    }
    keyring_.make_current(next_id);
  }
  reseal_pending_ = true;
  stall_reason_.clear();
  lock.unlock();
  return status();
}

core::Result<std::size_t> KeyRotation::reseal_batch(std::size_t limit) {
  const std::lock_guard lock(mutex_);
  const std::uint32_t current = keyring_.current_key_id();
  CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kWrite));
  std::size_t resealed = 0;
  CSMS_TRY_ASSIGN(const auto versions, txn->list_versions_sealed_with_other_keys(current, limit));
  const auto stall = [this](const std::string& row, std::uint32_t key_id, const core::Error& error) {
    stall_reason_ = row + " does not open under data key " + std::to_string(key_id) + ": " + error.detail;
    reseal_pending_ = false;
    return core::make_error(core::Errc::kCryptoFailure, stall_reason_);
  };
  for (const core::SealedVersionRef& row : versions) {
    const crypto::ValueBinding binding{row.project_id, row.secret_id, row.number};
    auto plain = sealer_.open(row.value, binding);
    if (!plain) return stall("version " + std::to_string(row.number) + " of secret " + row.secret_id, row.value.key_id, plain.error());
    CSMS_TRY_ASSIGN(const auto sealed, sealer_.seal(*plain, binding));
    CSMS_TRY(txn->replace_version_seal(row.secret_row, row.number, sealed));
    ++resealed;
  }
  if (resealed < limit) {
    CSMS_TRY_ASSIGN(const auto credentials, txn->list_credentials_sealed_with_other_keys(current, limit - resealed));
    for (const core::SealedCredentialRef& row : credentials) {
      const auto binding = credential_binding(row.credential_id);
      auto plain = sealer_.open(row.value, binding);
      if (!plain) return stall("the secret key of credential " + row.credential_id, row.value.key_id, plain.error());
      CSMS_TRY_ASSIGN(const auto sealed, sealer_.seal(*plain, binding));
      CSMS_TRY(txn->replace_credential_seal(row.credential_id, sealed));
      ++resealed;
    }
  }
  if (resealed > 0) {
    CSMS_TRY(txn->commit());
    return resealed;
  }
  // Nothing is sealed under an old key any more: retire the old keys, once other daemons have had time to see the
  // rotation.
  CSMS_TRY_ASSIGN(const auto keys, txn->list_data_keys());
  if (retire_grace_.count() > 0) {
    for (const core::DataKeyRecord& key : keys) {
      if (key.key_id == current && clock_() - key.created_time < retire_grace_.count()) return std::size_t{0};
    }
  }
  std::vector<std::uint32_t> retired;
  for (const core::DataKeyRecord& key : keys) {
    if (key.key_id == current) continue;
    CSMS_TRY(txn->delete_data_key(key.key_id));
    CSMS_TRY(txn->delete_key_check(key.key_id));
    retired.push_back(key.key_id);
  }
  if (!retired.empty()) {
    CSMS_TRY(txn->commit());
    for (std::uint32_t key_id : retired) keyring_.retire_key(key_id);
  }
  reseal_pending_ = false;
  return 0;
}

core::Result<bool> KeyRotation::sync_with_store() {
  const std::lock_guard sync_lock(sync_mutex_);
  std::vector<core::DataKeyRecord> stored;
  {
    CSMS_TRY_ASSIGN(auto txn, store_.begin(store::TransactionMode::kRead));
    CSMS_TRY_ASSIGN(stored, txn->list_data_keys());
  }
  bool changed = false;
  std::uint32_t stored_current = 0;
  for (const core::DataKeyRecord& record : stored) {
    if (record.is_current) stored_current = record.key_id;
    if (keyring_.holds(record.key_id)) continue;
    CSMS_TRY_ASSIGN(auto key, crypto::unwrap_data_key(kek_.span(), record.key_id, record.wrapped_key));
    keyring_.add_key(record.key_id, std::move(key));
    changed = true;
  }
  if (stored_current != 0 && stored_current != keyring_.current_key_id()) {
    keyring_.make_current(stored_current);
    changed = true;
  }
  for (const std::uint32_t held : keyring_.key_ids()) {
    const bool still_stored = std::any_of(stored.begin(), stored.end(),
                                          [held](const core::DataKeyRecord& record) { return record.key_id == held; });
    if (!still_stored && held != keyring_.current_key_id()) {
      keyring_.retire_key(held);
      changed = true;
    }
  }
  // Rows may now be sealed under keys that are not current here; if this daemon leads the background work, its
  // re-sealing must look again.
  if (changed) reseal_pending_ = true;
  return changed;
}

}  // namespace csms::domain
