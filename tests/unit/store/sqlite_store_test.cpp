// sqlite_store_test.cpp: the SQLite store: transactions, the (secret, stage) key, cascades, listing and pruning.
#include "store/sqlite/sqlite_store.hpp"

#include "common/store_rows.hpp"
#include "common/unit_env.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace {

using csms::core::Errc;
using csms::core::Secret;
using csms::core::Stage;
using csms::core::StoredVersion;
using csms::store::TransactionMode;
using csms::unit::expect_ok;

const std::string kProject(csms::unit::kProject);
using csms::unit::make_secret;

StoredVersion make_version(csms::core::VersionNumber number, std::optional<csms::core::EpochMillis> deprecated = {}) {
  StoredVersion version;
  version.metadata.number = number;
  version.metadata.create_time = 2'000'000 + number * 1000;
  version.metadata.kms_key_id = "11111111-2222-3333-4444-555555555555";
  version.metadata.deprecated_since = deprecated;
  version.value.key_id = 1;
  version.value.blob = {0xde, 0xad, static_cast<std::uint8_t>(number)};
  return version;
}

struct StoreEnv {
  csms::unit::TempDir dir;
  std::unique_ptr<csms::store::sqlite::SqliteStore> store =
      expect_ok(csms::store::sqlite::SqliteStore::open(dir / "vault.db"));

  std::unique_ptr<csms::store::Transaction> write() { return expect_ok(store->begin(TransactionMode::kWrite)); }
  std::unique_ptr<csms::store::Transaction> read() { return expect_ok(store->begin(TransactionMode::kRead)); }
  int count(const std::string& sql) { return store->database().execAndGet(sql).getInt(); }

  // A committed secret with versions 1..versions and SYSCURRENT on the newest.
  std::int64_t seed(const std::string& name, int versions = 1, const std::string& project = kProject) {
    auto txn = write();
    const auto row = expect_ok(txn->insert_secret(make_secret(name, project)));
    for (int n = 1; n <= versions; ++n) expect_ok(txn->insert_version(row, make_version(n)));
    expect_ok(txn->put_stage(row, Stage{"SYSCURRENT", versions, 3'000'000}));
    expect_ok(txn->commit());
    return row;
  }
};

TEST_CASE("a transaction destroyed without commit rolls back", "[unit][store][sqlite_store]") {
  StoreEnv env;
  {
    auto txn = env.write();
    const auto row = expect_ok(txn->insert_secret(make_secret("temp")));
    expect_ok(txn->insert_version(row, make_version(1)));
    CHECK(expect_ok(txn->find_secret(kProject, "temp")).has_value());  // visible inside
  }
  auto txn = env.read();
  CHECK_FALSE(expect_ok(txn->find_secret(kProject, "temp")).has_value());
  CHECK(env.count("SELECT count(*) FROM versions") == 0);
}

TEST_CASE("a committed transaction persists across re-open", "[unit][store][sqlite_store]") {
  csms::unit::TempDir dir;
  {
    auto store = expect_ok(csms::store::sqlite::SqliteStore::open(dir / "vault.db"));
    auto txn = expect_ok(store->begin(TransactionMode::kWrite));
    expect_ok(txn->insert_secret(make_secret("kept")));
    expect_ok(txn->commit());
  }
  auto store = expect_ok(csms::store::sqlite::SqliteStore::open(dir / "vault.db"));
  auto txn = expect_ok(store->begin(TransactionMode::kRead));
  CHECK(expect_ok(txn->find_secret(kProject, "kept")).has_value());
}

TEST_CASE("a rolled-back change to an existing secret leaves the old values", "[unit][store][sqlite_store]") {
  StoreEnv env;
  env.seed("s", 2);
  {
    auto txn = env.write();
    auto secret = *expect_ok(txn->find_secret(kProject, "s"));
    secret.description = "changed";
    expect_ok(txn->update_secret(secret));
    expect_ok(txn->put_stage(secret.row_id, Stage{"SYSCURRENT", 1, 9}));
    expect_ok(txn->delete_version(secret.row_id, 2));
  }
  auto txn = env.read();
  const auto secret = *expect_ok(txn->find_secret(kProject, "s"));
  CHECK(secret.description.empty());
  CHECK(expect_ok(txn->find_stage(secret.row_id, "SYSCURRENT"))->version == 2);
  CHECK(expect_ok(txn->find_version(secret.row_id, 2)).has_value());
}

