// sdk_signature_test.cpp: SDK-HMAC-SHA256 against the worked examples of signing.md, plus the verifier's refusals.
#include "auth/sdk_signature.hpp"

#include "common/unit_env.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using csms::auth::PathCanonicalization;
using csms::auth::SignedRequestView;
using csms::core::Errc;
using csms::unit::expect_ok;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kAccessKey = "HPUAEXAMPLEAK0000001";
constexpr std::string_view kSecretKey = "exampleSK/+=0123456789abcdefghijklmnopqrs";
constexpr std::string_view kSdkDate = "20240101T120000Z";
constexpr std::int64_t kSdkDateEpoch = 1'704'110'400;  // 2024-01-01 12:00:00 UTC
constexpr std::string_view kProject = "0123456789abcdef0123456789abcdef";
constexpr std::string_view kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const std::vector<std::string> kPythonSignedHeaders{"content-type", "host", "user-agent", "x-project-id",
                                                    "x-sdk-date"};

// Headers as the transport hands them over: names lower-case, unsigned extras included, not in signing order.
Headers example_headers(std::string_view content_type) {
  return {
      {"user-agent", "huaweicloud-usdk-python/3.0; test"},
      {"accept", "*/*"},
      {"content-type", std::string(content_type)},
      {"x-project-id", std::string(kProject)},
      {"x-sdk-date", std::string(kSdkDate)},
      {"host", "127.0.0.1:8443"},
      {"connection", "keep-alive"},
  };
}

// One example request with storage for everything the view borrows.
struct Example {
  std::string method;
  std::string raw_path;
  std::string raw_query;
  Headers headers;
  std::string body;

  SignedRequestView view() const { return SignedRequestView{method, raw_path, raw_query, headers, body}; }
};

Example example_a() {
  Example example{"POST", "/v1/0123456789abcdef0123456789abcdef/secrets/db%20pass/versions",
                  "limit=10&limit=2&marker=a%20b%2Fc", example_headers("application/json;charset=UTF-8"),
                  R"({"secret_string": "s3cr3t-v2"})"};
  example.headers.emplace_back("content-length", "29");
  return example;
}

Example example_b() {
  return Example{"GET", "/v1/0123456789abcdef0123456789abcdef/secrets", "limit=2&marker=app-db",
                 example_headers("application/json"), ""};
}

Example example_c() {
  return Example{"PUT", "/v1/0123456789abcdef0123456789abcdef/secrets/app-db/stages/PENDING", "",
                 example_headers("application/json;charset=UTF-8"), R"({"version_id":"v1"})"};
}

std::string python_signature(const Example& example) {
  const std::string canonical =
      expect_ok(csms::auth::canonical_request(example.view(), kPythonSignedHeaders,
                                              PathCanonicalization::kDecodeThenEncode));
  return csms::auth::compute_signature(kSecretKey, csms::auth::string_to_sign(kSdkDate, canonical));
}

csms::auth::AuthorizationHeader authorization_for(std::string signature,
                                                  std::vector<std::string> signed_headers = kPythonSignedHeaders) {
  return csms::auth::AuthorizationHeader{"SDK-HMAC-SHA256", std::string(kAccessKey), std::move(signed_headers),
                                         std::move(signature)};
}

void set_header(Headers& headers, std::string_view name, std::string value) {
  for (auto& [header_name, header_value] : headers) {
    if (header_name == name) {
      header_value = std::move(value);
      return;
    }
  }
  FAIL("no header " << name);
}

void remove_header(Headers& headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& header) { return header.first == name; });
}

