// random.cpp: RAND_bytes wrapper and UUID formatting.
#include "crypto/random.hpp"

#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

namespace csms::crypto {
namespace {

std::string format_uuid(std::array<std::uint8_t, 16> bytes, std::uint8_t version) {
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | (version << 4));
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kHex[bytes[i] >> 4]);
    text.push_back(kHex[bytes[i] & 0x0f]);
  }
  return text;
}

}  // namespace

void random_bytes(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    std::fputs("csmsd: fatal: the OpenSSL random generator failed\n", stderr);
    std::abort();
  }
}

core::SecureString random_string(std::string_view alphabet, std::size_t length) {
  core::SecureString text;
  if (alphabet.empty()) return text;
  text.reserve(length);
  // Rejection sampling: bytes at or above the largest multiple of the alphabet size would bias the first letters.
  const unsigned limit = 256 - (256 % static_cast<unsigned>(alphabet.size()));
  std::array<std::uint8_t, 64> pool{};
  while (text.size() < length) {
    random_bytes(pool);
    for (std::uint8_t byte : pool) {
      if (byte >= limit || text.size() == length) continue;
      text.push_back(alphabet[byte % alphabet.size()]);
    }
  }
  OPENSSL_cleanse(pool.data(), pool.size());
  return text;
}

std::uint32_t random_below(std::uint32_t bound) {
  if (bound <= 1) return 0;
  // Values at or above the largest multiple of bound below 2^32 would favour the small results.
  const std::uint32_t limit = static_cast<std::uint32_t>((std::uint64_t{1} << 32) - ((std::uint64_t{1} << 32) % bound));
  for (;;) {
    std::array<std::uint8_t, 4> bytes{};
    random_bytes(bytes);
    const std::uint32_t value = (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                                (std::uint32_t{bytes[2]} << 8) | bytes[3];
    OPENSSL_cleanse(bytes.data(), bytes.size());
    if (limit == 0 || value < limit) return value % bound;
  }
}

std::string random_uuid() {
  std::array<std::uint8_t, 16> bytes{};
  random_bytes(bytes);
  return format_uuid(bytes, 4);
}

std::string derived_uuid(std::string_view text) {
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr);
  std::array<std::uint8_t, 16> bytes{};
  std::copy_n(digest.begin(), bytes.size(), bytes.begin());
  return format_uuid(bytes, 5);
}

}  // namespace csms::crypto
