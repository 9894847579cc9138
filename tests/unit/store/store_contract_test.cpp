// store_contract_test.cpp: one set of checks on secrets, versions, stages, tags and maintenance, run on both stores.
#include "common/store_fixture.hpp"
#include "common/store_rows.hpp"
#include "common/unit_env.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

using csms::core::Errc;
using csms::core::EpochMillis;
using csms::core::Secret;
using csms::core::SecretFilter;
using csms::core::SecretState;
using csms::core::Stage;
using csms::core::StoredVersion;
using csms::core::Tag;
using csms::core::VersionNumber;
using csms::store::Store;
using csms::store::Transaction;
using csms::store::TransactionMode;
using csms::unit::expect_ok;
using csms::unit::make_secret;

const std::string kProject(csms::unit::kProject);
const std::string kOtherProject = "fedcba9876543210fedcba9876543210";

StoredVersion make_version(VersionNumber number) {
  StoredVersion version;
  version.metadata.number = number;
  version.metadata.create_time = 2'000'000 + number * 1000;
  version.metadata.kms_key_id = "11111111-2222-3333-4444-555555555555";
  version.value.key_id = 1;
  version.value.blob = {0xde, 0x00, 0xad, static_cast<std::uint8_t>(number)};
  return version;
}

std::unique_ptr<Transaction> write(Store& store) { return expect_ok(store.begin(TransactionMode::kWrite)); }
std::unique_ptr<Transaction> read(Store& store) { return expect_ok(store.begin(TransactionMode::kRead)); }

// A committed secret with versions 1..versions and SYSCURRENT on the newest.
std::int64_t seed(Store& store, const std::string& name, int versions = 1, const std::string& project = kProject) {
  auto txn = write(store);
  const auto row = expect_ok(txn->insert_secret(make_secret(name, project)));
  for (int n = 1; n <= versions; ++n) expect_ok(txn->insert_version(row, make_version(n)));
  if (versions > 0) expect_ok(txn->put_stage(row, Stage{"SYSCURRENT", versions, 3'000'000}));
  expect_ok(txn->commit());
  return row;
}

std::vector<std::string> names_of(const std::vector<Secret>& secrets) {
  std::vector<std::string> out;
  for (const auto& secret : secrets) out.push_back(secret.name);
  return out;
}

std::vector<VersionNumber> numbers_of(const std::vector<csms::core::VersionMetadata>& versions) {
  std::vector<VersionNumber> out;
  for (const auto& version : versions) out.push_back(version.number);
  return out;
}

// --- the checks, each on a fresh store ---

void rollback_without_commit(Store& store) {
  {
    auto txn = write(store);
    const auto row = expect_ok(txn->insert_secret(make_secret("temp")));
    expect_ok(txn->insert_version(row, make_version(1)));
    CHECK(expect_ok(txn->find_secret(kProject, "temp")).has_value());  // visible inside
  }
  auto txn = read(store);
  CHECK_FALSE(expect_ok(txn->find_secret(kProject, "temp")).has_value());
  CHECK(expect_ok(txn->vault_statistics()).versions == 0);
}

void secret_round_trip(Store& store) {
  Secret secret = make_secret("full");
  secret.state = SecretState::kPendingDelete;
  secret.description = "d\xC3\xA9scription with 'quotes', \"doubles\" and \\";
  secret.secret_type = "RDS-FG";
  secret.auto_rotation = true;
  secret.rotation_period = "30d";
  secret.rotation_config = R"({"InstanceId":"i","SecretSubType":"SingleUser"})";
  secret.rotation_func_urn = "urn:fss:x";
  secret.event_subscriptions = {"ev-b", "ev-a", "ev,{\"odd\"}", "NULL"};
  secret.enterprise_project_id = "ep";
  secret.scheduled_delete_time = 7'000;
  secret.rotation_time = 8'000;
  secret.next_rotation_time = 9'000;
  secret.last_version_number = 41;
  {
    auto txn = write(store);
    secret.row_id = expect_ok(txn->insert_secret(secret));
    expect_ok(txn->commit());
  }
  auto txn = read(store);
  for (const auto& found : {expect_ok(txn->find_secret(kProject, "full")),
                            expect_ok(txn->find_secret_by_id(kProject, secret.id))}) {
    REQUIRE(found.has_value());
    CHECK(found->row_id == secret.row_id);
    CHECK(found->id == secret.id);
    CHECK(found->project_id == kProject);
    CHECK(found->name == "full");
    CHECK(found->state == secret.state);
    CHECK(found->kms_key_id == secret.kms_key_id);
    CHECK(found->description == secret.description);
    CHECK(found->secret_type == "RDS-FG");
    CHECK(found->auto_rotation);
    CHECK(found->rotation_period == secret.rotation_period);
    CHECK(found->rotation_config == secret.rotation_config);
    CHECK(found->rotation_func_urn == secret.rotation_func_urn);
    CHECK(found->event_subscriptions == secret.event_subscriptions);  // order and odd characters kept
    CHECK(found->enterprise_project_id == "ep");
    CHECK(found->scheduled_delete_time == secret.scheduled_delete_time);
    CHECK(found->rotation_time == secret.rotation_time);
    CHECK(found->next_rotation_time == secret.next_rotation_time);
    CHECK(found->last_version_number == 41);
    CHECK(found->create_time == secret.create_time);
    CHECK(found->update_time == secret.update_time);
  }
  // Optional columns left empty come back empty.
  {
    auto writer = write(store);
    expect_ok(writer->insert_secret(make_secret("bare")));
    const auto bare = *expect_ok(writer->find_secret(kProject, "bare"));
    CHECK_FALSE(bare.auto_rotation);
    CHECK_FALSE(bare.rotation_period.has_value());
    CHECK_FALSE(bare.rotation_config.has_value());
    CHECK_FALSE(bare.scheduled_delete_time.has_value());
    CHECK(bare.event_subscriptions.empty());
  }
  // find_secret_by_id answers only in the secret's own project.
  CHECK_FALSE(expect_ok(txn->find_secret_by_id(kOtherProject, secret.id)).has_value());
  CHECK_FALSE(expect_ok(txn->find_secret_by_id(kProject, "no-such-id")).has_value());
  CHECK_FALSE(expect_ok(txn->find_secret(kOtherProject, "full")).has_value());
}

