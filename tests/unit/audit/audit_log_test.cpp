// audit_log_test.cpp: the audit file: one valid JSON object per line, private mode, rotation, failing closed.
#include "audit/audit_log.hpp"

#include "common/unit_env.hpp"

#include <boost/json.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using csms::audit::AuditLog;
using csms::audit::AuditRecord;
using csms::core::Errc;
using csms::unit::expect_ok;
using csms::unit::TempDir;
namespace fs = std::filesystem;
namespace json = boost::json;

constexpr csms::core::EpochMillis kTime = 1'795'972'251'123;  // 2026-11-29T17:10:51.123Z

std::vector<std::string> read_lines(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Parses strictly: the default options reject invalid UTF-8, comments and trailing commas.
json::object parse_object(const std::string& line) {
  boost::system::error_code ec;
  json::value value = json::parse(line, ec);
  if (ec) FAIL("not valid JSON (" << ec.message() << "): " << line);
  if (!value.is_object()) FAIL("not a JSON object: " << line);
  return value.as_object();
}

AuditRecord full_record() {
  AuditRecord record;
  record.time = kTime;
  record.request_id = "req-1";
  record.caller_kind = "access_key";
  record.caller_id = "AKEXAMPLE";
  record.uid = 1000;
  record.pid = 4242;
  record.transport = "unix";
  record.remote = "/run/csmsd/api.sock";
  record.method = "GET";
  record.operation = "ShowSecretVersion";
  record.project_id = "p1";
  record.secret_name = "db-password";
  record.version_id = "v1";
  record.stage_name = "SYSCURRENT";
  record.status = 200;
  record.error_code = "";
  return record;
}

mode_t mode_of(const fs::path& file) {
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

TEST_CASE("audit lines are compact JSON objects with exactly the non-empty fields", "[unit][audit]") {
  TempDir dir;
  auto log = expect_ok(AuditLog::open(dir / "audit.log"));
  CHECK(log->path() == dir / "audit.log");
  expect_ok(log->write(full_record()));
  AuditRecord minimal;
  minimal.time = kTime;
  minimal.caller_kind = "anonymous";
  expect_ok(log->write(minimal));

  const std::vector<std::string> lines = read_lines(log->path());
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].find(' ') == std::string::npos);
  const json::object full = parse_object(lines[0]);
  CHECK(full.at("time") == "2026-11-29T17:10:51.123Z");
  CHECK(full.at("request_id") == "req-1");
  CHECK(full.at("caller_kind") == "access_key");
  CHECK(full.at("caller_id") == "AKEXAMPLE");
  CHECK(full.at("uid").to_number<std::int64_t>() == 1000);
  CHECK(full.at("pid").to_number<std::int64_t>() == 4242);
  CHECK(full.at("transport") == "unix");
  CHECK(full.at("remote") == "/run/csmsd/api.sock");
  CHECK(full.at("method") == "GET");
  CHECK(full.at("operation") == "ShowSecretVersion");
  CHECK(full.at("project_id") == "p1");
  CHECK(full.at("secret_name") == "db-password");
  CHECK(full.at("version_id") == "v1");
  CHECK(full.at("stage_name") == "SYSCURRENT");
  CHECK(full.at("status").to_number<std::int64_t>() == 200);
  CHECK_FALSE(full.contains("error_code"));
  CHECK(full.size() == 15);

  const json::object small = parse_object(lines[1]);
  CHECK(small.size() == 2);
  CHECK(small.at("time") == "2026-11-29T17:10:51.123Z");
  CHECK(small.at("caller_kind") == "anonymous");
}

