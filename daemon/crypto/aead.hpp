// aead.hpp: AES-256-GCM sealing and opening with associated data (OpenSSL EVP).
#pragma once

#include "core/error.hpp"
#include "core/secure_buffer.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace csms::crypto {

inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kNonceBytes = 12;
inline constexpr std::size_t kTagBytes = 16;

/// Encrypts `plaintext` under `key` with a fresh random nonce; returns nonce | ciphertext | tag.
core::Result<std::vector<std::uint8_t>> aead_seal(std::span<const std::uint8_t> key,
                                                  std::span<const std::uint8_t> plaintext,
                                                  std::span<const std::uint8_t> associated_data);

/// Decrypts nonce | ciphertext | tag. Any mismatch of key, data or associated data is kCryptoFailure; no partial
/// plaintext is ever returned.
core::Result<core::SecureBuffer> aead_open(std::span<const std::uint8_t> key, std::span<const std::uint8_t> sealed,
                                           std::span<const std::uint8_t> associated_data);

}  // namespace csms::crypto
