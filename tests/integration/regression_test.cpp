// regression_test.cpp: the bugs users reported against moto and LocalStack (csms-api.md section 0), one case each.
#include <chrono>
#include <map>
#include <thread>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace csms_it;
using namespace std::chrono_literals;
using Owners = std::map<std::string, std::string>;

// "a custom stage not removed from the old version when it is put on a new one (reads then return the wrong
// version)"
TEST_CASE("regression: a custom stage put on a new version leaves the old one", "[integration][regression]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("reg-custom");
  create_secret(client, name, "old-value");
  put_stage(client, name, "app", "v1");
  create_version(client, name, "new-value", std::vector<std::string>{"app"});  // by version_stages
  CHECK(stage_holder(client, name, "app") == std::optional<std::string>("v2"));
  CHECK(stages_of(client, name, "v1") == std::optional<std::vector<std::string>>({"SYSCURRENT"}));
  // Resolving the stage the way clients do (GET stage, then the version) yields the new value.
  const auto holder = stage_holder(client, name, "app");
  REQUIRE(holder.has_value());
  CHECK(get_version(client, name, *holder).at("secret_string") == json::value("new-value"));

  create_version(client, name, "third-value");
  put_stage(client, name, "app", "v3");  // by PUT
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v3"}, {"SYSPREVIOUS", "v1"}, {"app", "v3"}});
  CHECK(stages_of(client, name, "v2") == std::optional<std::vector<std::string>>(std::vector<std::string>{}));
}

// "SYSPREVIOUS left wrong after a stage move"
TEST_CASE("regression: SYSPREVIOUS follows a manual SYSCURRENT move", "[integration][regression]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("reg-prev");
  create_secret(client, name, "one");
  create_version(client, name, "two");                                       // CUR v2, PREV v1
  create_version(client, name, "three", std::vector<std::string>{"next"});  // CUR v2 stays
  put_stage(client, name, "SYSCURRENT", "v3");
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v3"}, {"SYSPREVIOUS", "v2"}, {"next", "v3"}});
  CHECK(stages_of(client, name, "v1") == std::optional<std::vector<std::string>>(std::vector<std::string>{}));
  // And back again.
  post_stage(client, name, "SYSCURRENT", "v2");
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v2"}, {"SYSPREVIOUS", "v3"}, {"next", "v3"}});
}

// "moving SYSCURRENT failing when no version holds it yet" — here: the first manual SYSCURRENT move of a secret, when
// no version holds SYSPREVIOUS yet (the API gives every secret a SYSCURRENT holder from creation, so a secret without
// one cannot be built through it).
TEST_CASE("regression: moving SYSCURRENT works before any version holds SYSPREVIOUS", "[integration][regression]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("reg-first-move");
  create_secret(client, name, "one");
  create_version(client, name, "two", std::vector<std::string>{"staging"});
  REQUIRE(stage_holder(client, name, "SYSPREVIOUS") == std::nullopt);
  const HttpResponse r = client.put_json(stage_url(name, "SYSCURRENT"), json::object{{"version_id", "v2"}});
  REQUIRE_STATUS(r, 200);
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v2"}, {"SYSPREVIOUS", "v1"}, {"staging", "v2"}});

  // The same through POST on another fresh secret.
  const std::string other = unique_name("reg-first-move-post");
  create_secret(client, other, "one");
  create_version(client, other, "two", std::vector<std::string>{"staging"});
  post_stage(client, other, "SYSCURRENT", "v2");
  CHECK(stage_owners(client, other) == Owners{{"SYSCURRENT", "v2"}, {"SYSPREVIOUS", "v1"}, {"staging", "v2"}});
}

