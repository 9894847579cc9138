// event_service_test.cpp: events fire notification records only for subscribed, enabled, matching events; expiry
// fires once (also for a fresh service over the same store) and re-arms on a new expire_time; delivery outcomes.
#include "domain/delivery_retry.hpp"
#include "domain/event_firing.hpp"
#include "domain/event_service.hpp"

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

domain::CreateEventInput event_input(const std::string& name, std::vector<std::string> types,
                                     std::string state = "ENABLED") {
  domain::CreateEventInput input;
  input.project_id = P;
  input.name = name;
  input.event_types = std::move(types);
  input.state = std::move(state);
  input.notification = core::NotificationTarget{"SMN", "urn:smn:region:project:topic", "topic"};
  return input;
}

struct EventEnv : csms::unit::ServiceEnv {
  core::Secret subscribed(const std::string& name, const std::string& event) {
    domain::CreateSecretInput input;
    input.project_id = P;
    input.name = name;
    input.value = csms::unit::text_value("v1");
    input.event_subscriptions = {event};
    return expect_ok(service.create_secret(std::move(input)));
  }

  std::vector<core::NotificationRecord> records() { return expect_ok(events.list_records(P, std::nullopt, 1000)).items; }
};

/// Records every delivery and answers with `fail` set or not.
struct FakeSink final : domain::NotificationSink {
  std::vector<core::NotificationRecord> seen;
  bool fail = false;
  core::Status deliver(const core::NotificationRecord& record) override {
    seen.push_back(record);
    if (fail) return core::make_error(core::Errc::kUnavailable, "webhook down");
    return core::ok();
  }
};

TEST_CASE("an event is created, listed, shown, updated and deleted", "[unit][domain][events]") {
  EventEnv env;
  const auto created = expect_ok(env.events.create_event(event_input("ev-a", {"SECRET_ROTATED"})));
  CHECK(created.name == "ev-a");
  CHECK(created.id.size() == 36);
  CHECK(created.create_time == env.time.now);
  expect_ok(env.events.create_event(event_input("ev-b", {"SECRET_DELETED"}, "DISABLED")));
  const auto duplicate = env.events.create_event(event_input("ev-a", {"SECRET_DELETED"}));
  REQUIRE_FALSE(duplicate.has_value());
  CHECK(duplicate.error().code == core::Errc::kEventAlreadyExists);

  const auto page = expect_ok(env.events.list_events(P, std::nullopt, 1));
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].name == "ev-a");
  CHECK(page.has_more);
  const auto rest = expect_ok(env.events.list_events(P, std::string("ev-a"), 10));
  REQUIRE(rest.items.size() == 1);
  CHECK(rest.items[0].name == "ev-b");
  CHECK_FALSE(rest.has_more);
  CHECK(expect_ok(env.events.list_events(std::string(csms::unit::kOtherProject), std::nullopt, 10)).items.empty());

  env.time.advance(std::chrono::seconds(5));
  domain::UpdateEventInput update;
  update.state = "DISABLED";
  update.event_types = std::vector<std::string>{"SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED"};
  const auto updated = expect_ok(env.events.update_event(P, "ev-a", update));
  CHECK(updated.state == "DISABLED");
  CHECK(updated.event_types == *update.event_types);
  CHECK(updated.update_time == created.update_time + 5000);
  CHECK(expect_ok(env.events.get_event(P, "ev-a")).event_types == *update.event_types);

  expect_ok(env.events.delete_event(P, "ev-a"));
  const auto gone = env.events.get_event(P, "ev-a");
  REQUIRE_FALSE(gone.has_value());
  CHECK(gone.error().code == core::Errc::kNotFound);
  CHECK(env.events.delete_event(P, "ev-a").error().code == core::Errc::kNotFound);
  CHECK(env.events.update_event(P, "ev-a", update).error().code == core::Errc::kNotFound);
}

