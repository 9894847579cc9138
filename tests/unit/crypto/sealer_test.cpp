// sealer_test.cpp: the sealed-value format: round trip, tamper detection, binding to project/secret/version and key.
#include "crypto/sealer.hpp"

#include "common/unit_env.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace {

using csms::core::Errc;
using csms::core::SealedValue;
using csms::core::ValueKind;
using csms::crypto::Keyring;
using csms::crypto::PlainValue;
using csms::crypto::Sealer;
using csms::crypto::ValueBinding;
using csms::unit::expect_ok;

csms::core::SecureBuffer key_bytes(std::uint8_t fill) {
  csms::core::SecureBuffer key(32);
  for (std::size_t i = 0; i < key.size(); ++i) key.data()[i] = static_cast<std::uint8_t>(fill ^ i);
  return key;
}

PlainValue value(ValueKind kind, std::string_view text) {
  return PlainValue{kind, csms::core::SecureBuffer::from_string(text)};
}

const ValueBinding kHere{"0123456789abcdef0123456789abcdef", "6f1d0c7e-8a57-4b0e-9c1e-2b7d4f3a9e10", 3};

TEST_CASE("sealer round-trips both value kinds", "[unit][crypto][sealer]") {
  const auto keyring = Keyring::from_key(5, key_bytes(1));
  const Sealer sealer(keyring);
  const auto kind = GENERATE(ValueKind::kString, ValueKind::kBinary);
  const std::string text = GENERATE(as<std::string>{}, "", "s3cr3t", std::string(32768, 'x'));
  const auto sealed = expect_ok(sealer.seal(value(kind, text), kHere));
  CHECK(sealed.key_id == 5);
  const auto opened = expect_ok(sealer.open(sealed, kHere));
  CHECK(opened.kind == kind);
  CHECK(opened.bytes.view() == text);
}

TEST_CASE("sealed blob header: magic, format and key id, no plaintext inside", "[unit][crypto][sealer]") {
  const auto keyring = Keyring::from_key(0x01020304, key_bytes(2));
  const Sealer sealer(keyring);
  const std::string text = "VISIBLE-PLAINTEXT";
  const auto sealed = expect_ok(sealer.seal(value(ValueKind::kString, text), kHere));
  REQUIRE(sealed.blob.size() == 7 + 12 + 1 + text.size() + 16);
  CHECK(sealed.blob[0] == 'C');
  CHECK(sealed.blob[1] == 'S');
  CHECK(sealed.blob[2] == 1);
  CHECK(sealed.blob[3] == 0x01);
  CHECK(sealed.blob[4] == 0x02);
  CHECK(sealed.blob[5] == 0x03);
  CHECK(sealed.blob[6] == 0x04);
  const std::string raw(sealed.blob.begin(), sealed.blob.end());
  CHECK(raw.find(text) == std::string::npos);
}

TEST_CASE("changing any byte of a sealed blob makes it fail to open", "[unit][crypto][sealer]") {
  const auto keyring = Keyring::from_key(1, key_bytes(3));
  const Sealer sealer(keyring);
  const auto sealed = expect_ok(sealer.seal(value(ValueKind::kString, "tamper me"), kHere));
  for (std::size_t i = 0; i < sealed.blob.size(); ++i) {
    for (std::uint8_t flip : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
      SealedValue tampered = sealed;
      tampered.blob[i] ^= flip;
      INFO("byte " << i << " xor " << int(flip));
      CHECK_ERRC(sealer.open(tampered, kHere), Errc::kCryptoFailure);
    }
  }
  SealedValue truncated = sealed;
  truncated.blob.resize(6);
  CHECK_ERRC(sealer.open(truncated, kHere), Errc::kCryptoFailure);
  truncated.blob.clear();
  CHECK_ERRC(sealer.open(truncated, kHere), Errc::kCryptoFailure);
}

