// key_rotation_test.cpp: data keys opened with the KEK (open_data_keys), master key rotation and re-sealing.
#include "domain/key_rotation.hpp"

#include "common/service_env.hpp"
#include "domain/credential_service.hpp"
#include "crypto/key_wrap.hpp"
#include "domain/data_keys.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace {

using csms::core::CredentialKind;
using csms::core::Errc;
using csms::core::Role;
using csms::core::VersionNumber;
using csms::domain::KeyUsage;
using csms::unit::expect_ok;
using csms::unit::test_key;
using namespace std::chrono_literals;

const std::string P(csms::unit::kProject);
const std::string Q(csms::unit::kOtherProject);
constexpr std::uint8_t kKekSeed = 42;

/// A fresh vault whose keyring comes from open_data_keys under a 32-byte KEK, as the daemon builds it.
struct RotationEnv {
  csms::unit::TempDir dir;
  std::unique_ptr<csms::store::sqlite::SqliteStore> store =
      expect_ok(csms::store::sqlite::SqliteStore::open(dir / "vault.db"));
  csms::unit::TestClock time;
  csms::crypto::Keyring keyring =
      expect_ok(csms::domain::open_data_keys(*store, test_key(kKekSeed).span(), 1, time.now));
  csms::crypto::Sealer sealer{keyring};
  csms::domain::SecretService service{*store, sealer, time.clock()};
  csms::domain::CredentialService credentials{*store, sealer, time.clock()};
  csms::domain::KeyRotation rotation{*store, keyring, test_key(kKekSeed), "file", time.clock()};

  /// What each (secret, version) should read back as.
  std::map<std::pair<std::string, VersionNumber>, std::string> expected;

  void create(const std::string& name, const std::string& value, const std::string& project = P) {
    csms::domain::CreateSecretInput input;
    input.project_id = project;
    input.name = name;
    input.value = csms::unit::text_value(value);
    expect_ok(service.create_secret(std::move(input)));
    expected[{project + "/" + name, 1}] = value;
  }

  void add_version(const std::string& name, const std::string& value, const std::string& project = P) {
    csms::domain::CreateVersionInput input;
    input.value = csms::unit::text_value(value);
    const auto version = expect_ok(service.create_version(project, name, std::move(input)));
    expected[{project + "/" + name, version.number}] = value;
  }

  /// Every value ever written reads back through the service.
  void check_every_value_readable(csms::domain::SecretService& reader) {
    for (const auto& [where, value] : expected) {
      const auto slash = where.first.find('/');
      const std::string project = where.first.substr(0, slash);
      const std::string name = where.first.substr(slash + 1);
      INFO(where.first << " v" << where.second);
      const auto version = reader.get_version(project, name, where.second);
      REQUIRE(version.has_value());
      CHECK(version->value.bytes.view() == value);
    }
  }
  void check_every_value_readable() { check_every_value_readable(service); }

  std::vector<csms::core::DataKeyRecord> data_keys() {
    auto txn = expect_ok(store->begin(csms::store::TransactionMode::kRead));
    return expect_ok(txn->list_data_keys());
  }

  std::vector<std::uint32_t> data_key_ids() {
    std::vector<std::uint32_t> ids;
    for (const auto& key : data_keys()) ids.push_back(key.key_id);
    return ids;
  }

  std::uint32_t stored_current() {
    std::uint32_t current = 0;
    int count = 0;
    for (const auto& key : data_keys()) {
      if (key.is_current) {
        current = key.key_id;
        ++count;
      }
    }
    CHECK(count == 1);
    return current;
  }

  std::int64_t sealed_rows() {
    std::int64_t total = 0;
    for (const KeyUsage& usage : expect_ok(rotation.status()).keys) total += usage.sealed_rows;
    return total;
  }
};

