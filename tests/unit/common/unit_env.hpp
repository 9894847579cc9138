// unit_env.hpp: helpers shared by the unit suites: temp directories, a settable clock, Result assertions.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include <sys/wait.h>
#include <unistd.h>

namespace Catch {
template <>
struct StringMaker<csms::core::Errc> {
  static std::string convert(csms::core::Errc code) { return std::string(csms::core::errc_name(code)); }
};
}  // namespace Catch

namespace csms::unit {

/// The project id the unit suites use unless a test needs another.
inline constexpr std::string_view kProject = "0123456789abcdef0123456789abcdef";

/// Where temp directories go: $CSMS_UNIT_TMPDIR, else /dev/shm when usable (tmpfs: SQLite's fsyncs cost nothing,
/// which keeps the suite fast), else the system temp directory.
inline std::filesystem::path temp_root() {
  if (const char* chosen = std::getenv("CSMS_UNIT_TMPDIR"); chosen != nullptr && *chosen != '\0') return chosen;
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
  return std::filesystem::temp_directory_path();
}

/// A fresh directory under temp_root(), removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (temp_root() / "csms-unit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) FAIL("mkdtemp failed for " << pattern);
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// A clock the test moves by hand. Starts at a whole second, as the real clock always returns.
struct TestClock {
  core::EpochMillis now = 1'700'000'000'000;
  core::Clock clock() {
    return [this] { return now; };
  }
  void advance(std::chrono::milliseconds by) { now += by.count(); }
};

inline std::string describe(const core::Error& error) {
  return std::string(core::errc_name(error.code)) + ": " + error.detail;
}

/// The value of `result`, failing the test (with the error) when there is none.
template <class T>
T expect_ok(core::Result<T> result) {
  if (!result) FAIL("unexpected error " << describe(result.error()));
  return std::move(*result);
}

/// Runs `body` in a forked child, so whatever it changes in the process (limits, signal dispositions, hardening)
/// cannot leak into the test runner. The child must not use Catch; its exit code is the number of the first check
/// that failed, 0 when all held.
inline int in_child(const std::function<int()>& body) {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(body());
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

inline void expect_ok(core::Status status) {
  if (!status) FAIL("unexpected error " << describe(status.error()));
}

}  // namespace csms::unit

/// Asserts that a Result holds an error with the given Errc.
#define CHECK_ERRC(expr, errc)                                       \
  do {                                                               \
    const auto& csms_checked_ = (expr);                              \
    REQUIRE_FALSE(csms_checked_.has_value());                        \
    CHECK(csms_checked_.error().code == (errc));                     \
  } while (false)
