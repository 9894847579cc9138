// sd_notify_test.cpp: the notification datagrams reach a socket named by NOTIFY_SOCKET, path or abstract.
#include "app/sd_notify.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

/// A bound datagram socket standing in for systemd's notification socket.
class Receiver {
 public:
  explicit Receiver(const std::string& name) : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + 1);
    if (name[0] == '@') {
      address.sun_path[0] = '\0';
      length -= 1;
    }
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;
  ~Receiver() { ::close(fd_); }
  std::string receive() const {
    char buffer[512];
    const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
    return got > 0 ? std::string(buffer, static_cast<std::size_t>(got)) : std::string();
  }

 private:
  int fd_;
};

}  // namespace

TEST_CASE("the notifier sends to a socket path and clears the environment", "[unit][app][sd_notify]") {
  const auto path = std::filesystem::temp_directory_path() / ("csmsd-notify-" + std::to_string(::getpid()));
  std::filesystem::remove(path);
  Receiver receiver(path.string());
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  ::setenv("WATCHDOG_USEC", "4000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  const auto notifier = csms::app::Notifier::from_environment();
  CHECK(std::getenv("NOTIFY_SOCKET") == nullptr);
  CHECK(std::getenv("WATCHDOG_USEC") == nullptr);
  CHECK(std::getenv("WATCHDOG_PID") == nullptr);
  CHECK(notifier.enabled());
  REQUIRE(notifier.watchdog().has_value());
  CHECK(notifier.watchdog()->count() == 4000000);
  CHECK(notifier.notify("READY=1\nSTATUS=serving"));
  CHECK(receiver.receive() == "READY=1\nSTATUS=serving");
  std::filesystem::remove(path);
}

TEST_CASE("the notifier reaches an abstract socket", "[unit][app][sd_notify]") {
  const std::string name = "@csmsd-notify-test-" + std::to_string(::getpid());
  Receiver receiver(name);
  const csms::app::Notifier notifier(name, std::nullopt);
  CHECK(notifier.notify("WATCHDOG=1"));
  CHECK(receiver.receive() == "WATCHDOG=1");
}

TEST_CASE("without NOTIFY_SOCKET nothing is sent, and a watchdog for another pid is ignored", "[unit][app][sd_notify]") {
  ::unsetenv("NOTIFY_SOCKET");
  ::setenv("WATCHDOG_USEC", "1000000", 1);
  ::setenv("WATCHDOG_PID", "1", 1);
  const auto notifier = csms::app::Notifier::from_environment();
  CHECK_FALSE(notifier.enabled());
  CHECK_FALSE(notifier.notify("READY=1"));
  CHECK_FALSE(notifier.watchdog().has_value());
}