TEST_CASE("example A: canonical request, string to sign and signature, byte for byte", "[unit][auth][signature]") {
  const Example example = example_a();
  const std::string canonical = expect_ok(csms::auth::canonical_request(example.view(), kPythonSignedHeaders,
                                                                       PathCanonicalization::kDecodeThenEncode));
  CHECK(canonical ==
        "POST\n"
        "/v1/0123456789abcdef0123456789abcdef/secrets/db%20pass/versions/\n"
        "limit=10&limit=2&marker=a%20b%2Fc\n"
        "content-type:application/json;charset=UTF-8\n"
        "host:127.0.0.1:8443\n"
        "user-agent:huaweicloud-usdk-python/3.0; test\n"
        "x-project-id:0123456789abcdef0123456789abcdef\n"
        "x-sdk-date:20240101T120000Z\n"
        "\n"
        "content-type;host;user-agent;x-project-id;x-sdk-date\n"
        "cf3f497cc315536b96476b862d86b9ab6537f576fe7565d1d25ceb649d5c527d");
  const std::string to_sign = csms::auth::string_to_sign(kSdkDate, canonical);
  CHECK(to_sign ==
        "SDK-HMAC-SHA256\n"
        "20240101T120000Z\n"
        "8e22ee05705d98df54bfbf50a937efaea90a476750d92fe421acc117079b0bbb");
  CHECK(csms::auth::compute_signature(kSecretKey, to_sign) ==
        "a619ed65f2718915afb5c5da9cf435755d21b1abf93a5216777eb317b8db1787");
}

TEST_CASE("example A: sign_request produces the documented Authorization header", "[unit][auth][signature]") {
  const Example example = example_a();
  CHECK(csms::auth::sign_request(example.view(), kAccessKey, kSecretKey, kPythonSignedHeaders) ==
        "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, "
        "SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, "
        "Signature=a619ed65f2718915afb5c5da9cf435755d21b1abf93a5216777eb317b8db1787");
}

TEST_CASE("example A in npm style encodes the path as sent and signs differently", "[unit][auth][signature]") {
  Example example = example_a();
  // The npm core hashes JSON.stringify(data), which is also the compact body axios sends.
  example.body = R"({"secret_string":"s3cr3t-v2"})";
  set_header(example.headers, "content-length", "28");
  CHECK(expect_ok(csms::auth::canonical_uri(example.raw_path, PathCanonicalization::kEncodeAsSent)) ==
        "/v1/0123456789abcdef0123456789abcdef/secrets/db%2520pass/versions/");
  const std::string canonical = expect_ok(
      csms::auth::canonical_request(example.view(), kPythonSignedHeaders, PathCanonicalization::kEncodeAsSent));
  const std::string signature =
      csms::auth::compute_signature(kSecretKey, csms::auth::string_to_sign(kSdkDate, canonical));
  CHECK(signature == "b388de12e3eb26966ca824b29540f2720cf8f557f9c2f1459dc3ecef400550a5");
  CHECK(signature != "a619ed65f2718915afb5c5da9cf435755d21b1abf93a5216777eb317b8db1787");
  expect_ok(csms::auth::verify_signature(example.view(), authorization_for(signature), kSecretKey));
}

TEST_CASE("example B: GET without a body", "[unit][auth][signature]") {
  const Example example = example_b();
  const std::string canonical = expect_ok(csms::auth::canonical_request(example.view(), kPythonSignedHeaders,
                                                                       PathCanonicalization::kDecodeThenEncode));
  CHECK(canonical.ends_with(std::string("\n") + std::string(kEmptyHash)));
  CHECK(csms::auth::string_to_sign(kSdkDate, canonical).ends_with(
      "\nce479220f7635a501c43e3bbfc5200760f41de72d0f7eb54fc33208c6d1e4f61"));
  CHECK(python_signature(example) == "4656b483f616a05fa78c0ba65a885b406a3d520c4006c978b90cdfd7acb25218");
  // No '%' in the path, so both SDK conventions agree.
  const std::string npm_canonical = expect_ok(
      csms::auth::canonical_request(example.view(), kPythonSignedHeaders, PathCanonicalization::kEncodeAsSent));
  CHECK(npm_canonical == canonical);
}