TEST_CASE("an event a secret subscribes to cannot be deleted", "[unit][domain][events]") {
  EventEnv env;
  expect_ok(env.events.create_event(event_input("ev", {"SECRET_ROTATED"})));
  env.subscribed("s", "ev");
  const auto refused = env.events.delete_event(P, "ev");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::Errc::kInvalidRequest);
  domain::UpdateSecretInput unsubscribe;
  unsubscribe.event_subscriptions = std::vector<std::string>{};
  expect_ok(env.service.update_secret(P, "s", unsubscribe));
  expect_ok(env.events.delete_event(P, "ev"));
}

TEST_CASE("version created fires only for a subscribed, enabled event listing the type", "[unit][domain][events]") {
  EventEnv env;
  expect_ok(env.events.create_event(event_input("created", {"SECRET_VERSION_CREATED"})));
  expect_ok(env.events.create_event(event_input("other-type", {"SECRET_DELETED"})));
  expect_ok(env.events.create_event(event_input("disabled", {"SECRET_VERSION_CREATED"}, "DISABLED")));
  env.subscribed("fires", "created");  // v1: one record
  env.subscribed("wrong-type", "other-type");
  env.subscribed("off", "disabled");
  env.subscribed("dangling", "no-such-event");
  env.create("unsubscribed");
  env.add_version("fires", "v2");
  env.add_version("wrong-type", "v2");
  env.add_version("off", "v2");

  const auto records = env.records();
  REQUIRE(records.size() == 2);
  for (const auto& record : records) {
    CHECK(record.secret_name == "fires");
    CHECK(record.event_name == "created");
    CHECK(record.trigger_event_type == "SECRET_VERSION_CREATED");
    CHECK(record.status == "PENDING");
    CHECK(record.secret_type == "COMMON");
    CHECK(record.target_id == "urn:smn:region:project:topic");
    CHECK(record.target_name == "topic");
  }
  const auto content = boost::json::parse(records[0].content).as_object();
  CHECK(content.at("eventName").as_string() == "created");
  CHECK(content.at("eventType").as_string() == "SECRET_VERSION_CREATED");
  CHECK(content.at("eventTime").as_string() == domain::iso8601_utc(env.time.now));
  const auto& data = content.at("data").as_object();
  CHECK(data.at("secretName").as_string() == "fires");
  CHECK(data.at("versionId").as_string() == "v2");  // newest first: the version added last
  CHECK_FALSE(data.contains("secret_string"));
}

TEST_CASE("iso8601_utc formats epoch milliseconds", "[unit][domain][events]") {
  CHECK(domain::iso8601_utc(0) == "1970-01-01T00:00:00.000Z");
  CHECK(domain::iso8601_utc(1'681'503'910'126) == "2023-04-14T20:25:10.126Z");
}

