// server.cpp: listeners, accept loops and the drain sequence.
#include "http/server.hpp"

#include "http/streams.hpp"
#include "log/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <random>
#include <type_traits>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace csms::http {

namespace net = boost::asio;

namespace {

// Completion handler for spawned coroutines: whatever escapes is logged once and goes no further, so one broken
// connection cannot take the I/O loop down.
auto log_failure(const char* what) {
  return [what](std::exception_ptr failure) {
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& error) {
      log::error("coroutine ended by an exception", {{"where", what}, {"error", error.what()}});
    } catch (...) {
      log::error("coroutine ended by an exception", {{"where", what}});
    }
  };
}

}  // namespace

struct Server::UnixListener {
  explicit UnixListener(net::io_context& io) : acceptor(io) {}
  net::local::stream_protocol::acceptor acceptor;
  std::filesystem::path path;
  SocketFileId file_id;
};

struct Server::TcpListener {
  explicit TcpListener(net::io_context& io) : acceptor(io) {}
  net::ip::tcp::acceptor acceptor;
  std::shared_ptr<net::ssl::context> tls;  ///< null for plain HTTP
};

Server::Server(net::io_context& io, RequestHandler& handler, Limits limits,
               std::vector<net::io_context*> session_contexts)
    : io_(io), session_contexts_(std::move(session_contexts)), handler_(handler), limits_(limits), drain_deadline_(io) {
  if (session_contexts_.empty()) session_contexts_.push_back(&io_);
}

net::io_context& Server::next_session_context() {
  // Accept loops all run on io_, so this counter needs no lock.
  net::io_context& next = *session_contexts_[next_context_];
  next_context_ = (next_context_ + 1) % session_contexts_.size();
  return next;
}

Server::~Server() {
  for (auto& listener : unix_listeners_) remove_socket_file(listener->path, listener->file_id);
}

core::Status Server::listen_unix(const std::filesystem::path& path, UnixSocketOptions options) {
  if (!valid_socket_mode(options.mode)) {
    return core::make_error(core::Errc::kInvalidParameter, "socket mode for " + path.string() + " must be within 0600..0666");
  }
  CSMS_TRY(prepare_socket_path(path));
  auto listener = std::make_unique<UnixListener>(io_);
  listener->path = path;
  boost::system::error_code ec;
  listener->acceptor.open(net::local::stream_protocol(), ec);
  // The umask makes the socket 0600 from the moment it exists; its group and final mode are applied before listen(),
  // so until then nobody can connect whatever the mode.
  const mode_t previous_mask = ::umask(0177);
  if (!ec) listener->acceptor.bind(net::local::stream_protocol::endpoint(path.string()), ec);
  ::umask(previous_mask);
  if (ec) return core::make_error(core::Errc::kUnavailable, "cannot listen on unix:" + path.string() + ": " + ec.message());
  // From here the file is ours: record it at once so every later failure path (and shutdown) removes it.
  auto file_id = socket_file_id(path);
  if (!file_id) {
    (void)::unlink(path.c_str());
    return file_id.error();
  }
  listener->file_id = *file_id;
  UnixListener& bound = *listener;
  unix_listeners_.push_back(std::move(listener));
  CSMS_TRY(apply_socket_options(path, bound.file_id, options));
  bound.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return core::make_error(core::Errc::kUnavailable, "cannot listen on unix:" + path.string() + ": " + ec.message());
  return core::ok();
}

core::Status Server::listen_tcp(const std::string& address, std::uint16_t port, bool allow_non_loopback,
                                std::shared_ptr<net::ssl::context> tls) {
  boost::system::error_code ec;
  const auto ip = net::ip::make_address(address, ec);
  if (ec) return core::make_error(core::Errc::kInvalidParameter, "not an IP address: " + address);
  if (!ip.is_loopback() && !allow_non_loopback) {
    return core::make_error(core::Errc::kInvalidParameter,
                            "refusing to listen on non-loopback address " + address +
                                " (the vault is meant for this host only; pass --allow-remote-tcp to override)");
  }
  auto listener = std::make_unique<TcpListener>(io_);
  const net::ip::tcp::endpoint endpoint(ip, port);
  listener->acceptor.open(endpoint.protocol(), ec);
  if (!ec) listener->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) listener->acceptor.bind(endpoint, ec);
  if (!ec) listener->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::make_error(core::Errc::kUnavailable, std::string(tls ? "cannot listen on tls:" : "cannot listen on tcp:") +
                                                          address + ":" + std::to_string(port) + ": " + ec.message());
  }
  listener->tls = std::move(tls);
  tcp_listeners_.push_back(std::move(listener));
  return core::ok();
}