TEST_CASE("example C: PUT with a JSON body and no query", "[unit][auth][signature]") {
  const Example example = example_c();
  const std::string canonical = expect_ok(csms::auth::canonical_request(example.view(), kPythonSignedHeaders,
                                                                       PathCanonicalization::kDecodeThenEncode));
  CHECK(canonical.starts_with("PUT\n/v1/0123456789abcdef0123456789abcdef/secrets/app-db/stages/PENDING/\n\n"));
  CHECK(canonical.ends_with("\na3fd00ecfce7dec94f92be8a44be0e27b3d516472e742710142a55fb413774e1"));
  CHECK(csms::auth::string_to_sign(kSdkDate, canonical).ends_with(
      "\n0b8eb6e07b3dee12ed764890306eeb40b834836225914bc9c3d724c814e16132"));
  CHECK(python_signature(example) == "6315008a8c91992a1fb25eb6dca808b71a58816104e5ff16a394bcf9fa4c31de");
}

TEST_CASE("verify_signature accepts the worked examples", "[unit][auth][verify]") {
  SECTION("A") {
    const Example example = example_a();
    expect_ok(csms::auth::verify_signature(
        example.view(), authorization_for("a619ed65f2718915afb5c5da9cf435755d21b1abf93a5216777eb317b8db1787"),
        kSecretKey));
  }
  SECTION("B") {
    const Example example = example_b();
    expect_ok(csms::auth::verify_signature(
        example.view(), authorization_for("4656b483f616a05fa78c0ba65a885b406a3d520c4006c978b90cdfd7acb25218"),
        kSecretKey));
  }
  SECTION("C") {
    const Example example = example_c();
    expect_ok(csms::auth::verify_signature(
        example.view(), authorization_for("6315008a8c91992a1fb25eb6dca808b71a58816104e5ff16a394bcf9fa4c31de"),
        kSecretKey));
  }
  SECTION("A through parse_authorization") {
    const Example example = example_a();
    const auto header = expect_ok(csms::auth::parse_authorization(
        csms::auth::sign_request(example.view(), kAccessKey, kSecretKey, kPythonSignedHeaders)));
    CHECK(header.access_key == kAccessKey);
    expect_ok(csms::auth::verify_signature(example.view(), header, kSecretKey));
  }
}

TEST_CASE("verify_signature accepts the npm signed-header set without user-agent", "[unit][auth][verify]") {
  const Example example = example_c();
  const std::vector<std::string> npm_headers{"content-type", "host", "x-project-id", "x-sdk-date"};
  const std::string canonical = expect_ok(
      csms::auth::canonical_request(example.view(), npm_headers, PathCanonicalization::kEncodeAsSent));
  const std::string signature =
      csms::auth::compute_signature(kSecretKey, csms::auth::string_to_sign(kSdkDate, canonical));
  expect_ok(csms::auth::verify_signature(example.view(), authorization_for(signature, npm_headers), kSecretKey));
}

