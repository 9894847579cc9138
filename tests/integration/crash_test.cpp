// crash_test.cpp: SIGKILL at random moments under concurrent writers, many rounds; nothing acknowledged is lost.
//
// Each worker owns a few secrets and keeps a model of their stages and staged values. After every kill the daemon
// restarts on the same data directory and each secret must equal the model exactly, or, for the one request that
// was in flight when the daemon died, the model with that request applied completely: never a mixture.
#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "harness.hpp"

using namespace csms_it;

namespace {

/// What a secret looks like through the API: absent, or its stages and the values of the versions carrying them.
struct SecretState {
  bool exists = false;
  std::map<std::string, std::string> stages;  ///< stage -> version id
  std::map<std::string, std::string> values;  ///< version id -> value, for versions that carry a stage
  int highest = 0;                            ///< highest version number issued (only grows, even across deletes)

  bool same_as(const SecretState& other) const {
    return exists == other.exists && stages == other.stages && values == other.values;
  }
  std::string describe() const {
    if (!exists) return "absent";
    std::ostringstream text;
    for (const auto& [stage, version] : stages) text << stage << "->" << version << "(" << values.at(version) << ") ";
    return text.str();
  }
  // Versions without a stage are deprecated and may be pruned or capped away; the model forgets their values.
  void forget_unstaged() {
    std::map<std::string, std::string> kept;
    for (const auto& [stage, version] : stages) kept[version] = values.at(version);
    values = std::move(kept);
  }
};

int number_of(const std::string& version_id) { return std::stoi(version_id.substr(1)); }

/// A request whose answer was lost with the daemon: the secret must be either `before` or `after` it.
struct InFlight {
  std::size_t secret = 0;
  SecretState after;
};

/// One worker's secrets and its model of them; only its own thread touches them between kills.
struct Worker {
  std::vector<std::string> names;
  std::vector<SecretState> model;
  std::optional<InFlight> in_flight;
  std::mt19937 random;
  std::size_t acknowledged = 0;
};

std::string describe_op(const std::string& what, const std::string& name) { return what + " on " + name; }

/// Runs one random operation of `worker` against the daemon. Returns false once a request failed at the transport
/// (the daemon is gone): its effect is then uncertain and recorded as the worker's in-flight request.
bool run_one_operation(Worker& worker, HttpClient& client, std::string& problem, std::uint64_t& serial) {
  const std::size_t index = worker.random() % worker.names.size();
  const std::string& name = worker.names[index];
  SecretState& state = worker.model[index];
  SecretState after = state;
  const std::string value = "value-" + name + "-" + std::to_string(++serial);
  std::string method, url;
  std::optional<json::object> body;
  int expected_status = 200;
  std::string what;

  const auto staged_versions = [&] {
    std::vector<std::string> versions;
    for (const auto& [version, _] : state.values) versions.push_back(version);
    return versions;
  };

  if (!state.exists) {
    what = "create secret";
    method = "POST", url = secrets_url(), body = json::object{{"name", name}, {"secret_string", value}};
    after.exists = true;
    after.highest = 1;  // a secret created again under a deleted one's name starts over at v1
    after.stages = {{"SYSCURRENT", "v1"}};
    after.values = {{"v1", value}};
  } else {
    const unsigned choice = worker.random() % 100;
    const auto versions = staged_versions();
    const std::string target = versions[worker.random() % versions.size()];
    if (choice < 45) {
      what = "create version";
      method = "POST", url = versions_url(name), body = json::object{{"secret_string", value}};
      const std::string fresh = vid(state.highest + 1);
      after.highest = state.highest + 1;
      after.values[fresh] = value;
      after.stages["SYSPREVIOUS"] = state.stages.at("SYSCURRENT");
      after.stages["SYSCURRENT"] = fresh;
    } else if (choice < 70) {
      what = "move custom stage to " + target;
      method = "PUT", url = stage_url(name, "BLUE"), body = json::object{{"version_id", target}};
      after.stages["BLUE"] = target;
    } else if (choice < 82) {
      what = "move SYSCURRENT to " + target;
      method = "PUT", url = stage_url(name, "SYSCURRENT"), body = json::object{{"version_id", target}};
      if (state.stages.at("SYSCURRENT") != target) {
        after.stages["SYSPREVIOUS"] = state.stages.at("SYSCURRENT");
        after.stages["SYSCURRENT"] = target;
      }
    } else if (choice < 92) {
      what = "delete custom stage";
      method = "DELETE", url = stage_url(name, "BLUE");
      if (state.stages.count("BLUE") != 0) {
        expected_status = 204;
        after.stages.erase("BLUE");
      } else {
        expected_status = 404;
      }
    } else {
      what = "delete secret";
      method = "DELETE", url = secret_url(name);
      after = SecretState{};
    }
  }
  after.forget_unstaged();

  worker.in_flight = InFlight{index, after};
  HttpResponse response;
  try {
    response = client.request(method, url, body ? std::optional<std::string>(json::serialize(*body)) : std::nullopt);
  } catch (const std::exception&) {
    return false;  // the daemon died: this request stays in flight
  }
  worker.in_flight.reset();
  if (response.status != expected_status) {
    problem = describe_op(what, name) + ": expected " + std::to_string(expected_status) + ", got " +
              response.describe();
    return false;
  }
  if (what == "create version") {
    const std::string issued(response.json().at("version_metadata").at("id").as_string());
    if (issued != vid(after.highest)) {
      problem = describe_op(what, name) + ": issued " + issued + ", expected " + vid(after.highest);
      return false;
    }
  }
  state = std::move(after);
  ++worker.acknowledged;
  return true;
}

/// The secret as the restarted daemon serves it; CHECKs that no stage is on two versions.
SecretState read_state(HttpClient& client, const std::string& name) {
  SecretState state;
  const HttpResponse secret = client.get(secret_url(name));
  if (secret.status == 404) return state;
  REQUIRE_STATUS(secret, 200);
  state.exists = true;
  for (const auto& [version, stages] : list_all_versions(client, name)) {
    state.highest = std::max(state.highest, number_of(version));
    for (const auto& stage : stages) {
      INFO(name << ": stage " << stage << " on two versions");
      CHECK(state.stages.count(stage) == 0);
      state.stages[stage] = version;
    }
  }
  for (const auto& [stage, version] : state.stages) {
    state.values[version] = std::string(get_version(client, name, version).at("secret_string").as_string());
  }
  return state;
}

/// PRAGMA integrity_check and the stage invariants, straight from the database file the killed daemon left.
void check_database(const std::filesystem::path& database) {
  SQLite::Database db(database.string(), SQLite::OPEN_READWRITE);
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
  CHECK(db.execAndGet("SELECT count(*) FROM pragma_foreign_key_check").getInt() == 0);
  // Every secret with a version has SYSCURRENT (a secret is never left without a current version).
  CHECK(db.execAndGet("SELECT count(*) FROM secrets s WHERE EXISTS (SELECT 1 FROM versions v WHERE v.secret_pk = "
                      "s.secret_pk) AND NOT EXISTS (SELECT 1 FROM stages t WHERE t.secret_pk = s.secret_pk AND "
                      "t.name = 'SYSCURRENT')")
            .getInt() == 0);
  // deprecated_since marks exactly the versions that carry no stage.
  CHECK(db.execAndGet("SELECT count(*) FROM versions v WHERE (v.deprecated_since IS NULL) = NOT EXISTS (SELECT 1 "
                      "FROM stages t WHERE t.secret_pk = v.secret_pk AND t.version_number = v.number)")
            .getInt() == 0);
}

int env_or(const char* name, int fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::atoi(text) : fallback;
}

}  // namespace

