// secret_service_test.cpp: SecretService use cases over a real SqliteStore file, a fixed key and a test clock.
#include "domain/secret_service.hpp"

#include "common/service_env.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <string>
#include <vector>

namespace {

using csms::core::Errc;
using csms::core::SecretState;
using csms::core::VersionNumber;
using csms::unit::expect_ok;
using csms::unit::kOtherProject;
using csms::unit::kProject;
using csms::unit::ServiceEnv;
using namespace std::chrono_literals;

const std::string P(kProject);
const std::string S = "SYSCURRENT";
const std::string PREV = "SYSPREVIOUS";

std::vector<VersionNumber> numbers_of(const std::vector<csms::core::VersionMetadata>& versions) {
  std::vector<VersionNumber> out;
  for (const auto& version : versions) out.push_back(version.number);
  return out;
}

std::string value_of(ServiceEnv& env, const std::string& name, csms::domain::VersionRef ref) {
  const auto version = expect_ok(env.service.get_version(P, name, ref));
  return std::string(version.value.bytes.view());
}

TEST_CASE("create_secret stores v1 with SYSCURRENT and the metadata", "[unit][domain][secret_service]") {
  ServiceEnv env;
  csms::domain::CreateSecretInput input;
  input.project_id = P;
  input.name = "db-password";
  input.description = "for the db";
  input.value = csms::unit::text_value("hunter2");
  input.event_subscriptions = {"ev1"};
  const auto secret = expect_ok(env.service.create_secret(std::move(input)));

  CHECK(secret.name == "db-password");
  CHECK(secret.project_id == P);
  CHECK(secret.state == SecretState::kEnabled);
  CHECK(std::regex_match(secret.id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  CHECK(secret.kms_key_id == csms::domain::SecretService::default_kms_key_id(P));
  CHECK(secret.create_time == env.time.now);
  CHECK(secret.update_time == env.time.now);
  CHECK(secret.last_version_number == 1);
  CHECK(secret.secret_type == "COMMON");
  CHECK(secret.enterprise_project_id == "0");
  CHECK_FALSE(secret.scheduled_delete_time.has_value());

  const auto fetched = expect_ok(env.service.get_secret(P, "db-password"));
  CHECK(fetched.id == secret.id);
  CHECK(fetched.description == "for the db");
  CHECK(fetched.event_subscriptions == std::vector<std::string>{"ev1"});

  const auto versions = env.stored_versions("db-password");
  REQUIRE(versions.size() == 1);
  CHECK(versions[0].number == 1);
  CHECK(versions[0].stages == std::vector<std::string>{S});
  CHECK_FALSE(versions[0].deprecated_since.has_value());
  CHECK(versions[0].kms_key_id == secret.kms_key_id);
  CHECK(value_of(env, "db-password", std::nullopt) == "hunter2");

  const auto stage = expect_ok(env.service.get_stage(P, "db-password", S));
  CHECK(stage.version == 1);
  CHECK(stage.update_time == env.time.now);
}

TEST_CASE("create_secret refuses a taken name, names are case-sensitive", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("alpha");
  csms::domain::CreateSecretInput again;
  again.project_id = P;
  again.name = "alpha";
  again.value = csms::unit::text_value("x");
  CHECK_ERRC(env.service.create_secret(std::move(again)), Errc::kAlreadyExists);
  env.create("Alpha");
  CHECK(expect_ok(env.service.list_secrets(P, std::nullopt, std::nullopt, 10)).items.size() == 2);
}

TEST_CASE("the default key id is stable per project and an explicit one is kept", "[unit][domain][secret_service]") {
  using csms::domain::SecretService;
  CHECK(SecretService::default_kms_key_id(P) == SecretService::default_kms_key_id(P));
  CHECK(SecretService::default_kms_key_id(P) != SecretService::default_kms_key_id(std::string(kOtherProject)));
  ServiceEnv env;
  csms::domain::CreateSecretInput input;
  input.project_id = P;
  input.name = "keyed";
  input.kms_key_id = "11111111-2222-3333-4444-555555555555";
  input.value = csms::unit::text_value("x");
  CHECK(expect_ok(env.service.create_secret(std::move(input))).kms_key_id == "11111111-2222-3333-4444-555555555555");
}

TEST_CASE("list_secrets pages in name order with an exclusive marker", "[unit][domain][secret_service]") {
  ServiceEnv env;
  for (const char* name : {"delta", "alpha", "charlie", "bravo", "echo"}) env.create(name);

  auto page = expect_ok(env.service.list_secrets(P, std::nullopt, std::nullopt, 2));
  REQUIRE(page.items.size() == 2);
  CHECK(page.items[0].name == "alpha");
  CHECK(page.items[1].name == "bravo");
  CHECK(page.has_more);

  page = expect_ok(env.service.list_secrets(P, std::string("bravo"), std::nullopt, 2));
  REQUIRE(page.items.size() == 2);
  CHECK(page.items[0].name == "charlie");
  CHECK(page.items[1].name == "delta");
  CHECK(page.has_more);

  page = expect_ok(env.service.list_secrets(P, std::string("delta"), std::nullopt, 2));
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].name == "echo");
  CHECK_FALSE(page.has_more);

  page = expect_ok(env.service.list_secrets(P, std::string("echo"), std::nullopt, 2));
  CHECK(page.items.empty());
  CHECK_FALSE(page.has_more);

  // Exactly `limit` items left: no further page is announced.
  page = expect_ok(env.service.list_secrets(P, std::string("charlie"), std::nullopt, 2));
  CHECK(page.items.size() == 2);
  CHECK_FALSE(page.has_more);
}

TEST_CASE("update_secret changes only the given fields", "[unit][domain][secret_service]") {
  ServiceEnv env;
  const auto created = env.create("upd");
  env.time.advance(5s);

  csms::domain::UpdateSecretInput input;
  input.description = "new description";
  auto updated = expect_ok(env.service.update_secret(P, "upd", input));
  CHECK(updated.description == "new description");
  CHECK(updated.kms_key_id == created.kms_key_id);
  CHECK(updated.create_time == created.create_time);
  CHECK(updated.update_time == created.create_time + 5000);

  csms::domain::UpdateSecretInput more;
  more.kms_key_id = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  more.event_subscriptions = std::vector<std::string>{"ev2"};
  more.auto_rotation = true;
  more.rotation_period = "30d";
  updated = expect_ok(env.service.update_secret(P, "upd", more));
  const auto stored = expect_ok(env.service.get_secret(P, "upd"));
  CHECK(stored.description == "new description");
  CHECK(stored.kms_key_id == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
  CHECK(stored.event_subscriptions == std::vector<std::string>{"ev2"});
  CHECK(stored.auto_rotation);
  CHECK(stored.rotation_period == std::optional<std::string>("30d"));

  // Versions created afterwards use the new key id; v1 keeps its own.
  env.add_version("upd", "v2");
  const auto versions = env.stored_versions("upd");
  REQUIRE(versions.size() == 2);
  CHECK(versions[0].kms_key_id == created.kms_key_id);
  CHECK(versions[1].kms_key_id == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
}

TEST_CASE("update_secret refuses auto_rotation without a rotation period", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("rot");
  csms::domain::UpdateSecretInput input;
  input.auto_rotation = true;
  CHECK_ERRC(env.service.update_secret(P, "rot", input), Errc::kInvalidParameter);
  CHECK_FALSE(expect_ok(env.service.get_secret(P, "rot")).auto_rotation);
}

TEST_CASE("operations on a missing secret are kNotFound", "[unit][domain][secret_service]") {
  ServiceEnv env;
  CHECK_ERRC(env.service.get_secret(P, "nope"), Errc::kNotFound);
  CHECK_ERRC(env.service.update_secret(P, "nope", {}), Errc::kNotFound);
  CHECK_ERRC(env.service.delete_secret(P, "nope"), Errc::kNotFound);
  CHECK_ERRC(env.service.schedule_deletion(P, "nope", 7), Errc::kNotFound);
  CHECK_ERRC(env.service.cancel_deletion(P, "nope"), Errc::kNotFound);
  CHECK_ERRC(env.service.get_version(P, "nope", std::nullopt), Errc::kNotFound);
  CHECK_ERRC(env.service.list_versions(P, "nope", std::nullopt, false, 10), Errc::kNotFound);
  CHECK_ERRC(env.service.put_stage(P, "nope", "A", 1), Errc::kNotFound);
  CHECK_ERRC(env.service.get_stage(P, "nope", S), Errc::kNotFound);
  CHECK_ERRC(env.service.delete_stage(P, "nope", "A"), Errc::kNotFound);
  csms::domain::CreateVersionInput input;
  input.value = csms::unit::text_value("x");
  CHECK_ERRC(env.service.create_version(P, "nope", std::move(input)), Errc::kNotFound);
}

TEST_CASE("delete_secret removes the secret with its versions and stages", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("gone");
  env.add_version("gone", "two");
  expect_ok(env.service.put_stage(P, "gone", "A", 1));
  csms::unit::expect_ok(env.service.delete_secret(P, "gone"));
  CHECK_ERRC(env.service.get_secret(P, "gone"), Errc::kNotFound);
  auto& db = env.store->database();
  CHECK(db.execAndGet("SELECT count(*) FROM versions").getInt() == 0);
  CHECK(db.execAndGet("SELECT count(*) FROM stages").getInt() == 0);
  // The name is free again and starts from v1.
  env.create("gone", "again");
  CHECK(value_of(env, "gone", std::nullopt) == "again");
  CHECK(numbers_of(env.stored_versions("gone")) == std::vector<VersionNumber>{1});
}

TEST_CASE("scheduled deletion: states and what stays available", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("sched");
  env.time.advance(3s);
  const auto scheduled = expect_ok(env.service.schedule_deletion(P, "sched", 7));
  CHECK(scheduled.state == SecretState::kPendingDelete);
  REQUIRE(scheduled.scheduled_delete_time.has_value());
  CHECK(*scheduled.scheduled_delete_time == env.time.now + 7 * csms::core::kMillisPerDay);
  CHECK(scheduled.update_time == env.time.now);
  CHECK(expect_ok(env.service.get_secret(P, "sched")).state == SecretState::kPendingDelete);

  SECTION("scheduling again is kSecretAlreadyPendingDeletion") {
    CHECK_ERRC(env.service.schedule_deletion(P, "sched", 10), Errc::kSecretAlreadyPendingDeletion);
    CHECK(expect_ok(env.service.get_secret(P, "sched")).scheduled_delete_time == scheduled.scheduled_delete_time);
  }
  SECTION("operations that need a usable secret are kSecretPendingDeletion") {
    csms::domain::CreateVersionInput input;
    input.value = csms::unit::text_value("x");
    CHECK_ERRC(env.service.create_version(P, "sched", std::move(input)), Errc::kSecretPendingDeletion);
    CHECK_ERRC(env.service.get_version(P, "sched", std::nullopt), Errc::kSecretPendingDeletion);
    CHECK_ERRC(env.service.get_version(P, "sched", VersionNumber{1}), Errc::kSecretPendingDeletion);
    CHECK_ERRC(env.service.update_version(P, "sched", VersionNumber{1}, 5000), Errc::kSecretPendingDeletion);
    CHECK_ERRC(env.service.put_stage(P, "sched", "A", 1), Errc::kSecretPendingDeletion);
    CHECK_ERRC(env.service.put_stage(P, "sched", S, 1), Errc::kSecretPendingDeletion);
    CHECK_ERRC(env.service.delete_stage(P, "sched", "A"), Errc::kSecretPendingDeletion);
    CHECK_ERRC(env.service.update_secret(P, "sched", {}), Errc::kSecretPendingDeletion);
    CHECK(env.stored_versions("sched").size() == 1);
  }
  SECTION("metadata reads stay available") {
    CHECK(expect_ok(env.service.list_versions(P, "sched", std::nullopt, false, 10)).items.size() == 1);
    CHECK(expect_ok(env.service.get_stage(P, "sched", S)).version == 1);
    CHECK(expect_ok(env.service.list_secrets(P, std::nullopt, std::nullopt, 10)).items.size() == 1);
  }
  SECTION("cancel restores the secret; cancelling again is kSecretNotPendingDeletion") {
    env.time.advance(1s);
    const auto restored = expect_ok(env.service.cancel_deletion(P, "sched"));
    CHECK(restored.state == SecretState::kEnabled);
    CHECK_FALSE(restored.scheduled_delete_time.has_value());
    CHECK(restored.update_time == env.time.now);
    const auto stored = expect_ok(env.service.get_secret(P, "sched"));
    CHECK(stored.state == SecretState::kEnabled);
    CHECK_FALSE(stored.scheduled_delete_time.has_value());
    CHECK_ERRC(env.service.cancel_deletion(P, "sched"), Errc::kSecretNotPendingDeletion);
    CHECK(value_of(env, "sched", std::nullopt) == "value-1");
  }
  SECTION("immediate deletion works while pending") {
    csms::unit::expect_ok(env.service.delete_secret(P, "sched"));
    CHECK_ERRC(env.service.get_secret(P, "sched"), Errc::kNotFound);
  }
}

TEST_CASE("cancel_deletion of an enabled secret is kSecretNotPendingDeletion", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("fine");
  CHECK_ERRC(env.service.cancel_deletion(P, "fine"), Errc::kSecretNotPendingDeletion);
}

TEST_CASE("create_version moves SYSCURRENT and SYSPREVIOUS and returns its stages", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("ver", "one");
  env.time.advance(2s);
  const auto v2 = env.add_version("ver", "two");
  CHECK(v2.number == 2);
  CHECK(v2.create_time == env.time.now);
  CHECK(v2.stages == std::vector<std::string>{S});

  auto versions = env.stored_versions("ver");
  REQUIRE(versions.size() == 2);
  CHECK(versions[0].stages == std::vector<std::string>{PREV});
  CHECK(versions[1].stages == std::vector<std::string>{S});
  CHECK(expect_ok(env.service.get_stage(P, "ver", PREV)).version == 1);
  CHECK(expect_ok(env.service.get_stage(P, "ver", PREV)).update_time == env.time.now);
  CHECK(expect_ok(env.service.get_secret(P, "ver")).last_version_number == 2);
  CHECK(expect_ok(env.service.get_secret(P, "ver")).update_time == env.time.now);

  CHECK(value_of(env, "ver", std::nullopt) == "two");
  CHECK(value_of(env, "ver", VersionNumber{1}) == "one");
  CHECK(value_of(env, "ver", VersionNumber{2}) == "two");
  CHECK_ERRC(env.service.get_version(P, "ver", VersionNumber{3}), Errc::kNotFound);

  // A version with custom stages only leaves SYSCURRENT on v2; latest is still the highest number.
  const auto v3 = env.add_version("ver", "three", std::vector<std::string>{"A", "B"});
  CHECK(v3.stages == std::vector<std::string>{"A", "B"});
  CHECK(expect_ok(env.service.get_stage(P, "ver", S)).version == 2);
  CHECK(expect_ok(env.service.get_stage(P, "ver", PREV)).version == 1);
  CHECK(value_of(env, "ver", std::nullopt) == "three");
}

TEST_CASE("create_version enforces the stage rules of the policy", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("lim");
  std::vector<std::string> eleven;
  for (int i = 1; i <= 11; ++i) eleven.push_back("C" + std::to_string(i));
  // SYSCURRENT (v1) + 11 customs = 12: allowed.
  env.add_version("lim", "two", eleven);
  csms::domain::CreateVersionInput input;
  input.value = csms::unit::text_value("three");
  input.stages = std::vector<std::string>{"C12"};
  CHECK_ERRC(env.service.create_version(P, "lim", std::move(input)), Errc::kStageLimitReached);
  // Moving SYSCURRENT would add SYSPREVIOUS as a 13th stage.
  csms::domain::CreateVersionInput again;
  again.value = csms::unit::text_value("three");
  CHECK_ERRC(env.service.create_version(P, "lim", std::move(again)), Errc::kStageLimitReached);
  // Nothing was written by the refused operations.
  CHECK(numbers_of(env.stored_versions("lim")) == std::vector<VersionNumber>{1, 2});
  CHECK(expect_ok(env.service.get_secret(P, "lim")).last_version_number == 2);
  CHECK_ERRC(env.service.put_stage(P, "lim", "C12", 1), Errc::kStageLimitReached);
}

TEST_CASE("update_version sets and clears the expiry", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("exp");
  env.add_version("exp", "two");
  const auto updated = expect_ok(env.service.update_version(P, "exp", VersionNumber{1}, 1'800'000'000'000));
  CHECK(updated.number == 1);
  CHECK(updated.expire_time == std::optional<csms::core::EpochMillis>(1'800'000'000'000));
  CHECK(env.stored_version("exp", 1)->expire_time == std::optional<csms::core::EpochMillis>(1'800'000'000'000));
  CHECK_FALSE(env.stored_version("exp", 2)->expire_time.has_value());

  const auto latest = expect_ok(env.service.update_version(P, "exp", std::nullopt, 1'900'000'000'000));
  CHECK(latest.number == 2);
  CHECK(env.stored_version("exp", 2)->expire_time == std::optional<csms::core::EpochMillis>(1'900'000'000'000));

  CHECK_ERRC(env.service.update_version(P, "exp", VersionNumber{9}, 1), Errc::kNotFound);
}

TEST_CASE("create_version stores the expiry it is given", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("exp2");
  csms::domain::CreateVersionInput input;
  input.value = csms::unit::text_value("two");
  input.expire_time = 1'750'000'000'000;
  const auto version = expect_ok(env.service.create_version(P, "exp2", std::move(input)));
  CHECK(version.expire_time == std::optional<csms::core::EpochMillis>(1'750'000'000'000));
  CHECK(env.stored_version("exp2", 2)->expire_time == std::optional<csms::core::EpochMillis>(1'750'000'000'000));
}

TEST_CASE("put_stage, get_stage and delete_stage", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("stg", "one");
  env.add_version("stg", "two");
  env.time.advance(10s);

  const auto placed = expect_ok(env.service.put_stage(P, "stg", "A", 1));
  CHECK(placed.name == "A");
  CHECK(placed.version == 1);
  CHECK(placed.update_time == env.time.now);
  const auto fetched = expect_ok(env.service.get_stage(P, "stg", "A"));
  CHECK(fetched.version == 1);
  CHECK(fetched.update_time == env.time.now);

  SECTION("putting the stage on its own version changes nothing, not even update_time") {
    const auto first_time = env.time.now;
    env.time.advance(10s);
    const auto same = expect_ok(env.service.put_stage(P, "stg", "A", 1));
    CHECK(same.version == 1);
    CHECK(same.update_time == first_time);
    CHECK(expect_ok(env.service.get_stage(P, "stg", "A")).update_time == first_time);
    const auto current = expect_ok(env.service.put_stage(P, "stg", S, 2));
    CHECK(current.version == 2);
    CHECK(expect_ok(env.service.get_stage(P, "stg", PREV)).version == 1);
  }
  SECTION("moving the stage removes it from the old version") {
    expect_ok(env.service.put_stage(P, "stg", "A", 2));
    const auto versions = env.stored_versions("stg");
    CHECK(versions[0].stages == std::vector<std::string>{PREV});
    CHECK(versions[1].stages == std::vector<std::string>{"A", S});
    CHECK(env.store->database().execAndGet("SELECT count(*) FROM stages WHERE name = 'A'").getInt() == 1);
  }
  SECTION("moving SYSCURRENT by put_stage gives the former holder SYSPREVIOUS") {
    expect_ok(env.service.put_stage(P, "stg", S, 1));
    CHECK(expect_ok(env.service.get_stage(P, "stg", S)).version == 1);
    CHECK(expect_ok(env.service.get_stage(P, "stg", PREV)).version == 2);
    CHECK(value_of(env, "stg", std::nullopt) == "two");  // latest is the highest number, not SYSCURRENT
  }
  SECTION("a stage onto a missing version is kNotFound") {
    CHECK_ERRC(env.service.put_stage(P, "stg", "B", 3), Errc::kNotFound);
    CHECK_ERRC(env.service.get_stage(P, "stg", "B"), Errc::kNotFound);
  }
  SECTION("delete_stage removes the label only") {
    csms::unit::expect_ok(env.service.delete_stage(P, "stg", "A"));
    CHECK_ERRC(env.service.get_stage(P, "stg", "A"), Errc::kNotFound);
    CHECK(env.stored_versions("stg").size() == 2);
    CHECK(value_of(env, "stg", VersionNumber{1}) == "one");
    CHECK_ERRC(env.service.delete_stage(P, "stg", "A"), Errc::kNotFound);
  }
  SECTION("system stages cannot be deleted") {
    CHECK_ERRC(env.service.delete_stage(P, "stg", S), Errc::kSystemStageNotDeletable);
    CHECK_ERRC(env.service.delete_stage(P, "stg", PREV), Errc::kSystemStageNotDeletable);
    CHECK(expect_ok(env.service.get_stage(P, "stg", S)).version == 2);
  }
}

TEST_CASE("deprecated_since is set when a version loses its last stage and cleared when it gains one",
          "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("dep");
  env.add_version("dep", "two");  // v1: SYSPREVIOUS
  CHECK_FALSE(env.stored_version("dep", 1)->deprecated_since.has_value());

  env.time.advance(60s);
  const auto deprecated_at = env.time.now;
  env.add_version("dep", "three");  // v1 loses SYSPREVIOUS
  CHECK(env.stored_version("dep", 1)->deprecated_since == std::optional<csms::core::EpochMillis>(deprecated_at));
  CHECK_FALSE(env.stored_version("dep", 2)->deprecated_since.has_value());
  CHECK_FALSE(env.stored_version("dep", 3)->deprecated_since.has_value());

  env.time.advance(60s);
  expect_ok(env.service.put_stage(P, "dep", "A", 1));
  CHECK_FALSE(env.stored_version("dep", 1)->deprecated_since.has_value());

  env.time.advance(60s);
  const auto again_at = env.time.now;
  csms::unit::expect_ok(env.service.delete_stage(P, "dep", "A"));
  CHECK(env.stored_version("dep", 1)->deprecated_since == std::optional<csms::core::EpochMillis>(again_at));

  // A new version created with custom stages only is not deprecated.
  const auto v4 = env.add_version("dep", "four", std::vector<std::string>{"B"});
  CHECK_FALSE(env.stored_version("dep", v4.number)->deprecated_since.has_value());
  // Moving B away deprecates v4.
  env.time.advance(1s);
  expect_ok(env.service.put_stage(P, "dep", "B", 3));
  CHECK(env.stored_version("dep", 4)->deprecated_since == std::optional<csms::core::EpochMillis>(env.time.now));
}

TEST_CASE("prune deletes versions deprecated longer than the grace period only", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("prn");
  env.add_version("prn", "two");
  env.add_version("prn", "three");  // v1 deprecated now
  const auto grace = std::chrono::milliseconds(24h);

  env.time.advance(23h);
  auto counts = expect_ok(env.service.prune(grace));
  CHECK(counts.versions_deleted == 0);
  CHECK(numbers_of(env.stored_versions("prn")) == std::vector<VersionNumber>{1, 2, 3});

  env.time.advance(1h + 1s);
  counts = expect_ok(env.service.prune(grace));
  CHECK(counts.versions_deleted == 1);
  CHECK(counts.secrets_deleted == 0);
  CHECK(numbers_of(env.stored_versions("prn")) == std::vector<VersionNumber>{2, 3});
  CHECK_ERRC(env.service.get_version(P, "prn", VersionNumber{1}), Errc::kNotFound);

  // Staged versions are never pruned, however old, even with no grace at all.
  env.time.advance(std::chrono::hours(24 * 365));
  counts = expect_ok(env.service.prune(0ms));
  CHECK(counts.versions_deleted == 0);
  CHECK(numbers_of(env.stored_versions("prn")) == std::vector<VersionNumber>{2, 3});
}

TEST_CASE("prune keeps a version that was revived before the grace period ended", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("rev");
  env.add_version("rev", "two");
  env.add_version("rev", "three");  // v1 deprecated
  env.time.advance(10h);
  expect_ok(env.service.put_stage(P, "rev", "KEEP", 1));
  env.time.advance(48h);
  CHECK(expect_ok(env.service.prune(24h)).versions_deleted == 0);
  CHECK(value_of(env, "rev", VersionNumber{1}) == "value-1");
}

TEST_CASE("prune carries out scheduled deletions when due", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("doomed");
  env.create("cancelled");
  env.create("kept");
  expect_ok(env.service.schedule_deletion(P, "doomed", 7));
  expect_ok(env.service.schedule_deletion(P, "cancelled", 7));
  expect_ok(env.service.cancel_deletion(P, "cancelled"));

  env.time.advance(std::chrono::hours(24 * 7) - 1s);
  auto counts = expect_ok(env.service.prune(24h));
  CHECK(counts.secrets_deleted == 0);
  CHECK(expect_ok(env.service.get_secret(P, "doomed")).state == SecretState::kPendingDelete);

  env.time.advance(2s);
  counts = expect_ok(env.service.prune(24h));
  CHECK(counts.secrets_deleted == 1);
  CHECK_ERRC(env.service.get_secret(P, "doomed"), Errc::kNotFound);
  CHECK(expect_ok(env.service.get_secret(P, "cancelled")).state == SecretState::kEnabled);
  CHECK(expect_ok(env.service.get_secret(P, "kept")).state == SecretState::kEnabled);
  CHECK(env.store->database().execAndGet("SELECT count(*) FROM versions").getInt() == 2);
}

TEST_CASE("values round-trip for string and binary kinds", "[unit][domain][secret_service]") {
  ServiceEnv env;
  const std::string text = std::string("multi\nline \xC3\xA9\xE2\x82\xAC\xF0\x9F\x94\x91 ") + std::string(1, '\0') +
                           " after nul";
  env.create("txt", text);
  auto version = expect_ok(env.service.get_version(P, "txt", std::nullopt));
  CHECK(version.value.kind == csms::core::ValueKind::kString);
  CHECK(std::string(version.value.bytes.view()) == text);

  csms::domain::CreateVersionInput input;
  input.value = csms::unit::binary_value("AAEC/w==");
  expect_ok(env.service.create_version(P, "txt", std::move(input)));
  version = expect_ok(env.service.get_version(P, "txt", std::nullopt));
  CHECK(version.value.kind == csms::core::ValueKind::kBinary);
  CHECK(std::string(version.value.bytes.view()) == "AAEC/w==");

  csms::domain::CreateSecretInput empty;
  empty.project_id = P;
  empty.name = "empty";
  empty.value = csms::unit::text_value("");
  expect_ok(env.service.create_secret(std::move(empty)));
  const auto empty_version = expect_ok(env.service.get_version(P, "empty", std::nullopt));
  CHECK(empty_version.value.bytes.empty());
  CHECK(empty_version.value.kind == csms::core::ValueKind::kString);
}

TEST_CASE("values are sealed at rest", "[unit][domain][secret_service]") {
  ServiceEnv env;
  const std::string marker = "PLAINTEXT-MARKER-0123456789";
  env.create("sealed", marker);
  SQLite::Statement statement(env.store->database(), "SELECT sealed_value, key_id FROM versions");
  REQUIRE(statement.executeStep());
  const auto blob = statement.getColumn(0);
  const std::string bytes(static_cast<const char*>(blob.getBlob()), static_cast<std::size_t>(blob.getBytes()));
  CHECK(bytes.find(marker) == std::string::npos);
  CHECK(statement.getColumn(1).getInt() == 1);
}

TEST_CASE("a value copied to another version does not open", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("swap", "first");
  env.add_version("swap", "second");
  env.store->database().exec(
      "UPDATE versions SET sealed_value = (SELECT sealed_value FROM versions WHERE number = 1) WHERE number = 2");
  CHECK_ERRC(env.service.get_version(P, "swap", VersionNumber{2}), Errc::kCryptoFailure);
  CHECK(value_of(env, "swap", VersionNumber{1}) == "first");
}

TEST_CASE("projects are isolated namespaces", "[unit][domain][secret_service]") {
  ServiceEnv env;
  const std::string other(kOtherProject);
  env.create("shared", "mine");
  env.create("shared", "theirs", kOtherProject);
  env.create("only-theirs", "x", kOtherProject);

  CHECK(value_of(env, "shared", std::nullopt) == "mine");
  const auto theirs = expect_ok(env.service.get_version(other, "shared", std::nullopt));
  CHECK(std::string(theirs.value.bytes.view()) == "theirs");
  CHECK_ERRC(env.service.get_secret(P, "only-theirs"), Errc::kNotFound);

  const auto mine = expect_ok(env.service.list_secrets(P, std::nullopt, std::nullopt, 10));
  REQUIRE(mine.items.size() == 1);
  CHECK(mine.items[0].name == "shared");
  CHECK(expect_ok(env.service.list_secrets(other, std::nullopt, std::nullopt, 10)).items.size() == 2);
  CHECK(expect_ok(env.service.get_secret(P, "shared")).kms_key_id !=
        expect_ok(env.service.get_secret(other, "shared")).kms_key_id);

  csms::unit::expect_ok(env.service.delete_secret(P, "shared"));
  CHECK(expect_ok(env.service.get_secret(other, "shared")).name == "shared");
  CHECK_ERRC(env.service.delete_stage(P, "only-theirs", "A"), Errc::kNotFound);
}

TEST_CASE("25 versions leave at most 20, numbered monotonically", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("many", "value-1");
  VersionNumber previous = 1;
  for (int i = 2; i <= 25; ++i) {
    const auto version = env.add_version("many", "value-" + std::to_string(i));
    CHECK(version.number == previous + 1);
    previous = version.number;
    CHECK(env.stored_versions("many").size() <= 20);
  }
  const auto versions = env.stored_versions("many");
  CHECK(numbers_of(versions) == std::vector<VersionNumber>{6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
                                                           16, 17, 18, 19, 20, 21, 22, 23, 24, 25});
  CHECK(expect_ok(env.service.get_stage(P, "many", S)).version == 25);
  CHECK(expect_ok(env.service.get_stage(P, "many", PREV)).version == 24);
  CHECK(value_of(env, "many", std::nullopt) == "value-25");
  CHECK(expect_ok(env.service.get_secret(P, "many")).last_version_number == 25);
}

TEST_CASE("the 21st version evicts the oldest unstaged version, not a staged one", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("cap");
  expect_ok(env.service.put_stage(P, "cap", "KEEP", 1));
  for (int i = 2; i <= 21; ++i) env.add_version("cap", "v" + std::to_string(i));
  const auto numbers = numbers_of(env.stored_versions("cap"));
  CHECK(numbers.size() == 20);
  CHECK(numbers.front() == 1);  // staged with KEEP
  CHECK(std::find(numbers.begin(), numbers.end(), 2) == numbers.end());
  CHECK(value_of(env, "cap", VersionNumber{1}) == "value-1");
}

TEST_CASE("version numbers are not reused after the newest version is pruned", "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("reuse");
  env.add_version("reuse", "two");
  env.add_version("reuse", "three", std::vector<std::string>{"TMP"});
  csms::unit::expect_ok(env.service.delete_stage(P, "reuse", "TMP"));  // v3 deprecated
  env.time.advance(48h);
  expect_ok(env.service.prune(24h));
  CHECK(numbers_of(env.stored_versions("reuse")) == std::vector<VersionNumber>{1, 2});
  const auto next = env.add_version("reuse", "four");
  CHECK(next.number == 4);
  CHECK_ERRC(env.service.get_version(P, "reuse", VersionNumber{3}), Errc::kNotFound);
}

TEST_CASE("list_versions pages in number order, marker exclusive, latest is past the end",
          "[unit][domain][secret_service]") {
  ServiceEnv env;
  env.create("lv");
  for (int i = 2; i <= 5; ++i) env.add_version("lv", "x");
  auto page = expect_ok(env.service.list_versions(P, "lv", std::nullopt, false, 2));
  CHECK(numbers_of(page.items) == std::vector<VersionNumber>{1, 2});
  CHECK(page.has_more);
  page = expect_ok(env.service.list_versions(P, "lv", VersionNumber{2}, false, 2));
  CHECK(numbers_of(page.items) == std::vector<VersionNumber>{3, 4});
  CHECK(page.has_more);
  page = expect_ok(env.service.list_versions(P, "lv", VersionNumber{4}, false, 2));
  CHECK(numbers_of(page.items) == std::vector<VersionNumber>{5});
  CHECK_FALSE(page.has_more);
  page = expect_ok(env.service.list_versions(P, "lv", std::nullopt, true, 2));
  CHECK(page.items.empty());
  CHECK_FALSE(page.has_more);
  // Stages are filled in.
  page = expect_ok(env.service.list_versions(P, "lv", VersionNumber{3}, false, 10));
  REQUIRE(page.items.size() == 2);
  CHECK(page.items[0].stages == std::vector<std::string>{PREV});
  CHECK(page.items[1].stages == std::vector<std::string>{S});
}

}  // namespace
