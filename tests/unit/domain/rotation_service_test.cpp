// rotation_service_test.cpp: RotateSecret's refusals, a rotation run (new SYSCURRENT, old SYSPREVIOUS, task and
// event outcome), failures recorded in the task, auto-rotation scheduling and ListSecretTask's filters.
#include "domain/rotation_service.hpp"

#include "common/service_env.hpp"

#include <boost/json/parse.hpp>

#include <string>
#include <vector>

namespace {

using csms::unit::expect_ok;
using csms::unit::kProject;
namespace core = csms::core;
namespace domain = csms::domain;

const std::string P(kProject);
const std::string kConfig = R"({"InstanceId":"i-1","SecretSubType":"MultiUser"})";

/// Answers each request with the next value (or an error when `fail`), keeping the requests it saw.
struct FakeRunner final : domain::RotationRunner {
  std::vector<std::string> requests;
  bool fail = false;
  std::string next = "rotated-1";
  core::Result<csms::crypto::PlainValue> new_value(const std::string& request_json) override {
    requests.push_back(request_json);
    if (fail) return core::make_error(core::Errc::kInternal, "exited with status 3");
    return csms::unit::text_value(next);
  }
};

struct RotationEnv : csms::unit::ServiceEnv {
  FakeRunner runner;
  domain::RotationService rotating{*store, sealer, time.clock(), &runner};

  core::Secret database_secret(const std::string& name, bool auto_rotation = false,
                               std::vector<std::string> events = {}) {
    domain::CreateSecretInput input;
    input.project_id = P;
    input.name = name;
    input.value = csms::unit::text_value("initial");
    input.secret_type = "RDS-FG";
    input.rotation_config = kConfig;
    input.auto_rotation = auto_rotation;
    if (auto_rotation) input.rotation_period = "6h";
    input.event_subscriptions = std::move(events);
    return expect_ok(service.create_secret(std::move(input)));
  }

  core::RotationTask only_task(const std::string& id) {
    core::TaskFilter filter;
    filter.task_id = id;
    const auto page = expect_ok(rotating.list_tasks(P, filter, std::nullopt, 10));
    REQUIRE(page.tasks.size() == 1);
    return page.tasks[0];
  }
};

TEST_CASE("RotateSecret refuses COMMON secrets, missing secrets and a daemon without a rotation command",
          "[unit][domain][rotation]") {
  RotationEnv env;
  env.create("common");
  auto refused = env.rotating.request_rotation(P, "common");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::Errc::kInvalidRequest);
  CHECK(refused.error().detail.find("COMMON") != std::string::npos);

  CHECK(env.rotating.request_rotation(P, "nope").error().code == core::Errc::kNotFound);

  env.database_secret("db");
  refused = env.rotation.request_rotation(P, "db");  // ServiceEnv's service has no runner
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::Errc::kInvalidRequest);
  CHECK(refused.error().detail.find("--rotation-command") != std::string::npos);

  expect_ok(env.service.schedule_deletion(P, "db", 7));
  CHECK(env.rotating.request_rotation(P, "db").error().code == core::Errc::kSecretPendingDeletion);
}

TEST_CASE("a rotation creates the new SYSCURRENT version and records the task", "[unit][domain][rotation]") {
  RotationEnv env;
  domain::CreateEventInput event;
  event.project_id = P;
  event.name = "rot";
  event.event_types = {"SECRET_ROTATED", "SECRET_ROTATED_FAILED"};
  event.state = "ENABLED";
  event.notification = core::NotificationTarget{"SMN", "urn:smn:x", "topic"};
  expect_ok(env.events.create_event(event));
  env.database_secret("db", false, {"rot"});
  const auto task = expect_ok(env.rotating.request_rotation(P, "db"));
  CHECK(task.status == "RUNNING");
  CHECK(task.operate_type == "MULTI_USER");
  CHECK(task.version_id == std::optional<std::string>("v2"));  // reserved when requested
  CHECK(env.only_task(task.id).status == "RUNNING");

  env.time.advance(std::chrono::seconds(3));
  CHECK(expect_ok(env.rotating.run_pending()) == 1);
  const auto done = env.only_task(task.id);
  CHECK(done.status == "SUCCESS");
  CHECK(done.attempt_nums == 1);
  CHECK(done.version_id == std::optional<std::string>("v2"));
  CHECK_FALSE(done.error_code);

  const auto current = expect_ok(env.service.get_version(P, "db", std::nullopt));
  CHECK(current.metadata.number == 2);
  CHECK(current.metadata.stages == std::vector<std::string>{"SYSCURRENT"});
  CHECK(current.value.bytes.view() == "rotated-1");
  CHECK(env.stored_version("db", 1)->stages == std::vector<std::string>{"SYSPREVIOUS"});
  CHECK(expect_ok(env.service.get_secret(P, "db")).rotation_time == std::optional<core::EpochMillis>(env.time.now));

  // The command learned about the secret, never its value.
  REQUIRE(env.runner.requests.size() == 1);
  const auto request = boost::json::parse(env.runner.requests[0]).as_object();
  CHECK(request.at("secret_name").as_string() == "db");
  CHECK(request.at("secret_type").as_string() == "RDS-FG");
  CHECK(request.at("task_id").as_string() == task.id);
  CHECK(request.at("next_version_id").as_string() == "v2");
  CHECK(request.at("rotation_config").as_string() == kConfig);
  CHECK(env.runner.requests[0].find("initial") == std::string::npos);

  const auto records = expect_ok(env.events.list_records(P, std::nullopt, 10)).items;
  REQUIRE(records.size() == 1);
  CHECK(records[0].trigger_event_type == "SECRET_ROTATED");
  CHECK(expect_ok(env.rotating.run_pending()) == 0);  // nothing left to run
}