TEST_CASE("a passed expire_time fires SECRET_VERSION_EXPIRED once, and again after it is changed",
          "[unit][domain][events]") {
  EventEnv env;
  expect_ok(env.events.create_event(event_input("expiry", {"SECRET_VERSION_EXPIRED"})));
  env.subscribed("s", "expiry");
  domain::CreateVersionInput input;
  input.value = csms::unit::text_value("v2");
  input.expire_time = env.time.now + 60'000;
  expect_ok(env.service.create_version(P, "s", std::move(input)));

  CHECK(expect_ok(env.events.announce_expiries()) == 0);  // not yet
  env.time.advance(std::chrono::minutes(2));
  CHECK(expect_ok(env.events.announce_expiries()) == 1);
  CHECK(expect_ok(env.events.announce_expiries()) == 0);  // once
  // A service started later over the same store (a restart) does not fire it again.
  domain::EventService restarted(*env.store, env.time.clock());
  CHECK(expect_ok(restarted.announce_expiries()) == 0);
  auto records = env.records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].trigger_event_type == "SECRET_VERSION_EXPIRED");
  const auto data = boost::json::parse(records[0].content).at("data").as_object();
  CHECK(data.at("versionId").as_string() == "v2");
  CHECK(data.at("versionExpireTime").as_string() == domain::iso8601_utc(env.time.now - 60'000));

  // UpdateVersion with a new time re-arms exactly one more notification.
  expect_ok(env.service.update_version(P, "s", 2, env.time.now + 1000));
  CHECK(expect_ok(env.events.announce_expiries()) == 0);
  env.time.advance(std::chrono::seconds(2));
  CHECK(expect_ok(env.events.announce_expiries()) == 1);
  CHECK(expect_ok(env.events.announce_expiries()) == 0);
  CHECK(env.records().size() == 2);
}

TEST_CASE("an expiry of an unsubscribed secret is consumed without a record", "[unit][domain][events]") {
  EventEnv env;
  env.create("plain");
  domain::CreateVersionInput input;
  input.value = csms::unit::text_value("v2");
  input.expire_time = env.time.now;
  expect_ok(env.service.create_version(P, "plain", std::move(input)));
  CHECK(expect_ok(env.events.announce_expiries()) == 1);
  CHECK(expect_ok(env.events.announce_expiries()) == 0);
  CHECK(env.records().empty());
}

TEST_CASE("a scheduled deletion carried out fires SECRET_DELETED", "[unit][domain][events]") {
  EventEnv env;
  expect_ok(env.events.create_event(event_input("gone", {"SECRET_DELETED"})));
  env.subscribed("doomed", "gone");
  expect_ok(env.service.schedule_deletion(P, "doomed", 7));
  expect_ok(env.service.prune(std::chrono::hours(24)));
  CHECK(env.records().empty());  // not due yet
  env.time.advance(std::chrono::hours(24 * 7));
  const auto counts = expect_ok(env.service.prune(std::chrono::hours(24)));
  CHECK(counts.secrets_deleted == 1);
  const auto records = env.records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].trigger_event_type == "SECRET_DELETED");
  CHECK(records[0].secret_name == "doomed");
}

TEST_CASE("delivery marks records SUCCESS, retries a failure after its back-off and never retries a finished one",
          "[unit][domain][events]") {
  EventEnv env;
  expect_ok(env.events.create_event(event_input("created", {"SECRET_VERSION_CREATED"})));
  env.subscribed("a", "created");
  FakeSink sink;
  sink.fail = true;
  auto counts = expect_ok(env.events.deliver_pending(sink));
  CHECK(counts.retrying == 1);
  CHECK(counts.failed == 0);
  CHECK(counts.delivered == 0);
  CHECK(env.records().at(0).status == "PENDING");
  CHECK(env.records().at(0).attempts == 1);
  REQUIRE(sink.seen.size() == 1);
  CHECK(sink.seen[0].secret_name == "a");
  // Not due again before its back-off has passed.
  CHECK(expect_ok(env.events.deliver_pending(sink)).retrying == 0);
  CHECK(sink.seen.size() == 1);

  sink.fail = false;
  env.subscribed("b", "created");
  counts = expect_ok(env.events.deliver_pending(sink));
  CHECK(counts.delivered == 1);
  CHECK(sink.seen.size() == 2);
  CHECK(sink.seen[1].secret_name == "b");
  env.time.advance(std::chrono::seconds(10));
  counts = expect_ok(env.events.deliver_pending(sink));
  CHECK(counts.delivered == 1);
  REQUIRE(sink.seen.size() == 3);
  CHECK(sink.seen[2].secret_name == "a");
  const auto records = env.records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].secret_name == "b");  // newest first
  CHECK(records[0].status == "SUCCESS");
  CHECK(records[1].status == "SUCCESS");
  CHECK(records[1].attempts == 2);
  env.time.advance(std::chrono::hours(1));
  CHECK(expect_ok(env.events.deliver_pending(sink)).delivered == 0);
  CHECK(sink.seen.size() == 3);
}

