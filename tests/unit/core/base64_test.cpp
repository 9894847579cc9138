// base64_test.cpp: base64 encoding and strict decoding.
#include "core/base64.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

}  // namespace

TEST_CASE("base64 matches the RFC 4648 test vectors both ways", "[unit][core][base64]") {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(csms::core::base64_encode(bytes_of(plain)) == encoded);
    CHECK(csms::core::base64_decode(encoded) == std::optional(bytes_of(plain)));
  }
}

TEST_CASE("base64 decoding refuses anything but canonical padded text", "[unit][core][base64]") {
  for (const char* text : {"Zg", "Zg=", "Z===", "Zg==Zg==", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n", "@@@@"}) {
    INFO(text);
    CHECK_FALSE(csms::core::base64_decode(text));
  }
}
