// router_test.cpp: route matching: literals beat parameters, method mismatches, encoding, decoded parameters.
#include "http/router.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace {

using csms::http::Method;
using Router = csms::http::Router<std::string>;
using Outcome = Router::Outcome;

Router make_router(bool literal_first) {
  Router router;
  if (literal_first) router.add(Method::kPost, "/v1/{project_id}/secrets/restore", "restore");
  router.add(Method::kPost, "/v1/{project_id}/secrets", "create");
  router.add(Method::kGet, "/v1/{project_id}/secrets", "list");
  router.add(Method::kGet, "/v1/{project_id}/secrets/{secret_name}", "show");
  router.add(Method::kPost, "/v1/{project_id}/secrets/{secret_name}", "post-secret");
  router.add(Method::kDelete, "/v1/{project_id}/secrets/{secret_name}", "delete");
  router.add(Method::kGet, "/v1/{project_id}/secrets/{secret_name}/versions/{version_id}", "show-version");
  if (!literal_first) router.add(Method::kPost, "/v1/{project_id}/secrets/restore", "restore");
  return router;
}

TEST_CASE("split_path drops the leading slash and keeps empty segments", "[unit][http][router]") {
  using V = std::vector<std::string_view>;
  CHECK(csms::http::split_path("/a/b") == V{"a", "b"});
  CHECK(csms::http::split_path("a/b") == V{"a", "b"});
  CHECK(csms::http::split_path("/") == V{""});
  CHECK(csms::http::split_path("") == V{""});
  CHECK(csms::http::split_path("/a//b/") == V{"a", "", "b", ""});
}

TEST_CASE("a matched route carries its decoded parameters", "[unit][http][router]") {
  const Router router = make_router(GENERATE(true, false));
  const auto match = router.match(Method::kGet, "/v1/proj/secrets/my-secret/versions/v3");
  REQUIRE(match.outcome == Outcome::kMatched);
  REQUIRE(match.route != nullptr);
  CHECK(*match.route == "show-version");
  CHECK(match.params.at("project_id") == "proj");
  CHECK(match.params.at("secret_name") == "my-secret");
  CHECK(match.params.at("version_id") == "v3");
  CHECK(match.params.size() == 3);
}

TEST_CASE("literal segments beat parameters whatever the registration order", "[unit][http][router]") {
  const Router router = make_router(GENERATE(true, false));
  auto match = router.match(Method::kPost, "/v1/proj/secrets/restore");
  REQUIRE(match.outcome == Outcome::kMatched);
  CHECK(*match.route == "restore");
  CHECK(match.params.count("secret_name") == 0);
  // Another name at the same place is a parameter.
  match = router.match(Method::kPost, "/v1/proj/secrets/restorex");
  REQUIRE(match.outcome == Outcome::kMatched);
  CHECK(*match.route == "post-secret");
  // GET of "restore" is served by the parameter route.
  match = router.match(Method::kGet, "/v1/proj/secrets/restore");
  REQUIRE(match.outcome == Outcome::kMatched);
  CHECK(*match.route == "show");
  CHECK(match.params.at("secret_name") == "restore");
}

TEST_CASE("the method selects among routes of one path", "[unit][http][router]") {
  const Router router = make_router(true);
  CHECK(*router.match(Method::kGet, "/v1/p/secrets").route == "list");
  CHECK(*router.match(Method::kPost, "/v1/p/secrets").route == "create");
  CHECK(*router.match(Method::kDelete, "/v1/p/secrets/x").route == "delete");
}

TEST_CASE("a known path with another method is kWrongMethod", "[unit][http][router]") {
  const Router router = make_router(true);
  const auto [method, path] = GENERATE(table<Method, std::string>({
      {Method::kPut, "/v1/p/secrets"},
      {Method::kDelete, "/v1/p/secrets"},
      {Method::kOther, "/v1/p/secrets/x"},
      {Method::kPut, "/v1/p/secrets/x"},
      {Method::kPost, "/v1/p/secrets/x/versions/v1"},
  }));
  INFO(path);
  const auto match = router.match(method, path);
  CHECK(match.outcome == Outcome::kWrongMethod);
  CHECK(match.route == nullptr);
}

TEST_CASE("an unknown path is kNoPath", "[unit][http][router]") {
  const Router router = make_router(true);
  const std::string path = GENERATE(as<std::string>{}, "/", "", "/v1", "/v1/p", "/v2/p/secrets", "/v1/p/secret",
                                    "/v1/p/secrets/x/versions", "/v1/p/secrets/x/versions/v1/extra",
                                    "/V1/p/secrets");
  INFO(path);
  const auto match = router.match(Method::kGet, path);
  CHECK(match.outcome == Outcome::kNoPath);
  CHECK(match.route == nullptr);
}

TEST_CASE("a malformed escape in the path is kBadEncoding", "[unit][http][router]") {
  const Router router = make_router(true);
  const std::string path = GENERATE(as<std::string>{}, "/v1/p/secrets/%zz", "/v1/p%/secrets", "/v1/p/secrets/a%2",
                                    "/nowhere/%");
  INFO(path);
  CHECK(router.match(Method::kGet, path).outcome == Outcome::kBadEncoding);
}

TEST_CASE("escapes are decoded per segment: %2F stays inside its parameter", "[unit][http][router]") {
  const Router router = make_router(true);
  auto match = router.match(Method::kGet, "/v1/p/secrets/a%2Fb");
  REQUIRE(match.outcome == Outcome::kMatched);
  CHECK(*match.route == "show");
  CHECK(match.params.at("secret_name") == "a/b");

  match = router.match(Method::kGet, "/v1/p/secrets/a%2Fb/versions/v%31");
  REQUIRE(match.outcome == Outcome::kMatched);
  CHECK(*match.route == "show-version");
  CHECK(match.params.at("secret_name") == "a/b");
  CHECK(match.params.at("version_id") == "v1");

  match = router.match(Method::kGet, "/v1/my%20project/secrets/x+y");
  REQUIRE(match.outcome == Outcome::kMatched);
  CHECK(match.params.at("project_id") == "my project");
  CHECK(match.params.at("secret_name") == "x+y");

  // Literal segments are compared after decoding.
  match = router.match(Method::kGet, "/v1/p/%73ecrets");
  REQUIRE(match.outcome == Outcome::kMatched);
  CHECK(*match.route == "list");
}

TEST_CASE("for_each visits every route", "[unit][http][router]") {
  const Router router = make_router(true);
  int count = 0;
  router.for_each([&](Method, const std::vector<std::string>& segments, const std::string&) {
    ++count;
    CHECK(segments.front() == "v1");
  });
  CHECK(count == 7);
}

}  // namespace
