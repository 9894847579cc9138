// concurrency_test.cpp: parallel clients keep the stage invariants and version numbering intact.
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "harness.hpp"

using namespace csms_it;

namespace {

// Problems seen by worker threads (Catch assertions are not thread-safe; they are reported after join).
class Problems {
 public:
  void add(std::string what) {
    std::lock_guard lock(mutex_);
    if (list_.size() < 20) list_.push_back(std::move(what));
    ++count_;
  }
  void report() const {
    for (const auto& p : list_) UNSCOPED_INFO(p);
    CHECK(count_ == 0);
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> list_;
  std::size_t count_ = 0;
};

// stage -> holders according to one version list; a stage with two holders is an invariant violation.
std::map<std::string, std::vector<std::string>> holders_in(const json::object& body) {
  std::map<std::string, std::vector<std::string>> holders;
  for (const auto& item : body.at("version_metadatas").as_array()) {
    const auto& md = item.as_object();
    for (const auto& s : md.at("version_stages").as_array()) {
      holders[std::string(s.as_string())].push_back(std::string(md.at("id").as_string()));
    }
  }
  return holders;
}

}  // namespace

// "A stage is on exactly one version"; a move happens "in the same transaction" — under concurrent moves too.
TEST_CASE("concurrent stage moves leave every stage on exactly one version", "[integration][concurrency]") {
  Daemon daemon(no_prune());
  const std::string name = unique_name("race");
  const std::vector<std::string> stages = {"SYSCURRENT", "SYSPREVIOUS", "s0", "s1", "s2", "s3", "s4"};
  constexpr int kVersions = 5;
  constexpr int kWriters = 8;
  constexpr int kIterations = 40;
  {
    auto client = daemon.client();
    create_secret(client, name, "value-1");
    for (int v = 2; v <= kVersions; ++v) create_version(client, name, "value-" + std::to_string(v));
    for (int i = 0; i < 5; ++i) put_stage(client, name, "s" + std::to_string(i), vid(1 + i % kVersions));
  }
  const unsigned seed = std::random_device{}();
  INFO("random seed " << seed);

  Problems problems;
  std::atomic<bool> writers_done{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      try {
        std::mt19937 rng(seed + static_cast<unsigned>(t));
        // Half the writers use TCP, half the Unix socket.
        HttpClient client = (t % 2 == 0) ? daemon.client() : daemon.tcp_client();
        for (int i = 0; i < kIterations; ++i) {
          const std::string& stage = stages[rng() % stages.size()];
          const std::string version = vid(1 + static_cast<int>(rng() % kVersions));
          const HttpResponse r =
              (rng() % 2 == 0)
                  ? client.post_json(stages_url(name), json::object{{"name", stage}, {"version_id", version}})
                  : client.put_json(stage_url(name, stage), json::object{{"version_id", version}});
          if (r.status != 200) problems.add("move " + stage + " -> " + version + ": " + r.describe());
        }
      } catch (const std::exception& e) {
        problems.add(std::string("writer exception: ") + e.what());
      }
    });
  }
  // Two readers check that every snapshot they see is consistent while the writers run.
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      try {
        HttpClient client = daemon.client();
        int rounds = 0;
        while (!writers_done || rounds == 0) {
          ++rounds;
          const std::string& stage = stages[static_cast<std::size_t>(rounds + t) % stages.size()];
          const HttpResponse s = client.get(stage_url(name, stage));
          if (s.status != 200) problems.add("GET stage " + stage + " mid-run: " + s.describe());
          const HttpResponse l = client.get(versions_url(name));
          if (l.status != 200) {
            problems.add("list mid-run: " + l.describe());
            continue;
          }
          const auto holders = holders_in(l.json().as_object());
          for (const auto& st : stages) {
            auto it = holders.find(st);
            if (it == holders.end() || it->second.size() != 1) {
              problems.add("snapshot has stage " + st + " on " +
                           std::to_string(it == holders.end() ? 0 : it->second.size()) + " versions: " + l.body);
            }
          }
        }
      } catch (const std::exception& e) {
        problems.add(std::string("reader exception: ") + e.what());
      }
    });
  }
  for (int t = 0; t < kWriters; ++t) threads[static_cast<std::size_t>(t)].join();
  writers_done = true;
  for (std::size_t t = kWriters; t < threads.size(); ++t) threads[t].join();
  problems.report();

  auto client = daemon.client();
  const auto owners = stage_owners(client, name);  // CHECKs each stage is listed once
  CHECK(owners.size() == stages.size());
  for (const auto& stage : stages) {
    INFO("stage " << stage);
    const auto holder = stage_holder(client, name, stage);
    REQUIRE(holder.has_value());
    CHECK(owners.count(stage) == 1);
    if (owners.count(stage) == 1) CHECK(*holder == owners.at(stage));
  }
  CHECK(owners.count("SYSCURRENT") == 1);
  CHECK(list_all_versions(client, name).size() == kVersions);
}

