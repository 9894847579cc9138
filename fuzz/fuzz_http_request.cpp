// fuzz_http_request.cpp: any bytes on a connection, through the daemon's HTTP parser, request conversion and API.
//
// The bytes go through what a session does (http/wire.hpp: Beast's parser with the daemon's limits, the conversion
// to http::Request, the answer to a refused request) and then api::Api::handle over a real SQLite store: routing,
// authentication (peer rules, SDK signature, token), authorization, JSON decoding, validation, the handler and the
// response. Pipelined requests on one "connection" are served in turn, as with keep-alive. A request carrying an
// Authorization or X-Auth-Token header arrives over TCP (so those credentials are what is checked); any other from
// the daemon's own uid on its socket, so that it reaches the handlers. Crashes are: a sanitizer report, an exception
// out of the API, a 5xx answer, an error body without error_code and error_msg, or a response the client side of
// Beast cannot parse back.
#include "api_harness.hpp"
#include "byte_streams.hpp"

#include "http/wire.hpp"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

namespace bhttp = boost::beast::http;
using namespace csms;

// Enough to exercise keep-alive and pipelining; more only slows each input down.
constexpr int kMaxRequestsPerInput = 8;
const std::string kRequestId = "0123456789abcdef0123456789abcdef";

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_http_request: %s\n", what);
  std::abort();
}

// Writes the response as a session would, then reads it back as a client: the status must survive the trip.
void write_and_reparse(http::Response&& response, unsigned version, bool keep_alive) {
  const unsigned status = response.status;
  auto message = http::to_message(std::move(response), version, keep_alive, kRequestId);
  fuzz::OutputStream out;
  boost::system::error_code ec;
  bhttp::write(out, message, ec);
  if (ec) fail("writing a response failed");
  bhttp::response_parser<bhttp::string_body> client;
  client.body_limit(boost::none);
  fuzz::InputStream back(out.bytes());
  boost::beast::flat_buffer buffer;
  bhttp::read(back, buffer, client, ec);
  // A response without Content-Length (204) ends at end of stream, which Beast reports as end_of_stream.
  if (ec && ec != bhttp::error::end_of_stream) fail("a written response does not parse back");
  if (client.get().result_int() != status) fail("a written response has another status");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::InputStream connection(std::string_view(reinterpret_cast<const char*>(data), size));
  http::ReadBuffer buffer;
  const http::Limits limits;
  for (int served = 0; served < kMaxRequestsPerInput; ++served) {
    http::RequestParser parser;
    http::apply_limits(parser, limits);
    boost::system::error_code ec;
    bhttp::read_header(connection, buffer, parser, ec);
    if (!ec && !parser.is_done()) bhttp::read(connection, buffer, parser, ec);
    if (ec) {
      // As the session does: refuse what is not HTTP or too large; a stream that just ends gets no answer.
      if (const auto failure = http::classify_read_error(ec)) {
        auto response = fuzz::transport_error(*failure, kRequestId, fuzz::tcp_peer());
        fuzz::check_response(response);
        write_and_reparse(std::move(response), 11, false);
      }
      break;
    }
    const unsigned version = parser.get().version();
    const bool keep_alive = parser.get().keep_alive();
    http::Request request = http::to_request(parser.release(), fuzz::owner_peer(), kRequestId);
    if (!request.header("authorization").empty() || !request.header("x-auth-token").empty()) {
      request.peer = fuzz::tcp_peer();
    }
    auto response = fuzz::handle(request);
    fuzz::trace(request, response);
    fuzz::check_response(response);
    write_and_reparse(std::move(response), version, keep_alive);
    if (!keep_alive) break;
  }
  return 0;
}
