// store_fixture.hpp: the two stores each store contract check runs on, and a write job run to its outcome.
#pragma once

#include "common/unit_env.hpp"
#include "pg_test_database.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

namespace csms::unit {

/// The data keys the suites' sealed rows name (key ids 1 and 2, the second current). The PostgreSQL schema refuses a
/// sealed row whose key is not stored; both stores get them so every check starts from the same state.
inline void store_test_data_keys(store::Store& store) {
  auto txn = expect_ok(store.begin(store::TransactionMode::kWrite));
  expect_ok(txn->insert_data_key(core::DataKeyRecord{1, {0x01}, false, 1}));
  expect_ok(txn->insert_data_key(core::DataKeyRecord{2, {0x02}, true, 2}));
  expect_ok(txn->commit());
}

/// Whether CSMSD_TEST_POSTGRES names a cluster to test against; warns loudly when not (scripts/test.sh sets it).
inline bool postgres_under_test() {
  if (csms_test::PgTestDatabase::cluster()) return true;
  WARN("CSMSD_TEST_POSTGRES is not set: the PostgreSQL store is NOT tested here (scripts/test.sh sets it)");
  return false;
}

/// A PostgreSQL store of `pool_size` connections on `database`, as a daemon opens it.
inline std::unique_ptr<store::postgres::PgStore> open_pg_store(const csms_test::PgTestDatabase& database,
                                                               std::size_t pool_size = 4) {
  return expect_ok(store::postgres::PgStore::open(
      store::postgres::PgStoreOptions{database.conninfo(), pool_size, std::chrono::milliseconds(5000)}));
}

/// Runs `check` on a fresh SQLite vault holding the test data keys.
inline void on_sqlite(void (*check)(store::Store&)) {
  TempDir dir;
  auto store = expect_ok(store::sqlite::SqliteStore::open(dir / "vault.db"));
  store_test_data_keys(*store);
  check(*store);
}

/// Runs `check` on a fresh PostgreSQL database holding the test data keys, when a cluster is under test.
inline void on_postgres(void (*check)(store::Store&)) {
  if (!postgres_under_test()) return;
  csms_test::PgTestDatabase database;  // dropped after the store has closed its connections
  auto store = open_pg_store(database, 3);
  store_test_data_keys(*store);
  check(*store);
}

/// Runs `work` as a write job, the way the API runs every write, and answers the job's outcome: whether what `work`
/// committed is durable.
inline core::Status run_write_job(store::Store& store, std::function<void()> work) {
  std::promise<core::Status> done;
  store.submit_write(
      store::WriteJob{std::move(work), [&done](core::Status status) { done.set_value(std::move(status)); }});
  return done.get_future().get();
}

/// `count` PostgreSQL stores on one database, as that many instances open it, holding the test data keys.
inline std::vector<std::unique_ptr<store::postgres::PgStore>> open_pg_instances(const csms_test::PgTestDatabase& database,
                                                                              int count) {
  std::vector<std::unique_ptr<store::postgres::PgStore>> stores;
  for (int i = 0; i < count; ++i) stores.push_back(open_pg_store(database));
  store_test_data_keys(*stores.front());
  return stores;
}

/// Runs `writers` write jobs at once from as many threads, writer w on stores[w % stores.size()], and answers each
/// job's outcome. `work(store, w)` is one writer's job; a retried job runs it again from the start.
template <class Work>
std::vector<core::Status> race_write_jobs(const std::vector<std::unique_ptr<store::postgres::PgStore>>& stores,
                                          int writers, Work work) {
  std::vector<core::Status> durable(static_cast<std::size_t>(writers), core::ok());
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      store::Store& store = *stores[static_cast<std::size_t>(w) % stores.size()];
      durable[static_cast<std::size_t>(w)] = run_write_job(store, [&, w] { work(store, w); });
    });
  }
  for (std::thread& thread : threads) thread.join();
  return durable;
}

}  // namespace csms::unit

// Each check runs as two cases, so ctest names the store that failed.
#define CSMS_STORE_CONTRACT(description, check)                                                                      \
  TEST_CASE(description " (SQLite)", "[unit][store][contract]") { csms::unit::on_sqlite(check); }                    \
  TEST_CASE(description " (PostgreSQL)", "[unit][store][contract][postgres]") { csms::unit::on_postgres(check); }
