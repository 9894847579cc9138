// webhook_client_test.cpp: only loopback http URLs are accepted, and a POST reports the server's answer.
#include "http/webhook_client.hpp"

#include <catch2/catch.hpp>

namespace {

using csms::http::parse_loopback_url;

TEST_CASE("loopback webhook URLs parse", "[unit][http][webhook]") {
  auto url = parse_loopback_url("http://127.0.0.1:8080/hook?x=1");
  REQUIRE(url.has_value());
  CHECK(url->host == "127.0.0.1");
  CHECK(url->port == 8080);
  CHECK(url->target == "/hook?x=1");
  CHECK(url->text == "http://127.0.0.1:8080/hook");  // what logs and errors show: a token in the query stays out
  url = parse_loopback_url("http://localhost");
  REQUIRE(url.has_value());
  CHECK(url->host == "127.0.0.1");
  CHECK(url->port == 80);
  CHECK(url->target == "/");
  url = parse_loopback_url("http://[::1]:9000/a");
  REQUIRE(url.has_value());
  CHECK(url->host == "::1");
  CHECK(url->port == 9000);
  url = parse_loopback_url("http://127.1.2.3:1/");
  REQUIRE(url.has_value());
}

TEST_CASE("non-loopback or non-http webhook URLs are refused", "[unit][http][webhook]") {
  for (const char* text : {"https://127.0.0.1/", "http://192.0.2.1/", "http://example.com/", "http://[::2]/",
                           "http://user@127.0.0.1/", "http://127.0.0.1:0/", "http://127.0.0.1:99999/",
                           "ftp://127.0.0.1/", "http://[::1/"}) {
    INFO(text);
    const auto url = parse_loopback_url(text);
    REQUIRE_FALSE(url.has_value());
    CHECK(url.error().detail.find("loopback") != std::string::npos);
  }
}

TEST_CASE("a POST to a port nobody listens on fails within the timeout", "[unit][http][webhook]") {
  // Port 1 on loopback is closed on any test machine (it would need root and a service).
  const auto url = parse_loopback_url("http://127.0.0.1:1/hook");
  REQUIRE(url.has_value());
  const auto posted = csms::http::post_json(*url, "{}", std::chrono::seconds(2));
  REQUIRE_FALSE(posted.has_value());
  CHECK(posted.error().detail.find("POST http://127.0.0.1:1/hook failed") != std::string::npos);
}

}  // namespace