TEST_CASE("audit time is RFC 3339 UTC with milliseconds", "[unit][audit]") {
  CHECK(csms::audit::format_rfc3339_millis(0) == "1970-01-01T00:00:00.000Z");
  CHECK(csms::audit::format_rfc3339_millis(kTime) == "2026-11-29T17:10:51.123Z");
  CHECK(csms::audit::format_rfc3339_millis(951'782'400'007) == "2000-02-29T00:00:00.007Z");
  CHECK(csms::audit::format_rfc3339_millis(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("the audit file is created with mode 0600", "[unit][audit]") {
  TempDir dir;
  const mode_t previous = ::umask(0);
  auto log = AuditLog::open(dir / "audit.log");
  ::umask(previous);
  REQUIRE(log.has_value());
  CHECK(mode_of(dir / "audit.log") == 0600);
}

TEST_CASE("reserve allocates a window ahead of the end and keeps the file's size", "[unit][audit]") {
  TempDir dir;
  auto log = expect_ok(AuditLog::open(dir / "audit.log"));
  expect_ok(log->reserve(100));
  struct stat info {};
  REQUIRE(::stat((dir / "audit.log").c_str(), &info) == 0);
  CHECK(info.st_size == 0);
  // Filesystems without fallocate allocate nothing and report failures on write instead.
  if (info.st_blocks == 0) WARN("this filesystem reserved nothing (no fallocate): the window size is not checked");
  else CHECK(static_cast<std::size_t>(info.st_blocks) * 512 >= AuditLog::kReserveWindowBytes);
  // Records written inside the window need no new reservation, and still land in the file.
  for (int i = 0; i < 100; ++i) {
    expect_ok(log->reserve(4096));
    expect_ok(log->write(full_record()));
  }
  REQUIRE(::stat((dir / "audit.log").c_str(), &info) == 0);
  CHECK(info.st_size > 0);
  std::ifstream in(dir / "audit.log");
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) ++lines;
  CHECK(lines == 100);
}

TEST_CASE("reservations of requests still running are all covered, beyond one window", "[unit][audit]") {
  TempDir dir;
  auto log = expect_ok(AuditLog::open(dir / "audit.log"));
  // Many requests reserve before any of them writes (they run concurrently): together they need more than a window.
  constexpr std::size_t kRequests = 200;
  constexpr std::size_t kEach = 32 * 1024;
  for (std::size_t i = 0; i < kRequests; ++i) expect_ok(log->reserve(kEach));
  struct stat info {};
  REQUIRE(::stat((dir / "audit.log").c_str(), &info) == 0);
  if (info.st_blocks == 0) WARN("this filesystem reserved nothing (no fallocate): the coverage is not checked");
  else CHECK(static_cast<std::size_t>(info.st_blocks) * 512 >= kRequests * kEach);
  for (std::size_t i = 0; i < kRequests; ++i) expect_ok(log->write(full_record(), kEach));
  std::ifstream in(dir / "audit.log");
  std::string line;
  std::size_t lines = 0;
  while (std::getline(in, line)) ++lines;
  CHECK(lines == kRequests);
}

TEST_CASE("an existing audit file others can read is made private", "[unit][audit]") {
  TempDir dir;
  { std::ofstream(dir / "audit.log") << "{}\n"; }
  ::chmod((dir / "audit.log").c_str(), 0644);
  auto log = AuditLog::open(dir / "audit.log");
  REQUIRE(log.has_value());
  CHECK(mode_of(dir / "audit.log") == 0600);
}

TEST_CASE("the audit log refuses a symlink at its path", "[unit][audit]") {
  TempDir dir;
  fs::create_symlink(dir / "elsewhere.log", dir / "audit.log");
  CHECK_ERRC(AuditLog::open(dir / "audit.log"), Errc::kInternal);
  CHECK_FALSE(fs::exists(dir / "elsewhere.log"));
}

TEST_CASE("hostile field contents still make one valid JSON line", "[unit][audit]") {
  TempDir dir;
  auto log = expect_ok(AuditLog::open(dir / "audit.log"));
  AuditRecord record;
  record.time = kTime;
  record.secret_name = "a\"b\\c\nd\r\te\x01\x7f";
  record.remote = "\"},{\"forged\":true";
  record.request_id = std::string("ok\xC3\xA9 bad\xFF\xC3 overlong\xC0\xAF surrogate\xED\xA0\x80 end");
  record.caller_id = "\xF0\x9F\x94\x91";  // a valid 4-byte sequence passes through unchanged
  expect_ok(log->write(record));

  const std::string content = read_all(log->path());
  REQUIRE(!content.empty());
  CHECK(content.back() == '\n');
  CHECK(content.find('\n') == content.size() - 1);
  const json::object parsed = parse_object(content.substr(0, content.size() - 1));
  CHECK(parsed.at("secret_name") == "a\"b\\c\nd\r\te\x01\x7f");
  CHECK(parsed.at("remote") == "\"},{\"forged\":true");
  CHECK_FALSE(parsed.contains("forged"));
  const std::string replaced = "\xEF\xBF\xBD";
  const std::string expected_id = "ok\xC3\xA9 bad" + replaced + replaced + " overlong" + replaced + replaced +
                                  " surrogate" + replaced + replaced + replaced + " end";
  CHECK(parsed.at("request_id").as_string() == expected_id);
  CHECK(parsed.at("caller_id") == "\xF0\x9F\x94\x91");
}

TEST_CASE("reopen after a rename sends new records to a new file at the path", "[unit][audit]") {
  TempDir dir;
  auto log = expect_ok(AuditLog::open(dir / "audit.log"));
  AuditRecord first = full_record();
  first.request_id = "before";
  expect_ok(log->write(first));
  fs::rename(dir / "audit.log", dir / "audit.log.1");
  AuditRecord second = full_record();
  second.request_id = "between";
  expect_ok(log->write(second));  // still the old descriptor, as until logrotate's SIGHUP
  expect_ok(log->reopen());
  AuditRecord third = full_record();
  third.request_id = "after";
  expect_ok(log->write(third));

  const auto rotated = read_lines(dir / "audit.log.1");
  REQUIRE(rotated.size() == 2);
  CHECK(parse_object(rotated[0]).at("request_id") == "before");
  CHECK(parse_object(rotated[1]).at("request_id") == "between");
  const auto current = read_lines(dir / "audit.log");
  REQUIRE(current.size() == 1);
  CHECK(parse_object(current[0]).at("request_id") == "after");
  CHECK(mode_of(dir / "audit.log") == 0600);
}

TEST_CASE("a failed reopen keeps the old file in use", "[unit][audit]") {
  TempDir dir;
  fs::create_directory(dir / "logs");
  auto log = expect_ok(AuditLog::open(dir / "logs/audit.log"));
  expect_ok(log->write(full_record()));
  // The whole directory moves away, so the path can no longer be opened.
  fs::rename(dir / "logs", dir / "moved");
  CHECK_ERRC(log->reopen(), Errc::kInternal);
  expect_ok(log->write(full_record()));
  CHECK(read_lines(dir / "moved/audit.log").size() == 2);
  CHECK_FALSE(fs::exists(dir / "logs"));
}

TEST_CASE("a write the device refuses is an error, and so is the next one", "[unit][audit]") {
  if (::access("/dev/full", W_OK) != 0) {
    WARN("no writable /dev/full, nothing to test");
    return;
  }
  auto log = expect_ok(AuditLog::open("/dev/full"));
  CHECK_ERRC(log->write(full_record()), Errc::kStorageFull);
  CHECK_ERRC(log->write(full_record()), Errc::kStorageFull);
}

using csms::unit::in_child;

// Sets the soft limit to `bytes`, or back to the hard limit when none is given.
bool set_file_size_limit(std::optional<rlim_t> bytes) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_FSIZE, &limit) != 0) return false;
  limit.rlim_cur = bytes.value_or(limit.rlim_max);
  return ::setrlimit(RLIMIT_FSIZE, &limit) == 0;
}

TEST_CASE("after a failed write the next write tries again", "[unit][audit]") {
  TempDir dir;
  const fs::path file = dir / "audit.log";
  const int failed_check = in_child([&] {
    std::signal(SIGXFSZ, SIG_IGN);  // the limit then fails write(2) with EFBIG instead of killing the process
    auto log = AuditLog::open(file);
    if (!log) return 1;
    AuditRecord record = full_record();
    record.request_id = "first";
    if (!(*log)->write(record)) return 2;
    // Room for part of the next line only: the write is cut short and then fails, leaving a fragment behind.
    if (!set_file_size_limit(fs::file_size(file) + 10)) return 3;
    record.request_id = "lost";
    if ((*log)->write(record)) return 4;
    if ((*log)->write(record)) return 5;
    if (!set_file_size_limit(std::nullopt)) return 6;
    record.request_id = "second";
    if (!(*log)->write(record)) return 7;
    return 0;
  });
  CHECK(failed_check == 0);
  const auto lines = read_lines(file);
  REQUIRE(lines.size() == 3);
  CHECK(parse_object(lines[0]).at("request_id") == "first");
  CHECK(lines[1].size() == 10);  // the fragment, alone on its line
  CHECK(parse_object(lines[2]).at("request_id") == "second");
}

}  // namespace
