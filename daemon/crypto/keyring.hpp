// keyring.hpp: the master keys the vault seals with, loaded from (or created in) a key file in the data directory.
#pragma once

#include "core/error.hpp"
#include "core/secure_buffer.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <atomic>
#include <map>
#include <memory>
#include <shared_mutex>
#include <span>
#include <vector>

namespace csms::crypto {

/// A key the keyring held when it was asked for. It stays readable (and is wiped only afterwards) even if the
/// keyring forgets the key meanwhile, so a value opened on one thread survives a rotation retiring its key on
/// another.
class HeldKey {
 public:
  HeldKey() = default;
  explicit HeldKey(std::shared_ptr<const core::SecureBuffer> key) : key_(std::move(key)) {}

  std::span<const std::uint8_t> span() const noexcept {
    return key_ ? key_->span() : std::span<const std::uint8_t>{};
  }
  bool empty() const noexcept { return span().empty(); }
  std::size_t size() const noexcept { return span().size(); }
  const std::uint8_t* data() const noexcept { return span().data(); }
  const std::uint8_t* begin() const noexcept { return span().data(); }
  const std::uint8_t* end() const noexcept { return span().data() + span().size(); }

 private:
  std::shared_ptr<const core::SecureBuffer> key_;
};

/// Holds master keys by id. The key file format is 41 bytes: "CSMK", format byte 1, key id (u32 big-endian),
/// 32 key bytes. Keys live in wiped buffers for the life of the keyring. Safe to use from several threads: requests
/// seal and open on every I/O thread while a rotation adds and retires keys.
class Keyring {
 public:
  Keyring() = default;
  /// Moving is for construction only (factories return by value); never move a keyring other threads use.
  Keyring(Keyring&& other) noexcept;
  Keyring& operator=(Keyring&& other) noexcept;
  Keyring(const Keyring&) = delete;
  Keyring& operator=(const Keyring&) = delete;

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
  /// Forgets a key that is not current (one that was never stored, after a failed rotation).
  void remove_key(std::uint32_t key_id);
  /// Stops listing a key that is not current (nothing stored is sealed with it any more) but keeps it able to
  /// open, until the process ends: a read transaction that began before the last re-seal committed may still hold
  /// a row sealed with it.
  void retire_key(std::uint32_t key_id);
  /// The ids held (retired ones not included), ascending.
  std::vector<std::uint32_t> key_ids() const;

  std::uint32_t current_key_id() const noexcept { return current_key_id_.load(std::memory_order_acquire); }
  /// An empty key when the id is unknown, even after asking the miss handler (if any) to look for it.
  HeldKey key(std::uint32_t key_id) const;
  /// Whether the id is held, current, listed or retired; never asks the miss handler.
  bool holds(std::uint32_t key_id) const;
  /// Called (outside the keyring's lock, never re-entered on the same thread) when key() meets an id it does not
  /// hold, before it answers: several daemons sharing one vault learn there of a data key another one added.
  void set_miss_handler(std::function<void()> handler);
  /// The current id and its key, read together (a rotation may change the current key between two separate calls).
  std::pair<std::uint32_t, HeldKey> current() const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::uint32_t, std::shared_ptr<const core::SecureBuffer>> keys_;
  std::map<std::uint32_t, std::shared_ptr<const core::SecureBuffer>> retired_;
  std::atomic<std::uint32_t> current_key_id_{0};
  mutable std::mutex miss_handler_mutex_;
  std::function<void()> miss_handler_;
};

}  // namespace csms::crypto