TEST_CASE("verify_signature refuses anything that was changed after signing", "[unit][auth][verify]") {
  Example example = example_a();
  const auto authorization =
      authorization_for("a619ed65f2718915afb5c5da9cf435755d21b1abf93a5216777eb317b8db1787");

  SECTION("wrong secret key") {
    const auto status =
        csms::auth::verify_signature(example.view(), authorization, "exampleSK/+=0123456789abcdefghijklmnopqrt");
    CHECK_ERRC(status, Errc::kUnauthenticated);
    CHECK(status.error().detail == "the request signature does not match");
  }
  SECTION("tampered body") {
    example.body = R"({"secret_string": "s3cr3t-v3"})";
    CHECK_ERRC(csms::auth::verify_signature(example.view(), authorization, kSecretKey), Errc::kUnauthenticated);
  }
  SECTION("body dropped") {
    example.body.clear();
    CHECK_ERRC(csms::auth::verify_signature(example.view(), authorization, kSecretKey), Errc::kUnauthenticated);
  }
  SECTION("tampered signed header value") {
    set_header(example.headers, "x-project-id", "0123456789abcdef0123456789abcdee");
    CHECK_ERRC(csms::auth::verify_signature(example.view(), authorization, kSecretKey), Errc::kUnauthenticated);
  }
  SECTION("different host port") {
    set_header(example.headers, "host", "127.0.0.1:8444");
    CHECK_ERRC(csms::auth::verify_signature(example.view(), authorization, kSecretKey), Errc::kUnauthenticated);
  }
  SECTION("tampered date") {
    set_header(example.headers, "x-sdk-date", "20240101T120001Z");
    CHECK_ERRC(csms::auth::verify_signature(example.view(), authorization, kSecretKey), Errc::kUnauthenticated);
  }
  SECTION("tampered method") {
    example.method = "PUT";
    CHECK_ERRC(csms::auth::verify_signature(example.view(), authorization, kSecretKey), Errc::kUnauthenticated);
  }
  SECTION("tampered path") {
    example.raw_path = "/v1/0123456789abcdef0123456789abcdef/secrets/db%20pas/versions";
    CHECK_ERRC(csms::auth::verify_signature(example.view(), authorization, kSecretKey), Errc::kUnauthenticated);
  }
  SECTION("tampered query") {
    example.raw_query = "limit=10&limit=3&marker=a%20b%2Fc";
    CHECK_ERRC(csms::auth::verify_signature(example.view(), authorization, kSecretKey), Errc::kUnauthenticated);
  }
  SECTION("a signed header missing from the request") {
    remove_header(example.headers, "user-agent");
    const auto status = csms::auth::verify_signature(example.view(), authorization, kSecretKey);
    CHECK_ERRC(status, Errc::kUnauthenticated);
    CHECK(status.error().detail.find("user-agent") != std::string::npos);
  }
  SECTION("a signed header sent twice") {
    example.headers.emplace_back("host", "evil.example:8443");
    CHECK_ERRC(csms::auth::verify_signature(example.view(), authorization, kSecretKey), Errc::kUnauthenticated);
  }
  SECTION("no x-sdk-date header") {
    remove_header(example.headers, "x-sdk-date");
    const auto status = csms::auth::verify_signature(
        example.view(), authorization_for(authorization.signature, {"content-type", "host"}), kSecretKey);
    CHECK_ERRC(status, Errc::kUnauthenticated);
  }
  SECTION("signed-header list changed") {
    const auto fewer = authorization_for(authorization.signature, {"content-type", "host", "x-sdk-date"});
    CHECK_ERRC(csms::auth::verify_signature(example.view(), fewer, kSecretKey), Errc::kUnauthenticated);
  }
  SECTION("another algorithm") {
    auto other = authorization;
    other.algorithm = "AWS4-HMAC-SHA256";
    CHECK_ERRC(csms::auth::verify_signature(example.view(), other, kSecretKey), Errc::kUnauthenticated);
  }
}

TEST_CASE("verify_signature error details reveal neither the key nor the expected signature",
          "[unit][auth][verify]") {
  const Example example = example_a();
  const auto status = csms::auth::verify_signature(
      example.view(), authorization_for(std::string(64, '0')), kSecretKey);
  CHECK_ERRC(status, Errc::kUnauthenticated);
  const std::string& detail = status.error().detail;
  CHECK(detail.find(kSecretKey) == std::string::npos);
  CHECK(detail.find("a619ed65") == std::string::npos);
  CHECK(detail.find("b388de12") == std::string::npos);
}

TEST_CASE("header values are trimmed and SignedHeaders names are matched lower-case", "[unit][auth][canonical]") {
  Example example = example_b();
  const std::string reference = expect_ok(csms::auth::canonical_request(example.view(), kPythonSignedHeaders,
                                                                       PathCanonicalization::kDecodeThenEncode));
  set_header(example.headers, "user-agent", " \thuaweicloud-usdk-python/3.0; test  ");
  const std::vector<std::string> mixed_case{"Content-Type", "Host", "User-Agent", "X-Project-Id", "X-Sdk-Date"};
  CHECK(expect_ok(csms::auth::canonical_request(example.view(), mixed_case,
                                                PathCanonicalization::kDecodeThenEncode)) == reference);
}

