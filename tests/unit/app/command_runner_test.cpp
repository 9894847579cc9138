// command_runner_test.cpp: the local command runner: stdin/stdout, exit statuses, the timeout kill, output limits,
// closed descriptors, and the path checks the flags use.
#include "app/command_runner.hpp"

#include "common/unit_env.hpp"

#include <fstream>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using csms::app::CommandLimits;
using csms::app::run_command;
using csms::unit::TempDir;

std::filesystem::path script(const TempDir& dir, const std::string& name, const std::string& body) {
  const auto path = dir / name;
  std::ofstream out(path);
  out << "#!/bin/sh\n" << body;
  out.close();
  ::chmod(path.c_str(), 0700);
  return path;
}

TEST_CASE("a command reads stdin and its stdout is captured", "[unit][app][command]") {
  TempDir dir;
  const auto echo = script(dir, "echo.sh", "tr a-z A-Z\n");
  const auto output = csms::unit::expect_ok(run_command(echo, R"({"name":"abc"})", CommandLimits{}));
  CHECK(output.view() == R"({"NAME":"ABC"})");
}

TEST_CASE("a command that exits non-zero or is killed fails without its output", "[unit][app][command]") {
  TempDir dir;
  auto result = run_command(script(dir, "fail.sh", "echo secret-output\nexit 7\n"), "", CommandLimits{});
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().detail.find("status 7") != std::string::npos);
  CHECK(result.error().detail.find("secret-output") == std::string::npos);
  result = run_command(script(dir, "signal.sh", "kill -9 $$\n"), "", CommandLimits{});
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().detail.find("signal 9") != std::string::npos);
  result = run_command(dir / "missing.sh", "", CommandLimits{});
  CHECK_FALSE(result.has_value());
}

TEST_CASE("a command past its timeout is killed with its process group", "[unit][app][command]") {
  TempDir dir;
  const auto marker = dir / "still-running";
  const auto slow = script(dir, "slow.sh", "(sleep 3; touch '" + marker.string() + "') &\nsleep 30\n");
  const auto result = run_command(slow, "", CommandLimits{std::chrono::milliseconds(300), 1024});
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().detail.find("killed") != std::string::npos);
  ::sleep(4);
  CHECK_FALSE(std::filesystem::exists(marker));  // the background child died with the group
}

TEST_CASE("output past the limit fails the run", "[unit][app][command]") {
  TempDir dir;
  const auto chatty = script(dir, "chatty.sh", "head -c 5000 /dev/zero\n");
  const auto result = run_command(chatty, "", CommandLimits{std::chrono::seconds(10), 1000});
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().detail.find("more than 1000 bytes") != std::string::npos);
}

TEST_CASE("a command that ignores its stdin still succeeds", "[unit][app][command]") {
  TempDir dir;
  const std::string big(1 << 20, 'x');  // more than a socket buffer
  const auto output = csms::unit::expect_ok(run_command(script(dir, "deaf.sh", "echo ok\n"), big, CommandLimits{}));
  CHECK(output.view() == "ok\n");
}

TEST_CASE("the command inherits no descriptor but stdin, stdout and stderr", "[unit][app][command]") {
  TempDir dir;
  const int opened = ::open((dir / "leak").c_str(), O_CREAT | O_WRONLY, 0600);
  REQUIRE(opened >= 0);
  const int leaked = ::dup2(opened, 200);  // dup2 clears CLOEXEC: only closefrom keeps it out
  ::close(opened);
  REQUIRE(leaked == 200);
  const auto output = csms::unit::expect_ok(
      run_command(script(dir, "fds.sh", "ls /proc/$$/fd | tr '\\n' ' '\n"), "", CommandLimits{}));
  ::close(leaked);
  INFO(output.view());
  CHECK(output.view().find("200") == std::string_view::npos);
  // ls sorts by name; the shell itself may hold one more descriptor (dash reads its script on fd 10).
  CHECK(output.view().find("0 1 ") == 0);
  CHECK(output.view().find(" 2 ") != std::string_view::npos);
}

TEST_CASE("command paths must be absolute executable files", "[unit][app][command]") {
  TempDir dir;
  CHECK(csms::app::command_path_problem("relative.sh") == "must be an absolute path");
  CHECK_FALSE(csms::app::command_path_problem(dir / "missing").empty());
  CHECK(csms::app::command_path_problem(dir.path()) == "is not a regular file");
  const auto plain = dir / "plain.txt";
  std::ofstream(plain) << "x";
  ::chmod(plain.c_str(), 0600);
  if (::geteuid() != 0) CHECK(csms::app::command_path_problem(plain) == "is not executable by the daemon's user");
  CHECK(csms::app::command_path_problem(script(dir, "ok.sh", "true\n")).empty());
}

}  // namespace
