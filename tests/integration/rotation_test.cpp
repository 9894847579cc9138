// rotation_test.cpp: operations 30 (RotateSecret) and 31 (ListSecretTask) against the real daemon with a test
// rotation command: success, the documented refusals, a failing command, and the task filters.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>

#include "harness.hpp"
#include "temp_dir.hpp"

using namespace csms_it;
using namespace std::chrono_literals;

namespace {

std::string rotate_url(std::string_view name) { return secret_url(name) + "/rotate"; }
std::string tasks_url() { return "/v1/" + std::string(kProject) + "/csms/tasks"; }

void check_nested_error(const HttpResponse& response, int status, std::string_view code) {
  INFO("response: " << response.describe());
  CHECK(response.status == status);
  const auto body = body_object(response);
  REQUIRE(body.contains("error"));
  CHECK(body.at("error").at("error_code").as_string() == code);
  CHECK_FALSE(body.at("error").at("error_msg").as_string().empty());
}

/// A rotation command script in `dir`: saves its stdin next to itself and prints `output` (or exits 3 when `fail`).
std::filesystem::path write_script(const csms_test::TempDir& dir, const std::string& output, bool fail = false) {
  const auto path = dir / (fail ? "rotate-fail.sh" : "rotate.sh");
  std::ofstream script(path);
  script << "#!/bin/sh\ncat > '" << (dir / "request.json").string() << "'\n";
  if (fail) {
    script << "exit 3\n";
  } else {
    script << "printf '%s\\n' '" << output << "'\n";
  }
  script.close();
  ::chmod(path.c_str(), 0755);
  return path;
}

json::object database_secret(HttpClient& client, std::string_view name) {
  return create_secret_with(client, json::object{{"name", name},
                                                 {"secret_string", "initial"},
                                                 {"secret_type", "RDS-FG"},
                                                 {"rotation_config", R"({"InstanceId":"i-1","SecretSubType":"SingleUser"})"}});
}

json::object task_by_id(HttpClient& client, const std::string& id) {
  const auto response = client.get(with_query(tasks_url(), {{"task_id", id}}));
  REQUIRE_STATUS(response, 200);
  const auto tasks = get_array(body_object(response), "tasks");
  REQUIRE(tasks.size() == 1);
  return tasks[0].as_object();
}

/// Polls ListSecretTask?task_id= (as Terraform does) until the task is SUCCESS or FAILED; returns it.
json::object wait_for_task(HttpClient& client, const std::string& id) {
  json::object task;
  const bool finished = poll_until(
      [&] {
        task = task_by_id(client, id);
        return get_string(task, "task_status") != "RUNNING";
      },
      20s, 100ms);
  REQUIRE(finished);
  return task;
}

// "30 | RotateSecret | ... | 200 {"version_id","secret_name","rotation_task_id"}"; version_id ^v[0-9]{0,63}.
std::string rotate(HttpClient& client, std::string_view name, std::string* version_id = nullptr) {
  const auto response = client.post(rotate_url(name));
  REQUIRE_STATUS(response, 200);
  const auto body = body_object(response);
  CHECK(body.size() == 3);
  CHECK(get_string(body, "secret_name") == name);
  const std::string version = get_string(body, "version_id");
  CHECK(version.size() >= 2);
  CHECK(version.front() == 'v');
  CHECK(version.find_first_not_of("0123456789", 1) == std::string::npos);
  if (version_id != nullptr) *version_id = version;
  const std::string task_id = get_string(body, "rotation_task_id");
  CHECK(task_id.size() == 36);
  return task_id;
}

}  // namespace

