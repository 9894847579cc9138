// socket_access_test.cpp: --socket-mode and --socket-group on the Unix socket file.
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "harness.hpp"

using namespace csms_it;

namespace {

struct stat socket_stat(const Daemon& daemon) {
  struct stat info {};
  REQUIRE(::lstat(daemon.socket_path().c_str(), &info) == 0);
  REQUIRE(S_ISSOCK(info.st_mode));
  return info;
}

}  // namespace

TEST_CASE("the socket-mode and socket-group flags set the unix socket's mode and group", "[integration][transport][socket]") {
  csms_test::TestDaemonOptions options;
  gid_t group = ::getgid();
  SECTION("own primary group by number") {
    options.extra_args = {"--socket-mode", "0660", "--socket-group", std::to_string(group)};
  }
  SECTION("own primary group by name") {
    const ::group* entry = ::getgrgid(group);
    if (entry == nullptr) {
      WARN("skipped: the primary group has no name");
      return;
    }
    options.extra_args = {"--socket-mode", "660", "--socket-group", entry->gr_name};
  }
  SECTION("another group, which only root may give") {
    if (::geteuid() != 0) {
      WARN("skipped: only root may give the socket a group it is not in");
      return;
    }
    group = group == 4242 ? 4243 : 4242;
    options.extra_args = {"--socket-mode", "0660", "--socket-group", std::to_string(group)};
  }
  Daemon daemon(options);
  const struct stat info = socket_stat(daemon);
  CHECK((info.st_mode & 07777) == 0660);
  CHECK(info.st_gid == group);
  auto client = daemon.client();
  check_request_id(client.get(secrets_url()));
}

TEST_CASE("the socket-mode flag alone widens the unix socket, and an invalid mode is a usage error", "[integration][transport][socket]") {
  {
    csms_test::TestDaemonOptions options;
    options.extra_args = {"--socket-mode", "0666"};
    Daemon daemon(options);
    CHECK((socket_stat(daemon).st_mode & 07777) == 0666);
    CHECK(socket_stat(daemon).st_gid == ::getgid());
  }
  csms_test::TestDaemonOptions options;
  options.start = false;
  options.extra_args = {"--socket-mode", "0700"};
  Daemon daemon(options);
  CHECK_FALSE(daemon.process().try_start());
  CHECK(daemon.process().exit_status() == std::optional<int>(2));
  CHECK(daemon.log().find("--socket-mode") != std::string::npos);
}
