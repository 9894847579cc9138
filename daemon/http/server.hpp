// server.hpp: the HTTP/1.1 server: listeners on Unix sockets and loopback TCP (optionally TLS), sessions, drain.
#pragma once

#include "core/error.hpp"
#include "http/limits.hpp"
#include "http/message.hpp"
#include "http/session_registry.hpp"
#include "http/unix_socket.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace csms::http {

/// Serves `handler` on any number of listeners. Listeners, the drain and the server's own state live on `io`
/// (run by one thread). Each accepted connection is handed to one of `session_contexts` in turn (a thread per core,
/// each running its own io_context), or to `io` when none are given; a session then stays on that thread, so its
/// own state needs no lock. The handler is called from all of them at once.
class Server {
 public:
  Server(boost::asio::io_context& io, RequestHandler& handler, Limits limits,
         std::vector<boost::asio::io_context*> session_contexts = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds a Unix socket with the given mode and group (see prepare_socket_path for what happens to an existing
  /// path). The file never has a wider mode than 0600 before it has its final group.
  core::Status listen_unix(const std::filesystem::path& path, UnixSocketOptions options = {});

  /// Binds a TCP listener; port 0 picks a free port. Non-loopback addresses need `allow_non_loopback`. With `tls`,
  /// every connection must complete a TLS handshake (within the idle timeout) before its first request.
  core::Status listen_tcp(const std::string& address, std::uint16_t port, bool allow_non_loopback,
                          std::shared_ptr<boost::asio::ssl::context> tls = nullptr);

  /// Serves a listening stream socket bound by someone else (systemd socket activation), Unix or TCP. A TCP one
  /// obeys the loopback rule and gets `tls` as listen_tcp does; a Unix one keeps the owner and mode its creator gave
  /// it, and its file is never removed here (it belongs to whoever bound it). On error the descriptor is closed.
  core::Status adopt_listener(int fd, bool allow_non_loopback, std::shared_ptr<boost::asio::ssl::context> tls = nullptr);

  /// "unix:/path", "tcp:127.0.0.1:8080" and "tls:127.0.0.1:8443" for each listener, with the actual port.
  std::vector<std::string> endpoints() const;

  /// Starts accepting on every listener.
  void start();

  /// Stops accepting, closes idle connections, lets in-flight responses finish (up to the drain timeout), removes
  /// the socket files it created, then calls `done`.
  void drain(std::function<void()> done);

  /// Connections accepted and not yet finished (including those still waiting to start on their thread).
  std::size_t connection_count() const { return live_sessions_.load(); }

 private:
  struct UnixListener;
  struct TcpListener;

  template <class Protocol, class Acceptor>
  boost::asio::awaitable<void> accept_loop(Acceptor& acceptor, Peer::Transport transport, std::string label,
                                           std::shared_ptr<boost::asio::ssl::context> tls);

  /// Counts a connection from its accept until its session's coroutine frame is gone, whether the session ran or was
  /// destroyed before it started: a drain must not finish while a session is still queued on another thread.
  class LiveSession {
   public:
    explicit LiveSession(Server& server) : server_(&server) { server.live_sessions_.fetch_add(1); }
    LiveSession(LiveSession&& other) noexcept : server_(std::exchange(other.server_, nullptr)) {}
    LiveSession(const LiveSession&) = delete;
    LiveSession& operator=(const LiveSession&) = delete;
    LiveSession& operator=(LiveSession&&) = delete;
    ~LiveSession() {
      if (server_ == nullptr) return;
      server_->live_sessions_.fetch_sub(1);
      server_->check_drained();
    }

   private:
    Server* server_;
  };

  /// One connection's request loop, written once for every stream type (plain Unix, plain TCP, TLS over TCP);
  /// session.cpp instantiates it for those three.
  template <class Stream>
  boost::asio::awaitable<void> run_session(Stream stream, Peer peer, LiveSession live);

  static std::string next_request_id();
  /// Called from any thread when a session ends; the check itself runs on `io`.
  void check_drained();
  void finish_drain_if_done();
  boost::asio::io_context& next_session_context();

  boost::asio::io_context& io_;
  std::vector<boost::asio::io_context*> session_contexts_;
  std::size_t next_context_ = 0;
  RequestHandler& handler_;
  Limits limits_;
  std::vector<std::unique_ptr<UnixListener>> unix_listeners_;
  std::vector<std::unique_ptr<TcpListener>> tcp_listeners_;
  SessionRegistry sessions_;
  std::atomic<std::size_t> live_sessions_{0};
  std::atomic<bool> draining_{false};
  std::function<void()> drained_;  // io_ only
  boost::asio::steady_timer drain_deadline_;
  bool warned_connection_limit_ = false;
  bool accept_failing_ = false;
};

}  // namespace csms::http
