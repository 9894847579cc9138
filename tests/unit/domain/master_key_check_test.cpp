// master_key_check_test.cpp: the start-up check that the loaded master key is the vault's own.
#include "domain/master_key_check.hpp"

#include "domain/data_keys.hpp"

#include "common/service_env.hpp"

namespace {

using csms::core::Errc;
using csms::unit::expect_ok;

TEST_CASE("a new vault records a key check, then accepts the same key and refuses others",
          "[unit][domain][master_key_check]") {
  csms::unit::TempDir dir;
  auto store = expect_ok(csms::store::sqlite::SqliteStore::open(dir / "vault.db"));
  CHECK_FALSE(expect_ok(csms::domain::vault_has_keys(*store)));

  const auto right = csms::crypto::Keyring::from_key(1, csms::unit::test_key(1));
  const csms::crypto::Sealer right_sealer(right);
  expect_ok(csms::domain::verify_master_key(*store, right_sealer, 1'000));
  CHECK(expect_ok(csms::domain::vault_has_keys(*store)));
  CHECK(store->database().execAndGet("SELECT count(*) FROM master_key_checks").getInt() == 1);

  // Verifying again with the same key passes and records nothing new.
  expect_ok(csms::domain::verify_master_key(*store, right_sealer, 2'000));
  CHECK(store->database().execAndGet("SELECT count(*) FROM master_key_checks").getInt() == 1);

  SECTION("another key with the same id") {
    const auto wrong = csms::crypto::Keyring::from_key(1, csms::unit::test_key(2));
    CHECK_ERRC(csms::domain::verify_master_key(*store, csms::crypto::Sealer(wrong), 3'000), Errc::kCryptoFailure);
  }
  SECTION("a key with an id the vault has never seen") {
    const auto other = csms::crypto::Keyring::from_key(7, csms::unit::test_key(1));
    CHECK_ERRC(csms::domain::verify_master_key(*store, csms::crypto::Sealer(other), 3'000), Errc::kCryptoFailure);
    CHECK(store->database().execAndGet("SELECT count(*) FROM master_key_checks").getInt() == 1);
  }
}

}  // namespace
