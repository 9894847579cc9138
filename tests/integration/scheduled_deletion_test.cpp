// scheduled_deletion_test.cpp: DeleteSecretForSchedule and RestoreSecret (ops 6-7) and the PENDING_DELETE gate.
#include <string>

#include "harness.hpp"

using namespace csms_it;

namespace {

constexpr std::int64_t kDayMs = 86400000;

// A scheduled_delete_time `days` days from now, within the request's latency plus second truncation.
void check_deletion_time(const json::object& secret, std::int64_t before_ms, std::int64_t after_ms, int days) {
  INFO("secret: " << json::serialize(secret));
  const json::value& t = secret.at("scheduled_delete_time");
  REQUIRE(t.is_int64());
  CHECK(t.as_int64() % 1000 == 0);
  CHECK(t.as_int64() >= before_ms + days * kDayMs - 1000);
  CHECK(t.as_int64() <= after_ms + days * kDayMs);
}

}  // namespace

// "6 | DeleteSecretForSchedule | POST | .../scheduled-deleted-tasks/create | {"recovery_window_in_days":int} | 200
// {"secret":Secret}"; "Sets state=PENDING_DELETE, scheduled_delete_time = now + days×86 400 000 ms."
TEST_CASE("scheduling deletion sets PENDING_DELETE and the deletion time", "[integration][scheduled-deletion]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("sched");
  create_secret(client, name, "v");
  const auto before = now_ms();
  const HttpResponse r = client.post_json(schedule_delete_url(name), json::object{{"recovery_window_in_days", 7}});
  const auto after = now_ms();
  REQUIRE_STATUS(r, 200);
  check_request_id(r);
  const auto& secret = get_object(body_object(r), "secret");
  check_secret_shape(secret, name);
  CHECK(get_string(secret, "state") == "PENDING_DELETE");
  check_deletion_time(secret, before, after, 7);
  CHECK(get_secret(client, name) == secret);
}

// api-decisions: "recovery_window_in_days defaults to 30 when the body or the field is missing"; "The daemon must
// accept a POST with Content-Length: 0"
TEST_CASE("scheduling deletion without a window uses 30 days", "[integration][scheduled-deletion]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string empty_body = unique_name("sched-empty");
  const std::string empty_object = unique_name("sched-object");
  create_secret(client, empty_body, "v");
  create_secret(client, empty_object, "v");

  auto before = now_ms();
  HttpResponse r = client.post(schedule_delete_url(empty_body));  // Content-Length: 0
  auto after = now_ms();
  REQUIRE_STATUS(r, 200);
  check_deletion_time(get_object(body_object(r), "secret"), before, after, 30);

  before = now_ms();
  r = client.post_json(schedule_delete_url(empty_object), json::object{});
  after = now_ms();
  REQUIRE_STATUS(r, 200);
  check_deletion_time(get_object(body_object(r), "secret"), before, after, 30);
}

// "recovery_window_in_days integer 7–30 (outside → 400 CSMS.0002)"; api-decisions: wrong JSON type → CSMS.0004
TEST_CASE("scheduling deletion validates the window", "[integration][scheduled-deletion][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("sched-window");
  create_secret(client, name, "v");
  CHECK_CSMS_ERROR(client.post_json(schedule_delete_url(name), json::object{{"recovery_window_in_days", 6}}), 400,
                   "CSMS.0002");
  CHECK_CSMS_ERROR(client.post_json(schedule_delete_url(name), json::object{{"recovery_window_in_days", 31}}), 400,
                   "CSMS.0002");
  CHECK_CSMS_ERROR(client.post_json(schedule_delete_url(name), json::object{{"recovery_window_in_days", "7"}}), 400,
                   "CSMS.0004");
  CHECK_CSMS_ERROR(client.post(schedule_delete_url(name), std::string("{\"recovery_window_in_days\":")), 400, "CSMS.0004");
  CHECK_CSMS_ERROR(client.post_json(schedule_delete_url(unique_name("absent")), json::object{{"recovery_window_in_days", 7}}),
                   404, "CSMS.0005");
  CHECK(get_string(get_secret(client, name), "state") == "ENABLED");
}

