// multi_instance_test.cpp: two csmsd instances on one PostgreSQL vault: concurrent stage moves through both keep every
// invariant, each serves what the other wrote, and the background lease fails over when its holder is killed.
#include <array>
#include <iterator>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

using namespace csms_it;
using namespace std::chrono_literals;

namespace {

// Problems seen by client threads (Catch assertions are not thread-safe; they are reported after join).
class Problems {
 public:
  void add(std::string what) {
    const std::lock_guard lock(mutex_);
    if (list_.size() < 20) list_.push_back(std::move(what));
    ++count_;
  }
  void report() const {
    for (const auto& problem : list_) UNSCOPED_INFO(problem);
    CHECK(count_ == 0);
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> list_;
  std::size_t count_ = 0;
};

// Without a cluster there is nothing to test; the warning keeps the skip visible in the run's output.
bool postgres_available() {
  if (csms_test::PgTestDatabase::cluster()) return true;
  WARN("skipped: set CSMSD_TEST_POSTGRES to a cluster URI (scripts/pg-cluster.sh start DIR) to run it");
  return false;
}

/// Two daemons on one new database, the second with the first's key file (as operators run several instances).
struct TwoInstances {
  std::unique_ptr<Daemon> first;
  std::unique_ptr<Daemon> second;

  explicit TwoInstances(csms_test::TestDaemonOptions options) {
    first = std::make_unique<Daemon>(options);
    REQUIRE(first->on_postgres());
    options.share_database = first->database();
    options.master_key_file = first->master_key_file();
    second = std::make_unique<Daemon>(options);
  }
};

// The csmsd_background_lease_held gauge of one daemon, or nullopt when the scrape fails (a killed daemon).
std::optional<int> lease_gauge(Daemon& daemon) {
  try {
    auto client = daemon.client(2s);
    const HttpResponse response = client.get("/metrics");
    if (response.status != 200) return std::nullopt;
    const std::string key = "\ncsmsd_background_lease_held ";
    const auto at = response.body.find(key);
    if (at == std::string::npos) return std::nullopt;
    return std::stoi(response.body.substr(at + key.size()));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// stage -> holders per one version list.
std::map<std::string, std::vector<std::string>> holders_in(const json::object& body) {
  std::map<std::string, std::vector<std::string>> holders;
  for (const auto& item : body.at("version_metadatas").as_array()) {
    const auto& metadata = item.as_object();
    for (const auto& stage : metadata.at("version_stages").as_array()) {
      holders[std::string(stage.as_string())].push_back(std::string(metadata.at("id").as_string()));
    }
  }
  return holders;
}

}  // namespace

// Issue 7: "two instances on one PostgreSQL keep every invariant under concurrent stage moves".
TEST_CASE("stage moves through two instances at once keep every stage invariant", "[integration][postgres][multi-instance]") {
  if (!postgres_available()) return;
  TwoInstances vault(no_prune());
  std::array<Daemon*, 2> daemons{vault.first.get(), vault.second.get()};

  constexpr int kSecrets = 3;
  constexpr int kThreads = 8;
  constexpr int kIterations = 30;
  // Each secret stays within 20 versions, so the cap deletes nothing and every acknowledged version must read back.
  constexpr int kMaxVersions = 20;
  const std::vector<std::string> custom = {"s0", "s1", "s2", "s3"};
  std::vector<std::string> names;
  {
    auto client = vault.first->client();
    for (int s = 0; s < kSecrets; ++s) {
      names.push_back(unique_name("multi"));
      create_secret(client, names.back(), names.back() + "-initial");
      create_version(client, names.back(), names.back() + "-second");
      for (const auto& stage : custom) put_stage(client, names.back(), stage, "v1");
    }
  }
  std::array<std::atomic<int>, kSecrets> versions{};
  for (auto& count : versions) count = 2;
  // Every acknowledged new version: secret -> version id -> the value sent.
  std::mutex acknowledged_mutex;
  std::map<std::string, std::map<std::string, std::string>> acknowledged;
  for (const auto& name : names) {
    acknowledged[name] = {{"v1", name + "-initial"}, {"v2", name + "-second"}};
  }

  const unsigned seed = std::random_device{}();
  INFO("random seed " << seed);
  Problems problems;
  std::atomic<bool> writers_done{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        std::mt19937 rng(seed + static_cast<unsigned>(t));
        // Each writer alternates between the instances, one over its Unix socket, the other over signed TCP.
        HttpClient over_unix = daemons[static_cast<std::size_t>(t % 2)]->client();
        HttpClient over_tcp = daemons[static_cast<std::size_t>((t + 1) % 2)]->tcp_client();
        for (int i = 0; i < kIterations; ++i) {
          HttpClient& client = i % 2 == 0 ? over_unix : over_tcp;
          const std::size_t s = rng() % kSecrets;
          const std::string& name = names[s];
          const int choice = static_cast<int>(rng() % 6);
          if (choice == 0 && versions[s].fetch_add(1) < kMaxVersions) {
            // PutSecretValue: the new version takes SYSCURRENT (and sometimes a custom stage), the old SYSPREVIOUS.
            const std::string value = name + "-t" + std::to_string(t) + "-i" + std::to_string(i);
            json::object body{{"secret_string", value}};
            if (rng() % 2 == 0) body["version_stages"] = json::array{"SYSCURRENT", json::string(custom[rng() % custom.size()])};
            const HttpResponse r = client.post_json(versions_url(name), body);
            if (r.status != 200) {
              problems.add("create version of " + name + ": " + r.describe());
              continue;
            }
            const std::string id(r.json().at("version_metadata").at("id").as_string());
            const std::lock_guard lock(acknowledged_mutex);
            if (!acknowledged[name].emplace(id, value).second) problems.add(name + ": version id " + id + " issued twice");
            continue;
          }
          if (choice == 0) versions[s].fetch_sub(1);
          // UpdateSecretStage / CreateSecretStage: a custom stage or SYSCURRENT moves to an acknowledged version.
          std::string version;
          {
            const std::lock_guard lock(acknowledged_mutex);
            const auto& known = acknowledged[name];
            version = std::next(known.begin(), static_cast<long>(rng() % known.size()))->first;
          }
          const std::string stage = choice == 1 ? std::string("SYSCURRENT") : custom[rng() % custom.size()];
          const HttpResponse r = (rng() % 2 == 0)
                                     ? client.post_json(stages_url(name), json::object{{"name", stage}, {"version_id", version}})
                                     : client.put_json(stage_url(name, stage), json::object{{"version_id", version}});
          if (r.status != 200) problems.add("move " + stage + " of " + name + " to " + version + ": " + r.describe());
        }
      } catch (const std::exception& e) {
        problems.add(std::string("writer exception: ") + e.what());
      }
    });
  }
  // A reader on each instance checks that every snapshot it is served is consistent while the writers run.
  for (Daemon* daemon : daemons) {
    threads.emplace_back([&, daemon] {
      try {
        HttpClient client = daemon->client();
        int rounds = 0;
        while (!writers_done || rounds == 0) {
          const std::string& name = names[static_cast<std::size_t>(rounds++) % names.size()];
          const HttpResponse listed = client.get(with_query(versions_url(name), {{"limit", "50"}}));
          if (listed.status != 200) {
            problems.add("list mid-run: " + listed.describe());
            continue;
          }
          for (const auto& [stage, holders] : holders_in(listed.json().as_object())) {
            if (holders.size() != 1) problems.add("snapshot has " + stage + " on several versions: " + listed.body);
          }
          if (holders_in(listed.json().as_object()).count("SYSCURRENT") != 1) {
            problems.add("snapshot without SYSCURRENT: " + listed.body);
          }
        }
      } catch (const std::exception& e) {
        problems.add(std::string("reader exception: ") + e.what());
      }
    });
  }
  for (int t = 0; t < kThreads; ++t) threads[static_cast<std::size_t>(t)].join();
  writers_done = true;
  for (std::size_t t = kThreads; t < threads.size(); ++t) threads[t].join();
  problems.report();