TEST_CASE("secrets round-trip every column", "[unit][store][sqlite_store]") {
  StoreEnv env;
  Secret secret = make_secret("full");
  secret.state = csms::core::SecretState::kPendingDelete;
  secret.description = "d\xC3\xA9scription";
  secret.secret_type = "RDS-FG";
  secret.auto_rotation = true;
  secret.rotation_period = "30d";
  secret.rotation_config = R"({"InstanceId":"i","SecretSubType":"SingleUser"})";
  secret.rotation_func_urn = "urn:fss:x";
  secret.event_subscriptions = {"ev-b", "ev-a"};
  secret.enterprise_project_id = "ep";
  secret.scheduled_delete_time = 7'000;
  secret.rotation_time = 8'000;
  secret.next_rotation_time = 9'000;
  secret.last_version_number = 41;
  {
    auto txn = env.write();
    secret.row_id = expect_ok(txn->insert_secret(secret));
    expect_ok(txn->commit());
  }
  auto txn = env.read();
  const auto found = expect_ok(txn->find_secret(kProject, "full"));
  REQUIRE(found.has_value());
  CHECK(found->row_id == secret.row_id);
  CHECK(found->id == secret.id);
  CHECK(found->state == secret.state);
  CHECK(found->description == secret.description);
  CHECK(found->secret_type == "RDS-FG");
  CHECK(found->auto_rotation);
  CHECK(found->rotation_period == secret.rotation_period);
  CHECK(found->rotation_config == secret.rotation_config);
  CHECK(found->rotation_func_urn == secret.rotation_func_urn);
  CHECK(found->event_subscriptions == secret.event_subscriptions);  // order kept
  CHECK(found->enterprise_project_id == "ep");
  CHECK(found->scheduled_delete_time == secret.scheduled_delete_time);
  CHECK(found->rotation_time == secret.rotation_time);
  CHECK(found->next_rotation_time == secret.next_rotation_time);
  CHECK(found->last_version_number == 41);
  CHECK(found->create_time == secret.create_time);
}

