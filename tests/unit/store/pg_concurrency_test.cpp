// pg_concurrency_test.cpp: two daemons' worth of stores and services on one PostgreSQL database, writing one secret
// from eight threads as the API does (write jobs): every stage invariant holds and no acknowledged write is lost.
#include "crypto/keyring.hpp"
#include "crypto/sealer.hpp"
#include "domain/data_keys.hpp"
#include "domain/secret_service.hpp"
#include "store/postgres/pg_store.hpp"

#include "common/service_env.hpp"
#include "common/store_fixture.hpp"
#include "pg_test_database.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using csms::core::Errc;
using csms::store::postgres::PgStore;
using csms::unit::expect_ok;
using csms::unit::test_key;

const std::string P(csms::unit::kProject);
constexpr std::uint8_t kKekSeed = 42;

// One instance: its own connections, keyring and service.
struct Instance {
  Instance(const std::string& conninfo, csms::unit::TestClock& time)
      : store(expect_ok(PgStore::open({conninfo, 6}))),
        keyring(expect_ok(csms::domain::open_data_keys(*store, test_key(kKekSeed).span(), 1, time.now))),
        sealer(keyring),
        service(*store, sealer, time.clock()) {}
  std::unique_ptr<PgStore> store;
  csms::crypto::Keyring keyring;
  csms::crypto::Sealer sealer;
  csms::domain::SecretService service;
};

// Runs `work` as a write job, the way the API runs every CSMS write, and waits until it is durable.
template <class Work>
auto in_write_job(PgStore& store, Work work) -> decltype(work()) {
  std::optional<decltype(work())> result;
  const csms::core::Status durable = csms::unit::run_write_job(store, [&] { result.emplace(work()); });
  if (!durable) return durable.error();
  return std::move(*result);
}

}  // namespace

TEST_CASE("PostgreSQL store: eight writers on two instances keep every stage invariant of one secret",
          "[unit][postgres]") {
  if (!csms_test::PgTestDatabase::cluster()) {
    WARN("CSMSD_TEST_POSTGRES is not set: the PostgreSQL concurrency test is skipped (scripts/test.sh sets it)");
    return;
  }
  csms_test::PgTestDatabase database;
  csms::unit::TestClock time;
  Instance first(database.conninfo(), time);
  Instance second(database.conninfo(), time);
  {
    csms::domain::CreateSecretInput input;
    input.project_id = P;
    input.name = "race";
    input.value = csms::unit::text_value("v1");
    expect_ok(in_write_job(*first.store, [&] { return first.service.create_secret(std::move(input)); }));
  }

  constexpr int kThreads = 8;
  constexpr int kRounds = 24;
  std::mutex record_mutex;
  std::map<csms::core::VersionNumber, std::string> acknowledged;  // version -> its value
  std::vector<std::string> unexpected;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Instance& instance = t % 2 == 0 ? first : second;
      csms::core::VersionNumber mine = 1;
      for (int round = 0; round < kRounds; ++round) {
        if (round % 3 == 0) {
          const std::string value = "t" + std::to_string(t) + "-" + std::to_string(round);
          auto created = in_write_job(*instance.store, [&] {
            csms::domain::CreateVersionInput input;
            input.value = csms::unit::text_value(value);
            return instance.service.create_version(P, "race", std::move(input));
          });
          const std::lock_guard lock(record_mutex);
          if (created) {
            if (!acknowledged.emplace(created->number, value).second) {
              unexpected.push_back("version " + std::to_string(created->number) + " acknowledged twice");
            }
            mine = created->number;
          } else {
            unexpected.push_back("create_version: " + created.error().detail);
          }
          continue;
        }
        const std::string stage = round % 3 == 1 ? "T" + std::to_string(t % 3) : "SYSCURRENT";
        auto placed = in_write_job(*instance.store, [&] { return instance.service.put_stage(P, "race", stage, mine); });
        // The version may have been pruned by the 20-version cap meanwhile: that is a clean refusal.
        if (!placed && placed.error().code != Errc::kNotFound) {
          const std::lock_guard lock(record_mutex);
          unexpected.push_back("put_stage " + stage + ": " + placed.error().detail);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(unexpected.empty());
  for (const std::string& problem : unexpected) UNSCOPED_INFO(problem);

  auto txn = expect_ok(first.store->begin(csms::store::TransactionMode::kRead));
  const auto secret = expect_ok(txn->find_secret(P, "race"));
  REQUIRE(secret.has_value());
  // Every create_version that was acknowledged took a number of its own, and none was lost or doubled.
  CHECK(secret->last_version_number == 1 + static_cast<std::int64_t>(acknowledged.size()));
  const auto versions = expect_ok(txn->list_versions(secret->row_id, std::nullopt, 1000));
  const auto stages = expect_ok(txn->list_stages(secret->row_id));
  CHECK(versions.size() <= 20);
  std::set<csms::core::VersionNumber> existing;
  for (const auto& version : versions) existing.insert(version.number);
  bool has_current = false;
  for (const auto& stage : stages) {
    INFO("stage " << stage.name << " on v" << stage.version);
    CHECK(existing.count(stage.version) == 1);
    has_current = has_current || stage.name == "SYSCURRENT";
  }
  CHECK(has_current);
  for (const auto& version : versions) {
    INFO("v" << version.number);
    CHECK(version.deprecated_since.has_value() == version.stages.empty());
  }
  // Whatever is still stored reads back exactly as acknowledged, through either instance.
  for (const auto& [number, value] : acknowledged) {
    if (existing.count(number) == 0) continue;
    const auto read = expect_ok(second.service.get_version(P, "race", number));
    CHECK(read.value.bytes.view() == value);
  }
  // The writers did collide, and the collisions were retried rather than answered as errors.
  CHECK(first.store->write_retries() + second.store->write_retries() > 0);
}