  for (const auto& name : names) {
    INFO("secret " << name);
    std::optional<std::map<std::string, std::string>> first_view;
    for (Daemon* daemon : daemons) {
      auto client = daemon->client();
      const auto owners = stage_owners(client, name);  // CHECKs that no stage is listed twice
      REQUIRE(owners.count("SYSCURRENT") == 1);
      // Only SYSCURRENT moves put SYSPREVIOUS anywhere, always onto the version SYSCURRENT left.
      REQUIRE(owners.count("SYSPREVIOUS") == 1);
      CHECK(owners.at("SYSPREVIOUS") != owners.at("SYSCURRENT"));
      for (const auto& stage : custom) CHECK(owners.count(stage) == 1);
      for (const auto& [stage, holder] : owners) {
        INFO("stage " << stage);
        CHECK(stage_holder(client, name, stage) == std::optional<std::string>(holder));
      }
      // Both instances see the same placement.
      if (!first_view) first_view = owners;
      else CHECK(owners == *first_view);

      // Version ids are unique and exactly the acknowledged ones, and each reads back with its value.
      std::set<std::string> listed;
      for (const auto& [id, stages] : list_all_versions(client, name)) CHECK(listed.insert(id).second);
      std::set<std::string> expected;
      for (const auto& [id, value] : acknowledged.at(name)) expected.insert(id);
      CHECK(listed == expected);
      for (const auto& [id, value] : acknowledged.at(name)) {
        INFO("version " << id);
        CHECK(get_version(client, name, id).at("secret_string") == json::value(value));
      }
    }
  }
}

