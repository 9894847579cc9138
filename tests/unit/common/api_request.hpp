// api_request.hpp: building in-process API requests (no socket) for the api suites: method names, peers, requests.
#pragma once

#include "http/message.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <exception>
#include <optional>
#include <string>

#include <unistd.h>

namespace csms::unit {

inline std::string method_name(http::Method method) {
  switch (method) {
    case http::Method::kGet: return "GET";
    case http::Method::kPost: return "POST";
    case http::Method::kPut: return "PUT";
    case http::Method::kDelete: return "DELETE";
    case http::Method::kOther: return "PATCH";
  }
  return "PATCH";
}

/// The test process itself on a Unix socket: the daemon's own uid, admin on every project by default.
inline http::Peer own_unix_peer(std::string address = {}) {
  http::Peer own;
  own.transport = http::Peer::Transport::kUnix;
  own.uid = ::getuid();
  own.gid = ::getgid();
  own.pid = ::getpid();
  own.address = std::move(address);
  return own;
}

/// A request as the session would hand it to the API: target split into path and query, a fixed request id.
inline http::Request make_request(http::Method method, const std::string& target, const std::string& body,
                                  const http::Peer& peer, const http::HeaderList& headers) {
  http::Request request;
  request.method = method;
  request.method_name = method_name(method);
  request.target = target;
  const auto question = target.find('?');
  request.path = target.substr(0, question);
  request.raw_query = question == std::string::npos ? "" : target.substr(question + 1);
  request.body.assign(body.begin(), body.end());
  request.request_id = "0123456789abcdef0123456789abcdef";
  request.peer = peer;
  request.headers = headers;
  return request;
}

/// Runs the handler's coroutine to completion on a private io_context, as a session would (including waiting for a
/// group-committed write, whose completion arrives from the store's writer thread).
inline http::Response handle_in_process(http::RequestHandler& handler, http::Request& request) {
  boost::asio::io_context io;
  auto keep_running = boost::asio::make_work_guard(io);
  std::optional<http::Response> response;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, handler.handle(request), [&](std::exception_ptr error, http::Response answer) {
    failure = error;
    response = std::move(answer);
    keep_running.reset();
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*response);
}

/// An answer as the api suites inspect it: the body, and its JSON when there is one (a body that is not JSON fails).
struct Reply {
  unsigned status = 0;
  std::string body;
  std::string content_type;
  boost::json::value json;
};

/// Sends one in-process request through `handler`.
inline Reply call_api(http::RequestHandler& handler, http::Method method, const std::string& target,
                      const std::string& body, const http::Peer& peer, const http::HeaderList& headers) {
  auto request = make_request(method, target, body, peer, headers);
  const auto response = handle_in_process(handler, request);
  Reply reply{response.status, std::string(response.body.begin(), response.body.end()), response.content_type, {}};
  if (!reply.body.empty()) {
    boost::system::error_code ec;
    reply.json = boost::json::parse(reply.body, ec);
    INFO(reply.body);
    REQUIRE_FALSE(ec);
  }
  return reply;
}

}  // namespace csms::unit
