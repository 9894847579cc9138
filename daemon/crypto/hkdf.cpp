// hkdf.cpp: HKDF-SHA256 through OpenSSL's EVP_PKEY interface.
#include "crypto/hkdf.hpp"

#include "crypto/aead.hpp"

#include <openssl/evp.h>
#include <openssl/kdf.h>

namespace csms::crypto {

core::Result<core::SecureBuffer> hkdf_sha256(std::span<const std::uint8_t> key, std::string_view info) {
  core::SecureBuffer derived(kKeyBytes);
  EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr);
  const bool ok = context != nullptr && EVP_PKEY_derive_init(context) == 1 &&
                  EVP_PKEY_CTX_set_hkdf_md(context, EVP_sha256()) == 1 &&
                  EVP_PKEY_CTX_set1_hkdf_key(context, key.data(), static_cast<int>(key.size())) == 1 &&
                  EVP_PKEY_CTX_add1_hkdf_info(context, reinterpret_cast<const unsigned char*>(info.data()),
                                              static_cast<int>(info.size())) == 1;
  std::size_t length = derived.size();
  const bool derived_ok = ok && EVP_PKEY_derive(context, derived.data(), &length) == 1 && length == kKeyBytes;
  EVP_PKEY_CTX_free(context);
  if (!derived_ok) return core::make_error(core::Errc::kCryptoFailure, "HKDF-SHA256 failed");
  return derived;
}

}  // namespace csms::crypto
