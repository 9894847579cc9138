// webhook_client.cpp: loopback URL parsing and the Beast POST on a private io_context.
#include "http/webhook_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <charconv>

namespace csms::http {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;

core::Error bad_url(std::string_view url, std::string_view why) {
  return core::make_error(core::Errc::kInvalidParameter,
                          "the webhook URL '" + std::string(url) + "' " + std::string(why) +
                              "; only loopback URLs are allowed: http://127.0.0.1, http://[::1] or http://localhost");
}

}  // namespace

core::Result<LoopbackUrl> parse_loopback_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return bad_url(url, "is not a plain http:// URL");
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  LoopbackUrl parsed;
  parsed.text = std::string(url.substr(0, url.find('?')));
  if (slash != std::string_view::npos) {
    parsed.target = std::string(rest.substr(slash));
    if (parsed.target.front() == '?') parsed.target.insert(parsed.target.begin(), '/');
  }
  if (authority.find('@') != std::string_view::npos) return bad_url(url, "carries user information");
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with("[")) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(url, "has an unterminated [IPv6] host");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(":")) return bad_url(url, "has text after the host");
      port = after.substr(1);
    }
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (!port.empty()) {
    unsigned number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || end != port.data() + port.size() || number == 0 || number > 65535) {
      return bad_url(url, "has a bad port");
    }
    parsed.port = static_cast<std::uint16_t>(number);
  }
  if (host == "localhost") {
    parsed.host = "127.0.0.1";
    return parsed;
  }
  boost::system::error_code ec;
  const auto address = net::ip::make_address(std::string(host), ec);
  if (ec || !address.is_loopback()) return bad_url(url, "does not name a loopback host");
  parsed.host = address.to_string();
  return parsed;
}

core::Status post_json(const LoopbackUrl& url, std::string_view body, std::chrono::milliseconds timeout) {
  net::io_context io(1);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  beast::http::request<beast::http::string_body> request{beast::http::verb::post, url.target, 11};
  // An IPv6 literal is bracketed in Host (RFC 9110), or "::1:8080" would read as an address without a port.
  const std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  request.set(beast::http::field::host, host + ":" + std::to_string(url.port));
  request.set(beast::http::field::user_agent, "csmsd");
  request.set(beast::http::field::content_type, "application/json");
  request.body() = std::string(body);
  request.prepare_payload();
  request.keep_alive(false);
  beast::http::response<beast::http::string_body> response;
  boost::system::error_code failure;
  // One deadline for the whole exchange: tcp_stream's timer covers each async step, and it is not re-armed.
  stream.expires_after(timeout);
  const net::ip::tcp::endpoint endpoint(net::ip::make_address(url.host), url.port);
  stream.async_connect(endpoint, [&](boost::system::error_code connected) {
    if (connected) {
      failure = connected;
      return;
    }
    beast::http::async_write(stream, request, [&](boost::system::error_code sent, std::size_t) {
      if (sent) {
        failure = sent;
        return;
      }
      beast::http::async_read(stream, buffer, response,
                              [&](boost::system::error_code received, std::size_t) { failure = received; });
    });
  });
  io.run();
  boost::system::error_code ignored;
  stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  if (failure) {
    return core::make_error(core::Errc::kUnavailable, "POST " + url.text + " failed: " + failure.message());
  }
  if (response.result_int() < 200 || response.result_int() > 299) {
    return core::make_error(core::Errc::kUnavailable,
                            "POST " + url.text + " answered HTTP " + std::to_string(response.result_int()));
  }
  return core::ok();
}

}  // namespace csms::http