std::vector<std::pair<std::uint32_t, std::int64_t>> usage_of(const csms::domain::MasterKeyStatus& status) {
  std::vector<std::pair<std::uint32_t, std::int64_t>> out;
  for (const KeyUsage& usage : status.keys) out.emplace_back(usage.key_id, usage.sealed_rows);
  return out;
}

using Usage = std::vector<std::pair<std::uint32_t, std::int64_t>>;

TEST_CASE("open_data_keys gives a new vault a random data key 1 wrapped under the KEK", "[unit][domain][key_rotation]") {
  csms::unit::TempDir dir;
  auto store = expect_ok(csms::store::sqlite::SqliteStore::open(dir / "vault.db"));
  CHECK_FALSE(expect_ok(csms::domain::vault_has_keys(*store)));
  const auto kek = test_key(kKekSeed);
  const auto keyring = expect_ok(csms::domain::open_data_keys(*store, kek.span(), 7, 1'700'000'000'000));
  CHECK(keyring.current_key_id() == 1);  // no legacy checks: the legacy id is not used
  CHECK(keyring.key_ids() == std::vector<std::uint32_t>{1});
  CHECK(expect_ok(csms::domain::vault_has_keys(*store)));
  // The data key is random, not the KEK itself.
  const auto data_key = keyring.key(1);
  REQUIRE(data_key.size() == 32);
  CHECK_FALSE(std::equal(data_key.begin(), data_key.end(), kek.data()));

  auto txn = expect_ok(store->begin(csms::store::TransactionMode::kRead));
  const auto stored = expect_ok(txn->list_data_keys());
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].key_id == 1);
  CHECK(stored[0].is_current);
  CHECK(stored[0].created_time == 1'700'000'000'000);
  const auto unwrapped = expect_ok(csms::crypto::unwrap_data_key(kek.span(), 1, stored[0].wrapped_key));
  CHECK(std::equal(data_key.begin(), data_key.end(), unwrapped.data()));
}

TEST_CASE("open_data_keys adopts the KEK as the data key of a vault that has only key checks",
          "[unit][domain][key_rotation]") {
  // A vault from before data keys: values sealed directly with the key file's key (id 3), and its key check.
  csms::unit::ServiceEnv legacy;
  legacy.keyring = csms::crypto::Keyring::from_key(3, test_key(kKekSeed));
  legacy.create("old", "legacy-value");
  {
    auto txn = expect_ok(legacy.store->begin(csms::store::TransactionMode::kWrite));
    csms::unit::expect_ok(txn->insert_key_check(expect_ok(legacy.sealer.make_key_check()), legacy.time.now));
    csms::unit::expect_ok(txn->commit());
  }
  REQUIRE(expect_ok(csms::domain::vault_has_keys(*legacy.store)));
  auto keyring = expect_ok(csms::domain::open_data_keys(*legacy.store, test_key(kKekSeed).span(), 3, legacy.time.now));
  CHECK(keyring.current_key_id() == 3);
  CHECK(keyring.key_ids() == std::vector<std::uint32_t>{3});
  csms::crypto::Sealer sealer(keyring);
  csms::domain::SecretService service(*legacy.store, sealer, legacy.time.clock());
  CHECK(expect_ok(service.get_version(P, "old", std::nullopt)).value.bytes.view() == "legacy-value");
  // Opening again finds the stored data key and needs the same KEK.
  CHECK(expect_ok(csms::domain::open_data_keys(*legacy.store, test_key(kKekSeed).span(), 3, 0)).current_key_id() == 3);
  CHECK_ERRC(csms::domain::open_data_keys(*legacy.store, test_key(43).span(), 3, 0), Errc::kCryptoFailure);
}