TEST_CASE("update_secret rewrites mutable columns and subscriptions", "[unit][store][sqlite_store]") {
  StoreEnv env;
  env.seed("u");
  auto txn = env.write();
  auto secret = *expect_ok(txn->find_secret(kProject, "u"));
  secret.event_subscriptions = {"e1"};
  secret.scheduled_delete_time = 5'000;
  secret.state = csms::core::SecretState::kPendingDelete;
  secret.last_version_number = 9;
  expect_ok(txn->update_secret(secret));
  auto again = *expect_ok(txn->find_secret(kProject, "u"));
  CHECK(again.event_subscriptions == std::vector<std::string>{"e1"});
  CHECK(again.state == csms::core::SecretState::kPendingDelete);
  CHECK(again.scheduled_delete_time == std::optional<csms::core::EpochMillis>(5'000));
  CHECK(again.last_version_number == 9);
  again.event_subscriptions.clear();
  again.scheduled_delete_time.reset();
  expect_ok(txn->update_secret(again));
  const auto cleared = *expect_ok(txn->find_secret(kProject, "u"));
  CHECK(cleared.event_subscriptions.empty());
  CHECK_FALSE(cleared.scheduled_delete_time.has_value());

  Secret ghost = cleared;
  ghost.row_id = 999'999;
  CHECK_ERRC(txn->update_secret(ghost), Errc::kNotFound);
}

TEST_CASE("(project, name) is unique, the same name in another project is fine", "[unit][store][sqlite_store]") {
  StoreEnv env;
  env.seed("dup");
  auto txn = env.write();
  Secret again = make_secret("dup");
  again.id = "ffffffff-ffff-4fff-8fff-ffffffffffff";
  CHECK_ERRC(txn->insert_secret(again), Errc::kAlreadyExists);
  Secret other = make_secret("dup", "fedcba9876543210fedcba9876543210");
  CHECK(txn->insert_secret(other).has_value());
}

TEST_CASE("put_stage twice moves the stage: one row per (secret, stage)", "[unit][store][sqlite_store]") {
  StoreEnv env;
  const auto row = env.seed("st", 3);
  auto txn = env.write();
  expect_ok(txn->put_stage(row, Stage{"A", 1, 10'000}));
  expect_ok(txn->put_stage(row, Stage{"A", 2, 11'000}));
  const auto stage = expect_ok(txn->find_stage(row, "A"));
  REQUIRE(stage.has_value());
  CHECK(stage->version == 2);
  CHECK(stage->update_time == 11'000);
  expect_ok(txn->commit());
  CHECK(env.count("SELECT count(*) FROM stages WHERE name = 'A'") == 1);

  auto check = env.read();
  const auto stages = expect_ok(check->list_stages(row));
  REQUIRE(stages.size() == 2);
  CHECK(stages[0].name == "A");
  CHECK(stages[1].name == "SYSCURRENT");
  const auto v1 = expect_ok(check->find_version(row, 1));
  CHECK(v1->metadata.stages.empty());
  const auto v2 = expect_ok(check->find_version(row, 2));
  CHECK(v2->metadata.stages == std::vector<std::string>{"A"});
}

TEST_CASE("a stage cannot point at a missing version", "[unit][store][sqlite_store]") {
  StoreEnv env;
  const auto row = env.seed("fk", 1);
  auto txn = env.write();
  CHECK_FALSE(txn->put_stage(row, Stage{"A", 5, 1}).has_value());
}

TEST_CASE("deleting a staged version fails, an unstaged one goes", "[unit][store][sqlite_store]") {
  StoreEnv env;
  const auto row = env.seed("dv", 2);  // SYSCURRENT on v2
  {
    auto txn = env.write();
    CHECK_FALSE(txn->delete_version(row, 2).has_value());
  }
  {
    auto txn = env.write();
    CHECK(expect_ok(txn->find_version(row, 2)).has_value());
    expect_ok(txn->delete_version(row, 1));
    CHECK_ERRC(txn->delete_version(row, 1), Errc::kNotFound);
    CHECK_ERRC(txn->delete_version(row, 42), Errc::kNotFound);
    expect_ok(txn->commit());
  }
  CHECK(env.count("SELECT count(*) FROM versions") == 1);
}

TEST_CASE("deleting a secret cascades to versions, stages and subscriptions", "[unit][store][sqlite_store]") {
  StoreEnv env;
  const auto row = env.seed("casc", 3);
  const auto survivor = env.seed("other", 2);
  {
    auto txn = env.write();
    auto secret = *expect_ok(txn->find_secret(kProject, "casc"));
    secret.event_subscriptions = {"ev"};
    expect_ok(txn->update_secret(secret));
    expect_ok(txn->put_stage(row, Stage{"A", 1, 1}));
    expect_ok(txn->commit());
  }
  {
    auto txn = env.write();
    expect_ok(txn->delete_secret(row));
    expect_ok(txn->commit());
  }
  const std::string where = " WHERE secret_pk = " + std::to_string(row);
  CHECK(env.count("SELECT count(*) FROM secrets" + where) == 0);
  CHECK(env.count("SELECT count(*) FROM versions" + where) == 0);
  CHECK(env.count("SELECT count(*) FROM stages" + where) == 0);
  CHECK(env.count("SELECT count(*) FROM secret_event_subscriptions" + where) == 0);
  const std::string other = " WHERE secret_pk = " + std::to_string(survivor);
  CHECK(env.count("SELECT count(*) FROM versions" + other) == 2);
  CHECK(env.count("SELECT count(*) FROM stages" + other) == 1);
}

std::vector<std::string> names_of(const std::vector<Secret>& secrets) {
  std::vector<std::string> out;
  for (const auto& secret : secrets) out.push_back(secret.name);
  return out;
}

TEST_CASE("list_secrets: byte order, exclusive after, limit, event filter, project", "[unit][store][sqlite_store]") {
  StoreEnv env;
  for (const char* name : {"b", "B", "a", "_x", "-y", "A1", "a0"}) env.seed(name);
  env.seed("zz-other-project", 1, "fedcba9876543210fedcba9876543210");
  {
    auto txn = env.write();
    for (const char* name : {"a", "B", "-y"}) {
      auto secret = *expect_ok(txn->find_secret(kProject, name));
      secret.event_subscriptions = {"rotate-ev"};
      expect_ok(txn->update_secret(secret));
    }
    expect_ok(txn->commit());
  }
  auto txn = env.read();
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::nullopt, std::nullopt, 100))) ==
        std::vector<std::string>{"-y", "A1", "B", "_x", "a", "a0", "b"});
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::nullopt, std::nullopt, 2))) ==
        std::vector<std::string>{"-y", "A1"});
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::string_view("B"), std::nullopt, 3))) ==
        std::vector<std::string>{"_x", "a", "a0"});
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::string_view("a"), std::nullopt, 100))) ==
        std::vector<std::string>{"a0", "b"});
  // A marker that names no secret still works as a position.
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::string_view("Az"), std::nullopt, 100))) ==
        std::vector<std::string>{"B", "_x", "a", "a0", "b"});
  CHECK(expect_ok(txn->list_secrets(kProject, std::string_view("b"), std::nullopt, 100)).empty());
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::nullopt, std::string_view("rotate-ev"), 100))) ==
        std::vector<std::string>{"-y", "B", "a"});
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::string_view("-y"), std::string_view("rotate-ev"), 1))) ==
        std::vector<std::string>{"B"});
  CHECK(expect_ok(txn->list_secrets(kProject, std::nullopt, std::string_view("nobody"), 100)).empty());
  const auto listed = expect_ok(txn->list_secrets(kProject, std::nullopt, std::string_view("rotate-ev"), 100));
  CHECK(listed[0].event_subscriptions == std::vector<std::string>{"rotate-ev"});
}

