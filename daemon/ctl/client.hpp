// client.hpp: one synchronous HTTP/1.1 exchange with csmsd over its Unix socket or a loopback TCP listener.
#pragma once

#include "core/error.hpp"
#include "core/wiping_allocator.hpp"
#include "ctl/target.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace csms::ctl {

/// An HTTP answer, whatever its status. The body is wiped when released: it may hold a new secret key or token.
struct Answer {
  unsigned status = 0;
  core::SecureString body;
};

/// Sends each request on a connection of its own (`Connection: close`): a command makes few requests, and a fresh
/// connection never meets one the daemon closed for idleness. Every request, connect included, has one deadline.
class Client {
 public:
  Client(Target target, std::optional<core::SecureString> token, std::chrono::milliseconds timeout);

  /// `body`, when given, is sent as JSON. A failure to connect, send or read, or a timeout, is
  /// core::Errc::kUnavailable with a message naming the target; any HTTP answer is a value.
  core::Result<Answer> request(std::string_view method, std::string_view path,
                               const core::SecureString* body = nullptr) const;

  const Target& target() const { return target_; }

 private:
  Target target_;
  std::optional<core::SecureString> token_;
  std::chrono::milliseconds timeout_;
};

}  // namespace csms::ctl
