// http_client.cpp: Beast request/response exchange on a generic stream socket, driven with per-operation deadlines.
#include "http_client.hpp"

#include <stdexcept>
#include <system_error>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>

#include "beast_response.hpp"

namespace csms_test {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using error_code = boost::system::error_code;
using generic_stream = net::generic::stream_protocol;

generic_stream::endpoint to_generic(const Endpoint& endpoint) {
  if (endpoint.kind == Endpoint::Kind::unix_socket) {
    return generic_stream::endpoint(net::local::stream_protocol::endpoint(endpoint.unix_path.string()));
  }
  return generic_stream::endpoint(net::ip::tcp::endpoint(net::ip::make_address(endpoint.host), endpoint.port));
}

}  // namespace

struct HttpClient::Impl {
  Endpoint endpoint;
  std::chrono::milliseconds timeout;
  net::io_context ioc;
  std::optional<generic_stream::socket> socket;
  boost::beast::flat_buffer buffer;
  std::size_t connections = 0;

  Impl(Endpoint e, std::chrono::milliseconds t) : endpoint(std::move(e)), timeout(t) {}

  // Runs the io_context until `done` or the deadline; on timeout closes the socket, lets the aborted handlers run
  // and throws.
  void run_until(const bool& done, std::string_view what) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    ioc.restart();
    while (!done) {
      if (ioc.run_one_until(deadline) == 0) break;
    }
    if (done) return;
    drop();
    throw std::runtime_error("timeout after " + std::to_string(timeout.count()) + " ms during " + std::string(what) +
                             " on " + endpoint.describe());
  }

  // Closes the socket and completes any outstanding handlers with operation_aborted.
  void drop() {
    if (socket) {
      error_code ignored;
      socket->close(ignored);
    }
    ioc.restart();
    ioc.run();
    socket.reset();
    buffer.clear();
  }

  void connect() {
    socket.emplace(ioc);
    buffer.clear();
    bool done = false;
    error_code result;
    socket->async_connect(to_generic(endpoint), [&](error_code ec) {
      done = true;
      result = ec;
    });
    run_until(done, "connect");
    if (result) {
      drop();
      throw std::runtime_error("cannot connect to " + endpoint.describe() + ": " + result.message());
    }
    ++connections;
  }

  std::string host_header() const {
    if (endpoint.kind == Endpoint::Kind::unix_socket) return "localhost";
    return endpoint.host + ":" + std::to_string(endpoint.port);
  }
};

HttpClient::HttpClient(Endpoint endpoint, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(std::move(endpoint), timeout)) {}

HttpClient::~HttpClient() {
  if (impl_) impl_->drop();
}

HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

HttpResponse HttpClient::request(std::string_view method, std::string_view target, std::optional<std::string> body,
                                 const HeaderList& headers) {
  Impl& im = *impl_;
  if (!im.socket) im.connect();

  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, im.host_header());
  req.set(http::field::user_agent, "csmsd-integration-tests");
  req.set(http::field::accept, "application/json");
  if (body) {
    req.set(http::field::content_type, "application/json;charset=UTF-8");
    req.body() = std::move(*body);
    req.content_length(req.body().size());
  } else if (method == "POST" || method == "PUT" || method == "DELETE") {
    req.set(http::field::content_type, "application/json");
    req.content_length(0);
  }
  for (const auto& [name, value] : headers) req.set(name, value);

  http::response_parser<http::string_body> parser;
  parser.header_limit(1024 * 1024);
  parser.body_limit(64 * 1024 * 1024);

  bool wrote = false;
  bool read = false;
  error_code write_ec;
  error_code read_ec;
  http::async_write(*im.socket, req, [&](error_code ec, std::size_t) {
    wrote = true;
    write_ec = ec;
  });
  http::async_read(*im.socket, im.buffer, parser, [&](error_code ec, std::size_t) {
    read = true;
    read_ec = ec;
  });
  const std::string what = std::string(method) + " " + std::string(target);
  im.run_until(read, what);

  if (read_ec) {
    const std::string detail = read_ec.message() + (write_ec ? " (write: " + write_ec.message() + ")" : "");
    im.drop();
    throw std::runtime_error("no response to " + what + " on " + im.endpoint.describe() + ": " + detail);
  }
  HttpResponse response = detail::to_http_response(parser.get());
  if (!wrote || write_ec || !response.keep_alive) {
    // The server answered before taking the whole request, or asked to close: this connection is finished.
    response.keep_alive = response.keep_alive && wrote && !write_ec;
    im.drop();
  }
  return response;
}

HttpResponse HttpClient::post_json(std::string_view target, const boost::json::value& body) {
  return request("POST", target, boost::json::serialize(body));
}

HttpResponse HttpClient::put_json(std::string_view target, const boost::json::value& body) {
  return request("PUT", target, boost::json::serialize(body));
}

std::size_t HttpClient::connections_opened() const { return impl_->connections; }

bool HttpClient::connected() const { return impl_->socket.has_value(); }

void HttpClient::close() { impl_->drop(); }

const Endpoint& HttpClient::endpoint() const { return impl_->endpoint; }

}  // namespace csms_test
