// errors_test.cpp: the error table (status and CSMS code per Errc) and the rendered error bodies.
#include "api/errors.hpp"

#include "common/unit_env.hpp"

#include <boost/json/parse.hpp>

#include <string>

namespace {

using csms::core::Errc;

boost::json::value body_of(const csms::http::Response& response) {
  return boost::json::parse(std::string(response.body.begin(), response.body.end()));
}

TEST_CASE("every Errc maps to the status and code of docs/api-decisions.md", "[unit][api][errors]") {
  const auto [code, status, csms_code] = GENERATE(table<Errc, unsigned, std::string>({
      {Errc::kInvalidParameter, 400, "CSMS.0002"},
      {Errc::kMalformedBody, 400, "CSMS.0004"},
      {Errc::kInvalidRequest, 400, "CSMS.0003"},
      {Errc::kHeaderTooLarge, 431, "CSMS.0003"},
      {Errc::kPayloadTooLarge, 413, "CSMS.0003"},
      {Errc::kUnauthenticated, 401, "CSMS.0301"},
      {Errc::kForbidden, 403, "CSMS.0302"},
      {Errc::kNotFound, 404, "CSMS.0005"},
      {Errc::kAlreadyExists, 409, "CSMS.0101"},
      {Errc::kSecretPendingDeletion, 400, "CSMS.0103"},
      {Errc::kSecretNotEnabled, 403, "CSMS.0109"},
      {Errc::kSecretAlreadyPendingDeletion, 400, "CSMS.0107"},
      {Errc::kSecretNotPendingDeletion, 400, "CSMS.0108"},
      {Errc::kSystemStageNotDeletable, 400, "CSMS.0105"},
      {Errc::kStageLimitReached, 400, "CSMS.0203"},
      {Errc::kStageListTooLong, 400, "CSMS.0204"},
      {Errc::kBusy, 409, "CSMS.0003"},
      {Errc::kUnavailable, 500, "CSMS.0001"},
      {Errc::kStorageFull, 500, "CSMS.0001"},
      {Errc::kCryptoFailure, 500, "CSMS.0001"},
      {Errc::kInternal, 500, "CSMS.0001"},
  }));
  INFO(csms::core::errc_name(code));
  const auto info = csms::api::error_info(code);
  CHECK(info.status == status);
  CHECK(info.code == csms_code);
  CHECK_FALSE(info.message.empty());

  const auto response = csms::api::error_response(csms::core::make_error(code, "some detail"));
  CHECK(response.status == status);
  const auto body = body_of(response);
  REQUIRE(body.is_object());
  CHECK(body.as_object().size() == 2);
  CHECK(body.at("error_code").as_string() == csms_code);
  const std::string message(body.at("error_msg").as_string());
  CHECK(message.find(std::string(info.message)) == 0);
}

TEST_CASE("caller-facing errors carry their detail, internal ones hide it", "[unit][api][errors]") {
  auto body = body_of(csms::api::error_response(csms::core::make_error(Errc::kNotFound, "the secret x does not exist")));
  CHECK(std::string(body.at("error_msg").as_string()).find("the secret x does not exist") != std::string::npos);

  const Errc hidden = GENERATE(Errc::kInternal, Errc::kUnavailable, Errc::kStorageFull, Errc::kCryptoFailure);
  body = body_of(csms::api::error_response(
      csms::core::make_error(hidden, "sqlite: /home/user/.local/share/csmsd/csmsd.db disk I/O error")));
  const std::string message(body.at("error_msg").as_string());
  CHECK(message.find("/home/user") == std::string::npos);
  CHECK(message.find("sqlite") == std::string::npos);
  CHECK_FALSE(message.empty());
}

TEST_CASE("the nested shape wraps the same fields in error", "[unit][api][errors]") {
  const auto response = csms::api::error_response(csms::core::make_error(Errc::kNotFound, "gone"),
                                                  csms::api::ErrorShape::kNested);
  CHECK(response.status == 404);
  const auto body = body_of(response);
  REQUIRE(body.is_object());
  CHECK(body.as_object().size() == 1);
  CHECK(body.at("error").at("error_code").as_string() == "CSMS.0005");
  CHECK(body.at("error").at("error_msg").is_string());
}

}  // namespace

TEST_CASE("an error message quoting bytes that are not UTF-8 is still JSON text (found by fuzz_http_request)",
          "[unit][api][errors]") {
  // A path of raw bytes, a truncated sequence, an overlong '/', a surrogate, and well-formed two- to four-byte ones.
  const std::string detail = "no operation is served at /v1/\x89\x9a/\xE2\x82 \xC0\xAF \xED\xA0\x80 \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  const auto response = csms::api::error_response(csms::core::make_error(Errc::kInvalidRequest, detail));
  boost::system::error_code ec;
  const auto body = boost::json::parse(std::string(response.body.begin(), response.body.end()), ec);
  REQUIRE_FALSE(ec);
  const std::string message(body.at("error_msg").as_string());
  const std::string bad = "\xEF\xBF\xBD";
  CHECK(message == "The request is invalid. no operation is served at /v1/" + bad + bad + "/" + bad + bad + " " + bad +
                       bad + " " + bad + bad + bad + " \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}