// "RotateSecret: creates a new version ... and marks it SYSCURRENT" (and the old one SYSPREVIOUS, decision 3);
// "ListSecretTask: SecretTask = task_id, secret_name, rotation_func_urn, task_status, operate_type, task_time,
// attempt_nums, task_error_code, task_error_msg".
TEST_CASE("RotateSecret runs the rotation command and makes its output SYSCURRENT", "[integration][rotation]") {
  csms_test::TempDir scripts;
  auto options = no_prune();
  options.extra_args = {"--rotation-command", write_script(scripts, "n3w-p4ssw0rd").string()};
  Daemon daemon(options);
  auto client = daemon.client();
  const std::string name = unique_name("rotated");
  database_secret(client, name);
  std::string version_id;
  const std::string task_id = rotate(client, name, &version_id);
  CHECK(version_id == "v2");

  const auto task = wait_for_task(client, task_id);
  CHECK(get_string(task, "task_status") == "SUCCESS");
  CHECK(get_string(task, "secret_name") == name);
  CHECK(get_string(task, "operate_type") == "SINGLE_USER");
  CHECK(task.at("attempt_nums") == json::value(1));
  check_timestamp(task.at("task_time"), "task_time");
  CHECK(task.at("task_error_code").is_null());

  CHECK(get_version(client, name, "latest").at("secret_string") == json::value("n3w-p4ssw0rd"));
  CHECK(get_version(client, name, version_id).at("secret_string") == json::value("n3w-p4ssw0rd"));
  CHECK(stage_owners(client, name) == std::map<std::string, std::string>{{"SYSCURRENT", "v2"}, {"SYSPREVIOUS", "v1"}});
  check_timestamp(get_secret(client, name).at("rotation_time"), "rotation_time");

  // The command was told which secret, never its value.
  std::ifstream saved(scripts / "request.json");
  const std::string request((std::istreambuf_iterator<char>(saved)), std::istreambuf_iterator<char>());
  const auto parsed = json::parse(request).as_object();
  CHECK(get_string(parsed, "secret_name") == name);
  CHECK(get_string(parsed, "secret_type") == "RDS-FG");
  CHECK(get_string(parsed, "task_id") == task_id);
  CHECK(get_string(parsed, "next_version_id") == version_id);
  CHECK(request.find("initial") == std::string::npos);
  // And the new value is nowhere in the daemon's log.
  CHECK(daemon.log().find("n3w-p4ssw0rd") == std::string::npos);
}

// "RotateSecret rejects COMMON secrets" (3.10); rotate uses nested bodies, except the flat 404 of decision 7.
TEST_CASE("RotateSecret refuses COMMON and missing secrets", "[integration][rotation]") {
  csms_test::TempDir scripts;
  auto options = no_prune();
  options.extra_args = {"--rotation-command", write_script(scripts, "x").string()};
  Daemon daemon(options);
  auto client = daemon.client();
  const std::string common = unique_name("common");
  create_secret(client, common, "v");
  check_nested_error(client.post(rotate_url(common)), 400, "CSMS.0003");
  CHECK_CSMS_ERROR(client.post(rotate_url("no-such-secret")), 404, "CSMS.0005");
  check_nested_error(client.post(rotate_url("bad.name")), 400, "CSMS.0002");
  const std::string pending = unique_name("pending");
  database_secret(client, pending);
  REQUIRE_STATUS(client.post_json(schedule_delete_url(pending), json::object{{"recovery_window_in_days", 7}}), 200);
  check_nested_error(client.post(rotate_url(pending)), 400, "CSMS.0103");
}

TEST_CASE("RotateSecret without --rotation-command says what is missing", "[integration][rotation]") {
  Daemon daemon(no_prune());
  auto client = daemon.client();
  const std::string name = unique_name("unconfigured");
  database_secret(client, name);
  const auto response = client.post(rotate_url(name));
  check_nested_error(response, 400, "CSMS.0003");
  CHECK(response.body.find("--rotation-command") != std::string::npos);
}

TEST_CASE("a failing rotation command leaves the secret alone and fails the task", "[integration][rotation]") {
  csms_test::TempDir scripts;
  auto options = no_prune();
  options.extra_args = {"--rotation-command", write_script(scripts, "", true).string()};
  Daemon daemon(options);
  auto client = daemon.client();
  const std::string name = unique_name("fails");
  database_secret(client, name);
  const auto task = wait_for_task(client, rotate(client, name));
  CHECK(get_string(task, "task_status") == "FAILED");
  CHECK(get_string(task, "task_error_code") == "CSMS.0001");
  CHECK(get_string(task, "task_error_msg").find("status 3") != std::string::npos);
  CHECK(get_version(client, name, "latest").at("secret_string") == json::value("initial"));
}

