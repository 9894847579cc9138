// key_wrap.cpp: wrapping data keys and deriving a key from a passphrase.
#include "crypto/key_wrap.hpp"

#include "crypto/aead.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/random.hpp"

#include <openssl/evp.h>

#include <array>

namespace csms::crypto {
namespace {

// Format byte of a wrapped data key, so the wrapping can change without guessing.
constexpr std::uint8_t kWrapFormat = 1;

// The key that wraps data keys is derived from the key-encryption key (HKDF-SHA256) rather than being it: a vault
// from before data keys uses the key-encryption key itself as data key 1, and no key should encrypt itself.
core::Result<core::SecureBuffer> wrapping_key(std::span<const std::uint8_t> kek) {
  return hkdf_sha256(kek, "csmsd data key wrapping v1");
}

std::vector<std::uint8_t> wrap_aad(std::uint32_t key_id) {
  constexpr std::string_view kLabel = "csmsd-data-key";
  std::vector<std::uint8_t> aad(kLabel.begin(), kLabel.end());
  for (int shift = 24; shift >= 0; shift -= 8) aad.push_back(static_cast<std::uint8_t>(key_id >> shift));
  return aad;
}

}  // namespace

core::Result<std::vector<std::uint8_t>> wrap_data_key(std::span<const std::uint8_t> kek, std::uint32_t key_id,
                                                      std::span<const std::uint8_t> data_key) {
  CSMS_TRY_ASSIGN(const auto key, wrapping_key(kek));
  CSMS_TRY_ASSIGN(auto sealed, aead_seal(key.span(), data_key, wrap_aad(key_id)));
  sealed.insert(sealed.begin(), kWrapFormat);
  return sealed;
}

core::Result<core::SecureBuffer> unwrap_data_key(std::span<const std::uint8_t> kek, std::uint32_t key_id,
                                                 std::span<const std::uint8_t> wrapped) {
  if (wrapped.empty() || wrapped.front() != kWrapFormat) {
    return core::make_error(core::Errc::kCryptoFailure,
                            "data key " + std::to_string(key_id) + " is wrapped in an unknown format");
  }
  CSMS_TRY_ASSIGN(const auto key, wrapping_key(kek));
  auto opened = aead_open(key.span(), wrapped.subspan(1), wrap_aad(key_id));
  if (!opened) {
    return core::make_error(core::Errc::kCryptoFailure,
                            "data key " + std::to_string(key_id) + " does not open with this master key");
  }
  if (opened->size() != kKeyBytes) {
    return core::make_error(core::Errc::kCryptoFailure, "data key " + std::to_string(key_id) + " has the wrong size");
  }
  return opened;
}

core::PassphraseKdf new_passphrase_kdf() {
  core::PassphraseKdf kdf;
  kdf.salt.resize(16);
  random_bytes(kdf.salt);
  return kdf;
}

core::Result<core::SecureBuffer> derive_passphrase_key(std::string_view passphrase, const core::PassphraseKdf& kdf) {
  if (passphrase.empty()) return core::make_error(core::Errc::kInvalidParameter, "the passphrase is empty");
  // Bounds keep a tampered row from asking for terabytes of memory or a zero-cost derivation.
  if (kdf.log2_n < 14 || kdf.log2_n > 22 || kdf.r < 1 || kdf.r > 32 || kdf.p < 1 || kdf.p > 16 || kdf.salt.size() < 16) {
    return core::make_error(core::Errc::kInvalidParameter, "the stored passphrase KDF parameters are out of range");
  }
  const std::uint64_t n = std::uint64_t{1} << kdf.log2_n;
  const std::uint64_t max_memory = 128 * n * static_cast<std::uint64_t>(kdf.r) * static_cast<std::uint64_t>(kdf.p) +
                                   (std::uint64_t{64} << 20);
  core::SecureBuffer key(kKeyBytes);
  if (EVP_PBE_scrypt(passphrase.data(), passphrase.size(), kdf.salt.data(), kdf.salt.size(), n,
                     static_cast<std::uint64_t>(kdf.r), static_cast<std::uint64_t>(kdf.p), max_memory, key.data(),
                     key.size()) != 1) {
    return core::make_error(core::Errc::kCryptoFailure, "scrypt failed");
  }
  return key;
}

}  // namespace csms::crypto
