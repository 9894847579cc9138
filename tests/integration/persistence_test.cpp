// persistence_test.cpp: state survives a clean restart and a SIGKILL right after a 200.
#include <string>
#include <vector>

#include "harness.hpp"

using namespace csms_it;

namespace {

// Everything the API shows about one secret, to compare before and after a restart.
struct Snapshot {
  json::object secret;
  std::vector<std::pair<std::string, std::vector<std::string>>> versions;
  std::vector<json::value> values;
};

Snapshot snapshot(HttpClient& client, const std::string& name, bool read_values = true) {
  Snapshot s;
  s.secret = get_secret(client, name);
  s.versions = list_all_versions(client, name);
  if (read_values) {
    for (const auto& [id, stages] : s.versions) s.values.push_back(get_version(client, name, id));
  }
  return s;
}

}  // namespace

// Contract: "SIGTERM/SIGINT: drains and exits 0"; restart on the same data dir. Regression list: "secrets lost on
// restart".
TEST_CASE("all state survives a SIGTERM restart", "[integration][persistence]") {
  Daemon daemon(no_prune());
  const std::string a = unique_name("persist-a");
  const std::string b = unique_name("persist-b");
  const std::string pending = unique_name("persist-pending");
  Snapshot before_a, before_b;
  json::object before_pending;
  {
    auto client = daemon.client();
    create_secret_with(client, json::object{{"name", a}, {"secret_string", "alpha-1"}, {"description", "first"}});
    create_version(client, a, "alpha-2");
    create_version(client, a, "alpha-3", std::vector<std::string>{"blue"});
    put_stage(client, a, "green", "v1");
    REQUIRE_STATUS(client.put_json(version_url(a, "v2"), json::object{{"expire_time", 4102444800000}}), 200);
    REQUIRE_STATUS(client.put_json(secret_url(a), json::object{{"description", "updated"}}), 200);
    create_secret_with(client, json::object{{"name", b}, {"secret_binary", "AAEC/w=="}});
    create_secret(client, pending, "going");
    REQUIRE_STATUS(client.post_json(schedule_delete_url(pending), json::object{{"recovery_window_in_days", 9}}), 200);
    before_a = snapshot(client, a);
    before_b = snapshot(client, b);
    before_pending = get_secret(client, pending);
  }
  REQUIRE(daemon.restart() == 0);

  auto client = daemon.client();
  const Snapshot after_a = snapshot(client, a);
  const Snapshot after_b = snapshot(client, b);
  CHECK(after_a.secret == before_a.secret);
  CHECK(after_a.versions == before_a.versions);
  CHECK(after_a.values == before_a.values);
  CHECK(after_b.secret == before_b.secret);
  CHECK(after_b.values == before_b.values);
  CHECK(get_secret(client, pending) == before_pending);
  CHECK(get_string(get_secret(client, pending), "state") == "PENDING_DELETE");

  // Numbering continues after the restart.
  CHECK(get_string(create_version(client, a, "alpha-4"), "id") == "v4");
  CHECK(stage_owners(client, a) ==
        std::map<std::string, std::string>{{"SYSCURRENT", "v4"}, {"SYSPREVIOUS", "v2"}, {"blue", "v3"}, {"green", "v1"}});
}

// Crash safety: a 200 means committed. "SIGKILL immediately after a 200 on create version, restart, the change is
// there."
TEST_CASE("a created version survives SIGKILL right after its 200", "[integration][persistence][crash]") {
  Daemon daemon(no_prune());
  const std::string name = unique_name("crash-version");
  {
    auto client = daemon.client();
    create_secret(client, name, "before-crash");
    const auto md = create_version(client, name, "written-just-before-kill");
    REQUIRE(get_string(md, "id") == "v2");
    daemon.kill();
  }
  daemon.start();
  auto client = daemon.client();
  CHECK(get_version(client, name, "v2").at("secret_string") == json::value("written-just-before-kill"));
  CHECK(stage_owners(client, name) == std::map<std::string, std::string>{{"SYSCURRENT", "v2"}, {"SYSPREVIOUS", "v1"}});
}

// Crash safety for stage moves (POST and PUT) and a secret create.
TEST_CASE("stage moves and a new secret survive SIGKILL right after their 200", "[integration][persistence][crash]") {
  Daemon daemon(no_prune());
  const std::string name = unique_name("crash-stage");
  const std::string late = unique_name("crash-secret");
  {
    auto client = daemon.client();
    create_secret(client, name, "one");
    create_version(client, name, "two");
    create_version(client, name, "three", std::vector<std::string>{"blue"});
    daemon.kill();
  }
  daemon.start();
  {
    auto client = daemon.client();
    post_stage(client, name, "SYSCURRENT", "v3");
    daemon.kill();
  }
  daemon.start();
  {
    auto client = daemon.client();
    CHECK(stage_owners(client, name) ==
          std::map<std::string, std::string>{{"SYSCURRENT", "v3"}, {"SYSPREVIOUS", "v2"}, {"blue", "v3"}});
    put_stage(client, name, "blue", "v1");
    create_secret(client, late, "late");
    daemon.kill();
  }
  daemon.start();
  auto client = daemon.client();
  CHECK(stage_owners(client, name) ==
        std::map<std::string, std::string>{{"SYSCURRENT", "v3"}, {"SYSPREVIOUS", "v2"}, {"blue", "v1"}});
  CHECK(get_version(client, late, "v1").at("secret_string") == json::value("late"));
}

// Crash safety for deletes: a 200/204 delete stays deleted.
TEST_CASE("deletes survive SIGKILL right after their response", "[integration][persistence][crash]") {
  Daemon daemon(no_prune());
  const std::string gone = unique_name("crash-deleted");
  const std::string staged = unique_name("crash-unstaged");
  {
    auto client = daemon.client();
    create_secret(client, gone, "v");
    create_secret(client, staged, "v");
    put_stage(client, staged, "blue", "v1");
    REQUIRE_STATUS(client.del(secret_url(gone)), 200);
    REQUIRE_STATUS(client.del(stage_url(staged, "blue")), 204);
    daemon.kill();
  }
  daemon.start();
  auto client = daemon.client();
  CHECK_CSMS_ERROR(client.get(secret_url(gone)), 404, "CSMS.0005");
  CHECK(stage_holder(client, staged, "blue") == std::nullopt);
}
