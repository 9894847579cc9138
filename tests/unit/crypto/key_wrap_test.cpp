// key_wrap_test.cpp: data keys wrapped under the key-encryption key, and the scrypt passphrase derivation.
#include "crypto/key_wrap.hpp"

#include "crypto/aead.hpp"

#include "common/unit_env.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace {

using csms::core::Errc;
using csms::core::PassphraseKdf;
using csms::core::SecureBuffer;
using csms::unit::expect_ok;

SecureBuffer filled(std::uint8_t seed, std::size_t size = 32) {
  SecureBuffer key(size);
  for (std::size_t i = 0; i < size; ++i) key.data()[i] = static_cast<std::uint8_t>(seed + i * 13);
  return key;
}

bool same(const SecureBuffer& a, const SecureBuffer& b) {
  return a.size() == b.size() && std::equal(a.data(), a.data() + a.size(), b.data());
}

PassphraseKdf fast_kdf(std::uint8_t salt_seed = 1) {
  PassphraseKdf kdf;
  kdf.salt.resize(16);
  for (std::size_t i = 0; i < kdf.salt.size(); ++i) kdf.salt[i] = static_cast<std::uint8_t>(salt_seed + i);
  kdf.log2_n = 14;
  kdf.r = 8;
  kdf.p = 1;
  return kdf;
}

TEST_CASE("a wrapped data key unwraps to the same bytes with the same KEK and id", "[unit][crypto][key_wrap]") {
  const SecureBuffer kek = filled(1);
  const SecureBuffer data_key = filled(2);
  const auto wrapped = expect_ok(csms::crypto::wrap_data_key(kek.span(), 7, data_key.span()));
  // Nonce and tag around the ciphertext; the key itself does not appear in the row.
  CHECK(wrapped.size() > data_key.size());
  CHECK(std::search(wrapped.begin(), wrapped.end(), data_key.data(), data_key.data() + data_key.size()) ==
        wrapped.end());
  const auto unwrapped = expect_ok(csms::crypto::unwrap_data_key(kek.span(), 7, wrapped));
  CHECK(same(unwrapped, data_key));

  // Wrapping is randomised: the same key wraps differently each time, and both unwrap.
  const auto again = expect_ok(csms::crypto::wrap_data_key(kek.span(), 7, data_key.span()));
  CHECK(again != wrapped);
  CHECK(same(expect_ok(csms::crypto::unwrap_data_key(kek.span(), 7, again)), data_key));
}

TEST_CASE("unwrap fails with kCryptoFailure for a wrong KEK, key id or altered row", "[unit][crypto][key_wrap]") {
  const SecureBuffer kek = filled(1);
  const SecureBuffer data_key = filled(2);
  const auto wrapped = expect_ok(csms::crypto::wrap_data_key(kek.span(), 3, data_key.span()));

  SECTION("wrong KEK") {
    const SecureBuffer other = filled(9);
    CHECK_ERRC(csms::crypto::unwrap_data_key(other.span(), 3, wrapped), Errc::kCryptoFailure);
  }
  SECTION("a KEK that differs in one bit") {
    SecureBuffer near = filled(1);
    near.data()[31] ^= 0x01;
    CHECK_ERRC(csms::crypto::unwrap_data_key(near.span(), 3, wrapped), Errc::kCryptoFailure);
  }
  SECTION("wrong key id: a wrapped key cannot be relabelled") {
    CHECK_ERRC(csms::crypto::unwrap_data_key(kek.span(), 4, wrapped), Errc::kCryptoFailure);
    CHECK_ERRC(csms::crypto::unwrap_data_key(kek.span(), 3u + (1u << 24), wrapped), Errc::kCryptoFailure);
    const auto result = csms::crypto::unwrap_data_key(kek.span(), 4, wrapped);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().detail.find("4") != std::string::npos);
  }
  SECTION("each altered byte") {
    for (std::size_t at = 0; at < wrapped.size(); ++at) {
      auto altered = wrapped;
      altered[at] ^= 0x80;
      INFO("byte " << at);
      CHECK_ERRC(csms::crypto::unwrap_data_key(kek.span(), 3, altered), Errc::kCryptoFailure);
    }
  }
  SECTION("truncated or empty") {
    const std::vector<std::uint8_t> truncated(wrapped.begin(), wrapped.end() - 1);
    CHECK_ERRC(csms::crypto::unwrap_data_key(kek.span(), 3, truncated), Errc::kCryptoFailure);
    CHECK_ERRC(csms::crypto::unwrap_data_key(kek.span(), 3, std::vector<std::uint8_t>{}), Errc::kCryptoFailure);
  }
}

TEST_CASE("unwrap refuses a wrapped value that is not a 32-byte key", "[unit][crypto][key_wrap]") {
  const SecureBuffer kek = filled(1);
  const SecureBuffer short_key = filled(2, 16);
  const auto wrapped = expect_ok(csms::crypto::wrap_data_key(kek.span(), 1, short_key.span()));
  CHECK_ERRC(csms::crypto::unwrap_data_key(kek.span(), 1, wrapped), Errc::kCryptoFailure);
}

