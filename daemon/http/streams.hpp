// streams.hpp: the three stream types a session runs on, shared by the accept loops and the session template.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/basic_stream.hpp>

#include <type_traits>

namespace csms::http {

using UnixStream = boost::beast::basic_stream<boost::asio::local::stream_protocol>;
using TcpStream = boost::beast::basic_stream<boost::asio::ip::tcp>;
// Asio's TLS stream, not beast::ssl_stream: Beast's flat_stream layer coalesces small writes (response headers and a
// secret-carrying body) into a buffer of its own that is freed without being wiped. Asio hands each buffer straight
// to OpenSSL, which encrypts it in place.
using TlsStream = boost::asio::ssl::stream<TcpStream>;

template <class Stream>
inline constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

}  // namespace csms::http
