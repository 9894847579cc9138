// wire.cpp: converting between Beast messages and the transport-neutral Request/Response.
#include "http/wire.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>

#include <cctype>
#include <cstdint>
#include <string_view>

namespace csms::http {
namespace {

namespace bhttp = boost::beast::http;

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

// Errors that mean the peer sent something that is not HTTP, as opposed to going away or timing out.
bool is_protocol_error(const boost::system::error_code& ec) {
  if (ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) return false;
  return ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::header_limit && ec != bhttp::error::body_limit;
}

}  // namespace

void apply_limits(RequestParser& parser, const Limits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
  // The parser checks Content-Length against this as soon as the head is complete, before the session could allow
  // a request more than body_bytes; the session narrows it once it has seen the head (see session.cpp).
  parser.body_limit(limits.max_body_bytes);
}

namespace {

// Everything but the body.
Request head_of(const bhttp::request<SecureBody, SecureFields>& message) {
  Request request;
  request.method = to_method(message.method());
  request.method_name = std::string(message.method_string());
  request.target = std::string(message.target());
  const std::size_t question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) request.raw_query = request.target.substr(question + 1);
  for (const auto& field : message) request.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
  return request;
}

}  // namespace

Request to_request(bhttp::request<SecureBody, SecureFields>&& message, Peer peer, std::string request_id) {
  Request request = head_of(message);
  request.body = std::move(message.body());
  request.request_id = std::move(request_id);
  request.peer = std::move(peer);
  return request;
}

Request to_request_head(const bhttp::request<SecureBody, SecureFields>& message, const Peer& peer) {
  Request request = head_of(message);
  request.peer = peer;
  return request;
}

std::optional<std::uint64_t> declared_body_length(const RequestParser& parser) {
  if (parser.chunked()) return std::nullopt;
  const auto length = parser.content_length();
  if (!length) return std::nullopt;
  return *length;
}

namespace {

// The headers every response carries, whatever its body.
template <class Message>
void set_common_headers(Message& message, const Response& response, const std::string& request_id) {
  message.set(bhttp::field::server, "csmsd");
  message.set("X-Request-Id", request_id);
  for (const auto& [name, value] : response.headers) message.set(name, value);
}

}  // namespace

WireResponse to_message(Response&& response, unsigned version, bool keep_alive, const std::string& request_id) {
  WireResponse message{static_cast<bhttp::status>(response.status), version};
  set_common_headers(message, response, request_id);
  if (!response.body.empty()) message.set(bhttp::field::content_type, response.content_type);
  message.body() = std::move(response.body);
  message.keep_alive(keep_alive);
  message.prepare_payload();
  // RFC 9110 8.6: no Content-Length on 204.
  if (response.status == 204) message.erase(bhttp::field::content_length);
  return message;
}

WireFileResponse to_file_message(const Response& response, unsigned version, bool keep_alive,
                                 const std::string& request_id) {
  WireFileResponse message{static_cast<bhttp::status>(response.status), version};
  set_common_headers(message, response, request_id);
  message.set(bhttp::field::content_type, response.content_type);
  message.keep_alive(keep_alive);
  message.content_length(response.file_body->size);
  message.body().data = nullptr;
  message.body().size = 0;
  message.body().more = true;
  return message;
}

std::optional<TransportError> classify_read_error(const boost::system::error_code& ec) {
  if (ec == bhttp::error::header_limit) return TransportError::kHeaderTooLarge;
  if (ec == bhttp::error::body_limit) return TransportError::kBodyTooLarge;
  if (is_protocol_error(ec)) return TransportError::kMalformedRequest;
  return std::nullopt;
}

}  // namespace csms::http