void update_secret_rewrites(Store& store) {
  seed(store, "u");
  auto txn = write(store);
  auto secret = *expect_ok(txn->find_secret(kProject, "u"));
  secret.event_subscriptions = {"e1", "e0"};
  secret.scheduled_delete_time = 5'000;
  secret.state = SecretState::kPendingDelete;
  secret.description = "new";
  secret.auto_rotation = true;
  secret.rotation_period = "7d";
  secret.next_rotation_time = 77;
  secret.update_time = 2'000'000;
  secret.last_version_number = 9;
  expect_ok(txn->update_secret(secret));
  auto again = *expect_ok(txn->find_secret(kProject, "u"));
  CHECK(again.event_subscriptions == std::vector<std::string>{"e1", "e0"});
  CHECK(again.state == SecretState::kPendingDelete);
  CHECK(again.scheduled_delete_time == std::optional<EpochMillis>(5'000));
  CHECK(again.description == "new");
  CHECK(again.auto_rotation);
  CHECK(again.rotation_period == std::optional<std::string>("7d"));
  CHECK(again.next_rotation_time == std::optional<EpochMillis>(77));
  CHECK(again.update_time == 2'000'000);
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
  expect_ok(txn->commit());
}

void name_and_id_are_unique(Store& store) {
  seed(store, "dup");
  auto txn = write(store);
  Secret again = make_secret("dup");
  again.id = "ffffffff-ffff-4fff-8fff-ffffffffffff";
  CHECK_ERRC(txn->insert_secret(again), Errc::kAlreadyExists);
  Secret same_id = make_secret("other-name");
  same_id.id = make_secret("dup").id;
  CHECK_ERRC(txn->insert_secret(same_id), Errc::kAlreadyExists);
  // The transaction goes on after kAlreadyExists, as the domain expects of both stores.
  CHECK(txn->insert_secret(make_secret("dup", kOtherProject)).has_value());
  expect_ok(txn->commit());
  auto check = read(store);
  CHECK(expect_ok(check->find_secret(kOtherProject, "dup")).has_value());
  CHECK(names_of(expect_ok(check->list_secrets(kProject, std::nullopt, std::nullopt, 10))) ==
        std::vector<std::string>{"dup"});
}

void list_secrets_in_byte_order(Store& store) {
  // Byte order: '-' < 'A' < 'B' < '_' < 'a' < 'b' < "é" (0xC3 0xA9); no locale may fold or reorder these.
  for (const char* name : {"b", "B", "a", "\xC3\xA9", "_x", "-y", "A1", "a0"}) seed(store, name);
  seed(store, "zz-other-project", 1, kOtherProject);
  {
    auto txn = write(store);
    for (const char* name : {"a", "B", "-y"}) {
      auto secret = *expect_ok(txn->find_secret(kProject, name));
      secret.event_subscriptions = {"other-ev", "rotate-ev"};
      expect_ok(txn->update_secret(secret));
    }
    expect_ok(txn->commit());
  }
  auto txn = read(store);
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::nullopt, std::nullopt, 100))) ==
        std::vector<std::string>{"-y", "A1", "B", "_x", "a", "a0", "b", "\xC3\xA9"});
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::nullopt, std::nullopt, 2))) ==
        std::vector<std::string>{"-y", "A1"});
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::string_view("B"), std::nullopt, 3))) ==
        std::vector<std::string>{"_x", "a", "a0"});
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::string_view("a"), std::nullopt, 100))) ==
        std::vector<std::string>{"a0", "b", "\xC3\xA9"});
  // A marker that names no secret still works as a position.
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::string_view("Az"), std::nullopt, 100))) ==
        std::vector<std::string>{"B", "_x", "a", "a0", "b", "\xC3\xA9"});
  CHECK(expect_ok(txn->list_secrets(kProject, std::string_view("\xC3\xA9"), std::nullopt, 100)).empty());
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::nullopt, std::string_view("rotate-ev"), 100))) ==
        std::vector<std::string>{"-y", "B", "a"});
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::string_view("-y"), std::string_view("rotate-ev"), 1))) ==
        std::vector<std::string>{"B"});
  CHECK(expect_ok(txn->list_secrets(kProject, std::nullopt, std::string_view("nobody"), 100)).empty());
  const auto listed = expect_ok(txn->list_secrets(kProject, std::nullopt, std::nullopt, 100));
  REQUIRE(listed.size() == 8);
  CHECK(listed[0].event_subscriptions == std::vector<std::string>{"other-ev", "rotate-ev"});  // -y
  CHECK(listed[1].event_subscriptions.empty());                                                // A1
  CHECK(listed[4].event_subscriptions == std::vector<std::string>{"other-ev", "rotate-ev"});  // a
  CHECK(names_of(expect_ok(txn->list_secrets(kOtherProject, std::nullopt, std::nullopt, 100))) ==
        std::vector<std::string>{"zz-other-project"});
}

