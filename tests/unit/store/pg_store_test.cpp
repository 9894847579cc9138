// pg_store_test.cpp: the PostgreSQL store's own machinery: migrations under concurrency, the background lease,
// snapshot refusal. Runs when CSMSD_TEST_POSTGRES names a test cluster (scripts/pg-cluster.sh), else warns and skips.
#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_migrator.hpp"
#include "store/postgres/pg_store.hpp"

#include "common/store_fixture.hpp"
#include "common/store_rows.hpp"
#include "common/unit_env.hpp"
#include "pg_test_database.hpp"

#include <catch2/catch.hpp>

#include <future>
#include <memory>
#include <string>
#include <thread>

namespace {

using csms::store::postgres::Connection;
using csms::store::postgres::PgStore;
using csms::store::postgres::PgStoreOptions;
using csms::unit::expect_ok;

bool postgres_enabled() { return csms::unit::postgres_under_test(); }

std::unique_ptr<PgStore> open_store(const csms_test::PgTestDatabase& database) {
  return csms::unit::open_pg_store(database);
}

std::int64_t schema_version(const csms_test::PgTestDatabase& database) {
  auto connection = expect_ok(Connection::open(database.conninfo()));
  auto rows = expect_ok(connection->exec("SELECT version FROM csmsd_schema_version"));
  REQUIRE(rows.size() == 1);
  return rows.int64(0, 0);
}

// The server releases a closed session's locks when its backend exits, a moment after the client hung up: ask
// again the way the daemon's next timer tick would, for up to 10 s.
bool takes_lease_eventually(PgStore& store) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!store.hold_background_lease()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace

TEST_CASE("PostgreSQL store: instances opening one new database together migrate it exactly once", "[unit][postgres]") {
  if (!postgres_enabled()) return;
  csms_test::PgTestDatabase database;
  auto first = std::async(std::launch::async, [&] { return PgStore::open({database.conninfo(), 2}); });
  auto second = std::async(std::launch::async, [&] { return PgStore::open({database.conninfo(), 2}); });
  auto first_store = first.get();
  auto second_store = second.get();
  REQUIRE(first_store.has_value());
  REQUIRE(second_store.has_value());
  const auto& migrations = csms::store::postgres::embedded_migrations();
  CHECK(schema_version(database) == migrations.back().number);
  // Reopening applies nothing and changes nothing.
  first_store->reset();
  second_store->reset();
  auto reopened = open_store(database);
  CHECK(schema_version(database) == migrations.back().number);
}

TEST_CASE("PostgreSQL store: a database migrated by a newer csmsd is refused", "[unit][postgres]") {
  if (!postgres_enabled()) return;
  csms_test::PgTestDatabase database;
  { auto store = open_store(database); }
  {
    auto connection = expect_ok(Connection::open(database.conninfo()));
    expect_ok(connection->exec("UPDATE csmsd_schema_version SET version = 999"));
  }
  auto refused = PgStore::open({database.conninfo(), 2});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().detail.find("newer than this csmsd understands") != std::string::npos);
}

TEST_CASE("PostgreSQL store: exactly one instance holds the background lease, and another takes it when it goes",
          "[unit][postgres]") {
  if (!postgres_enabled()) return;
  csms_test::PgTestDatabase database;
  auto first = open_store(database);
  auto second = open_store(database);
  CHECK(first->hold_background_lease());
  CHECK_FALSE(second->hold_background_lease());
  CHECK(first->hold_background_lease());  // held, not re-taken
  CHECK_FALSE(second->hold_background_lease());
  first.reset();  // its session ends, and with it the advisory lock
  CHECK(takes_lease_eventually(*second));
}

