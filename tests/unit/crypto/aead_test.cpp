// aead_test.cpp: AES-256-GCM seal/open: round trip, authentication of data, key and associated data.
#include "crypto/aead.hpp"

#include "common/unit_env.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace {

using csms::core::Errc;
using csms::unit::expect_ok;
using Bytes = std::vector<std::uint8_t>;

Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes key_of(std::uint8_t fill) { return Bytes(csms::crypto::kKeyBytes, fill); }

TEST_CASE("aead round-trips and lays out nonce | ciphertext | tag", "[unit][crypto][aead]") {
  const Bytes key = key_of(0x42);
  const Bytes aad = bytes("context");
  const std::string_view text = GENERATE(as<std::string_view>{}, "", "x", "a longer plaintext of several blocks, "
                                                                          "long enough to span more than one AES block");
  const Bytes plaintext = bytes(text);
  const auto sealed = expect_ok(csms::crypto::aead_seal(key, plaintext, aad));
  CHECK(sealed.size() == csms::crypto::kNonceBytes + plaintext.size() + csms::crypto::kTagBytes);
  const auto opened = expect_ok(csms::crypto::aead_open(key, sealed, aad));
  CHECK(opened.view() == text);
  if (!text.empty()) {
    // The ciphertext is not the plaintext.
    CHECK_FALSE(std::equal(plaintext.begin(), plaintext.end(), sealed.begin() + csms::crypto::kNonceBytes));
  }
}

TEST_CASE("aead uses a fresh nonce for every seal", "[unit][crypto][aead]") {
  const Bytes key = key_of(1);
  const Bytes text = bytes("same plaintext");
  const auto first = expect_ok(csms::crypto::aead_seal(key, text, {}));
  const auto second = expect_ok(csms::crypto::aead_seal(key, text, {}));
  CHECK(first != second);
  CHECK_FALSE(std::equal(first.begin(), first.begin() + csms::crypto::kNonceBytes, second.begin()));
}

TEST_CASE("aead refuses a change to any byte of the sealed data", "[unit][crypto][aead]") {
  const Bytes key = key_of(7);
  const Bytes aad = bytes("aad");
  const auto sealed = expect_ok(csms::crypto::aead_seal(key, bytes("attack at dawn"), aad));
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    Bytes tampered = sealed;
    tampered[i] ^= 0x01;
    INFO("byte " << i);
    CHECK_ERRC(csms::crypto::aead_open(key, tampered, aad), Errc::kCryptoFailure);
  }
}

TEST_CASE("aead refuses a wrong key, wrong associated data and truncation", "[unit][crypto][aead]") {
  const Bytes key = key_of(9);
  const Bytes aad = bytes("project-a");
  const auto sealed = expect_ok(csms::crypto::aead_seal(key, bytes("value"), aad));
  CHECK_ERRC(csms::crypto::aead_open(key_of(10), sealed, aad), Errc::kCryptoFailure);
  CHECK_ERRC(csms::crypto::aead_open(key, sealed, bytes("project-b")), Errc::kCryptoFailure);
  CHECK_ERRC(csms::crypto::aead_open(key, sealed, {}), Errc::kCryptoFailure);
  CHECK_ERRC(csms::crypto::aead_open(key, Bytes(sealed.begin(), sealed.end() - 1), aad), Errc::kCryptoFailure);
  CHECK_ERRC(csms::crypto::aead_open(key, Bytes(sealed.begin(), sealed.begin() + 27), aad), Errc::kCryptoFailure);
  CHECK_ERRC(csms::crypto::aead_open(key, Bytes{}, aad), Errc::kCryptoFailure);
  Bytes extended = sealed;
  extended.push_back(0);
  CHECK_ERRC(csms::crypto::aead_open(key, extended, aad), Errc::kCryptoFailure);
}

TEST_CASE("aead refuses keys of the wrong length", "[unit][crypto][aead]") {
  const Bytes short_key(16, 1);
  CHECK_ERRC(csms::crypto::aead_seal(short_key, bytes("x"), {}), Errc::kCryptoFailure);
  const auto sealed = expect_ok(csms::crypto::aead_seal(key_of(1), bytes("x"), {}));
  CHECK_ERRC(csms::crypto::aead_open(short_key, sealed, {}), Errc::kCryptoFailure);
  CHECK_ERRC(csms::crypto::aead_open(Bytes{}, sealed, {}), Errc::kCryptoFailure);
}

}  // namespace