void filter_and_count_secrets(Store& store) {
  const auto alpha = seed(store, "Alpha-db");
  const auto beta = seed(store, "beta-DB-main");
  const auto gamma = seed(store, "gamma");
  const auto accent = seed(store, "\xC3\x89" "cole-db");  // "École-db"
  const auto other = seed(store, "alpha-db", 1, kOtherProject);
  {
    auto txn = write(store);
    expect_ok(txn->put_tag(alpha, Tag{"env", "prod"}));
    expect_ok(txn->put_tag(alpha, Tag{"team", "red"}));
    expect_ok(txn->put_tag(beta, Tag{"env", "dev"}));
    expect_ok(txn->put_tag(beta, Tag{"team", "blue"}));
    expect_ok(txn->put_tag(gamma, Tag{"env", "prod"}));
    expect_ok(txn->put_tag(accent, Tag{"team", "red"}));
    expect_ok(txn->put_tag(other, Tag{"env", "prod"}));
    auto secret = *expect_ok(txn->find_secret(kProject, "gamma"));
    secret.event_subscriptions = {"ev"};
    expect_ok(txn->update_secret(secret));
    expect_ok(txn->commit());
  }
  auto txn = read(store);
  auto both = [&](const SecretFilter& filter, std::size_t offset = 0, std::size_t limit = 100) {
    const auto count = expect_ok(txn->count_filtered_secrets(kProject, filter));
    auto names = names_of(expect_ok(txn->filter_secrets(kProject, filter, offset, limit)));
    if (offset == 0 && limit >= 100) CHECK(count == static_cast<std::int64_t>(names.size()));
    return std::make_pair(count, names);
  };
  // No condition: every secret of the project, in byte order.
  CHECK(both({}).second == std::vector<std::string>{"Alpha-db", "beta-DB-main", "gamma", "\xC3\x89" "cole-db"});
  // Values of one key are alternatives; keys must all hold.
  CHECK(both({{{"env", {"prod", "qa"}}}, {}}).second == std::vector<std::string>{"Alpha-db", "gamma"});
  CHECK(both({{{"env", {"prod"}}, {"team", {"red", "blue"}}}, {}}).second == std::vector<std::string>{"Alpha-db"});
  // A key without values matches any value of that key.
  CHECK(both({{{"team", {}}}, {}}).second ==
        std::vector<std::string>{"Alpha-db", "beta-DB-main", "\xC3\x89" "cole-db"});
  CHECK(both({{{"nope", {}}}, {}}).first == 0);
  CHECK(both({{{"env", {"PROD"}}}, {}}).first == 0);  // values compare exactly
  // Names contain every text, ASCII letters compared without case; other letters exactly.
  CHECK(both({{}, {"DB"}}).second == std::vector<std::string>{"Alpha-db", "beta-DB-main", "\xC3\x89" "cole-db"});
  CHECK(both({{}, {"db", "MAIN"}}).second == std::vector<std::string>{"beta-DB-main"});
  CHECK(both({{}, {"\xC3\xA9" "cole"}}).first == 0);  // "école" does not match "École"
  CHECK(both({{}, {"\xC3\x89" "COLE"}}).second == std::vector<std::string>{"\xC3\x89" "cole-db"});
  CHECK(both({{{"team", {"red"}}}, {"db"}}).second == std::vector<std::string>{"Alpha-db", "\xC3\x89" "cole-db"});
  CHECK(both({{}, {"%"}}).first == 0);  // no pattern characters
  CHECK(both({{}, {"_"}}).first == 0);
  // Offset and limit page the same order; the count ignores them.
  const auto page = both({{}, {"a"}}, 1, 2);
  CHECK(page.first == 3);
  CHECK(page.second == std::vector<std::string>{"beta-DB-main", "gamma"});
  CHECK(both({{}, {"a"}}, 3, 2).second.empty());
  CHECK(expect_ok(txn->filter_secrets(kProject, {}, 1, std::numeric_limits<std::size_t>::max())).size() == 3);
  // Filtered pages carry their subscriptions.
  const auto filtered = expect_ok(txn->filter_secrets(kProject, {{{"env", {"prod"}}}, {}}, 0, 10));
  REQUIRE(filtered.size() == 2);
  CHECK(filtered[0].event_subscriptions.empty());
  CHECK(filtered[1].event_subscriptions == std::vector<std::string>{"ev"});
  CHECK(expect_ok(txn->count_filtered_secrets(kOtherProject, {{{"env", {"prod"}}}, {}})) == 1);
}