TEST_CASE("new_passphrase_kdf: a fresh 16-byte salt and the documented costs", "[unit][crypto][key_wrap]") {
  const PassphraseKdf first = csms::crypto::new_passphrase_kdf();
  const PassphraseKdf second = csms::crypto::new_passphrase_kdf();
  CHECK(first.salt.size() == 16);
  CHECK(first.log2_n == 15);
  CHECK(first.r == 8);
  CHECK(first.p == 1);
  CHECK(first.salt != second.salt);
}

TEST_CASE("scrypt derivation is deterministic and depends on the salt and the passphrase",
          "[unit][crypto][key_wrap]") {
  const PassphraseKdf kdf = fast_kdf(1);
  const auto key = expect_ok(csms::crypto::derive_passphrase_key("correct horse", kdf));
  CHECK(key.size() == 32);
  CHECK(same(expect_ok(csms::crypto::derive_passphrase_key("correct horse", kdf)), key));
  CHECK_FALSE(same(expect_ok(csms::crypto::derive_passphrase_key("correct horsf", kdf)), key));
  CHECK_FALSE(same(expect_ok(csms::crypto::derive_passphrase_key("correct horse", fast_kdf(2))), key));
  PassphraseKdf smaller_blocks = kdf;
  smaller_blocks.r = 4;
  CHECK_FALSE(same(expect_ok(csms::crypto::derive_passphrase_key("correct horse", smaller_blocks)), key));

  // The derived key works as a KEK: what it wraps, the same passphrase and salt unwrap.
  const SecureBuffer data_key = filled(5);
  const auto wrapped = expect_ok(csms::crypto::wrap_data_key(key.span(), 1, data_key.span()));
  const auto rederived = expect_ok(csms::crypto::derive_passphrase_key("correct horse", kdf));
  CHECK(same(expect_ok(csms::crypto::unwrap_data_key(rederived.span(), 1, wrapped)), data_key));
  const auto wrong = expect_ok(csms::crypto::derive_passphrase_key("wrong horse", kdf));
  CHECK_ERRC(csms::crypto::unwrap_data_key(wrong.span(), 1, wrapped), Errc::kCryptoFailure);
}

TEST_CASE("derive refuses an empty passphrase and out-of-range parameters", "[unit][crypto][key_wrap]") {
  CHECK_ERRC(csms::crypto::derive_passphrase_key("", fast_kdf()), Errc::kInvalidParameter);

  const auto refused = [](auto change) {
    PassphraseKdf kdf = fast_kdf();
    change(kdf);
    CHECK_ERRC(csms::crypto::derive_passphrase_key("passphrase", kdf), Errc::kInvalidParameter);
  };
  refused([](PassphraseKdf& kdf) { kdf.log2_n = 13; });
  refused([](PassphraseKdf& kdf) { kdf.log2_n = 0; });
  refused([](PassphraseKdf& kdf) { kdf.log2_n = 23; });
  refused([](PassphraseKdf& kdf) { kdf.log2_n = 64; });
  refused([](PassphraseKdf& kdf) { kdf.r = 0; });
  refused([](PassphraseKdf& kdf) { kdf.r = 33; });
  refused([](PassphraseKdf& kdf) { kdf.r = -1; });
  refused([](PassphraseKdf& kdf) { kdf.p = 0; });
  refused([](PassphraseKdf& kdf) { kdf.p = 17; });
  refused([](PassphraseKdf& kdf) { kdf.salt.resize(15); });
  refused([](PassphraseKdf& kdf) { kdf.salt.clear(); });

  // The bounds themselves are accepted (r = 1 keeps the upper-n case cheap enough: 2^14 * 128 bytes).
  PassphraseKdf low = fast_kdf();
  low.r = 1;
  low.p = 1;
  CHECK(expect_ok(csms::crypto::derive_passphrase_key("passphrase", low)).size() == 32);
}

}  // namespace

TEST_CASE("a data key is wrapped under a key derived from the KEK, never under the KEK itself",
          "[unit][crypto][key_wrap]") {
  // A vault from before data keys uses its KEK as data key 1; wrapping it must not encrypt a key under itself.
  const SecureBuffer kek = filled(9);
  const auto wrapped = expect_ok(csms::crypto::wrap_data_key(kek.span(), 1, kek.span()));
  REQUIRE(wrapped.size() == 1 + csms::crypto::kNonceBytes + csms::crypto::kKeyBytes + csms::crypto::kTagBytes);
  CHECK(wrapped.front() == 1);  // format byte
  std::vector<std::uint8_t> aad{'c', 's', 'm', 's', 'd', '-', 'd', 'a', 't', 'a', '-', 'k', 'e', 'y', 0, 0, 0, 1};
  const std::span<const std::uint8_t> body(wrapped.data() + 1, wrapped.size() - 1);
  CHECK_ERRC(csms::crypto::aead_open(kek.span(), body, aad), Errc::kCryptoFailure);
  CHECK(same(expect_ok(csms::crypto::unwrap_data_key(kek.span(), 1, wrapped)), kek));
  // An unknown format byte is refused before any decryption.
  auto other_format = wrapped;
  other_format.front() = 2;
  CHECK_ERRC(csms::crypto::unwrap_data_key(kek.span(), 1, other_format), Errc::kCryptoFailure);
}