TEST_CASE("list_secrets fills each secret's own subscriptions, in order", "[unit][store][sqlite_store]") {
  StoreEnv env;
  const std::vector<std::pair<std::string, std::vector<std::string>>> wanted = {
      {"s1", {"z-ev", "a-ev", "m-ev"}}, {"s2", {}}, {"s3", {"only"}}, {"s4", {"b", "a"}}};
  {
    for (const auto& [name, events] : wanted) env.seed(name);
    auto txn = env.write();
    for (const auto& [name, events] : wanted) {
      auto secret = *expect_ok(txn->find_secret(kProject, name));
      secret.event_subscriptions = events;
      expect_ok(txn->update_secret(secret));
    }
    expect_ok(txn->commit());
  }
  auto txn = env.read();
  const auto listed = expect_ok(txn->list_secrets(kProject, std::nullopt, std::nullopt, 100));
  REQUIRE(listed.size() == wanted.size());
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    INFO(wanted[i].first);
    CHECK(listed[i].name == wanted[i].first);
    CHECK(listed[i].event_subscriptions == wanted[i].second);
  }
  const auto page = expect_ok(txn->list_secrets(kProject, std::string_view("s1"), std::nullopt, 2));
  REQUIRE(page.size() == 2);
  CHECK(page[1].event_subscriptions == std::vector<std::string>{"only"});
}

