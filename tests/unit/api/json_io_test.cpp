// json_io_test.cpp: request body parsing (objects only, depth and UTF-8 limits) and typed field access.
#include "api/json_io.hpp"
#include "core/wiping_json.hpp"

#include "common/unit_env.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>

namespace {

using csms::core::Errc;
using csms::unit::expect_ok;

std::string nested(std::size_t depth) {
  // depth counts every array/object level, the outer object included.
  return R"({"a":)" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
}

TEST_CASE("parse_object accepts objects only", "[unit][api][json_io]") {
  CHECK(expect_ok(csms::api::parse_object(R"({"a":1})")).at("a").as_int64() == 1);
  CHECK(expect_ok(csms::api::parse_object(" \n{}\t")).empty());
  const std::string body = GENERATE(as<std::string>{}, "[]", "\"text\"", "42", "null", "true", "{", "}",
                                    R"({"a":1,})", "{'a':1}", R"({"a":1} x)", R"({"a":1}{})", R"({"a":01})",
                                    R"({"a":NaN})", "\xEF\xBB\xBF{}", R"({"a":"\x"})");
  INFO(body);
  CHECK_ERRC(csms::api::parse_object(body), Errc::kMalformedBody);
}

TEST_CASE("an empty body is an error unless it may stand for {}", "[unit][api][json_io]") {
  const std::string body = GENERATE(as<std::string>{}, "", " ", "\r\n\t ");
  CHECK_ERRC(csms::api::parse_object(body), Errc::kMalformedBody);
  CHECK(expect_ok(csms::api::parse_object(body, true)).empty());
}

TEST_CASE("nesting is limited to 32 levels", "[unit][api][json_io]") {
  CHECK(csms::api::parse_object(nested(32)).has_value());
  CHECK_ERRC(csms::api::parse_object(nested(33)), Errc::kMalformedBody);
  CHECK_ERRC(csms::api::parse_object(nested(10'000)), Errc::kMalformedBody);
  std::string objects;
  for (int i = 0; i < 40; ++i) objects += R"({"k":)";
  objects += "1" + std::string(40, '}');
  CHECK_ERRC(csms::api::parse_object(objects), Errc::kMalformedBody);
}

TEST_CASE("a key named twice in one object is refused, at any depth and however it is escaped", "[unit][api][json_io]") {
  const std::string body = GENERATE(as<std::string>{},
                                    R"({"a":1,"a":2})",
                                    R"({"secret_string":"x","secret_string":"y"})",
                                    R"({"a":1,"\u0061":2})",                  // the same key, escaped
                                    R"({"o":{"k":1,"k":null}})",               // nested
                                    R"({"l":[{"k":1},{"k":2,"k":3}]})");       // inside an array
  CHECK_ERRC(csms::api::parse_object(body), Errc::kMalformedBody);
}

TEST_CASE("the same key in sibling or nested objects is not a duplicate", "[unit][api][json_io]") {
  CHECK(csms::api::parse_object(R"({"k":{"k":{"k":1}},"l":[{"k":1},{"k":2}]})").has_value());
  CHECK(csms::api::parse_object(R"({"a":1,"A":2,"a ":3})").has_value());
}

TEST_CASE("invalid UTF-8 is refused", "[unit][api][json_io]") {
  const std::string body = GENERATE(as<std::string>{},
                                    "{\"a\":\"\xFF\"}",              // never valid
                                    "{\"a\":\"\xC0\xAF\"}",          // overlong '/'
                                    "{\"a\":\"\xE2\x82\"}",          // truncated sequence
                                    "{\"a\":\"\x80\"}",              // lone continuation byte
                                    "{\"a\":\"\xED\xA0\x80\"}",      // encoded surrogate
                                    "{\"a\":\"\xF4\x90\x80\x80\"}",  // above U+10FFFF
                                    "{\"\xFF\":1}",                  // in a key
                                    R"({"a":"\ud800"})",               // lone leading surrogate escape
                                    R"({"a":"\udc00"})",               // lone trailing surrogate escape
                                    R"({"a":"\ud800\u0041"})");       // leading surrogate without its pair
  CHECK_ERRC(csms::api::parse_object(body), Errc::kMalformedBody);
}

TEST_CASE("valid multi-byte UTF-8 and escapes are accepted", "[unit][api][json_io]") {
  const auto object = expect_ok(csms::api::parse_object("{\"a\":\"\xC3\xA9\xF0\x9F\x94\x91\\u00e9\\ud83d\\udd11\"}"));
  CHECK(object.at("a").as_string() == "\xC3\xA9\xF0\x9F\x94\x91\xC3\xA9\xF0\x9F\x94\x91");
}

TEST_CASE("typed accessors: absent and null are nullopt, wrong types are kMalformedBody", "[unit][api][json_io]") {
  const auto body = expect_ok(csms::api::parse_object(
      R"({"s":"text","b":true,"i":-5,"big":18446744073709551615,"f":1.5,"e":1e3,"n":null,"arr":["x","y"],"mixed":["x",1]})"));
  CHECK(expect_ok(csms::api::optional_string(body, "s")) == std::optional<std::string_view>("text"));
  CHECK_FALSE(expect_ok(csms::api::optional_string(body, "absent")).has_value());
  CHECK_FALSE(expect_ok(csms::api::optional_string(body, "n")).has_value());
  CHECK_ERRC(csms::api::optional_string(body, "b"), Errc::kMalformedBody);
  CHECK_ERRC(csms::api::optional_string(body, "arr"), Errc::kMalformedBody);

  CHECK(expect_ok(csms::api::optional_bool(body, "b")) == std::optional<bool>(true));
  CHECK_ERRC(csms::api::optional_bool(body, "s"), Errc::kMalformedBody);
  CHECK_ERRC(csms::api::optional_bool(body, "i"), Errc::kMalformedBody);

  CHECK(expect_ok(csms::api::optional_integer(body, "i")) == std::optional<std::int64_t>(-5));
  CHECK_FALSE(expect_ok(csms::api::optional_integer(body, "n")).has_value());
  CHECK_ERRC(csms::api::optional_integer(body, "big"), Errc::kInvalidParameter);
  CHECK_ERRC(csms::api::optional_integer(body, "f"), Errc::kInvalidParameter);
  CHECK_ERRC(csms::api::optional_integer(body, "e"), Errc::kInvalidParameter);
  CHECK_ERRC(csms::api::optional_integer(body, "s"), Errc::kMalformedBody);
  CHECK_ERRC(csms::api::optional_integer(body, "b"), Errc::kMalformedBody);

  CHECK(expect_ok(csms::api::optional_string_array(body, "arr")) ==
        std::optional<std::vector<std::string>>({"x", "y"}));
  CHECK_ERRC(csms::api::optional_string_array(body, "mixed"), Errc::kMalformedBody);
  CHECK_ERRC(csms::api::optional_string_array(body, "s"), Errc::kMalformedBody);
  CHECK_FALSE(expect_ok(csms::api::optional_string_array(body, "n")).has_value());

  CHECK(expect_ok(csms::api::required_string(body, "s")) == "text");
  CHECK_ERRC(csms::api::required_string(body, "absent"), Errc::kInvalidParameter);
  CHECK_ERRC(csms::api::required_string(body, "n"), Errc::kInvalidParameter);
  CHECK_ERRC(csms::api::required_string(body, "i"), Errc::kMalformedBody);
  CHECK(expect_ok(csms::api::required_integer(body, "i")) == -5);
  CHECK_ERRC(csms::api::required_integer(body, "absent"), Errc::kInvalidParameter);
}

TEST_CASE("serialize writes compact JSON", "[unit][api][json_io]") {
  const auto value = boost::json::parse(R"({"a":[1,"x",null,true]})");
  const auto text = csms::core::to_json_wiped(value);
  CHECK(std::string(text.begin(), text.end()) == R"({"a":[1,"x",null,true]})");
}

}  // namespace