core::Status Server::adopt_listener(int fd, bool allow_non_loopback, std::shared_ptr<net::ssl::context> tls) {
  const auto refuse = [fd](const std::string& why) {
    ::close(fd);
    return core::make_error(core::Errc::kInvalidParameter, "inherited descriptor " + std::to_string(fd) + " " + why);
  };
  int type = 0;
  int listening = 0;
  socklen_t size = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) != 0 || type != SOCK_STREAM) {
    return refuse("is not a stream socket");
  }
  size = sizeof listening;
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || listening == 0) {
    return refuse("is not listening (an Accept=yes socket unit is not supported)");
  }
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return refuse("has no address");
  boost::system::error_code ec;
  if (address.ss_family == AF_UNIX) {
    const auto& unix_address = reinterpret_cast<const sockaddr_un&>(address);
    const std::size_t path_length = length > offsetof(sockaddr_un, sun_path) ? length - offsetof(sockaddr_un, sun_path) : 0;
    std::string path(unix_address.sun_path, ::strnlen(unix_address.sun_path, path_length));
    if (path.empty() && path_length > 1) path = "@" + std::string(unix_address.sun_path + 1, path_length - 1);
    auto listener = std::make_unique<UnixListener>(io_);
    listener->acceptor.assign(net::local::stream_protocol(), fd, ec);
    if (ec) return refuse("cannot be served: " + ec.message());
    listener->path = path;  // file_id stays zero, which matches no file, so shutdown leaves the socket in place
    unix_listeners_.push_back(std::move(listener));
    return core::ok();
  }
  if (address.ss_family != AF_INET && address.ss_family != AF_INET6) return refuse("is neither a Unix nor a TCP socket");
  auto listener = std::make_unique<TcpListener>(io_);
  listener->acceptor.assign(address.ss_family == AF_INET ? net::ip::tcp::v4() : net::ip::tcp::v6(), fd, ec);
  if (ec) return refuse("cannot be served: " + ec.message());
  const auto endpoint = listener->acceptor.local_endpoint(ec);
  if (ec) return core::make_error(core::Errc::kInvalidParameter, "inherited TCP socket: " + ec.message());
  if (!endpoint.address().is_loopback() && !allow_non_loopback) {
    // The acceptor owns the descriptor now and closes it when the listener goes away.
    return core::make_error(core::Errc::kInvalidParameter,
                            "refusing the inherited TCP socket on non-loopback address " + endpoint.address().to_string() +
                                " (pass --allow-remote-tcp to override)");
  }
  listener->tls = std::move(tls);
  tcp_listeners_.push_back(std::move(listener));
  return core::ok();
}

std::vector<std::string> Server::endpoints() const {
  std::vector<std::string> out;
  for (const auto& listener : unix_listeners_) out.push_back("unix:" + listener->path.string());
  for (const auto& listener : tcp_listeners_) {
    boost::system::error_code ec;
    const auto endpoint = listener->acceptor.local_endpoint(ec);
    const auto address = endpoint.address();
    const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    out.push_back((listener->tls ? "tls:" : "tcp:") + host + ":" + std::to_string(endpoint.port()));
  }
  return out;
}

