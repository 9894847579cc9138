// raw_connection.cpp: POSIX socket I/O with poll(2) deadlines for RawConnection.
#include "raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace csms_test {
namespace {

// One connect() for both address families; closes the descriptor on failure.
int connect_socket(int family, const sockaddr* addr, socklen_t length, const Endpoint& endpoint) {
  const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  if (::connect(fd, addr, length) != 0) {
    const int err = errno;
    ::close(fd);
    throw std::system_error(err, std::generic_category(), "connect " + endpoint.describe());
  }
  return fd;
}

int connect_socket(const Endpoint& endpoint) {
  if (endpoint.kind == Endpoint::Kind::unix_socket) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = endpoint.unix_path.string();
    if (path.size() >= sizeof(addr.sun_path)) throw std::runtime_error("unix socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return connect_socket(AF_UNIX, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr), endpoint);
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(endpoint.port);
  if (::inet_pton(AF_INET, endpoint.host.c_str(), &addr.sin_addr) != 1) {
    throw std::runtime_error("not an IPv4 address: " + endpoint.host);
  }
  return connect_socket(AF_INET, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr), endpoint);
}

}  // namespace

RawConnection::RawConnection(const Endpoint& endpoint)
    : fd_(connect_socket(endpoint)), description_(endpoint.describe()) {}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "send to " + description_);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool RawConnection::read_some(std::chrono::steady_clock::time_point deadline) {
  if (peer_closed_) return false;
  const auto now = std::chrono::steady_clock::now();
  if (now >= deadline) return false;
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
  pollfd pfd{fd_, POLLIN, 0};
  const int ready = ::poll(&pfd, 1, static_cast<int>(wait));
  if (ready < 0) {
    if (errno == EINTR) return true;
    throw std::system_error(errno, std::generic_category(), "poll");
  }
  if (ready == 0) return false;
  char chunk[16384];
  const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (n > 0) {
    pending_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  if (n < 0 && errno == EINTR) return true;
  peer_closed_ = true;  // EOF, or ECONNRESET and friends
  return false;
}

std::string RawConnection::receive_until(const std::function<bool(std::string_view)>& complete,
                                         std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!complete(pending_) && read_some(deadline)) {
  }
  std::string out;
  out.swap(pending_);
  return out;
}

HttpResponse RawConnection::receive_response(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Bytes after the response are the next pipelined response: they stay pending.
    std::size_t consumed = 0;
    if (auto response = try_parse_http_response(pending_, peer_closed_, &consumed)) {
      pending_.erase(0, consumed);
      return *response;
    }
    if (!read_some(deadline)) {
      if (auto response = try_parse_http_response(pending_, peer_closed_, &consumed)) {
        pending_.erase(0, consumed);
        return *response;
      }
      throw std::runtime_error(std::string(peer_closed_ ? "peer closed" : "timeout") + " before a complete response on " +
                               description_ + "; received " + std::to_string(pending_.size()) + " bytes: " +
                               pending_.substr(0, 500));
    }
  }
}

bool RawConnection::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (read_some(deadline)) {
  }
  return peer_closed_;
}

}  // namespace csms_test
