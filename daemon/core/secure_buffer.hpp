// secure_buffer.hpp: move-only byte buffer for plaintext secrets and keys, wiped on destruction.
#pragma once

#include "core/wiping_allocator.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace csms::core {

/// Owns secret bytes. Copying is disabled so plaintext is never duplicated by accident; every byte is wiped when the
/// buffer is destroyed or reassigned (the allocator wipes released blocks).
class SecureBuffer {
 public:
  SecureBuffer() = default;
  explicit SecureBuffer(std::size_t size) : bytes_(size) {}
  SecureBuffer(const std::uint8_t* data, std::size_t size) : bytes_(data, data + size) {}
  static SecureBuffer from_string(std::string_view text) {
    return SecureBuffer(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  }

  SecureBuffer(const SecureBuffer&) = delete;
  SecureBuffer& operator=(const SecureBuffer&) = delete;
  SecureBuffer(SecureBuffer&&) noexcept = default;
  SecureBuffer& operator=(SecureBuffer&&) noexcept = default;
  ~SecureBuffer() = default;

  std::uint8_t* data() noexcept { return bytes_.data(); }
  const std::uint8_t* data() const noexcept { return bytes_.data(); }
  std::size_t size() const noexcept { return bytes_.size(); }
  bool empty() const noexcept { return bytes_.empty(); }
  void resize(std::size_t size) { bytes_.resize(size); }
  std::span<const std::uint8_t> span() const noexcept { return {bytes_.data(), bytes_.size()}; }
  std::string_view view() const noexcept {
    return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
  }
  void append(std::span<const std::uint8_t> more) { bytes_.insert(bytes_.end(), more.begin(), more.end()); }

 private:
  std::vector<std::uint8_t, WipingAllocator<std::uint8_t>> bytes_;
};

}  // namespace csms::core
