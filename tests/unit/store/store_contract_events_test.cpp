// store_contract_events_test.cpp: events, notifications, expiry, tasks, keys and credentials alike on both stores.
#include "common/store_fixture.hpp"
#include "common/store_rows.hpp"
#include "common/unit_env.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

using csms::core::Errc;
using csms::store::Store;
using csms::store::Transaction;
using csms::store::TransactionMode;
using csms::unit::expect_ok;

const std::string kProject(csms::unit::kProject);
const std::string kOtherProject = "fedcba9876543210fedcba9876543210";

std::unique_ptr<Transaction> write(Store& store) { return expect_ok(store.begin(TransactionMode::kWrite)); }
std::unique_ptr<Transaction> read(Store& store) { return expect_ok(store.begin(TransactionMode::kRead)); }

/// The error code of a Status that should have failed; empty (so no Errc equals it) when it succeeded.
std::optional<Errc> failure_of(const csms::core::Status& status) {
  if (status) return std::nullopt;
  return status.error().code;
}

// --- rows ---

csms::core::Event make_event(const std::string& name, const std::string& project = kProject) {
  csms::core::Event event;
  event.id = "ev-id-" + project + "-" + name;
  event.project_id = project;
  event.name = name;
  event.event_types = {"SECRET_VERSION_CREATED", "SECRET_DELETED"};
  event.state = "ENABLED";
  event.notification = {"SMN", "urn:smn:region:project:topic", "topic"};
  event.create_time = 5'000;
  event.update_time = 5'000;
  return event;
}

csms::core::NotificationRecord make_record(const std::string& event_name, csms::core::EpochMillis at,
                                           const std::string& project = kProject) {
  csms::core::NotificationRecord record;
  record.project_id = project;
  record.event_name = event_name;
  record.trigger_event_type = "SECRET_VERSION_CREATED";
  record.create_time = at;
  record.secret_name = "s";
  record.secret_type = "COMMON";
  record.target_name = "topic";
  record.target_id = "urn:smn:region:project:topic";
  record.content = R"({"event":")" + event_name + R"("})";
  record.status = "PENDING";
  return record;
}

csms::core::StoredVersion make_version(csms::core::VersionNumber number, std::uint32_t key_id = 1,
                                       std::optional<csms::core::EpochMillis> expire_time = {}) {
  csms::core::StoredVersion version;
  version.metadata.number = number;
  version.metadata.create_time = 2'000'000 + number * 1000;
  version.metadata.expire_time = expire_time;
  version.metadata.kms_key_id = "11111111-2222-3333-4444-555555555555";
  version.value.key_id = key_id;
  version.value.blob = {0xde, 0xad, static_cast<std::uint8_t>(number)};
  return version;
}

csms::core::RotationTask make_task(const std::string& id, const std::string& secret_name,
                                   const std::string& project = kProject) {
  csms::core::RotationTask task;
  task.id = id;
  task.project_id = project;
  task.secret_name = secret_name;
  task.status = "RUNNING";
  task.operate_type = "SINGLE_USER";
  task.task_time = 9'000;
  return task;
}

csms::core::Credential make_access_key(const std::string& id, const std::string& access_key, std::uint32_t key_id,
                                       csms::core::EpochMillis created) {
  csms::core::Credential credential;
  credential.id = id;
  credential.kind = csms::core::CredentialKind::kAccessKey;
  credential.access_key = access_key;
  credential.sealed_secret = csms::core::SealedValue{key_id, {0x01, 0x02, static_cast<std::uint8_t>(key_id)}};
  credential.role = csms::core::Role::kWriter;
  credential.projects = {kOtherProject, kProject};
  credential.description = "ci";
  credential.create_time = created;
  return credential;
}

csms::core::Credential make_token(const std::string& id, std::uint8_t hash_byte, csms::core::EpochMillis created) {
  csms::core::Credential credential;
  credential.id = id;
  credential.kind = csms::core::CredentialKind::kToken;
  credential.token_hash = std::vector<std::uint8_t>(32, hash_byte);
  credential.role = csms::core::Role::kMetrics;  // the newest role: both schemas must take it
  credential.projects = {std::string(csms::core::kAllProjects)};
  credential.description = "ops";
  credential.create_time = created;
  return credential;
}

std::vector<std::string> names_of(const std::vector<csms::core::Event>& events) {
  std::vector<std::string> names;
  for (const auto& event : events) names.push_back(event.name);
  return names;
}

std::vector<std::string> ids_of(const std::vector<csms::core::RotationTask>& tasks) {
  std::vector<std::string> ids;
  for (const auto& task : tasks) ids.push_back(task.id);
  return ids;
}

std::vector<std::string> contents_of(const std::vector<csms::core::NotificationRecord>& records) {
  std::vector<std::string> contents;
  for (const auto& record : records) contents.push_back(record.event_name + "@" + std::to_string(record.create_time));
  return contents;
}

// --- the checks, each on a fresh store ---