TEST_CASE("PostgreSQL store: a lease holder whose session the server ends stops leading", "[unit][postgres]") {
  if (!postgres_enabled()) return;
  csms_test::PgTestDatabase database;
  auto first = open_store(database);
  auto second = open_store(database);
  REQUIRE(first->hold_background_lease());
  {
    // What a network partition or a server restart does to the holder's session. Only this test's database: other
    // tests run beside it on the same cluster, and their lease holders must not be touched.
    auto admin = expect_ok(Connection::open(database.conninfo()));
    expect_ok(admin->exec(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> "
        "pg_backend_pid() AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
  }
  CHECK(takes_lease_eventually(*second));
  CHECK_FALSE(first->hold_background_lease());
}

// Migration 0002: with several instances, one may retire a data key while another, not yet synced, seals under it.
// The foreign keys make either side fail rather than leave a value no instance can open.
TEST_CASE("PostgreSQL store: a data key that seals a row cannot be retired, and no row is sealed under a missing key",
          "[unit][postgres]") {
  if (!postgres_enabled()) return;
  csms_test::PgTestDatabase database;
  auto store = open_store(database);
  csms::unit::store_test_data_keys(*store);
  csms::core::StoredVersion version;
  version.metadata.number = 1;
  version.metadata.create_time = 1'000;
  version.metadata.kms_key_id = "11111111-2222-3333-4444-555555555555";
  version.value = csms::core::SealedValue{1, {0x01, 0x02}};
  {
    auto txn = expect_ok(store->begin(csms::store::TransactionMode::kWrite));
    const auto row = expect_ok(txn->insert_secret(csms::unit::make_secret("sealed")));
    expect_ok(txn->insert_version(row, version));
    expect_ok(txn->commit());
  }
  {
    auto txn = expect_ok(store->begin(csms::store::TransactionMode::kWrite));
    auto retired = txn->delete_data_key(1);
    REQUIRE_FALSE(retired.has_value());
    CHECK(retired.error().code == csms::core::Errc::kUnavailable);  // transient: re-sealing tries again
  }
  {
    auto txn = expect_ok(store->begin(csms::store::TransactionMode::kWrite));
    const auto secret = expect_ok(txn->find_secret(csms::unit::kProject, "sealed"));
    REQUIRE(secret.has_value());
    version.metadata.number = 2;
    version.value.key_id = 7;  // never stored
    const auto refused = txn->insert_version(secret->row_id, version);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == csms::core::Errc::kUnavailable);
  }
  {
    // Key 2 seals nothing: it goes, and key 1 with the version stays.
    auto txn = expect_ok(store->begin(csms::store::TransactionMode::kWrite));
    expect_ok(txn->delete_data_key(2));
    expect_ok(txn->commit());
  }
  auto txn = expect_ok(store->begin(csms::store::TransactionMode::kRead));
  const auto keys = expect_ok(txn->list_data_keys());
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].key_id == 1);
  const auto secret = expect_ok(txn->find_secret(csms::unit::kProject, "sealed"));
  REQUIRE(secret.has_value());
  CHECK(expect_ok(txn->latest_version(secret->row_id)) == std::optional<csms::core::VersionNumber>(1));
}

TEST_CASE("PostgreSQL store: a vault already holding a row under a missing data key still migrates, and checks new rows",
          "[unit][postgres]") {
  if (!postgres_enabled()) return;
  csms_test::PgTestDatabase database;
  csms::core::StoredVersion version;
  version.metadata.number = 1;
  version.metadata.create_time = 1'000;
  version.metadata.kms_key_id = "11111111-2222-3333-4444-555555555555";
  version.value = csms::core::SealedValue{1, {0x01}};
  {
    auto store = open_store(database);
    csms::unit::store_test_data_keys(*store);
    auto txn = expect_ok(store->begin(csms::store::TransactionMode::kWrite));
    const auto row = expect_ok(txn->insert_secret(csms::unit::make_secret("orphaned")));
    expect_ok(txn->insert_version(row, version));
    expect_ok(txn->commit());
  }
  // What a vault of schema version 1 may hold: a version whose data key another instance retired.
  database.execute(
      "ALTER TABLE versions DROP CONSTRAINT versions_key_id_fkey; "
      "ALTER TABLE credentials DROP CONSTRAINT credentials_key_id_fkey; "
      "DELETE FROM data_keys WHERE key_id = 1; UPDATE csmsd_schema_version SET version = 1");

  auto store = open_store(database);
  CHECK(schema_version(database) == 2);
  {
    auto connection = expect_ok(Connection::open(database.conninfo()));
    auto rows = expect_ok(connection->exec(
        "SELECT conname::text, convalidated FROM pg_constraint WHERE conname IN ('versions_key_id_fkey', "
        "'credentials_key_id_fkey') ORDER BY conname"));
    REQUIRE(rows.size() == 2);
    CHECK(rows.text(0, 0) == "credentials_key_id_fkey");
    CHECK(rows.boolean(0, 1));        // nothing stood in the way
    CHECK_FALSE(rows.boolean(1, 1));  // versions: the old row is left as it was
  }
  auto txn = expect_ok(store->begin(csms::store::TransactionMode::kWrite));
  const auto secret = expect_ok(txn->find_secret(csms::unit::kProject, "orphaned"));
  REQUIRE(secret.has_value());
  version.metadata.number = 2;
  const auto refused = txn->insert_version(secret->row_id, version);  // key 1 is gone
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == csms::core::Errc::kUnavailable);
}

