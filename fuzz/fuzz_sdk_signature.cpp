// fuzz_sdk_signature.cpp: the SDK-HMAC-SHA256 Authorization parser, canonicalizer and verifier, and URL decoding.
//
// Input, in lines: the Authorization header value, the method, the target (path?query), then "name:value" headers
// up to an empty line, then the body. Besides not crashing, these must hold (a broken one aborts):
// - a parsed Authorization has the SDK-HMAC-SHA256 algorithm, an access key, signed headers and 64 hex digits;
// - a canonical URI ends in '/', and canonicalising a canonical query again changes nothing;
// - whatever sign_request signs, parse_authorization parses and verify_signature accepts (with the same SK), and
//   a different SK is refused;
// - the query parser and the router's path splitting agree with the canonicalizer about malformed escapes.
#include "auth/sdk_signature.hpp"
#include "core/percent_encoding.hpp"
#include "http/router.hpp"
#include "http/url.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace csms;

constexpr std::string_view kSecretKey = "exampleSK/+=0123456789abcdefghijklmnopqrs";
constexpr std::string_view kAccessKey = "HPUAEXAMPLEAK0000001";

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_sdk_signature: %s\n", what);
  std::abort();
}

std::string_view next_line(std::string_view& rest) {
  const auto newline = rest.find('\n');
  const std::string_view line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
  return line;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A name the Authorization header can carry back unchanged: no separator of its syntax, no surrounding blanks.
bool is_plain_header_name(std::string_view name) {
  return !name.empty() && std::none_of(name.begin(), name.end(), [](char c) {
    return c == ',' || c == ';' || c == '=' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
  });
}

void check_authorization(std::string_view value) {
  const auto parsed = auth::parse_authorization(value);
  if (!parsed) {
    if (parsed.error().code != core::Errc::kUnauthenticated) fail("parse_authorization failed with another error");
    return;
  }
  if (parsed->algorithm != auth::kSdkAlgorithm) fail("parsed another algorithm");
  if (parsed->access_key.empty() || parsed->signed_headers.empty()) fail("parsed an empty part");
  if (parsed->signature.size() != 64 || !is_lower_hex(parsed->signature)) fail("parsed a bad signature");
  for (const std::string& name : parsed->signed_headers) {
    if (name.empty()) fail("parsed an empty signed header name");
  }
}

void check_url(std::string_view path, std::string_view query) {
  for (const auto mode : {auth::PathCanonicalization::kDecodeThenEncode, auth::PathCanonicalization::kEncodeAsSent}) {
    const auto uri = auth::canonical_uri(path, mode);
    if (uri && (uri->empty() || uri->back() != '/')) fail("a canonical URI does not end in '/'");
    if (!uri && mode == auth::PathCanonicalization::kEncodeAsSent) fail("encoding as sent cannot fail");
  }
  const bool path_decodes = core::percent_decode(path).has_value();
  if (auth::canonical_uri(path, auth::PathCanonicalization::kDecodeThenEncode).has_value() != path_decodes) {
    fail("canonical_uri and percent_decode disagree about the path");
  }
  bool segments_decode = true;
  for (const std::string_view segment : http::split_path(path)) segments_decode &= core::percent_decode(segment).has_value();
  if (segments_decode != path_decodes) fail("the router and the canonicalizer disagree about the path");

  const auto canonical = auth::canonical_query(query);
  if (canonical.has_value() != http::parse_query(query).has_value()) {
    fail("canonical_query and parse_query disagree about the query");
  }
  if (canonical) {
    const auto again = auth::canonical_query(*canonical);
    if (!again || *again != *canonical) fail("canonical_query is not idempotent");
  }
}

void check_sign_and_verify(std::string_view method, std::string_view path, std::string_view query,
                           const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body) {
  const auth::SignedRequestView view{method, path, query, headers, body};
  std::vector<std::string> signed_headers;
  for (const auto& [name, value] : headers) {
    if (!is_plain_header_name(name)) return;
    if (std::find(signed_headers.begin(), signed_headers.end(), name) == signed_headers.end()) {
      signed_headers.push_back(name);
    }
  }
  for (const auto mode : {auth::PathCanonicalization::kDecodeThenEncode, auth::PathCanonicalization::kEncodeAsSent}) {
    (void)auth::canonical_request(view, signed_headers, mode);
  }
  const std::string authorization = auth::sign_request(view, kAccessKey, kSecretKey, signed_headers);
  if (authorization.empty()) return;
  const auto parsed = auth::parse_authorization(authorization);
  if (!parsed) fail("a signed Authorization does not parse");
  if (parsed->access_key != kAccessKey) fail("a signed Authorization names another access key");
  if (!auth::verify_signature(view, *parsed, kSecretKey)) fail("a signed request does not verify");
  if (auth::verify_signature(view, *parsed, "another secret key")) fail("a signed request verifies with another SK");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view authorization = next_line(rest);
  const std::string_view method = next_line(rest);
  const std::string_view target = next_line(rest);
  std::vector<std::pair<std::string, std::string>> headers;
  while (!rest.empty()) {
    const std::string_view line = next_line(rest);
    if (line.empty()) break;
    const auto colon = line.find(':');
    headers.emplace_back(lower(line.substr(0, colon)),
                         colon == std::string_view::npos ? std::string() : std::string(line.substr(colon + 1)));
  }
  const std::string_view body = rest;
  const auto question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

  check_authorization(authorization);
  check_url(path, query);
  for (const auto& [name, value] : headers) {
    if (name == auth::kSdkDateHeader) (void)auth::check_sdk_date(value, 1'704'110'400);
  }
  (void)auth::check_sdk_date(authorization, 1'704'110'400);
  check_sign_and_verify(method, path, query, headers, body);

  // The header as given, against the request as given (what the daemon does for every signed request).
  if (const auto parsed = auth::parse_authorization(authorization)) {
    (void)auth::verify_signature({method, path, query, headers, body}, *parsed, kSecretKey);
  }
  return 0;
}