TEST_CASE("payload hash: a declared X-Sdk-Content-Sha256 must be the body's, and UNSIGNED-PAYLOAD is refused",
          "[unit][auth][canonical]") {
  Example example = example_c();
  const std::string reference = expect_ok(csms::auth::canonical_request(example.view(), kPythonSignedHeaders,
                                                                       PathCanonicalization::kDecodeThenEncode));
  // The body's own hash, declared: the same canonical request as without the header.
  example.headers.emplace_back("x-sdk-content-sha256", "a3fd00ecfce7dec94f92be8a44be0e27b3d516472e742710142a55fb413774e1");
  CHECK(expect_ok(csms::auth::canonical_request(example.view(), kPythonSignedHeaders,
                                                PathCanonicalization::kDecodeThenEncode)) == reference);
  // Another body under the original body's declared hash: the signature must not carry over.
  example.body = R"({"version_id":"v9"})";
  CHECK_ERRC(csms::auth::canonical_request(example.view(), kPythonSignedHeaders, PathCanonicalization::kDecodeThenEncode),
             Errc::kUnauthenticated);
  set_header(example.headers, "x-sdk-content-sha256", "UNSIGNED-PAYLOAD");
  CHECK_ERRC(csms::auth::canonical_request(example.view(), kPythonSignedHeaders, PathCanonicalization::kDecodeThenEncode),
             Errc::kUnauthenticated);
  // Without a body the header plays no part.
  example.body.clear();
  const std::string without_body = expect_ok(csms::auth::canonical_request(
      example.view(), kPythonSignedHeaders, PathCanonicalization::kDecodeThenEncode));
  CHECK(without_body.ends_with(std::string("\n") + std::string(kEmptyHash)));
}

TEST_CASE("a head without its body verifies only against a declared X-Sdk-Content-Sha256", "[unit][auth][verify]") {
  Example example = example_c();
  const std::string reference = expect_ok(csms::auth::canonical_request(example.view(), kPythonSignedHeaders,
                                                                       PathCanonicalization::kDecodeThenEncode));
  Example head = example;
  head.body.clear();
  const auto head_view = [&]() {
    SignedRequestView view = head.view();
    view.body_follows = true;
    return csms::auth::canonical_request(view, kPythonSignedHeaders, PathCanonicalization::kDecodeThenEncode);
  };
  // Nothing declared: nothing to check the signature against before the body.
  CHECK_ERRC(head_view(), Errc::kUnauthenticated);
  head.headers.emplace_back("x-sdk-content-sha256", "UNSIGNED-PAYLOAD");
  CHECK_ERRC(head_view(), Errc::kUnauthenticated);
  // The body's hash declared: the head gives the canonical request the whole request gives.
  set_header(head.headers, "x-sdk-content-sha256", "a3fd00ecfce7dec94f92be8a44be0e27b3d516472e742710142a55fb413774e1");
  CHECK(expect_ok(head_view()) == reference);
}

TEST_CASE("canonical_uri decodes then encodes each segment and always ends in '/'", "[unit][auth][canonical]") {
  const auto python = PathCanonicalization::kDecodeThenEncode;
  const auto npm = PathCanonicalization::kEncodeAsSent;
  CHECK(expect_ok(csms::auth::canonical_uri("/v1/p/secrets/db%20pass", python)) == "/v1/p/secrets/db%20pass/");
  CHECK(expect_ok(csms::auth::canonical_uri("/v1/p/secrets/", python)) == "/v1/p/secrets/");
  CHECK(expect_ok(csms::auth::canonical_uri("/", python)) == "/");
  CHECK(expect_ok(csms::auth::canonical_uri("", python)) == "/");
  // Lower-case escapes and needlessly escaped unreserved characters come out in one canonical form.
  CHECK(expect_ok(csms::auth::canonical_uri("/a%2cb/%7e%41", python)) == "/a%2Cb/~A/");
  // A decoded %2F is a separator, as in the Python SDK.
  CHECK(expect_ok(csms::auth::canonical_uri("/a%2Fb", python)) == "/a/b/");
  CHECK(expect_ok(csms::auth::canonical_uri("/a:b@c", python)) == "/a%3Ab%40c/");
  CHECK(expect_ok(csms::auth::canonical_uri("/caf%C3%A9", python)) == "/caf%C3%A9/");
  CHECK(expect_ok(csms::auth::canonical_uri("/a%2Fb", npm)) == "/a%252Fb/");
  CHECK(expect_ok(csms::auth::canonical_uri("/a:b", npm)) == "/a%3Ab/");
  CHECK_ERRC(csms::auth::canonical_uri("/a%2", python), Errc::kUnauthenticated);
  CHECK_ERRC(csms::auth::canonical_uri("/a%zz", python), Errc::kUnauthenticated);
  CHECK_ERRC(csms::auth::canonical_uri("/a%", python), Errc::kUnauthenticated);
}

