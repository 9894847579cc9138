// message.hpp: the transport-neutral Request and Response the API layer sees (no Beast types).
#pragma once

#include "core/unique_fd.hpp"
#include "core/wiping_allocator.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <string.h>
#include <sys/types.h>

namespace csms::http {

enum class Method { kGet, kPost, kPut, kDelete, kOther };

/// Who is on the other end of the connection. For a Unix socket the kernel's SO_PEERCRED and SO_PEERGROUPS answers,
/// taken when the peer connected.
struct Peer {
  enum class Transport { kUnix, kTcp } transport = Transport::kTcp;
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;  ///< the primary group
  std::optional<pid_t> pid;
  /// Supplementary groups of the peer process (Unix sockets only; may or may not repeat `gid`).
  std::vector<gid_t> groups;
  std::string address;  ///< "127.0.0.1:54321" for TCP, the socket path for Unix
  bool tls = false;     ///< the connection came through a TLS listener and completed the handshake
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Request() = default;
  Request(Request&&) = default;
  Request& operator=(Request&&) = default;
  Request(const Request&) = default;
  Request& operator=(const Request&) = default;
  /// Header values may be credentials (X-Auth-Token); they are wiped, not just freed.
  ~Request() {
    for (auto& [name, value] : headers) explicit_bzero(value.data(), value.size());
  }

  Method method = Method::kOther;
  std::string method_name;
  std::string target;     ///< as received: path and query, still percent-encoded
  std::string path;       ///< the part of target before '?', still percent-encoded
  std::string raw_query;  ///< the part after '?', still percent-encoded
  HeaderList headers;     ///< names lower-cased, values as received
  core::SecureString body;
  std::string request_id;
  Peer peer;

  /// The first header with this lower-case name, or empty.
  std::string_view header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return value;
    }
    return {};
  }
};

/// A body too large to hold in memory (a whole-vault backup): the session sends `size` bytes of `file`, read from
/// offset 0 a chunk at a time as the connection takes them, then drops this (closing the file). `hold` is released
/// at the same moment, so whatever it guards lasts exactly as long as the transfer.
struct FileBody {
  core::UniqueFd file;
  std::uint64_t size = 0;
  std::shared_ptr<void> hold;
};

struct Response {
  unsigned status = 200;
  core::SecureString body;
  /// Sent only when the body is not empty.
  std::string content_type = "application/json;charset=UTF-8";
  HeaderList headers;
  /// When set, the body comes from this file and `body` is ignored; ordinary responses never set it.
  std::shared_ptr<FileBody> file_body = nullptr;
};

/// Transport-level failures the session detects before any route is involved.
enum class TransportError {
  kMalformedRequest,  ///< the bytes are not HTTP/1.1
  kHeaderTooLarge,
  kBodyTooLarge,
};

/// What a session calls; the API layer implements it. Called from every session thread at once, so it must be
/// thread-safe. handle() is a coroutine so that a write can wait for its group commit without holding up the other
/// connections of its thread. Must not throw (a session converts anything that escapes into a 500 and closes the
/// connection, but that path is a bug).
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual boost::asio::awaitable<Response> handle(Request& request) = 0;
  /// Called once the head of a request has been read and before any of its body, when the body may be larger than
  /// `standard` bytes: the largest body this request may have (the session caps it at Limits::max_body_bytes).
  /// `head` has no body. Anything above `standard` must be for a caller the head already authenticates, so that an
  /// unknown client can never make the daemon buffer more than `standard`.
  virtual std::size_t body_limit(const Request& head, std::size_t standard) {
    (void)head;
    return standard;
  }
  virtual Response transport_error(TransportError error, const std::string& request_id, const Peer& peer) = 0;
  /// The answer when a handler threw after all: must not throw itself.
  virtual Response internal_error(const std::string& request_id) noexcept = 0;
};

}  // namespace csms::http
