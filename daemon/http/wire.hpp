// wire.hpp: the Beast message types a session reads and writes, and their conversion to and from Request/Response.
#pragma once

#include "core/wiping_allocator.hpp"
#include "http/limits.hpp"
#include "http/message.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace csms::http {

// Bodies live in wiping strings: a request or response body may hold a secret value.
using SecureBody = boost::beast::http::basic_string_body<char, std::char_traits<char>, core::WipingAllocator<char>>;
using ReadBuffer = boost::beast::basic_flat_buffer<core::WipingAllocator<char>>;
// Header fields too: X-Auth-Token and Authorization are credentials.
using SecureFields = boost::beast::http::basic_fields<core::WipingAllocator<char>>;
using RequestParser = boost::beast::http::request_parser<SecureBody, core::WipingAllocator<char>>;
using WireResponse = boost::beast::http::response<SecureBody>;
/// The head of a response whose body the session streams from a file (Response::file_body), a chunk at a time.
using WireFileResponse = boost::beast::http::response<boost::beast::http::buffer_body>;

/// A fresh parser for one request, held to the connection's header limit and to the largest body any request may
/// have; the session sets the request's own body limit once its head is read.
void apply_limits(RequestParser& parser, const Limits& limits);

/// The parsed message as the API sees it: method, target split into path and query, lower-cased header names.
Request to_request(boost::beast::http::request<SecureBody, SecureFields>&& message, Peer peer, std::string request_id);

/// The same for a message whose body has not been read yet (the Request's body is empty).
Request to_request_head(const boost::beast::http::request<SecureBody, SecureFields>& message, const Peer& peer);

/// The Content-Length a parsed head declares; nullopt for a chunked body or none.
std::optional<std::uint64_t> declared_body_length(const RequestParser& parser);

/// The response as written to the connection (Server, X-Request-Id, Content-Type and Content-Length set).
WireResponse to_message(Response&& response, unsigned version, bool keep_alive, const std::string& request_id);

/// The head for a Response with a file_body: the same headers as to_message, Content-Length the file's size; the
/// body pointers are left for the writer to fill.
WireFileResponse to_file_message(const Response& response, unsigned version, bool keep_alive,
                                 const std::string& request_id);

/// What a failed read is answered with: nullopt when there is nobody to answer (closed, reset, timed out).
std::optional<TransportError> classify_read_error(const boost::system::error_code& ec);

}  // namespace csms::http