TEST_CASE("rotate, re-seal in batches, retire key 1: every value and key stays readable",
          "[unit][domain][key_rotation]") {
  RotationEnv env;
  env.create("alpha", "alpha-1");
  env.add_version("alpha", "alpha-2");
  env.add_version("alpha", "alpha-3");
  env.create("beta", "beta-1");
  env.create("gamma", "gamma-1", Q);
  env.add_version("gamma", "gamma-2", Q);
  csms::domain::NewCredential request;
  request.kind = CredentialKind::kAccessKey;
  request.role = Role::kWriter;
  request.projects = {P};
  const auto access_key = expect_ok(env.credentials.create(request));
  request.kind = CredentialKind::kToken;
  const auto token = expect_ok(env.credentials.create(request));
  const std::string secret_key(access_key.secret.begin(), access_key.secret.end());
  const std::string token_text(token.secret.begin(), token.secret.end());
  const std::int64_t rows = 7;  // 6 versions and 1 access key; tokens seal nothing

  auto status = expect_ok(env.rotation.status());
  CHECK(status.current_key_id == 1);
  CHECK(status.source == "file");
  CHECK(usage_of(status) == Usage{{1, rows}});
  CHECK_FALSE(status.rotating);
  CHECK(status.remaining_rows == 0);

  env.time.advance(1s);
  status = expect_ok(env.rotation.rotate());
  CHECK(status.current_key_id == 2);
  CHECK(usage_of(status) == Usage{{1, rows}, {2, 0}});
  CHECK(status.rotating);
  CHECK(status.remaining_rows == rows);
  CHECK(env.rotation.reseal_pending());
  CHECK(env.keyring.current_key_id() == 2);
  CHECK(env.keyring.key_ids() == std::vector<std::uint32_t>{1, 2});
  CHECK(env.data_key_ids() == std::vector<std::uint32_t>{1, 2});
  CHECK(env.stored_current() == 2);
  CHECK(env.data_keys()[1].created_time == env.time.now);
  // Rotation added a key check for the new key, so start-up can tell a wrong KEK from a right one.
  {
    auto txn = expect_ok(env.store->begin(csms::store::TransactionMode::kRead));
    const auto checks = expect_ok(txn->list_key_checks());
    CHECK(std::any_of(checks.begin(), checks.end(), [](const auto& check) { return check.key_id == 2; }));
  }

  // Rows are mixed now: old values open with key 1, new ones are sealed with key 2.
  env.check_every_value_readable();
  env.add_version("beta", "beta-2");
  status = expect_ok(env.rotation.status());
  CHECK(usage_of(status) == Usage{{1, rows}, {2, 1}});
  CHECK(status.remaining_rows == rows);

  std::size_t total = 0;
  int batches = 0;
  while (true) {
    const std::size_t resealed = expect_ok(env.rotation.reseal_batch(2));
    CHECK(resealed <= 2);
    if (resealed == 0) break;
    total += resealed;
    ++batches;
    REQUIRE(batches < 20);
    // Between batches the vault serves as usual, the old key still held.
    status = expect_ok(env.rotation.status());
    CHECK(status.remaining_rows == rows - static_cast<std::int64_t>(total));
    CHECK(env.sealed_rows() == rows + 1);
    CHECK(env.keyring.key_ids() == std::vector<std::uint32_t>{1, 2});
    env.check_every_value_readable();
    const auto found = expect_ok(env.credentials.find_access_key(access_key.credential.access_key));
    REQUIRE(found.has_value());
    CHECK(found->secret_key.view() == secret_key);
  }
  CHECK(total == static_cast<std::size_t>(rows));
  CHECK(batches == 4);
  CHECK_FALSE(env.rotation.reseal_pending());

  status = expect_ok(env.rotation.status());
  CHECK(status.current_key_id == 2);
  CHECK(usage_of(status) == Usage{{2, rows + 1}});
  CHECK_FALSE(status.rotating);
  CHECK(status.remaining_rows == 0);
  CHECK(env.data_key_ids() == std::vector<std::uint32_t>{2});
  CHECK(env.keyring.key_ids() == std::vector<std::uint32_t>{2});
  // Retired, not forgotten: a read that began before the last re-seal committed may still hold a row sealed with
  // key 1, so this process keeps it able to open until it exits (a restart, below, no longer loads it).
  CHECK_FALSE(env.keyring.key(1).empty());
  {
    auto txn = expect_ok(env.store->begin(csms::store::TransactionMode::kRead));
    for (const auto& check : expect_ok(txn->list_key_checks())) CHECK(check.key_id == 2);
  }

  env.check_every_value_readable();
  const auto found = expect_ok(env.credentials.find_access_key(access_key.credential.access_key));
  REQUIRE(found.has_value());
  CHECK(found->secret_key.view() == secret_key);
  CHECK(expect_ok(env.credentials.find_token(token_text)).has_value());

  // Nothing left: another batch is a no-op.
  CHECK(expect_ok(env.rotation.reseal_batch(100)) == 0);

  // Reopening the vault with the same KEK yields key 2 as current, and everything reads back.
  auto reopened = expect_ok(csms::domain::open_data_keys(*env.store, test_key(kKekSeed).span(), 1, env.time.now));
  CHECK(reopened.current_key_id() == 2);
  CHECK(reopened.key_ids() == std::vector<std::uint32_t>{2});
  csms::crypto::Sealer sealer(reopened);
  csms::domain::SecretService service(*env.store, sealer, env.time.clock());
  env.check_every_value_readable(service);
  csms::domain::CredentialService credentials(*env.store, sealer, env.time.clock());
  const auto refound = expect_ok(credentials.find_access_key(access_key.credential.access_key));
  REQUIRE(refound.has_value());
  CHECK(refound->secret_key.view() == secret_key);

  // A wrong KEK opens nothing.
  const auto wrong = csms::domain::open_data_keys(*env.store, test_key(kKekSeed + 1).span(), 1, env.time.now);
  CHECK_ERRC(wrong, Errc::kCryptoFailure);
  CHECK(wrong.error().detail.find("master key") != std::string::npos);
}