TEST_CASE("a secret created on one instance is read, updated and deleted through the other", "[integration][postgres][multi-instance]") {
  if (!postgres_available()) return;
  TwoInstances vault(no_prune());
  auto on_first = vault.first->client();
  auto on_second = vault.second->tcp_client();
  const std::string name = unique_name("shared");

  const auto created = create_secret(on_first, name, "from-first");
  const auto seen = get_secret(on_second, name);
  CHECK(get_string(seen, "id") == get_string(created, "id"));
  CHECK(get_version(on_second, name, "latest").at("secret_string") == json::value("from-first"));

  REQUIRE_STATUS(on_second.put_json(secret_url(name), json::object{{"description", "updated on the second"}}), 200);
  CHECK(get_string(get_secret(on_first, name), "description") == "updated on the second");
  const auto version = create_version(on_second, name, "from-second");
  CHECK(get_string(version, "id") == "v2");
  CHECK(get_version(on_first, name, "latest").at("secret_string") == json::value("from-second"));
  CHECK(stage_holder(on_first, name, "SYSPREVIOUS") == std::optional<std::string>("v1"));

  REQUIRE_STATUS(on_second.del(secret_url(name)), 200);
  CHECK_CSMS_ERROR(on_first.get(secret_url(name)), 404, "CSMS.0005");
  CHECK_CSMS_ERROR(on_second.get(secret_url(name)), 404, "CSMS.0005");
  // The name is free again on both.
  create_secret(on_first, name, "again");
  CHECK(get_version(on_second, name, "latest").at("secret_string") == json::value("again"));
}

TEST_CASE("an instance with another master key is refused by a PostgreSQL vault", "[integration][postgres][multi-instance]") {
  if (!postgres_available()) return;
  Daemon first;
  auto client = first.client();
  const std::string name = unique_name("sealed");
  create_secret(client, name, "value");

  // Its own new data directory and the default key source: the vault has keys, so no new key is made up.
  csms_test::TestDaemonOptions keyless;
  keyless.share_database = first.database();
  keyless.start = false;
  Daemon without_key(keyless);
  CHECK_FALSE(without_key.process().try_start());
  CHECK(without_key.process().exit_status() == std::optional<int>(1));
  CHECK_FALSE(std::filesystem::exists(without_key.master_key_file()));

  // Another vault's key.
  Daemon other;
  other.stop();
  csms_test::TestDaemonOptions wrong = keyless;
  wrong.master_key_file = other.master_key_file();
  Daemon with_wrong_key(wrong);
  CHECK_FALSE(with_wrong_key.process().try_start());
  CHECK(with_wrong_key.process().exit_status() == std::optional<int>(1));
  CHECK(with_wrong_key.log().find("master key") != std::string::npos);

  // Neither attempt harmed the vault: the first instance still opens the value.
  CHECK(get_version(client, name, "latest").at("secret_string") == json::value("value"));
}

