// client.hpp: one synchronous HTTP/1.1 exchange with csmsd over its Unix socket or a loopback TCP listener.
#pragma once

#include "core/error.hpp"
#include "core/wiping_allocator.hpp"
#include "ctl/target.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csms::ctl {

/// An access key pair to sign requests with (SDK-HMAC-SHA256, as the Huawei Cloud SDKs do).
struct AccessKey {
  std::string access_key;
  core::SecureString secret_key;
};

/// The largest answer body accepted unless a request asks for more (a whole-vault backup does).
inline constexpr std::uint64_t kDefaultBodyLimit = 16 * 1024 * 1024;

/// An HTTP answer, whatever its status. The body is wiped when released: it may hold a new secret key or token.
struct Answer {
  unsigned status = 0;
  core::SecureString body;
};

/// Where a streamed answer's body goes (Client::stream), a piece at a time as it arrives.
class BodySink {
 public:
  virtual ~BodySink() = default;
  /// Once, when a 2xx answer's head has arrived: its Content-Length, or nullopt when it declares none.
  virtual core::Status begin(std::optional<std::uint64_t> length) = 0;
  /// Each piece of the body in order (at most a read buffer's worth); an error abandons the exchange.
  virtual core::Status write(std::string_view bytes) = 0;
};

/// Sends each request on a connection of its own (`Connection: close`): a command makes few requests, and a fresh
/// connection never meets one the daemon closed for idleness. Every request, connect included, has one deadline.
class Client {
 public:
  /// At most one of `token` and `access_key`; with neither, the daemon decides by the Unix socket peer alone.
  Client(Target target, std::optional<core::SecureString> token, std::chrono::milliseconds timeout,
         std::optional<AccessKey> access_key = std::nullopt);

  /// `body`, when given, is sent as JSON. A failure to connect, send or read, or a timeout, is
  /// core::Errc::kUnavailable with a message naming the target; any HTTP answer is a value.
  core::Result<Answer> request(std::string_view method, std::string_view path,
                               const core::SecureString* body = nullptr,
                               std::uint64_t body_limit = kDefaultBodyLimit) const;

  /// Like request() without a body, except that a 2xx answer's body goes to `sink` as it arrives rather than into
  /// memory (the Answer's body is then empty), and the timeout bounds each wait for the daemon (connecting, the
  /// answer's head, each piece of the body) rather than the whole exchange, so a large answer may take longer
  /// while it keeps flowing. Any other answer is returned whole, as request() would.
  core::Result<Answer> stream(std::string_view method, std::string_view path, BodySink& sink) const;

  const Target& target() const { return target_; }

 private:
  Target target_;
  std::optional<core::SecureString> token_;
  std::chrono::milliseconds timeout_;
  std::optional<AccessKey> access_key_;
};

}  // namespace csms::ctl
