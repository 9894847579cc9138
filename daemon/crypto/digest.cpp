// digest.cpp: OpenSSL one-shot digest and HMAC calls.
#include "crypto/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>
#include <limits>

namespace csms::crypto {
namespace {

// These one-shot calls fail only when OpenSSL cannot allocate or its default provider is missing; no request can be
// verified in that state, so the process stops, as random_bytes does.
[[noreturn]] void openssl_fatal(const char* what) {
  std::fprintf(stderr, "csmsd: fatal: OpenSSL %s failed\n", what);
  std::abort();
}

}  // namespace

Sha256Digest sha256(std::string_view data) {
  Sha256Digest digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != digest.size()) {
    openssl_fatal("SHA-256");
  }
  return digest;
}

Sha256Digest hmac_sha256(std::string_view key, std::string_view message) {
  if (key.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    // HMAC replaces any key longer than the block size by its hash (RFC 2104), so this keeps the result while
    // fitting OpenSSL's int length.
    const Sha256Digest hashed_key = sha256(key);
    return hmac_sha256(std::string_view(reinterpret_cast<const char*>(hashed_key.data()), hashed_key.size()),
                       message);
  }
  // An empty string_view may carry a null pointer, which older HMAC code paths treat as "reuse the previous key".
  static constexpr unsigned char kNoBytes = 0;
  const void* key_bytes = key.empty() ? &kNoBytes : static_cast<const void*>(key.data());
  const auto* message_bytes =
      message.empty() ? &kNoBytes : reinterpret_cast<const unsigned char*>(message.data());
  Sha256Digest mac{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()), message_bytes, message.size(), mac.data(),
           &length) == nullptr ||
      length != mac.size()) {
    openssl_fatal("HMAC-SHA256");
  }
  return mac;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (const std::uint8_t byte : bytes) {
    text.push_back(kHex[byte >> 4]);
    text.push_back(kHex[byte & 0x0f]);
  }
  return text;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace csms::crypto