TEST_CASE("canonical_query: '+' is not a space", "[unit][auth][canonical]") {
  CHECK(expect_ok(csms::auth::canonical_query("q=a+b")) == "q=a%2Bb");
  CHECK(expect_ok(csms::auth::canonical_query("q=a%20b")) == "q=a%20b");
  CHECK(expect_ok(csms::auth::canonical_query("q=a%2bb")) == "q=a%2Bb");
}

TEST_CASE("canonical_query sorts by decoded key, then value", "[unit][auth][canonical]") {
  CHECK(expect_ok(csms::auth::canonical_query("")) == "");
  CHECK(expect_ok(csms::auth::canonical_query("limit=2&limit=10")) == "limit=10&limit=2");
  CHECK(expect_ok(csms::auth::canonical_query("marker=x&limit=5")) == "limit=5&marker=x");
  // Decoded, %61 is "a" and sorts before "b"; it is re-encoded as the plain letter.
  CHECK(expect_ok(csms::auth::canonical_query("b=1&%61=2")) == "a=2&b=1");
  // Encoded, "%C3%A9" would sort before "~" ('%' < '~'); decoded, 0xC3 sorts after 0x7E.
  CHECK(expect_ok(csms::auth::canonical_query("%C3%A9=1&~=2")) == "~=2&%C3%A9=1");
  // Encoded, "a%3A" would sort before "a0"; decoded, ':' (0x3A) sorts after '0' (0x30).
  CHECK(expect_ok(csms::auth::canonical_query("a%3A=1&a0=2")) == "a0=2&a%3A=1");
}

TEST_CASE("canonical_query keeps empty values and skips empty items", "[unit][auth][canonical]") {
  CHECK(expect_ok(csms::auth::canonical_query("flag")) == "flag=");
  CHECK(expect_ok(csms::auth::canonical_query("flag=")) == "flag=");
  CHECK(expect_ok(csms::auth::canonical_query("b=1&&a=2&")) == "a=2&b=1");
  CHECK(expect_ok(csms::auth::canonical_query("k=a=b")) == "k=a%3Db");
  CHECK_ERRC(csms::auth::canonical_query("k=%G1"), Errc::kUnauthenticated);
  CHECK_ERRC(csms::auth::canonical_query("%=1"), Errc::kUnauthenticated);
}

TEST_CASE("parse_authorization reads both separator styles", "[unit][auth][authorization]") {
  const std::string signature = "a619ed65f2718915afb5c5da9cf435755d21b1abf93a5216777eb317b8db1787";
  const std::string value = GENERATE_COPY(
      "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-sdk-date, Signature=" +
          signature,
      "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001,SignedHeaders=content-type;host;x-sdk-date,Signature=" +
          signature,
      "SDK-HMAC-SHA256 Signature=" + signature +
          ", Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-sdk-date");
  const auto header = expect_ok(csms::auth::parse_authorization(value));
  CHECK(header.algorithm == "SDK-HMAC-SHA256");
  CHECK(header.access_key == "HPUAEXAMPLEAK0000001");
  CHECK(header.signed_headers == std::vector<std::string>{"content-type", "host", "x-sdk-date"});
  CHECK(header.signature == signature);
}

