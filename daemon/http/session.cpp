// session.cpp: one connection's request loop (TLS handshake, read with limits and timeout, dispatch, write, keep-alive).
#include "http/server.hpp"

#include "http/file_response.hpp"
#include "http/streams.hpp"
#include "http/wire.hpp"
#include "log/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>
#include <optional>

#include <string.h>

namespace csms::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

}  // namespace

template <class Stream>
net::awaitable<void> Server::run_session(Stream stream, Peer peer, LiveSession live) {
  (void)live;  // held for the life of this frame
  // The TCP or Unix stream under any TLS layer: it carries the deadlines, and closing it aborts whatever is pending.
  auto& transport = beast::get_lowest_layer(stream);
  auto entry_pointer = std::make_shared<SessionEntry>();
  entry_pointer->run_on_session = [executor = co_await net::this_coro::executor](std::function<void()> work) {
    net::post(executor, std::move(work));
  };
  entry_pointer->close = [&transport]() {
    boost::system::error_code ignored;
    transport.socket().shutdown(net::socket_base::shutdown_both, ignored);
    transport.socket().close(ignored);
  };
  const auto registration = sessions_.add(entry_pointer);
  // Whatever ends this coroutine (return or exception), the registry must forget the stream before it dies. (The
  // drain is told by `live`, which outlives this.)
  struct Unregister {
    SessionRegistry& sessions;
    SessionRegistry::Handle handle;
    SessionEntry& entry;
    ~Unregister() {
      entry.close = nullptr;  // a close queued for this session after now finds nothing to close
      sessions.remove(handle);
    }
  } unregister{sessions_, registration, *entry_pointer};
  SessionEntry& entry = *entry_pointer;
  ReadBuffer buffer;

  // A session that starts after a drain began (it was queued on its thread meanwhile) serves nothing.
  bool usable = !draining_;  // false once the TLS handshake has failed
  if constexpr (kIsTls<Stream>) {
    if (usable) {
      // Not busy: a drain closes a connection still in its handshake like an idle one.
      transport.expires_after(limits_.idle_timeout);
      auto [handshake_error] =
          co_await stream.async_handshake(net::ssl::stream_base::server, net::as_tuple(net::use_awaitable));
      if (handshake_error) {
        // Plain HTTP on a TLS port, an untrusted certificate on the client side, a scanner: nothing to answer.
        log::debug("TLS handshake failed", {{"peer", peer.address}, {"error", handshake_error.message()}});
        usable = false;
      }
    }
    peer.tls = usable;
  }

  while (usable && !draining_) {
    RequestParser parser;
    apply_limits(parser, limits_);
    entry.busy = false;
    transport.expires_after(limits_.idle_timeout);
    auto [read_error, read_bytes] =
        co_await bhttp::async_read_header(stream, buffer, parser, net::as_tuple(net::use_awaitable));
    entry.busy = true;
    (void)read_bytes;
    if (!read_error && !parser.is_done()) {
      // A body is held to body_bytes unless the handler, having seen the head, allows this request more. Asked only
      // when the body may be larger, so ordinary requests cost nothing extra.
      std::size_t allowed = limits_.body_bytes;
      const std::optional<std::uint64_t> declared = declared_body_length(parser);
      if (!declared || *declared > allowed) {
        allowed = std::min(handler_.body_limit(to_request_head(parser.get(), peer), allowed), limits_.max_body_bytes);
      }
      if (declared && *declared > allowed) {
        read_error = bhttp::error::body_limit;  // answered 413 below, before any of the body is read
      } else {
        parser.body_limit(allowed);
      }
    }
    if (!read_error && !parser.is_done()) {
      // curl sends "Expect: 100-continue" for bodies over 1 KiB and waits a second unless told to go on.
      if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
        bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
        auto [continue_error, continue_bytes] =
            co_await bhttp::async_write(stream, go_on, net::as_tuple(net::use_awaitable));
        (void)continue_bytes;
        read_error = continue_error;
      }
      if (!read_error) {
        auto [body_error, body_bytes] =
            co_await bhttp::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
        (void)body_bytes;
        read_error = body_error;
      }
    }
    const std::string request_id = next_request_id();

    if (read_error) {
      const std::optional<TransportError> failure = classify_read_error(read_error);
      if (!failure) break;  // closed, reset or timed out: nobody to answer
      log::debug("rejected request", {{"request_id", request_id}, {"reason", read_error.message()}});
      auto message = to_message(handler_.transport_error(*failure, request_id, peer), 11, false, request_id);
      transport.expires_after(limits_.idle_timeout);
      co_await bhttp::async_write(stream, message, net::as_tuple(net::use_awaitable));
      // Read (and drop) what the client is still sending for a moment, so closing with unread data does not reset
      // the connection before the client has read the answer. Over plain transports a half-close tells the client
      // to stop; over TLS that would truncate the TLS stream, and "Connection: close" in the answer says enough.
      if constexpr (!kIsTls<Stream>) {
        boost::system::error_code ignored;
        transport.socket().shutdown(net::socket_base::shutdown_send, ignored);
      }
      transport.expires_after(std::chrono::seconds(1));
      std::array<char, 4096> discard{};
      for (std::size_t total = 0; total < (1u << 20);) {
        auto [drain_error, drained] = co_await stream.async_read_some(net::buffer(discard), net::as_tuple(net::use_awaitable));
        if (drain_error) break;
        total += drained;
      }
      explicit_bzero(discard.data(), discard.size());
      break;
    }

    // Parsed bytes stay in the read buffer's storage after consume(); when nothing is pipelined behind this request,
    // release that storage now (the allocator wipes it) rather than keep a secret's raw bytes for the connection's life.
    if (buffer.size() == 0) buffer.shrink_to_fit();
    const unsigned version = parser.get().version();
    const bool client_keep_alive = parser.get().keep_alive();
    Request request = to_request(parser.release(), peer, request_id);
    Response response;
    try {
      response = co_await handler_.handle(request);
    } catch (const std::exception& error) {
      log::error("request handler threw", {{"request_id", request_id}, {"error", error.what()}});
      response = handler_.internal_error(request_id);
    } catch (...) {
      log::error("request handler threw", {{"request_id", request_id}});
      response = handler_.internal_error(request_id);
    }
    const bool keep_alive = client_keep_alive && !draining_;
    if (response.file_body) {
      // Rare (a whole-vault backup) and kept out of the ordinary path below.
      const bool sent = co_await write_file_response(stream, transport, std::move(response), version, keep_alive,
                                                     request_id, limits_.idle_timeout);
      if (!sent || !keep_alive) break;
      continue;
    }
    auto message = to_message(std::move(response), version, keep_alive, request_id);
    transport.expires_after(limits_.idle_timeout);
    auto [write_error, written] = co_await bhttp::async_write(stream, message, net::as_tuple(net::use_awaitable));
    (void)written;
    if (write_error || !keep_alive) break;
  }

  if constexpr (kIsTls<Stream>) {
    // close_notify, so the client can tell the end of the stream from a truncation. A client that never answers it
    // costs at most a second (the socket may already be closed by a drain, then this fails at once).
    if (usable) {
      transport.expires_after(std::chrono::seconds(1));
      co_await stream.async_shutdown(net::as_tuple(net::use_awaitable));
    }
  }
  boost::system::error_code ignored;
  transport.socket().shutdown(net::socket_base::shutdown_send, ignored);
  transport.socket().close(ignored);
}

template net::awaitable<void> Server::run_session<UnixStream>(UnixStream, Peer, LiveSession);
template net::awaitable<void> Server::run_session<TcpStream>(TcpStream, Peer, LiveSession);
template net::awaitable<void> Server::run_session<TlsStream>(TlsStream, Peer, LiveSession);

}  // namespace csms::http