TEST_CASE("SIGKILL at random moments under concurrent writers loses no acknowledged change", "[crash-rounds][sqlite-only]") {
  const int rounds = env_or("CSMSD_CRASH_ROUNDS", 50);
  const unsigned seed = static_cast<unsigned>(env_or("CSMSD_CRASH_SEED", static_cast<int>(std::random_device{}())));
  INFO("seed " << seed << " (rerun with CSMSD_CRASH_SEED=" << seed << ")");
  constexpr int kWorkers = 8;
  constexpr int kSecretsEach = 3;

  Daemon daemon(no_prune());
  std::mt19937 random(seed);
  std::vector<Worker> workers(kWorkers);
  for (int w = 0; w < kWorkers; ++w) {
    workers[w].random.seed(seed + 1 + static_cast<unsigned>(w));
    for (int s = 0; s < kSecretsEach; ++s) workers[w].names.push_back(unique_name("crash-w" + std::to_string(w)));
    workers[w].model.resize(kSecretsEach);
  }
  std::uint64_t serials[kWorkers] = {};
  std::size_t in_flight_applied = 0, in_flight_lost = 0;

  for (int round = 0; round < rounds; ++round) {
    INFO("round " << round);
    std::atomic<bool> stop{false};
    std::mutex problem_mutex;
    std::vector<std::string> problems;
    std::vector<std::thread> threads;
    for (int w = 0; w < kWorkers; ++w) {
      threads.emplace_back([&, w] {
        HttpClient client = daemon.client(std::chrono::seconds(5));
        std::string problem;
        while (!stop.load() && run_one_operation(workers[w], client, problem, serials[w])) {
        }
        if (!problem.empty()) {
          std::lock_guard lock(problem_mutex);
          problems.push_back(problem);
        }
      });
    }
    // Kill anywhere from the first requests to well into a steady stream of group-committed batches.
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + random() % 250));
    daemon.kill();
    stop = true;
    for (auto& thread : threads) thread.join();
    for (const auto& problem : problems) FAIL_CHECK(problem);
    REQUIRE(problems.empty());

    check_database(daemon.data_dir() / "csmsd.db");
    daemon.start();
    HttpClient client = daemon.client();
    for (Worker& worker : workers) {
      for (std::size_t s = 0; s < worker.names.size(); ++s) {
        const SecretState actual = read_state(client, worker.names[s]);
        INFO(worker.names[s] << " is " << actual.describe() << "; acknowledged " << worker.model[s].describe());
        if (actual.exists) CHECK(actual.stages.count("SYSCURRENT") == 1);
        if (worker.in_flight && worker.in_flight->secret == s && !actual.same_as(worker.model[s])) {
          INFO("the request in flight would give " << worker.in_flight->after.describe());
          REQUIRE(actual.same_as(worker.in_flight->after));
          worker.model[s] = worker.in_flight->after;
          ++in_flight_applied;
        } else {
          REQUIRE(actual.same_as(worker.model[s]));
          if (worker.in_flight && worker.in_flight->secret == s) ++in_flight_lost;
        }
        // A version number is never reused, so what the daemon lists can only be at or above what was issued.
        if (actual.exists) CHECK(actual.highest >= number_of(actual.stages.at("SYSCURRENT")));
      }
      worker.in_flight.reset();
    }
  }
  std::size_t acknowledged = 0;
  for (const Worker& worker : workers) acknowledged += worker.acknowledged;
  WARN(rounds << " kill rounds: " << acknowledged << " acknowledged changes all present; of the requests in flight "
              << in_flight_applied << " had been applied whole and " << in_flight_lost << " not at all");
  CHECK(acknowledged > static_cast<std::size_t>(rounds));  // the rounds did real work, not just start and die
}