// "7 | RestoreSecret (cancel scheduled delete) | POST | .../scheduled-deleted-tasks/cancel | none (empty) | 200
// {"secret":Secret}"; "Cancel → state=ENABLED, scheduled_delete_time=null."
TEST_CASE("cancelling scheduled deletion restores ENABLED with a null time", "[integration][scheduled-deletion]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("cancel");
  create_secret(client, name, "v");
  REQUIRE_STATUS(client.post_json(schedule_delete_url(name), json::object{{"recovery_window_in_days", 7}}), 200);
  const HttpResponse r = client.post(cancel_delete_url(name));  // no body, Content-Length: 0
  REQUIRE_STATUS(r, 200);
  check_request_id(r);
  const auto& secret = get_object(body_object(r), "secret");
  check_secret_shape(secret, name);
  CHECK(get_string(secret, "state") == "ENABLED");
  CHECK(secret.at("scheduled_delete_time").is_null());
  CHECK(get_secret(client, name) == secret);
  // Usable again.
  create_version(client, name, "after-cancel");
  CHECK(get_version(client, name, "v2").at("secret_string") == json::value("after-cancel"));
}

// "400 | CSMS.0107 | ... scheduling deletion again for a PENDING_DELETE secret"; "400 | CSMS.0108 | ... Cancel
// deletion on a secret not pending deletion"
TEST_CASE("scheduling twice is CSMS.0107 and cancelling an enabled secret is CSMS.0108", "[integration][scheduled-deletion][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("sched-twice");
  create_secret(client, name, "v");
  CHECK_CSMS_ERROR(client.post(cancel_delete_url(name)), 400, "CSMS.0108");
  const HttpResponse first = client.post_json(schedule_delete_url(name), json::object{{"recovery_window_in_days", 7}});
  REQUIRE_STATUS(first, 200);
  CHECK_CSMS_ERROR(client.post_json(schedule_delete_url(name), json::object{{"recovery_window_in_days", 20}}), 400,
                   "CSMS.0107");
  // The first schedule stands.
  CHECK(get_secret(client, name) == get_object(body_object(first), "secret"));
  CHECK_CSMS_ERROR(client.post(cancel_delete_url(unique_name("absent"))), 404, "CSMS.0005");
}

// api-decisions: "secret in PENDING_DELETE used by an operation that needs it usable (update secret,
// create/show/update version, create/move/delete stage) → 400 CSMS.0103"; "Metadata reads stay available while a
// secret is pending deletion: show secret, list secrets, list versions, show stage. Deleting immediately and
// cancelling the scheduled deletion work in that state too."
TEST_CASE("a secret pending deletion refuses changes and value reads but serves metadata", "[integration][scheduled-deletion][errors]") {
  Daemon daemon;
  auto client = daemon.client();
  const std::string name = unique_name("pending");
  create_secret(client, name, "v");
  put_stage(client, name, "blue", "v1");
  REQUIRE_STATUS(client.post_json(schedule_delete_url(name), json::object{{"recovery_window_in_days", 7}}), 200);

  CHECK_CSMS_ERROR(client.put_json(secret_url(name), json::object{{"description", "x"}}), 400, "CSMS.0103");
  CHECK_CSMS_ERROR(client.post_json(versions_url(name), json::object{{"secret_string", "x"}}), 400, "CSMS.0103");
  CHECK_CSMS_ERROR(client.get(version_url(name, "v1")), 400, "CSMS.0103");
  CHECK_CSMS_ERROR(client.get(version_url(name, "latest")), 400, "CSMS.0103");
  CHECK_CSMS_ERROR(client.put_json(version_url(name, "v1"), json::object{{"expire_time", 1729243021000}}), 400, "CSMS.0103");
  CHECK_CSMS_ERROR(client.post_json(stages_url(name), json::object{{"name", "green"}, {"version_id", "v1"}}), 400,
                   "CSMS.0103");
  CHECK_CSMS_ERROR(client.put_json(stage_url(name, "blue"), json::object{{"version_id", "v1"}}), 400, "CSMS.0103");
  CHECK_CSMS_ERROR(client.del(stage_url(name, "blue")), 400, "CSMS.0103");

  CHECK(get_string(get_secret(client, name), "state") == "PENDING_DELETE");
  const HttpResponse list = client.get(secrets_url());
  REQUIRE_STATUS(list, 200);
  const auto& secrets = get_array(body_object(list), "secrets");
  REQUIRE(secrets.size() == 1);
  CHECK(get_string(secrets[0].as_object(), "state") == "PENDING_DELETE");
  CHECK(list_all_versions(client, name).size() == 1);
  CHECK(stage_holder(client, name, "blue") == std::optional<std::string>("v1"));

  // Immediate delete works while pending.
  const HttpResponse deleted = client.del(secret_url(name));
  REQUIRE_STATUS(deleted, 200);
  CHECK(deleted.body.empty());
  CHECK_CSMS_ERROR(client.get(secret_url(name)), 404, "CSMS.0005");
}
