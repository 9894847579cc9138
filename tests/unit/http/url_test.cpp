// url_test.cpp: percent-decoding and query-string parsing.
#include "http/url.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

using csms::http::parse_query;
using csms::http::percent_decode;
using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("percent_decode decodes escapes and keeps everything else", "[unit][http][url]") {
  const auto [in, out] = GENERATE(table<std::string, std::string>({
      {"", ""},
      {"abc", "abc"},
      {"a%20b", "a b"},
      {"%2F", "/"},
      {"%2f", "/"},
      {"a+b", "a+b"},  // '+' is not a space
      {"%2B", "+"},
      {"%41%42C", "ABC"},
      {"%C3%A9", "\xC3\xA9"},
      {"%25", "%"},
      {"%2541", "%41"},  // decoded once only
      {"~-._", "~-._"},
  }));
  INFO(in);
  CHECK(percent_decode(in) == std::optional<std::string>(out));
}

TEST_CASE("percent_decode keeps a decoded NUL byte", "[unit][http][url]") {
  const auto decoded = percent_decode("a%00b");
  REQUIRE(decoded.has_value());
  CHECK(*decoded == std::string("a\0b", 3));
}

TEST_CASE("percent_decode refuses malformed escapes", "[unit][http][url]") {
  const std::string in = GENERATE(as<std::string>{}, "%", "%4", "a%", "a%4", "%zz", "%G1", "%1G", "100%", "%%41",
                                  "%-1", "% 1", "ok%2");
  INFO(in);
  CHECK_FALSE(percent_decode(in).has_value());
}

TEST_CASE("parse_query splits and decodes pairs", "[unit][http][url]") {
  const auto [in, expected] = GENERATE(table<std::string, Pairs>({
      {"", {}},
      {"a=1", {{"a", "1"}}},
      {"a=1&b=x%20y", {{"a", "1"}, {"b", "x y"}}},
      {"flag", {{"flag", ""}}},
      {"a=", {{"a", ""}}},
      {"=v", {{"", "v"}}},
      {"&&a=1&", {{"a", "1"}}},
      {"a=1=2", {{"a", "1=2"}}},
      {"x+y=1+2", {{"x+y", "1+2"}}},
      {"a=1&a=2", {{"a", "1"}, {"a", "2"}}},
      {"marker=a%26b&limit=5", {{"marker", "a&b"}, {"limit", "5"}}},
      {"k%3D=v", {{"k=", "v"}}},
  }));
  INFO(in);
  const auto parsed = parse_query(in);
  REQUIRE(parsed.has_value());
  CHECK(*parsed == expected);
}

TEST_CASE("parse_query refuses a malformed escape in any key or value", "[unit][http][url]") {
  const std::string in = GENERATE(as<std::string>{}, "a=%zz", "%zz=1", "a=1&b=%", "ok=1&%4=2", "a=%2");
  INFO(in);
  CHECK_FALSE(parse_query(in).has_value());
}

}  // namespace