// "Version ids are v1, v2, … and never reused" — concurrent creates get distinct consecutive ids, and the 20 cap holds.
TEST_CASE("concurrent version creates get distinct ids and respect the cap", "[integration][concurrency]") {
  Daemon daemon(no_prune());
  const std::string name = unique_name("race-create");
  {
    auto client = daemon.client();
    create_secret(client, name, "v1");
  }
  constexpr int kThreads = 8;
  constexpr int kEach = 3;
  Problems problems;
  std::mutex ids_mutex;
  std::vector<std::string> ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        HttpClient client = (t % 2 == 0) ? daemon.client() : daemon.tcp_client();
        for (int i = 0; i < kEach; ++i) {
          const HttpResponse r = client.post_json(versions_url(name), json::object{{"secret_string", "x"}});
          if (r.status != 200) {
            problems.add("create version: " + r.describe());
            continue;
          }
          std::lock_guard lock(ids_mutex);
          ids.emplace_back(r.json().at("version_metadata").at("id").as_string());
        }
      } catch (const std::exception& e) {
        problems.add(std::string("exception: ") + e.what());
      }
    });
  }
  for (auto& th : threads) th.join();
  problems.report();

  std::set<std::string> expected;
  for (int n = 2; n <= 1 + kThreads * kEach; ++n) expected.insert(vid(n));
  CHECK(std::set<std::string>(ids.begin(), ids.end()) == expected);
  CHECK(ids.size() == expected.size());
  auto client = daemon.client();
  CHECK(list_all_versions(client, name).size() == 20);
  const std::string last = vid(1 + kThreads * kEach);
  CHECK(stage_holder(client, name, "SYSCURRENT") == std::optional<std::string>(last));
}

// "create with a taken name → 409 CSMS.0101" — exactly one of many concurrent creates of one name wins.
TEST_CASE("concurrent creates of one secret name: one wins and the rest get 409", "[integration][concurrency]") {
  Daemon daemon;
  const std::string name = unique_name("race-name");
  constexpr int kThreads = 8;
  std::atomic<int> created{0};
  std::atomic<int> conflicts{0};
  Problems problems;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        HttpClient client = daemon.client();
        const HttpResponse r = client.post_json(
            secrets_url(), json::object{{"name", name}, {"secret_string", "from-" + std::to_string(t)}});
        if (r.status == 200) {
          ++created;
        } else if (r.status == 409 && r.json().at("error_code") == "CSMS.0101") {
          ++conflicts;
        } else {
          problems.add(r.describe());
        }
      } catch (const std::exception& e) {
        problems.add(std::string("exception: ") + e.what());
      }
    });
  }
  for (auto& th : threads) th.join();
  problems.report();
  CHECK(created == 1);
  CHECK(conflicts == kThreads - 1);
  auto client = daemon.client();
  CHECK(list_all_versions(client, name).size() == 1);
}

// Group commit: "200 means on disk" must hold for every one of many concurrent writers, whose writes share fsyncs.
// The daemon is killed (no clean shutdown) right after the last answer; everything answered must be there.
TEST_CASE("64 concurrent writers: every acknowledged version survives SIGKILL", "[integration][concurrency]") {
  Daemon daemon(no_prune());
  constexpr int kClients = 64;
  constexpr int kVersionsEach = 4;
  const std::string prefix = unique_name("group");
  {
    auto client = daemon.client();
    for (int c = 0; c < kClients; ++c) create_secret(client, prefix + "-" + std::to_string(c), "initial");
  }
  Problems problems;
  std::mutex acked_mutex;
  std::vector<std::tuple<std::string, std::string, std::string>> acked;  // secret, version id, value
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      try {
        HttpClient client = daemon.client();
        const std::string name = prefix + "-" + std::to_string(c);
        for (int i = 0; i < kVersionsEach; ++i) {
          const std::string value = "value-" + std::to_string(c) + "-" + std::to_string(i);
          const HttpResponse r = client.post_json(versions_url(name), json::object{{"secret_string", value}});
          if (r.status != 200) {
            problems.add("create version of " + name + ": " + r.describe());
            continue;
          }
          std::lock_guard lock(acked_mutex);
          acked.emplace_back(name, std::string(r.json().at("version_metadata").at("id").as_string()), value);
        }
      } catch (const std::exception& e) {
        problems.add(std::string("writer exception: ") + e.what());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  problems.report();
  CHECK(acked.size() == static_cast<std::size_t>(kClients * kVersionsEach));

  daemon.kill();
  daemon.start();
  auto client = daemon.client();
  std::size_t missing = 0;
  for (const auto& [name, version, value] : acked) {
    const HttpResponse r = client.get(version_url(name, version));
    if (r.status != 200 || r.json().at("version").at("secret_string").as_string() != value) {
      ++missing;
      UNSCOPED_INFO(name << " " << version << ": " << r.describe());
    }
  }
  CHECK(missing == 0);
  for (int c = 0; c < kClients; ++c) {
    CHECK(stage_holder(client, prefix + "-" + std::to_string(c), "SYSCURRENT") ==
          std::optional<std::string>(vid(1 + kVersionsEach)));
  }
}