// Issue 7: "killing the instance that holds the pruning lock lets the other take over".
TEST_CASE("when the lease holder is killed the other instance prunes and deletes", "[integration][postgres][multi-instance]") {
  if (!postgres_available()) return;
  csms_test::TestDaemonOptions options;  // prune every 200ms with a grace of 1s
  TwoInstances vault(options);
  std::array<Daemon*, 2> daemons{vault.first.get(), vault.second.get()};

  // Exactly one instance holds the lease.
  Daemon* holder = nullptr;
  REQUIRE(poll_until(
      [&]() {
        const auto a = lease_gauge(*daemons[0]);
        const auto b = lease_gauge(*daemons[1]);
        if (!a || !b || *a + *b != 1) return false;
        holder = *a == 1 ? daemons[0] : daemons[1];
        return true;
      },
      30s, 100ms));
  Daemon* survivor = holder == daemons[0] ? daemons[1] : daemons[0];
  CHECK(lease_gauge(*survivor) == std::optional<int>(0));
  CHECK(holder->log().find("took the background lease") != std::string::npos);
  CHECK(survivor->log().find("another instance holds the background lease") != std::string::npos);

  holder->kill();
  // The survivor takes the lease (its next background tick after the holder's session ended).
  CHECK(poll_until([&]() { return lease_gauge(*survivor) == std::optional<int>(1); }, 60s, 100ms));
  CHECK(survivor->log().find("took the background lease") != std::string::npos);

  // Work only the lease holder does, left for the survivor: a version without a stage (pruned after the grace) and a
  // secret whose scheduled deletion time has passed.
  auto client = survivor->client();
  const std::string pruned = unique_name("failover-prune");
  create_secret(client, pruned, "one");
  create_version(client, pruned, "two");
  create_version(client, pruned, "three");  // v1 loses SYSPREVIOUS
  const std::string doomed = unique_name("failover-delete");
  create_secret(client, doomed, "bye");
  REQUIRE_STATUS(client.post_json(schedule_delete_url(doomed), json::object{{"recovery_window_in_days", 7}}), 200);
  // Seven days are not waited for: the deletion time is moved into the past in the database itself.
  survivor->database()->execute("UPDATE secrets SET scheduled_delete_time = 1000 WHERE name = '" + doomed + "'");

  CHECK(poll_until([&]() { return !version_exists(client, pruned, "v1"); }, 60s, 100ms));
  CHECK(poll_until([&]() { return client.get(secret_url(doomed)).status == 404; }, 60s, 100ms));
  CHECK(version_exists(client, pruned, "v2"));
  CHECK(version_exists(client, pruned, "v3"));
}

TEST_CASE("a master key rotation on one instance reaches the other", "[integration][postgres][multi-instance]") {
  if (!postgres_available()) return;
  TwoInstances vault(no_prune());
  auto on_first = vault.first->client();
  auto on_second = vault.second->client();
  const std::string name = unique_name("rotated");
  create_secret(on_first, name, "under-key-1");

  const HttpResponse rotated = on_second.post("/v1/csmsd/master-key/rotate");
  REQUIRE_STATUS(rotated, 202);
  const auto new_key = get_object(body_object(rotated), "master_key").at("current_key_id");
  // Sealed by the second under the new key: the first has not synced yet and finds the key on the miss.
  create_version(on_second, name, "under-the-new-key");
  CHECK(get_version(on_first, name, "latest").at("secret_string") == json::value("under-the-new-key"));
  create_version(on_first, name, "written-by-the-first");
  CHECK(get_version(on_second, name, "latest").at("secret_string") == json::value("written-by-the-first"));

  // Both end on the new key alone, once the lease holder re-sealed v1 and the old key's grace passed.
  for (HttpClient* client : {&on_first, &on_second}) {
    CHECK(poll_until(
        [&]() {
          const auto status = get_object(body_object(client->get("/v1/csmsd/master-key")), "master_key");
          return status.at("current_key_id") == new_key && get_array(status, "keys").size() == 1;
        },
        90s, 250ms));
  }
  for (HttpClient* client : {&on_first, &on_second}) {
    CHECK(get_version(*client, name, "v1").at("secret_string") == json::value("under-key-1"));
    CHECK(get_version(*client, name, "v3").at("secret_string") == json::value("written-by-the-first"));
  }
}