TEST_CASE("a failing rotation command fails the task and fires SECRET_ROTATED_FAILED", "[unit][domain][rotation]") {
  RotationEnv env;
  domain::CreateEventInput event;
  event.project_id = P;
  event.name = "rot";
  event.event_types = {"SECRET_ROTATED_FAILED"};
  event.state = "ENABLED";
  event.notification = core::NotificationTarget{"SMN", "urn:smn:x", "topic"};
  expect_ok(env.events.create_event(event));
  env.database_secret("db", false, {"rot"});
  env.runner.fail = true;
  const auto task = expect_ok(env.rotating.request_rotation(P, "db"));
  expect_ok(env.rotating.run_pending());
  const auto failed = env.only_task(task.id);
  CHECK(failed.status == "FAILED");
  CHECK(failed.error_code == std::optional<std::string>("CSMS.0001"));
  REQUIRE(failed.error_msg);
  CHECK(failed.error_msg->find("exited with status 3") != std::string::npos);
  CHECK(expect_ok(env.service.get_version(P, "db", std::nullopt)).metadata.number == 1);
  const auto records = expect_ok(env.events.list_records(P, std::nullopt, 10)).items;
  REQUIRE(records.size() == 1);
  CHECK(records[0].trigger_event_type == "SECRET_ROTATED_FAILED");

  // Output that cannot be a secret_string fails too.
  env.runner.fail = false;
  env.runner.next = std::string("\xff\xfe", 2);
  const auto second = expect_ok(env.rotating.request_rotation(P, "db"));
  expect_ok(env.rotating.run_pending());
  CHECK(env.only_task(second.id).status == "FAILED");
  CHECK(env.only_task(second.id).error_code == std::optional<std::string>("CSMS.0002"));
}

TEST_CASE("auto-rotation queues a task once the rotation period has passed", "[unit][domain][rotation]") {
  RotationEnv env;
  const auto secret = env.database_secret("auto", true);
  REQUIRE(secret.next_rotation_time);
  CHECK(*secret.next_rotation_time == env.time.now + 6 * 3600 * 1000);
  env.database_secret("manual");
  CHECK(expect_ok(env.rotating.schedule_due_rotations()) == 0);
  env.time.advance(std::chrono::hours(6));
  CHECK(expect_ok(env.rotating.schedule_due_rotations()) == 1);
  CHECK(expect_ok(env.rotating.schedule_due_rotations()) == 0);  // moved on: not queued twice
  CHECK(expect_ok(env.rotating.run_pending()) == 1);
  const auto rotated = expect_ok(env.service.get_secret(P, "auto"));
  CHECK(rotated.last_version_number == 2);
  CHECK(rotated.next_rotation_time == std::optional<core::EpochMillis>(env.time.now + 6 * 3600 * 1000));

  // Turning auto_rotation off clears the schedule.
  domain::UpdateSecretInput off;
  off.auto_rotation = false;
  CHECK_FALSE(expect_ok(env.service.update_secret(P, "auto", off)).next_rotation_time);
  env.time.advance(std::chrono::hours(24));
  CHECK(expect_ok(env.rotating.schedule_due_rotations()) == 0);
}

