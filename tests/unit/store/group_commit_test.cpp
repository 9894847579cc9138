// group_commit_test.cpp: SqliteStore::submit_write: shared batches, per-job rollback, nesting, isolation, draining.
#include "store/sqlite/sqlite_store.hpp"

#include "common/store_rows.hpp"
#include "common/unit_env.hpp"

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using csms::core::Errc;
using csms::store::TransactionMode;
using csms::store::WriteJob;
using csms::unit::expect_ok;

const std::string kProject(csms::unit::kProject);
using csms::unit::make_secret;

// Jobs run on the writer thread, where Catch's assertions must not be used: a failure throws instead, which ends
// the job, and the test's checks on the main thread then find the missing rows.
template <class T>
T must(csms::core::Result<T> result) {
  if (!result) throw std::runtime_error(result.error().detail);
  return std::move(*result);
}
void must(csms::core::Status status) {
  if (!status) throw std::runtime_error(status.error().detail);
}

struct GroupEnv {
  csms::unit::TempDir dir;
  std::unique_ptr<csms::store::sqlite::SqliteStore> store =
      expect_ok(csms::store::sqlite::SqliteStore::open(dir / "vault.db"));

  // Outcomes of done(), by job index, once each job has been answered.
  std::mutex mutex;
  std::vector<std::optional<csms::core::Status>> outcomes;
  std::atomic<int> answered{0};

  std::size_t add_slot() {
    const std::lock_guard lock(mutex);
    outcomes.emplace_back();
    return outcomes.size() - 1;
  }

  void submit(std::function<void()> work) {
    const std::size_t slot = add_slot();
    store->submit_write(WriteJob{std::move(work), [this, slot](csms::core::Status durable) {
                                   {
                                     const std::lock_guard lock(mutex);
                                     outcomes[slot] = std::move(durable);
                                   }
                                   answered.fetch_add(1);
                                 }});
  }

  // A job that inserts and commits the secret `name`.
  void submit_insert(const std::string& name) {
    submit([this, name]() {
      auto txn = must(store->begin(TransactionMode::kWrite));
      must(txn->insert_secret(make_secret(name)));
      must(txn->commit());
    });
  }

  // Holds the writer inside a job until the returned promise is set, so the jobs submitted meanwhile queue up.
  std::promise<void> block_writer() {
    std::promise<void> release;
    auto released = std::make_shared<std::shared_future<void>>(release.get_future().share());
    std::promise<void> entered;
    auto entered_future = entered.get_future();
    auto entered_shared = std::make_shared<std::promise<void>>(std::move(entered));
    submit([released, entered_shared]() {
      entered_shared->set_value();
      released->wait();
    });
    entered_future.wait();
    return release;
  }