// "removing a custom stage deleting another version"
TEST_CASE("regression: removing a custom stage deletes no version", "[integration][regression]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("reg-remove");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  create_version(client, name, "three", std::vector<std::string>{"x", "y"});
  create_version(client, name, "four", std::vector<std::string>{"z"});
  REQUIRE_STATUS(client.del(stage_url(name, "x")), 204);  // v3 keeps y
  REQUIRE_STATUS(client.del(stage_url(name, "z")), 204);  // v4 is left with no stage
  for (int n = 1; n <= 4; ++n) {
    INFO("version " << vid(n));
    CHECK(version_exists(client, name, vid(n)));
  }
  CHECK(stage_owners(client, name) == Owners{{"SYSCURRENT", "v2"}, {"SYSPREVIOUS", "v1"}, {"y", "v3"}});
  CHECK(get_version(client, name, "v1").at("secret_string") == json::value("one"));
}

// "every deprecated version deleted at once, without a grace period"
TEST_CASE("regression: deprecated versions wait out the grace period", "[integration][regression][pruning]") {
  csms_test::TestDaemonOptions options;
  options.prune_grace = "3s";
  Daemon daemon(options);
  auto client = daemon.client();
  const std::string name = unique_name("reg-grace");
  create_secret(client, name, "one");
  create_version(client, name, "two");
  create_version(client, name, "three");  // v1 deprecated
  create_version(client, name, "four");   // v2 deprecated
  const auto deprecated_at = std::chrono::steady_clock::now();
  // Many prune passes (every 200 ms) happen in the next second; the grace period (3 s) has not passed.
  std::this_thread::sleep_for(1s);
  CHECK(version_exists(client, name, "v1"));
  CHECK(version_exists(client, name, "v2"));
  // After the grace period both go.
  CHECK(poll_until([&] { return !version_exists(client, name, "v1") && !version_exists(client, name, "v2"); }, 15s,
                   100ms));
  CHECK(std::chrono::steady_clock::now() - deprecated_at >= 1s);
  CHECK(version_exists(client, name, "v3"));
  CHECK(version_exists(client, name, "v4"));
}

// "secrets lost on restart"
TEST_CASE("regression: secrets survive a restart", "[integration][regression][persistence]") {
  Daemon daemon;
  const std::string name = unique_name("reg-restart");
  json::object before;
  {
    auto client = daemon.client();
    create_secret(client, name, "kept");
    before = get_secret(client, name);
  }
  REQUIRE(daemon.restart() == 0);
  {
    auto client = daemon.client();
    CHECK(get_secret(client, name) == before);
    CHECK(get_version(client, name, "v1").at("secret_string") == json::value("kept"));
  }
  daemon.kill();
  daemon.start();
  auto client = daemon.client();
  CHECK(get_secret(client, name) == before);
  CHECK(get_version(client, name, "latest").at("secret_string") == json::value("kept"));
}

// "an idempotency/request token ignored" — the CSMS v1 core operations carry no client token; their idempotency
// keys are the secret name (create) and the stage name (PUT/POST stage). A retried request must neither duplicate
// nor alter state.
TEST_CASE("regression: retried requests are not applied twice", "[integration][regression]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("reg-retry");
  const json::object create{{"name", name}, {"secret_string", "first-try"}};
  REQUIRE_STATUS(client.post_json(secrets_url(), create), 200);
  CHECK_CSMS_ERROR(client.post_json(secrets_url(), create), 409, "CSMS.0101");
  CHECK(list_all_versions(client, name).size() == 1);

  create_version(client, name, "two");
  const Owners before{{"SYSCURRENT", "v2"}, {"SYSPREVIOUS", "v1"}, {"blue", "v1"}};
  for (int attempt = 0; attempt < 3; ++attempt) {
    put_stage(client, name, "blue", "v1");
    post_stage(client, name, "blue", "v1");
    put_stage(client, name, "SYSCURRENT", "v2");
    post_stage(client, name, "SYSCURRENT", "v2");
  }
  CHECK(stage_owners(client, name) == before);
  CHECK(list_all_versions(client, name).size() == 2);
}
