// events_test.cpp: operations 24 to 29 against the real daemon (success paths and documented errors), event
// delivery to a loopback webhook end to end, and the notification record after a failed delivery.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "daemon_process.hpp"
#include "harness.hpp"
#include "temp_dir.hpp"
#include "webhook_listener.hpp"

using namespace csms_it;
using namespace std::chrono_literals;

namespace {

std::string events_url() { return "/v1/" + std::string(kProject) + "/csms/events"; }
std::string event_url(std::string_view name) { return events_url() + "/" + std::string(name); }
std::string records_url() { return "/v1/" + std::string(kProject) + "/csms/notification-records"; }

json::object event_body(std::string_view name, std::vector<std::string> types, std::string_view state = "ENABLED") {
  json::array array;
  for (const auto& type : types) array.emplace_back(type);
  return json::object{{"name", name},
                      {"event_types", std::move(array)},
                      {"state", state},
                      {"notification",
                       json::object{{"target_type", "SMN"},
                                    {"target_id", "urn:smn:cn-north-4:" + std::string(kProject) + ":topic"},
                                    {"target_name", "topic"}}}};
}

// "nested {"error": {...}} for tags, events, notification records, rotate" (decision 8).
void check_nested_error(const HttpResponse& response, int status, std::string_view code) {
  INFO("response: " << response.describe());
  CHECK(response.status == status);
  const auto body = body_object(response);
  REQUIRE(body.contains("error"));
  const auto& error = body.at("error").as_object();
  CHECK(error.at("error_code").as_string() == code);
  CHECK_FALSE(error.at("error_msg").as_string().empty());
  check_request_id(response);
}

json::object create_event(HttpClient& client, std::string_view name, std::vector<std::string> types) {
  const auto response = client.post_json(events_url(), event_body(name, std::move(types)));
  REQUIRE_STATUS(response, 200);
  return get_object(body_object(response), "event");
}

json::object subscribed_secret(HttpClient& client, std::string_view name, std::string_view event) {
  return create_secret_with(client, json::object{{"name", name},
                                                 {"secret_string", "value-1"},
                                                 {"event_subscriptions", json::array{json::string(event)}}});
}

json::array records(HttpClient& client) {
  const auto response = client.get(records_url());
  REQUIRE_STATUS(response, 200);
  return get_array(body_object(response), "records");
}

}  // namespace

// 24 CreateSecretEvent, 26 ShowSecretEvent: "Event = {name, event_id (uuid), event_types, state, create_time (ms),
// update_time (ms), notification}".
TEST_CASE("CreateSecretEvent and ShowSecretEvent answer the Event shape", "[integration][events]") {
  Daemon daemon;
  auto client = daemon.client();
  const auto event = create_event(client, "ev-shape", {"SECRET_VERSION_CREATED", "SECRET_ROTATED"});
  CHECK(get_string(event, "name") == "ev-shape");
  CHECK(get_string(event, "event_id").size() == 36);
  CHECK(strings_of(get_array(event, "event_types")) ==
        std::vector<std::string>{"SECRET_VERSION_CREATED", "SECRET_ROTATED"});
  CHECK(get_string(event, "state") == "ENABLED");
  check_timestamp(event.at("create_time"), "create_time");
  check_timestamp(event.at("update_time"), "update_time");
  const auto notification = get_object(event, "notification");
  CHECK(get_string(notification, "target_type") == "SMN");
  CHECK(get_string(notification, "target_name") == "topic");

  const auto shown = client.get(event_url("ev-shape"));
  REQUIRE_STATUS(shown, 200);
  CHECK(get_object(body_object(shown), "event") == event);
}

TEST_CASE("CreateSecretEvent refuses duplicates and invalid bodies with nested errors", "[integration][events]") {
  Daemon daemon;
  auto client = daemon.client();
  create_event(client, "ev-dup", {"SECRET_DELETED"});
  check_nested_error(client.post_json(events_url(), event_body("ev-dup", {"SECRET_DELETED"})), 409, "CSMS.0101");
  check_nested_error(client.post_json(events_url(), event_body("bad.name", {"SECRET_DELETED"})), 400, "CSMS.0002");
  check_nested_error(client.post_json(events_url(), event_body("ev-x", {"NOT_A_TYPE"})), 400, "CSMS.0002");
  check_nested_error(client.post_json(events_url(), event_body("ev-x", {"SECRET_DELETED", "SECRET_DELETED"})), 400,
                     "CSMS.0002");
  check_nested_error(client.post_json(events_url(), event_body("ev-x", {})), 400, "CSMS.0002");
  check_nested_error(client.post_json(events_url(), event_body("ev-x", {"SECRET_DELETED"}, "ON")), 400, "CSMS.0002");
  auto no_state = event_body("ev-x", {"SECRET_DELETED"});
  no_state.erase("state");
  check_nested_error(client.post_json(events_url(), no_state), 400, "CSMS.0002");
  auto bad_target = event_body("ev-x", {"SECRET_DELETED"});
  bad_target["notification"].as_object()["target_type"] = "EMAIL";
  check_nested_error(client.post_json(events_url(), bad_target), 400, "CSMS.0002");
  check_nested_error(client.post(events_url(), std::string("{not json")), 400, "CSMS.0004");
}

