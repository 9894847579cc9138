// events_test.cpp: the event, notification-record and rotation routes through api::Api in-process: shapes, nested
// error bodies for events/records/rotate and flat ones for ListSecretTask.
#include "api/routes.hpp"

#include "audit/audit_log.hpp"
#include "common/api_request.hpp"
#include "common/service_env.hpp"

#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>

namespace {

using csms::http::Method;
using csms::unit::kProject;
using csms::unit::Reply;
namespace json = boost::json;

const std::string P(kProject);
const std::string kEvents = "/v1/" + P + "/csms/events";

struct FixedRunner final : csms::domain::RotationRunner {
  csms::core::Result<csms::crypto::PlainValue> new_value(const std::string&) override {
    return csms::unit::text_value("rotated");
  }
};

struct EventsApiEnv : csms::unit::ServiceEnv {
  FixedRunner runner;
  csms::domain::RotationService rotating{*store, sealer, time.clock(), &runner};
  csms::domain::CredentialService credentials{*store, sealer, time.clock()};
  csms::domain::KeyRotation keys{*store, keyring, csms::unit::test_key(99), "file", time.clock()};
  csms::api::AccessSettings access{csms::auth::default_peer_rules(::getuid()), std::chrono::minutes(15), time.clock()};
  std::unique_ptr<csms::audit::AuditLog> audit = csms::unit::expect_ok(csms::audit::AuditLog::open(dir / "audit.log"));
  csms::api::Api api{csms::api::ApiContext{service, credentials, keys, access, *audit, *store, backups, events,
                                           rotating, tags}};
  csms::http::Peer peer = csms::unit::own_unix_peer();
  csms::http::HeaderList headers;

  Reply call(Method method, const std::string& target, const std::string& body = "") {
    return csms::unit::call_api(api, method, target, body, peer, headers);
  }
};

std::string event_json(const std::string& name, const std::string& types = R"(["SECRET_ROTATED"])") {
  return R"({"name":")" + name + R"(","event_types":)" + types +
         R"(,"state":"ENABLED","notification":{"target_type":"SMN","target_id":"urn:smn:r:p:t","target_name":"t"}})";
}

// Not found is the flat 404 CSMS.0005 on every route (decision 7), nested ones included.
void check_flat_not_found(const Reply& reply) {
  INFO("status " << reply.status << " body " << reply.body);
  CHECK(reply.status == 404);
  REQUIRE(reply.json.is_object());
  CHECK(reply.json.as_object().size() == 2);
  CHECK(reply.json.at("error_code").as_string() == "CSMS.0005");
}

void check_nested(const Reply& reply, unsigned status, const std::string& code) {
  INFO("status " << reply.status << " body " << reply.body);
  CHECK(reply.status == status);
  REQUIRE(reply.json.is_object());
  REQUIRE(reply.json.as_object().size() == 1);
  const auto& error = reply.json.at("error").as_object();
  CHECK(error.at("error_code").as_string() == code);
  CHECK(error.size() == 2);
}

TEST_CASE("event routes answer the SDK shapes", "[unit][api][events]") {
  EventsApiEnv env;
  auto reply = env.call(Method::kPost, kEvents, event_json("ev"));
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  const auto& event = reply.json.at("event").as_object();
  for (const char* key : {"name", "event_id", "event_types", "state", "create_time", "update_time", "notification"}) {
    CHECK(event.contains(key));
  }
  CHECK(event.size() == 7);
  CHECK(event.at("create_time").as_int64() == env.time.now);

  reply = env.call(Method::kGet, kEvents);
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("events").as_array().size() == 1);
  CHECK(reply.json.at("page_info").at("current_count").as_int64() == 1);
  CHECK(env.call(Method::kGet, kEvents + "/ev").status == 200);
  reply = env.call(Method::kPut, kEvents + "/ev", R"({"state":"DISABLED"})");
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("event").at("state").as_string() == "DISABLED");
  reply = env.call(Method::kDelete, kEvents + "/ev");
  CHECK(reply.status == 204);
  CHECK(reply.body.empty());
}

