// random_test.cpp: random UUIDs (version 4 form) and derived UUIDs (stable, version 5 layout).
#include "crypto/random.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <regex>
#include <set>
#include <string>

namespace {

const std::regex kV4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
const std::regex kV5("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

TEST_CASE("random_uuid is a lowercase version 4 UUID and unique", "[unit][crypto][random]") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string uuid = csms::crypto::random_uuid();
    INFO(uuid);
    REQUIRE(uuid.size() == 36);
    CHECK(std::regex_match(uuid, kV4));
    seen.insert(uuid);
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("derived_uuid is stable, SHA-256 based and version 5", "[unit][crypto][random]") {
  // SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 ...; version nibble 5, variant bits 10.
  CHECK(csms::crypto::derived_uuid("abc") == "ba7816bf-8f01-5fea-8141-40de5dae2223");
  CHECK(csms::crypto::derived_uuid("project-a") == csms::crypto::derived_uuid("project-a"));
  CHECK(csms::crypto::derived_uuid("project-a") != csms::crypto::derived_uuid("project-b"));
  CHECK(std::regex_match(csms::crypto::derived_uuid(""), kV5));
  CHECK(std::regex_match(csms::crypto::derived_uuid("csms/default key of project x"), kV5));
}

TEST_CASE("random_bytes fills the buffer", "[unit][crypto][random]") {
  std::array<std::uint8_t, 64> first{};
  std::array<std::uint8_t, 64> second{};
  csms::crypto::random_bytes(first);
  csms::crypto::random_bytes(second);
  CHECK(first != second);
  CHECK(first != std::array<std::uint8_t, 64>{});
  csms::crypto::random_bytes(std::span<std::uint8_t>());  // an empty span is fine
}

}  // namespace