TEST_CASE("PostgreSQL store: a whole-vault snapshot is refused with a pointer to pg_dump", "[unit][postgres]") {
  if (!postgres_enabled()) return;
  csms_test::PgTestDatabase database;
  auto store = open_store(database);
  auto snapshot = store->snapshot();
  REQUIRE_FALSE(snapshot.has_value());
  CHECK(snapshot.error().detail.find("pg_dump") != std::string::npos);
}

TEST_CASE("PostgreSQL connection: parameters and binary columns round-trip every type", "[unit][postgres]") {
  if (!postgres_enabled()) return;
  csms_test::PgTestDatabase database;
  auto connection = expect_ok(Connection::open(database.conninfo()));
  const std::vector<std::uint8_t> bytes{0, 1, 0x7f, 0x80, 0xff};
  auto rows = expect_ok(connection->exec(
      "SELECT $1::bigint, $2::text, $3::boolean, $4::bytea, $5::bigint, $6::text, (-3)::int4, 7::int2",
      csms::store::postgres::Params()
          .int64(-9007199254740993)
          .text("é\"'\\")
          .boolean(true)
          .bytes(bytes)
          .null_int64()
          .optional_text(std::nullopt)));
  REQUIRE(rows.size() == 1);
  CHECK(rows.int64(0, 0) == -9007199254740993);
  CHECK(rows.text(0, 1) == "é\"'\\");
  CHECK(rows.boolean(0, 2));
  CHECK(rows.bytes(0, 3) == bytes);
  CHECK_FALSE(rows.optional_int64(0, 4));
  CHECK_FALSE(rows.optional_text(0, 5));
  CHECK(rows.int64(0, 6) == -3);
  CHECK(rows.int64(0, 7) == 7);
  // The same text runs again on the prepared statement.
  auto again = expect_ok(connection->exec("SELECT $1::bigint, $2::text, $3::boolean, $4::bytea, $5::bigint, $6::text, "
                                          "(-3)::int4, 7::int2",
                                          csms::store::postgres::Params()
                                              .int64(1)
                                              .text("")
                                              .boolean(false)
                                              .bytes({})
                                              .int64(2)
                                              .text("x")));
  CHECK(again.int64(0, 4) == 2);
  CHECK(again.bytes(0, 3).empty());
}

TEST_CASE("PostgreSQL connection: a deferred BEGIN travels with the first statement and still opens one snapshot",
          "[unit][postgres]") {
  if (!postgres_enabled()) return;
  csms_test::PgTestDatabase database;
  auto reader = expect_ok(Connection::open(database.conninfo()));
  auto writer = expect_ok(Connection::open(database.conninfo()));
  (void)expect_ok(writer->exec_script("CREATE TABLE t (k BIGINT)"));
  constexpr const char* kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
  constexpr const char* kCount = "SELECT count(*)::bigint FROM t";

  reader->defer_opening(kBeginRead);
  CHECK_FALSE(reader->idle());
  CHECK(expect_ok(reader->exec(kCount)).int64(0, 0) == 0);  // BEGIN, prepare and run in one round trip
  CHECK_FALSE(reader->broken());
  expect_ok(writer->exec("INSERT INTO t VALUES (1)"));
  // Still the snapshot of the first statement: the BEGIN took effect (outside a transaction this would see 1).
  CHECK(expect_ok(reader->exec(kCount)).int64(0, 0) == 0);
  reader->close_without_waiting("COMMIT");
  CHECK(reader->idle());
  // The next statement collects the COMMIT's answer first, then sees the insert from outside any transaction.
  CHECK(expect_ok(reader->exec(kCount)).int64(0, 0) == 1);
  CHECK(reader->idle());

  // A failing first statement is reported; the connection stays in step and usable once the transaction ends.
  reader->defer_opening(kBeginRead);
  auto refused = reader->exec("SELECT no_such_column FROM t");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == csms::core::Errc::kInternal);
  CHECK_FALSE(reader->broken());
  reader->close_without_waiting("ROLLBACK");
  CHECK(expect_ok(reader->exec(kCount)).int64(0, 0) == 1);

  // Ended before any statement: nothing reaches the server, and no transaction is left open.
  reader->defer_opening(kBeginRead);
  CHECK(expect_ok(reader->exec_script("COMMIT")) == "COMMIT");
  CHECK(reader->idle());
  reader->defer_opening(kBeginRead);
  reader->close_without_waiting("ROLLBACK");
  CHECK(reader->idle());
  expect_ok(writer->exec("INSERT INTO t VALUES (2)"));
  CHECK(expect_ok(reader->exec(kCount)).int64(0, 0) == 2);
  CHECK(expect_ok(reader->exec_script("SELECT 1")) == "SELECT 1");
}