TEST_CASE("an interrupted re-seal resumes after a restart", "[unit][domain][key_rotation]") {
  RotationEnv env;
  for (int i = 0; i < 5; ++i) env.create("s" + std::to_string(i), "value-" + std::to_string(i));
  expect_ok(env.rotation.rotate());
  CHECK(expect_ok(env.rotation.reseal_batch(2)) == 2);

  // "Restart": a new keyring from the store holds both keys, current 2.
  auto keyring = expect_ok(csms::domain::open_data_keys(*env.store, test_key(kKekSeed).span(), 1, env.time.now));
  CHECK(keyring.current_key_id() == 2);
  CHECK(keyring.key_ids() == std::vector<std::uint32_t>{1, 2});
  csms::crypto::Sealer sealer(keyring);
  csms::domain::SecretService service(*env.store, sealer, env.time.clock());
  csms::domain::KeyRotation rotation(*env.store, keyring, test_key(kKekSeed), "passphrase", env.time.clock());
  CHECK(rotation.reseal_pending());
  auto status = expect_ok(rotation.status());
  CHECK(status.source == "passphrase");
  CHECK(status.rotating);
  CHECK(status.remaining_rows == 3);
  env.check_every_value_readable(service);
  CHECK(expect_ok(rotation.reseal_batch(10)) == 3);
  CHECK(expect_ok(rotation.reseal_batch(10)) == 0);
  CHECK(keyring.key_ids() == std::vector<std::uint32_t>{2});
  status = expect_ok(rotation.status());
  CHECK(usage_of(status) == Usage{{2, 5}});
  CHECK_FALSE(status.rotating);
  env.check_every_value_readable(service);
}