// 25 ListSecretEvents: "limit string default 50; marker event name" with page_info.
TEST_CASE("ListSecretEvents pages by name", "[integration][events][pagination]") {
  Daemon daemon;
  auto client = daemon.client();
  for (const char* name : {"ev-c", "ev-a", "ev-b"}) create_event(client, name, {"SECRET_DELETED"});
  auto response = client.get(with_query(events_url(), {{"limit", "2"}}));
  REQUIRE_STATUS(response, 200);
  auto body = body_object(response);
  auto events = get_array(body, "events");
  REQUIRE(events.size() == 2);
  CHECK(get_string(events[0].as_object(), "name") == "ev-a");
  CHECK(get_string(events[1].as_object(), "name") == "ev-b");
  check_page_info(body, 2);
  CHECK(get_string(get_object(body, "page_info"), "next_marker") == "ev-b");
  response = client.get(with_query(events_url(), {{"limit", "2"}, {"marker", "ev-b"}}));
  body = body_object(response);
  events = get_array(body, "events");
  REQUIRE(events.size() == 1);
  CHECK(get_string(events[0].as_object(), "name") == "ev-c");
  CHECK(get_object(body, "page_info").at("next_marker").is_null());
  check_nested_error(client.get(with_query(events_url(), {{"limit", "0"}})), 400, "CSMS.0002");
  check_nested_error(client.get(with_query(events_url(), {{"marker", "bad!"}})), 400, "CSMS.0002");
}

