// http_response.cpp: header lookup, JSON access and raw parsing for HttpResponse.
#include "http_response.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/json/parse.hpp>

#include "beast_response.hpp"

namespace csms_test {
namespace {

namespace http = boost::beast::http;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string shorten(std::string_view text, std::size_t limit = 2000) {
  if (text.size() <= limit) return std::string(text);
  return std::string(text.substr(0, limit)) + "...(" + std::to_string(text.size()) + " bytes)";
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

std::size_t HttpResponse::header_count(std::string_view name) const {
  return static_cast<std::size_t>(
      std::count_if(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); }));
}

boost::json::value HttpResponse::json() const {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) throw std::runtime_error("response body is not JSON (" + ec.message() + "): " + describe());
  return value;
}

std::string HttpResponse::describe() const {
  std::string text = "HTTP " + std::to_string(status) + " " + reason;
  if (auto id = header("X-Request-Id")) text += "; X-Request-Id: " + *id;
  text += "; body: " + (body.empty() ? std::string("<empty>") : shorten(body));
  return text;
}

namespace detail {

HttpResponse to_http_response(const http::response<http::string_body>& message) {
  HttpResponse response;
  response.status = static_cast<int>(message.result_int());
  response.reason = std::string(message.reason());
  for (const auto& field : message) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = message.body();
  response.keep_alive = message.keep_alive();
  return response;
}

}  // namespace detail

std::optional<HttpResponse> try_parse_http_response(std::string_view raw, bool eof, std::size_t* consumed) {
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  parser.header_limit(1024 * 1024);
  parser.body_limit(64 * 1024 * 1024);
  boost::system::error_code ec;
  std::size_t used = 0;
  while (used < raw.size() && !parser.is_done()) {
    const std::size_t n = parser.put(boost::asio::buffer(raw.data() + used, raw.size() - used), ec);
    if (ec == http::error::need_more) break;
    if (ec) throw std::runtime_error("not an HTTP response (" + ec.message() + "): " + shorten(raw));
    if (n == 0) break;
    used += n;
  }
  if (!parser.is_done() && eof && parser.is_header_done()) {
    parser.put_eof(ec);
    if (ec) throw std::runtime_error("truncated HTTP response (" + ec.message() + "): " + shorten(raw));
  }
  if (!parser.is_done()) return std::nullopt;
  if (consumed != nullptr) *consumed = used;
  return detail::to_http_response(parser.get());
}

HttpResponse parse_http_response(std::string_view raw) {
  auto response = try_parse_http_response(raw, true);
  if (!response) throw std::runtime_error("incomplete HTTP response: " + shorten(raw));
  return *response;
}

}  // namespace csms_test
