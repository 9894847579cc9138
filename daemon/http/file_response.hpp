// file_response.hpp: writing a response whose body streams from an open file (Response::file_body) in chunks.
#pragma once

#include "core/wiping_allocator.hpp"
#include "http/message.hpp"
#include "http/wire.hpp"
#include "log/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

namespace csms::http {

/// What one write hands the connection: the most the session holds of a streamed body at any time.
inline constexpr std::size_t kFileChunkBytes = 64 * 1024;

/// Sends the head, then the file a chunk at a time, each write under `idle_timeout` (a client that stops reading
/// is dropped like an idle one). False when the connection cannot go on: a write failed, or the file could not be
/// read, in which case the body stops short of its Content-Length and the closed connection tells the client.
template <class Stream, class Transport>
boost::asio::awaitable<bool> write_file_response(Stream& stream, Transport& transport, Response response,
                                                 unsigned version, bool keep_alive, const std::string& request_id,
                                                 std::chrono::steady_clock::duration idle_timeout) {
  namespace net = boost::asio;
  namespace bhttp = boost::beast::http;
  WireFileResponse message = to_file_message(response, version, keep_alive, request_id);
  // Owned here until the last byte is written or the connection fails: then the file closes and its hold goes.
  const std::shared_ptr<FileBody> file = std::move(response.file_body);
  bhttp::response_serializer<bhttp::buffer_body> serializer{message};
  transport.expires_after(idle_timeout);
  auto [head_error, head_bytes] = co_await bhttp::async_write_header(stream, serializer, net::as_tuple(net::use_awaitable));
  (void)head_bytes;
  if (head_error) co_return false;
  // The file is what the handler chose to send (a sealed database copy), but a wiped chunk costs nothing extra.
  std::vector<char, core::WipingAllocator<char>> chunk(kFileChunkBytes);
  std::uint64_t sent = 0;
  while (sent < file->size) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), file->size - sent));
    const ssize_t got = ::pread(file->file.get(), chunk.data(), want, static_cast<off_t>(sent));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      log::error("cannot read the file a response streams; the connection is closed short of its body",
                 {{"request_id", request_id}, {"error", got < 0 ? std::strerror(errno) : "the file is shorter"}});
      co_return false;
    }
    message.body().data = chunk.data();
    message.body().size = static_cast<std::size_t>(got);
    message.body().more = true;
    transport.expires_after(idle_timeout);
    auto [error, written] = co_await bhttp::async_write(stream, serializer, net::as_tuple(net::use_awaitable));
    (void)written;
    // need_buffer is the serializer asking for the next chunk, not a failure.
    if (error && error != bhttp::error::need_buffer) co_return false;
    sent += static_cast<std::uint64_t>(got);
  }
  message.body().data = nullptr;
  message.body().size = 0;
  message.body().more = false;
  transport.expires_after(idle_timeout);
  auto [end_error, end_bytes] = co_await bhttp::async_write(stream, serializer, net::as_tuple(net::use_awaitable));
  (void)end_bytes;
  co_return !end_error;
}

}  // namespace csms::http
