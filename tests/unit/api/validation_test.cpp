// validation_test.cpp: the field rules (names, ids, UUIDs, base64, lengths, ranges, version ids, rotation periods).
#include "api/validation.hpp"

#include "common/unit_env.hpp"

#include <optional>
#include <string>

namespace {

using csms::core::Errc;
using csms::core::VersionNumber;
namespace validate = csms::api::validate;

std::string repeat(const std::string& piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

TEST_CASE("is_name matches ^[a-zA-Z0-9_-]{1,64}$", "[unit][api][validation]") {
  const auto [text, ok] = GENERATE(table<std::string, bool>({
      {"a", true},
      {"Az09_-", true},
      {"-", true},
      {std::string(64, 'x'), true},
      {std::string(65, 'x'), false},
      {"", false},
      {"a.b", false},
      {"a b", false},
      {"a/b", false},
      {"a:b", false},
      {"\xC3\xA9", false},
      {std::string("a\0b", 3), false},
      {"name\n", false},
  }));
  INFO("'" << text << "'");
  CHECK(validate::is_name(text) == ok);
  CHECK(validate::name("field", text).has_value() == ok);
}

TEST_CASE("name() failures are kInvalidParameter and name the field", "[unit][api][validation]") {
  const auto status = validate::name("stage_name", "a.b");
  REQUIRE_FALSE(status.has_value());
  CHECK(status.error().code == Errc::kInvalidParameter);
  CHECK(status.error().detail.find("stage_name") != std::string::npos);
}

TEST_CASE("is_project_id matches ^[a-zA-Z0-9_-]{32,64}$", "[unit][api][validation]") {
  const auto [text, ok] = GENERATE(table<std::string, bool>({
      {std::string(32, 'a'), true},
      {std::string(64, 'Z'), true},
      {"0123456789abcdef0123456789ABCDEF", true},
      {std::string(31, 'a'), false},
      {std::string(65, 'a'), false},
      {std::string(31, 'a') + ".", false},
      {"", false},
  }));
  CHECK(validate::is_project_id(text) == ok);
  CHECK(validate::project_id(text).has_value() == ok);
}

TEST_CASE("is_uuid matches the lowercase 8-4-4-4-12 pattern", "[unit][api][validation]") {
  const auto [text, ok] = GENERATE(table<std::string, bool>({
      {"0d0466b0-e727-4d9c-b35d-f84bb474a37f", true},
      {"zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", true},  // the published pattern is [0-9a-z]
      {"0D0466B0-E727-4D9C-B35D-F84BB474A37F", false},
      {"0d0466b0e7274d9cb35df84bb474a37f", false},
      {"0d0466b0-e727-4d9c-b35d-f84bb474a37", false},
      {"0d0466b0-e727-4d9c-b35d-f84bb474a37f0", false},
      {"0d0466b0_e727-4d9c-b35d-f84bb474a37f", false},
      {"0d0466b-0e727-4d9c-b35d-f84bb474a37f", false},
      {"", false},
  }));
  INFO(text);
  CHECK(validate::is_uuid(text) == ok);
}

TEST_CASE("is_base64 accepts padded standard base64 only", "[unit][api][validation]") {
  const auto [text, ok] = GENERATE(table<std::string, bool>({
      {"", true},
      {"QQ==", true},
      {"QUI=", true},
      {"QUJD", true},
      {"AAEC/w==", true},
      {"+/+/", true},
      {"QQ=", false},
      {"QQ", false},
      {"Q===", false},
      {"====", false},
      {"QQ==QQ==", false},
      {"QQ-_", false},
      {"QQ =", false},
      {"QQ\n=", false},
      {"QUJ", false},
      {"QUJDR", false},
  }));
  INFO("'" << text << "'");
  CHECK(validate::is_base64(text) == ok);
}

TEST_CASE("code_points counts UTF-8 characters", "[unit][api][validation]") {
  CHECK(validate::code_points("") == 0);
  CHECK(validate::code_points("abc") == 3);
  CHECK(validate::code_points("\xC3\xA9") == 1);                  // é
  CHECK(validate::code_points("\xE2\x82\xAC") == 1);              // €
  CHECK(validate::code_points("\xF0\x9F\x94\x91") == 1);          // 🔑
  CHECK(validate::code_points("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x94\x91z") == 5);
}

TEST_CASE("max_length and length_between count code points", "[unit][api][validation]") {
  CHECK(validate::max_length("d", repeat("\xC3\xA9", 2048), 2048).has_value());
  CHECK_ERRC(validate::max_length("d", repeat("\xC3\xA9", 2049), 2048), Errc::kInvalidParameter);
  CHECK(validate::max_length("d", repeat("\xF0\x9F\x94\x91", 10), 10).has_value());
  CHECK_ERRC(validate::max_length("d", std::string(11, 'a'), 10), Errc::kInvalidParameter);
  CHECK(validate::max_length("d", "", 0).has_value());
  CHECK(validate::length_between("e", "x", 1, 36).has_value());
  CHECK(validate::length_between("e", std::string(36, 'x'), 1, 36).has_value());
  CHECK_ERRC(validate::length_between("e", "", 1, 36), Errc::kInvalidParameter);
  CHECK_ERRC(validate::length_between("e", std::string(37, 'x'), 1, 36), Errc::kInvalidParameter);
}

TEST_CASE("integer_between is inclusive", "[unit][api][validation]") {
  CHECK(validate::integer_between("n", 7, 7, 30).has_value());
  CHECK(validate::integer_between("n", 30, 7, 30).has_value());
  CHECK_ERRC(validate::integer_between("n", 6, 7, 30), Errc::kInvalidParameter);
  CHECK_ERRC(validate::integer_between("n", 31, 7, 30), Errc::kInvalidParameter);
  CHECK_ERRC(validate::integer_between("n", -1, 0, 9'999'999'999'999), Errc::kInvalidParameter);
}

TEST_CASE("path_version reads v[0-9]{1,10} and latest", "[unit][api][validation]") {
  struct Case {
    std::string text;
    bool allow_latest;
    std::optional<Errc> error;
    std::optional<VersionNumber> number;  // nullopt with no error means "latest"
  };
  const Case c = GENERATE(values<Case>({
      {"v1", true, std::nullopt, 1},
      {"v42", false, std::nullopt, 42},
      {"v9999999999", true, std::nullopt, 9'999'999'999},
      {"latest", true, std::nullopt, std::nullopt},
      {"latest", false, Errc::kInvalidParameter, std::nullopt},
      {"v01", true, Errc::kNotFound, std::nullopt},
      {"v0", true, Errc::kNotFound, std::nullopt},
      {"v", true, Errc::kInvalidParameter, std::nullopt},
      {"v12345678901", true, Errc::kInvalidParameter, std::nullopt},
      {"V1", true, Errc::kInvalidParameter, std::nullopt},
      {"1", true, Errc::kInvalidParameter, std::nullopt},
      {"v1a", true, Errc::kInvalidParameter, std::nullopt},
      {"v-1", true, Errc::kInvalidParameter, std::nullopt},
      {"LATEST", true, Errc::kInvalidParameter, std::nullopt},
      {"", true, Errc::kInvalidParameter, std::nullopt},
  }));
  INFO(c.text);
  const auto result = validate::path_version(c.text, c.allow_latest);
  if (c.error) {
    CHECK_ERRC(result, *c.error);
  } else {
    REQUIRE(result.has_value());
    CHECK(*result == c.number);
  }
}

TEST_CASE("body_version reads ^v[0-9]{0,63}$, well-formed ids that name nothing are nullopt", "[unit][api][validation]") {
  struct Case {
    std::string text;
    bool valid;
    std::optional<VersionNumber> number;
  };
  const Case c = GENERATE(values<Case>({
      {"v1", true, 1},
      {"v20", true, 20},
      {"v999999999999999999", true, 999'999'999'999'999'999},
      {"v", true, std::nullopt},
      {"v01", true, std::nullopt},
      {"v0", true, 0},
      {"v" + std::string(63, '9'), true, std::nullopt},
      {"v" + std::string(64, '9'), false, std::nullopt},
      {"", false, std::nullopt},
      {"1", false, std::nullopt},
      {"x1", false, std::nullopt},
      {"v1a", false, std::nullopt},
      {"V1", false, std::nullopt},
      {"latest", false, std::nullopt},
      {"v 1", false, std::nullopt},
  }));
  INFO(c.text);
  const auto result = validate::body_version("version_id", c.text);
  if (!c.valid) {
    CHECK_ERRC(result, Errc::kInvalidParameter);
  } else {
    REQUIRE(result.has_value());
    CHECK(*result == c.number);
  }
}

TEST_CASE("rotation_period is <digits><d|h|m|s> between 6h and 8760h", "[unit][api][validation]") {
  const auto [text, ok] = GENERATE(table<std::string, bool>({
      {"6h", true},
      {"1d", true},
      {"24h", true},
      {"365d", true},
      {"8760h", true},
      {"360m", true},
      {"21600s", true},
      {"31536000s", true},
      {"5h", false},
      {"359m", false},
      {"21599s", false},
      {"366d", false},
      {"8761h", false},
      {"0d", false},
      {"h", false},
      {"6", false},
      {"6H", false},
      {"-6h", false},
      {"6w", false},
      {"6.5h", false},
      {"", false},
      {"99999999999999999999d", false},
  }));
  INFO(text);
  CHECK(validate::rotation_period(text).has_value() == ok);
}

}  // namespace