void check_events(Store& store) {
  {
    auto txn = write(store);
    for (const char* name : {"a", "B", "\xC3\xA9", "b"}) expect_ok(txn->insert_event(make_event(name)));
    expect_ok(txn->insert_event(make_event("a", kOtherProject)));
    csms::core::Secret subscriber = csms::unit::make_secret("sub");
    subscriber.event_subscriptions = {"b", "a"};
    expect_ok(txn->insert_secret(subscriber));
    csms::core::Secret other = csms::unit::make_secret("other");
    other.event_subscriptions = {"a"};
    expect_ok(txn->insert_secret(other));
    csms::core::Secret elsewhere = csms::unit::make_secret("sub", kOtherProject);
    elsewhere.event_subscriptions = {"a"};
    expect_ok(txn->insert_secret(elsewhere));
    expect_ok(txn->commit());
  }
  {
    // The same (project, name), or the same id, is refused as taken, and the transaction goes on as in SQLite
    // (a PostgreSQL error would have aborted it).
    auto txn = write(store);
    csms::core::Event again = make_event("a");
    again.id = "another-id";
    CHECK(failure_of(txn->insert_event(again)) == Errc::kAlreadyExists);
    csms::core::Event same_id = make_event("fresh");
    same_id.id = make_event("a").id;
    CHECK(failure_of(txn->insert_event(same_id)) == Errc::kAlreadyExists);
    expect_ok(txn->insert_event(make_event("c")));
    expect_ok(txn->commit());
  }
  auto txn = read(store);
  const auto found = expect_ok(txn->find_event(kProject, "a"));
  REQUIRE(found.has_value());
  const csms::core::Event expected = make_event("a");
  CHECK(found->row_id > 0);
  CHECK(found->id == expected.id);
  CHECK(found->project_id == kProject);
  CHECK(found->event_types == expected.event_types);  // order kept
  CHECK(found->state == "ENABLED");
  CHECK(found->notification.target_type == "SMN");
  CHECK(found->notification.target_id == expected.notification.target_id);
  CHECK(found->notification.target_name == "topic");
  CHECK(found->create_time == 5'000);
  CHECK(found->update_time == 5'000);
  CHECK_FALSE(expect_ok(txn->find_event(kProject, "A")).has_value());
  CHECK_FALSE(expect_ok(txn->find_event(kProject, "missing")).has_value());
  CHECK(expect_ok(txn->find_event(kOtherProject, "a"))->row_id != found->row_id);

  // Byte order ("B" < "a" < "b" < "é"), the marker exclusive, the limit, only the project's own.
  CHECK(names_of(expect_ok(txn->list_events(kProject, std::nullopt, 10))) ==
        std::vector<std::string>{"B", "a", "b", "c", "\xC3\xA9"});
  CHECK(names_of(expect_ok(txn->list_events(kProject, std::nullopt, 2))) == std::vector<std::string>{"B", "a"});
  CHECK(names_of(expect_ok(txn->list_events(kProject, std::string_view("a"), 10))) ==
        std::vector<std::string>{"b", "c", "\xC3\xA9"});
  CHECK(names_of(expect_ok(txn->list_events(kProject, std::string_view("aa"), 1))) == std::vector<std::string>{"b"});
  CHECK(expect_ok(txn->list_events(kProject, std::string_view("\xC3\xA9"), 10)).empty());
  CHECK(names_of(expect_ok(txn->list_events(kOtherProject, std::nullopt, 10))) == std::vector<std::string>{"a"});

  CHECK(expect_ok(txn->count_event_subscribers(kProject, "a")) == 2);
  CHECK(expect_ok(txn->count_event_subscribers(kProject, "b")) == 1);
  CHECK(expect_ok(txn->count_event_subscribers(kProject, "B")) == 0);
  CHECK(expect_ok(txn->count_event_subscribers(kOtherProject, "a")) == 1);
  txn.reset();

  {
    auto update = write(store);
    csms::core::Event changed = *found;
    changed.event_types = {"SECRET_DELETED"};
    changed.state = "DISABLED";
    changed.notification = {"SMN", "urn:smn:x", "x"};
    changed.create_time = 1;  // not rewritten
    changed.update_time = 6'000;
    expect_ok(update->update_event(changed));
    csms::core::Event vanished = changed;
    vanished.row_id = found->row_id + 1000;
    CHECK(failure_of(update->update_event(vanished)) == Errc::kNotFound);
    expect_ok(update->commit());
  }
  {
    auto check = read(store);
    const auto updated = *expect_ok(check->find_event(kProject, "a"));
    CHECK(updated.event_types == std::vector<std::string>{"SECRET_DELETED"});
    CHECK(updated.state == "DISABLED");
    CHECK(updated.notification.target_id == "urn:smn:x");
    CHECK(updated.notification.target_name == "x");
    CHECK(updated.create_time == 5'000);
    CHECK(updated.update_time == 6'000);
  }
  {
    auto removal = write(store);
    expect_ok(removal->delete_event(found->row_id));
    expect_ok(removal->delete_event(found->row_id));  // already gone: nothing to do, no error
    expect_ok(removal->commit());
  }
  auto after = read(store);
  CHECK_FALSE(expect_ok(after->find_event(kProject, "a")).has_value());
  CHECK(expect_ok(after->find_event(kOtherProject, "a")).has_value());
  CHECK(names_of(expect_ok(after->list_events(kProject, std::nullopt, 10))) ==
        std::vector<std::string>{"B", "b", "c", "\xC3\xA9"});
}

void check_notification_records(Store& store) {
  {
    auto txn = write(store);
    // Inserted out of time order; two share a millisecond.
    expect_ok(txn->insert_notification_record(make_record("e1", 100)));
    expect_ok(txn->insert_notification_record(make_record("e2", 300)));
    expect_ok(txn->insert_notification_record(make_record("e3", 200)));
    expect_ok(txn->insert_notification_record(make_record("e4", 300)));
    expect_ok(txn->insert_notification_record(make_record("x", 250, kOtherProject)));
    expect_ok(txn->commit());
  }
  auto txn = read(store);
  const auto all = expect_ok(txn->list_notification_records(kProject, 0, std::nullopt, 10));
  // Newest first; the later row first among equal times.
  REQUIRE(contents_of(all) == std::vector<std::string>{"e4@300", "e2@300", "e3@200", "e1@100"});
  const auto& first = all.front();
  CHECK(first.row_id > 0);
  CHECK(first.project_id == kProject);
  CHECK(first.trigger_event_type == "SECRET_VERSION_CREATED");
  CHECK(first.secret_name == "s");
  CHECK(first.secret_type == "COMMON");
  CHECK(first.target_name == "topic");
  CHECK(first.target_id == "urn:smn:region:project:topic");
  CHECK(first.content == R"({"event":"e4"})");
  CHECK(first.status == "PENDING");
  CHECK(first.attempts == 0);
  CHECK(first.next_attempt_time == 0);

  // Paging by position inside one millisecond neither skips nor repeats.
  const auto page1 = expect_ok(txn->list_notification_records(kProject, 0, std::nullopt, 1));
  REQUIRE(page1.size() == 1);
  const auto page2 = expect_ok(txn->list_notification_records(
      kProject, 0, csms::core::RecordPosition{page1[0].create_time, page1[0].row_id}, 2));
  CHECK(contents_of(page2) == std::vector<std::string>{"e2@300", "e3@200"});
  const auto page3 = expect_ok(txn->list_notification_records(
      kProject, 0, csms::core::RecordPosition{page2[1].create_time, page2[1].row_id}, 2));
  CHECK(contents_of(page3) == std::vector<std::string>{"e1@100"});
  // `since` is inclusive.
  CHECK(contents_of(expect_ok(txn->list_notification_records(kProject, 200, std::nullopt, 10))) ==
        std::vector<std::string>{"e4@300", "e2@300", "e3@200"});
  CHECK(contents_of(expect_ok(txn->list_notification_records(kOtherProject, 0, std::nullopt, 10))) ==
        std::vector<std::string>{"x@250"});

  // Pending ones of every project, oldest row first, due at `now` (next_attempt_time starts at 0).
  const auto pending = expect_ok(txn->list_pending_notifications(0, 10));
  CHECK(contents_of(pending) == std::vector<std::string>{"e1@100", "e2@300", "e3@200", "e4@300", "x@250"});
  CHECK(expect_ok(txn->list_pending_notifications(0, 2)).size() == 2);
  txn.reset();

  {
    auto update = write(store);
    expect_ok(update->record_delivery_attempt(pending[0].row_id, "PENDING", 1, 1'000));
    expect_ok(update->record_delivery_attempt(pending[1].row_id, "SUCCESS", 1, 0));
    expect_ok(update->record_delivery_attempt(pending[2].row_id, "FAIL", 5, 0));
    expect_ok(update->commit());
  }
  auto later = read(store);
  CHECK(contents_of(expect_ok(later->list_pending_notifications(999, 10))) ==
        std::vector<std::string>{"e4@300", "x@250"});
  CHECK(contents_of(expect_ok(later->list_pending_notifications(1'000, 10))) ==
        std::vector<std::string>{"e1@100", "e4@300", "x@250"});
  const auto records = expect_ok(later->list_notification_records(kProject, 0, std::nullopt, 10));
  REQUIRE(records.size() == 4);
  CHECK(records[3].status == "PENDING");  // e1
  CHECK(records[3].attempts == 1);
  CHECK(records[3].next_attempt_time == 1'000);
  CHECK(records[1].status == "SUCCESS");  // e2
  CHECK(records[2].status == "FAIL");     // e3
  CHECK(records[2].attempts == 5);
}

void check_expiry_notices(Store& store) {
  std::int64_t row = 0;
  {
    auto txn = write(store);
    row = expect_ok(txn->insert_secret(csms::unit::make_secret("expiring")));
    expect_ok(txn->insert_version(row, make_version(1, 1, 5'000)));
    expect_ok(txn->insert_version(row, make_version(2, 1, 4'000)));
    expect_ok(txn->insert_version(row, make_version(3, 1)));  // never expires
    expect_ok(txn->insert_version(row, make_version(4, 1, 9'000)));
    expect_ok(txn->commit());
  }
  auto numbers = [&](csms::core::EpochMillis now, std::size_t limit) {
    auto txn = read(store);
    std::vector<std::int64_t> found;
    for (const auto& expired : expect_ok(txn->list_unannounced_expiries(now, limit))) {
      CHECK(expired.project_id == kProject);
      CHECK(expired.secret_name == "expiring");
      CHECK(expired.create_time == 2'000'000 + expired.number * 1000);
      found.push_back(expired.number);
    }
    return found;
  };
  // At or before `now`, earliest expiry first.
  CHECK(numbers(3'999, 10).empty());
  CHECK(numbers(4'000, 10) == std::vector<std::int64_t>{2});
  CHECK(numbers(5'000, 10) == std::vector<std::int64_t>{2, 1});
  CHECK(numbers(10'000, 1) == std::vector<std::int64_t>{2});
  {
    auto txn = write(store);
    expect_ok(txn->mark_expiry_announced(row, 2, 4'000));
    expect_ok(txn->mark_expiry_announced(row, 1, 1));  // a notice for another time does not count
    expect_ok(txn->commit());
  }
  CHECK(numbers(10'000, 10) == std::vector<std::int64_t>{1, 4});
  {
    // Re-arming: a new expire_time makes the version due again; announcing it replaces the old notice.
    auto txn = write(store);
    expect_ok(txn->mark_expiry_announced(row, 1, 5'000));
    expect_ok(txn->update_version_expiry(row, 2, 6'000));
    expect_ok(txn->commit());
  }
  CHECK(numbers(10'000, 10) == std::vector<std::int64_t>{2, 4});
  {
    auto txn = write(store);
    expect_ok(txn->mark_expiry_announced(row, 2, 6'000));
    expect_ok(txn->mark_expiry_announced(row, 4, 9'000));
    expect_ok(txn->commit());
  }
  CHECK(numbers(10'000, 10).empty());
}

void check_rotation_tasks(Store& store) {
  {
    auto txn = write(store);
    csms::core::RotationTask first = make_task("t-3", "alpha");
    first.rotation_func_urn = "urn:fss:f";
    expect_ok(txn->insert_rotation_task(first));
    expect_ok(txn->insert_rotation_task(make_task("t-1", "beta")));
    expect_ok(txn->insert_rotation_task(make_task("t-x", "alpha", kOtherProject)));
    expect_ok(txn->insert_rotation_task(make_task("t-2", "alpha")));
    expect_ok(txn->commit());
  }
  {
    // A taken id is refused; the transaction goes on (nothing is committed here).
    auto txn = write(store);
    CHECK(failure_of(txn->insert_rotation_task(make_task("t-1", "gamma"))) == Errc::kAlreadyExists);
    expect_ok(txn->insert_rotation_task(make_task("t-9", "gamma")));
    CHECK(expect_ok(txn->count_rotation_tasks(kProject, csms::core::TaskFilter{})) == 4);
  }
  {
    auto txn = read(store);
    const csms::core::TaskFilter none;
    const auto all = expect_ok(txn->list_rotation_tasks(kProject, none, std::nullopt, 10));
    // Creation order, not id order.
    REQUIRE(ids_of(all) == std::vector<std::string>{"t-3", "t-1", "t-2"});
    CHECK(all[0].project_id == kProject);
    CHECK(all[0].secret_name == "alpha");
    CHECK(all[0].rotation_func_urn == std::optional<std::string>("urn:fss:f"));
    CHECK_FALSE(all[1].rotation_func_urn.has_value());
    CHECK(all[0].status == "RUNNING");
    CHECK(all[0].operate_type == "SINGLE_USER");
    CHECK(all[0].task_time == 9'000);
    CHECK(all[0].attempt_nums == 0);
    CHECK_FALSE(all[0].error_code.has_value());
    CHECK_FALSE(all[0].error_msg.has_value());
    CHECK_FALSE(all[0].version_id.has_value());

    CHECK(ids_of(expect_ok(txn->list_rotation_tasks(kProject, none, std::string_view("t-3"), 10))) ==
          std::vector<std::string>{"t-1", "t-2"});
    CHECK(ids_of(expect_ok(txn->list_rotation_tasks(kProject, none, std::string_view("t-3"), 1))) ==
          std::vector<std::string>{"t-1"});
    // An unknown marker, or one of another project, matches nothing.
    CHECK(expect_ok(txn->list_rotation_tasks(kProject, none, std::string_view("nope"), 10)).empty());
    CHECK(expect_ok(txn->list_rotation_tasks(kProject, none, std::string_view("t-x"), 10)).empty());

    csms::core::TaskFilter by_name;
    by_name.secret_name = "alpha";
    CHECK(ids_of(expect_ok(txn->list_rotation_tasks(kProject, by_name, std::nullopt, 10))) ==
          std::vector<std::string>{"t-3", "t-2"});
    CHECK(expect_ok(txn->count_rotation_tasks(kProject, by_name)) == 2);
    csms::core::TaskFilter by_id;
    by_id.task_id = "t-2";
    CHECK(ids_of(expect_ok(txn->list_rotation_tasks(kProject, by_id, std::nullopt, 10))) ==
          std::vector<std::string>{"t-2"});
    CHECK(expect_ok(txn->count_rotation_tasks(kProject, by_id)) == 1);
    CHECK(expect_ok(txn->count_rotation_tasks(kProject, none)) == 3);
    CHECK(expect_ok(txn->count_rotation_tasks(kOtherProject, none)) == 1);
    by_id.task_id = "t-x";
    CHECK(expect_ok(txn->count_rotation_tasks(kProject, by_id)) == 0);

    CHECK(ids_of(expect_ok(txn->list_running_rotation_tasks(10))) ==
          std::vector<std::string>{"t-3", "t-1", "t-x", "t-2"});
    CHECK(ids_of(expect_ok(txn->list_running_rotation_tasks(2))) == std::vector<std::string>{"t-3", "t-1"});
  }
  {
    auto txn = write(store);
    csms::core::RotationTask done = make_task("t-3", "alpha");
    done.status = "SUCCESS";
    done.attempt_nums = 2;
    done.version_id = "v2";
    expect_ok(txn->update_rotation_task(done));
    csms::core::RotationTask failed = make_task("t-1", "beta");
    failed.status = "FAILED";
    failed.attempt_nums = 3;
    failed.error_code = "CSMS.0500";
    failed.error_msg = "the rotation command failed";
    expect_ok(txn->update_rotation_task(failed));
    CHECK(failure_of(txn->update_rotation_task(make_task("t-missing", "alpha"))) == Errc::kNotFound);
    expect_ok(txn->commit());
  }
  auto txn = read(store);
  CHECK(ids_of(expect_ok(txn->list_running_rotation_tasks(10))) == std::vector<std::string>{"t-x", "t-2"});
  csms::core::TaskFilter by_status;
  by_status.status = "FAILED";
  const auto failed = expect_ok(txn->list_rotation_tasks(kProject, by_status, std::nullopt, 10));
  REQUIRE(ids_of(failed) == std::vector<std::string>{"t-1"});
  CHECK(failed[0].attempt_nums == 3);
  CHECK(failed[0].error_code == std::optional<std::string>("CSMS.0500"));
  CHECK(failed[0].error_msg == std::optional<std::string>("the rotation command failed"));
  CHECK_FALSE(failed[0].version_id.has_value());
  by_status.status = "SUCCESS";
  const auto succeeded = expect_ok(txn->list_rotation_tasks(kProject, by_status, std::nullopt, 10));
  REQUIRE(succeeded.size() == 1);
  CHECK(succeeded[0].version_id == std::optional<std::string>("v2"));
  CHECK(succeeded[0].attempt_nums == 2);
  by_status.secret_name = "beta";  // filters combine
  CHECK(expect_ok(txn->count_rotation_tasks(kProject, by_status)) == 0);
}

void check_data_keys_and_kdf(Store& store) {
  {
    // Away with the keys every check starts with (no row is sealed under them here), to start from none.
    auto txn = write(store);
    expect_ok(txn->delete_data_key(1));
    expect_ok(txn->delete_data_key(2));
    expect_ok(txn->commit());
  }
  {
    auto txn = write(store);
    CHECK(expect_ok(txn->list_data_keys()).empty());
    CHECK_FALSE(expect_ok(txn->find_passphrase_kdf()).has_value());
    expect_ok(txn->insert_data_key(csms::core::DataKeyRecord{2, {0xaa, 0x00, 0xbb}, true, 100}));
    expect_ok(txn->insert_data_key(csms::core::DataKeyRecord{1, {0x11}, false, 50}));
    // A new current key takes over: only one is current.
    expect_ok(txn->insert_data_key(csms::core::DataKeyRecord{3, {0x33}, true, 200}));
    expect_ok(txn->insert_passphrase_kdf(csms::core::PassphraseKdf{{0x00, 0x01, 0xff}, 17, 8, 2}));
    expect_ok(txn->commit());
  }
  {
    auto txn = write(store);
    CHECK(failure_of(txn->insert_data_key(csms::core::DataKeyRecord{2, {0x22}, false, 300})) == Errc::kAlreadyExists);
    CHECK(failure_of(txn->insert_passphrase_kdf(csms::core::PassphraseKdf{{0x02}, 15, 8, 1})) ==
          Errc::kAlreadyExists);
    CHECK(expect_ok(txn->list_data_keys()).size() == 3);  // still usable
  }
  {
    auto txn = read(store);
    const auto keys = expect_ok(txn->list_data_keys());
    REQUIRE(keys.size() == 3);
    CHECK(keys[0].key_id == 1);
    CHECK(keys[0].wrapped_key == std::vector<std::uint8_t>{0x11});
    CHECK_FALSE(keys[0].is_current);
    CHECK(keys[0].created_time == 50);
    CHECK(keys[1].key_id == 2);
    CHECK(keys[1].wrapped_key == std::vector<std::uint8_t>{0xaa, 0x00, 0xbb});
    CHECK_FALSE(keys[1].is_current);
    CHECK(keys[2].key_id == 3);
    CHECK(keys[2].is_current);
    CHECK(keys[2].created_time == 200);
    const auto kdf = expect_ok(txn->find_passphrase_kdf());
    REQUIRE(kdf.has_value());
    CHECK(kdf->salt == std::vector<std::uint8_t>{0x00, 0x01, 0xff});
    CHECK(kdf->log2_n == 17);
    CHECK(kdf->r == 8);
    CHECK(kdf->p == 2);
  }
  {
    auto txn = write(store);
    expect_ok(txn->delete_data_key(2));
    expect_ok(txn->delete_data_key(42));  // absent: nothing to do
    expect_ok(txn->commit());
  }
  auto txn = read(store);
  const auto keys = expect_ok(txn->list_data_keys());
  REQUIRE(keys.size() == 2);
  CHECK(keys[0].key_id == 1);
  CHECK(keys[1].key_id == 3);
}

void check_key_checks(Store& store) {
  {
    auto txn = write(store);
    expect_ok(txn->insert_key_check(csms::core::SealedValue{7, {0x07}}, 1'000));
    expect_ok(txn->insert_key_check(csms::core::SealedValue{3, {0x03}}, 1'000));
    expect_ok(txn->commit());
  }
  {
    auto txn = write(store);
    expect_ok(txn->delete_key_check(7));
    expect_ok(txn->delete_key_check(99));  // absent: nothing to do
    expect_ok(txn->commit());
  }
  auto txn = read(store);
  const auto checks = expect_ok(txn->list_key_checks());
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].key_id == 3);
  CHECK(checks[0].blob == std::vector<std::uint8_t>{0x03});
}

void check_resealing(Store& store) {
  std::int64_t first = 0;
  std::int64_t second = 0;
  {
    auto txn = write(store);
    first = expect_ok(txn->insert_secret(csms::unit::make_secret("one")));
    second = expect_ok(txn->insert_secret(csms::unit::make_secret("two", kOtherProject)));
    expect_ok(txn->insert_version(first, make_version(1, 1)));
    expect_ok(txn->insert_version(first, make_version(2, 2)));
    expect_ok(txn->insert_version(second, make_version(1, 1)));
    expect_ok(txn->insert_credential(make_access_key("c-1", "AK1", 1, 10)));
    expect_ok(txn->insert_credential(make_access_key("c-2", "AK2", 2, 11)));
    expect_ok(txn->insert_credential(make_token("c-3", 0x33, 12)));  // a token seals nothing
    expect_ok(txn->commit());
  }
  using Counts = std::vector<std::pair<std::uint32_t, std::int64_t>>;
  {
    auto txn = read(store);
    CHECK(expect_ok(txn->count_sealed_rows_by_key()) == Counts{{1, 3}, {2, 2}});
    const auto versions = expect_ok(txn->list_versions_sealed_with_other_keys(2, 10));
    REQUIRE(versions.size() == 2);
    for (const auto& version : versions) {
      CHECK(version.number == 1);
      CHECK(version.value.key_id == 1);
      CHECK(version.value.blob == make_version(1).value.blob);
      if (version.secret_row == first) {
        CHECK(version.project_id == kProject);
        CHECK(version.secret_id == csms::unit::make_secret("one").id);
      } else {
        CHECK(version.secret_row == second);
        CHECK(version.project_id == kOtherProject);
        CHECK(version.secret_id == csms::unit::make_secret("two", kOtherProject).id);
      }
    }
    CHECK(expect_ok(txn->list_versions_sealed_with_other_keys(2, 1)).size() == 1);
    const auto credentials = expect_ok(txn->list_credentials_sealed_with_other_keys(2, 10));
    REQUIRE(credentials.size() == 1);
    CHECK(credentials[0].credential_id == "c-1");
    CHECK(credentials[0].value.key_id == 1);
    CHECK(credentials[0].value.blob == std::vector<std::uint8_t>{0x01, 0x02, 0x01});
    CHECK(expect_ok(txn->list_credentials_sealed_with_other_keys(3, 1)).size() == 1);
    CHECK(expect_ok(txn->list_credentials_sealed_with_other_keys(3, 10)).size() == 2);
  }
  {
    auto txn = write(store);
    expect_ok(txn->replace_version_seal(first, 1, csms::core::SealedValue{2, {0x21}}));
    expect_ok(txn->replace_version_seal(second, 1, csms::core::SealedValue{2, {0x22}}));
    expect_ok(txn->replace_credential_seal("c-1", csms::core::SealedValue{2, {0x23}}));
    CHECK(failure_of(txn->replace_version_seal(first, 9, csms::core::SealedValue{2, {0x00}})) == Errc::kNotFound);
    CHECK(failure_of(txn->replace_credential_seal("c-9", csms::core::SealedValue{2, {0x00}})) == Errc::kNotFound);
    expect_ok(txn->commit());
  }
  auto txn = read(store);
  CHECK(expect_ok(txn->count_sealed_rows_by_key()) == Counts{{2, 5}});
  CHECK(expect_ok(txn->list_versions_sealed_with_other_keys(2, 10)).empty());
  CHECK(expect_ok(txn->list_credentials_sealed_with_other_keys(2, 10)).empty());
  const auto version = expect_ok(txn->find_version(first, 1));
  REQUIRE(version.has_value());
  CHECK(version->value.key_id == 2);
  CHECK(version->value.blob == std::vector<std::uint8_t>{0x21});
  const auto credential = expect_ok(txn->find_credential("c-1"));
  REQUIRE(credential.has_value());
  REQUIRE(credential->sealed_secret.has_value());
  CHECK(credential->sealed_secret->key_id == 2);
  CHECK(credential->sealed_secret->blob == std::vector<std::uint8_t>{0x23});
}

void check_credentials(Store& store) {
  // make_access_key gives them in the other order: the store returns them in byte order.
  const std::vector<std::string> sorted_projects{kProject, kOtherProject};
  {
    auto txn = write(store);
    expect_ok(txn->insert_credential(make_access_key("id-b", "AKB", 1, 20)));
    expect_ok(txn->insert_credential(make_token("id-a", 0x5a, 20)));
    expect_ok(txn->insert_credential(make_access_key("id-c", "AKC", 1, 10)));
    expect_ok(txn->commit());
  }
  {
    // Each of id, access key and token hash is unique; a refused insert leaves the transaction usable.
    auto txn = write(store);
    CHECK(failure_of(txn->insert_credential(make_access_key("id-b", "AKZ", 1, 30))) == Errc::kAlreadyExists);
    CHECK(failure_of(txn->insert_credential(make_access_key("id-z", "AKB", 1, 30))) == Errc::kAlreadyExists);
    CHECK(failure_of(txn->insert_credential(make_token("id-z", 0x5a, 30))) == Errc::kAlreadyExists);
    CHECK(failure_of(txn->insert_credential(make_token("id-a", 0x5b, 30))) == Errc::kAlreadyExists);
    CHECK(expect_ok(txn->list_credentials()).size() == 3);
  }
  {
    auto txn = read(store);
    const auto by_key = expect_ok(txn->find_credential_by_access_key("AKB"));
    REQUIRE(by_key.has_value());
    CHECK(by_key->id == "id-b");
    CHECK(by_key->kind == csms::core::CredentialKind::kAccessKey);
    CHECK(by_key->access_key == "AKB");
    REQUIRE(by_key->sealed_secret.has_value());
    CHECK(by_key->sealed_secret->key_id == 1);
    CHECK(by_key->sealed_secret->blob == std::vector<std::uint8_t>{0x01, 0x02, 0x01});
    CHECK(by_key->token_hash.empty());
    CHECK(by_key->role == csms::core::Role::kWriter);
    CHECK(by_key->projects == sorted_projects);  // byte order, whatever the order given
    CHECK(by_key->description == "ci");
    CHECK(by_key->create_time == 20);
    CHECK_FALSE(expect_ok(txn->find_credential_by_access_key("akb")).has_value());

    const auto by_hash = expect_ok(txn->find_credential_by_token_hash(std::vector<std::uint8_t>(32, 0x5a)));
    REQUIRE(by_hash.has_value());
    CHECK(by_hash->id == "id-a");
    CHECK(by_hash->kind == csms::core::CredentialKind::kToken);
    CHECK(by_hash->access_key.empty());
    CHECK_FALSE(by_hash->sealed_secret.has_value());
    CHECK(by_hash->token_hash == std::vector<std::uint8_t>(32, 0x5a));
    CHECK(by_hash->role == csms::core::Role::kMetrics);
    CHECK(by_hash->projects == std::vector<std::string>{"*"});
    CHECK_FALSE(expect_ok(txn->find_credential_by_token_hash(std::vector<std::uint8_t>(32, 0x5b))).has_value());

    const auto by_id = expect_ok(txn->find_credential("id-c"));
    REQUIRE(by_id.has_value());
    CHECK(by_id->access_key == "AKC");
    CHECK(by_id->projects == sorted_projects);
    CHECK_FALSE(expect_ok(txn->find_credential("id-z")).has_value());

    // Oldest first, ties by id; each with its own projects.
    const auto all = expect_ok(txn->list_credentials());
    REQUIRE(all.size() == 3);
    CHECK(all[0].id == "id-c");
    CHECK(all[1].id == "id-a");
    CHECK(all[2].id == "id-b");
    CHECK(all[0].projects == sorted_projects);
    CHECK(all[1].projects == std::vector<std::string>{"*"});
    CHECK(all[1].token_hash == std::vector<std::uint8_t>(32, 0x5a));
    CHECK(all[2].projects == sorted_projects);
  }
  {
    auto txn = write(store);
    expect_ok(txn->delete_credential("id-b"));
    CHECK(failure_of(txn->delete_credential("id-b")) == Errc::kNotFound);
    expect_ok(txn->commit());
  }
  {
    // The projects went with the credential: the id can be reused with other projects.
    auto txn = write(store);
    csms::core::Credential reused = make_token("id-b", 0x77, 40);
    reused.projects = {"p"};
    expect_ok(txn->insert_credential(reused));
    expect_ok(txn->commit());
  }
  auto txn = read(store);
  CHECK_FALSE(expect_ok(txn->find_credential_by_access_key("AKB")).has_value());
  const auto reused = expect_ok(txn->find_credential("id-b"));
  REQUIRE(reused.has_value());
  CHECK(reused->projects == std::vector<std::string>{"p"});
  CHECK(expect_ok(txn->list_credentials()).size() == 3);
}

}  // namespace

CSMS_STORE_CONTRACT("events: unique names, byte order, markers, update, delete, subscriber counts", check_events)
CSMS_STORE_CONTRACT("notification records: newest first by position, pending due, delivery attempts",
                   check_notification_records)
CSMS_STORE_CONTRACT("expiry notices: due versions once per expire_time, re-armed by a new time", check_expiry_notices)
CSMS_STORE_CONTRACT("rotation tasks: creation order, filters, markers, counts, running, update", check_rotation_tasks)
CSMS_STORE_CONTRACT("data keys: one current, id order, delete, and the passphrase KDF singleton",
                   check_data_keys_and_kdf)
CSMS_STORE_CONTRACT("master key checks: delete one by key id", check_key_checks)
CSMS_STORE_CONTRACT("re-sealing: counts by key, rows under other keys, replace or kNotFound", check_resealing)
CSMS_STORE_CONTRACT("credentials: both kinds round-trip with projects, unique keys, list order, delete",
                   check_credentials)

// Only PostgreSQL has writers on several instances at once. The losers of a race for one event name and one access
// key get kAlreadyExists (a serialization failure is retried, then ON CONFLICT DO NOTHING answers), never an
// internal error, and their transaction goes on to write and commit its notification record.
TEST_CASE("PostgreSQL store: write jobs on two instances racing for one event name and one access key",
          "[unit][store][contract][postgres]") {
  if (!csms::unit::postgres_under_test()) return;
  csms_test::PgTestDatabase database;
  const auto stores = csms::unit::open_pg_instances(database, 2);
  constexpr int kWriters = 8;
  const auto unset = [] { return csms::core::Status(csms::core::make_error(Errc::kInternal, "not run")); };
  std::vector<csms::core::Status> event_inserted(kWriters, unset());
  std::vector<csms::core::Status> key_inserted(kWriters, unset());
  std::vector<csms::core::Status> recorded(kWriters, unset());
  // A retried job runs again from the start and overwrites what its earlier attempt noted.
  const auto durable = csms::unit::race_write_jobs(stores, kWriters, [&](Store& store, int w) {
    auto txn = store.begin(TransactionMode::kWrite);
    if (!txn) {
      recorded[w] = txn.error();
      return;
    }
    csms::core::Event event = make_event("raced");
    event.id = "ev-raced-" + std::to_string(w);
    event_inserted[w] = (*txn)->insert_event(event);
    key_inserted[w] = (*txn)->insert_credential(make_access_key("cred-" + std::to_string(w), "AK-RACED", 1, 100 + w));
    recorded[w] = (*txn)->insert_notification_record(make_record("raced", 1'000 + w));
    if (recorded[w]) (void)(*txn)->commit();
  });

  int event_winners = 0;
  int key_winners = 0;
  for (int w = 0; w < kWriters; ++w) {
    INFO("writer " << w);
    CHECK(durable[w].has_value());
    CHECK(recorded[w].has_value());
    if (event_inserted[w]) {
      ++event_winners;
    } else {
      CHECK(event_inserted[w].error().code == Errc::kAlreadyExists);
    }
    if (key_inserted[w]) {
      ++key_winners;
    } else {
      CHECK(key_inserted[w].error().code == Errc::kAlreadyExists);
    }
  }
  CHECK(event_winners == 1);
  CHECK(key_winners == 1);
  auto txn = read(*stores[1]);
  CHECK(names_of(expect_ok(txn->list_events(kProject, std::nullopt, 10))) == std::vector<std::string>{"raced"});
  CHECK(expect_ok(txn->list_credentials()).size() == 1);
  CHECK(expect_ok(txn->list_notification_records(kProject, 0, std::nullopt, 100)).size() == kWriters);
}