TEST_CASE("parse_authorization refuses malformed headers", "[unit][auth][authorization]") {
  const std::string signature = "a619ed65f2718915afb5c5da9cf435755d21b1abf93a5216777eb317b8db1787";
  const std::string value = GENERATE_COPY(
      std::string(""),
      std::string("SDK-HMAC-SHA256"),
      "AWS4-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=" + signature,
      "sdk-hmac-sha256 Access=AK, SignedHeaders=host, Signature=" + signature,
      "Basic dXNlcjpwYXNz",
      "SDK-HMAC-SHA256 SignedHeaders=host, Signature=" + signature,
      "SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=" + signature,
      "SDK-HMAC-SHA256 Access=AK, Signature=" + signature,
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=, Signature=" + signature,
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;;x-sdk-date, Signature=" + signature,
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;, Signature=" + signature,
      std::string("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host"),
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=" + signature.substr(1) + "g",
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=" + signature.substr(2),
      std::string("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature="),
      "SDK-HMAC-SHA256 Access=AK, Access=AK2, SignedHeaders=host, Signature=" + signature,
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=" + signature + ", Extra=1",
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=" + signature + ",",
      "SDK-HMAC-SHA256 Access=AK SignedHeaders=host Signature=" + signature);
  INFO(value);
  const auto header = csms::auth::parse_authorization(value);
  CHECK_ERRC(header, Errc::kUnauthenticated);
  CHECK_FALSE(header.error().detail.empty());
}

TEST_CASE("check_sdk_date accepts dates within 15 minutes either way", "[unit][auth][date]") {
  expect_ok(csms::auth::check_sdk_date(kSdkDate, kSdkDateEpoch));
  expect_ok(csms::auth::check_sdk_date(kSdkDate, kSdkDateEpoch + 15 * 60));
  expect_ok(csms::auth::check_sdk_date(kSdkDate, kSdkDateEpoch - 15 * 60));
  expect_ok(csms::auth::check_sdk_date("20240101T121500Z", kSdkDateEpoch));
  expect_ok(csms::auth::check_sdk_date("20240101T114500Z", kSdkDateEpoch));
  expect_ok(csms::auth::check_sdk_date("20240229T000000Z", 1'709'164'800));  // leap day
}

TEST_CASE("check_sdk_date refuses dates just outside the window", "[unit][auth][date]") {
  CHECK_ERRC(csms::auth::check_sdk_date(kSdkDate, kSdkDateEpoch + 15 * 60 + 1), Errc::kUnauthenticated);
  CHECK_ERRC(csms::auth::check_sdk_date(kSdkDate, kSdkDateEpoch - 15 * 60 - 1), Errc::kUnauthenticated);
  CHECK_ERRC(csms::auth::check_sdk_date("20240101T121501Z", kSdkDateEpoch), Errc::kUnauthenticated);
  CHECK_ERRC(csms::auth::check_sdk_date("20240101T114459Z", kSdkDateEpoch), Errc::kUnauthenticated);
  CHECK_ERRC(csms::auth::check_sdk_date(kSdkDate, kSdkDateEpoch + 31, std::chrono::seconds(30)),
             Errc::kUnauthenticated);
  expect_ok(csms::auth::check_sdk_date(kSdkDate, kSdkDateEpoch + 30, std::chrono::seconds(30)));
  CHECK_ERRC(csms::auth::check_sdk_date(kSdkDate, INT64_MIN), Errc::kUnauthenticated);
  CHECK_ERRC(csms::auth::check_sdk_date(kSdkDate, INT64_MAX), Errc::kUnauthenticated);
}

TEST_CASE("check_sdk_date refuses malformed and impossible dates", "[unit][auth][date]") {
  const std::string value = GENERATE(as<std::string>{}, "", "20240101T120000", "20240101T120000z",
                                     "20240101t120000Z", "2024-01-01T12:00:00Z", "20240101 120000Z",
                                     "20240101T12000Z", "20240101T1200000Z", "2024010AT120000Z", "+0240101T120000Z",
                                     "20241301T120000Z", "20240001T120000Z", "20240230T120000Z", "20230229T120000Z",
                                     "20240100T120000Z", "20240101T240000Z", "20240101T126000Z", "20240101T120060Z",
                                     "Mon, 01 Jan 2024 12:00:00 GMT");
  INFO(value);
  CHECK_ERRC(csms::auth::check_sdk_date(value, kSdkDateEpoch), Errc::kUnauthenticated);
}

}  // namespace
