// client.cpp: connecting, signing (SDK-HMAC-SHA256 as the Python SDK does) and one request/answer exchange.
#include "client.hpp"

#include "auth/sdk_signature.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <chrono>
#include <ctime>
#include <utility>
#include <vector>

namespace csms_bench {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;

constexpr std::string_view kContentType = "application/json;charset=UTF-8";

std::string sdk_date_now() {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char date[32];
  const std::size_t length = std::strftime(date, sizeof date, "%Y%m%dT%H%M%SZ", &utc);
  return std::string(date, length);
}

}  // namespace

Client::Client(net::any_io_executor executor, const Options& options)
    : options_(options),
      host_header_(options.target.kind == Target::Kind::kUnix ? std::string("localhost")
                                                               : options.target.describe()),
      socket_(std::move(executor)) {}

net::awaitable<bool> Client::connect() {
  boost::system::error_code ec;
  const Target& target = options_.target;
  if (target.kind == Target::Kind::kUnix) {
    co_await socket_.async_connect(net::local::stream_protocol::endpoint(target.path),
                                   net::redirect_error(net::use_awaitable, ec));
  } else {
    net::ip::tcp::resolver resolver(socket_.get_executor());
    const auto endpoints = co_await resolver.async_resolve(target.host, std::to_string(target.port),
                                                           net::redirect_error(net::use_awaitable, ec));
    if (!ec) {
      ec = net::error::host_not_found;
      for (const auto& entry : endpoints) {
        close();
        co_await socket_.async_connect(entry.endpoint(), net::redirect_error(net::use_awaitable, ec));
        if (!ec) break;
      }
    }
    if (!ec) {
      // Small requests and answers: without TCP_NODELAY Nagle plus delayed ACK would dominate the latency.
      const int one = 1;
      ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
  }
  if (ec) close();
  co_return !ec;
}

void Client::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
  buffer_.clear();
}

net::awaitable<Reply> Client::send(http::verb method, std::string target, std::string body) {
  Reply reply;
  if (!socket_.is_open() && !co_await connect()) co_return reply;

  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, host_header_);
  request.set(http::field::content_type, kContentType);
  request.set("X-Project-Id", options_.project);
  request.keep_alive(true);
  if (!options_.access_key.empty()) {
    // The Python SDK's signed set: content-type, host, x-project-id, x-sdk-date (already in canonical order).
    const std::string date = sdk_date_now();
    const std::vector<std::pair<std::string, std::string>> headers{{"content-type", std::string(kContentType)},
                                                                   {"host", host_header_},
                                                                   {"x-project-id", options_.project},
                                                                   {"x-sdk-date", date}};
    const std::string_view whole(target);
    const auto question = whole.find('?');
    const std::string_view query = question == std::string_view::npos ? std::string_view() : whole.substr(question + 1);
    const csms::auth::SignedRequestView view{http::to_string(method), whole.substr(0, question), query, headers, body};
    request.set("X-Sdk-Date", date);
    request.set(http::field::authorization,
                csms::auth::sign_request(view, options_.access_key, options_.secret_key,
                                         {"content-type", "host", "x-project-id", "x-sdk-date"}));
  }
  request.body() = std::move(body);
  request.prepare_payload();

  boost::system::error_code ec;
  co_await http::async_write(socket_, request, net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    close();
    co_return reply;
  }
  http::response<http::string_body> response;
  co_await http::async_read(socket_, buffer_, response, net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    close();
    co_return reply;
  }
  reply.status = response.result_int();
  reply.body = std::move(response.body());
  if (!response.keep_alive()) close();
  co_return reply;
}

}  // namespace csms_bench
