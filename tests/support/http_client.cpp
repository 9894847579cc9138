// http_client.cpp: Beast request/response exchange on a generic stream socket (optionally TLS), with per-operation
// deadlines.
#include "http_client.hpp"

#include <cctype>
#include <stdexcept>
#include <system_error>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "beast_response.hpp"

namespace csms_test {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using error_code = boost::system::error_code;
using generic_stream = net::generic::stream_protocol;
using tls_stream = ssl::stream<generic_stream::socket>;

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
  std::unique_ptr<ssl::context> tls_context;  ///< set when the endpoint asks for TLS
  std::optional<generic_stream::socket> socket;  ///< the connection, when plain
  std::optional<tls_stream> tls;                 ///< the connection, when TLS
  boost::beast::flat_buffer buffer;
  std::size_t connections = 0;
  HttpClient::Signer signer;

  Impl(Endpoint e, std::chrono::milliseconds t) : endpoint(std::move(e)), timeout(t) {
    if (!endpoint.tls_ca_file) return;
    if (endpoint.kind != Endpoint::Kind::tcp) throw std::invalid_argument("TLS needs a TCP endpoint");
    tls_context = std::make_unique<ssl::context>(ssl::context::tls_client);
    error_code ec;
    tls_context->load_verify_file(endpoint.tls_ca_file->string(), ec);
    if (ec) throw std::runtime_error("cannot load CA file " + endpoint.tls_ca_file->string() + ": " + ec.message());
    tls_context->set_verify_mode(ssl::verify_peer);
  }

  bool open() const { return socket || tls; }

  // Runs `f` on the connection's stream, whichever kind it is.
  template <class F>
  void with_stream(F&& f) {
    if (tls) {
      f(*tls);
    } else {
      f(*socket);
    }
  }

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
  // (No TLS close_notify: the tests only need the server to see the connection end.)
  void drop() {
    error_code ignored;
    if (socket) socket->close(ignored);
    if (tls) tls->next_layer().close(ignored);
    ioc.restart();
    ioc.run();
    socket.reset();
    tls.reset();
    buffer.clear();
  }

  void connect() {
    generic_stream::socket* transport = nullptr;
    if (tls_context) {
      tls.emplace(ioc, *tls_context);
      transport = &tls->next_layer();
    } else {
      socket.emplace(ioc);
      transport = &*socket;
    }
    buffer.clear();
    bool done = false;
    error_code result;
    transport->async_connect(to_generic(endpoint), [&](error_code ec) {
      done = true;
      result = ec;
    });
    run_until(done, "connect");
    if (result) {
      drop();
      throw std::runtime_error("cannot connect to " + endpoint.describe() + ": " + result.message());
    }
    if (tls) handshake();
    ++connections;
  }

  // Verifies the chain against the CA file and the certificate's names against the endpoint's host: an IP address
  // must appear as an IP SAN, a name as a DNS SAN (and is sent as SNI).
  void handshake() {
    X509_VERIFY_PARAM* param = ::SSL_get0_param(tls->native_handle());
    error_code parse_error;
    net::ip::make_address(endpoint.host, parse_error);
    const bool names_set =
        parse_error ? ::X509_VERIFY_PARAM_set1_host(param, endpoint.host.c_str(), endpoint.host.size()) == 1 &&
                          ::SSL_set_tlsext_host_name(tls->native_handle(), endpoint.host.c_str()) == 1
                    : ::X509_VERIFY_PARAM_set1_ip_asc(param, endpoint.host.c_str()) == 1;
    if (!names_set) {
      drop();
      throw std::runtime_error("cannot set the expected TLS peer name " + endpoint.host);
    }
    bool done = false;
    error_code result;
    tls->async_handshake(ssl::stream_base::client, [&](error_code ec) {
      done = true;
      result = ec;
    });
    run_until(done, "TLS handshake");
    if (result) {
      drop();
      throw std::runtime_error("TLS handshake with " + endpoint.describe() + " failed: " + result.message());
    }
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
  if (!im.open()) im.connect();

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
  if (im.signer) {
    HeaderList sent;
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      sent.emplace_back(std::move(name), std::string(field.value()));
    }
    for (const auto& [name, value] : im.signer(method, target, sent, req.body())) req.set(name, value);
  }

  http::response_parser<http::string_body> parser;
  parser.header_limit(1024 * 1024);
  parser.body_limit(64 * 1024 * 1024);

  bool wrote = false;
  bool read = false;
  error_code write_ec;
  error_code read_ec;
  im.with_stream([&](auto& stream) {
    http::async_write(stream, req, [&](error_code ec, std::size_t) {
      wrote = true;
      write_ec = ec;
    });
    http::async_read(stream, im.buffer, parser, [&](error_code ec, std::size_t) {
      read = true;
      read_ec = ec;
    });
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

void HttpClient::set_signer(Signer signer) { impl_->signer = std::move(signer); }

HttpResponse HttpClient::post_json(std::string_view target, const boost::json::value& body) {
  return request("POST", target, boost::json::serialize(body));
}

HttpResponse HttpClient::put_json(std::string_view target, const boost::json::value& body) {
  return request("PUT", target, boost::json::serialize(body));
}

std::size_t HttpClient::connections_opened() const { return impl_->connections; }

bool HttpClient::connected() const { return impl_->open(); }

void HttpClient::close() { impl_->drop(); }

const Endpoint& HttpClient::endpoint() const { return impl_->endpoint; }

}  // namespace csms_test
