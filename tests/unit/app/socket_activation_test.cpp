// socket_activation_test.cpp: which LISTEN_* environments give sockets, which give none and which are errors.
#include "app/socket_activation.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

void set_listen_env(const std::string& pid, const char* fds, const char* names) {
  ::setenv("LISTEN_PID", pid.c_str(), 1);
  if (fds) ::setenv("LISTEN_FDS", fds, 1);
  else ::unsetenv("LISTEN_FDS");
  if (names) ::setenv("LISTEN_FDNAMES", names, 1);
  else ::unsetenv("LISTEN_FDNAMES");
}

bool listen_env_cleared() {
  return std::getenv("LISTEN_PID") == nullptr && std::getenv("LISTEN_FDS") == nullptr &&
         std::getenv("LISTEN_FDNAMES") == nullptr;
}

}  // namespace

TEST_CASE("sockets meant for another pid are not taken", "[unit][app][socket_activation]") {
  set_listen_env(std::to_string(::getpid() + 1), "2", "a:b");
  const auto taken = csms::app::take_listen_fds();
  REQUIRE(taken.has_value());
  CHECK(taken->empty());
  CHECK(listen_env_cleared());
}

TEST_CASE("no LISTEN_PID means a standalone start", "[unit][app][socket_activation]") {
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
  const auto taken = csms::app::take_listen_fds();
  REQUIRE(taken.has_value());
  CHECK(taken->empty());
}

TEST_CASE("a malformed LISTEN_FDS for this process is an error", "[unit][app][socket_activation]") {
  const char* count = GENERATE("", "two", "-1", "99999");
  set_listen_env(std::to_string(::getpid()), count, nullptr);
  const auto taken = csms::app::take_listen_fds();
  CHECK_FALSE(taken.has_value());
  CHECK(listen_env_cleared());
}

TEST_CASE("passed descriptors from 3 are taken with their names and made close-on-exec", "[unit][app][socket_activation]") {
  // Puts two sockets at descriptors 3 and 4 as systemd would, keeping whatever was there to restore it.
  const int saved3 = ::fcntl(3, F_DUPFD_CLOEXEC, 10);
  const int saved4 = ::fcntl(4, F_DUPFD_CLOEXEC, 10);
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  REQUIRE(::dup2(pair[0], 3) == 3);
  REQUIRE(::dup2(pair[1], 4) == 4);
  // socketpair may itself have returned 3 or 4; those must stay open.
  if (pair[0] != 3 && pair[0] != 4) ::close(pair[0]);
  if (pair[1] != 3 && pair[1] != 4) ::close(pair[1]);
  set_listen_env(std::to_string(::getpid()), "2", "api:");
  const auto taken = csms::app::take_listen_fds();
  REQUIRE(taken.has_value());
  REQUIRE(taken->size() == 2);
  CHECK((*taken)[0].fd == 3);
  CHECK((*taken)[0].name == "api");
  CHECK((*taken)[1].fd == 4);
  CHECK((*taken)[1].name == "unknown");
  CHECK((::fcntl(3, F_GETFD) & FD_CLOEXEC) != 0);
  CHECK((::fcntl(4, F_GETFD) & FD_CLOEXEC) != 0);
  CHECK(listen_env_cleared());
  for (const auto& [fd, saved] : {std::pair{3, saved3}, std::pair{4, saved4}}) {
    if (saved >= 0) {
      ::dup2(saved, fd);
      ::close(saved);
    } else {
      ::close(fd);
    }
  }
}