TEST_CASE("PostgreSQL store: reads and writes take turns on a single pooled connection", "[unit][postgres]") {
  if (!postgres_enabled()) return;
  csms_test::PgTestDatabase database;
  auto store = expect_ok(PgStore::open(PgStoreOptions{database.conninfo(), 1, std::chrono::milliseconds(5000)}));
  using csms::store::TransactionMode;
  {
    auto txn = expect_ok(store->begin(TransactionMode::kRead));
    CHECK_FALSE(expect_ok(txn->find_secret(csms::unit::kProject, "turns")).has_value());
    expect_ok(txn->commit());  // not waited for: the write below collects its answer
  }
  {
    auto txn = expect_ok(store->begin(TransactionMode::kWrite));
    expect_ok(txn->insert_secret(csms::unit::make_secret("turns")));
    expect_ok(txn->commit());
  }
  { auto unused = expect_ok(store->begin(TransactionMode::kRead)); }  // never reaches the server
  {
    auto txn = expect_ok(store->begin(TransactionMode::kRead));
    CHECK(expect_ok(txn->find_secret(csms::unit::kProject, "turns")).has_value());
  }  // abandoned: its ROLLBACK is not waited for either
  {
    auto txn = expect_ok(store->begin(TransactionMode::kWrite));
    const auto secret = expect_ok(txn->find_secret(csms::unit::kProject, "turns"));
    REQUIRE(secret.has_value());
    expect_ok(txn->delete_secret(secret->row_id));
    expect_ok(txn->commit());
  }
  auto txn = expect_ok(store->begin(TransactionMode::kRead));
  CHECK_FALSE(expect_ok(txn->find_secret(csms::unit::kProject, "turns")).has_value());
}

TEST_CASE("PostgreSQL connection: a unique violation is kAlreadyExists and its message quotes no row",
          "[unit][postgres]") {
  if (!postgres_enabled()) return;
  csms_test::PgTestDatabase database;
  auto connection = expect_ok(Connection::open(database.conninfo()));
  (void)expect_ok(connection->exec_script("CREATE TABLE t (k TEXT PRIMARY KEY)"));
  expect_ok(connection->exec("INSERT INTO t VALUES ($1)", csms::store::postgres::Params().text("hunter2-secret")));
  auto duplicate = connection->exec("INSERT INTO t VALUES ($1)", csms::store::postgres::Params().text("hunter2-secret"));
  REQUIRE_FALSE(duplicate.has_value());
  CHECK(duplicate.error().code == csms::core::Errc::kAlreadyExists);
  CHECK(duplicate.error().detail.find("hunter2") == std::string::npos);
}

TEST_CASE("PostgreSQL connection: text with a NUL character is refused as bad input, not a server error",
          "[unit][postgres]") {
  if (!postgres_enabled()) return;
  csms_test::PgTestDatabase database;
  auto connection = expect_ok(Connection::open(database.conninfo()));
  auto refused = connection->exec("SELECT $1::text", csms::store::postgres::Params().text(std::string("a\0b", 3)));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == csms::core::Errc::kInvalidParameter);
  // The connection is untouched and keeps working.
  auto fine = expect_ok(connection->exec("SELECT $1::text", csms::store::postgres::Params().text("ab")));
  CHECK(fine.text(0, 0) == "ab");
}
