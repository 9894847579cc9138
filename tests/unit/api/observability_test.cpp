// observability_test.cpp: /healthz, /readyz and /metrics through api::Api in-process over a real store: who may
// call them, what they answer, and that the request counters count what was served.
#include "api/routes.hpp"

#include "common/api_env.hpp"
#include "domain/master_key_check.hpp"

#include <unistd.h>

#include <string>

namespace {

using csms::http::Method;
using csms::unit::kProject;

struct TextReply {
  unsigned status = 0;
  std::string body;
  std::string content_type;
};

struct Env : csms::unit::ApiEnv {
  TextReply text(const std::string& target) {
    auto request = csms::unit::make_request(Method::kGet, target, "", peer, headers);
    const auto response = csms::unit::handle_in_process(api, request);
    return {response.status, std::string(response.body.begin(), response.body.end()), response.content_type};
  }
  void use_tcp_without_credentials() {
    peer = csms::http::Peer{};
    peer.transport = csms::http::Peer::Transport::kTcp;
    peer.address = "127.0.0.1:40000";
  }
  void own_uid_is(csms::core::Role role, std::vector<std::string> projects) {
    access.peer_rules = {csms::auth::PeerRule{csms::auth::PeerRule::Match::kUid, ::getuid(), role, std::move(projects)}};
  }
};

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

}  // namespace

TEST_CASE("healthz answers ok to a caller without credentials", "[unit][api][observability]") {
  Env env;
  env.use_tcp_without_credentials();
  const auto reply = env.text("/healthz");
  CHECK(reply.status == 200);
  CHECK(reply.body == "ok\n");
  CHECK(reply.content_type.starts_with("text/plain"));
}

TEST_CASE("readyz is 503 until the vault has a check for the loaded key, then 200", "[unit][api][observability]") {
  Env env;
  env.use_tcp_without_credentials();
  // The fixture's store has no master key check yet, as if the key had never been verified against it.
  auto reply = env.text("/readyz");
  CHECK(reply.status == 503);
  CHECK(reply.body == "not ready\n");
  csms::unit::expect_ok(csms::domain::verify_master_key(*env.store, env.sealer, env.time.now));
  reply = env.text("/readyz");
  CHECK(reply.status == 200);
  CHECK(reply.body == "ready\n");
}

TEST_CASE("metrics needs credentials and the metrics role or an admin of every project", "[unit][api][observability]") {
  Env env;
  SECTION("no credentials over TCP") {
    env.use_tcp_without_credentials();
    CHECK(env.text("/metrics").status == 401);
  }
  SECTION("a reader of every project") {
    env.own_uid_is(csms::core::Role::kReader, {"*"});
    CHECK(env.text("/metrics").status == 403);
  }
  SECTION("a writer of every project") {
    env.own_uid_is(csms::core::Role::kWriter, {"*"});
    CHECK(env.text("/metrics").status == 403);
  }
  SECTION("an admin of one project") {
    env.own_uid_is(csms::core::Role::kAdmin, {std::string(kProject)});
    CHECK(env.text("/metrics").status == 403);
  }
  SECTION("an admin of every project") {
    env.own_uid_is(csms::core::Role::kAdmin, {"*"});
    CHECK(env.text("/metrics").status == 200);
  }
  SECTION("a peer of the metrics role") {
    env.own_uid_is(csms::core::Role::kMetrics, {"*"});
    const auto reply = env.text("/metrics");
    CHECK(reply.status == 200);
    CHECK(reply.body.find("csmsd_secrets ") != std::string::npos);
    // And nothing else.
    CHECK(env.text("/v1/" + std::string(kProject) + "/secrets").status == 403);
    CHECK(env.text("/v1/csmsd/whoami").status == 403);
  }
}

TEST_CASE("metrics reports the vault's counts and the requests served", "[unit][api][observability]") {
  Env env;
  env.create("first");
  env.create("second");
  env.add_version("second", "value-2");
  const std::string base = "/v1/" + std::string(kProject) + "/secrets";
  CHECK(env.get(base + "/first").status == 200);
  CHECK(env.get(base + "/first").status == 200);
  CHECK(env.get(base + "/missing").status == 404);
  CHECK(env.text("/healthz").status == 200);
  CHECK(env.text("/no/such/path").status == 400);

  const auto reply = env.text("/metrics");
  REQUIRE(reply.status == 200);
  CHECK(reply.content_type == "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = reply.body;
  INFO(text);
  CHECK(has_line(text, R"(csmsd_requests_total{operation="ShowSecret",status="200"} 2)"));
  CHECK(has_line(text, R"(csmsd_requests_total{operation="ShowSecret",status="404"} 1)"));
  CHECK(has_line(text, R"(csmsd_requests_total{operation="Healthz",status="200"} 1)"));
  CHECK(has_line(text, R"(csmsd_requests_total{operation="-",status="400"} 1)"));
  CHECK(has_line(text, R"(csmsd_request_duration_seconds_count{operation="ShowSecret"} 3)"));
  // The scrape being answered is counted once it has been answered, not in its own body.
  CHECK(text.find(R"(operation="Metrics")") == std::string::npos);
  CHECK(has_line(text, "csmsd_secrets 2"));
  CHECK(has_line(text, "csmsd_versions 3"));
  // SYSCURRENT on each secret and SYSPREVIOUS on the first version of "second".
  CHECK(has_line(text, "csmsd_stages 3"));
  CHECK(text.find("\ncsmsd_database_size_bytes ") != std::string::npos);
  CHECK(text.find("csmsd_database_size_bytes 0\n") == std::string::npos);

  const auto again = env.text("/metrics");
  CHECK(has_line(again.body, R"(csmsd_requests_total{operation="Metrics",status="200"} 1)"));
}
