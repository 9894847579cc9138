// digest_test.cpp: SHA-256 and HMAC-SHA256 against published vectors, hex encoding, constant-time comparison.
#include "crypto/digest.hpp"

#include "common/unit_env.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using csms::crypto::constant_time_equal;
using csms::crypto::hmac_sha256;
using csms::crypto::sha256;
using csms::crypto::to_hex;

TEST_CASE("sha256 matches the FIPS 180-2 vectors", "[unit][crypto][digest]") {
  CHECK(to_hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(to_hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(to_hex(sha256(std::string_view{})) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(to_hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("sha256 hashes embedded zero bytes", "[unit][crypto][digest]") {
  const std::string with_nul("a\0b", 3);
  CHECK(to_hex(sha256(with_nul)) != to_hex(sha256("ab")));
  CHECK(to_hex(sha256(with_nul)) != to_hex(sha256("a")));
}

TEST_CASE("hmac_sha256 matches RFC 4231", "[unit][crypto][digest]") {
  SECTION("test case 1") {
    const std::string key(20, '\x0b');
    CHECK(to_hex(hmac_sha256(key, "Hi There")) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  }
  SECTION("test case 2: a key shorter than the output") {
    CHECK(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
  SECTION("test case 6: a key longer than the block size is hashed first") {
    const std::string key(131, '\xaa');
    CHECK(to_hex(hmac_sha256(key, "Test Using Larger Than Block-Size Key - Hash Key First")) ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }
}

TEST_CASE("hmac_sha256 accepts an empty key and an empty message", "[unit][crypto][digest]") {
  // Reference value from Python: hmac.new(b"", b"", hashlib.sha256).hexdigest().
  CHECK(to_hex(hmac_sha256("", "")) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  CHECK(to_hex(hmac_sha256(std::string_view{}, std::string_view{})) ==
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST_CASE("to_hex is lower-case, two digits per byte", "[unit][crypto][digest]") {
  const std::vector<std::uint8_t> bytes{0x00, 0x01, 0x0a, 0xab, 0xff};
  CHECK(to_hex(bytes) == "00010aabff");
  CHECK(to_hex(std::vector<std::uint8_t>{}).empty());
}

TEST_CASE("constant_time_equal compares content and length", "[unit][crypto][digest]") {
  CHECK(constant_time_equal("", ""));
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "xbc"));
  CHECK_FALSE(constant_time_equal("abc", "ab"));
  CHECK_FALSE(constant_time_equal("ab", "abc"));
  CHECK_FALSE(constant_time_equal("", "a"));
  CHECK_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
  CHECK(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
}

}  // namespace