void versions_with_stages(Store& store) {
  const auto row = seed(store, "vs", 4);
  auto txn = write(store);
  CHECK(expect_ok(txn->latest_version(row)) == std::optional<VersionNumber>(4));
  expect_ok(txn->put_stage(row, Stage{"SYSPREVIOUS", 3, 1}));
  expect_ok(txn->put_stage(row, Stage{"B", 3, 1}));
  expect_ok(txn->put_stage(row, Stage{"a", 3, 1}));
  auto versions = expect_ok(txn->list_versions(row, std::nullopt, 100));
  REQUIRE(versions.size() == 4);
  CHECK(numbers_of(versions) == std::vector<VersionNumber>{1, 2, 3, 4});
  CHECK(versions[0].stages.empty());
  CHECK(versions[2].stages == std::vector<std::string>{"B", "SYSPREVIOUS", "a"});
  CHECK(versions[3].stages == std::vector<std::string>{"SYSCURRENT"});
  CHECK(versions[1].create_time == 2'002'000);
  CHECK(versions[1].kms_key_id == "11111111-2222-3333-4444-555555555555");
  versions = expect_ok(txn->list_versions(row, VersionNumber{1}, 2));
  CHECK(numbers_of(versions) == std::vector<VersionNumber>{2, 3});
  CHECK(versions[1].stages == std::vector<std::string>{"B", "SYSPREVIOUS", "a"});
  CHECK(expect_ok(txn->list_versions(row, VersionNumber{4}, 2)).empty());
  // "Everything" as the domain asks for it (half of size_t's range), and the whole range.
  CHECK(expect_ok(txn->list_versions(row, std::nullopt, std::numeric_limits<std::size_t>::max() / 2)).size() == 4);
  CHECK(expect_ok(txn->list_versions(row, std::nullopt, std::numeric_limits<std::size_t>::max())).size() == 4);
  CHECK(expect_ok(txn->list_secrets(kProject, std::nullopt, std::nullopt, std::numeric_limits<std::size_t>::max()))
            .size() == 1);

  expect_ok(txn->update_version_expiry(row, 2, 5'000));
  expect_ok(txn->set_version_deprecated_since(row, 1, 6'000));
  CHECK_ERRC(txn->update_version_expiry(row, 9, 1), Errc::kNotFound);
  CHECK_ERRC(txn->set_version_deprecated_since(row, 9, 1), Errc::kNotFound);
  const auto v2 = *expect_ok(txn->find_version(row, 2));
  CHECK(v2.metadata.number == 2);
  CHECK(v2.metadata.expire_time == std::optional<EpochMillis>(5'000));
  CHECK(v2.value.key_id == 1);
  CHECK(v2.value.blob == std::vector<std::uint8_t>{0xde, 0x00, 0xad, 2});  // a zero byte survives
  CHECK(v2.metadata.stages.empty());
  CHECK(expect_ok(txn->find_version(row, 3))->metadata.stages == std::vector<std::string>{"B", "SYSPREVIOUS", "a"});
  CHECK(expect_ok(txn->find_version(row, 1))->metadata.deprecated_since == std::optional<EpochMillis>(6'000));
  expect_ok(txn->set_version_deprecated_since(row, 1, std::nullopt));
  CHECK_FALSE(expect_ok(txn->find_version(row, 1))->metadata.deprecated_since.has_value());
  expect_ok(txn->update_version_expiry(row, 2, std::nullopt));
  CHECK_FALSE(expect_ok(txn->find_version(row, 2))->metadata.expire_time.has_value());
  CHECK_FALSE(expect_ok(txn->find_version(row, 99)).has_value());

  // A taken number is kAlreadyExists and the transaction goes on.
  CHECK_ERRC(txn->insert_version(row, make_version(2)), Errc::kAlreadyExists);
  expect_ok(txn->insert_version(row, make_version(5)));
  CHECK(expect_ok(txn->latest_version(row)) == std::optional<VersionNumber>(5));

  const auto empty_row = expect_ok(txn->insert_secret(make_secret("no-versions")));
  CHECK_FALSE(expect_ok(txn->latest_version(empty_row)).has_value());
  CHECK(expect_ok(txn->list_versions(empty_row, std::nullopt, 10)).empty());
  expect_ok(txn->commit());
}

void stage_moves_and_deletes(Store& store) {
  const auto row = seed(store, "st", 3);
  {
    auto txn = write(store);
    expect_ok(txn->put_stage(row, Stage{"A", 1, 10'000}));
    expect_ok(txn->put_stage(row, Stage{"A", 2, 11'000}));  // a move, not a second row
    const auto stage = expect_ok(txn->find_stage(row, "A"));
    REQUIRE(stage.has_value());
    CHECK(stage->name == "A");
    CHECK(stage->version == 2);
    CHECK(stage->update_time == 11'000);
    expect_ok(txn->commit());
  }
  {
    auto check = read(store);
    const auto stages = expect_ok(check->list_stages(row));
    REQUIRE(stages.size() == 2);
    CHECK(stages[0].name == "A");
    CHECK(stages[1].name == "SYSCURRENT");
    CHECK(stages[1].version == 3);
    CHECK(expect_ok(check->find_version(row, 1))->metadata.stages.empty());
    CHECK(expect_ok(check->find_version(row, 2))->metadata.stages == std::vector<std::string>{"A"});
    CHECK(expect_ok(check->vault_statistics()).stages == 2);
    CHECK_FALSE(expect_ok(check->find_stage(row, "a")).has_value());  // names are exact
  }
  {
    auto txn = write(store);
    expect_ok(txn->delete_stage(row, "A"));
    CHECK_FALSE(expect_ok(txn->find_stage(row, "A")).has_value());
    CHECK_ERRC(txn->delete_stage(row, "A"), Errc::kNotFound);
    CHECK(expect_ok(txn->find_stage(row, "SYSCURRENT")).has_value());
    expect_ok(txn->commit());
  }
  {
    // A stage cannot point at a missing version.
    auto txn = write(store);
    CHECK_FALSE(txn->put_stage(row, Stage{"A", 5, 1}).has_value());
  }
  {
    // A staged version cannot be deleted.
    auto txn = write(store);
    CHECK_FALSE(txn->delete_version(row, 3).has_value());
  }
  {
    auto txn = write(store);
    expect_ok(txn->delete_version(row, 1));
    CHECK_ERRC(txn->delete_version(row, 1), Errc::kNotFound);
    CHECK_ERRC(txn->delete_version(row, 42), Errc::kNotFound);
    expect_ok(txn->commit());
  }
  auto check = read(store);
  CHECK(numbers_of(expect_ok(check->list_versions(row, std::nullopt, 10))) == std::vector<VersionNumber>{2, 3});
  CHECK(expect_ok(check->list_stages(row)).size() == 1);
}

void delete_secret_cascades(Store& store) {
  const auto row = seed(store, "casc", 3);
  const auto survivor = seed(store, "other", 2);
  {
    auto txn = write(store);
    auto secret = *expect_ok(txn->find_secret(kProject, "casc"));
    secret.event_subscriptions = {"ev"};
    expect_ok(txn->update_secret(secret));
    expect_ok(txn->put_stage(row, Stage{"A", 1, 1}));
    expect_ok(txn->put_tag(row, Tag{"k", "v"}));
    expect_ok(txn->put_tag(survivor, Tag{"k", "w"}));
    expect_ok(txn->commit());
  }
  {
    auto txn = write(store);
    expect_ok(txn->delete_secret(row));
    expect_ok(txn->commit());
  }
  auto txn = read(store);
  CHECK_FALSE(expect_ok(txn->find_secret(kProject, "casc")).has_value());
  CHECK(expect_ok(txn->list_versions(row, std::nullopt, 10)).empty());
  CHECK(expect_ok(txn->list_stages(row)).empty());
  CHECK(expect_ok(txn->list_tags(row)).empty());
  CHECK(expect_ok(txn->list_secrets(kProject, std::nullopt, std::string_view("ev"), 10)).empty());
  CHECK(expect_ok(txn->list_versions(survivor, std::nullopt, 10)).size() == 2);
  CHECK(expect_ok(txn->list_stages(survivor)).size() == 1);
  const auto statistics = expect_ok(txn->vault_statistics());
  CHECK(statistics.secrets == 1);
  CHECK(statistics.versions == 2);
  CHECK(statistics.stages == 1);
  const auto project_tags = expect_ok(txn->list_project_tags(kProject));
  REQUIRE(project_tags.size() == 1);
  CHECK(project_tags[0].values == std::vector<std::string>{"w"});
}

void tags_of_secrets_and_projects(Store& store) {
  const auto one = seed(store, "one");
  const auto two = seed(store, "two");
  const auto three = seed(store, "three");
  const auto foreign = seed(store, "foreign", 1, kOtherProject);
  {
    auto txn = write(store);
    expect_ok(txn->put_tag(one, Tag{"b", "2"}));
    expect_ok(txn->put_tag(one, Tag{"B", "1"}));
    expect_ok(txn->put_tag(one, Tag{"a", "x"}));
    expect_ok(txn->put_tag(one, Tag{"a", "y"}));  // one value per key: replaces x
    expect_ok(txn->put_tag(two, Tag{"a", "x"}));
    expect_ok(txn->put_tag(two, Tag{"b", "2"}));
    expect_ok(txn->put_tag(three, Tag{"a", "Y"}));
    expect_ok(txn->put_tag(foreign, Tag{"z", "only-there"}));
    expect_ok(txn->commit());
  }
  auto txn = write(store);
  const auto tags = expect_ok(txn->list_tags(one));
  REQUIRE(tags.size() == 3);
  CHECK(tags[0].key == "B");
  CHECK(tags[1].key == "a");
  CHECK(tags[1].value == "y");
  CHECK(tags[2].key == "b");

  const auto page = expect_ok(txn->list_tags_of_secrets({two, one, 999'999}));
  std::vector<std::pair<std::int64_t, std::string>> seen;
  for (const auto& [row, tag] : page) seen.emplace_back(row, tag.key + "=" + tag.value);
  const std::int64_t low = std::min(one, two);
  const std::int64_t high = std::max(one, two);
  auto tags_of = [&](std::int64_t row) {
    return row == one ? std::vector<std::string>{"B=1", "a=y", "b=2"} : std::vector<std::string>{"a=x", "b=2"};
  };
  std::vector<std::pair<std::int64_t, std::string>> expected;
  for (const auto row : {low, high}) {
    for (const auto& tag : tags_of(row)) expected.emplace_back(row, tag);
  }
  CHECK(seen == expected);
  CHECK(expect_ok(txn->list_tags_of_secrets({})).empty());

  const auto keys = expect_ok(txn->list_project_tags(kProject));
  REQUIRE(keys.size() == 3);
  CHECK(keys[0].key == "B");
  CHECK(keys[0].values == std::vector<std::string>{"1"});
  CHECK(keys[1].key == "a");
  CHECK(keys[1].values == std::vector<std::string>{"Y", "x", "y"});
  CHECK(keys[2].key == "b");
  CHECK(keys[2].values == std::vector<std::string>{"2"});  // distinct
  const auto foreign_keys = expect_ok(txn->list_project_tags(kOtherProject));
  REQUIRE(foreign_keys.size() == 1);
  CHECK(foreign_keys[0].key == "z");
  CHECK(expect_ok(txn->list_project_tags("no-such-project")).empty());

  CHECK(expect_ok(txn->delete_tag(one, "a")));
  CHECK_FALSE(expect_ok(txn->delete_tag(one, "a")));
  CHECK_FALSE(expect_ok(txn->delete_tag(one, "A")));
  CHECK(expect_ok(txn->list_tags(one)).size() == 2);
  expect_ok(txn->commit());
}

void prune_counts_and_leftovers(Store& store) {
  const auto row = seed(store, "pr", 4);  // SYSCURRENT on v4
  const auto due = seed(store, "due", 2);
  seed(store, "not-due", 1);
  seed(store, "enabled-with-time", 1);
  {
    auto txn = write(store);
    expect_ok(txn->set_version_deprecated_since(row, 1, 1'000));
    expect_ok(txn->set_version_deprecated_since(row, 2, 2'000));
    expect_ok(txn->set_version_deprecated_since(row, 3, 3'000));
    // Versions of a deleted secret go with it and are not counted as pruned versions.
    expect_ok(txn->set_version_deprecated_since(due, 1, 500));
    auto set_pending = [&](const char* name, EpochMillis when, SecretState state) {
      auto secret = *expect_ok(txn->find_secret(kProject, name));
      secret.state = state;
      secret.scheduled_delete_time = when;
      expect_ok(txn->update_secret(secret));
    };
    set_pending("due", 10'000, SecretState::kPendingDelete);
    set_pending("not-due", 10'001, SecretState::kPendingDelete);
    set_pending("enabled-with-time", 1, SecretState::kEnabled);
    expect_ok(txn->commit());
  }
  {
    auto txn = write(store);
    const auto counts = expect_ok(txn->prune(2'000, 10'000));
    // Deprecated longer than the grace period (decision 4): strictly before the cutoff, so v2 (at 2'000) stays.
    CHECK(counts.versions_deleted == 1);
    CHECK(counts.secrets_deleted == 1);
    expect_ok(txn->commit());
  }
  {
    auto check = read(store);
    CHECK(numbers_of(expect_ok(check->list_versions(row, std::nullopt, 10))) == std::vector<VersionNumber>{2, 3, 4});
    CHECK_FALSE(expect_ok(check->find_secret(kProject, "due")).has_value());
    CHECK(expect_ok(check->list_versions(due, std::nullopt, 10)).empty());
    CHECK(expect_ok(check->find_secret(kProject, "not-due")).has_value());
    CHECK(expect_ok(check->find_secret(kProject, "enabled-with-time")).has_value());
    const auto statistics = expect_ok(check->vault_statistics());
    CHECK(statistics.secrets == 3);
    CHECK(statistics.versions == 5);
    CHECK(statistics.stages == 3);
  }
  auto txn = write(store);
  const auto again = expect_ok(txn->prune(2'000, 10'000));
  CHECK(again.versions_deleted == 0);
  CHECK(again.secrets_deleted == 0);
  const auto later = expect_ok(txn->prune(10'000, 10'001));
  CHECK(later.versions_deleted == 2);
  CHECK(later.secrets_deleted == 1);
}

void statistics_count_rows(Store& store) {
  {
    auto txn = read(store);
    const auto empty = expect_ok(txn->vault_statistics());
    CHECK(empty.secrets == 0);
    CHECK(empty.versions == 0);
    CHECK(empty.stages == 0);
    CHECK(empty.database_bytes > 0);
  }
  const auto row = seed(store, "s1", 3);
  seed(store, "s2", 2, kOtherProject);
  {
    auto txn = write(store);
    expect_ok(txn->put_stage(row, Stage{"SYSPREVIOUS", 2, 1}));
    expect_ok(txn->commit());
  }
  auto txn = read(store);
  const auto statistics = expect_ok(txn->vault_statistics());
  CHECK(statistics.secrets == 2);
  CHECK(statistics.versions == 5);
  CHECK(statistics.stages == 3);
  CHECK(statistics.database_bytes > 0);
}

void due_for_deletion(Store& store) {
  seed(store, "first");
  seed(store, "second", 1, kOtherProject);
  seed(store, "later");
  seed(store, "enabled");
  {
    auto txn = write(store);
    auto schedule = [&](const std::string& project, const char* name, EpochMillis when, SecretState state,
                        std::vector<std::string> events = {}) {
      auto secret = *expect_ok(txn->find_secret(project, name));
      secret.state = state;
      secret.scheduled_delete_time = when;
      secret.event_subscriptions = std::move(events);
      expect_ok(txn->update_secret(secret));
    };
    schedule(kProject, "first", 5'000, SecretState::kPendingDelete, {"del-ev", "x"});
    schedule(kOtherProject, "second", 5'000, SecretState::kPendingDelete);
    schedule(kProject, "later", 5'001, SecretState::kPendingDelete);
    schedule(kProject, "enabled", 1, SecretState::kEnabled);
    expect_ok(txn->commit());
  }
  auto txn = write(store);
  CHECK(expect_ok(txn->list_secrets_due_for_deletion(4'999)).empty());
  const auto due = expect_ok(txn->list_secrets_due_for_deletion(5'000));
  REQUIRE(due.size() == 2);
  CHECK(due[0].name == "first");  // in row order, across projects
  CHECK(due[0].event_subscriptions == std::vector<std::string>{"del-ev", "x"});
  CHECK(due[1].name == "second");
  CHECK(due[1].project_id == kOtherProject);
  CHECK(due[1].state == SecretState::kPendingDelete);
  // prune deletes exactly these.
  CHECK(expect_ok(txn->prune(0, 5'000)).secrets_deleted == 2);
  CHECK(expect_ok(txn->list_secrets_due_for_deletion(5'000)).empty());
  CHECK(expect_ok(txn->list_secrets_due_for_deletion(5'001)).size() == 1);
}

void due_for_rotation(Store& store) {
  for (const char* name : {"late", "early", "common", "disabled", "manual", "future"}) seed(store, name);
  seed(store, "foreign", 1, kOtherProject);
  {
    auto txn = write(store);
    auto plan = [&](const std::string& project, const char* name, EpochMillis next, bool automatic = true,
                    SecretState state = SecretState::kEnabled, const char* type = "RDS-FG") {
      auto secret = *expect_ok(txn->find_secret(project, name));
      secret.auto_rotation = automatic;
      secret.next_rotation_time = next;
      secret.state = state;
      if (std::string(type) != secret.secret_type) {
        // secret_type is not a mutable column: re-create the secret with it.
        expect_ok(txn->delete_secret(secret.row_id));
        secret.secret_type = type;
        secret.event_subscriptions = {"rot-ev"};
        secret.row_id = expect_ok(txn->insert_secret(secret));
      } else {
        expect_ok(txn->update_secret(secret));
      }
    };
    plan(kProject, "late", 3'000);
    plan(kProject, "early", 1'000);
    plan(kProject, "common", 1'000, true, SecretState::kEnabled, "COMMON");
    plan(kProject, "disabled", 1'000, true, SecretState::kDisabled);
    plan(kProject, "manual", 1'000, false);
    plan(kProject, "future", 3'001);
    plan(kOtherProject, "foreign", 2'000);
    expect_ok(txn->commit());
  }
  auto txn = read(store);
  CHECK(expect_ok(txn->list_secrets_due_for_rotation(999, 10)).empty());
  const auto due = expect_ok(txn->list_secrets_due_for_rotation(3'000, 10));
  CHECK(names_of(due) == std::vector<std::string>{"early", "foreign", "late"});  // by next rotation time
  REQUIRE(due.size() == 3);
  CHECK(due[0].event_subscriptions == std::vector<std::string>{"rot-ev"});
  CHECK(due[1].project_id == kOtherProject);
  CHECK(names_of(expect_ok(txn->list_secrets_due_for_rotation(3'000, 2))) ==
        std::vector<std::string>{"early", "foreign"});
  CHECK(expect_ok(txn->list_secrets_due_for_rotation(10'000, std::numeric_limits<std::size_t>::max())).size() == 4);
}

void master_key_checks(Store& store) {
  auto txn = write(store);
  CHECK(expect_ok(txn->list_key_checks()).empty());
  expect_ok(txn->insert_key_check({2, {1, 0, 3}}, 1'000));
  expect_ok(txn->insert_key_check({1, {4}}, 1'000));
  CHECK_ERRC(txn->insert_key_check({1, {5}}, 2'000), Errc::kAlreadyExists);
  expect_ok(txn->insert_key_check({4'000'000'000u, {6}}, 2'000));  // the whole uint32 range
  expect_ok(txn->commit());
  auto check = read(store);
  const auto checks = expect_ok(check->list_key_checks());
  REQUIRE(checks.size() == 3);
  CHECK(checks[0].key_id == 1);
  CHECK(checks[0].blob == std::vector<std::uint8_t>{4});
  CHECK(checks[1].key_id == 2);
  CHECK(checks[1].blob == std::vector<std::uint8_t>{1, 0, 3});
  CHECK(checks[2].key_id == 4'000'000'000u);
}

}  // namespace

CSMS_STORE_CONTRACT("a transaction destroyed without commit rolls back", rollback_without_commit)
CSMS_STORE_CONTRACT("secrets round-trip every column, by name and by id", secret_round_trip)
CSMS_STORE_CONTRACT("update_secret rewrites mutable columns and subscriptions", update_secret_rewrites)
CSMS_STORE_CONTRACT("a taken name or id is kAlreadyExists and the transaction goes on", name_and_id_are_unique)
CSMS_STORE_CONTRACT("list_secrets pages in byte order with markers, limits and the event filter",
                    list_secrets_in_byte_order)
CSMS_STORE_CONTRACT("filter_secrets and count_filtered_secrets select by tags and names", filter_and_count_secrets)
CSMS_STORE_CONTRACT("versions list in order with their stages, expiry and deprecation", versions_with_stages)
CSMS_STORE_CONTRACT("a stage is one row per (secret, stage): put moves it, delete removes it",
                    stage_moves_and_deletes)
CSMS_STORE_CONTRACT("deleting a secret takes its versions, stages, tags and subscriptions", delete_secret_cascades)
CSMS_STORE_CONTRACT("tags of a secret, of a page of secrets and of a project", tags_of_secrets_and_projects)
CSMS_STORE_CONTRACT("prune counts what it deleted and leaves the rest", prune_counts_and_leftovers)
CSMS_STORE_CONTRACT("vault statistics count rows across projects", statistics_count_rows)
CSMS_STORE_CONTRACT("secrets due for deletion are exactly what prune deletes", due_for_deletion)
CSMS_STORE_CONTRACT("secrets due for rotation: enabled, automatic, not COMMON, soonest first", due_for_rotation)
CSMS_STORE_CONTRACT("master key checks are stored once per key id and listed by key id", master_key_checks)

// Only PostgreSQL has several writers at once: instances racing for one name see the loser's insert answer
// kAlreadyExists (a serialization failure retried, then ON CONFLICT DO NOTHING), never an internal error, and
// racing tag writes leave one row per key.
TEST_CASE("PostgreSQL store: writers on two instances racing for one secret name and one tag key",
          "[unit][store][contract][postgres]") {
  if (!csms::unit::postgres_under_test()) return;
  csms_test::PgTestDatabase database;
  const auto stores = csms::unit::open_pg_instances(database, 2);
  const auto holder = seed(*stores[0], "tag-holder");

  constexpr int kWriters = 8;
  std::vector<csms::core::Result<std::int64_t>> inserted(kWriters, csms::core::make_error(Errc::kInternal, "unset"));
  std::vector<csms::core::Status> tagged(kWriters, csms::core::ok());
  const auto durable = csms::unit::race_write_jobs(stores, kWriters, [&](Store& store, int w) {
    auto txn = store.begin(TransactionMode::kWrite);
    if (!txn) {
      inserted[w] = txn.error();
      return;
    }
    Secret secret = make_secret("raced");
    secret.id = "id-raced-" + std::to_string(w);
    inserted[w] = (*txn)->insert_secret(secret);
    tagged[w] = (*txn)->put_tag(holder, Tag{"winner", std::to_string(w)});
    if (inserted[w] && tagged[w]) (void)(*txn)->commit();
  });

  int winners = 0;
  for (int w = 0; w < kWriters; ++w) {
    INFO("writer " << w);
    CHECK(durable[w].has_value());
    CHECK(tagged[w].has_value());
    if (inserted[w]) {
      ++winners;
    } else {
      CHECK(inserted[w].error().code == Errc::kAlreadyExists);
    }
  }
  CHECK(winners == 1);
  auto txn = read(*stores[1]);
  CHECK(names_of(expect_ok(txn->list_secrets(kProject, std::nullopt, std::nullopt, 10))) ==
        std::vector<std::string>{"raced", "tag-holder"});
  const auto tags = expect_ok(txn->list_tags(holder));
  REQUIRE(tags.size() == 1);
  CHECK(tags[0].key == "winner");
}