TEST_CASE("the delivery back-off triples from 10 s and gives up after five attempts", "[unit][domain][events]") {
  using std::chrono::seconds;
  CHECK(domain::delivery_retry_delay(1) == std::optional<std::chrono::milliseconds>(seconds(10)));
  CHECK(domain::delivery_retry_delay(2) == std::optional<std::chrono::milliseconds>(seconds(30)));
  CHECK(domain::delivery_retry_delay(3) == std::optional<std::chrono::milliseconds>(seconds(90)));
  CHECK(domain::delivery_retry_delay(4) == std::optional<std::chrono::milliseconds>(seconds(270)));
  CHECK_FALSE(domain::delivery_retry_delay(5).has_value());
  CHECK_FALSE(domain::delivery_retry_delay(0).has_value());
}

TEST_CASE("a notification that keeps failing is tried five times, each after its back-off, then is FAIL",
          "[unit][domain][events]") {
  EventEnv env;
  expect_ok(env.events.create_event(event_input("created", {"SECRET_VERSION_CREATED"})));
  env.subscribed("a", "created");
  FakeSink sink;
  sink.fail = true;
  for (std::int64_t attempt = 1; attempt <= domain::kMaxDeliveryAttempts; ++attempt) {
    const auto counts = expect_ok(env.events.deliver_pending(sink));
    CHECK(sink.seen.size() == static_cast<std::size_t>(attempt));
    const auto delay = domain::delivery_retry_delay(attempt);
    if (!delay) {
      CHECK(counts.failed == 1);
      break;
    }
    CHECK(counts.retrying == 1);
    // One millisecond early is still too early.
    env.time.advance(*delay - std::chrono::milliseconds(1));
    CHECK(expect_ok(env.events.deliver_pending(sink)).retrying == 0);
    env.time.advance(std::chrono::milliseconds(1));
  }
  CHECK(sink.seen.size() == 5);
  CHECK(env.records().at(0).status == "FAIL");
  CHECK(env.records().at(0).attempts == 5);
  env.time.advance(std::chrono::hours(24));
  CHECK(expect_ok(env.events.deliver_pending(sink)).failed == 0);
  CHECK(sink.seen.size() == 5);
}

TEST_CASE("a delivery pass stops between records once a stop is requested and keeps what it delivered",
          "[unit][domain][events]") {
  EventEnv env;
  expect_ok(env.events.create_event(event_input("created", {"SECRET_VERSION_CREATED"})));
  env.subscribed("a", "created");
  env.subscribed("b", "created");
  env.subscribed("c", "created");
  FakeSink sink;
  // Stop is requested during the first delivery.
  const auto counts = expect_ok(env.events.deliver_pending(sink, [&]() { return !sink.seen.empty(); }));
  CHECK(counts.delivered == 1);
  CHECK(sink.seen.size() == 1);
  std::size_t pending = 0;
  for (const auto& record : env.records()) pending += record.status == "PENDING" ? 1 : 0;
  CHECK(pending == 2);
  CHECK(expect_ok(env.events.deliver_pending(sink)).delivered == 2);
}

TEST_CASE("notification records page newest first by time and row, also within one millisecond",
          "[unit][domain][events]") {
  EventEnv env;
  expect_ok(env.events.create_event(event_input("created", {"SECRET_VERSION_CREATED"})));
  for (int i = 0; i < 5; ++i) env.subscribed("s" + std::to_string(i), "created");  // all in the same millisecond
  env.time.advance(std::chrono::seconds(1));
  env.subscribed("later", "created");
  std::vector<std::string> seen;
  std::optional<core::RecordPosition> after;
  for (int page = 0; page < 10; ++page) {
    const auto got = expect_ok(env.events.list_records(P, after, 2));
    for (const auto& record : got.items) seen.push_back(record.secret_name);
    if (!got.has_more) break;
    after = core::RecordPosition{got.items.back().create_time, got.items.back().row_id};
  }
  CHECK(seen == std::vector<std::string>{"later", "s4", "s3", "s2", "s1", "s0"});
}

}  // namespace
