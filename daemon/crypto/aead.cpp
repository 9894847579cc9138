// aead.cpp: AES-256-GCM through the EVP interface; contexts are freed on every path.
#include "crypto/aead.hpp"

#include "crypto/random.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

namespace csms::crypto {
namespace {

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* context) const noexcept { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

core::Error crypto_error(std::string detail) { return core::make_error(core::Errc::kCryptoFailure, std::move(detail)); }

}  // namespace

core::Result<std::vector<std::uint8_t>> aead_seal(std::span<const std::uint8_t> key,
                                                  std::span<const std::uint8_t> plaintext,
                                                  std::span<const std::uint8_t> associated_data) {
  if (key.size() != kKeyBytes) return crypto_error("sealing key has the wrong length");
  std::vector<std::uint8_t> out(kNonceBytes + plaintext.size() + kTagBytes);
  random_bytes(std::span<std::uint8_t>(out.data(), kNonceBytes));

  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  if (!context || EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key.data(), out.data()) != 1 ||
      EVP_EncryptUpdate(context.get(), nullptr, &length, associated_data.data(),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(context.get(), out.data() + kNonceBytes, &length, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), out.data() + kNonceBytes + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          out.data() + kNonceBytes + plaintext.size()) != 1) {
    return crypto_error("AES-256-GCM encryption failed");
  }
  return out;
}

core::Result<core::SecureBuffer> aead_open(std::span<const std::uint8_t> key, std::span<const std::uint8_t> sealed,
                                           std::span<const std::uint8_t> associated_data) {
  if (key.size() != kKeyBytes) return crypto_error("opening key has the wrong length");
  if (sealed.size() < kNonceBytes + kTagBytes) return crypto_error("sealed value is truncated");
  const std::size_t text_size = sealed.size() - kNonceBytes - kTagBytes;
  core::SecureBuffer plaintext(text_size);
  // The tag is passed through a const_cast-free copy because OpenSSL's ctrl takes a non-const pointer.
  std::uint8_t tag[kTagBytes];
  std::copy_n(sealed.data() + kNonceBytes + text_size, kTagBytes, tag);

  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  if (!context || EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key.data(), sealed.data()) != 1 ||
      EVP_DecryptUpdate(context.get(), nullptr, &length, associated_data.data(),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_DecryptUpdate(context.get(), plaintext.data(), &length, sealed.data() + kNonceBytes,
                        static_cast<int>(text_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag) != 1 ||
      EVP_DecryptFinal_ex(context.get(), plaintext.data() + length, &length) != 1) {
    return crypto_error("sealed value failed authentication (wrong key or tampered data)");
  }
  return plaintext;
}

}  // namespace csms::crypto
