// time_test.cpp: truncation of epoch milliseconds to whole seconds and the system clock reading.
#include "core/time.hpp"

#include <catch2/catch.hpp>

#include <chrono>

namespace {

using csms::core::EpochMillis;
using csms::core::truncate_to_seconds;

TEST_CASE("truncate_to_seconds rounds down to a whole second", "[unit][core][time]") {
  struct Case {
    EpochMillis in;
    EpochMillis out;
  };
  const Case c = GENERATE(values<Case>({
      {0, 0},
      {1, 0},
      {999, 0},
      {1'000, 1'000},
      {1'999, 1'000},
      {1'700'000'000'123, 1'700'000'000'000},
      {9'999'999'999'999, 9'999'999'999'000},
      {-1, -1'000},
      {-999, -1'000},
      {-1'000, -1'000},
      {-1'001, -2'000},
  }));
  INFO(c.in);
  CHECK(truncate_to_seconds(c.in) == c.out);
  CHECK(truncate_to_seconds(c.out) == c.out);
}

TEST_CASE("truncate_to_seconds is usable at compile time", "[unit][core][time]") {
  static_assert(truncate_to_seconds(12'345) == 12'000);
  SUCCEED();
}

TEST_CASE("system_now is whole seconds and close to the wall clock", "[unit][core][time]") {
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const EpochMillis now = csms::core::system_now();
  const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  CHECK(now % 1000 == 0);
  CHECK(now >= truncate_to_seconds(before));
  CHECK(now <= after);
}

}  // namespace
