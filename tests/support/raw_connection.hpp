// raw_connection.hpp: a plain stream socket for sending arbitrary bytes (malformed or partial requests) to the daemon.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "endpoint.hpp"
#include "http_response.hpp"

namespace csms_test {

/// A connected socket with no HTTP logic: what is sent is exactly the bytes given.
class RawConnection {
 public:
  /// Connects or throws std::runtime_error.
  explicit RawConnection(const Endpoint& endpoint);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  /// Writes all bytes; throws std::system_error if the peer has gone (EPIPE, ECONNRESET).
  void send(std::string_view bytes);

  /// Reads until `complete(received)` holds, the peer closes, or the timeout passes; returns everything received.
  std::string receive_until(const std::function<bool(std::string_view)>& complete, std::chrono::milliseconds timeout);

  /// Reads one complete HTTP response; throws std::runtime_error if none arrives before the timeout or the peer
  /// closes first.
  HttpResponse receive_response(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Whether the peer closed the connection (EOF or reset) within the timeout; bytes that arrive meanwhile are
  /// discarded.
  bool wait_closed(std::chrono::milliseconds timeout);

  /// Whether a read has already seen EOF or a reset.
  bool peer_closed() const { return peer_closed_; }

  /// Bytes received so far that no receive_* call has returned (kept after wait_closed, too).
  const std::string& pending() const { return pending_; }

 private:
  // One poll+recv step; false when the deadline passed with nothing read.
  bool read_some(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  bool peer_closed_ = false;
  std::string pending_;
  std::string description_;
};

}  // namespace csms_test
