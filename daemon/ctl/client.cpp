// client.cpp: Beast request/response on a generic stream socket, driven by an io_context with one deadline.
#include "ctl/client.hpp"

#include "auth/sdk_signature.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace csms::ctl {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using error_code = boost::system::error_code;
using GenericStream = net::generic::stream_protocol;
// Wiping storage for everything that may carry a secret: the request and response bodies and the read buffer.
using SecureBody = http::basic_string_body<char, std::char_traits<char>, core::WipingAllocator<char>>;
using ReadBuffer = boost::beast::basic_flat_buffer<core::WipingAllocator<char>>;
// The request's header fields carry the token.
using SecureFields = http::basic_fields<core::WipingAllocator<char>>;
using Request = http::request<SecureBody, SecureFields>;

GenericStream::endpoint to_endpoint(const Target& target) {
  if (target.kind == Target::Kind::kUnix) {
    return GenericStream::endpoint(net::local::stream_protocol::endpoint(target.socket.string()));
  }
  return GenericStream::endpoint(net::ip::tcp::endpoint(net::ip::make_address(target.host), target.port));
}

// One exchange. Each step is asynchronous only so that it can be abandoned at the deadline.
class Exchange {
 public:
  Exchange(const Target& target, std::chrono::milliseconds timeout, std::uint64_t body_limit)
      : target_(target), timeout_(timeout), body_limit_(body_limit), deadline_(std::chrono::steady_clock::now() + timeout), socket_(ioc_) {}

  ~Exchange() {
    error_code ignored;
    socket_.close(ignored);
  }

  core::Result<Answer> run(Request& request) {
    CSMS_TRY_ASSIGN(const error_code write_ec, send(request));
    error_code ec;
    http::response_parser<SecureBody> parser;
    parser.body_limit(body_limit_);
    CSMS_TRY(step("receive", ec, [&](auto done) {
      http::async_read(socket_, buffer_, parser, [done](error_code e, std::size_t) { done(e); });
    }));
    if (ec) {
      const error_code& cause = write_ec ? write_ec : ec;
      return unreachable("no answer from csmsd at " + target_.describe() + ": " + cause.message());
    }
    http::response<SecureBody> response = parser.release();
    return Answer{response.result_int(), std::move(response.body())};
  }

  // The same exchange with the body of a 2xx answer handed to `sink` a read buffer at a time; each wait has a
  // deadline of its own.
  core::Result<Answer> run_streamed(Request& request, BodySink& sink) {
    CSMS_TRY_ASSIGN(const error_code write_ec, send(request));
    error_code ec;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);  // what is held at once is the chunk below, whatever the answer's size
    restart_deadline();
    CSMS_TRY(step("receive", ec, [&](auto done) {
      http::async_read_header(socket_, buffer_, parser, [done](error_code e, std::size_t) { done(e); });
    }));
    if (ec) {
      const error_code& cause = write_ec ? write_ec : ec;
      return unreachable("no answer from csmsd at " + target_.describe() + ": " + cause.message());
    }
    const unsigned status = parser.get().result_int();
    const bool success = status / 100 == 2;
    if (success) {
      const auto length = parser.content_length();
      CSMS_TRY(sink.begin(length ? std::optional<std::uint64_t>(*length) : std::nullopt));
    }
    core::SecureString error_body;
    std::vector<char, core::WipingAllocator<char>> chunk(kStreamChunkBytes);
    while (!parser.is_done()) {
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      restart_deadline();
      CSMS_TRY(step("receive", ec, [&](auto done) {
        http::async_read(socket_, buffer_, parser, [done](error_code e, std::size_t) { done(e); });
      }));
      if (ec == http::error::need_buffer) ec = {};  // the chunk is full: hand it on and read on
      if (ec) return unreachable("the answer from csmsd at " + target_.describe() + " broke off: " + ec.message());
      const std::string_view piece(chunk.data(), chunk.size() - parser.get().body().size);
      if (success) {
        CSMS_TRY(sink.write(piece));
      } else if (error_body.size() + piece.size() <= kDefaultBodyLimit) {
        error_body.append(piece.data(), piece.size());
      } else {
        return unreachable("the error answer from csmsd at " + target_.describe() + " is too large");
      }
    }
    return Answer{status, std::move(error_body)};
  }

 private:
  static constexpr std::size_t kStreamChunkBytes = 64 * 1024;

  static core::Error unreachable(std::string detail) {
    return core::make_error(core::Errc::kUnavailable, std::move(detail));
  }

  void restart_deadline() { deadline_ = std::chrono::steady_clock::now() + timeout_; }

  // Connects and writes the request. An error when either cannot finish; a failed write is returned as a value,
  // since the daemon may have answered (401, 413) before reading the whole request and then closed.
  core::Result<error_code> send(Request& request) {
    error_code ec;
    CSMS_TRY(step("connect", ec, [&](auto done) { socket_.async_connect(to_endpoint(target_), done); }));
    if (ec) {
      return unreachable("cannot reach csmsd at " + target_.describe() + ": " + ec.message() +
                         " (is it running? --socket, --data-dir or --url say where it listens)");
    }
    CSMS_TRY(step("send", ec, [&](auto done) {
      http::async_write(socket_, request, [done](error_code e, std::size_t) { done(e); });
    }));
    return ec;
  }

  // Starts one operation and runs it to completion or to the deadline; its own error lands in `ec`.
  template <class Start>
  core::Status step(std::string_view what, error_code& ec, Start start) {
    bool finished = false;
    ec = {};
    start([&finished, &ec](error_code e) {
      finished = true;
      ec = e;
    });
    ioc_.restart();
    while (!finished && ioc_.run_one_until(deadline_) != 0) {
    }
    if (finished) return core::ok();
    // Closing aborts the operation; its handler must still run before the locals it captures go away.
    error_code ignored;
    socket_.close(ignored);
    ioc_.restart();
    ioc_.run();
    return unreachable("no answer from csmsd at " + target_.describe() + " within " +
                       std::to_string(timeout_.count()) + " ms (during " + std::string(what) + ")");
  }

  const Target& target_;
  std::chrono::milliseconds timeout_;
  std::uint64_t body_limit_;
  std::chrono::steady_clock::time_point deadline_;
  net::io_context ioc_;
  GenericStream::socket socket_;
  ReadBuffer buffer_;
};

