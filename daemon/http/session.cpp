// session.cpp: one connection's request loop (TLS handshake, read with limits and timeout, dispatch, write, keep-alive).
#include "http/server.hpp"

#include "http/streams.hpp"
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
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <cctype>

#include <string.h>

namespace csms::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// Bodies live in wiping strings: a request or response body may hold a secret value.
using SecureBody = bhttp::basic_string_body<char, std::char_traits<char>, core::WipingAllocator<char>>;
using ReadBuffer = beast::basic_flat_buffer<core::WipingAllocator<char>>;
// Header fields too: X-Auth-Token and Authorization are credentials.
using SecureFields = bhttp::basic_fields<core::WipingAllocator<char>>;

Method to_method(bhttp::verb verb) {
  // An if-chain, not a switch: Beast's verb enum has dozens of WebDAV verbs that all mean "not served".
  if (verb == bhttp::verb::get) return Method::kGet;
  if (verb == bhttp::verb::post) return Method::kPost;
  if (verb == bhttp::verb::put) return Method::kPut;
  if (verb == bhttp::verb::delete_) return Method::kDelete;
  return Method::kOther;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Request to_request(bhttp::request<SecureBody, SecureFields>&& message, Peer peer, std::string request_id) {
  Request request;
  request.method = to_method(message.method());
  request.method_name = std::string(message.method_string());
  request.target = std::string(message.target());
  const std::size_t question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) request.raw_query = request.target.substr(question + 1);
  for (const auto& field : message) request.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
  request.body = std::move(message.body());
  request.request_id = std::move(request_id);
  request.peer = std::move(peer);
  return request;
}

bhttp::response<SecureBody> to_message(Response&& response, unsigned version, bool keep_alive,
                                        const std::string& request_id) {
  bhttp::response<SecureBody> message{static_cast<bhttp::status>(response.status), version};
  message.set(bhttp::field::server, "csmsd");
  message.set("X-Request-Id", request_id);
  for (const auto& [name, value] : response.headers) message.set(name, value);
  if (!response.body.empty()) message.set(bhttp::field::content_type, response.content_type);
  message.body() = std::move(response.body);
  message.keep_alive(keep_alive);
  message.prepare_payload();
  // RFC 9110 8.6: no Content-Length on 204.
  if (response.status == 204) message.erase(bhttp::field::content_length);
  return message;
}

// Errors that mean the peer sent something that is not HTTP, as opposed to going away or timing out.
bool is_protocol_error(const boost::system::error_code& ec) {
  if (ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) return false;
  return ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::header_limit && ec != bhttp::error::body_limit;
}

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
    bhttp::request_parser<SecureBody, core::WipingAllocator<char>> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits_.header_bytes));
    parser.body_limit(limits_.body_bytes);
    entry.busy = false;
    transport.expires_after(limits_.idle_timeout);
    auto [read_error, read_bytes] =
        co_await bhttp::async_read_header(stream, buffer, parser, net::as_tuple(net::use_awaitable));
    entry.busy = true;
    (void)read_bytes;
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
      std::optional<TransportError> failure;
      if (read_error == bhttp::error::header_limit) failure = TransportError::kHeaderTooLarge;
      if (read_error == bhttp::error::body_limit) failure = TransportError::kBodyTooLarge;
      if (is_protocol_error(read_error)) failure = TransportError::kMalformedRequest;
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
