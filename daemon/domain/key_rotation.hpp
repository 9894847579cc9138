// key_rotation.hpp: master key status, rotation to a new data key, and re-sealing old rows while serving.
#pragma once

#include "core/error.hpp"
#include "core/secure_buffer.hpp"
#include "core/time.hpp"
#include "crypto/keyring.hpp"
#include "crypto/locked_memory.hpp"
#include "crypto/sealer.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace csms::domain {

struct KeyUsage {
  std::uint32_t key_id = 0;
  std::int64_t sealed_rows = 0;
};

struct MasterKeyStatus {
  std::uint32_t current_key_id = 0;
  std::string source;  ///< "file", "systemd-credential" or "passphrase"
  std::vector<KeyUsage> keys;
  bool rotating = false;  ///< rows remain under keys other than the current one
  /// Re-sealing stopped at a row that does not open (tampered or corrupt); the old key stays until it is dealt with.
  bool stalled = false;
  std::string stall_reason;
  std::int64_t remaining_rows = 0;
};

/// Owns the key-encryption key for wrapping new data keys. Rotation adds a data key and makes it current at once
/// (new values use it); reseal_batch moves old rows over in small transactions, so requests keep being served in
/// between; when none remain, the old data keys are deleted. Progress survives a restart: whatever is still sealed
/// under an old key is simply re-sealed later. Safe to use from several threads: one operation runs at a time.
class KeyRotation {
 public:
  /// `retire_grace`: how long after a rotation the old data keys stay stored even when nothing is sealed under them
  /// any more. Daemons sharing a vault learn of a new current key only at their next sync_with_store(), and until
  /// then may still seal under the old one; the grace must exceed their sync interval. Zero for a vault of one daemon.
  KeyRotation(store::Store& store, crypto::Keyring& keyring, core::SecureBuffer kek, std::string source,
              core::Clock clock, std::chrono::milliseconds retire_grace = std::chrono::milliseconds(0))
      : store_(store), keyring_(keyring), sealer_(keyring), kek_(std::move(kek)), source_(std::move(source)),
        clock_(std::move(clock)), retire_grace_(retire_grace) {
    crypto::lock_pages(kek_.data(), kek_.size());
  }

  core::Result<MasterKeyStatus> status();
  /// Creates data key (highest id + 1), wrapped under the key-encryption key, with its key check; makes it current.
  core::Result<MasterKeyStatus> rotate();
  /// Re-seals up to `limit` rows under the current key; returns how many it re-sealed. When nothing is left, it
  /// retires the old data keys (rows, checks and keyring entries) and returns 0.
  core::Result<std::size_t> reseal_batch(std::size_t limit);
  /// Whether re-sealing may have work: true at start (a restart resumes an interrupted rotation) and after
  /// rotate(), false once a batch found nothing left.
  bool reseal_pending() const { return reseal_pending_.load(); }
  /// Brings the keyring in line with the data keys stored, for a vault that other daemons rotate too: unwraps the
  /// keys it lacks, makes the stored current key current, and retires (keeps able to open) keys no longer stored.
  /// Returns whether anything changed. Never takes the rotation lock, so a key miss inside reseal_batch can call it.
  core::Result<bool> sync_with_store();

  /// The data key new values are sealed with (0 before one is loaded).
  std::uint32_t current_key_id() const { return keyring_.current_key_id(); }
  /// Set when a row could not be opened for re-sealing: retrying cannot help, so re-sealing stops (until the next
  /// rotate() or restart) and status() reports it.
  bool stalled() const {
    const std::lock_guard lock(mutex_);
    return !stall_reason_.empty();
  }

 private:
  store::Store& store_;
  crypto::Keyring& keyring_;
  crypto::Sealer sealer_;
  core::SecureBuffer kek_;
  std::string source_;
  core::Clock clock_;
  const std::chrono::milliseconds retire_grace_;
  mutable std::mutex mutex_;
  // Orders sync_with_store against rotate's window in which its new key is held but not yet stored.
  std::mutex sync_mutex_;
  // Atomic: sync_with_store sets it without the rotation lock.
  std::atomic<bool> reseal_pending_{true};
  std::string stall_reason_;
};

/// The binding of an access key's sealed secret key (its AAD), shared by sealing and re-sealing.
crypto::ValueBinding credential_binding(std::string_view credential_id);

}  // namespace csms::domain
