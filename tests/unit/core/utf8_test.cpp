// utf8_test.cpp: strict UTF-8 checking, decoding and replacement against the Unicode table of well-formed sequences.
#include "core/utf8.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace csms::core;

TEST_CASE("well-formed UTF-8 of every length is accepted and decoded", "[unit][utf8]") {
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a, é, €, 😀
  CHECK(utf8::is_valid(text));
  CHECK(utf8::sequence_length(text, 0) == 1);
  CHECK(utf8::sequence_length(text, 1) == 2);
  CHECK(utf8::sequence_length(text, 3) == 3);
  CHECK(utf8::sequence_length(text, 6) == 4);
  CHECK(utf8::decode(text) == std::u32string{U'a', U'\u00E9', U'\u20AC', U'\U0001F600'});
  CHECK(utf8::with_replacements(text) == text);
  CHECK(utf8::decode("") == std::u32string{});
  CHECK(utf8::decode("\xF4\x8F\xBF\xBF") == std::u32string{U'\U0010FFFF'});
  CHECK(utf8::decode("\xED\x9F\xBF") == std::u32string{U'\uD7FF'});
}

TEST_CASE("overlong forms, surrogates, values past U+10FFFF, stray and truncated bytes are malformed",
          "[unit][utf8]") {
  for (const std::string bad : {"\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xF0\x80\x80\xAF", "\xED\xA0\x80",
                                "\xED\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\x80", "\xC3",
                                "\xE2\x82", "\xF0\x9F\x98"}) {
    INFO("bytes of length " << bad.size());
    CHECK_FALSE(utf8::is_valid(bad));
    CHECK_FALSE(utf8::decode(bad).has_value());
    CHECK(utf8::sequence_length(bad, 0) == 0);
  }
}

TEST_CASE("each byte that starts no well-formed sequence becomes one U+FFFD", "[unit][utf8]") {
  CHECK(utf8::with_replacements("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
  // A truncated sequence: its lead is replaced, and the next byte is looked at afresh.
  CHECK(utf8::with_replacements("\xE2\x82" "x") == "\xEF\xBF\xBD\xEF\xBF\xBDx");
  CHECK(utf8::with_replacements("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(utf8::is_valid(utf8::with_replacements("\xC0\xAF\xF4\x90\x80\x80 ok")));
}