TEST_CASE("rotating again before re-sealing finished retires both old keys", "[unit][domain][key_rotation]") {
  RotationEnv env;
  env.create("a", "a-1");
  expect_ok(env.rotation.rotate());
  env.create("b", "b-1");
  auto status = expect_ok(env.rotation.rotate());
  CHECK(status.current_key_id == 3);
  CHECK(usage_of(status) == Usage{{1, 1}, {2, 1}, {3, 0}});
  CHECK(status.remaining_rows == 2);
  CHECK(env.stored_current() == 3);
  env.check_every_value_readable();
  CHECK(expect_ok(env.rotation.reseal_batch(10)) == 2);
  CHECK(expect_ok(env.rotation.reseal_batch(10)) == 0);
  CHECK(env.data_key_ids() == std::vector<std::uint32_t>{3});
  CHECK(env.keyring.key_ids() == std::vector<std::uint32_t>{3});
  env.check_every_value_readable();

  // Ids keep growing after retirement: the next key is 4, never a reused id.
  status = expect_ok(env.rotation.rotate());
  CHECK(status.current_key_id == 4);
  CHECK(env.data_key_ids() == std::vector<std::uint32_t>{3, 4});
}

TEST_CASE("a rotation with nothing sealed retires the old key on the first batch", "[unit][domain][key_rotation]") {
  RotationEnv env;
  auto status = expect_ok(env.rotation.rotate());
  CHECK(status.current_key_id == 2);
  CHECK(status.rotating);  // two keys are held until the old one is retired
  CHECK(status.remaining_rows == 0);
  CHECK(expect_ok(env.rotation.reseal_batch(10)) == 0);
  status = expect_ok(env.rotation.status());
  CHECK_FALSE(status.rotating);
  CHECK(usage_of(status) == Usage{{2, 0}});
  CHECK(env.keyring.key_ids() == std::vector<std::uint32_t>{2});
}

TEST_CASE("a wrong KEK refuses open_data_keys with kCryptoFailure", "[unit][domain][key_rotation]") {
  RotationEnv env;
  env.create("a", "a-1");
  CHECK_ERRC(csms::domain::open_data_keys(*env.store, test_key(kKekSeed + 1).span(), 1, 0), Errc::kCryptoFailure);
  // Nothing was written by the refused open: still one data key, and the right KEK still opens it.
  CHECK(env.data_key_ids() == std::vector<std::uint32_t>{1});
  const auto keyring = expect_ok(csms::domain::open_data_keys(*env.store, test_key(kKekSeed).span(), 1, 0));
  CHECK(keyring.current_key_id() == 1);
}

}  // namespace

TEST_CASE("a row that does not open stalls re-sealing, keeps the old key and says why", "[unit][domain][key_rotation]") {
  RotationEnv env;
  env.create("good", "good-value");
  env.create("broken", "broken-value");
  // Damage one sealed value the way a bad disk or a hand edit would.
  env.store->database().exec("UPDATE versions SET sealed_value = zeroblob(64) WHERE number = 1 AND secret_pk = "
                             "(SELECT secret_pk FROM secrets WHERE name = 'broken')");
  expect_ok(env.rotation.rotate());
  CHECK_FALSE(env.rotation.stalled());
  csms::core::Result<std::size_t> batch = std::size_t{0};
  for (int i = 0; i < 5 && batch; ++i) batch = env.rotation.reseal_batch(1);
  REQUIRE_FALSE(batch.has_value());
  CHECK(batch.error().code == csms::core::Errc::kCryptoFailure);
  CHECK(env.rotation.stalled());
  CHECK_FALSE(env.rotation.reseal_pending());  // no retry loop on a row that can never open
  const auto status = expect_ok(env.rotation.status());
  CHECK(status.stalled);
  CHECK(status.stall_reason.find("does not open under data key 1") != std::string::npos);
  CHECK(status.remaining_rows >= 1);
  CHECK(env.keyring.key_ids() == std::vector<std::uint32_t>{1, 2});  // the old key is kept
  const auto good = expect_ok(env.service.get_version(P, "good", 1));
  CHECK(good.value.bytes.view() == "good-value");
  // A new rotation starts over (and would stall again on the same row until it is dealt with).
  expect_ok(env.rotation.rotate());
  CHECK_FALSE(env.rotation.stalled());
  CHECK(env.rotation.reseal_pending());
}