// 27 UpdateSecretEvent ("all optional: state, event_types, notification"), 28 DeleteSecretEvent ("204; refused
// while any secret references the event"), and the flat 404 for a missing event (decision 7).
TEST_CASE("UpdateSecretEvent and DeleteSecretEvent, with their errors", "[integration][events]") {
  Daemon daemon;
  auto client = daemon.client();
  create_event(client, "ev-upd", {"SECRET_DELETED"});
  auto response = client.put_json(event_url("ev-upd"),
                                  json::object{{"state", "DISABLED"}, {"event_types", json::array{"SECRET_ROTATED"}}});
  REQUIRE_STATUS(response, 200);
  const auto updated = get_object(body_object(response), "event");
  CHECK(get_string(updated, "state") == "DISABLED");
  CHECK(strings_of(get_array(updated, "event_types")) == std::vector<std::string>{"SECRET_ROTATED"});
  check_nested_error(client.put_json(event_url("ev-upd"), json::object{{"state", "maybe"}}), 400, "CSMS.0002");
  CHECK_CSMS_ERROR(client.put_json(event_url("ev-none"), json::object{{"state", "ENABLED"}}), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(client.get(event_url("ev-none")), 404, "CSMS.0005");

  const std::string secret = unique_name("sub");
  subscribed_secret(client, secret, "ev-upd");
  // The ListSecrets filter that goes with it (operation 2, event_name).
  response = client.get(with_query(secrets_url(), {{"event_name", "ev-upd"}}));
  REQUIRE_STATUS(response, 200);
  const auto listed = get_array(body_object(response), "secrets");
  REQUIRE(listed.size() == 1);
  CHECK(get_string(listed[0].as_object(), "name") == secret);

  check_nested_error(client.del(event_url("ev-upd")), 400, "CSMS.0003");
  REQUIRE_STATUS(client.put_json(secret_url(secret), json::object{{"event_subscriptions", json::array{}}}), 200);
  CHECK_STATUS(client.del(event_url("ev-upd")), 204);
  CHECK_CSMS_ERROR(client.del(event_url("ev-upd")), 404, "CSMS.0005");
}

// 29 ListNotificationRecords: "Record = {event_name, trigger_event_type, create_time, secret_name, secret_type,
// notification_target_name, notification_target_id, notification_content (JSON text), notification_status}".
TEST_CASE("ListNotificationRecords reports what a version creation fired", "[integration][events]") {
  Daemon daemon;
  auto client = daemon.client();
  CHECK(records(client).empty());
  create_event(client, "ev-created", {"SECRET_VERSION_CREATED"});
  const std::string secret = unique_name("rec");
  subscribed_secret(client, secret, "ev-created");
  create_version(client, secret, "value-2");
  const auto response = client.get(records_url());
  REQUIRE_STATUS(response, 200);
  const auto body = body_object(response);
  check_page_info(body, 2);
  const auto list = get_array(body, "records");
  REQUIRE(list.size() == 2);
  const auto record = list[0].as_object();
  CHECK(get_string(record, "event_name") == "ev-created");
  CHECK(get_string(record, "trigger_event_type") == "SECRET_VERSION_CREATED");
  CHECK(get_string(record, "secret_name") == secret);
  CHECK(get_string(record, "secret_type") == "COMMON");
  CHECK(get_string(record, "notification_target_name") == "topic");
  check_timestamp(record.at("create_time"), "create_time");
  const auto content = json::parse(get_string(record, "notification_content")).as_object();
  CHECK(get_string(content, "eventType") == "SECRET_VERSION_CREATED");
  CHECK(get_string(get_object(content, "data"), "versionId") == "v2");
  CHECK(get_string(record, "notification_content").find("value-2") == std::string::npos);
  // Without --notify-webhook or --notify-command the record is the notification.
  CHECK(poll_until([&] { return get_string(records(client)[0].as_object(), "notification_status") == "SUCCESS"; },
                   10s));
}

// "an expiry event delivered to a loopback webhook [is] tested end to end": SECRET_VERSION_EXPIRED fires when the
// expire_time passes (the background check), once, and the webhook receives the notification content as JSON.
TEST_CASE("a version expiry is delivered to a loopback webhook", "[integration][events][webhook]") {
  WebhookListener listener;
  auto options = no_prune();
  options.extra_args = {"--notify-webhook", listener.url("/csms-hook"), "--event-check-interval", "200ms"};
  Daemon daemon(options);
  auto client = daemon.client();
  create_event(client, "ev-expiry", {"SECRET_VERSION_EXPIRED"});
  const std::string secret = unique_name("expiring");
  subscribed_secret(client, secret, "ev-expiry");
  const std::int64_t expire_time = (now_ms() / 1000 + 2) * 1000;
  REQUIRE_STATUS(client.post_json(versions_url(secret),
                                  json::object{{"secret_string", "value-2"}, {"expire_time", expire_time}}),
                 200);

  const auto bodies = listener.wait_for(1, 20s);
  REQUIRE(bodies.size() == 1);
  CHECK(now_ms() >= expire_time);
  const auto content = json::parse(bodies[0]).as_object();
  CHECK(get_string(content, "eventName") == "ev-expiry");
  CHECK(get_string(content, "eventType") == "SECRET_VERSION_EXPIRED");
  const auto data = get_object(content, "data");
  CHECK(get_string(data, "secretName") == secret);
  CHECK(get_string(data, "versionId") == "v2");
  CHECK(bodies[0].find("value-2") == std::string::npos);
  const auto heads = listener.heads();
  REQUIRE(heads.size() == 1);
  CHECK(heads[0].rfind("POST /csms-hook HTTP/1.1", 0) == 0);
  CHECK(heads[0].find("application/json") != std::string::npos);

  CHECK(poll_until(
      [&] {
        const auto list = records(client);
        return list.size() == 1 && get_string(list[0].as_object(), "notification_status") == "SUCCESS";
      },
      10s));
  // Fired once: further checks (every 200ms) send nothing more.
  std::this_thread::sleep_for(1s);
  CHECK(listener.wait_for(2, 100ms).size() == 1);
}

TEST_CASE("a notification whose webhook is down is recorded as FAIL", "[integration][events][webhook]") {
  std::uint16_t dead_port = 0;
  {
    WebhookListener closed;  // bound then closed: nothing listens there any more
    dead_port = closed.port();
  }
  auto options = no_prune();
  options.extra_args = {"--notify-webhook", "http://127.0.0.1:" + std::to_string(dead_port) + "/hook",
                        "--hook-timeout", "2s"};
  Daemon daemon(options);
  auto client = daemon.client();
  create_event(client, "ev-fail", {"SECRET_VERSION_CREATED"});
  subscribed_secret(client, unique_name("undelivered"), "ev-fail");
  CHECK(poll_until(
      [&] {
        const auto list = records(client);
        return list.size() == 1 && get_string(list[0].as_object(), "notification_status") == "FAIL";
      },
      15s));
}

// The SDK model of ListNotificationRecordsRequest (huaweicloud-sdk-python-v3) has `limit` (default 50) and `marker`
// ("the notification record time the page starts from"); records come back with page_info.
TEST_CASE("ListNotificationRecords pages with limit and marker, newest first", "[integration][events]") {
  Daemon daemon;
  auto client = daemon.client();
  create_event(client, "ev-pages", {"SECRET_VERSION_CREATED"});
  const std::string secret = unique_name("paged");
  subscribed_secret(client, secret, "ev-pages");  // v1
  create_version(client, secret, "value-2");
  create_version(client, secret, "value-3");
  std::vector<std::string> seen;
  std::string marker;
  for (int page = 0; page < 5; ++page) {
    const auto response = client.get(records_url() + "?limit=2" + (marker.empty() ? "" : "&marker=" + marker));
    REQUIRE_STATUS(response, 200);
    const auto body = body_object(response);
    const auto list = get_array(body, "records");
    for (const auto& item : list) {
      const auto content = json::parse(get_string(item.as_object(), "notification_content")).as_object();
      seen.push_back(get_string(get_object(content, "data"), "versionId"));
    }
    const auto info = get_object(body, "page_info");
    CHECK(info.at("current_count") == json::value(list.size()));
    if (info.at("next_marker").is_null()) break;
    REQUIRE(list.size() == 2);
    marker = get_string(info, "next_marker");
  }
  CHECK(seen == std::vector<std::string>{"v3", "v2", "v1"});
  // A bare record time works as a marker too: records older than it.
  const auto newest = records(client).at(0).as_object();
  const auto older = client.get(records_url() + "?marker=" + std::to_string(newest.at("create_time").as_int64() + 1));
  REQUIRE_STATUS(older, 200);
  CHECK(get_array(body_object(older), "records").size() == 3);
  check_nested_error(client.get(records_url() + "?marker=yesterday"), 400, "CSMS.0002");
  check_nested_error(client.get(records_url() + "?limit=0"), 400, "CSMS.0002");
}

// Record = {..., "notification_status": "SUCCESS"|"FAIL"|"INVALID"}: a record waiting for delivery shows none other.
TEST_CASE("a notification record never shows a status outside the published enum", "[integration][events][webhook]") {
  std::uint16_t dead_port = 0;
  {
    WebhookListener closed;
    dead_port = closed.port();
  }
  auto options = no_prune();
  options.extra_args = {"--notify-webhook", "http://127.0.0.1:" + std::to_string(dead_port) + "/hook"};
  Daemon daemon(options);
  auto client = daemon.client();
  create_event(client, "ev-enum", {"SECRET_VERSION_CREATED"});
  const std::string secret = unique_name("enum");
  subscribed_secret(client, secret, "ev-enum");
  // Right after the write (before any attempt) and while the failed delivery waits for its retry.
  for (int i = 0; i < 20; ++i) {
    for (const auto& item : records(client)) {
      const std::string status = get_string(item.as_object(), "notification_status");
      CHECK((status == "SUCCESS" || status == "FAIL" || status == "INVALID"));
    }
    std::this_thread::sleep_for(50ms);
  }
  // The failed attempt is retried later rather than on every pass: the log says so.
  CHECK(poll_until([&] { return daemon.log().find("retrying") != std::string::npos; }, 10s));
}

// "--notify-webhook URL (http://127.0.0.1 or [::1] or localhost only; refuse others at start with a clear message)".
TEST_CASE("csmsd refuses a webhook URL that is not loopback", "[integration][events][startup]") {
  csms_test::TempDir dir;
  for (const std::string url : {"http://192.0.2.1:8080/hook", "https://127.0.0.1/hook", "http://example.com/"}) {
    csms_test::DaemonProcess process(csmsd_binary(),
                                     {"--data-dir", (dir / "data").string(), "--listen",
                                      "unix:" + (dir / "csmsd.sock").string(), "--notify-webhook", url},
                                     dir / "stderr.log");
    INFO(url);
    REQUIRE_FALSE(process.try_start());
    CHECK(process.exit_status() == std::optional<int>(2));
    CHECK(process.stderr_text().find("loopback") != std::string::npos);
  }
}