// X-Sdk-Date as the SDKs write it: UTC, %Y%m%dT%H%M%SZ.
std::string sdk_date_now() {
  const std::time_t seconds = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y%m%dT%H%M%SZ", &utc);
  return date;
}

// Signs like the Python SDK: content-type (with a body), host and x-sdk-date, over the exact body bytes.
void sign(Request& request, const AccessKey& key) {
  const std::string date = sdk_date_now();
  request.set("X-Sdk-Date", date);
  std::vector<std::pair<std::string, std::string>> headers;
  if (request.count(http::field::content_type) != 0) {
    headers.emplace_back("content-type", std::string(request[http::field::content_type]));
  }
  headers.emplace_back("host", std::string(request[http::field::host]));
  headers.emplace_back("x-sdk-date", date);
  std::vector<std::string> signed_headers;
  for (const auto& header : headers) signed_headers.push_back(header.first);
  const std::string_view target(request.target().data(), request.target().size());
  const std::size_t question = target.find('?');
  const auth::SignedRequestView view{
      std::string_view(request.method_string().data(), request.method_string().size()), target.substr(0, question),
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1), headers,
      std::string_view(request.body().data(), request.body().size())};
  // The Authorization value is an HMAC, not the key: it may sit in an ordinary string.
  request.set(http::field::authorization,
              auth::sign_request(view, key.access_key,
                                 std::string_view(key.secret_key.data(), key.secret_key.size()), signed_headers));
}

// The request as every command sends it: Host, one connection per request, the token or the SDK signature.
Request prepare(const Target& target, const std::optional<core::SecureString>& token,
                const std::optional<AccessKey>& access_key, std::string_view method, std::string_view path,
                const core::SecureString* body) {
  Request request;
  request.method_string(method);
  request.target(path);
  request.version(11);
  request.set(http::field::host,
              target.kind == Target::Kind::kUnix ? std::string("localhost") : target.host + ":" +
                                                                                  std::to_string(target.port));
  request.set(http::field::user_agent, "csmsctl/0.1.0");
  request.set(http::field::accept, "application/json");
  request.set(http::field::connection, "close");
  if (token) request.set("X-Auth-Token", std::string_view(token->data(), token->size()));
  if (body) {
    request.set(http::field::content_type, "application/json;charset=UTF-8");
    request.body() = *body;
  }
  request.prepare_payload();
  if (access_key) sign(request, *access_key);
  return request;
}

}  // namespace

Client::Client(Target target, std::optional<core::SecureString> token, std::chrono::milliseconds timeout,
               std::optional<AccessKey> access_key)
    : target_(std::move(target)), token_(std::move(token)), timeout_(timeout), access_key_(std::move(access_key)) {}

core::Result<Answer> Client::request(std::string_view method, std::string_view path,
                                     const core::SecureString* body, std::uint64_t body_limit) const {
  Request request = prepare(target_, token_, access_key_, method, path, body);
  return Exchange(target_, timeout_, body_limit).run(request);
}

core::Result<Answer> Client::stream(std::string_view method, std::string_view path, BodySink& sink) const {
  Request request = prepare(target_, token_, access_key_, method, path, nullptr);
  return Exchange(target_, timeout_, kDefaultBodyLimit).run_streamed(request, sink);
}

}  // namespace csms::ctl