TEST_CASE("a blob opens only where it was sealed", "[unit][crypto][sealer]") {
  const auto keyring = Keyring::from_key(1, key_bytes(4));
  const Sealer sealer(keyring);
  const auto sealed = expect_ok(sealer.seal(value(ValueKind::kString, "bound"), kHere));
  const ValueBinding elsewhere = GENERATE(
      ValueBinding{"fedcba9876543210fedcba9876543210", kHere.secret_id, kHere.version},        // other project
      ValueBinding{kHere.project_id, "0b0c7a4e-1d2f-4a3b-8c9d-0e1f2a3b4c5d", kHere.version},    // other secret
      ValueBinding{kHere.project_id, kHere.secret_id, 4},                                       // other version
      ValueBinding{kHere.project_id, kHere.secret_id, 3 + (std::int64_t{1} << 32)},             // high bits differ
      // Length prefixes keep the project/secret boundary: moving characters across it is another binding.
      ValueBinding{"0123456789abcdef0123456789abcde", "f6f1d0c7e-8a57-4b0e-9c1e-2b7d4f3a9e10", kHere.version});
  CHECK_ERRC(sealer.open(sealed, elsewhere), Errc::kCryptoFailure);
  CHECK(expect_ok(sealer.open(sealed, kHere)).bytes.view() == "bound");
}

TEST_CASE("the key id must match the blob and the keyring", "[unit][crypto][sealer]") {
  const auto keyring = Keyring::from_key(1, key_bytes(5));
  const Sealer sealer(keyring);
  const auto sealed = expect_ok(sealer.seal(value(ValueKind::kString, "keyed"), kHere));

  SECTION("the store column names another key id than the header") {
    SealedValue relabelled = sealed;
    relabelled.key_id = 2;
    CHECK_ERRC(sealer.open(relabelled, kHere), Errc::kCryptoFailure);
  }
  SECTION("header and column both rewritten to another id") {
    const auto other_ring = Keyring::from_key(2, key_bytes(5));  // same key bytes, other id
    const Sealer other(other_ring);
    SealedValue relabelled = sealed;
    relabelled.key_id = 2;
    relabelled.blob[6] = 2;
    CHECK_ERRC(other.open(relabelled, kHere), Errc::kCryptoFailure);
  }
  SECTION("a keyring that does not hold the id") {
    const auto other_ring = Keyring::from_key(9, key_bytes(5));
    CHECK_ERRC(Sealer(other_ring).open(sealed, kHere), Errc::kCryptoFailure);
  }
  SECTION("the same id with another key") {
    const auto other_ring = Keyring::from_key(1, key_bytes(6));
    CHECK_ERRC(Sealer(other_ring).open(sealed, kHere), Errc::kCryptoFailure);
  }
}

TEST_CASE("key check verifies the right key and refuses a wrong one", "[unit][crypto][sealer]") {
  const auto keyring = Keyring::from_key(3, key_bytes(7));
  const Sealer sealer(keyring);
  const auto check = expect_ok(sealer.make_key_check());
  CHECK(check.key_id == 3);
  csms::unit::expect_ok(sealer.verify_key_check(check));

  const auto wrong_ring = Keyring::from_key(3, key_bytes(8));
  CHECK_ERRC(Sealer(wrong_ring).verify_key_check(check), Errc::kCryptoFailure);
  const auto other_id = Keyring::from_key(4, key_bytes(7));
  CHECK_ERRC(Sealer(other_id).verify_key_check(check), Errc::kCryptoFailure);

  SealedValue tampered = check;
  tampered.blob.back() ^= 1;
  CHECK_ERRC(sealer.verify_key_check(tampered), Errc::kCryptoFailure);

  // A key check is not a value and a value is not a key check (separate associated-data domains).
  CHECK_ERRC(sealer.open(check, kHere), Errc::kCryptoFailure);
  const auto sealed_value = expect_ok(sealer.seal(value(ValueKind::kString, "csmsd master key check v1"), kHere));
  CHECK_ERRC(sealer.verify_key_check(sealed_value), Errc::kCryptoFailure);
}

}  // namespace