  void wait_for(int jobs) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (answered.load() < jobs) {
      if (std::chrono::steady_clock::now() > deadline) FAIL("only " << answered.load() << " of " << jobs << " answered");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  bool exists(const std::string& name) {
    auto txn = expect_ok(store->begin(TransactionMode::kRead));
    return expect_ok(txn->find_secret(kProject, name)).has_value();
  }
};

TEST_CASE("writes queued while a batch runs are committed together, each answered ok", "[unit][store][group_commit]") {
  GroupEnv env;
  auto release = env.block_writer();
  constexpr int kWriters = 300;
  for (int i = 0; i < kWriters; ++i) env.submit_insert("s" + std::to_string(i));
  release.set_value();
  env.wait_for(kWriters + 1);
  for (const auto& outcome : env.outcomes) {
    REQUIRE(outcome.has_value());
    CHECK(outcome->has_value());
  }
  // The blocking job's batch, then 300 queued jobs in batches of at most 256: three commits, not 301.
  CHECK(env.store->batches_committed() <= 3);
  CHECK(env.store->database().execAndGet("SELECT count(*) FROM secrets").getInt() == kWriters);
}

TEST_CASE("a job that rolls back its own transaction leaves the other jobs of its batch in place",
          "[unit][store][group_commit]") {
  GroupEnv env;
  auto release = env.block_writer();
  env.submit_insert("kept-1");
  env.submit([&env]() {
    auto txn = must(env.store->begin(TransactionMode::kWrite));
    must(txn->insert_secret(make_secret("abandoned")));
    // no commit: rolled back when txn goes
  });
  std::atomic<bool> refused_duplicate{false};
  env.submit([&env, &refused_duplicate]() {
    auto txn = must(env.store->begin(TransactionMode::kWrite));
    const auto duplicate = txn->insert_secret(make_secret("kept-1"));
    refused_duplicate = !duplicate.has_value() && duplicate.error().code == Errc::kAlreadyExists;
  });
  env.submit_insert("kept-2");
  release.set_value();
  env.wait_for(5);
  CHECK(env.exists("kept-1"));
  CHECK(env.exists("kept-2"));
  CHECK_FALSE(env.exists("abandoned"));
  CHECK(refused_duplicate.load());
  CHECK(env.store->database().execAndGet("SELECT count(*) FROM secrets").getInt() == 2);
}

TEST_CASE("inside a batch a job sees what earlier jobs of the batch wrote", "[unit][store][group_commit]") {
  GroupEnv env;
  auto release = env.block_writer();
  env.submit_insert("first");
  std::atomic<bool> seen_in_batch{false};
  env.submit([&env, &seen_in_batch]() {
    auto txn = must(env.store->begin(TransactionMode::kRead));
    seen_in_batch = must(txn->find_secret(kProject, "first")).has_value();
  });
  release.set_value();
  env.wait_for(3);
  CHECK(seen_in_batch.load());
}

TEST_CASE("readers outside the batch see its writes only once the batch has committed", "[unit][store][group_commit]") {
  GroupEnv env;
  std::promise<void> written;
  std::promise<void> go_on;
  auto go_on_future = go_on.get_future();
  env.submit([&env, &written, &go_on_future]() {
    auto txn = must(env.store->begin(TransactionMode::kWrite));
    must(txn->insert_secret(make_secret("pending")));
    must(txn->commit());  // released into the batch, which has not committed yet
    written.set_value();
    go_on_future.wait();
  });
  written.get_future().wait();
  CHECK_FALSE(env.exists("pending"));  // a pooled read connection, beside the writer
  go_on.set_value();
  env.wait_for(1);
  CHECK(env.exists("pending"));
}

TEST_CASE("a direct write transaction waits for the running batch instead of interleaving with it",
          "[unit][store][group_commit]") {
  GroupEnv env;
  std::promise<void> written;
  std::promise<void> release;
  auto release_future = release.get_future();
  env.submit([&env, &written, &release_future]() {
    auto txn = must(env.store->begin(TransactionMode::kWrite));
    must(txn->insert_secret(make_secret("batched")));
    must(txn->commit());
    written.set_value();
    release_future.wait();
  });
  written.get_future().wait();
  std::atomic<bool> direct_done{false};
  std::atomic<bool> saw_batch{false};
  std::thread direct([&env, &direct_done, &saw_batch]() {
    try {
      auto txn = must(env.store->begin(TransactionMode::kWrite));
      // The batch holds the write lock until it has committed, so its write is visible here.
      saw_batch = must(txn->find_secret(kProject, "batched")).has_value();
      must(txn->insert_secret(make_secret("direct")));
      must(txn->commit());
    } catch (const std::exception&) {
      // reported by the checks below
    }
    direct_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK_FALSE(direct_done.load());
  release.set_value();
  direct.join();
  env.wait_for(1);
  CHECK(saw_batch.load());
  CHECK(env.exists("direct"));
}

TEST_CASE("each write is answered only after its batch committed", "[unit][store][group_commit]") {
  GroupEnv env;
  auto release = env.block_writer();
  std::atomic<int> visible_when_answered{0};
  constexpr int kWriters = 20;
  for (int i = 0; i < kWriters; ++i) {
    const std::string name = "durable-" + std::to_string(i);
    env.store->submit_write(WriteJob{[&env, name]() {
                                       auto txn = must(env.store->begin(TransactionMode::kWrite));
                                       must(txn->insert_secret(make_secret(name)));
                                       must(txn->commit());
                                     },
                                     [&env, &visible_when_answered, name](csms::core::Status durable) {
                                       // A pooled read connection sees only committed data.
                                       auto txn = env.store->begin(TransactionMode::kRead);
                                       if (durable && txn) {
                                         const auto found = (*txn)->find_secret(kProject, name);
                                         if (found && found->has_value()) visible_when_answered.fetch_add(1);
                                       }
                                       env.answered.fetch_add(1);
                                     }});
  }
  release.set_value();
  env.wait_for(kWriters + 1);
  CHECK(visible_when_answered.load() == kWriters);
}

TEST_CASE("a batch that SQLite rolled back fails every job in it, and the next batch works",
          "[unit][store][group_commit]") {
  GroupEnv env;
  auto release = env.block_writer();
  env.submit_insert("lost-1");
  std::atomic<bool> later_refused{false};
  env.submit([&env, &later_refused]() {
    // What SQLite does by itself after a full disk or an I/O error: the whole transaction is gone.
    env.store->database().exec("ROLLBACK");
    // A write after that must not start a transaction of its own outside the batch.
    const auto txn = env.store->begin(TransactionMode::kWrite);
    later_refused = !txn.has_value() && txn.error().code == Errc::kStorageFull;
  });
  env.submit_insert("never-run");
  release.set_value();
  env.wait_for(4);
  CHECK(later_refused.load());
  CHECK_FALSE(env.exists("never-run"));
  for (std::size_t i = 1; i < env.outcomes.size(); ++i) {
    INFO("job " << i);
    REQUIRE(env.outcomes[i].has_value());
    CHECK_FALSE(env.outcomes[i]->has_value());
  }
  CHECK_FALSE(env.exists("lost-1"));
  env.submit_insert("after");
  env.wait_for(5);
  CHECK(env.outcomes.back()->has_value());
  CHECK(env.exists("after"));
}

TEST_CASE("closing the store answers and commits every write still queued", "[unit][store][group_commit]") {
  csms::unit::TempDir dir;
  std::atomic<int> ok{0};
  {
    auto store = expect_ok(csms::store::sqlite::SqliteStore::open(dir / "vault.db"));
    auto* raw = store.get();
    for (int i = 0; i < 50; ++i) {
      store->submit_write(WriteJob{[raw, i]() {
                                     auto txn = must(raw->begin(TransactionMode::kWrite));
                                     must(txn->insert_secret(make_secret("q" + std::to_string(i))));
                                     must(txn->commit());
                                   },
                                   [&ok](csms::core::Status durable) {
                                     if (durable) ok.fetch_add(1);
                                   }});
    }
  }
  CHECK(ok.load() == 50);
  auto reopened = expect_ok(csms::store::sqlite::SqliteStore::open(dir / "vault.db"));
  CHECK(reopened->database().execAndGet("SELECT count(*) FROM secrets").getInt() == 50);
}

}  // namespace