template <class Protocol, class Acceptor>
net::awaitable<void> Server::accept_loop(Acceptor& acceptor, Peer::Transport transport, std::string label,
                                         std::shared_ptr<net::ssl::context> tls) {
  while (!draining_) {
    // The connection's socket belongs to the thread that will serve it from the start.
    net::io_context& session_context = next_session_context();
    auto [ec, socket] = co_await acceptor.async_accept(session_context, net::as_tuple(net::use_awaitable));
    if (draining_ || ec == net::error::operation_aborted) break;
    if (ec) {
      // EMFILE and friends leave the connection in the backlog, so an immediate retry fails again at once: report
      // (once per streak) and wait a moment; the condition clears when connections close.
      if (!accept_failing_) log::warning("accept failed; retrying every 100ms", {{"listener", label}, {"error", ec.message()}});
      accept_failing_ = true;
      net::steady_timer pause(io_, std::chrono::milliseconds(100));
      co_await pause.async_wait(net::as_tuple(net::use_awaitable));
      continue;
    }
    if (accept_failing_) log::info("accepting again", {{"listener", label}});
    accept_failing_ = false;
    if (live_sessions_.load() >= limits_.max_connections) {
      if (!warned_connection_limit_) {
        log::warning("connection limit reached; closing new connections",
                     {{"limit", static_cast<unsigned long long>(limits_.max_connections)}});
        warned_connection_limit_ = true;
      }
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    warned_connection_limit_ = false;
    Peer peer;
    peer.transport = transport;
    if constexpr (std::is_same_v<Protocol, net::local::stream_protocol>) {
      read_peer_credentials(socket.native_handle(), peer);
      peer.address = label;
      net::co_spawn(session_context, run_session(UnixStream(std::move(socket)), std::move(peer), LiveSession(*this)),
                    log_failure("session"));
    } else {
      boost::system::error_code ignored;
      const auto remote = socket.remote_endpoint(ignored);
      peer.address = remote.address().to_string() + ":" + std::to_string(remote.port());
      if (tls) {
        // The session sets peer.tls once its handshake has completed.
        net::co_spawn(session_context,
                      run_session(TlsStream(std::move(socket), *tls), std::move(peer), LiveSession(*this)),
                      log_failure("session"));
      } else {
        net::co_spawn(session_context, run_session(TcpStream(std::move(socket)), std::move(peer), LiveSession(*this)),
                      log_failure("session"));
      }
    }
  }
}

void Server::start() {
  for (auto& listener : unix_listeners_) {
    net::co_spawn(io_, accept_loop<net::local::stream_protocol>(listener->acceptor, Peer::Transport::kUnix,
                                                                 listener->path.string(), nullptr),
                  log_failure("accept loop"));
  }
  for (auto& listener : tcp_listeners_) {
    net::co_spawn(io_, accept_loop<net::ip::tcp>(listener->acceptor, Peer::Transport::kTcp,
                                                  listener->tls ? "tls" : "tcp", listener->tls),
                  log_failure("accept loop"));
  }
}

void Server::drain(std::function<void()> done) {
  if (draining_) return;
  draining_ = true;
  drained_ = std::move(done);
  boost::system::error_code ignored;
  for (auto& listener : unix_listeners_) {
    listener->acceptor.close(ignored);
    remove_socket_file(listener->path, listener->file_id);
  }
  for (auto& listener : tcp_listeners_) listener->acceptor.close(ignored);
  sessions_.close_idle();
  drain_deadline_.expires_after(limits_.drain_timeout);
  drain_deadline_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    if (live_sessions_.load() == 0) {
      if (drained_) std::exchange(drained_, nullptr)();
      return;
    }
    // Closing aborts every pending operation, so each session unwinds within this turn of the loop and the last one
    // to end finishes the drain (its LiveSession calls check_drained). Finishing here instead would stop the loop
    // with coroutine frames still queued, to be destroyed after the server they refer to.
    log::warning("drain timeout; closing remaining connections",
                 {{"connections", static_cast<unsigned long long>(live_sessions_.load())}});
    sessions_.close_all();
  });
  finish_drain_if_done();
}

void Server::check_drained() {
  if (!draining_) return;
  net::post(io_, [this]() { finish_drain_if_done(); });
}

void Server::finish_drain_if_done() {
  if (!draining_ || live_sessions_.load() != 0 || !drained_) return;
  drain_deadline_.cancel();
  // Post, so the caller's stack unwinds before shutdown continues.
  net::post(io_, [done = std::exchange(drained_, nullptr)]() { done(); });
}

std::string Server::next_request_id() {
  // One generator per thread: sessions on different threads need no lock to draw ids.
  thread_local std::mt19937_64 request_ids{std::random_device{}()};
  char text[33];
  std::snprintf(text, sizeof(text), "%016llx%016llx", static_cast<unsigned long long>(request_ids()),
                static_cast<unsigned long long>(request_ids()));
  return text;
}

}  // namespace csms::http