// ListSecretTask: "secret_name, status SUCCESS|FAILED, task_id (may not be combined with other params), limit,
// marker (task uuid) → {total, tasks, next_marker}" (flat errors).
TEST_CASE("ListSecretTask filters and pages", "[integration][rotation][pagination]") {
  csms_test::TempDir scripts;
  auto options = no_prune();
  options.extra_args = {"--rotation-command", write_script(scripts, "again").string()};
  Daemon daemon(options);
  auto client = daemon.client();
  const std::string a = unique_name("tasks-a");
  const std::string b = unique_name("tasks-b");
  database_secret(client, a);
  database_secret(client, b);
  const std::string first = rotate(client, a);
  wait_for_task(client, first);
  const std::string second = rotate(client, b);
  wait_for_task(client, second);
  const std::string third = rotate(client, a);
  wait_for_task(client, third);

  auto response = client.get(with_query(tasks_url(), {{"limit", "2"}}));
  REQUIRE_STATUS(response, 200);
  auto body = body_object(response);
  CHECK(body.at("total") == json::value(3));
  auto tasks = get_array(body, "tasks");
  REQUIRE(tasks.size() == 2);
  CHECK(get_string(tasks[0].as_object(), "task_id") == first);
  CHECK(get_string(body, "next_marker") == second);
  response = client.get(with_query(tasks_url(), {{"limit", "2"}, {"marker", second}}));
  body = body_object(response);
  tasks = get_array(body, "tasks");
  REQUIRE(tasks.size() == 1);
  CHECK(get_string(tasks[0].as_object(), "task_id") == third);
  CHECK(body.at("next_marker").is_null());

  response = client.get(with_query(tasks_url(), {{"secret_name", a}}));
  body = body_object(response);
  CHECK(body.at("total") == json::value(2));
  response = client.get(with_query(tasks_url(), {{"status", "SUCCESS"}, {"secret_name", b}}));
  body = body_object(response);
  REQUIRE(get_array(body, "tasks").size() == 1);
  CHECK(get_string(get_array(body, "tasks")[0].as_object(), "task_id") == second);
  response = client.get(with_query(tasks_url(), {{"status", "FAILED"}}));
  CHECK(get_array(body_object(response), "tasks").empty());

  CHECK_CSMS_ERROR(client.get(with_query(tasks_url(), {{"status", "RUNNING"}})), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.get(with_query(tasks_url(), {{"task_id", first}, {"secret_name", a}})), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.get(with_query(tasks_url(), {{"task_id", "not-a-uuid"}})), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.get(with_query(tasks_url(), {{"limit", "1001"}})), 400, "CSMS.0002");
}

// "honours auto_rotation and rotation_period from the background task": next_rotation_time is one period ahead and
// the background check does not rotate early (the due path runs with a test clock in the domain unit tests; the
// shortest period is 6h).
TEST_CASE("auto_rotation schedules next_rotation_time and does not rotate early", "[integration][rotation]") {
  csms_test::TempDir scripts;
  auto options = no_prune();
  options.extra_args = {"--rotation-command", write_script(scripts, "auto-value").string(), "--event-check-interval",
                        "200ms"};
  Daemon daemon(options);
  auto client = daemon.client();
  const std::string name = unique_name("auto");
  create_secret_with(client, json::object{{"name", name},
                                          {"secret_string", "initial"},
                                          {"secret_type", "GaussDB-FG"},
                                          {"auto_rotation", true},
                                          {"rotation_period", "6h"},
                                          {"rotation_config", R"({"InstanceId":"i-2","SecretSubType":"MultiUser"})"}});
  const auto secret = get_secret(client, name);
  REQUIRE(secret.at("next_rotation_time").is_int64());
  CHECK(secret.at("next_rotation_time").as_int64() >= now_ms() + 6 * 3600 * 1000 - 120'000);
  // Not due for six hours: nothing runs now.
  std::this_thread::sleep_for(1s);
  const auto response = client.get(with_query(tasks_url(), {{"secret_name", name}}));
  CHECK(body_object(response).at("total") == json::value(0));
}
