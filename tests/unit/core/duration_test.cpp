// duration_test.cpp: parse_duration / format_duration for flags such as --prune-grace 24h.
#include "core/duration.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace {

using std::chrono::milliseconds;

TEST_CASE("parse_duration reads <digits><unit>", "[unit][core][duration]") {
  struct Case {
    const char* text;
    long long millis;
  };
  const Case c = GENERATE(values<Case>({
      {"500ms", 500},
      {"1ms", 1},
      {"0ms", 0},
      {"0s", 0},
      {"30s", 30'000},
      {"15m", 900'000},
      {"24h", 86'400'000},
      {"7d", 604'800'000},
      {"1d", 86'400'000},
      {"90s", 90'000},
      {"007s", 7'000},
      {"999999999999999999ms", 999'999'999'999'999'999},  // 18 digits fit
  }));
  INFO(c.text);
  const auto parsed = csms::core::parse_duration(c.text);
  REQUIRE(parsed.has_value());
  CHECK(parsed->count() == c.millis);
}

TEST_CASE("parse_duration refuses anything else", "[unit][core][duration]") {
  const std::string text = GENERATE(as<std::string>{}, "", "s", "ms", "5", "5x", "5 s", " 5s", "5s ", "-5s", "+5s",
                                    "5S", "5MS", "1.5h", "5sm", "5msx", "5hh", "h5", "5m5s", "0x10s", "5μs",
                                    "1000000000000000000ms",  // 19 digits
                                    "999999999999999999d",    // overflows int64 milliseconds
                                    "9999999999999999s");
  INFO("'" << text << "'");
  CHECK_FALSE(csms::core::parse_duration(text).has_value());
}

TEST_CASE("format_duration picks the largest exact unit", "[unit][core][duration]") {
  struct Case {
    long long millis;
    const char* text;
  };
  const Case c = GENERATE(values<Case>({
      {86'400'000, "1d"},
      {604'800'000, "7d"},
      {3'600'000, "1h"},
      {90'000'000, "25h"},
      {60'000, "1m"},
      {90'000, "90s"},
      {30'000, "30s"},
      {1'000, "1s"},
      {1'500, "1500ms"},
      {500, "500ms"},
      {0, "0ms"},
  }));
  CHECK(csms::core::format_duration(milliseconds(c.millis)) == c.text);
}

TEST_CASE("format_duration output parses back to the same value", "[unit][core][duration]") {
  const long long millis = GENERATE(1LL, 999LL, 1'000LL, 61'000LL, 3'600'000LL, 172'800'000LL, 123'456'789LL);
  const auto text = csms::core::format_duration(milliseconds(millis));
  INFO(text);
  CHECK(csms::core::parse_duration(text) == std::optional<milliseconds>(milliseconds(millis)));
}

}  // namespace