TEST_CASE("ListSecretTask filters by secret, status and task id and pages by task id", "[unit][domain][rotation]") {
  RotationEnv env;
  env.database_secret("a");
  env.database_secret("b");
  const auto first = expect_ok(env.rotating.request_rotation(P, "a"));
  expect_ok(env.rotating.run_pending());
  env.runner.fail = true;
  const auto second = expect_ok(env.rotating.request_rotation(P, "b"));
  expect_ok(env.rotating.run_pending());
  env.runner.fail = false;
  const auto third = expect_ok(env.rotating.request_rotation(P, "a"));

  core::TaskFilter all;
  auto page = expect_ok(env.rotating.list_tasks(P, all, std::nullopt, 2));
  CHECK(page.total == 3);
  REQUIRE(page.tasks.size() == 2);
  CHECK(page.tasks[0].id == first.id);
  CHECK(page.tasks[1].id == second.id);
  CHECK(page.has_more);
  page = expect_ok(env.rotating.list_tasks(P, all, second.id, 2));
  REQUIRE(page.tasks.size() == 1);
  CHECK(page.tasks[0].id == third.id);
  CHECK_FALSE(page.has_more);

  core::TaskFilter of_a;
  of_a.secret_name = "a";
  page = expect_ok(env.rotating.list_tasks(P, of_a, std::nullopt, 10));
  CHECK(page.total == 2);
  core::TaskFilter failed;
  failed.status = "FAILED";
  page = expect_ok(env.rotating.list_tasks(P, failed, std::nullopt, 10));
  REQUIRE(page.tasks.size() == 1);
  CHECK(page.tasks[0].id == second.id);
  CHECK(expect_ok(env.rotating.list_tasks(std::string(csms::unit::kOtherProject), all, std::nullopt, 10)).total == 0);
}

TEST_CASE("is_utf8 accepts UTF-8 text and refuses malformed bytes", "[unit][domain][rotation]") {
  CHECK(domain::is_utf8(""));
  CHECK(domain::is_utf8("plain"));
  CHECK(domain::is_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91"));
  CHECK_FALSE(domain::is_utf8("\xc3"));              // truncated
  CHECK_FALSE(domain::is_utf8("\xc0\xaf"));          // overlong
  CHECK_FALSE(domain::is_utf8("\xed\xa0\x80"));      // surrogate
  CHECK_FALSE(domain::is_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

}  // namespace

TEST_CASE("a second RotateSecret while one runs is refused, so two commands never race", "[unit][domain][rotation]") {
  RotationEnv env;
  env.database_secret("db");
  const auto task = expect_ok(env.rotating.request_rotation(P, "db"));
  const auto again = env.rotating.request_rotation(P, "db");
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == core::Errc::kInvalidRequest);
  CHECK(again.error().detail.find("already running") != std::string::npos);
  CHECK(expect_ok(env.rotating.run_pending()) == 1);
  CHECK(env.only_task(task.id).status == "SUCCESS");
  expect_ok(env.rotating.request_rotation(P, "db"));  // once it ended, a new one may start
}

TEST_CASE("a task whose command ran but whose result was lost fails instead of running the command again",
          "[unit][domain][rotation]") {
  RotationEnv env;
  env.database_secret("db");
  auto task = expect_ok(env.rotating.request_rotation(P, "db"));
  {
    // As the worker leaves it when the daemon dies while the command runs: the attempt is recorded, nothing else.
    auto txn = expect_ok(env.store->begin(csms::store::TransactionMode::kWrite));
    task.attempt_nums = 1;
    expect_ok(txn->update_rotation_task(task));
    expect_ok(txn->commit());
  }
  CHECK(expect_ok(env.rotating.run_pending()) == 1);
  CHECK(env.runner.requests.empty());
  const auto failed = env.only_task(task.id);
  CHECK(failed.status == "FAILED");
  REQUIRE(failed.error_msg.has_value());
  CHECK(failed.error_msg->find("never stored") != std::string::npos);
  CHECK(env.stored_versions("db").size() == 1);
}

TEST_CASE("a rotation creates the version RotateSecret named even when another version was added meanwhile",
          "[unit][domain][rotation]") {
  RotationEnv env;
  env.database_secret("db");
  const auto task = expect_ok(env.rotating.request_rotation(P, "db"));
  REQUIRE(task.version_id == std::optional<std::string>("v2"));
  // The reserved number is taken: a version created before the task runs gets the next one.
  CHECK(env.add_version("db", "manual").number == 3);
  CHECK(expect_ok(env.rotating.run_pending()) == 1);
  CHECK(env.only_task(task.id).status == "SUCCESS");
  CHECK(env.only_task(task.id).version_id == std::optional<std::string>("v2"));
  // v2 is SYSCURRENT though v3 is "latest" (the highest number), as with a version created under another stage.
  CHECK(env.stored_version("db", 2)->stages == std::vector<std::string>{"SYSCURRENT"});
  CHECK(expect_ok(env.service.get_version(P, "db", 2)).value.bytes.view() == "rotated-1");
  CHECK(env.stored_version("db", 3)->stages == std::vector<std::string>{"SYSPREVIOUS"});
  // The counter is not moved back: the next version is v4.
  CHECK(env.add_version("db", "after").number == 4);
}
