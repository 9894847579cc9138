// socket_activation.cpp: reading LISTEN_PID / LISTEN_FDS / LISTEN_FDNAMES.
#include "app/socket_activation.hpp"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

namespace csms::app {
namespace {

constexpr int kFirstFd = 3;  // SD_LISTEN_FDS_START
constexpr unsigned kMaxFds = 1024;

bool parse_number(const char* text, unsigned long& out) {
  if (text == nullptr || *text == '\0') return false;
  const auto [end, ec] = std::from_chars(text, text + std::strlen(text), out);
  return ec == std::errc() && *end == '\0';
}

void clear_environment() {
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_FDNAMES");
}

}  // namespace

core::Result<std::vector<InheritedSocket>> take_listen_fds() {
  std::vector<InheritedSocket> out;
  unsigned long pid = 0;
  if (!parse_number(std::getenv("LISTEN_PID"), pid) || pid != static_cast<unsigned long>(::getpid())) {
    clear_environment();
    return out;
  }
  unsigned long count = 0;
  const char* count_text = std::getenv("LISTEN_FDS");
  if (!parse_number(count_text, count) || count > kMaxFds) {
    const std::string shown = count_text == nullptr ? "(unset)" : count_text;
    clear_environment();
    return core::make_error(core::Errc::kInvalidParameter, "LISTEN_FDS is not a descriptor count: '" + shown + "'");
  }
  std::string_view names = std::getenv("LISTEN_FDNAMES") != nullptr ? std::getenv("LISTEN_FDNAMES") : "";
  for (unsigned long i = 0; i < count; ++i) {
    const int fd = kFirstFd + static_cast<int>(i);
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0 || ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) {
      clear_environment();
      return core::make_error(core::Errc::kInvalidParameter,
                              "LISTEN_FDS names descriptor " + std::to_string(fd) + ", which is not open");
    }
    const auto colon = names.find(':');
    std::string name(names.substr(0, colon));
    names = colon == std::string_view::npos ? std::string_view() : names.substr(colon + 1);
    out.push_back(InheritedSocket{fd, name.empty() ? "unknown" : name});
  }
  clear_environment();
  return out;
}

}  // namespace csms::app
