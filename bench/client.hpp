// client.hpp: one HTTP/1.1 keep-alive connection to csmsd that (re)connects on demand and optionally signs requests.
#pragma once

#include "options.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/verb.hpp>

#include <string>

namespace csms_bench {

struct Reply {
  unsigned status = 0;  ///< 0: the connection failed (connect, write or read); it is closed and reopened next time
  std::string body;
};

class Client {
 public:
  Client(boost::asio::any_io_executor executor, const Options& options);

  /// Sends one request and reads its answer. Never throws for transport failures; those give status 0.
  boost::asio::awaitable<Reply> send(boost::beast::http::verb method, std::string target, std::string body);

 private:
  boost::asio::awaitable<bool> connect();
  void close();

  const Options& options_;
  std::string host_header_;
  // One socket type for both transports, so the request path is the same code for Unix and TCP.
  boost::asio::generic::stream_protocol::socket socket_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace csms_bench