// A second daemon on the same vault (what several instances on one PostgreSQL database are): its own keyring from
// the same KEK, its own services, the shared store.
struct SecondDaemon {
  explicit SecondDaemon(RotationEnv& env)
      : keyring(expect_ok(csms::domain::open_data_keys(*env.store, test_key(kKekSeed).span(), 1, env.time.now))),
        sealer(keyring),
        service(*env.store, sealer, env.time.clock()),
        rotation(*env.store, keyring, test_key(kKekSeed), "file", env.time.clock()) {
    keyring.set_miss_handler([this] { (void)rotation.sync_with_store(); });
  }
  csms::crypto::Keyring keyring;
  csms::crypto::Sealer sealer;
  csms::domain::SecretService service;
  csms::domain::KeyRotation rotation;
};

TEST_CASE("a daemon sharing the vault reads values sealed under a key another daemon rotated to, and follows it",
          "[unit][domain][key_rotation]") {
  RotationEnv env;
  SecondDaemon other(env);
  env.create("before", "sealed under key 1");
  CHECK(expect_ok(env.rotation.rotate()).current_key_id == 2);
  env.add_version("before", "sealed under key 2");
  env.create("after", "also under key 2");
  // The other daemon never heard of key 2: its first read of such a value makes it look in the store.
  CHECK_FALSE(other.keyring.holds(2));
  env.check_every_value_readable(other.service);
  CHECK(other.keyring.holds(2));
  CHECK(other.keyring.current_key_id() == 2);
  // Its own writes now seal under key 2, and the first daemon reads them.
  csms::domain::CreateVersionInput input;
  input.value = csms::unit::text_value("written by the other daemon");
  const auto written = expect_ok(other.service.create_version(P, "after", std::move(input)));
  env.expected[{P + "/after", written.number}] = "written by the other daemon";
  env.check_every_value_readable();
  // The other daemon sealed under key 2 too: only the first value is left under key 1.
  CHECK(usage_of(expect_ok(env.rotation.status())) == Usage{{1, 1}, {2, 3}});
}

TEST_CASE("sync_with_store follows a rotation and a retirement made by another daemon", "[unit][domain][key_rotation]") {
  RotationEnv env;
  SecondDaemon other(env);
  expect_ok(env.rotation.rotate());
  CHECK(expect_ok(other.rotation.sync_with_store()));
  CHECK(other.keyring.current_key_id() == 2);
  CHECK_FALSE(expect_ok(other.rotation.sync_with_store()));  // nothing new
  CHECK(expect_ok(env.rotation.reseal_batch(10)) == 0);      // nothing sealed: key 1 retired
  CHECK(env.data_key_ids() == std::vector<std::uint32_t>{2});
  CHECK(expect_ok(other.rotation.sync_with_store()));
  CHECK(other.keyring.key_ids() == std::vector<std::uint32_t>{2});
  CHECK(other.keyring.holds(1));  // retired keys still open what a read in flight may hold
}

TEST_CASE("with a retire grace, old keys stay stored until the grace after the rotation has passed",
          "[unit][domain][key_rotation]") {
  RotationEnv env;
  csms::domain::KeyRotation graceful{*env.store, env.keyring, test_key(kKekSeed), "file", env.time.clock(), 30s};
  env.create("one", "value");
  expect_ok(graceful.rotate());
  CHECK(expect_ok(graceful.reseal_batch(10)) == 1);
  CHECK(expect_ok(graceful.reseal_batch(10)) == 0);
  CHECK(env.data_key_ids() == std::vector<std::uint32_t>{1, 2});  // nothing under key 1, but within the grace
  CHECK(graceful.reseal_pending());
  env.time.advance(31s);
  CHECK(expect_ok(graceful.reseal_batch(10)) == 0);
  CHECK(env.data_key_ids() == std::vector<std::uint32_t>{2});
  CHECK_FALSE(graceful.reseal_pending());
  env.check_every_value_readable();
}