TEST_CASE("event routes answer nested errors", "[unit][api][events]") {
  EventsApiEnv env;
  REQUIRE(env.call(Method::kPost, kEvents, event_json("ev")).status == 200);
  check_nested(env.call(Method::kPost, kEvents, event_json("ev")), 409, "CSMS.0101");
  check_nested(env.call(Method::kPost, kEvents, event_json("ev2", R"(["SECRET_NOPE"])")), 400, "CSMS.0002");
  check_nested(env.call(Method::kPost, kEvents, event_json("ev2", R"("SECRET_ROTATED")")), 400, "CSMS.0004");
  check_nested(env.call(Method::kPost, kEvents, "[]"), 400, "CSMS.0004");
  check_flat_not_found(env.call(Method::kGet, kEvents + "/missing"));
  check_nested(env.call(Method::kGet, kEvents + "/bad.name"), 400, "CSMS.0002");
  check_flat_not_found(env.call(Method::kPut, kEvents + "/missing", "{}"));
  check_flat_not_found(env.call(Method::kDelete, kEvents + "/missing"));
  check_nested(env.call(Method::kGet, "/v1/" + P + "/csms/notification-records?x=%zz"), 400, "CSMS.0002");
}

TEST_CASE("ListNotificationRecords answers records and page_info", "[unit][api][events]") {
  EventsApiEnv env;
  REQUIRE(env.call(Method::kPost, kEvents, event_json("ev", R"(["SECRET_VERSION_CREATED"])")).status == 200);
  REQUIRE(env.call(Method::kPost, "/v1/" + P + "/secrets",
                   R"({"name":"s","secret_string":"v","event_subscriptions":["ev"]})")
              .status == 200);
  const auto reply = env.call(Method::kGet, "/v1/" + P + "/csms/notification-records");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  const auto& records = reply.json.at("records").as_array();
  REQUIRE(records.size() == 1);
  const auto& record = records[0].as_object();
  for (const char* key : {"event_name", "trigger_event_type", "create_time", "secret_name", "secret_type",
                          "notification_target_name", "notification_target_id", "notification_content",
                          "notification_status"}) {
    CHECK(record.contains(key));
  }
  CHECK(record.size() == 9);
  CHECK(json::parse(record.at("notification_content").as_string()).at("eventName").as_string() == "ev");
}

TEST_CASE("RotateSecret and ListSecretTask through the API", "[unit][api][rotation]") {
  EventsApiEnv env;
  const std::string secrets = "/v1/" + P + "/secrets";
  REQUIRE(env.call(Method::kPost, secrets, R"({"name":"common","secret_string":"v"})").status == 200);
  REQUIRE(env.call(Method::kPost, secrets,
                   R"({"name":"db","secret_string":"v","secret_type":"RDS-FG",)"
                   R"("rotation_config":"{\"InstanceId\":\"i\",\"SecretSubType\":\"SingleUser\"}"})")
              .status == 200);
  check_nested(env.call(Method::kPost, secrets + "/common/rotate"), 400, "CSMS.0003");
  check_flat_not_found(env.call(Method::kPost, secrets + "/none/rotate"));
  auto reply = env.call(Method::kPost, secrets + "/db/rotate");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("secret_name").as_string() == "db");
  const std::string task_id(reply.json.at("rotation_task_id").as_string());

  const std::string tasks = "/v1/" + P + "/csms/tasks";
  reply = env.call(Method::kGet, tasks + "?task_id=" + task_id);
  REQUIRE(reply.status == 200);
  CHECK(reply.json.at("total").as_int64() == 1);
  CHECK(reply.json.at("next_marker").is_null());
  const auto& task = reply.json.at("tasks").at(0).as_object();
  CHECK(task.at("task_status").as_string() == "RUNNING");
  CHECK(task.size() == 9);
  csms::unit::expect_ok(env.rotating.run_pending());
  reply = env.call(Method::kGet, tasks + "?status=SUCCESS");
  CHECK(reply.json.at("tasks").at(0).at("task_status").as_string() == "SUCCESS");

  // ListSecretTask uses flat error bodies.
  reply = env.call(Method::kGet, tasks + "?status=DONE");
  CHECK(reply.status == 400);
  CHECK(reply.json.at("error_code").as_string() == "CSMS.0002");
  reply = env.call(Method::kGet, tasks + "?task_id=" + task_id + "&status=SUCCESS");
  CHECK(reply.status == 400);
  CHECK(reply.json.at("error_code").as_string() == "CSMS.0002");
}

}  // namespace