TEST_CASE("versions: list order with stages, after/limit, latest, expiry, deprecation", "[unit][store][sqlite_store]") {
  StoreEnv env;
  const auto row = env.seed("vs", 4);
  auto txn = env.write();
  CHECK(expect_ok(txn->latest_version(row)) == std::optional<csms::core::VersionNumber>(4));
  expect_ok(txn->put_stage(row, Stage{"SYSPREVIOUS", 3, 1}));
  expect_ok(txn->put_stage(row, Stage{"B", 3, 1}));
  auto versions = expect_ok(txn->list_versions(row, std::nullopt, 100));
  REQUIRE(versions.size() == 4);
  CHECK(versions[0].number == 1);
  CHECK(versions[2].stages == std::vector<std::string>{"B", "SYSPREVIOUS"});
  CHECK(versions[3].stages == std::vector<std::string>{"SYSCURRENT"});
  versions = expect_ok(txn->list_versions(row, csms::core::VersionNumber{1}, 2));
  REQUIRE(versions.size() == 2);
  CHECK(versions[0].number == 2);
  CHECK(versions[1].number == 3);

  expect_ok(txn->update_version_expiry(row, 2, 5'000));
  expect_ok(txn->set_version_deprecated_since(row, 1, 6'000));
  CHECK_ERRC(txn->update_version_expiry(row, 9, 1), Errc::kNotFound);
  CHECK_ERRC(txn->set_version_deprecated_since(row, 9, 1), Errc::kNotFound);
  const auto v2 = *expect_ok(txn->find_version(row, 2));
  CHECK(v2.metadata.expire_time == std::optional<csms::core::EpochMillis>(5'000));
  CHECK(v2.value.key_id == 1);
  CHECK(v2.value.blob == std::vector<std::uint8_t>{0xde, 0xad, 2});
  CHECK(expect_ok(txn->find_version(row, 1))->metadata.deprecated_since ==
        std::optional<csms::core::EpochMillis>(6'000));
  expect_ok(txn->set_version_deprecated_since(row, 1, std::nullopt));
  CHECK_FALSE(expect_ok(txn->find_version(row, 1))->metadata.deprecated_since.has_value());
  CHECK_FALSE(expect_ok(txn->find_version(row, 99)).has_value());

  const auto empty_row = expect_ok(txn->insert_secret(make_secret("no-versions")));
  CHECK_FALSE(expect_ok(txn->latest_version(empty_row)).has_value());
  CHECK(expect_ok(txn->list_versions(empty_row, std::nullopt, 10)).empty());
}

TEST_CASE("delete_stage removes one row, a missing stage is kNotFound", "[unit][store][sqlite_store]") {
  StoreEnv env;
  const auto row = env.seed("ds", 1);
  auto txn = env.write();
  expect_ok(txn->put_stage(row, Stage{"A", 1, 1}));
  expect_ok(txn->delete_stage(row, "A"));
  CHECK_FALSE(expect_ok(txn->find_stage(row, "A")).has_value());
  CHECK_ERRC(txn->delete_stage(row, "A"), Errc::kNotFound);
  CHECK(expect_ok(txn->find_stage(row, "SYSCURRENT")).has_value());
}

TEST_CASE("prune deletes versions deprecated before the cutoff and due pending secrets", "[unit][store][sqlite_store]") {
  StoreEnv env;
  const auto row = env.seed("pr", 4);  // SYSCURRENT on v4
  const auto due = env.seed("due", 1);
  const auto not_due = env.seed("not-due", 1);
  const auto enabled_with_time = env.seed("enabled-with-time", 1);
  {
    auto txn = env.write();
    expect_ok(txn->set_version_deprecated_since(row, 1, 1'000));
    expect_ok(txn->set_version_deprecated_since(row, 2, 2'000));
    expect_ok(txn->set_version_deprecated_since(row, 3, 3'000));
    auto set_pending = [&](const char* name, csms::core::EpochMillis when, csms::core::SecretState state) {
      auto secret = *expect_ok(txn->find_secret(kProject, name));
      secret.state = state;
      secret.scheduled_delete_time = when;
      expect_ok(txn->update_secret(secret));
    };
    set_pending("due", 10'000, csms::core::SecretState::kPendingDelete);
    set_pending("not-due", 10'001, csms::core::SecretState::kPendingDelete);
    set_pending("enabled-with-time", 1, csms::core::SecretState::kEnabled);
    expect_ok(txn->commit());
  }
  auto txn = env.write();
  const auto counts = expect_ok(txn->prune(2'000, 10'000));
  // Deprecated longer than the grace period (decision 4): strictly before the cutoff, so v2 (at 2'000) stays.
  CHECK(counts.versions_deleted == 1);
  CHECK(counts.secrets_deleted == 1);
  expect_ok(txn->commit());
  auto check = env.read();
  std::vector<csms::core::VersionNumber> left;
  for (const auto& version : expect_ok(check->list_versions(row, std::nullopt, 10))) left.push_back(version.number);
  CHECK(left == std::vector<csms::core::VersionNumber>{2, 3, 4});
  CHECK_FALSE(expect_ok(check->find_secret(kProject, "due")).has_value());
  CHECK(expect_ok(check->find_secret(kProject, "not-due")).has_value());
  CHECK(expect_ok(check->find_secret(kProject, "enabled-with-time")).has_value());
  CHECK(env.count("SELECT count(*) FROM versions WHERE secret_pk = " + std::to_string(due)) == 0);
  (void)not_due;
  (void)enabled_with_time;
}

TEST_CASE("master key checks are stored and listed by key id", "[unit][store][sqlite_store]") {
  StoreEnv env;
  auto txn = env.write();
  CHECK(expect_ok(txn->list_key_checks()).empty());
  expect_ok(txn->insert_key_check({2, {1, 2, 3}}, 1'000));
  expect_ok(txn->insert_key_check({1, {4}}, 1'000));
  CHECK_ERRC(txn->insert_key_check({1, {5}}, 2'000), Errc::kAlreadyExists);
  const auto checks = expect_ok(txn->list_key_checks());
  REQUIRE(checks.size() == 2);
  CHECK(checks[0].key_id == 1);
  CHECK(checks[0].blob == std::vector<std::uint8_t>{4});
  CHECK(checks[1].key_id == 2);
  CHECK(checks[1].blob == std::vector<std::uint8_t>{1, 2, 3});
}

}  // namespace
